"""Outside energy figures beside the package's: the table's conversions by hand, ML.ENERGY rows against the
measurements table, explanations where the two differ by more than 2x, and DeepSeek's decode throughput."""

from __future__ import annotations

import numpy as np
import pytest

from tokenecon import data
from tokenecon.analysis import energy_frontier as ef


@pytest.fixture(scope="module")
def comparison():
    return ef.outside_figures_comparison()


def test_conversions_to_joules_per_token_by_hand():
    f = data.load("energy_outside_figures").set_index("figure_id")
    assert f.loc["epoch_gpt4o_query", "j_per_token"] == pytest.approx(0.30 * 3600 / 500)
    for band, gwh in (("low", 3.2), ("mid", 10.2), ("high", 29.7)):
        assert f.loc[f"llm_carbon_index_{band}", "j_per_token"] == pytest.approx(gwh * 3.6e12 / 6.78e12, rel=0.01)
    assert f.loc["inferencex_r1_b200", "j_per_token"] == pytest.approx(1e6 / 2.70e6, rel=0.01)
    assert f.loc["google_gemini_prompt_accelerator", "value"] == pytest.approx(0.24 * 0.58, rel=0.01)
    assert set(f["label"]) <= {"measured", "disclosed", "estimated", "derived"}


def test_mlenergy_rows_repeat_the_measurements():
    f = data.load("energy_outside_figures")
    m = data.load("energy_measurements").set_index("measurement_id")
    rows = f[f["measurement_id"].notna()]
    assert len(rows) >= 5 and (rows["label"] == "measured").all()
    for _, r in rows.iterrows():
        meas = m.loc[r["measurement_id"]]
        assert r["value"] == pytest.approx(meas["j_per_token"], rel=5e-3)
        assert r["batch"] == pytest.approx(meas["batch"], abs=1.0)
        assert r["n_gpus"] == meas["num_gpus"] and r["hardware"] == meas["hardware"]


def test_every_large_difference_is_explained(comparison):
    assert len(comparison) == len(data.load("energy_outside_figures"))
    big = comparison[comparison["ratio"].notna() & (np.maximum(comparison["ratio"], 1 / comparison["ratio"]) > 2)]
    assert len(big) >= 1
    assert (big["why"].str.len() > 20).all() and not (big["why"] == "not yet explained").any()
    small = comparison[comparison["ratio"].notna() & (np.maximum(comparison["ratio"], 1 / comparison["ratio"]) <= 2)]
    assert (small["why"] == "").all()


def test_mlenergy_comparisons_are_the_calibrated_predictions(comparison):
    from tokenecon.model import calibration as cal

    pvm = cal.predicted_vs_measured(out_of_sample=False).set_index("measurement_id")
    rows = comparison[comparison["label"] == "measured"]
    f = data.load("energy_outside_figures").set_index("figure_id")
    for _, r in rows.iterrows():
        mid = f.loc[r["figure_id"], "measurement_id"]
        assert r["package_j_per_token"] == pytest.approx(pvm.loc[mid, "predicted_j_per_token"], rel=1e-9)


def test_per_query_figures_are_compared_per_query(comparison):
    c = comparison.set_index("figure_id")
    e = c.loc["epoch_gpt4o_query"]
    assert e["package_value"] == pytest.approx(e["package_j_per_token"] * 500 / 3600)
    assert e["ratio"] == pytest.approx(e["package_value"] / 0.30)


def test_deepseek_decode_throughput_reproduced_within_1_25x():
    f = ef.deepseek_decode_node_tokens_per_s()
    ratio = f.extra["ratio"]
    assert 1 / 1.25 <= ratio <= 1.25
    assert f.value.low <= f.value.central <= f.value.high


def test_chip_table_says_how_far_each_chip_was_checked():
    t = ef.chip_constants_table().set_index("hardware")
    assert t.loc["H100", "measurements"] == "155 ML.ENERGY runs" or "ML.ENERGY runs" in t.loc["H100", "measurements"]
    assert "probe points" in t.loc["H200", "measurements"]
    assert t.loc["Ascend 910C", "measurements"].startswith("none")
    assert "DeepSeek" in t.loc["H800", "measurements"]
    assert "never probed" in t.loc["H100", "probe_factors"] and "never measured serving" in t.loc["H20", "serving_factors"]
