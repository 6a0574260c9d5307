"""The Bitcoin report's tables and checks (tokenecon.analysis.bitcoin_vs_tokens), checked by hand or a second method."""

import pandas as pd
import pytest

from tokenecon import data
from tokenecon.analysis import bitcoin_vs_tokens as bvt
from tokenecon.analysis import electricity
from tokenecon.estimate import Estimate
from tokenecon.model import bitcoin as btc

DRAWS = 200  # a small Monte Carlo keeps the token side fast; the figures are compared within one run


def _month(s):
    return pd.Timestamp(s)


def test_hashrate_shares_are_the_mining_map_percentages():
    sh = bvt.hashrate_shares()
    raw = data.load("cbeci_country_hashrate_monthly")
    row = raw[(raw["country"] == "United States") & (pd.to_datetime(raw["month"]) == "2021-08-01")]
    assert sh.loc["2021-08-01", "United States"] == pytest.approx(float(row["hashrate_pct"].iloc[0]))
    assert list(sh.columns) == list(bvt.HASHRATE_COUNTRIES)
    with pytest.raises(ValueError, match="Atlantis"):
        bvt.hashrate_shares(("Mainland China", "Atlantis"))


def test_china_share_summary_on_a_hand_made_series():
    idx = pd.to_datetime(["2019-09-01", "2019-10-01", "2019-11-01", "2019-12-01", "2020-01-01", "2020-02-01"])
    sh = pd.DataFrame({btc.CHINA: [80.0, 70.0, 60.0, 0.0, 0.0, 12.5]}, index=idx)
    s = bvt.china_share_summary(sh, threshold_pct=70)
    assert (s["first"], s["last"], s["months"]) == (idx[0], idx[-1], 6)
    assert s["above"] == [idx[0], idx[1]]  # at or above 70
    assert s["first_below"] == idx[2]
    assert s["zero"] == [idx[3], idx[4]]
    assert (s["back"], s["back_pct"], s["first_pct"], s["last_pct"]) == (idx[5], 12.5, 80.0, 12.5)
    never_zero = bvt.china_share_summary(sh.iloc[:3], threshold_pct=70)
    assert never_zero["zero"] == [] and never_zero["back"] is None


def test_china_share_summary_on_the_mining_map():
    """research/bitcoin.md: the map starts 2019-09, China reads 0% in 2021-07 and 2021-08 and reappears in 2021-09."""
    s = bvt.china_share_summary()
    assert f"{s['first']:%Y-%m}" == "2019-09"
    assert [f"{d:%Y-%m}" for d in s["zero"]] == ["2021-07", "2021-08"]
    assert f"{s['back']:%Y-%m}" == "2021-09"
    raw = data.load("cbeci_country_hashrate_monthly")
    cn = raw[raw["country"] == btc.CHINA].set_index("month")["hashrate_pct"]
    assert s["back_pct"] == pytest.approx(float(cn.loc["2021-09-01"]))
    assert len(s["above"]) == int((cn >= 70).sum())


def test_cbeci_reproduction_table_error_is_model_over_cbeci():
    t = bvt.cbeci_reproduction_table([2017, 2022])
    assert list(t["year"]) == ["2017", "2022"]
    by_hand = 100 * (t["model best (TWh)"] / t["CBECI best (TWh)"] - 1)
    assert t["error (%)"].to_numpy() == pytest.approx(by_hand.to_numpy())
    a = btc.annual_energy([2017])
    assert t.loc[0, "model lower (TWh)"] == pytest.approx(float(a.loc[2017, "twh_lower"]))
    assert t.loc[0, "best guess from CBECI basket (% of days)"] == 0  # 2017 uses the package's own hardware list


def test_cbeci_basket_years_on_a_hand_made_table():
    t = pd.DataFrame({"year": [2018, 2019, 2020, 2021], "error": [0.04, -0.03, 0.01, -0.016],
                      "independent": [True, True, False, False]})
    assert bvt.cbeci_basket_years(t) == {"first": 2020, "last": 2021, "max_abs_error": pytest.approx(0.016)}
    none = bvt.cbeci_basket_years(t[t["independent"]])
    assert none["first"] is None and none["max_abs_error"] != none["max_abs_error"]  # NaN


def test_cbeci_price_sensitivity_against_cbeci_recomputation():
    pub = data.load("cbeci_energy_by_price_annual")
    theirs = pub[pub["electricity_usd_per_kwh"] == 0.08].set_index("year")["twh_best"]
    ours = btc.annual_energy([2018, 2019], 0.08)["twh_best"]
    by_hand = max(abs(ours[y] / theirs[y] - 1) for y in (2018, 2019))
    assert bvt.cbeci_price_sensitivity([2018, 2019], (0.08,)) == {0.08: pytest.approx(by_hand)}
    with pytest.raises(ValueError, match="0.07 USD/kWh"):
        bvt.cbeci_price_sensitivity([2018], (0.07,))


def test_revenue_per_kwh_points_match_the_model_and_the_token_finding():
    pts = bvt.revenue_per_kwh_points([2019, 2020, 2024], draws=DRAWS)
    assert list(pts["group"].unique()) == ["all miners", "China's miners", "token model", "token mix"]
    miners = pts[pts["group"] == "all miners"].set_index("label")
    e = btc.bitcoin_revenue_per_kwh(2024, "network")  # a second function for the same figure
    assert (miners.loc["2024", "low"], miners.loc["2024", "usd_per_kwh"], miners.loc["2024", "high"]) == pytest.approx(
        (e.low, e.central, e.high))
    china = pts[pts["group"] == "China's miners"]
    assert list(china["label"]) == ["2019", "2020"]  # 2024 has no Mining Map month
    assert float(china["usd_per_kwh"].iloc[1]) == pytest.approx(btc.bitcoin_revenue_per_kwh(2020, "china").central)
    tok = electricity.token_revenue_usd_per_kwh(draws=DRAWS).value
    mix = pts[pts["group"] == "token mix"].iloc[0]
    assert (mix["low"], mix["usd_per_kwh"], mix["high"]) == pytest.approx((tok.low, tok.central, tok.high))
    assert (pts["low"] <= pts["usd_per_kwh"]).all() and (pts["usd_per_kwh"] <= pts["high"]).all()


def test_token_revenue_table_on_a_hand_made_table():
    t = pd.DataFrame({"model": ["A"], "tokens": [2.5e12], "usd_per_mtok": [0.5], "kwh_per_mtok_low": [0.01],
                      "kwh_per_mtok": [0.02], "kwh_per_mtok_high": [0.04], "revenue_usd_per_kwh_low": [12.5],
                      "revenue_usd_per_kwh": [25.0], "revenue_usd_per_kwh_high": [50.0], "token_share": [1.0]})
    out = bvt.token_revenue_table(t)
    assert out.loc[0, "tokens (trillions, week)"] == 2.5
    assert out.loc[0, "blended list price (USD per million tokens)"] == 0.5
    assert "token_share" not in out.columns


def test_capital_ranges_by_hand_from_the_price_and_power_points():
    """hardware_capex_points: ASIC 15.71 USD per TH at 38 W per TH (low) to 119.25 at 29.55 W (high);
    H100 server share 32,500 USD at 1,275 W to 45,000 USD at 1,000 W."""
    c = bvt.capital_ranges()
    assert c["asic_low"] == pytest.approx(15.71 / 0.038)
    assert c["asic_high"] == pytest.approx(119.25 / 0.02955)
    assert c["gpu_low"] == pytest.approx(32500 / 1.275)
    assert c["gpu_high"] == pytest.approx(45000 / 1.0)
    assert c["gpu_vs_asic_low"] == pytest.approx((32500 / 1.275) / (119.25 / 0.02955))
    assert c["gpu_vs_asic_high"] == pytest.approx(45000 / (15.71 / 0.038))
    t = bvt.capital_table()
    assert len(t) == len(data.load("hardware_capex_points")) and t["date"].str.match(r"\d{4}-\d{2}-\d{2}$").all()


def test_times_less_and_its_refusal():
    assert bvt.times_less(Estimate(20, 44, 75, "TWh"), Estimate(0.001, 0.0055, 0.02, "TWh")) == pytest.approx(8000)
    with pytest.raises(ValueError, match="token electricity"):
        bvt.times_less(Estimate(20, 44, 75, "TWh"), Estimate(0, 0, 0, "TWh"))


def test_data_limits_are_the_tables_last_dates():
    lim = bvt.data_limits()
    net = data.load("btc_network_daily")
    assert lim["network_end"] == pd.Timestamp(net["date"].max())
    e = data.load("cbeci_energy_monthly")
    assert lim["efficiency_end"] == pd.Timestamp(e.loc[e["efficiency_days"] > 0, "month"].max())
    assert f"{lim['efficiency_end']:%Y-%m}" == "2024-09"  # CBECI's basket series ends 2024-09-20


def test_report_findings_ratios_are_tokens_over_mining():
    f = bvt.report_findings(range(2016, 2025), draws=DRAWS)
    tok = f["token_revenue_usd_per_kwh"].value
    for ratio, mining in (("tokens_vs_bitcoin_revenue_per_kwh", "btc_revenue_usd_per_kwh_latest"),
                          ("tokens_vs_china_miners_revenue_per_kwh", "china_mining_peak_revenue_usd_per_kwh")):
        r, b = f[ratio].value, f[mining].value
        assert r.central == pytest.approx(tok.central / b.central)
        assert r.low == pytest.approx(tok.low / b.high) and r.high == pytest.approx(tok.high / b.low)
    assert f["china_mining_peak_twh"].extra["year"] == 2020
    assert f["cbeci_independent_max_abs_error"].scope.period == "2016–2019"
    assert all(k == v.key for k, v in f.items())
