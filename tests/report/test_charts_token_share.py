"""Charts and phrases of the token-share report, each drawn on a tiny hand-made input."""

import matplotlib

matplotlib.use("Agg")

from types import SimpleNamespace  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from tokenecon.analysis import share  # noqa: E402
from tokenecon.analysis import token_share as ts  # noqa: E402
from tokenecon.estimate import Estimate  # noqa: E402
from tokenecon.report.charts import token_share as charts  # noqa: E402

LABS = pd.DataFrame({"author": ["cn1", "us1", "other"], "lab": ["CN One", "US One", "Other"], "bloc": ["china", "us", "unknown"],
                     "hq_country": ["CN", "US", None]})


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _daily():
    rows = []
    for day in pd.date_range("2026-06-01", periods=14):
        for slug, author, tok, other in (("cn1/a", "cn1", 60, False), ("us1/b", "us1", 30, False), ("other", "other", 10, True)):
            rows.append({"date": day, "model_slug": slug, "author": author, "total_tokens": tok, "is_other": other})
    return pd.DataFrame(rows)


def _labelled(fig, *, legend: bool):
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert (ax.get_legend() is not None) == legend
    assert fig.tokenecon_alt.startswith(f"Chart: {ax.get_title()}. Takeaway: ")
    assert fig.tokenecon_data is not None and len(fig.tokenecon_data)
    return fig.tokenecon_alt


def test_share_over_time():
    w10 = pd.DataFrame({"week_start": pd.to_datetime(["2026-06-01"]), "rank": [1], "author": ["cn1"], "total_tokens": [5]})
    ap = pd.DataFrame({"snapshot_date": pd.to_datetime(["2026-06-03"]), "author": ["cn1"], "share_pct": [50.0]})
    p = ts.share_panel(_daily(), w10, ap, LABS, top_n=2)
    alt = _labelled(charts.share_over_time(p, top_n=2, article_pct=61.0), legend=True)
    assert "runs 7 points above" in alt  # top 2: 60/90 = 66.7%; platform 60%


def test_lab_area_and_ranks():
    wk = share.weekly_from_daily(_daily())
    alt = _labelled(charts.lab_area(*ts.lab_shares(wk, LABS, n=2)), legend=True)
    assert "CN One led with 60.0% of all tokens" in alt
    alt = _labelled(charts.ranks(ts.rank_panel(wk, LABS, n_leading=2)), legend=True)
    assert "1 different models were first in 2 weeks" in alt


def test_concentration():
    cm = share.concentration_weekly(share.weekly_from_daily(_daily()), LABS, level="model")
    alt = _labelled(charts.concentration(cm, cm), legend=True)
    # named 0.6 and 0.3 -> 0.45; the other row 0.1 adds 0.01: 4,600 on the 0-10,000 scale
    assert "HHI reached 4,600" in alt


def test_origin_regions():
    idx = pd.Index(["Europe", "North America"], name="region")
    c = pd.DataFrame({"chinese_lab": [0.3, 0.7], "other": [0.4, 0.6]}, index=idx)
    op = ts.OriginPanel(c, c * 0.9, c, {"chinese_lab": 3, "other": 5})
    alt = _labelled(charts.origin_regions(op, "North America", Estimate(0.6, 0.7, 0.7, "fraction")), legend=True)
    assert "North America carries 60.0% to 70.0%" in alt


def test_providers_uses_names_on_the_category_axis():
    bars = pd.Series({"china_likely": 1e12, "unknown": 5e11, ts.ABROAD_OTHER: 3e12})
    v = ts.ProviderView(pd.DataFrame(), bars, pd.DataFrame(), pd.DataFrame(), 0.25)
    place = SimpleNamespace(china_tokens=Estimate(1e12, 1e12, 1.5e12, "tokens"), platform_tokens=10e12)
    fig = charts.providers(v, place, pd.Timestamp("2026-08-28"))
    alt = _labelled(fig, legend=False)
    assert "served 10.0% to 15.0% of all tokens" in alt and "providers served 25.0%" in alt
    assert "likely in China" in [t.get_text() for t in fig.axes[0].get_yticklabels()]


def test_precision_hosts():
    pt = pd.DataFrame({"model": ["glm-5", "kimi-k2.5"], "share_bf16": [0.5, 0], "share_fp8": [0.5, 0], "share_fp4": [0, 0.5],
                       "share_int4": [0, 0.25], "share_unknown": [0, 0.25]})
    alt = _labelled(charts.precision_hosts(pt, 0.2, "fp8"), legend=True)
    assert alt.endswith("fp8 is the most common declared precision; 20.0% of Chinese-lab models' hosts declare none.")


def test_electricity():
    idx = pd.to_datetime(["2026-08-03", "2026-08-10"])
    ec = SimpleNamespace(weekly=pd.DataFrame({"mwh": [90.0, 95.0], "mwh_low": [20.0, 21.0], "mwh_high": [500.0, 557.0]}, index=idx),
                         mwh_per_week=Estimate(21, 95, 557, "MWh"))
    ea = SimpleNamespace(weekly=pd.DataFrame({"mwh": [600.0, 691.0]}, index=idx))
    mag = ts.Magnitudes(700.0, 808.0, (2000, 9999), (0.03, 0.16), pd.Timestamp("2025-11-01"), 4.2e6, 44000.0, 7.3)
    alt = _labelled(charts.electricity(ec, ea, mag), legend=True)
    assert "About 95 MWh a week" in alt and "7 times less" in alt and "810 GPUs drawing 700 W" in alt


def test_phrases():
    shares = {"fp8": 0.5, "fp4": 0.1, "bf16": 0.05, "int4": 0.05, "unknown": 0.3}
    assert charts.family_words(shares) == ("fp8 for 50.0%, a 4-bit float format for 10.0%, bf16 or fp16 for 5.0%, int4 for 5.0% "
                                           "and none for 30.0%")
    p = pd.DataFrame({"provider_name": ["A", "B"], "last_24h_tokens": [2.05e12, 1e9], "datacentre_countries": ["SG", None]})
    assert charts.provider_words(p) == "A (2.05 trillion tokens; datacentres SG); B (1 billion tokens; no datacentre published)"
    served = pd.DataFrame({"endpoints": [3, 0], "chinese_lab_endpoints": [3, 0], "all_chinese": [True, None], "other_models": ["", ""]})
    cc = ts.CatalogueCheck(pd.DataFrame(), served, 10, 9)
    assert charts.check_words(cc).startswith("The endpoint catalogue bears this out: the 1 provider counted in China offers only")
    served.loc[0, ["all_chinese", "other_models"]] = [False, "us1/b"]
    assert "also offer us1/b" in charts.check_words(cc)
