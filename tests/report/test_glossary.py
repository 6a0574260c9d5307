"""The glossary (plain words for the reports' terms) and human names for slugs and codes."""

from __future__ import annotations

import json

import pytest

from tokenecon import data
from tokenecon.report import glossary as g
from tokenecon.report import notebook as reporting


def test_the_terms_the_issue_names_are_explained():
    for term in ("Cached tokens", "PUE", "HHI", "J/token", "Interactivity", "MoE", "TDP"):
        text = g.define(term)
        assert len(text.split()) >= 12 and text.endswith(".")
        assert "_" not in text  # no slug in a definition
    assert g.define("pue") == g.TERMS["PUE"]
    with pytest.raises(ValueError, match="unknown term 'flux'"):
        g.define("flux")


def test_terms_in_matches_acronyms_case_sensitively():
    assert g.terms_in("A PUE of 1.2 and an HHI near 2,000") == ["PUE", "HHI"]
    assert g.terms_in("pue = 1.2; hhi = x") == []  # variable names are not uses of the term
    assert "Cached tokens" in g.terms_in("cached input tokens are billed at a tenth")
    assert "MoE" in g.terms_in("a mixture-of-experts model")


def test_glossary_of_a_notebook_lists_the_terms_its_prose_uses(tmp_path):
    nb = {"cells": [
        {"cell_type": "markdown", "source": ["## Energy\n", "Energy in J per output token at a PUE of 1.3."]},
        {"cell_type": "code", "source": ["hhi = conc(df)\n", "md(f\"The HHI was {hhi:.0f}.\")"]},
    ]}
    p = tmp_path / "x.ipynb"
    p.write_text(json.dumps(nb), encoding="utf-8")
    assert g.terms_in_notebook(p) == ["Token", "Input and output tokens", "J/token", "PUE", "HHI"]
    text = g.glossary_markdown(["HHI", "pue", "PUE"])
    assert text == f"## Glossary\n\n**PUE**: {g.TERMS['PUE']}\n\n**HHI**: {g.TERMS['HHI']}"  # glossary order, once
    assert g.glossary_markdown([]).endswith("uses no term that needs explaining.")
    with pytest.raises(ValueError, match="cannot read notebook"):
        g.terms_in_notebook(tmp_path / "missing.ipynb")


def test_model_slugs_become_the_names_in_the_tables():
    models = data.load("models")
    row = models.loc[models["openrouter_slug"].fillna("").str.split("|").map(lambda s: "deepseek/deepseek-chat" in s)]
    assert g.model_name("deepseek/deepseek-chat") == row["display_name"].iloc[0] == "DeepSeek-V3"
    assert g.model_name("deepseek-v3") == "DeepSeek-V3"  # the models key
    # a dated OpenRouter permaslug resolves like its base slug
    hy3 = models.loc[models["model"] == "hy3", "display_name"].iloc[0]
    assert g.model_name("tencent/hy3-preview-20260421") == hy3
    # not in the models table: OpenRouter's own name, without its "Author: " prefix
    top = data.load("openrouter_weekly_top10")
    r = top.loc[top["model_slug"] == "x-ai/grok-code-fast-1"].iloc[0]
    assert g.model_name("x-ai/grok-code-fast-1") == r["model_name"].split(": ", 1)[1]
    # unknown everywhere: the slug's own words, never the slug
    assert g.model_name("acme/rocket-v2-pro-20260318") == "Rocket V2 Pro"


def test_codes_in_words():
    labs = data.load("labs")
    assert g.lab_name("moonshotai") == labs.loc[labs["author"] == "moonshotai", "lab"].iloc[0]
    assert g.bloc_name("china") == "China" and g.bloc_name("us", capital=True) == "The US"
    assert g.human_name("china_likely") == "likely in China"
    assert g.human_name("unknown") == "unknown origin"
    assert reporting.name("deepseek/deepseek-chat") == "DeepSeek-V3"
    with pytest.raises(ValueError, match="unknown code 'mars'"):
        g.bloc_name("mars")
