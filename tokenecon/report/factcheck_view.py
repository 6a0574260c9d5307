"""How the fact-check report shows its verdicts: the per-section tables with a link to the section that computes
each claim, the thesis tally behind the summary, the thesis figures in words and the records the landing page
reads. The verdicts themselves come from :mod:`tokenecon.analysis.factcheck`; nothing here judges a claim."""

from __future__ import annotations

import html

import pandas as pd

from tokenecon.analysis import factcheck as fc

#: The other reports a verdict can link to, named in words (keys: the pages of ``fc.OTHER_REPORT_HEADINGS``).
OTHER_REPORTS = {"token_share.html": "token-share report", "bitcoin_vs_tokens.html": "Bitcoin-vs-tokens report",
                 "token_cost.html": "token-cost report", "token_exports_world.html": "world-scale report"}
#: Every heading a verdict can link to, by anchor: this report's sections and the other reports' headings.
HEADINGS = {**fc.SECTIONS, **{fc.heading_anchor(h): h for hs in fc.OTHER_REPORT_HEADINGS.values() for h in hs}}
#: Verdicts that test the claim (the rest are outside the data or failed), and those that hold.
JUDGED = fc.VERDICTS[:4]
HELD = ("supported", "roughly")


def where(check) -> str:
    """An HTML link to the section that computes ``check``: in another report when its link names one, else here."""
    page, _, anchor = check.link.partition("#")
    other = page in OTHER_REPORTS
    href = check.link if other else f"#{anchor}"
    text = f"{OTHER_REPORTS[page] if other else 'this report'}: {HEADINGS.get(anchor, anchor)}"
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'


def section_table(checks, anchor: str) -> pd.DataFrame:
    """The claims listed in the section ``anchor`` (one row each, in the claims' order): the quote, the article's
    figure, the package's estimate, the verdict, its reason and a link to where it is computed. Empty when none."""
    cols = ["claim (quoted)", "article says", "package estimate", "verdict", "why", "computed in"]
    return pd.DataFrame([{"claim (quoted)": c.quote, "article says": c.claimed, "package estimate": c.estimate,
                          "verdict": c.verdict, "why": c.reason, "computed in": where(c)}
                         for c in checks if fc.section_of(c) == anchor], columns=cols)


def section_html(checks, anchor: str, uuid: str) -> str | None:
    """:func:`section_table` as a left-aligned HTML table with the fixed id ``uuid`` (deterministic HTML); the
    link column is HTML, the other cells are escaped. None when no claim falls in the section."""
    df = section_table(checks, anchor)
    if df.empty:
        return None
    text_cols = [c for c in df.columns if c != "computed in"]
    sty = (df.style.set_uuid(uuid).hide(axis="index").format(html.escape, subset=text_cols)
           .set_properties(**{"text-align": "left", "vertical-align": "top"})
           .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}]))
    return '<div class="tokenecon-table">' + sty.to_html() + "</div>"


def show_section(checks, anchor: str, uuid: str) -> None:
    """Show the section's table, or say that no claim falls in it."""
    from IPython.display import HTML, display

    from tokenecon.report import notebook as reporting

    out = section_html(checks, anchor, uuid)
    if out is None:
        reporting.md("No claim falls in this section.")
    else:
        display(HTML(out))


def tally(checks) -> dict:
    """Counts behind the summary: claims, those tested (``judged``) and held at least roughly (``held``); and, for
    the claims of the thesis section, those tested (``thesis``) and held (``thesis_held``), so the small facts are
    ``judged - thesis`` tested and ``held - thesis_held`` held."""
    tested = [c for c in checks if c.verdict in JUDGED]
    thesis = [c for c in tested if fc.section_of(c) == fc.S_THESIS]
    return {"claims": len(checks), "judged": len(tested), "held": sum(c.verdict in HELD for c in tested),
            "thesis": len(thesis), "thesis_held": sum(c.verdict in HELD for c in thesis)}


def thesis_figure(value, kind: str) -> str:
    """A thesis number in words: ``kind`` "fraction" (a share, with its interval), "usd_per_kwh" or "mwh_per_week";
    an Exception (a number that could not be computed) is said as such, with its error."""
    if isinstance(value, Exception):
        return f"not computed ({type(value).__name__}: {value})"
    if kind == "fraction":
        return fc.format_estimate(value, "fraction")
    if kind == "usd_per_kwh":
        return f"{value.central:.3g} USD per kWh ({value.low:.3g} to {value.high:.3g})"
    if kind == "mwh_per_week":
        return f"{value.central:,.0f} MWh per week ({value.low:,.0f} to {value.high:,.0f})"
    raise ValueError(f"thesis_figure: kind {kind!r}; expected fraction, usd_per_kwh or mwh_per_week")


def verdict_records(checks, claims: pd.DataFrame) -> list[dict]:
    """One record per claim (``Check.row()``) with ``claim``: what the claim refers to, from ``article_claims``."""
    refers = claims.set_index("claim_id")["refers_to"]
    return [{**c.row(), "claim": refers.loc[c.claim_id]} for c in checks]


#: Country codes of the cost model's electricity prices, in words.
COUNTRY_NAMES = {"CN": "China", "US": "the United States"}


def model_display(model: str) -> str:
    """A ``models`` table key (or display name) as readers know it: its display name ("MiniMax-M2.5")."""
    from tokenecon.data import lookup

    return str(lookup.model_row(model)["display_name"])
