"""The economics tables: values traced to the raw files and to research/energy.md, ranges consistent."""

import numpy as np
import pandas as pd
import pytest

from tokenecon import data, paths

RAW = paths.raw_dir() / "energy"


def _price(region, year):
    df = data.load("electricity_prices")
    row = df[(df.region == region) & (df.year == year)]
    assert len(row) == 1, f"no row for {region} {year}"
    return row.iloc[0]


def test_required_regions_present_with_sources():
    df = data.load("electricity_prices")
    for region in ["CN", "US", "SG", "KZ", "CA", "DE", "JP", "IN", "CN-WEST-HUB"]:
        assert region in set(df.region), region
    assert df.source.str.len().min() > 10


@pytest.mark.needs_raw
def test_us_prices_equal_eia_cents_over_100():
    eia = pd.read_csv(RAW / "eia_industrial_electricity_price_by_state_2001_2024.csv")
    us24 = eia[(eia.stateid == "US") & (eia.period == 2024)].price.item()
    va23 = eia[(eia.stateid == "VA") & (eia.period == 2023)].price.item()
    assert _price("US", 2024).industrial_usd_per_kwh == pytest.approx(us24 / 100)
    assert _price("US-VA", 2023).industrial_usd_per_kwh == pytest.approx(va23 / 100)
    # research/energy.md §1e quotes 0.0813 (2024) and 0.0892 (Virginia 2023).
    assert _price("US", 2024).industrial_usd_per_kwh == pytest.approx(0.0813)
    assert _price("US-VA", 2023).industrial_usd_per_kwh == pytest.approx(0.0892)


def test_china_and_west_hub_against_research_notes():
    cn = _price("CN", 2024)
    assert cn.industrial_usd_per_kwh == pytest.approx(0.079)
    hub = _price("CN-WEST-HUB", 2025)
    us_ft = _price("US", 2025)
    # research/energy.md §0: subsidised hub 0.056 vs FT's US 0.091 is about -38%.
    assert hub.industrial_usd_per_kwh / us_ft.industrial_usd_per_kwh - 1 == pytest.approx(-0.385, abs=0.005)
    # China industrial vs US industrial 2024: only ~3% lower.
    assert cn.industrial_usd_per_kwh / _price("US", 2024).industrial_usd_per_kwh - 1 == pytest.approx(-0.028, abs=0.002)


def test_grid_carbon_values_from_ember():
    df = data.load("grid_carbon")
    em = df[df.dataset == "ember"].set_index("country").carbon_intensity_g_per_kwh
    # research/energy.md §1f: China 557.5, US 383.6, World 472.9 (Ember 2024).
    assert em["CN"] == pytest.approx(557.5)
    assert em["US"] == pytest.approx(383.55)
    assert em["WORLD"] == pytest.approx(472.94)
    # China's grid ~45% more carbon-intensive than the US grid.
    assert em["CN"] / em["US"] - 1 == pytest.approx(0.45, abs=0.01)


def test_uncertain_inputs_ranges_are_consistent():
    df = data.load("uncertain_inputs")
    assert (df.low <= df.central).all() and (df.central <= df.high).all()
    uni = df[df.distribution == "uniform"]
    assert np.allclose(uni.central, (uni.low + uni.high) / 2)
    logn = df[df.distribution == "lognormal"]
    assert (logn.low > 0).all()
    needed = {"gpu_price_usd", "server_multiplier", "life_years", "cost_of_capital", "utilisation", "pue",
              "server_overhead", "electricity_price_factor", "facility_usd_per_w", "throughput_factor"}
    assert needed <= set(df.name)
    # GPU prices per accelerator come from the hardware table (uniform low..high).
    from tokenecon.model import montecarlo as uncertainty

    hw = data.load("hardware").set_index("hardware")
    for name in ["H100", "H20", "Ascend 910B", "Ascend 910C"]:
        d = uncertainty.distributions(name.lower(), "CN")["gpu_price_usd"]
        assert (d.low, d.high) == (hw.loc[name, "price_usd_low"], hw.loc[name, "price_usd_high"]), name


def test_facility_and_anchor_figures():
    fac = data.load("facility").set_index(["region", "setting", "parameter"]).value
    assert fac[("US", "dcci", "construction_usd_per_w")] == pytest.approx(10.78)
    assert fac[("CN", "dcci", "construction_usd_per_w")] == pytest.approx(6.12)
    anc = data.load("cost_anchors").set_index("anchor").value
    # The disclosure is self-consistent: 226.75 nodes * 8 GPUs * 24 h * $2 = $87,072.
    assert anc["deepseek_nodes"] * 8 * 24 * anc["deepseek_rental_rate"] == pytest.approx(anc["deepseek_cost_per_day"])
    assert anc["deepseek_gpus"] == pytest.approx(anc["deepseek_nodes"] * 8)
