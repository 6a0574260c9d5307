"""The article's claims, one row per quantitative statement (hand-compiled).

The article is "Token Exports: Selling China's Electricity to the World" (Black Lobster, Deep Tide
TechFlow; English version on Bitpush, 2026-02-26). A copy of its text is in the raw mirror's sibling
folder ``seed/token_exports_article.txt``; every ``quote`` is a verbatim excerpt of that text, which a
test checks. The fact-check report (``notebooks/article_fact_check.ipynb``) reads this table and puts
the package's own estimate beside each ``value``.

Encoding of values:

* a number the article states goes in ``value``, in the unit named by ``unit`` (percentages as ``pct``,
  0..100, exactly as written; token counts in ``tokens``; prices in ``usd_per_mtok``);
* a vague quantity ("a few thousand", "dozens", "hundreds of millions") leaves ``value`` empty and
  gives the reading used in ``value_low`` / ``value_high`` with the words in ``value_text``;
* a non-numeric claim (rank order, destinations, the thesis) leaves ``value`` empty, or holds a rank,
  and states the claim in ``value_text``;
* ``qualifier`` says how the article hedges: ``stated`` (a plain figure), ``about``, ``over``
  (a lower bound), ``order of magnitude``.
"""

from __future__ import annotations

from tokenecon.data import Column, Source, Table

ARTICLE_URL = "https://www.bitpush.news/articles/7614803"
#: Monday of the OpenRouter week whose figures the article quotes (data released 2026-02-24): the one place
#: the date is written; every report and finding about "the article's week" uses it.
ARTICLE_WEEK = "2026-02-16"
SEED_PATH = "seed/token_exports_article.txt"

ARTICLE_CLAIMS = Table(
    name="article_claims",
    title="Quantitative claims of the article 'Token Exports: Selling China's Electricity to the World'",
    description=(
        "Every quantitative claim of the article (Bitpush, 2026-02-26), with the exact quote, the value and "
        "unit as stated, what it refers to (scope and period) and how the article hedges it. The fact-check "
        "report computes the package's own estimate for each row."
    ),
    kind="hand-compiled",
    columns=(
        Column("claim_id", "str", "short stable slug naming the claim", pattern=r"[a-z0-9]+(_[a-z0-9]+)*"),
        Column("section", "str", "article section the quote comes from",
               allowed=("Introduction", "The Great Migration of AI Models", "Electricity Exports",
                        "From Bitcoin to Tokens", "Token War")),
        Column("topic", "str", "theme, for grouping in the report",
               allowed=("tokens", "benchmark", "prices", "usage", "cost", "hardware", "electricity", "models",
                        "bitcoin", "thesis", "history")),
        Column("quote", "str", "exact quote from the article text (verbatim substring)"),
        Column("value", "float", unit="per row, in the `unit` column", description="the figure as stated, in `unit`; empty for vague or non-numeric claims",
               nullable=True),
        Column("value_low", "float", unit="per row, in the `unit` column", description="lower end of a vague quantity as read here (e.g. 'a few thousand' -> 2000)",
               nullable=True),
        Column("value_high", "float", unit="per row, in the `unit` column", description="upper end of a vague quantity as read here (empty for open-ended 'over')",
               nullable=True),
        Column("value_text", "str", "the claim in words, for rank orders, lists and vague amounts", nullable=True),
        Column("unit", "str", "unit of value/value_low/value_high (pct = 0..100; usd_per_mtok = USD per million tokens)"),
        Column("qualifier", "str", "how the article hedges the figure",
               allowed=("stated", "about", "over", "order of magnitude")),
        Column("refers_to", "str", "what the figure is about: quantity, scope and period"),
        Column("source", "str", "where the quote is taken from: article URL and the seed copy's path"),
    ),
    key=("claim_id",),
    sources=(
        Source(
            title="Token Exports: Selling China's Electricity to the World (How Do Chinese AI Models Use Tokens "
                  "to 'Export' Electricity?), Black Lobster, Deep Tide TechFlow, via Bitpush, 2026-02-26",
            retrieved="2026-11-01",
            licence="quoted for commentary and fact-checking; copyright of the publisher",
            url=ARTICLE_URL,
            path=SEED_PATH,
        ),
    ),
    derivation=(
        "Hand-compiled: every sentence of the article with a figure, a rank, a date or a vague quantity was "
        "copied verbatim into `quote`; the figure was typed into `value` in the unit written, without "
        "conversion. Vague amounts are given an explicit reading (value_low/value_high) so that they can be "
        "checked. A test checks that each quote occurs verbatim in the seed text."
    ),
    caveats=(
        "The 2.45 T and 61% figures trace to a WorkOS write-up; other public copies of the same week give "
        "2.57 T and 59.0% (see the fact-check report). value_low/value_high of vague claims are this "
        "project's reading, not the article's."
    ),
)

TABLES = [ARTICLE_CLAIMS]
