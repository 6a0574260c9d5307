"""The roofline energy model: hand-computed shapes, MoE expert counts, probe constants, units, bad input."""

from __future__ import annotations

from tokenecon.model import efficiency

import json

import numpy as np
import pytest

from tokenecon.model import energy as en
from tokenecon import paths

PROBE_JSON = paths.raw_dir() / "gpu" / "h200_energy_probe_1.json"

TOY = en.ModelShape(name="toy", matmul_params=1e9, dense_params=1e9, kv_bytes_per_token=1000.0,
                    attn_flop_per_ctx=100.0, precision="bf16")
TOY_HW = en.HardwareEnergy(name="toy", peak_flops_bf16=1e14, peak_flops_fp8=2e14, bandwidth=1e12, hbm_bytes=80e9,
                           tdp_w=1000.0, idle_w=100.0, j_per_flop=1e-12, j_per_byte=1e-10)
TOY_EFF = efficiency.Efficiency(flop_util=0.5, bw_util=0.5, step_overhead_s=0.001)


# --------------------------------------------------------------------------- units

def test_one_kilowatt_for_one_hour_is_3_6_megajoules():
    from tokenecon import units

    assert units.kwh_from_joules(1000.0 * 3600.0) == pytest.approx(1.0)
    assert en.J_PER_KWH == 3.6e6


def test_facility_kwh_per_mtok_by_hand():
    # 3.6 J/token x 1e6 tokens = 3.6 MJ = 1 kWh at the GPU; x (1 + 0.4) x 1.2 = 1.68 kWh at the facility
    assert en.facility_kwh_per_mtok_while_serving(3.6, 0.0, 1.0) == pytest.approx(1.0)
    assert en.facility_kwh_per_mtok_while_serving(3.6, 0.4, 1.2) == pytest.approx(1.68)
    out = en.facility_kwh_per_mtok_while_serving(np.array([3.6, 7.2]), np.array([0.0, 0.5]), np.array([1.0, 2.0]))
    np.testing.assert_allclose(out, [1.0, 6.0])


# --------------------------------------------------------------------------- the roofline by hand

def test_decode_roofline_on_a_small_known_shape():
    r = en.roofline(TOY, TOY_HW, batch=10, context=100, efficiency=TOY_EFF)
    flops = 10 * (2e9 + 100 * 100)  # 2 x params + attention FLOPs per context token x context
    bytes_ = 2e9 + 10 * 1000 * 100  # bf16 weights + KV read
    assert float(r.flops_per_step) == pytest.approx(flops)
    assert float(r.bytes_per_step) == pytest.approx(bytes_)
    assert float(r.compute_time_s) == pytest.approx(flops / (1e14 * 0.5))  # 4.00002e-4 s
    assert float(r.memory_time_s) == pytest.approx(4.002e-3)  # 2.001e9 B / 0.5e12 B/s
    t = 4.002e-3 + 0.001  # memory-bound + overhead
    assert float(r.step_time_s) == pytest.approx(t)
    energy = 100 * t + 1e-12 * flops + 1e-10 * bytes_  # 0.5002 + 0.0200001 + 0.2001
    assert float(r.j_per_token) == pytest.approx(energy / 10)  # 0.07203001 J
    assert float(r.tokens_per_s_per_gpu) == pytest.approx(10 / t)
    # energy identity: J/token x tokens/s = W
    assert float(r.j_per_token * r.tokens_per_s_per_gpu) == pytest.approx(float(r.power_w_per_gpu))


def test_two_gpus_halve_the_time_and_double_the_idle_power():
    r = en.roofline(TOY, TOY_HW, batch=10, context=100, efficiency=TOY_EFF, n_gpus=2)
    t = 2.001e-3 + 0.001
    assert float(r.step_time_s) == pytest.approx(t)
    assert float(r.j_per_token) == pytest.approx((2 * 100 * t + 0.0200001 + 0.2001) / 10)
    assert float(r.tokens_per_s_per_gpu) == pytest.approx(10 / t / 2)


def test_power_cap_stretches_the_step():
    hw = en.HardwareEnergy(**{**TOY_HW.__dict__, "tdp_w": 150.0})  # 50 W of headroom above idle
    r = en.roofline(TOY, hw, batch=10, context=100, efficiency=TOY_EFF)
    dyn = 1e-12 * 10 * (2e9 + 1e4) + 1e-10 * 2.001e9
    assert float(r.step_time_s) == pytest.approx(dyn / 50 + 0.001)


def test_prefill_by_hand():
    r = en.roofline(TOY, TOY_HW, batch=2, context=100, phase="prefill", efficiency=TOY_EFF)
    tokens = 200
    flops = tokens * (2e9 + 100 * 50)  # causal: mean context 50
    bytes_ = 2e9 + tokens * 1000  # weights + KV written
    assert float(r.tokens_per_step) == tokens
    assert float(r.flops_per_step) == pytest.approx(flops)
    assert float(r.bytes_per_step) == pytest.approx(bytes_)
    t = max(flops / 0.5e14, bytes_ / 0.5e12) + 0.001
    assert float(r.j_per_token) == pytest.approx((100 * t + 1e-12 * flops + 1e-10 * bytes_) / tokens)


def test_fp8_runs_at_the_fp8_peak_and_halves_weight_bytes():
    fp8 = en.ModelShape(**{**TOY.__dict__, "precision": "fp8"})
    r = en.roofline(fp8, TOY_HW, batch=10, context=0, efficiency=TOY_EFF)
    assert float(r.bytes_per_step) == pytest.approx(1e9)
    assert float(r.compute_time_s) == pytest.approx(10 * 2e9 / (2e14 * 0.5))


# --------------------------------------------------------------------------- MoE

def test_distinct_experts_closed_form_matches_simulation():
    rng = np.random.default_rng(0)
    e, k = 64, 4
    for tokens in (1, 4, 16, 64):
        trials = 4000
        counts = [len(np.unique(np.concatenate([rng.choice(e, k, replace=False) for _ in range(tokens)])))
                  for _ in range(trials)]
        assert float(en.expected_distinct_experts(e, k, tokens)) == pytest.approx(np.mean(counts), rel=0.02)
    assert float(en.expected_distinct_experts(e, k, 1)) == pytest.approx(k)
    assert float(en.expected_distinct_experts(256, 8, 100000)) == pytest.approx(256)


def test_moe_weight_bytes_use_distinct_experts():
    moe = en.ModelShape(**{**TOY.__dict__, "n_moe_layers": 10, "n_experts": 64, "experts_per_token": 4,
                           "expert_params": 1e7})
    r = en.roofline(moe, TOY_HW, batch=16, context=0, efficiency=TOY_EFF)
    distinct = 64 * (1 - (1 - 4 / 64) ** 16)  # ≈ 41.2 of 64
    assert float(r.bytes_per_step) == pytest.approx(2e9 + 10 * distinct * 1e7 * 2)


# --------------------------------------------------------------------------- probe constants

def test_probe_constants_reproduce_the_probe():
    c = en.probe_constants()
    if PROBE_JSON.exists():
        p = json.loads(PROBE_JSON.read_text())
        assert c["idle_w"] == pytest.approx(p["idle_w"])
        assert c["j_per_flop_total"] == pytest.approx(p["gemm"]["pj_per_flop"] * 1e-12)
        assert c["j_per_byte_total"] == pytest.approx(p["copy"]["pj_per_byte"] * 1e-12)
    # the probe's own definitions: pJ/FLOP = W / FLOP/s, and dynamic = (W - idle) / rate
    assert c["idle_w"] == pytest.approx(79.048, rel=1e-4)
    assert c["j_per_flop_total"] == pytest.approx(689.6441738 / 661.3341530e12, rel=1e-6)  # 1.0428 pJ
    assert c["j_per_flop"] == pytest.approx((689.6441738 - 79.048) / 661.3341530e12, rel=1e-6)  # 0.923 pJ
    assert c["j_per_byte"] == pytest.approx((485.5753774 - 79.048) / 4.302341914e12, rel=1e-6)  # 94.5 pJ


def test_h200_constants_are_measured_and_others_scaled():
    h200 = en.hardware_energy("h200")
    c = en.probe_constants()
    assert h200.idle_w == pytest.approx(c["idle_w"]) and h200.j_per_flop == pytest.approx(c["j_per_flop"])
    b200 = en.hardware_energy("B200")
    # idle ∝ TDP; J/FLOP ∝ TDP/peak
    assert b200.idle_w == pytest.approx(c["idle_w"] * 1000 / 700)
    assert b200.j_per_flop == pytest.approx(c["j_per_flop"] * (1000 / 2250) / (700 / 989))
    assert en.hardware_energy("Ascend 910C").tdp_w == en.ASSUMED_TDP_W["Ascend 910C"]
    # same GH100 silicon: the H20's power cap (400 W) does not make its FLOPs dearer
    h20 = en.hardware_energy("h20")
    assert h20.j_per_flop == pytest.approx(c["j_per_flop"]) and h20.idle_w == pytest.approx(c["idle_w"] * 400 / 700)


def test_proxy_decode_at_batch_one_is_memory_bound_near_2_joules():
    from tokenecon.model import calibration

    probe = efficiency.calibrated("H200", regime="probe")
    r = en.token_energy("llama-3-8b-proxy", "H200", batch=1, context=0, n_gpus=1, efficiency=probe)
    # 13.96 GB of bf16 weights read per token
    assert float(r.bytes_per_step) == pytest.approx(2 * 6979321856)
    assert float(r.memory_time_s) > float(r.compute_time_s)
    # the probe measured 2.14 J/token at batch 1 (SOURCES.md: "~2.1 J/token")
    assert float(r.j_per_token) == pytest.approx(2.1438, rel=0.25)
    # at batch 2048 it meets the compute roofline: 2 x 6.98e9 FLOP x ~1 pJ/FLOP ≈ 0.0146 J
    big = en.token_energy("llama-3-8b-proxy", "H200", batch=2048, context=0, n_gpus=1, efficiency=probe)
    assert float(big.compute_time_s) > float(big.memory_time_s)
    assert float(big.j_per_token) == pytest.approx(0.0135, rel=0.25)


# --------------------------------------------------------------------------- behaviour, vectors, names

def test_vectorised_equals_loop():
    batches = np.array([1, 8, 64, 512])
    utils = np.array([0.2, 0.3, 0.4, 0.5])
    vec = en.joules_per_token("minimax-m2.5", "H100", batch=batches, context=2000, flop_util=utils)
    loop = [float(en.joules_per_token("minimax-m2.5", "H100", batch=b, context=2000, flop_util=u))
            for b, u in zip(batches, utils)]
    np.testing.assert_allclose(vec, loop)
    n = 100_000
    rng = np.random.default_rng(1)
    out = en.joules_per_token("deepseek-v3.2", "H800", batch=rng.uniform(1, 512, n), context=4000,
                              idle_w=rng.uniform(60, 100, n), bw_util=rng.uniform(0.5, 0.9, n))
    assert out.shape == (n,) and np.isfinite(out).all()


def test_energy_per_token_falls_with_batch_and_rises_with_context():
    j = en.joules_per_token("llama-3.1-70b", "H100", batch=np.array([1, 8, 64, 512]), context=1000)
    assert np.all(np.diff(j) < 0)
    c = en.joules_per_token("llama-3.1-70b", "H100", batch=64, context=np.array([0, 4000, 32000]))
    assert np.all(np.diff(c) > 0)


def test_tokens_per_second_is_consistent_with_energy_and_power():
    kw = dict(batch=128, context=2000)
    r = en.token_energy("glm-5", "B200", **kw)
    assert float(en.tokens_per_second_per_gpu("glm-5", "b200", **kw)) == pytest.approx(float(r.tokens_per_s_per_gpu))
    assert float(r.j_per_token * r.tokens_per_s_per_gpu) == pytest.approx(float(r.power_w_per_gpu))
    assert float(r.power_w_per_gpu) <= en.hardware_energy("B200").tdp_w + 1e-6


def test_phase_aliases():
    a = en.joules_per_token("qwen3-30b-a3b", "H100", batch=4, context=1000, phase="input")
    b = en.joules_per_token("qwen3-30b-a3b", "H100", batch=4, context=1000, phase="prefill")
    assert float(a) == float(b)
    cached = en.joules_per_token("qwen3-30b-a3b", "H100", batch=1, context=1000, phase="cached_input")
    assert float(cached) < float(b)


@pytest.mark.parametrize("kw, name", [
    (dict(batch=0, context=10), "batch"),
    (dict(batch=4, context=-1), "context"),
    (dict(batch=4, context=0, phase="prefill"), "context"),
    (dict(batch=4, context=10, phase="train"), "phase"),
    (dict(batch=4, context=10, flop_util=1.5), "flop_util"),
    (dict(batch=4, context=10, n_gpus=0), "n_gpus"),
    (dict(batch=4, context=10, precision="fp4"), "precision"),
])
def test_bad_input_names_the_parameter(kw, name):
    with pytest.raises(ValueError, match=name):
        en.joules_per_token("llama-3.1-8b", "H100", **kw)


def test_facility_bad_input():
    with pytest.raises(ValueError, match="pue"):
        en.facility_kwh_per_mtok_while_serving(1.0, 0.3, 0.9)
    with pytest.raises(ValueError, match="server_overhead"):
        en.facility_kwh_per_mtok_while_serving(1.0, -0.1, 1.2)
    with pytest.raises(ValueError, match="j_per_token_gpu"):
        en.facility_kwh_per_mtok_while_serving(-1.0, 0.3, 1.2)


def test_names_are_case_insensitive_and_unknown_names_list_known_ones():
    assert en.hardware_energy("h200") == en.hardware_energy("H200") == en.hardware_energy("H200 SXM")
    assert en.model_shape("MiniMax-M2.5") == en.model_shape("minimax-m2.5")
    with pytest.raises(ValueError, match="known: .*H100"):
        en.hardware_energy("TPU v9")
    with pytest.raises(ValueError, match="known: .*minimax-m2.5"):
        en.model_shape("no-such-model")
    with pytest.raises(ValueError, match="no public architecture"):
        en.model_shape("claude-family")
