"""Where each claim is explained: the fact-check's sections and the sections of other reports it links to."""

from __future__ import annotations

S_TOKENS = "Tokens-on-OpenRouter"
S_PRICES = "Prices-and-the-bill"
S_HARDWARE = "Hardware-and-model-size"
S_ELECTRICITY = "Electricity-prices"
S_BITCOIN = "Bitcoin-mining"
S_THESIS = "Is-a-token-an-electricity-export"
S_NOT = "Claims-the-data-cannot-check"
S_NOT_COMPUTED = "Claims-not-computed"
#: Report sections (heading text) by anchor: nbconvert's lab template gives each Markdown heading the id
#: "heading text with spaces replaced by '-'", so the notebook's headings must read exactly like this.
SECTIONS = {
    S_TOKENS: "Tokens on OpenRouter",
    S_PRICES: "Prices and the bill",
    S_HARDWARE: "Hardware and model size",
    S_ELECTRICITY: "Electricity prices",
    S_BITCOIN: "Bitcoin mining",
    S_THESIS: "Is a token an electricity export",
    S_NOT: "Claims the data cannot check",
    S_NOT_COMPUTED: "Claims not computed",
}


def section_of(check: "Check") -> str:
    """The anchor of the fact-check section that lists ``check``."""
    return check.section or check.link.partition("#")[2]


def heading_anchor(heading: str) -> str:
    """nbconvert's id for a Markdown heading: its text with spaces replaced by '-'."""
    return heading.strip().replace(" ", "-")


#: Sections of the other reports that compute a claim, by report HTML: heading texts (a test checks the notebooks).
OTHER_REPORT_HEADINGS = {
    "token_share.html": ("The article week recomputed", "Where Chinese-model tokens are computed", "Where the buyers are",
                         "Electricity and carbon behind Chinese-model tokens"),
    "bitcoin_vs_tokens.html": ("China share of the hash rate and where the data stop",
                               "Revenue per kWh from Bitcoin and from tokens",
                               "Electricity exported by mining at its peak and by tokens today"),
    "token_cost.html": ("What a million tokens cost, and what share is electricity",),
    "token_exports_world.html": ("The answer",),
}


def heading_link(report: str, heading: str) -> str:
    """``report.html#anchor`` for a heading of :data:`OTHER_REPORT_HEADINGS` (unknown ones refused)."""
    if heading not in OTHER_REPORT_HEADINGS.get(report, ()):
        raise ValueError(f"heading {heading!r} of {report!r}: not in OTHER_REPORT_HEADINGS {OTHER_REPORT_HEADINGS}")
    return f"{report}#{heading_anchor(heading)}"


L_ARTICLE_WEEK = heading_link("token_share.html", "The article week recomputed")
L_PLACE = heading_link("token_share.html", "Where Chinese-model tokens are computed")
L_BTC_MAP = heading_link("bitcoin_vs_tokens.html", "China share of the hash rate and where the data stop")
L_BTC_REVENUE = heading_link("bitcoin_vs_tokens.html", "Revenue per kWh from Bitcoin and from tokens")
L_ORIGIN = heading_link("token_share.html", "Where the buyers are")
L_WORLD = heading_link("token_exports_world.html", "The answer")
L_TOKEN_COST = heading_link("token_cost.html", "What a million tokens cost, and what share is electricity")


