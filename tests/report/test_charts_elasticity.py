"""Charts and tables of the price-elasticity and fact-check reports (fast: a small study, constructed checks)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from tokenecon.analysis import factcheck as fc  # noqa: E402
from tokenecon.analysis import price_elasticity as pe  # noqa: E402
from tokenecon.estimate import Estimate  # noqa: E402
from tokenecon.report import factcheck_view as view  # noqa: E402
from tokenecon.report.charts import article_fact_check as fc_charts  # noqa: E402
from tokenecon.report.charts import price_elasticity as charts  # noqa: E402


@pytest.fixture(scope="module")
def study():
    return pe.study(coverage_sims=20)


def _takeaway(fig) -> str:
    return fig.tokenecon_alt.split("Takeaway: ", 1)[1]


@pytest.mark.parametrize("draw", ["price_usage_scatter", "estimates_and_anchors", "changes_per_model",
                                  "fe_residual_plot", "launch_event_study"])
def test_every_elasticity_chart_is_finished_with_its_data(study, draw):
    fig = getattr(charts, draw)(study)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and _takeaway(fig)
    assert isinstance(fig.tokenecon_data, pd.DataFrame) and len(fig.tokenecon_data)
    plt.close(fig)


def test_elasticity_chart_numbers_come_from_the_study(study):
    fig = charts.price_usage_scatter(study)
    assert f"{study.naive.raw_coef:+.2f}" in _takeaway(fig) and len(fig.tokenecon_data) == study.info["n_obs"]
    fig = charts.changes_per_model(study)
    per = fig.tokenecon_data
    assert per["price_changes"].sum() == study.info["n_price_changes"] and len(per) == study.info["n_models"]
    assert _takeaway(fig).startswith(f"{int((per['price_changes'] == 0).sum())} of {len(per)} models")
    fig = charts.estimates_and_anchors(study)
    assert len(fig.tokenecon_data) == 5 + len(study.anchors)  # five estimates and every anchor
    plt.close("all")


def test_elasticity_tables(study, capsys):
    est = charts.estimator_table(study)
    assert len(est) == 5 and est["identified?"].iloc[3] != "yes"  # fixed effects not identified on these data
    bill = charts.bill_table(study)
    assert bill["bill after / before"].iloc[0] == f"{100 * study.bills.iloc[0]['bill_ratio']:.1f}%"
    gap = charts.price_gap_table(study)
    assert gap["elasticity source"].str.endswith("(used here)").sum() == 1
    ev = charts.event_table(study)
    assert len(ev) == study.es.n  # the events the event study counts
    assert capsys.readouterr().out.count("HTML object") == 4  # four tables shown


def _check(cid, verdict, section, link=""):
    return fc.Check(claim_id=cid, topic="t", quote=f"quote {cid}", claimed="1", estimate="2", verdict=verdict,
                    reason=f"reason {cid}", link=link or f"{fc.REPORT_HTML}#{section}", section=section)


CHECKS = [_check("a", "supported", fc.S_THESIS, "token_cost.html#What-a-million-tokens-cost,-and-what-share-is-electricity"),
          _check("b", "overstated", fc.S_THESIS, "token_exports_world.html#The-answer"),
          _check("c", "roughly", fc.S_PRICES), _check("d", "contradicted", fc.S_PRICES),
          _check("e", "not checkable", fc.S_NOT), _check("f", "supported", fc.S_TOKENS)]


def test_tally_counts_thesis_and_small_facts_apart():
    t = view.tally(CHECKS)
    assert t == {"claims": 6, "judged": 5, "held": 3, "thesis": 2, "thesis_held": 1}


def test_section_table_links_to_the_report_that_computes_each_claim():
    df = view.section_table(CHECKS, fc.S_THESIS)
    assert list(df["claim (quoted)"]) == ["quote a", "quote b"] and list(df["verdict"]) == ["supported", "overstated"]
    assert df["computed in"].iloc[0] == ('<a href="token_cost.html#What-a-million-tokens-cost,-and-what-share-is-'
                                         'electricity">token-cost report: What a million tokens cost, and what share '
                                         'is electricity</a>')
    assert df["computed in"].iloc[1] == '<a href="token_exports_world.html#The-answer">world-scale report: The answer</a>'
    assert view.where(CHECKS[2]) == '<a href="#Prices-and-the-bill">this report: Prices and the bill</a>'
    assert view.section_table(CHECKS, fc.S_BITCOIN).empty and view.section_html(CHECKS, fc.S_BITCOIN, "x") is None
    out = view.section_html(CHECKS, fc.S_PRICES, "pri")
    assert 'id="T_pri"' in out and "reason c" in out and "reason a" not in out


def test_thesis_figures_and_records():
    assert view.thesis_figure(Estimate(0.04, 0.05, 0.06, "fraction"), "fraction") == fc.format_estimate(
        Estimate(0.04, 0.05, 0.06, "fraction"), "fraction")
    assert view.thesis_figure(Estimate(4.08, 10.2, 26.1, "USD/kWh"), "usd_per_kwh") == "10.2 USD per kWh (4.08 to 26.1)"
    assert view.thesis_figure(Estimate(90, 1234.4, 2000, "MWh"), "mwh_per_week") == "1,234 MWh per week (90 to 2,000)"
    assert view.thesis_figure(KeyError("x"), "fraction") == "not computed (KeyError: 'x')"
    with pytest.raises(ValueError, match="kind 'pct'"):
        view.thesis_figure(Estimate(1, 1, 1, ""), "pct")
    claims = pd.DataFrame({"claim_id": [c.claim_id for c in CHECKS], "refers_to": list("ABCDEF")})
    recs = view.verdict_records(CHECKS, claims)
    assert [r["claim"] for r in recs] == list("ABCDEF") and recs[1]["verdict"] == "overstated"
    assert view.model_display("minimax-m2.5") == "MiniMax-M2.5"


def test_fact_check_charts():
    counts = {v: 0 for v in fc.VERDICTS} | {"supported": 5, "roughly": 2, "overstated": 1, "contradicted": 3}
    fig = fc_charts.verdict_bars(counts)
    assert _takeaway(fig) == "7 of 11 testable claims hold at least roughly; 4 do not."
    assert fig.tokenecon_data.to_dict("list") == {"verdict": ["supported", "roughly", "overstated", "contradicted"],
                                                  "claims": [5, 2, 1, 3]}
    fig = fc_charts.revenue_per_kwh(Estimate(4.0, 10.0, 26.0, "USD/kWh"), Estimate(0.05, 0.1, 0.17, "USD/kWh"),
                                    Estimate(40, 100, 300, "x"), btc_year=2024, week_start="2026-02-16")
    assert _takeaway(fig) == "A kWh serving tokens earns about 100 times what a kWh of Bitcoin mining earned in 2024 (40-300x)."
    assert list(fig.tokenecon_data["usd_per_kwh"]) == [0.1, 10.0] and fig.axes[0].get_xscale() == "log"
    plt.close("all")
