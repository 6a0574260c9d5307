"""Verdict rules on constructed inputs, failures shown as "not computed", and claim computations on the data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tokenecon.analysis import factcheck as fc
from tokenecon.estimate import Estimate


# --------------------------------------------------------------------------- the rules

def test_supported_inside_interval_and_by_rounding():
    assert fc.judge(30_000, Estimate(25_000, 30_000, 35_000)).verdict == "supported"
    # 8.7 (precision 0.05) against a point 8.74: rounds to the claim
    assert fc.judge(8.7, 8.74, precision=0.05).verdict == "supported"
    # the same point without the rounding slack is only "roughly"
    assert fc.judge(8.7, 8.74, precision=0.0).verdict == "roughly"


def test_roughly_within_tolerance_boundaries():
    # interval [10, 20], tolerance 15%: roughly up to 23 and down to 8.5
    est = Estimate(10, 15, 20)
    assert fc.judge(22.9, est, tolerance=0.15).verdict == "roughly"
    assert fc.judge(8.6, est, tolerance=0.15).verdict == "roughly"
    assert fc.judge(23.1, est, tolerance=0.15).verdict == "overstated"
    assert fc.judge(8.4, est, tolerance=0.15).verdict == "contradicted"
    v = fc.judge(61, 59.0, precision=0.5)
    assert v.verdict == "roughly" and "the 15% allowed" in v.reason and v.reason.startswith("The article says 61")


def test_overstated_and_contradicted():
    # "40% cheaper" against a like-for-like 2.8% (interval to 30.2%)
    assert fc.judge(40, Estimate(2.8, 2.8, 30.2), precision=5).verdict == "overstated"
    # opposite sign: the data say China is dearer
    v = fc.judge(40, Estimate(-12, -8, -2))
    assert v.verdict == "contradicted" and "opposite" in v.reason
    # an understatement beyond tolerance is contradicted too
    assert fc.judge(2, Estimate(10, 12, 14)).verdict == "contradicted"


def test_at_least_and_at_most():
    assert fc.judge(70, Estimate(53.3, 75.5, 75.5), direction="at_least").verdict == "supported"
    assert fc.judge(70, Estimate(40, 55, 65), direction="at_least").verdict == "roughly"  # 65 * 1.15 >= 70
    assert fc.judge(0.5, Estimate(0.107, 0.126, 0.16), direction="at_least").verdict == "overstated"
    assert fc.judge(10, Estimate(5, 8, 9), direction="at_most").verdict == "supported"
    assert fc.judge(10, Estimate(20, 25, 30), direction="at_most").verdict == "contradicted"


def test_log_scale_order_of_magnitude():
    # an order of magnitude: within half a decade of 10, i.e. 3.16 .. 31.6
    assert fc.judge(10, 30.0, scale="log", precision=0.5).verdict == "supported"
    assert fc.judge(10, 3.3, scale="log", precision=0.5).verdict == "supported"
    # by hand: log10(2) + 0.5 + log10(1.15) = 0.862 < 1 -> the saving claimed is larger than the data allow
    assert fc.judge(10, 2.0, scale="log", precision=0.5).verdict == "overstated"
    # log10(3) + 0.5 + log10(1.15) = 1.038 >= 1 -> within tolerance
    assert fc.judge(10, 3.0, scale="log", precision=0.5).verdict == "roughly"
    # two orders of magnitude found: the claim understates beyond tolerance
    assert fc.judge(10, 100.0, scale="log", precision=0.5).verdict == "contradicted"
    with pytest.raises(ValueError, match="positive"):
        fc.judge(10, -1.0, scale="log")


def test_stated_precision():
    assert fc.stated_precision(8.7e12) == pytest.approx(5e10)
    assert fc.stated_precision(61) == pytest.approx(0.5)
    assert fc.stated_precision(2.45e12) == pytest.approx(5e9)
    assert fc.stated_precision(0.75) == pytest.approx(0.005)
    assert fc.stated_precision(30_000) == pytest.approx(5_000)
    assert fc.stated_precision(0) == 0


@pytest.mark.parametrize("kw, match", [
    (dict(claimed="x", estimate=1.0), "claimed"),
    (dict(claimed=1.0, estimate="y"), "estimate"),
    (dict(claimed=1.0, estimate=1.0, tolerance=1.5), "tolerance"),
    (dict(claimed=1.0, estimate=1.0, direction="sideways"), "direction"),
    (dict(claimed=1.0, estimate=1.0, precision=-1), "precision"),
    (dict(claimed=float("nan"), estimate=1.0), "finite"),
])
def test_bad_input_refused(kw, match):
    with pytest.raises(ValueError, match=match):
        fc.judge(**kw)


def test_not_checkable_needs_reason():
    assert fc.not_checkable("No latency data.").verdict == "not checkable"
    with pytest.raises(ValueError):
        fc.not_checkable(" ")


# --------------------------------------------------------------------------- failures are shown

def _row(**kw):
    base = {"claim_id": "x", "topic": "tokens", "quote": "q", "value": 8.7e12, "value_low": math.nan,
            "value_high": math.nan, "value_text": None, "unit": "tokens", "qualifier": "about"}
    base.update(kw)
    return base


def test_failing_computation_is_not_computed_with_error():
    def boom(ctx):
        raise ImportError("No module named 'tokenecon.model.serving'")

    c = fc.check_claim(_row(), boom, ctx=None)
    assert c.verdict == "not computed"
    assert "ImportError" in c.reason and "tokenecon.model.serving" in c.reason
    assert c.estimate == "" and c.claimed == "about 8.7 trillion tokens"
    assert c.link.endswith("#Claims-not-computed")


def test_missing_check_is_explicitly_not_checkable():
    c = fc.check_claim(_row(), None, ctx=None)
    assert c.verdict == "not checkable" and c.reason


def test_evaluate_keeps_every_claim_and_refuses_unknown_ids():
    claims = pd.DataFrame([_row(claim_id="a"), _row(claim_id="b"), _row(claim_id="c")])
    checks = {"a": lambda ctx: fc.Finding(Estimate(8.6e12, 8.74e12, 8.8e12, "tokens"), section="S"),
              "b": lambda ctx: 1 / 0}
    out = fc.evaluate(claims, None, checks=checks)
    assert [c.claim_id for c in out] == ["a", "b", "c"]
    assert [c.verdict for c in out] == ["supported", "not computed", "not checkable"]
    assert "ZeroDivisionError" in out[1].reason
    assert out[0].link == "article_fact_check.html#S"
    with pytest.raises(ValueError, match="not in article_claims"):
        fc.evaluate(claims, None, checks={"zzz": checks["a"]})


def test_verdict_counts():
    claims = pd.DataFrame([_row(claim_id="a"), _row(claim_id="b")])
    out = fc.evaluate(claims, None, checks={"a": lambda ctx: 1 / 0})
    counts = fc.verdict_counts(out)
    assert counts["not computed"] == 1 and counts["not checkable"] == 1 and sum(counts.values()) == 2


# --------------------------------------------------------------------------- small arithmetic

def test_electricity_discount_pct():
    assert fc.electricity_discount_pct(0.06, 0.10) == pytest.approx(40.0)
    assert fc.electricity_discount_pct(0.11, 0.10) == pytest.approx(-10.0)
    with pytest.raises(ValueError, match="electricity prices"):
        fc.electricity_discount_pct(0, 0.1)


def test_bill_ratio_at_list_prices_by_hand():
    mix = pd.Series({"prompt_tokens": 100.0, "cached_tokens": 60.0, "completion_tokens": 10.0})
    old = pd.Series({"prompt_usd_per_mtok": 5.0, "completion_usd_per_mtok": 25.0, "cache_read_usd_per_mtok": 0.5})
    new = pd.Series({"prompt_usd_per_mtok": 0.3, "completion_usd_per_mtok": 1.2, "cache_read_usd_per_mtok": 0.0})
    # old: 40*5 + 60*0.5 + 10*25 = 480; new (no cache price -> input price): 100*0.3 + 10*1.2 = 42
    assert fc.bill_ratio_at_list_prices(mix, old, new) == pytest.approx(480 / 42)


# --------------------------------------------------------------------------- claim computations on the real tables

def _ctx():
    return fc.Context()


def test_article_week_claims_from_the_table():
    from tokenecon import data

    w = data.load("openrouter_weekly_top10")
    labs = data.load("labs").set_index("author")["bloc"]
    wk = w[w["week_start"] == pd.Timestamp("2026-02-16")]
    total = float(wk["total_tokens"].sum())
    china = float(wk.loc[wk["author"].map(labs) == "china", "total_tokens"].sum())
    ctx = _ctx()
    assert fc.top10_weekly_tokens(ctx).estimate.central == pytest.approx(total)
    assert fc.china_top10_share(ctx).estimate.central == pytest.approx(100 * china / total)
    claims = data.load("article_claims")
    out = {c.claim_id: c for c in fc.evaluate(claims, ctx)}
    assert len(out) == len(claims)  # no silent gap
    assert out["m25_rank_first"].verdict == "supported"
    # independent check of the rank claims: the 3rd model of the week is not Chinese
    third = wk.sort_values("rank").iloc[2]
    assert labs[third["author"]] != "china"
    assert out["top3_all_china"].verdict == "contradicted"
    for cid in ("m25_input_price", "opus46_input_price", "input_price_ratio"):
        assert out[cid].verdict == "supported", out[cid]


def test_electricity_discount_claim_from_the_table():
    from tokenecon import data

    p = data.load("electricity_prices")
    cn = p[(p["region"] == "CN") & (p["year"] == 2024)].iloc[0]["industrial_usd_per_kwh"]
    us = p[(p["region"] == "US") & (p["year"] == 2024)].iloc[0]["industrial_usd_per_kwh"]
    f = fc.cn_electricity_discount(_ctx())
    assert f.estimate.central == pytest.approx(100 * (us - cn) / us)


# --------------------------------------------------------------------------- the report end to end


@pytest.mark.slow
def test_fact_check_report_runs_and_records_every_claim(run_report):
    import json

    from tokenecon import data

    html_path = run_report("article_fact_check")
    html = html_path.read_text(encoding="utf-8")
    for anchor in fc.SECTIONS:  # the verdict links' targets exist
        assert f'id="{anchor}"' in html, anchor
    side = json.loads(html_path.with_suffix(".json").read_text(encoding="utf-8"))
    verdicts = side["records"]["verdicts"]["value"]
    claims = data.load("article_claims")
    assert [v["claim_id"] for v in verdicts] == list(claims["claim_id"])  # every claim, in order, no gap
    assert all(v["verdict"] in fc.VERDICTS and v["reason"] for v in verdicts)
    for v in verdicts:
        if v["verdict"] == "not computed":
            assert "Error" in v["reason"] or "error" in v["reason"]
    # every reason says what it compares: no two alike, no opening of four words shared by more than two
    reasons = [v["reason"] for v in verdicts]
    assert len(set(reasons)) == len(reasons)
    import collections

    openings = collections.Counter(" ".join(r.split()[:4]) for r in reasons)
    assert max(openings.values()) <= 2, openings.most_common(3)
    counts = side["records"]["verdict_counts"]["value"]
    assert sum(counts.values()) == len(claims)
    assert side["summary"].startswith("The thesis") and "testable" in side["summary"]  # the thesis first
    import re

    assert not re.search(r"""(src\s*=\s*["']?\s*https?:|<link[^>]+href\s*=\s*["']?https?:|@import)""", html, re.I)


def test_links_to_other_reports_match_their_notebook_headings():
    """Every heading a verdict links to exists, word for word, as a Markdown heading of that report's notebook."""
    import json

    from tokenecon import paths

    for page, headings in fc.OTHER_REPORT_HEADINGS.items():
        nb = json.loads((paths.PROJ_ROOT / "notebooks" / page.replace(".html", ".ipynb")).read_text())
        found = {line.lstrip("#").strip() for c in nb["cells"] if c["cell_type"] == "markdown"
                 for line in "".join(c["source"]).splitlines() if line.startswith("#")}
        for h in headings:
            assert h in found, f"{page}: no heading {h!r}"
    assert fc.L_PLACE == "token_share.html#Where-Chinese-model-tokens-are-computed"
    with pytest.raises(ValueError, match="not in OTHER_REPORT_HEADINGS"):
        fc.heading_link("token_share.html", "No such heading")


def test_thesis_figures_are_the_shared_library_figures():
    """The fact-check reuses share/bitcoin functions: same numbers as calling them directly (as the other reports do)."""
    serving = pytest.importorskip("tokenecon.model.serving")
    from tokenecon import data
    from tokenecon.model import bitcoin
    from tokenecon.analysis import share

    ctx = fc.Context(draws=500)
    from tokenecon.analysis import electricity

    en = electricity.energy(draws=500)  # the shared energy: each model at its hosts' precision mix
    from tokenecon.model import pricing

    # the article week's Chinese models at that week's own list prices (the one definition)
    tok, _ = share.chinese_token_revenue_per_kwh(data.load("openrouter_weekly_top10"), data.load("labs"), en,
                                                 serving.model_for_slug, pricing.price_function(on="2026-02-16"))
    ratio = bitcoin.revenue_per_kwh_ratio(tok, bitcoin.bitcoin_revenue_per_kwh(2024, "network"))
    f = fc.tokens_vs_bitcoin_value(ctx)
    assert (f.estimate.low, f.estimate.central, f.estimate.high) == pytest.approx((ratio.low, ratio.central, ratio.high))
    assert f.link == "bitcoin_vs_tokens.html#Revenue-per-kWh-from-Bitcoin-and-from-tokens"
    el = share.chinese_token_electricity(share.weekly_from_daily(data.load("openrouter_daily_top50")), data.load("labs"),
                                         data.load("openrouter_provider_tokens_24h"), data.load("openrouter_weekly_top10"),
                                         en, serving.model_for_slug, share.china_grid_gco2_per_kwh(data.load("grid_carbon"))[0])
    assert fc.requests_served_in_china(ctx).estimate.central == pytest.approx(el.place.china_computed_share.central)
    assert fc.thesis_numbers(ctx)["china_computed_mwh_per_week"].central == pytest.approx(el.mwh_per_week.central)


def test_a_claim_that_cannot_be_computed_fails_the_build():
    from tokenecon import data

    claims = data.load("article_claims").head(2)
    boom = {cid: (lambda ctx: (_ for _ in ()).throw(ValueError("model: unknown name 'gpt-99'"))) for cid in claims["claim_id"]}
    checks = fc.evaluate(claims, fc.Context(), checks=boom)
    with pytest.raises(RuntimeError, match=r"claims not computed: .*gpt-99"):
        fc.require_computed(checks)
    fc.require_computed([c for c in checks if c.verdict != "not computed"])  # nothing failed: no error
