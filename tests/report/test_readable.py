"""Every report at its defaults reads as prose for people: no code names (``prev_rank``, ``china_likely``,
``uncertain_inputs``) and no scientific notation in what a reader sees, outside the "About this report" section
(whose parameters and table files are the rebuild's identifiers) and the data catalogue (whose subject is the
tables' column names)."""

from __future__ import annotations

import html
import re

import pytest

from tokenecon.report import notebook as reporting

CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"  # prev_rank, uncertain_inputs
                  r"|\b[a-z][a-z0-9-]*/[a-z0-9.-]*\d[a-z0-9.-]*\b"  # deepseek/deepseek-v3.2
                  r"|\b[a-z]{3,}-[a-z]\d[a-z0-9.]*\b")  # minimax-m2.5, deepseek-v3
SCIENTIFIC = re.compile(r"\b\d(?:\.\d+)?e[+-]?\d+\b", re.I)


def visible_text(page: str) -> str:
    """The text a reader sees above the About section: no styles, scripts, images, data links or attributes."""
    cut = page.find('id="About-this-report"')
    if cut > 0:
        page = page[:cut]
    page = re.sub(r"(?s)<style.*?</style>|<script.*?</script>|<svg.*?</svg>", " ", page)
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", page))


def test_visible_text_ignores_markup_and_keeps_words():
    page = ('<style>.a_b{}</style><p data-columns=\'["x_y"]\'>Rank <b>change</b> 2.05e+03 prev_rank, 20 tokens/s,'
            ' top-10, minimax-m2.5 and z-ai/glm-5</p><h2 id="About-this-report">About</h2><td>uncertain_inputs</td>')
    text = visible_text(page)
    assert CODE.findall(text) == ["prev_rank", "minimax-m2.5", "z-ai/glm-5"] and SCIENTIFIC.findall(text) == ["2.05e+03"]


def test_a_table_with_code_headings_or_categories_is_refused_by_name():
    import pandas as pd

    with pytest.raises(ValueError, match=r"table 'ranks': prev_rank is a code name"):
        reporting.show_table(pd.DataFrame({"prev_rank": [1]}), uuid="ranks")
    with pytest.raises(ValueError, match=r"china_likely, china_partly are code names"):
        reporting.show_table(pd.DataFrame({"where": ["china_likely", "china_partly", "outside"]}), uuid="p")
    # a list of files is allowed in cells, never in headings
    assert reporting.code_names(pd.DataFrame({"table": ["cost_anchors"]}), cells=False) == []


@pytest.mark.slow
def test_no_code_name_or_scientific_notation_in_any_report(default_reports):
    bad = {}
    for page in sorted(default_reports.glob("*.html")):
        if page.stem == "data_catalog":
            continue
        # on the landing page, the folded "Parameters of this build" lists the rebuild's parameter names
        source = re.sub(r'(?s)<details class="params">.*?</details>', " ", page.read_text(encoding="utf-8"))
        text = visible_text(source)
        found = sorted(set(CODE.findall(text)) | set(SCIENTIFIC.findall(text)))
        if found:
            bad[page.stem] = found
    assert bad == {}
