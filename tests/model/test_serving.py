"""The serving facade: contract, consistency with cost/energy modules, DeepSeek cross-check arithmetic."""

import numpy as np
import pytest

from tokenecon.model import cost
from tokenecon.model import energy
from tokenecon.model import serving
from tokenecon.estimate import Estimate


def test_contract_surface():
    assert "reference" in serving.SCENARIOS and "small-batch" in serving.SCENARIOS
    e = serving.energy_kwh_per_mtok("minimax-m2.5", draws=300)
    assert isinstance(e, Estimate) and 0 < e.low <= e.central <= e.high
    c = serving.cost_usd_per_mtok("minimax-m2.5", draws=300)
    assert set(c) == {"total", "capex", "electricity", "other", "electricity_share"}
    assert 0 < c["electricity_share"].central < 1


def test_reproducible_with_seed():
    a = serving.cost_usd_per_mtok("deepseek-v3", draws=400, seed=5)["total"]
    b = serving.cost_usd_per_mtok("deepseek-v3", draws=400, seed=5)["total"]
    assert a == b


def test_energy_matches_energy_module_at_central_inputs():
    # Full utilisation, no idle hours: facility kWh/M = GPU J/token x (1 + overhead) x PUE / 3.6.
    case = serving.build_case("llama-3.1-70b", phase="output", country="US", utilisation=1.0, pue=1.3)
    res = serving.simulate(case, draws=200, seed=0)
    gpu_j = float(energy.joules_per_token("llama-3.1-70b", "H100", batch=case.batch, context=case.context,
                                          phase="decode", n_gpus=case.n_gpus))
    overhead = case.dists["server_overhead"].central
    expected = float(energy.facility_kwh_per_mtok_while_serving(gpu_j, overhead, 1.3))
    assert res.central["gpu_j_per_token"] == pytest.approx(gpu_j)
    assert res.central["facility_kwh_per_mtok"] == pytest.approx(expected)


def test_cost_stack_matches_cost_module_by_hand():
    case = serving.build_case("llama-3.1-70b", phase="output", country="US", utilisation=1.0, pue=1.3,
                              gpu_price_usd=30_000, life_years=5)
    d = {k: v.central for k, v in case.dists.items()}
    res = serving.simulate(case, draws=10, seed=0)
    p = case.point
    kw = p.gpu_power_w * (1 + d["server_overhead"]) / 1000
    gh = cost.usd_per_gpu_hour(gpu_price_usd=30_000, server_multiplier=d["server_multiplier"], life_years=5,
                               cost_of_capital=d["cost_of_capital"], pue=1.3, electricity_usd_per_kwh=0.0813,
                               facility_usd_per_w=d["facility_usd_per_w"], facility_life_years=d["facility_life_years"],
                               it_kw=kw, provisioned_it_kw=p.tdp_w * (1 + d["server_overhead"]) / 1000,
                               other_opex_usd_per_gpu_hour=d["other_opex_usd_per_gpu_hour"])
    per = cost.usd_per_mtok(gh, p.tokens_per_second_per_gpu * 3600)
    assert res.central["total_usd_per_mtok"] == pytest.approx(per["total"])
    assert res.central["electricity_share"] == pytest.approx(per["electricity_share"])


def test_cheaper_power_moves_cost_by_share_times_change():
    # Δc/c = s_e · Δp/p, draw by draw (same seed): a second method for the 40%-cheaper question.
    base = serving.build_case("deepseek-v3", country="US", electricity_usd_per_kwh=0.0813)
    cheap = serving.build_case("deepseek-v3", country="US", electricity_usd_per_kwh=0.0813 * 0.6)
    a = serving.simulate(base, draws=500, seed=1).samples
    b = serving.simulate(cheap, draws=500, seed=1).samples
    rel = b["total_usd_per_mtok"] / a["total_usd_per_mtok"] - 1
    assert np.allclose(rel, -0.4 * a["electricity_share"])


def test_model_for_slug():
    assert serving.model_for_slug("minimax/minimax-m2.5-20260211") == "minimax-m2.5"
    assert serving.model_for_slug("minimax/minimax-m2.5") == "minimax-m2.5"
    assert serving.model_for_slug("deepseek/deepseek-v3.2:free") == "deepseek-v3.2"
    assert serving.model_for_slug("openai/gpt-5.1-20251113") is None
    assert serving.model_for_slug("nobody/unknown-model") is None


def test_list_price():
    assert serving.list_price_usd_per_mtok("MiniMax-M2.5", "output") == pytest.approx(1.2)
    with pytest.raises(ValueError, match="known"):
        serving.list_price_usd_per_mtok("minimax-m2.5", "thinking")


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        (dict(model="no-such-model"), "known"),
        (dict(model="deepseek-v3", scenario="cheap"), "reference"),
        (dict(model="deepseek-v3", phase="thinking"), "output"),
        (dict(model="deepseek-v3", country="XX"), "CN-WEST-HUB"),
    ],
)
def test_unknown_names_list_known(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        serving.cost_usd_per_mtok(draws=50, **kwargs)


def test_deepseek_cross_check_disclosed_column():
    df = serving.deepseek_cross_check(draws=300).set_index("quantity")
    d = df["disclosed"]
    assert d["Cost per M output tokens, all cost on output, $2/GPU-hour rental"] == pytest.approx(87_072 / 168_000)
    assert d["GPU-hours for the day's tokens, GPUs fully busy"] == pytest.approx(226.75 * 8 * 24)
    # 10.2 kW per node / 8 x 1.3 PUE x 43,536 GPU-h / 168,000 M output tokens.
    assert d["Facility energy per M output tokens, all energy on output"] == pytest.approx(10.2 / 8 * 1.3 * 43_536 / 168_000)
    assert (df.model_low <= df.model_median).all() and (df.model_median <= df.model_high).all()
    # Rental-basis model cost = model GPU-hours x $2 / 168,000 M: consistent columns.
    gh = df.loc["GPU-hours for the day's tokens at the drawn utilisation", "model_median"]
    assert df.loc["Cost per M output tokens, all cost on output, $2/GPU-hour rental", "model_median"] == pytest.approx(gh * 2 / 168_000, rel=1e-9)


def test_optional_override_sentinel():
    assert serving.optional_override("pue", -1.0) is None
    assert serving.optional_override("pue", 1.2) == 1.2
    assert serving.optional_override("electricity_usd_per_kwh", 0.0) == 0.0
    with pytest.raises(ValueError, match="electricity_usd_per_kwh"):
        serving.optional_override("electricity_usd_per_kwh", -0.5)
    with pytest.raises(ValueError, match="pue"):
        serving.build_case("deepseek-v3", pue=0.9)


def test_every_modellable_model_in_the_table_evaluates():
    # What the token-share and bitcoin reports rely on: every model with a public architecture gives numbers.
    from tokenecon import data

    m = data.load("models")
    ok = m[m.model_class.isin(["dense", "moe"]) & m.active_matmul_params_b.notna() & m.serving_precision.notna()]
    for key in ok.model:
        e = serving.energy_kwh_per_mtok(key, draws=100)
        assert 0 < e.central < 100, key
        slug = ok.loc[ok.model == key, "openrouter_slug"].iloc[0]
        if isinstance(slug, str):
            for one in slug.split("|"):
                assert serving.model_for_slug(one + "-20260101") == key


def test_model_without_serving_precision_is_not_modellable():
    # kimi-k2.6 has a public architecture but no known serving precision (the models source says its
    # official release format was not checked): no bytes-per-weight is guessed for it.
    from tokenecon import data
    from tokenecon.model import energy

    row = data.load("models").set_index("model").loc["kimi-k2.6"]
    assert row.model_class == "moe" and row.active_matmul_params_b > 0
    assert energy.serving_precision(row.rename(None).to_dict() | {"model": "kimi-k2.6"}) is None
    assert serving.model_for_slug("moonshotai/kimi-k2.6-20260420") is None
    assert serving.model_for_slug("moonshotai/kimi-k2.5-20260127") == "kimi-k2.5"
    for call in (lambda: serving.energy_kwh_per_mtok("kimi-k2.6", draws=10),
                 lambda: serving.cost_usd_per_mtok("kimi-k2.6", draws=10),
                 lambda: serving.build_case("kimi-k2.6", phase="input")):
        with pytest.raises(ValueError, match="kimi-k2.6.*serving_precision"):
            call()
    # An explicit precision is the caller's stated assumption and is honoured: int4 weights of the same
    # shape as kimi-k2.5 give exactly kimi-k2.5's energy.
    a = serving.build_case("kimi-k2.6", precision="int4")
    b = serving.build_case("kimi-k2.5")
    assert a.precision == "int4" and a.point.tokens_per_second_per_gpu == pytest.approx(b.point.tokens_per_second_per_gpu, rel=1e-12)


def test_grid_carbon_intensity_spans_the_datasets():
    import csv

    from tokenecon.paths import DATA_DIR

    with open(DATA_DIR / "grid_carbon.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["country"] == "CN"]
    latest = {}
    for r in rows:
        if r["dataset"] not in latest or int(r["year"]) > int(latest[r["dataset"]]["year"]):
            latest[r["dataset"]] = r
    vals = sorted(float(r["carbon_intensity_g_per_kwh"]) for r in latest.values())
    ci = serving.grid_carbon_intensity("cn")
    assert (ci.low, ci.high) == (vals[0], vals[-1])
    assert ci.low == 557.5  # Ember 2024, research/energy.md §1f
    assert serving.grid_carbon_intensity("CN-WEST-HUB") == ci  # no provincial figures: the hubs use China's grid
    with pytest.raises(ValueError, match="country"):
        serving.grid_carbon_intensity("XX")


def test_carbon_by_hand():
    from tokenecon.estimate import Estimate

    # research/energy.md §3: 0.34 kWh per million tokens gives 190 g in China (Ember 557.5) and 130 g in the US (383.6).
    cn = serving.carbon_samples([0.34], Estimate(557.5, 557.5, 557.5))
    us = serving.carbon_samples([0.34], Estimate(383.6, 383.6, 383.6))
    assert cn[0] == pytest.approx(189.55) and round(cn[0], -1) == 190
    assert us[0] == pytest.approx(130.424) and round(us[0], -1) == 130
    # With a spread, every draw lies between kWh x low and kWh x high.
    kwh = np.full(1000, 2.0)
    g = serving.carbon_samples(kwh, Estimate(100.0, 150.0, 200.0), seed=3)
    assert g.min() >= 200.0 and g.max() <= 400.0 and 280 < g.mean() < 320


def test_carbon_g_per_mtok_is_energy_times_intensity():
    e = serving.energy_kwh_per_mtok("deepseek-v3", draws=4000)
    for country in ("CN", "US"):
        ci = serving.grid_carbon_intensity(country)
        c = serving.carbon_g_per_mtok("deepseek-v3", country=country, draws=4000)
        assert c.unit == serving.CARBON_UNIT
        assert e.central * ci.low * 0.97 <= c.central <= e.central * ci.high * 1.03
        assert e.low * ci.low * 0.97 <= c.low and c.high <= e.high * ci.high * 1.03
    # Same energy (energy does not depend on the price region), so China/US is the grid ratio.
    ratio = serving.carbon_g_per_mtok("deepseek-v3", country="CN", draws=4000).central / serving.carbon_g_per_mtok("deepseek-v3", country="US", draws=4000).central
    cn, us = serving.grid_carbon_intensity("CN"), serving.grid_carbon_intensity("US")
    assert cn.low / us.high * 0.97 <= ratio <= cn.high / us.low * 1.03


# --------------------------------------------------------------------------- operating point (issue: real traffic)

def test_reference_case_serves_the_largest_feasible_batch_at_21_tokens_per_s_per_user():
    from tokenecon.model import energy as en
    from tokenecon.model.efficiency import calibrated

    c = serving.build_case("deepseek-v3", phase="output", hardware="H800")
    assert c.user_tokens_per_s == 21.0 and c.point.uncertain and c.point.interactivity == serving.USER_TOKENS_PER_S
    shape, hw = en.model_shape("deepseek-v3"), en.hardware_energy("H800")
    op = en.latency_operating_point(shape, hw, user_tokens_per_s=21.0, context=2048, n_gpus=c.n_gpus,
                                    efficiency=calibrated("H800"), data_parallel=c.data_parallel)
    assert c.batch == op.batch and c.point.tokens_per_second_per_gpu == pytest.approx(float(op.result.tokens_per_s_per_gpu))
    assert en.memory_fit(shape, hw, n_gpus=c.n_gpus, batch=c.batch, context=2048, data_parallel=c.data_parallel).fits
    # either one attention replica or one per GPU, whichever serves more tokens per GPU at that speed
    other = 1 if c.data_parallel == c.n_gpus else c.n_gpus
    try:
        alt = en.latency_operating_point(shape, hw, user_tokens_per_s=21.0, context=2048, n_gpus=c.n_gpus,
                                         efficiency=calibrated("H800"), data_parallel=other)
        assert float(alt.result.tokens_per_s_per_gpu) <= c.point.tokens_per_second_per_gpu
    except en.EnergyInputError:
        pass


def test_a_fixed_batch_that_does_not_fit_is_refused():
    with pytest.raises(ValueError, match=r"^batch: .*largest feasible batch is"):
        serving.build_case("deepseek-v3", phase="output", hardware="H100", batch=100_000)
    with pytest.raises(ValueError, match=r"^n_gpus: "):
        serving.build_case("deepseek-v3", phase="output", hardware="H100", n_gpus=1, batch=8)
    with pytest.raises(ValueError, match=r"^batch, user_tokens_per_s"):
        serving.build_case("deepseek-v3", phase="output", batch=64, user_tokens_per_s=21)


def test_the_small_batch_scenario_is_capped_by_memory():
    c = serving.build_case("llama-3.1-70b", phase="output", scenario="small-batch", n_gpus=2)
    assert c.batch == c.max_memory_batch < 16 and c.limited_by == "memory"


def test_interactivity_frontier_falls_with_speed():
    f = serving.interactivity_frontier("llama-3.1-8b", "H100", user_tokens_per_s=[10, 30, 60, 120])
    assert list(f["user_tokens_per_s"]) == [10, 30, 60, 120]
    assert f["gpu_j_per_token"].is_monotonic_increasing and f["batch"].is_monotonic_decreasing


# --------------------------------------------------------------------------- DeepSeek's deployment as a scenario

def test_deepseek_deployment_serves_prefill_and_decode_on_their_own_instances():
    from tokenecon.model import energy as en
    from tokenecon.model.efficiency import calibrated


    out = serving.build_case("deepseek-v3", phase="output", scenario="deepseek-deployment")
    inp = serving.build_case("deepseek-v3", phase="input", scenario="deepseek-deployment")
    assert (out.hardware, out.n_gpus, out.data_parallel, out.context) == ("H800", 144, 144, 4989)
    assert (inp.n_gpus, inp.context) == (32, 2048)
    assert inp.batch == 32 and "batch 32," in inp.describe()  # the prompts per step it is priced at
    # one 2,048-token prompt per GPU per step
    assert inp.point.tokens_per_second_per_gpu == pytest.approx(float(en.tokens_per_second_per_gpu(
        "deepseek-v3", "H800", batch=32, context=2048, phase="prefill", n_gpus=32)))
    # second path: the operating point called directly with DeepSeek's disclosed decode deployment
    shape, hw = en.model_shape("deepseek-v3"), en.hardware_energy("H800")
    op = en.latency_operating_point(shape, hw, user_tokens_per_s=21.0, context=4989, n_gpus=144,
                                    efficiency=calibrated("H800"), data_parallel=144)
    assert out.batch == op.batch
    assert out.point.tokens_per_second_per_gpu == pytest.approx(float(op.result.tokens_per_s_per_gpu))
    repro = serving.deepseek_decode_reproduction().set_index("user_tokens_per_s")
    assert 8 * out.point.tokens_per_second_per_gpu == pytest.approx(repro.loc[21.0, "node_tokens_per_s"])
    # prefill across 4 nodes: each of 32 x 2,048 tokens goes once to every other node holding one of its 8 of
    # 256 experts (3 x (1 - (192/256)(191/255)...(185/249)) of them), 7,168 x 3 bytes in each of 58 MoE layers,
    # over 32 x 50 GB/s - overlapped with compute, so the step is the longest of the roofline, power and network
    # times, plus the fixed, per-MoE-layer and per-prompt times
    remote = 3 * (1 - np.prod([(192 - i) / (256 - i) for i in range(8)]))
    net = 32 * 2048 * 58 * remote * 7168 * 3 / (32 * 50e9)
    e = calibrated("H800")
    r = en.roofline(shape, hw, batch=32, context=2048, phase="prefill", n_gpus=32, efficiency=e)
    assert float(r.network_time_s) == pytest.approx(net)
    longest = max(float(r.compute_time_s), float(r.memory_time_s), float(r.power_time_s), net)
    step = longest + e.step_overhead_s + 58 * e.moe_layer_overhead_s + 32 * e.seq_overhead_s
    assert inp.point.tokens_per_second_per_gpu == pytest.approx(32 * 2048 / step / 32)
    # 32 H800 run 65,536 prompt tokens a step near their 700 W: the power cap, not the network, sets the pace
    assert inp.bound == "power" and float(r.power_time_s) > net > float(r.compute_time_s)


def test_deepseek_deployment_refuses_a_dense_model_and_yields_to_explicit_gpus():
    with pytest.raises(ValueError, match="scenario: 'deepseek-deployment' .* dense model"):
        serving.build_case("llama-3.1-8b", phase="output", scenario="deepseek-deployment")
    c = serving.build_case("deepseek-v3", phase="output", scenario="deepseek-deployment", n_gpus=16)
    assert c.n_gpus == 16 and c.data_parallel in (1, 16)  # the better of one replica and one per GPU, as elsewhere
    assert "separate instances" in serving.SCENARIOS["deepseek-deployment"]
    assert "between 18 and 25" in serving.SCENARIOS["reference"]  # the description quotes the drawn band


def test_deepseek_cross_check_uses_the_deployment_by_default():
    df = serving.deepseek_cross_check(draws=300).set_index("quantity")
    assert "decode on 144 GPUs (144 attention replicas) over a 4,989-token KV" in df.loc[
        "Decode throughput per 8-GPU node", "basis"]
    assert "32-GPU instances" in df.loc["Prefill throughput per 8-GPU node, cache hits included", "basis"]
    ref = serving.deepseek_cross_check(draws=300, scenario="reference").set_index("quantity")
    assert "decode on 16 GPUs" in ref.loc["Decode throughput per 8-GPU node", "basis"]


def test_every_limit_has_words():
    """Each limit bound_of can return has its words; the power limit names the board's TDP."""
    from tokenecon.model import energy as en

    assert set(en.BOUND_WORDS) == {"compute", "memory", "power", "network", "overhead"}
    c = serving.build_case("deepseek-v3", phase="output")
    assert c.bound_words().startswith(c.bound + "-bound")
    assert "700 W limit" in en.BOUND_WORDS["power"].format(tdp=700.0)
