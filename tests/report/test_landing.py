"""The landing page, rendered from constructed sidecars."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tokenecon.report.landing import format_value, headline_parts, label_states_unit, render_index, safe_href


def sidecar(name, **kw):
    base = {
        "name": name,
        "title": f"Title of {name}",
        "html": f"{name}.html",
        "summary": f"Takeaway of {name}.",
        "parameters": {},
        "records": {},
        "tables": {"labs": "ab" * 32},
        "version": "0.1.0",
        "commit": "abc123def456",
        "status": "ok",
    }
    base.update(kw)
    return base


FACTCHECK = sidecar(
    "article_fact_check",
    title="The article, claim by claim",
    parameters={"tolerance": 0.15, "draws": 2000},
    records={
        "takeaway": {"value": "Takeaway of the fact-check."},
        "headline_electricity_share": {"value": 0.071, "label": "Electricity share of a token's cost", "unit": "share"},
        "headline_usd_per_kwh": {"value": {"low": 2.0, "central": 6.5, "high": 19.0, "unit": "USD per kWh"},
                                 "label": "Token revenue per kWh"},
        "verdicts": {"value": [
            {"claim_id": "top10_weekly_tokens", "claim": "Top-10 weekly tokens", "quote": "about 8.7 trillion",
             "claimed": "8.7 trillion", "estimate": "8.74 trillion", "verdict": "supported",
             "reason": "Within 1%.", "link": "token_share.html#Top-ten-tokens"},
            {"claim_id": "cn_electricity_discount", "claim": "Electricity 40% cheaper", "quote": "about 40% lower",
             "claimed": "40%", "estimate": "3% (−8% to 31%)", "verdict": "overstated",
             "reason": "Industrial prices are about equal.", "link": "article_fact_check.html#Electricity-prices"},
            {"claim_id": "h100_price", "claim": "H100 price", "claimed": "$30,000", "estimate": "",
             "verdict": "not computed", "reason": "ImportError: No module named 'tokenecon.model.serving'", "link": ""},
        ]},
    },
)


class _Collector(HTMLParser):
    """Collects tags/attributes, ids and visible text (to check structure without a browser)."""

    def __init__(self):
        super().__init__()
        self.tags, self.text, self.ids, self.open = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "link", "img", "input"):
            self.open.append(tag)
        if dict(attrs).get("id"):
            self.ids.append(dict(attrs)["id"])

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"unbalanced </{tag}>, open: {self.open[-3:]}"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> _Collector:
    c = _Collector()
    c.feed(page)
    c.close()
    assert not c.open, f"unclosed tags: {c.open}"
    return c


def test_full_page_structure_and_content():
    pages = [FACTCHECK, sidecar("token_share", parameters={"week": "2026-02-16"})]
    page = render_index(pages)
    c = parse(page)
    text = " ".join(c.text)
    assert page.startswith("<!DOCTYPE html>")
    assert ('meta', {'name': 'viewport', 'content': 'width=device-width, initial-scale=1'}) in c.tags
    assert {"headline-findings", "verdicts", "reports", "report-token_share", "report-article_fact_check"} <= set(c.ids)
    # headline numbers formatted from the records, not retyped: 0.071 share -> 7.1%
    assert "7.1%" in text and "6.5 USD per kWh" in text and "interval 2.0 to 19 USD per kWh" in text
    # verdict counts computed from the rows
    assert "supported: 1" in text and "overstated: 1" in text and "not computed: 1" in text
    assert "ImportError: No module named" in text  # the error of a claim that was not computed is shown
    hrefs = [a.get("href") for t, a in c.tags if t == "a"]
    assert "token_share.html#Top-ten-tokens" in hrefs and "token_share.html" in hrefs
    assert "week" in text and "16 February 2026" in text  # parameters on the card, dates in words
    assert "Takeaway of token_share." in text


def test_deterministic_and_order_independent():
    a = render_index([FACTCHECK, sidecar("b"), sidecar("a")])
    b = render_index([sidecar("a"), sidecar("b"), FACTCHECK])
    assert a == b
    assert a.index('id="report-a"') < a.index('id="report-b"')
    assert not re.search(r"20\d\d-\d\d-\d\dT\d\d:\d\d", a)  # no timestamp


def test_escaping_of_every_text_field():
    evil = "<script>alert('x')</script> & \"quotes\""
    page = render_index([
        sidecar("x", title=evil, summary=evil, parameters={evil: evil},
                records={"headline_a": {"value": evil, "label": evil},
                         "verdicts": {"value": [{"claim_id": "c", "claim": evil, "quote": evil, "claimed": evil,
                                                 "estimate": evil, "verdict": evil, "reason": evil}]}}),
    ])
    assert "<script" not in page and "&lt;script&gt;" in page
    c = parse(page)
    # every field comes back as the very text given (escaped by the template engine, decoded by the parser)
    assert sum(evil in t for t in c.text) >= 5


def test_missing_summary_and_no_factcheck():
    page = render_index([sidecar("plain", summary=None)])
    text = " ".join(parse(page).text)
    assert "recorded no one-line takeaway" in text
    assert "fact-check report has not been built" in text
    assert "No report has recorded a headline figure yet" in text


def test_failed_report_shown_as_failed():
    failed = sidecar("broken", status="failed", summary=None,
                     error="cell 4 (`x = 1/0`) raised ZeroDivisionError: division by zero")
    page = render_index([failed, sidecar("fine")])
    c = parse(page)
    text = " ".join(c.text)
    card = page[page.index('id="report-broken"'):page.index("</article>", page.index('id="report-broken"'))]
    assert 'class="card failed"' in page and "failed" in card
    assert "ZeroDivisionError: division by zero" in card
    assert 'href="broken.html"' not in page  # no "open" link to a report that failed
    assert "1 of 2 reports built successfully" in text


def test_no_network_resources_and_no_script():
    page = render_index([FACTCHECK, sidecar("a", html="https://evil.example/x.html"),
                         sidecar("b", html="javascript:alert(1)")])
    c = parse(page)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "url(" not in page and "@import" not in page and "@font-face" not in page
    assert not any(t in ("script", "img", "link", "iframe", "object", "embed") for t, _ in c.tags)
    assert "javascript:" not in page


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="item 0"):
        render_index([{"title": "no name"}])
    with pytest.raises(ValueError, match="list"):
        render_index({"name": "x"})


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (0.613, "share", "61.3%"),
        (8.74e12, "tokens", "8.74 trillion tokens"),
        (30000, "USD", "30,000 USD"),
        (0.0739, "USD per kWh", "0.0739 USD per kWh"),
        # an interval keeps the figures its width supports (to the leading digit of the half-width, at
        # least 2), the bounds as many as the centre: 105 -> 110
        ({"low": 0.05, "central": 0.07, "high": 0.09, "unit": "share"}, None, "7.0% (5.0% to 9.0%)"),
        ({"low": 24.2, "central": 105.0, "high": 591.0, "unit": "x"}, None, "110× (24× to 590×)"),
        ({"low": 0.0384, "central": 0.0989, "high": 0.243, "unit": "kWh per USD"}, None, "0.099 (0.038 to 0.24) kWh per USD"),
        # a price gap of 2.83% between -1.1% and 6.9% keeps 2 figures, not 3
        ({"low": -1.1, "central": 2.83, "high": 6.9, "unit": "%"}, None, "2.8% (-1.1% to 6.9%)"),
        (-0.0164, "elasticity", "-0.02"),
        (-1.11, "elasticity", "-1.11"),
        (11, "count", "11"),
        (10.5439, "x", "10.5×"),
        (2050.0, "J per token", "2,050 J per token"),  # never 2.05e+03
        (2.83, "%", "2.83%"),
        (None, None, "n/a"),
        ([1, 2], None, None),
    ],
)
def test_format_value(value, unit, expected):
    assert format_value(value, unit) == expected


def test_safe_href():
    assert safe_href("token_share.html#Where-tokens-are-computed") == "token_share.html#Where-tokens-are-computed"
    assert safe_href("a b.html") == "a%20b.html"
    for bad in ("http://x/y.html", "https://x", "//x/y", "javascript:alert(1)", "data:text/html,hi", "", None):
        assert safe_href(bad) is None


def test_not_checkable_claims_folded_away_but_present():
    rows = [{"claim_id": f"c{i}", "claim": f"claim {i}", "claimed": "1", "estimate": "", "verdict": v,
             "reason": f"reason {i}"} for i, v in enumerate(["supported", "not checkable", "not computed"])]
    page = render_index([sidecar("article_fact_check", records={"verdicts": {"value": rows}})])
    parse(page)
    details = page[page.index("<details>"):page.index("</details>")]
    assert 'id="claim-c1"' in details  # not checkable: inside the folded block
    assert 'id="claim-c0"' not in details and 'id="claim-c2"' not in details  # the rest stay in view
    assert "1 claim the data cannot check" in details


def test_label_states_unit():
    assert label_states_unit("kWh per USD of token revenue (Chinese models)", "kWh per USD")
    assert label_states_unit("times more revenue per kWh than Bitcoin", "x")
    assert label_states_unit("MWh a week of Chinese electricity", "MWh per week")
    assert not label_states_unit("of the article's 26 testable claims hold", "claims")
    assert not label_states_unit("share of tokens computed in China", "share")
    assert not label_states_unit(None, "kWh") and not label_states_unit("kWh of x", None)


def test_headline_does_not_repeat_the_unit_and_puts_the_interval_on_its_own_line():
    est = {"low": 0.0384, "central": 0.0989, "high": 0.243, "unit": "kWh per USD"}
    assert headline_parts(est, bare=True) == ("0.099", "0.038 to 0.24")
    assert headline_parts({"low": 0.035, "central": 0.049, "high": 0.068, "unit": "share"}) == ("4.9%", "3.5% to 6.8%")
    assert headline_parts(0.59, "share") == ("59%", None)
    page = render_index([sidecar("article_fact_check", records={
        "headline_kwh": {"value": est, "label": "kWh per USD of token revenue"},
        "headline_ratio": {"value": {"low": 24.2, "central": 105.0, "high": 591.0, "unit": "x"},
                           "label": "times more revenue per kWh than Bitcoin mining"}})])
    text = " ".join(parse(page).text)
    tiles = page[page.index('id="headline-findings"'):page.index('id="verdicts"')]
    assert tiles.count("kWh per USD") == 1 and "0.099" in text and "interval 0.038 to 0.24" in text
    assert "110×" not in tiles and ">110<" in tiles and "interval 24 to 590" in text  # "times" already says ×


def test_card_links_its_title_and_hides_unset_parameters():
    page = render_index([sidecar("pe", parameters={"window_start": "", "seed": 0, "pue": -1.0, "override": None,
                                                   "elasticity_override": 999.0, "mix": {}, "week": "2026-02-16"},
                                 records={"elasticity_fe": {"value": None, "label": "Elasticity (not identified)",
                                                            "unit": "elasticity"},
                                          "n_changes": {"value": 11, "label": "Price changes", "unit": "count"}})])
    c = parse(page)
    card = page[page.index('id="report-pe"'):]
    assert '<h3><a href="pe.html">Title of pe</a></h3>' in card
    # no parameter dump with "not set" values (None, empty, the legacy -1 / 999 sentinels); dates in words
    assert '<span class="pk">seed</span>: 0' in card and '<span class="pk">week</span>: 16 February 2026' in card
    for unset in ("window_start", "pue", "override", "mix", "999"):
        assert unset not in card
    assert c.tags  # parsed without unbalanced tags
    assert "<dt>Elasticity (not identified)</dt><dd>n/a</dd>" in card
    assert "<dt>Price changes</dt><dd>11</dd>" in card


def test_phone_layout_stacks_verdict_rows_as_cards():
    page = render_index([FACTCHECK])
    phone = page[page.index("@media (max-width:640px)"):page.index("</style>")]
    assert "grid-template-areas" in phone and "table.verdicts thead{display:none}" in phone
    assert ".cards,.tiles{grid-template-columns:1fr}" in phone


def test_finding_card_states_scope_date_interval_and_links_its_section():
    # a record as written by record_finding (Finding.record()): scope, interval kind and section travel with it
    rec = {"label": "share of Chinese-model tokens computed in China", "unit": "share", "finding": "cn_computed",
           "scope": "OpenRouter; 24 hours to 2026-08-28", "interval": "range between sources",
           "section": "token_share#where-tokens-are-computed",
           "value": {"low": 0.11, "central": 0.13, "high": 0.16, "unit": "share", "interval_kind": "sources"}}
    old = {"label": "MWh a week", "unit": "MWh per week", "value": 133.4}  # an older record(): no scope
    page = render_index([sidecar("token_share", records={"headline_cn": rec, "headline_old": old, "cn": rec}),
                         sidecar("article_fact_check", records={"headline_cn": rec})])
    tiles = page[page.index('id="headline-findings"'):page.index('id="verdicts"')]
    c = parse(page)
    text = " ".join(c.text)
    assert "OpenRouter; 24 hours to 28 August 2026" in tiles  # scope with its date in words
    assert "2026-08-28" not in page
    assert "Range between sources" in tiles  # the interval's kind in words
    # the section, not the report top, named by the report that computes it (also from the fact-check's card)
    assert tiles.count('<a href="token_share.html#where-tokens-are-computed">How it is computed: Title of token_share</a>') == 2
    assert ">13%<" in tiles and "interval 11% to 16%" in text
    assert ">133<" in tiles  # an old record shows what it has (its label states the unit) and links the report
    assert '<a href="token_share.html">from Title of token_share</a>' in tiles
    card = page[page.index('id="report-token_share"'):]
    assert 'href="token_share.html#where-tokens-are-computed"' in card and "Range between sources" in card


def test_wide_tables_scroll_in_their_box():
    page = render_index([FACTCHECK])
    assert '<div class="scroll"><table class="verdicts">' in page
    assert ".scroll{max-width:100%;overflow-x:auto}" in page


def test_citation_file_is_valid_cff_and_in_step_with_the_package():
    import yaml

    import tokenecon
    from tokenecon import paths

    cff = yaml.safe_load((paths.PROJ_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version", "type"} <= set(cff)  # required by CFF 1.2.0 (+ version, type)
    assert all("name" in a or "family-names" in a for a in cff["authors"])
    assert str(cff["version"]) == tokenecon.__version__
    page = render_index([sidecar("a")])
    assert "How to cite" in page and "CITATION.cff" in page
