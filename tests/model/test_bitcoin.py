"""tokenecon.model.bitcoin: CBECI reproduction, the research note's worked example, bounds, bad inputs, tokens."""

from __future__ import annotations

import sys
import types

import numpy as np
import pandas as pd
import pytest

from tokenecon.model import bitcoin as btc
from tokenecon import data
from tokenecon.estimate import Estimate

YEARS = list(range(2019, 2025))


@pytest.fixture(scope="module")
def annual():
    return btc.annual_energy(list(range(2015, 2025)))


@pytest.fixture(scope="module")
def daily():
    return btc.daily_energy()


# --------------------------------------------------------------------------- CBECI reproduction

@pytest.mark.parametrize("year", YEARS)
def test_best_guess_reproduces_cbeci_annual_twh_within_5pct(annual, year):
    row = annual.loc[year]
    # CBECI's published figure, summed independently from the monthly table.
    e = data.load("cbeci_energy_monthly")
    published = e.loc[e["month"].dt.year == year, "twh_best"].sum()
    assert row["cbeci_twh_best"] == pytest.approx(published)
    assert abs(row["twh_best"] / published - 1) < 0.05, (year, row["twh_best"], published)


def test_2019_best_guess_comes_from_the_hardware_list_alone(annual):
    # 2019 is before the list's vintage: the best guess is this package's own equal-weight mean.
    assert annual.loc[2019, "best_from_cbeci_basket_share"] == 0
    assert annual.loc[2024, "best_from_cbeci_basket_share"] == 1


@pytest.mark.parametrize("year", [2019, 2021, 2022, 2024])
def test_upper_bound_from_own_hardware_list_tracks_cbeci_within_10pct(annual, year):
    row = annual.loc[year]
    assert abs(row["twh_upper"] / row["cbeci_twh_upper"] - 1) < 0.10


def test_bounds_ordered_every_day_and_year(daily, annual):
    assert (daily["twh_lower"] <= daily["twh_best"]).all()
    assert (daily["twh_best"] <= daily["twh_upper"]).all()
    assert (annual["twh_lower"] <= annual["twh_best"]).all() and (annual["twh_best"] <= annual["twh_upper"]).all()
    assert not daily["best_clipped_to_set"].any()  # at CBECI's 0.05 the basket never leaves the set


@pytest.mark.parametrize("price", [0.03, 0.10])
def test_bounds_ordered_at_other_prices(price):
    d = btc.daily_energy(price)
    assert (d["twh_lower"] <= d["twh_best"]).all() and (d["twh_best"] <= d["twh_upper"]).all()


@pytest.mark.parametrize("price", [0.03, 0.08])
def test_price_sensitivity_matches_cbeci_v120_within_10pct(price):
    # A second method: CBECI's own best guess recomputed at other electricity prices (API v1.2.0).
    # (2016 at 0.03 misses by 10.4%: the early-2016 list has few machines; 2022 at 0.08 by 10.1%.)
    ys = list(range(2017, 2022))
    a = btc.annual_energy(ys, price)
    v = data.load("cbeci_energy_by_price_annual")
    v = v[v["electricity_usd_per_kwh"] == price].set_index("year")["twh_best"]
    for y in ys:
        assert abs(a.loc[y, "twh_best"] / v[y] - 1) < 0.10, (price, y, a.loc[y, "twh_best"], v[y])


def test_cheaper_power_means_more_energy_and_a_higher_threshold():
    lo = btc.annual_energy([2020], 0.03).loc[2020]
    ref = btc.annual_energy([2020], 0.05).loc[2020]
    assert lo["twh_best"] > ref["twh_best"] and lo["twh_upper"] > ref["twh_upper"]


# --------------------------------------------------------------------------- formulas by hand

def test_threshold_formula_by_hand():
    # $0.115 per TH/s per day (2020 hashprice, research §3.3) at 0.05 USD/kWh:
    # 0.115 / 86400 USD per TH; a joule costs 0.05 / 3.6e6 USD -> 95.83 J/TH.
    theta = btc.profitability_threshold_j_per_th(0.115 * 1e8, 1e8, 0.05)
    assert theta == pytest.approx(0.115 / 86400 / (0.05 / 3.6e6), rel=1e-12)
    assert theta == pytest.approx(95.83, abs=0.01)


def test_threshold_on_a_real_day_from_the_table(daily):
    n = data.load("btc_network_daily").set_index("date")
    day = n.loc["2020-03-02":"2020-03-15"]
    rev = (day["subsidy_btc"] + day["fees_btc"]) * day["price_usd"]
    raw = rev / (day["hashrate_ehs"] * 1e6 * 86400) * 3.6e6 / 0.05
    assert daily.loc[pd.Timestamp("2020-03-15"), "threshold_j_th"] == pytest.approx(raw.mean(), rel=1e-9)


def test_profitable_set_rules_on_a_small_list():
    hw = pd.DataFrame({
        "release_date": pd.to_datetime(["2010-01-01", "2016-01-01", "2018-01-01"]),
        "efficiency_j_th": [500.0, 100.0, 50.0],
    })
    dates = pd.to_datetime(["2015-06-01", "2017-06-01", "2019-06-01", "2019-07-01", "2021-06-01"])
    theta = [1000.0, 1000.0, 80.0, 20.0, 1000.0]
    s = btc.profitable_set_efficiency(dates, theta, hw)
    # 2015: 500 is >5 years old, 100/50 not yet released -> empty, nothing to carry: NaN.
    assert s["n_machines"].tolist() == [0, 1, 1, 0, 1]
    assert np.isnan(s["eff_min_j_th"].iloc[0])
    assert s["eff_mean_j_th"].iloc[1] == 100.0                       # only the 2016 machine
    assert s["eff_max_j_th"].iloc[2] == 50.0                         # 100 > θ=80 drops out
    assert s["eff_max_j_th"].iloc[3] == 50.0                         # empty set: previous day's kept
    assert s["eff_min_j_th"].iloc[4] == 50.0                         # 2016 machine past 5 years


def test_bottom_up_check_of_research_step_4(daily):
    # research §4 step 4: mean 2020 hash rate 119.5 EH/s x CBECI basket 58.69 J/TH x 1.10 x 8,784 h = 67.8 TWh.
    d = daily.loc["2020"]
    assert d["hashrate_ths"].mean() / 1e6 == pytest.approx(119.5, abs=0.1)
    assert d["twh_best"].sum() == pytest.approx(67.8, rel=0.02)


# --------------------------------------------------------------------------- worked example (research §4)

def test_worked_example_china_2020_revenue_per_kwh_from_cbeci_energy():
    c = btc.china_mining(2020, energy="cbeci")
    assert c.months_covered == 12
    assert c.twh.central == pytest.approx(43.47, abs=0.01)
    assert c.revenue_usd == pytest.approx(3.214e9, rel=1e-3)
    assert c.revenue_usd_per_kwh.central == pytest.approx(0.0739, abs=0.0002)
    assert c.share_energy_weighted == pytest.approx(0.6475, abs=0.0005)
    # Step 5 bounds: $0.045 (upper-bound energy) .. $0.139 (lower-bound energy); we get 0.045 .. 0.137.
    assert c.revenue_usd_per_kwh.low == pytest.approx(0.045, abs=0.001)
    assert c.revenue_usd_per_kwh.high == pytest.approx(0.139, abs=0.003)


def test_worked_example_global_2020():
    m = btc.monthly_energy(energy="cbeci")
    y = m[m.index.year == 2020]
    assert y["revenue_usd"].sum() / (y["twh_best"].sum() * 1e9) == pytest.approx(0.0745, abs=0.0002)


def test_china_2020_with_the_package_energy_model_is_within_5pct_of_the_worked_example():
    c = btc.china_mining(2020)
    assert c.revenue_usd_per_kwh.central == pytest.approx(0.0739, rel=0.05)
    assert c.twh.low <= c.twh.central <= c.twh.high


def test_electricity_share_of_revenue_2020_is_two_thirds():
    # research §4 step 5: 67.14e9 kWh x 0.05 / 5.001e9 = 67%.
    assert btc.electricity_share_of_revenue(67.14e9, 5.001e9, 0.05) == pytest.approx(0.671, abs=0.001)


def test_china_share_of_2021_falls_to_zero_in_july():
    s = btc.china_share_monthly()
    assert s[pd.Period("2021-07", "M")] == 0 and s[pd.Period("2019-09", "M")] == pytest.approx(0.7553)


# --------------------------------------------------------------------------- capital and cost stacks

def test_capital_per_kw_by_hand():
    c = btc.capital_usd_per_kw().set_index("date")
    peak = c.loc[pd.Timestamp("2021-05-07")]
    assert peak["usd_per_kw_low"] == pytest.approx(119.25 / 0.038)
    assert peak["usd_per_kw_high"] == pytest.approx(119.25 / 0.02955)
    gpu = c[c["kind"] == "gpu_server"].iloc[0]
    assert gpu["usd_per_kw_low"] == pytest.approx(32500 / 1.275)
    assert gpu["usd_per_kw_high"] == pytest.approx(45000 / 1.0)


def test_mining_cost_stack_by_hand():
    s = btc.mining_cost_stack_per_kwh(0.0745, 0.05, asic_usd_per_kw=2000.0, lifetime_years=4, pue=1.1)
    cap = 2000.0 / (4 * 365 * 24 * 1.1)  # the package's 365-day year
    assert s["hardware"] == pytest.approx(cap)
    assert s["rest"] == pytest.approx(0.0745 - 0.05 - cap)
    assert s["electricity_share_of_cost"] == pytest.approx(0.05 / (0.05 + cap))


# --------------------------------------------------------------------------- bad inputs

@pytest.mark.parametrize("years", [[2030], [2013], [2025], 1999])
def test_years_outside_the_data_are_refused(years):
    with pytest.raises(ValueError, match=r"years .* outside the data.*2014\.\.2024"):
        btc.annual_energy(years)


@pytest.mark.parametrize("price", [-0.05, 0, float("nan"), "cheap", 5])
def test_bad_electricity_price_is_refused(price):
    with pytest.raises(ValueError, match="electricity_usd_per_kwh"):
        btc.annual_energy([2020], price)


def test_pue_outside_the_bounds_is_refused():
    with pytest.raises(ValueError, match=r"pue .* between .*1\.01.*1\.2"):
        btc.daily_energy(pue=1.5)


def test_china_year_without_map_data_is_refused():
    with pytest.raises(ValueError, match=r"year 2017 is outside the CBECI Mining Map data"):
        btc.china_mining(2017, energy="cbeci")


def test_negative_revenue_inputs_are_refused():
    with pytest.raises(ValueError, match="price_usd"):
        btc.revenue_usd(6.25, 0.1, -1)


# --------------------------------------------------------------------------- tokens (serving stubbed)

@pytest.fixture
def fake_serving(monkeypatch):
    """A stand-in for tokenecon.model.serving with known numbers, to test this module's arithmetic only."""
    mod = types.ModuleType("tokenecon.model.serving")
    mod.energy_kwh_per_mtok = lambda m, **k: Estimate(0.2, 0.4, 0.8, "kWh/Mtok") if k.get("phase") == "output" else Estimate(0.02, 0.04, 0.08, "kWh/Mtok")
    mod.list_price_usd_per_mtok = lambda m, phase: {"a": 2.0, "b": None}[m]
    one = Estimate(1, 1, 1)
    mod.cost_usd_per_mtok = lambda m, **k: {"total": one, "capex": one, "electricity": one, "other": one, "electricity_share": Estimate(0.1, 0.1, 0.1)}
    mod.model_for_slug = lambda s: "a" if s.startswith("minimax/") else None
    monkeypatch.setitem(sys.modules, "tokenecon.model.serving", mod)
    import tokenecon.model

    monkeypatch.setattr(tokenecon.model, "serving", mod, raising=False)
    return mod


def test_token_cost_per_mtok_reads_the_serving_stack(fake_serving):
    t = btc.token_cost_per_mtok(["a", "b"]).set_index("model")
    assert t.loc["a", "list_price_usd_per_mtok"] == 2.0
    assert np.isnan(t.loc["b", "list_price_usd_per_mtok"])
    assert t.loc["a", "electricity_share_of_cost"] == pytest.approx(0.1)


def test_revenue_per_kwh_ratio_by_hand():
    r = btc.revenue_per_kwh_ratio(Estimate(4, 10, 30), Estimate(0.05, 0.1, 0.2))
    assert (r.low, r.central, r.high) == pytest.approx((4 / 0.2, 10 / 0.1, 30 / 0.05))
    with pytest.raises(ValueError, match="revenue per kWh must be > 0"):
        btc.revenue_per_kwh_ratio(Estimate(0, 1, 2), Estimate(0.05, 0.1, 0.2))


def test_bitcoin_revenue_per_kwh_network_is_revenue_over_energy():
    """Network revenue per kWh, 2024: the year's revenue summed by hand from the daily table over the model's TWh."""
    net = data.load("btc_network_daily")
    d = net[pd.to_datetime(net["date"]).dt.year == 2024]
    revenue = float(((d["subsidy_btc"] + d["fees_btc"]) * d["price_usd"]).sum())
    e = btc.daily_energy()
    e = e[e.index.year == 2024]
    est = btc.bitcoin_revenue_per_kwh(2024, "network")
    assert est.central == pytest.approx(revenue / (e["twh_best"].sum() * 1e9))
    assert est.low == pytest.approx(revenue / (e["twh_upper"].sum() * 1e9))
    with pytest.raises(ValueError, match="miners must be one of"):
        btc.bitcoin_revenue_per_kwh(2024, "world")


def test_bitcoin_revenue_per_kwh_china_2020_near_worked_example():
    """research/bitcoin.md: China's miners earned about $0.074 per kWh in 2020 (CBECI energy); the model's own energy is close."""
    est = btc.bitcoin_revenue_per_kwh(2020, "china")
    assert est.central == pytest.approx(0.074, rel=0.1)
    assert est.low <= est.central <= est.high


# --------------------------------------------------------------------------- the report

@pytest.mark.slow
def test_report_runs_and_states_the_takeaway(run_report):
    html = run_report("bitcoin_vs_tokens").read_text()
    assert "In short" in html and "times less than mining at its peak" in html
    assert "2019-09" in html  # the report says where the geographic data stop
