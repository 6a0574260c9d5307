"""Monte Carlo and tornado: reproducible, consistent with the deterministic stack, right ordering."""

import numpy as np
import pandas as pd
import pytest

from tokenecon.model import cost
from tokenecon.model import montecarlo as u

POINT = u.ServingPoint(tokens_per_second_per_gpu=1000.0, gpu_power_w=600.0, tdp_w=700.0)


def _fixed_dists(**ranges):
    """All inputs fixed at round central values, except the given (low, central, high, kind) ranges."""
    central = dict(gpu_price_usd=30_000.0, server_multiplier=1.4, life_years=5.0, cost_of_capital=0.10,
                   utilisation=1.0, pue=1.3, server_overhead=0.0, idle_power_fraction=0.0,
                   electricity_price_factor=1.0, facility_usd_per_w=10.78, facility_life_years=15.0,
                   other_opex_usd_per_gpu_hour=0.0, throughput_factor=1.0, gpu_power_factor=1.0)
    d = {k: u.Distribution(k, v, v, v, "fixed") for k, v in central.items()}
    for k, (lo, mid, hi, kind) in ranges.items():
        d[k] = u.Distribution(k, lo, mid, hi, kind)
    return d


def test_fixed_inputs_reproduce_the_cost_module():
    d = _fixed_dists()
    res = u.run(d, POINT, 0.081, draws=50, seed=1)
    # By hand: GPU 600 W, no overhead, full utilisation -> 0.6 kW IT; facility sized for 0.7 kW.
    gh = cost.usd_per_gpu_hour(gpu_price_usd=30_000, server_multiplier=1.4, life_years=5, cost_of_capital=0.1,
                               pue=1.3, electricity_usd_per_kwh=0.081, facility_usd_per_w=10.78,
                               facility_life_years=15, it_kw=0.6, provisioned_it_kw=0.7)
    per = cost.usd_per_mtok(gh, 1000.0 * 3600)
    assert np.allclose(res.samples["total_usd_per_mtok"], per["total"])
    assert np.allclose(res.samples["electricity_share"], per["electricity_share"])
    # GPU J/token = 600 W / 1000 tok/s = 0.6 J; facility = 0.6 * 1.3 = 0.78 J; kWh/M = 0.78 / 3.6.
    assert np.allclose(res.samples["gpu_j_per_token"], 0.6)
    assert np.allclose(res.samples["facility_j_per_token"], 0.78)
    assert np.allclose(res.samples["facility_kwh_per_mtok"], 0.78 / 3.6)


def test_seeded_and_reproducible():
    d = _fixed_dists(pue=(1.1, 1.3, 1.56, "triangular"), throughput_factor=(0.67, 1.0, 1.5, "lognormal"))
    a = u.run(d, POINT, 0.08, draws=2000, seed=7).samples["total_usd_per_mtok"]
    b = u.run(d, POINT, 0.08, draws=2000, seed=7).samples["total_usd_per_mtok"]
    c = u.run(d, POINT, 0.08, draws=2000, seed=8).samples["total_usd_per_mtok"]
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_median_matches_deterministic_central_when_symmetric_and_linear():
    # Total cost is linear in the electricity price and the uniform spread is symmetric:
    # the Monte Carlo median equals the value at central inputs (up to sampling error).
    d = _fixed_dists(electricity_price_factor=(0.5, 1.0, 1.5, "uniform"))
    res = u.run(d, POINT, 0.08, draws=20_000, seed=0)
    e = res.estimate("total_usd_per_mtok")
    assert e.central == pytest.approx(res.central["total_usd_per_mtok"], rel=2e-3)
    # The 90% interval of a uniform(0.5, 1.5) factor is 0.55..1.45: check the electricity component.
    el = res.estimate("electricity_usd_per_mtok")
    assert el.low / res.central["electricity_usd_per_mtok"] == pytest.approx(0.55, abs=0.01)
    assert el.high / res.central["electricity_usd_per_mtok"] == pytest.approx(1.45, abs=0.01)


def test_lognormal_interval_matches_table_bounds():
    dist = u.Distribution("x", 0.67, 1.0, 1.5, "lognormal")
    s = dist.sample(np.random.default_rng(0), 200_000)
    q05, q50, q95 = np.quantile(s, [0.05, 0.5, 0.95])
    assert q50 == pytest.approx(1.0, abs=0.005)
    # sigma = (ln 1.5 + ln(1/0.67)) / (2 * 1.645) -> 5th/95th at exp(-+1.645 sigma).
    sigma = (np.log(1.5) + np.log(1 / 0.67)) / (2 * 1.6448536)
    assert q95 == pytest.approx(np.exp(1.6448536 * sigma), rel=0.01)
    assert q05 == pytest.approx(np.exp(-1.6448536 * sigma), rel=0.01)


def test_tornado_ordering_constructed_case():
    # Throughput x0.5..x2 halves/doubles cost; life 4..6 moves it far less; PUE 1.2..1.4 barely.
    d = _fixed_dists(throughput_factor=(0.5, 1.0, 2.0, "triangular"),
                     life_years=(4.0, 5.0, 6.0, "triangular"),
                     pue=(1.2, 1.3, 1.4, "triangular"))
    t = u.tornado(d, POINT, 0.08)
    assert list(t["input"]) == ["throughput_factor", "life_years", "pue"]
    central = u.run(d, POINT, 0.08, draws=1, seed=0).central["total_usd_per_mtok"]
    row = t.iloc[0]
    # Cost per token is inversely proportional to throughput: at x0.5 it doubles, at x2 it halves.
    assert row.low_value == pytest.approx(2 * central) and row.high_value == pytest.approx(central / 2)
    # Life: swing equals the capex difference between 4- and 6-year annuities (hand formula).
    cap = lambda L: cost.annuity(42_000, 0.1, L) / 8760 / 3.6  # $/M tokens at 3.6M tokens/h
    assert t.iloc[1].swing == pytest.approx(cap(4) - cap(6), rel=1e-9)


def test_tornado_on_electricity_share_ranks_power_inputs():
    d = _fixed_dists(electricity_price_factor=(0.5, 1.0, 1.5, "uniform"), gpu_price_usd=(29_000, 30_000, 31_000, "uniform"))
    t = u.tornado(d, POINT, 0.08, output="electricity_share")
    assert t.iloc[0]["input"] == "electricity_price_factor"


def test_bad_inputs():
    with pytest.raises(ValueError, match="low <= central <= high"):
        u.Distribution("pue", 1.3, 1.2, 1.5, "triangular")
    with pytest.raises(ValueError, match="distribution"):
        u.Distribution("pue", 1.1, 1.2, 1.5, "normalish")
    with pytest.raises(ValueError, match="draws"):
        u.run(_fixed_dists(), POINT, 0.08, draws=0)
    with pytest.raises(ValueError, match="unknown output"):
        u.tornado(_fixed_dists(), POINT, 0.08, output="nope")
    with pytest.raises(ValueError, match="tokens_per_second_per_gpu"):
        u.ServingPoint(0.0, 500.0, 700.0)


def test_table_distributions_cover_every_input():
    d = u.distributions("H100", "US")
    assert set(d) == set(u.INPUT_NAMES)
    assert d["gpu_price_usd"].low < d["gpu_price_usd"].high
    # Region scoping: China's facility cost row, and the western hub falls back to it.
    assert d["facility_usd_per_w"].central == pytest.approx(10.78)
    assert u.distributions("H100", "CN-WEST-HUB")["facility_usd_per_w"].central == pytest.approx(6.12)


def test_chunked_evaluation_equals_one_pass():
    dists = u.distributions("H100", "US")
    a = u.run(dists, POINT, 0.08, draws=5000, seed=4, chunk=5000)
    b = u.run(dists, POINT, 0.08, draws=5000, seed=4, chunk=333)
    for k in u.OUTPUTS:
        np.testing.assert_array_equal(a.samples[k], b.samples[k])


def test_an_uncertain_operating_point_is_drawn_and_interpolated():
    grid = (10.0, 20.0, 40.0)
    pt = u.ServingPoint(1000.0, 600.0, 700.0, interactivity_grid=grid,
                        variants=(((4000.0, 1000.0, 250.0), (650.0, 600.0, 550.0)),), interactivity=(10.0, 20.0, 40.0))
    d = u.draw_operating_points(pt, 20000, seed=1)
    assert d["user_tokens_per_s"].min() >= 10 and d["user_tokens_per_s"].max() <= 40
    # at a drawn speed of exactly a grid point the throughput is the grid's; in between, log-linear
    i = np.argmin(np.abs(d["user_tokens_per_s"] - 20.0))
    assert d["serving_tokens_per_s_per_gpu"][i] == pytest.approx(1000.0, rel=1e-2)
    mid = np.sqrt(10.0 * 20.0)
    j = np.argmin(np.abs(d["user_tokens_per_s"] - mid))
    assert d["serving_tokens_per_s_per_gpu"][j] == pytest.approx(2000.0, rel=1e-2)  # geometric mean of 4000, 1000
    res = u.run(u.distributions("H100", "US"), pt, 0.08, draws=20000, seed=1)
    fixed = u.run(u.distributions("H100", "US"), POINT, 0.08, draws=20000, seed=1)
    w = lambda r: r.estimate("gpu_j_per_token").high / r.estimate("gpu_j_per_token").low  # noqa: E731
    assert w(res) > w(fixed)  # the operating point's uncertainty is inside the interval
    with pytest.raises(ValueError, match="variant"):
        u.ServingPoint(1.0, 1.0, 1.0, interactivity_grid=(1.0, 2.0), variants=(((1.0,), (1.0,)),), interactivity=(1, 1, 2))
