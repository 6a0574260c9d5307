"""Charts of the Bitcoin and data catalogue reports, each drawn on a tiny hand-made frame."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from tokenecon.report.charts import bitcoin_vs_tokens as charts  # noqa: E402
from tokenecon.report.charts import data_catalog as catalog_charts  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _labelled(fig, *, legend: bool):
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert "(" in ax.get_ylabel()  # a unit in brackets
    assert (ax.get_legend() is not None) == legend
    assert fig.tokenecon_alt.startswith(f"Chart: {ax.get_title()}. Takeaway: ")
    return ax, fig.tokenecon_alt


def test_hashrate_share():
    idx = pd.to_datetime(["2021-06-01", "2021-07-01", "2021-08-01", "2021-09-01"])
    sh = pd.DataFrame({"Mainland China": [44.0, 0.0, 0.0, 22.3], "United States": [16.8, 35.4, 35.4, 34.6]}, index=idx)
    summary = {"first": idx[0], "last": idx[-1], "first_pct": 44.0, "last_pct": 22.3, "zero": [idx[1], idx[2]]}
    fig = charts.hashrate_share(sh, summary)
    ax, alt = _labelled(fig, legend=True)
    assert "0% in 2021-07, 2021-08" in alt and "22.3% by 2021-09" in alt
    assert list(fig.tokenecon_data.columns) == ["month", "Mainland China", "United States"]


def test_network_energy():
    a = pd.DataFrame({"twh_lower": [50.0, 60.0], "twh_best": [100.0, 120.0], "twh_upper": [150.0, 180.0],
                      "cbeci_twh_lower": [55.0, 65.0], "cbeci_twh_best": [105.0, 118.0],
                      "cbeci_twh_upper": [160.0, 190.0]}, index=[2023, 2024])
    fig = charts.network_energy(a, 0.05)
    _, alt = _labelled(fig, legend=True)
    assert "In 2024 the network used 120 TWh (60–180) at 0.05 USD/kWh; CBECI published 118." in alt
    assert fig.tokenecon_data["year"].tolist() == [2023, 2024]


def test_revenue_per_kwh():
    pts = pd.DataFrame({"group": ["all miners", "all miners", "China's miners", "token model", "token mix"],
                        "label": ["2020", "2021", "2020", "model-a", "token mix"],
                        "usd_per_kwh": [0.07, 0.12, 0.073, 12.0, 10.0], "low": [0.05, 0.08, 0.04, 5.0, 4.0],
                        "high": [0.1, 0.2, 0.14, 30.0, 26.0]})
    fig = charts.revenue_per_kwh(pts, 0.05, "Tokens earn more.", week="2026-02-16", scenario="reference")
    ax, alt = _labelled(fig, legend=True)
    assert alt.endswith("Takeaway: Tokens earn more.")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2020", "2021", "model-a", "token mix"]
    assert len(ax.get_legend().get_texts()) == 4
    assert "week of 2026-02-16" in ax.get_xlabel()


def test_cost_stacks():
    st = pd.DataFrame({"activity": ["Bitcoin 2021", "Bitcoin 2022", "model-a"], "kind": ["mining", "mining", "tokens"],
                       "electricity": [0.25, 0.6, 0.01], "hardware": [0.2, 0.5, 0.3], "other cost": [0.0, 0.0, 0.2],
                       "rest (margin, unmodelled)": [0.55, -0.1, 0.49]})
    fig = charts.cost_stacks(st)
    ax, alt = _labelled(fig, legend=True)
    assert "Electricity takes 25%–60% of mining revenue (2021–2022); for tokens it is 1.0% or less" in alt
    assert ax.get_ylim()[0] == pytest.approx(-10 - 5)  # the loss of 2022 is drawn below zero


def test_cost_stacks_without_a_mining_year():
    st = pd.DataFrame({"activity": ["model-a"], "kind": ["tokens"], "electricity": [0.02], "hardware": [0.3],
                       "other cost": [0.2], "rest (margin, unmodelled)": [0.48]})
    _, alt = _labelled(charts.cost_stacks(st), legend=True)
    assert "No ASIC price point falls in the chosen years" in alt


def test_coverage_timeline():
    d = pd.DataFrame({"table": ["a", "b"], "rows": [1200, 30],
                      "date_from": pd.to_datetime(["2024-01-01", "2019-09-01"]),
                      "date_to": pd.to_datetime(["2025-03-08", "2025-03-08"])})
    fig = catalog_charts.coverage_timeline(d)
    ax = fig.axes[0]
    assert ax.get_title() == "Time coverage of the dated tables" and ax.get_xlabel() and ax.get_ylabel()
    assert "from Sep 2019 to Mar 2025; 1 of 2 cover the whole span" in fig.tokenecon_alt
    assert fig.tokenecon_data["date_from"].tolist() == ["2024-01-01", "2019-09-01"]
    with pytest.raises(ValueError, match="no dated table"):
        catalog_charts.coverage_timeline(d.iloc[:0])
