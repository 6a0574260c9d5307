"""The token-cost report's computations (tokenecon.analysis.token_cost_report), checked by hand or a second method."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from tokenecon import data
from tokenecon.analysis import token_cost_report as tc
from tokenecon.estimate import Estimate
from tokenecon.model import serving


def _setup(**kw):
    args = dict(model="deepseek-v3", hardware="H100", country="CN", context=2048, draws=300, seed=3)
    args.update(kw)
    return tc.Setup.from_parameters(**args)


def test_verdict_thresholds():
    assert tc.verdict(Estimate(0.03, 0.05, 0.249, "fraction")) == "No"
    assert tc.verdict(Estimate(0.03, 0.05, 0.25, "fraction")) == "Partly"
    assert tc.verdict(Estimate(0.40, 0.50, 0.70, "fraction")) == "Partly"
    assert tc.verdict(Estimate(0.40, 0.51, 0.70, "fraction")) == "Yes"


def test_not_set_parameters_are_none_and_the_cli_sentinel_still_works():
    s = _setup(pue=None, utilisation=-1.0, life_years=4.0)
    assert s.overrides == {"pue": None, "utilisation": None, "life_years": 4.0}
    assert serving.optional_override("pue", None) is None and serving.optional_override("pue", -1.0) is None
    with pytest.raises(ValueError, match="pue"):
        serving.optional_override("pue", -0.5)
    with pytest.raises(ValueError, match="unknown parameter"):
        _setup(volts=3)


def test_cost_shares_by_hand():
    x = {"capex_usd_per_mtok": np.array([6.0, 8.0]), "electricity_usd_per_mtok": np.array([1.0, 1.0]),
         "other_usd_per_mtok": np.array([3.0, 1.0]), "total_usd_per_mtok": np.array([10.0, 10.0])}
    res = SimpleNamespace(samples=x, estimate=lambda k: Estimate.from_samples(x["electricity_usd_per_mtok"] / x["total_usd_per_mtok"]))
    sh = tc.cost_shares(res)
    assert sh["capex"].central == pytest.approx(0.7)  # median of 0.6 and 0.8
    assert sh["sunk"].central == pytest.approx((0.25 + 0.5) / 2)  # 1/(1+3) and 1/(1+1)
    assert sh["electricity"].central == pytest.approx(0.1)


def test_cheaper_power_effect_equals_minus_cut_times_the_us_electricity_share():
    # Second method: only the electricity line depends on the price, so cutting it by 40% lowers each draw's total by
    # 40% of that draw's electricity share of the US cost.
    s = _setup()
    eff = tc.cheaper_power_effect(s)
    base = s.simulate(s.case("output", country="US", electricity_usd_per_kwh=serving.electricity_price("US")))
    by_share = Estimate.from_samples(-tc.CHEAPER_POWER_CUT * base.samples["electricity_share"])
    assert eff.central == pytest.approx(by_share.central, rel=1e-9)
    assert eff.low == pytest.approx(by_share.low, rel=1e-9) and eff.high == pytest.approx(by_share.high, rel=1e-9)
    with pytest.raises(ValueError, match="cut"):
        tc.cheaper_power_effect(s, cut=1.5)


def test_china_us_gaps_by_hand():
    reg = pd.DataFrame({"region": ["US", "CN"], "price (USD/kWh)": [0.10, 0.08], "total (USD/M)": [1.0, 0.9],
                        "electricity (USD/M)": [0.05, 0.04]})
    g = tc.china_us_gaps(reg)
    assert g["price_gap"] == pytest.approx(-0.2) and g["cost_gap"] == pytest.approx(-0.1)
    assert g["electricity_part"] == pytest.approx(-0.01)


def test_served_model_is_the_same_developers_most_used_model_of_the_week(monkeypatch):
    mix = pd.DataFrame({"model": ["deepseek-v3.2", "deepseek-v3.1", "minimax-m2.5", None],
                        "tokens": [7e11, 1e11, 2.5e12, 1e9]})
    monkeypatch.setattr(tc.electricity, "token_revenue", lambda week: (None, mix))
    assert tc.served_model("deepseek-v3") == "deepseek-v3.2"
    assert tc.served_model("minimax-m2.5") == "minimax-m2.5"
    assert tc.served_model("llama-3.1-70b") is None


def test_cost_stack_margin_uses_the_served_models_price_that_week(monkeypatch):
    monkeypatch.setattr(tc, "served_model", lambda model, week=None: "deepseek-v3.2")
    s = _setup()
    st = tc.cost_stack(s, week="2026-02-16").set_index("tokens")
    # OpenRouter listed DeepSeek-V3.2 at 0.38 USD per million output tokens from 2025-12-21 (model_price_events).
    assert st.loc["output", "list_price"] == pytest.approx(0.38) and st.loc["output", "price_date"] == "2025-12-21"
    assert st.loc["output", "gross_margin"] == pytest.approx(1 - st.loc["output", "total"] / 0.38)
    assert st.loc["output", "total"] == pytest.approx(s.output_result.estimate("total_usd_per_mtok").central)


def test_tornado_shows_the_electricity_price_bar_it_names():
    s = _setup()
    bars, rank = tc.tornado(s.output)
    assert len(bars) >= tc.TORNADO_BARS and rank is not None and rank <= len(bars)
    assert bars.input.iloc[rank - 1] == "electricity_price_factor"
    assert (bars.swing.diff().dropna() <= 0).all()


def test_ratio_error_by_batch_decile_by_hand():
    b = np.arange(1, 21, dtype=float)
    pvm = pd.DataFrame({"hardware": "H100", "batch": b, "measured_j_per_token": 1.0,
                        "predicted_j_per_token": np.where(b <= 2, 2.0, 0.5),
                        "predicted_j_per_token_out_of_sample": 1.0})
    pvm["ratio"] = pvm.predicted_j_per_token
    d = tc.ratio_error_by_batch_decile(pvm)
    assert len(d) == 10 and d.iloc[0]["median ratio error"] == pytest.approx(2.0)  # batches 1-2: 2/1
    assert d.iloc[1]["median ratio error"] == pytest.approx(2.0)  # 0.5 → max(0.5, 2)
    assert (d["leaving the model out"] == 1.0).all() and d.iloc[0]["batches"] == "1-2"


def test_serving_factors_are_read_from_the_calibration_table():
    f = tc.serving_factors()
    assert "busy power" in f["fitted"] and "memory-bandwidth utilisation" in f["tied"]
    assert not set(f["fitted"]) & set(f["tied"])


def test_step_against_latency_and_the_saturation_runs():
    """The step-time check per GPU (median ratio error by hand from the per-run ratios) and the saturation table's
    rows (one per DeepSeek-V3.1 lm-arena run on B200, batch ascending)."""
    from tokenecon.model import calibration as cal

    pvm = tc.serving_ratios()
    lat = tc.step_against_latency(pvm).set_index("GPU")
    b = pvm[pvm.hardware == "B200"]
    r = b.predicted_decode_step_s / b.measured_median_itl_s
    assert lat.loc["B200", "median ratio error"] == pytest.approx(np.median(np.maximum(r, 1 / r)))
    assert lat.loc["B200", "runs"] == len(b) and (lat["median ratio error"] < 1.3).all()
    sat = tc.saturation_runs(pvm)
    assert len(sat) == 11 and sat.batch.is_monotonic_increasing
    last = sat.iloc[-1]
    assert last["measured time per token (ms)"] == pytest.approx(1e3 * 3007.508 / 9021.119, rel=1e-4)
    assert last["time outside decode steps"] == pytest.approx(1 - last["measured median step (ms)"]
                                                              / last["measured time per token (ms)"])
    assert cal.ratio_error(last["model decode step (ms)"], last["measured median step (ms)"]) < 1.1


def test_the_large_batch_gap_is_explained_from_the_run():
    from tokenecon.analysis import energy_frontier as ef

    c = ef.outside_figures_comparison().set_index("figure_id")
    why = c.loc["mlenergy_dsv31_b200_b3072", "why"]
    assert "(170 ms)" in why and "(186 ms)" in why and "44% of the run's time per token (333 ms)" in why


def test_memory_against_runs_by_hand():
    """The memory model against what ML.ENERGY's engine held: Qwen3-235B bf16 on 4 B200 at an average 3,765
    sequences, against the largest batch that fits by hand (4 x 180 GB x 0.9, less the weights and 4 x 2 GB, over
    the KV of one sequence at 200 + 874/2 tokens)."""
    from tokenecon.model import energy as en

    mem = tc.memory_against_runs()
    assert len(mem) == (data.load("energy_measurements").dataset == "mlenergy_v3").sum()
    r = mem[(mem.model == "qwen3-235b-a22b") & (mem.hardware == "B200") & (mem.batch > 3700) & (mem.batch < 3800)]
    assert len(r) == 1
    r = r.iloc[0]
    shape = en.model_shape("qwen3-235b-a22b", "bf16")
    per_seq = shape.kv_bytes_per_token * r["assumed context"]
    fits = int((4 * 180e9 * 0.9 - shape.weight_bytes_total - 4 * 2e9) // per_seq)
    assert r["largest batch that fits"] == fits
    assert r["held over fits"] == pytest.approx(r.batch / fits) and r["held over fits"] > 2
