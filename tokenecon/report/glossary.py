"""Words for readers: a glossary of the reports' terms in plain language, and human names for slugs.

* :data:`TERMS` — term -> plain-words explanation; :func:`terms_in` finds the terms a text uses (acronyms
  matched case-sensitively, so a variable ``pue`` is not the term PUE); :func:`glossary_markdown` renders
  the entries for a report; :func:`terms_in_notebook` reads a notebook's own text (its Markdown and the
  prose in its code) so a report's glossary lists exactly the terms it uses.
* :func:`model_name`, :func:`lab_name`, :func:`bloc_name`, :func:`location_name`, :func:`human_name` —
  slugs and codes as people write them ("deepseek/deepseek-chat" -> "DeepSeek-V3", "china" -> "China"),
  from the ``models`` table (through :mod:`tokenecon.data.lookup`), the ``labs`` table and OpenRouter's
  own model names; never the slug itself when a name is known.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

#: term -> (explanation, patterns that count as a use of the term; default: the term itself).
_ENTRIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Token": ("The unit AI models read and write text in: a word or part of a word, about three quarters of an "
              "English word on average. Prices and electricity are counted per token or per million tokens.",
              (r"\btokens?\b",)),
    "Input and output tokens": ("Input (prompt) tokens are the text sent to a model; output (completion) tokens "
                                "are the text it writes back. Output tokens cost more to produce, because each "
                                "one needs its own pass through the model.",
                                (r"(?i)\b(input|output|prompt|completion) tokens?\b",)),
    "Cached tokens": ("Input tokens the provider has seen recently and kept in memory (for example the same long "
                      "instructions sent with every request), so it can reuse the work instead of redoing it; they "
                      "are billed at a lower price.", (r"(?i)\bcached (input )?tokens?\b", r"(?i)\bcache reads?\b")),
    "J/token": ("Joules of electricity per token: the energy a GPU server draws to produce one token. "
                "3.6 million joules make one kilowatt-hour (kWh).",
                (r"\bJ/token\b", r"\bJ per (output |input )?token\b", r"(?i)\bjoules? per token\b")),
    "kWh, MWh, TWh": ("Kilowatt-hour, megawatt-hour (1,000 kWh) and terawatt-hour (1 billion kWh): amounts of "
                      "electricity. A household in Europe uses a few thousand kWh a year.",
                      (r"\b[kMGT]Wh\b",)),
    "PUE": ("Power usage effectiveness: the electricity a data centre draws in all (cooling, power conversion, "
            "lighting) divided by what its computers use. 1.2 means 20% on top of the servers' own draw.",
            (r"\bPUE\b", r"(?i)\bpower usage effectiveness\b")),
    "TDP": ("Thermal design power: the most power a chip is designed to draw and shed as heat under sustained "
            "load, in watts. Real draw while serving is usually below it.", (r"\bTDP\b",)),
    "HHI": ("Herfindahl-Hirschman index: a measure of how concentrated a market is, the sum of the squared "
            "market shares in percent, from near 0 (many small players) to 10,000 (one player). US competition "
            "authorities call a market above 1,800 highly concentrated.", (r"\bHHI\b", r"(?i)\bHerfindahl")),
    "MoE": ("Mixture of experts: a model built from many sub-networks (experts) of which only a few work on "
            "each token, so it computes with a fraction of its parameters and needs less energy per token than "
            "a dense model of the same size.", (r"\bMoE\b", r"(?i)\bmixture[- ]of[- ]experts\b")),
    "Dense model": ("A model that uses all of its parameters for every token (the opposite of a mixture of "
                    "experts).", (r"(?i)\bdense (model|models|transformer)\b", r"\bdense\b")),
    "Parameters": ("The numbers a model learned in training; their count (billions) is a rough measure of its "
                   "size and of the work each token needs.", (r"(?i)\b(active |total )?param(eter)?s? count",
                                                              r"(?i)\bbillion parameters\b", r"(?i)\bactive parameters\b")),
    "Interactivity": ("How fast one user sees text appear, in tokens per second for that user. Serving many users "
                      "at once (a larger batch) uses the GPU better and costs less per token, but each user's "
                      "stream gets slower.", (r"(?i)\binteractivity\b", r"(?i)\btokens per second per user\b")),
    "Batch": ("The number of requests a server processes together. Larger batches share the cost of reading the "
              "model's weights from memory, so energy and cost per token fall as the batch grows.",
              (r"(?i)\bbatch(es|ing)?\b", r"(?i)\bconcurrent sequences\b")),
    "Prefill and decode": ("The two phases of answering a request: prefill reads the whole prompt at once; decode "
                           "then writes the answer one token at a time.", (r"(?i)\bprefill\b", r"(?i)\bdecode\b")),
    "KV cache": ("The memory a model keeps of the text so far (keys and values of its attention layers), which "
                 "grows with the length of the conversation.", (r"\bKV[- ]cache\b",)),
    "Precision (FP8, BF16, FP4)": ("How many bits each number in the model uses. Fewer bits (FP8, FP4, INT4) "
                                   "move less data and use less energy per token, at some risk to quality.",
                                   (r"\b(FP8|BF16|FP4|INT4|bf16|fp8|fp4|int4)\b",)),
    "Roofline model": ("A way to estimate how fast a chip runs a task: the task is limited either by how fast the "
                       "chip computes or by how fast it reads memory, whichever is slower.", (r"(?i)\broofline\b",)),
    "TCO": ("Total cost of ownership: what owning and running a server costs per hour or per token, counting the "
            "purchase spread over its life, electricity, the building and its upkeep.",
            (r"\bTCO\b", r"(?i)\btotal cost of ownership\b")),
    "Gross margin": ("The share of the price left after the direct cost of producing the token (hardware, "
                     "electricity, data centre): negative means selling below cost.", (r"(?i)\bgross margins?\b",)),
    "List price": ("The price a provider publishes per million tokens, before discounts or free tiers.",
                   (r"(?i)\blist prices?\b",)),
    "Price elasticity": ("How much usage changes when the price changes: an elasticity of -1 means a 10% price cut "
                         "brings 10% more tokens, so the bill stays the same.", (r"(?i)\belasticit(y|ies)\b",)),
    "Fixed effects": ("A regression that compares each model only with itself over time (and each week with "
                      "itself across models), so lasting differences in quality do not pass for a price effect.",
                      (r"(?i)\bfixed[- ]effects?\b",)),
    "Monte Carlo interval": ("The range that holds 90% of the results when the uncertain inputs are drawn at "
                             "random thousands of times (each within its published range) and the estimate is "
                             "recomputed for every draw.", (r"(?i)\bMonte Carlo\b",)),
    "Scope": ("Where and when a figure holds: the platform (for example OpenRouter), the period (a week or a "
              "24-hour snapshot) and the date the data run to.", (r"(?i)\bscope\b",)),
    "OpenRouter": ("A website that sells access to hundreds of AI models from many providers through one "
                   "interface and publishes how many tokens each model serves; the reports' main source for token "
                   "volumes. It is one platform, not the whole market.", (r"\bOpenRouter\b",)),
    "Bloc": ("Where a model's developer is headquartered, grouped as China, US, Europe, other, and unknown "
             "(stealth models and the platform's aggregated rows).", (r"(?i)\bblocs?\b",)),
    "Hash rate": ("The number of guesses per second Bitcoin miners make to win the next block; it measures how "
                  "much mining hardware is running.", (r"(?i)\bhash ?rate\b",)),
    "CBECI": ("The Cambridge Bitcoin Electricity Consumption Index, the University of Cambridge's estimate of the "
              "electricity Bitcoin mining uses, by country.", (r"\bCBECI\b",)),
    "Carbon intensity": ("Grams of CO2 emitted per kWh of electricity from a grid (location-based: the grid's "
                         "average mix).", (r"(?i)\bcarbon intensity\b", r"\bgCO2\b", r"\btCO2\b")),
}

TERMS: dict[str, str] = {term: text for term, (text, _) in _ENTRIES.items()}
_PATTERNS = {term: [re.compile(p) for p in (pats or (re.escape(term),))] for term, (_, pats) in _ENTRIES.items()}


def define(term: str) -> str:
    """The plain-words explanation of ``term`` (case-insensitive); unknown terms refused with the known ones."""
    for t, text in TERMS.items():
        if t.lower() == str(term).strip().lower():
            return text
    raise ValueError(f"glossary: unknown term {term!r}; known: {', '.join(TERMS)}")


def _canonical(term: str) -> str:
    define(term)  # refuses an unknown term
    return next(k for k in TERMS if k.lower() == str(term).strip().lower())


def terms_in(text: str) -> list[str]:
    """The glossary terms that ``text`` uses, in glossary order."""
    return [t for t, pats in _PATTERNS.items() if any(p.search(text or "") for p in pats)]


_STRING = re.compile(r"(?s)(?:[rfbu]{0,2})(\"\"\"(.*?)\"\"\"|'''(.*?)'''|\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)')")


def notebook_text(path) -> str:
    """A notebook's prose: its Markdown cells and the string literals in its code (where computed prose lives)."""
    p = Path(path)
    try:
        nb = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"glossary: cannot read notebook {p}: {exc}") from None
    parts = []
    for cell in nb.get("cells", []):
        src = "".join(cell.get("source", []))
        if cell.get("cell_type") == "markdown":
            parts.append(src)
        elif cell.get("cell_type") == "code":
            parts.extend(next(g for g in m.groups()[1:] if g is not None) for m in _STRING.finditer(src))
    return "\n".join(parts)


def terms_in_notebook(path) -> list[str]:
    """The glossary terms a notebook's prose uses."""
    return terms_in(notebook_text(path))


def glossary_markdown(terms, *, heading: str = "## Glossary") -> str:
    """A Markdown glossary of ``terms`` (names from :data:`TERMS`, in glossary order; duplicates dropped)."""
    wanted = {_canonical(t) for t in terms}
    rows = [f"**{t}**: {TERMS[t]}" for t in TERMS if t in wanted]
    if not rows:
        return f"{heading}\n\nThis report uses no term that needs explaining."
    return heading + "\n\n" + "\n\n".join(rows)


# --------------------------------------------------------------------------- names for slugs and codes

#: Bloc codes in words (the chart palette's names, see :mod:`tokenecon.report.plotting`).
from tokenecon.data.lookup import BLOC_WORDS  # noqa: E402  (one definition, in the data layer)
#: Where tokens are computed (classes of :data:`tokenecon.analysis.place.LOCATION_CLASSES`), in short words.
LOCATION_WORDS = {"china_declared": "in China (declared)", "china_likely": "likely in China",
                  "china_partly": "partly in China", "china_possible": "possibly in China",
                  "outside": "outside China", "unknown": "location unknown"}


#: Token phases (price and energy names) in words.
PHASE_WORDS = {"output": "output", "decode": "output", "input": "input", "prefill": "input",
               "cached_input": "cached input", "cached": "cached input"}


def bloc_name(code: str, *, capital: bool = False) -> str:
    """``"china" -> "China"``, ``"us" -> "the US"`` (``capital=True``: "The US", for a sentence start)."""
    key = str(code).strip().lower()
    if key not in BLOC_WORDS:
        raise ValueError(f"bloc: unknown code {code!r}; known: {', '.join(BLOC_WORDS)}")
    words = BLOC_WORDS[key]
    return words[0].upper() + words[1:] if capital else words


def location_name(code: str) -> str:
    """``"china_likely" -> "likely in China"``."""
    if code not in LOCATION_WORDS:
        raise ValueError(f"location class: unknown code {code!r}; known: {', '.join(LOCATION_WORDS)}")
    return LOCATION_WORDS[code]


@lru_cache(maxsize=1)
def _labs() -> dict[str, str]:
    from tokenecon import data

    labs = data.load("labs")
    return {str(a).lower(): str(lab) for a, lab in zip(labs["author"], labs["lab"])}


def lab_name(author: str) -> str:
    """The lab behind an OpenRouter author slug (``"moonshotai" -> "Moonshot AI"``), from the ``labs`` table;
    the slug, capitalised, when the table does not list it."""
    a = str(author).strip().lower()
    return _labs().get(a) or a.replace("-", " ").title()


def model_name(slug: str) -> str:
    """A model as people name it (see :func:`tokenecon.data.lookup.model_display_name`)."""
    from tokenecon.data.lookup import model_display_name

    return model_display_name(slug)


def human_name(code: str) -> str:
    """Any slug or code in words: a bloc, a location class, an OpenRouter model slug ("author/model"),
    a ``models`` key, or an author (lab)."""
    c = str(code).strip()
    if c.lower() in BLOC_WORDS:
        return bloc_name(c)
    if c in LOCATION_WORDS:
        return location_name(c)
    if "/" in c:
        return model_name(c)
    if c.lower() in _labs():
        return lab_name(c)
    return model_name(c)
