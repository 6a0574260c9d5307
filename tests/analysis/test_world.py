"""World scale (tokenecon.analysis.world): each route by hand, the envelope, units, refusals, the report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tokenecon import units
from tokenecon.analysis import factcheck, findings, world
from tokenecon.estimate import SCENARIOS, Estimate

N = 500


def _const(x):
    return {"m": np.full(N, float(x))}


# --------------------------------------------------------------------------- each route by hand


def test_volume_route_by_hand():
    # 1e12 tokens/day x 10% abroad = 1e11 = 1e5 Mtok/day; x 0.05 kWh/Mtok = 5,000 kWh = 5 MWh/day; 40% in China
    r = world.volume_route(Estimate.point(1e12), (0.1, 0.1), _const(0.05), (0.4, 0.4), draws=N)
    assert r.tokens_per_day.central == pytest.approx(1e11)
    assert r.mwh_per_day["total"].central == pytest.approx(5.0)
    assert r.mwh_per_day["in_china"].central == pytest.approx(2.0)
    assert r.mwh_per_day["abroad"].central == pytest.approx(3.0)
    assert r.twh_per_year["total"].central == pytest.approx(5.0 * 365 / 1e6)


def test_revenue_route_by_hand():
    # $36.5M a year x 50% abroad / $1 per Mtok = 18.25M Mtok a year = 5e10 tokens a day; x 0.1 kWh/Mtok = 5 MWh/day
    r = world.revenue_route(36.5e6, (0.5, 0.5), (1.0, 1.0), _const(0.1), (0.0, 0.0), draws=N)
    assert r.tokens_per_day.central == pytest.approx(5e10)
    assert r.mwh_per_day["total"].central == pytest.approx(5.0)
    assert r.mwh_per_day["in_china"].central == pytest.approx(0.0)
    assert r.mwh_per_day["abroad"].central == pytest.approx(5.0)


def test_openrouter_route_by_hand():
    # 70 MWh a week on a router with 1% of the world's tokens: 70 / 7 / 0.01 = 1,000 MWh a day, 25% in China;
    # 7e12 tokens a week -> 1e14 a day at world scale, so 1e6 kWh / 1e8 Mtok = 0.01 kWh per Mtok
    r = world.openrouter_route(Estimate.point(70.0), Estimate.point(7e12), Estimate.point(0.25), (0.01, 0.01), draws=N)
    assert r.mwh_per_day["total"].central == pytest.approx(1000.0)
    assert r.mwh_per_day["in_china"].central == pytest.approx(250.0)
    assert r.tokens_per_day.central == pytest.approx(1e14)
    assert r.kwh_per_mtok.central == pytest.approx(0.01)


def test_route_draws_stay_inside_the_corners_and_are_seeded():
    kwh = {"a": np.full(N, 0.02), "b": np.full(N, 0.08)}
    r = world.volume_route(Estimate(1e12, 2e12, 3e12, kind="bounds"), (0.01, 0.1), kwh, (0.2, 0.6), draws=N, seed=3)
    d = r.mwh_per_day["in_china"].draws
    lo = 1e12 * 0.01 / 1e6 * 0.02 / 1e3 * 0.2
    hi = 3e12 * 0.1 / 1e6 * 0.08 / 1e3 * 0.6
    assert d.min() >= lo * (1 - 1e-9) and d.max() <= hi * (1 + 1e-9)
    again = world.volume_route(Estimate(1e12, 2e12, 3e12, kind="bounds"), (0.01, 0.1), kwh, (0.2, 0.6), draws=N, seed=3)
    assert np.array_equal(d, again.mwh_per_day["in_china"].draws)
    assert r.twh_per_year["in_china"].kind == "monte_carlo"


def test_twh_per_year_recomputed_from_mwh_per_day_with_units():
    r = world.volume_route(Estimate(1e12, 2e12, 3e12, kind="bounds"), (0.01, 0.1), _const(0.05), (0.2, 0.6), draws=N)
    for part in world.PARTS:
        mwh, twh = r.mwh_per_day[part], r.twh_per_year[part]
        for a, b in ((mwh.low, twh.low), (mwh.central, twh.central), (mwh.high, twh.high)):
            assert b == pytest.approx(units.twh_per_year_from_mwh_per_day(a), rel=1e-12)


# --------------------------------------------------------------------------- inputs from the tables


def _volumes(rows):
    df = pd.DataFrame(rows, columns=["entity", "group", "as_of", "tokens", "period", "flag"])
    df["as_of"] = pd.to_datetime(df["as_of"])
    return df


def test_year_average_between_log_linear_and_linear_interpolation():
    v = _volumes([("China", "china_wide", "2025-01-01", 1e12, "day", "s"), ("China", "china_wide", "2025-12-31", 3e12, "day", "s")])
    est = world.year_average_tokens_per_day(v, 2025)
    k = np.arange(365)
    assert est.high == pytest.approx(2e12)  # linear: the mean of 1 and 3 trillion
    assert est.low == pytest.approx(float(np.mean(1e12 * 3.0 ** (k / 364))))
    with pytest.raises(ValueError, match="year"):
        world.year_average_tokens_per_day(v, 2026)


def test_openrouter_world_share_by_hand():
    v = _volumes([
        ("OpenRouter", "openrouter", "2026-05-10", 7e12, "week", "s"),  # 1e12 a day
        ("Google (all surfaces)", "western_provider", "2026-05-19", 365e12, "month", "p"),  # 12e12 a day
        ("Google (direct API)", "western_provider", "2026-05-19", 2.5e12 / 1440, "minute", "p"),  # 2.5e12 a day
        ("OpenAI API", "western_provider", "2026-03-31", 5e12, "day", "s"),
        ("Microsoft Foundry", "western_provider", "2025-03-31", 1.5e12, "day", "p"),
        ("China", "china_wide", "2026-03-24", 80.5e12, "day", "s"),
    ])
    s = world.openrouter_world_share(v)
    assert s.share[0] == pytest.approx(1 / (12 + 5 + 1.5 + 1 + 80.5))
    assert s.share[1] == pytest.approx(1 / (2.5 + 5 + 1.5 + 1))


def test_deepseek_split_is_the_disclosed_day():
    s = world.deepseek_split()
    assert s["output"] == pytest.approx(168 / 776)
    assert s["cached_input"] == pytest.approx(608 * 0.563 / 776)
    assert sum(s.values()) == pytest.approx(1.0)


# --------------------------------------------------------------------------- the whole computation


@pytest.fixture(scope="module")
def w():
    return world.compute(route_weights={"volume": 1, "revenue": 1, "openrouter": 1}, draws=1000)


def test_envelope_contains_each_route(w):
    assert w.envelope["in_china"].kind == SCENARIOS
    for part in world.PARTS:
        env = w.envelope[part]
        for r in w.routes.values():
            t = r.twh_per_year[part]
            assert env.low <= t.low and t.high <= env.high, (part, r.name)


def test_envelope_leaves_out_a_zero_weight_route(w):
    env = world.envelope(w.routes, {"volume": 1, "revenue": 0, "openrouter": 1})
    rev = w.routes["revenue"].twh_per_year["in_china"]
    others = [w.routes[k].twh_per_year["in_china"] for k in ("volume", "openrouter")]
    assert env.low == min(e.low for e in others) and env.high == max(e.high for e in others)
    assert env.low > rev.low
    central = np.exp(np.mean([np.log(e.central) for e in others]))
    assert env.central == pytest.approx(central)


def test_volume_route_rests_on_the_serving_model(w):
    from tokenecon.model import serving

    split = world.deepseek_split()
    m = world.WORLD_MODELS[0]
    by_hand = sum(f * serving.energy_kwh_per_mtok(m, phase=ph, draws=1000).central for ph, f in split.items())
    per_model = world.mix_kwh_draws([m], split, "reference", draws=1000, seed=0)[m]
    # the blend of draws and the blend of medians agree within the draws' spread (comonotone draws)
    assert float(np.median(per_model)) == pytest.approx(by_hand, rel=0.05)
    kwh = w.routes["volume"].kwh_per_mtok
    assert kwh.low > 0 and kwh.low < kwh.central < kwh.high


def test_fact_check_inputs():
    fc = world.fact_check_inputs(draws=1000)
    vast, ess = fc["vast_export"], fc["essentially_electricity"]
    w0 = world.compute(draws=1000)
    assert vast.value == w0.envelope["in_china"]
    assert vast.comparator.central > 10  # China's Bitcoin mining in 2020 is tens of TWh
    assert vast.ratio.central == pytest.approx(vast.value.central / vast.comparator.central)
    rs = world.revenue_at_scale(w0)
    from tokenecon.model import serving

    assert ess.value.central == pytest.approx(serving.electricity_price("CN") / rs.token_usd_per_kwh.central)


def test_findings_registered():
    f = findings.get("world_token_twh_in_china", draws=1000)
    assert f.value == world.compute(draws=1000).envelope["in_china"]
    assert f.unit == "TWh per year" and "world" in f.scope.words()
    assert set(findings.keys()) >= {"world_token_twh_in_china", "world_token_twh_abroad", "world_token_in_china_vs_bitcoin_2020"}


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("kwargs, name", [
    ({"foreign_share_range": [0.1, 1.5]}, "foreign_share_range"),
    ({"foreign_share_range": [-0.1, 0.5]}, "foreign_share_range"),
    ({"foreign_share_range": [0.5, 0.1]}, "foreign_share_range"),
    ({"year": 2030}, "year"),
    ({"year": 2026}, "year"),
    ({"energy_scenario": "nope"}, "energy_scenario"),
    ({"route_weights": {"volume": 1, "guess": 1}}, "route_weights"),
    ({"route_weights": {"volume": -1}}, "route_weights"),
])
def test_bad_inputs_refused_naming_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        world.compute(**kwargs, draws=200)


def test_route_functions_refuse_bad_shares():
    with pytest.raises(ValueError, match="china_computed_range"):
        world.volume_route(Estimate.point(1e12), (0.1, 0.2), _const(0.05), (0.2, 1.2), draws=N)
    with pytest.raises(ValueError, match="openrouter_world_share"):
        world.openrouter_route(Estimate.point(1.0), Estimate.point(1.0), Estimate.point(0.2), (0.0, 0.01), draws=N)


# --------------------------------------------------------------------------- the report


@pytest.mark.slow
def test_report_runs(run_report):
    html = run_report("token_exports_world").read_text(encoding="utf-8")
    for heading in (world.SECTION_ANSWER, world.SECTION_ROUTES, world.SECTION_COMPARE):
        assert f'id="{heading.replace(" ", "-")}"' in html
    assert "TWh" in html and "Takeaway" in html
