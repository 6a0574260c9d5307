"""Memory feasibility, the latency-target operating point, per-sequence saturation, multi-token prediction,
cross-node expert all-to-all and the probe regime on a chip never probed — by hand and against measurements."""

from __future__ import annotations

import numpy as np
import pytest

from tokenecon import data
from tokenecon.model import efficiency
from tokenecon.model import energy as en

TOY = en.ModelShape(name="toy", matmul_params=1e9, dense_params=1e9, kv_bytes_per_token=1000.0,
                    attn_flop_per_ctx=100.0, precision="bf16")
TOY_HW = en.HardwareEnergy(name="toy", peak_flops_bf16=1e14, peak_flops_fp8=2e14, bandwidth=1e12, hbm_bytes=80e9,
                           tdp_w=1000.0, idle_w=100.0, j_per_flop=1e-12, j_per_byte=1e-10)
TOY_EFF = efficiency.Efficiency(flop_util=0.5, bw_util=0.5, step_overhead_s=0.001)


# --------------------------------------------------------------------------- memory by hand

def test_a_70b_bf16_model_is_refused_on_one_80gb_gpu_and_fits_on_two_at_a_stated_batch():
    shape, h100 = en.model_shape("llama-3.1-70b"), en.hardware_energy("H100")
    w = shape.weight_bytes_total  # 70.6B params x 2 bytes ~ 139 GB
    assert 135e9 < w < 145e9
    with pytest.raises(en.EnergyInputError, match=r"^n_gpus: .*cannot hold the weights.*--n-gpus 2"):
        en.check_memory(shape, h100, n_gpus=1, batch=1, context=2048)
    # two GPUs: 2 x 80 GB x 0.9 = 144 GB usable, minus the weights and 2 x 2 GB reserve, over the KV of one
    # 2,048-token sequence (80 layers x 8 KV heads x 128 x 2 (K,V) x 2 bytes = 327,680 B per token)
    per_seq = 80 * 8 * 128 * 2 * 2 * 2048
    assert float(en.kv_cache_bytes_per_sequence(shape, 2048)) == pytest.approx(per_seq)
    by_hand = int((2 * 80e9 * 0.9 - w - 2 * 2e9) // per_seq)
    assert en.max_feasible_batch(shape, h100, n_gpus=2, context=2048) == by_hand >= 1
    assert en.check_memory(shape, h100, n_gpus=2, batch=by_hand, context=2048).fits
    with pytest.raises(en.EnergyInputError, match=rf"^batch: .*largest feasible batch is {by_hand} "):
        en.check_memory(shape, h100, n_gpus=2, batch=by_hand + 1, context=2048)
    # the default GPU count is feasible
    n = en.default_n_gpus(shape, h100, batch=64, context=2048)
    assert en.memory_fit(shape, h100, n_gpus=n, batch=64, context=2048).fits and n == 4


def test_an_impossible_context_is_refused_with_the_context_named():
    shape, h100 = en.model_shape("deepseek-v3"), en.hardware_energy("H100")
    with pytest.raises(en.EnergyInputError, match=r"^context: one sequence of 1,000,000,000 tokens"):
        en.check_memory(shape, h100, n_gpus=16, batch=10**7, context=10**9)


def test_data_parallel_attention_replicates_the_dense_weights():
    shape = en.model_shape("deepseek-v3")
    extra = en.instance_weight_bytes(shape, 8) - en.instance_weight_bytes(shape, 1)
    assert extra == pytest.approx(7 * shape.dense_params * 1.0)  # fp8: one byte per weight


# --------------------------------------------------------------------------- latency target

def test_latency_target_search_on_a_small_known_shape():
    # per step: compute 2.00001e9 b / 0.5e14 = 4.00002e-5 b s; memory (2e9 + 1e5 b) / 0.5e12 = 0.004 + 2e-7 b s;
    # plus 0.001 s overhead. 100 tokens/s per user needs a step <= 0.01 s: compute-bound from b ~ 101, so
    # b <= 0.009 / 4.00002e-5 = 224.99 -> 224 (memory would allow 680,000).
    op = en.latency_operating_point(TOY, TOY_HW, user_tokens_per_s=100.0, context=100, n_gpus=1, efficiency=TOY_EFF)
    t = lambda b: max(b * 2.00001e9 / 0.5e14, (2e9 + b * 1e5) / 0.5e12) + 0.001  # noqa: E731
    assert t(224) <= 0.01 < t(225)
    assert op.batch == 224 and op.limited_by == "latency" and op.max_memory_batch == 680_000
    assert op.user_tokens_per_s == pytest.approx(1 / t(224))
    assert float(op.result.step_time_s) == pytest.approx(t(224))


def test_bracket_search_finds_the_same_batch_as_an_exhaustive_scan():
    # thresholds spread over the whole range, including the ends and the dense/geometric switch (4,096)
    import numpy as np

    calls = []
    for cap in (1, 2, 7, 4097, 4098, 10**5, 10**7):
        for last in sorted({1, 2, cap // 3, cap // 2, cap - 1, cap, 4096, 4097, 4098} & set(range(1, cap + 1))):
            def meets(b, last=last):
                calls.append(len(np.atleast_1d(b)))
                return np.asarray(b) <= last
            assert en._largest_meeting(meets, 1, cap) == last, (cap, last)
            for hint in (1, last, last + 3, max(1, last - 5000), cap):  # a hint changes the work, never the answer
                assert en._largest_meeting(meets, 1, cap, hint=hint) == last, (cap, last, hint)
    assert max(calls) <= 4097  # never more than one dense bracket (or window) at a time


def test_latency_target_refusals_name_the_parameter():
    with pytest.raises(en.EnergyInputError, match=r"^user_tokens_per_s: expected a number > 0"):
        en.latency_operating_point(TOY, TOY_HW, user_tokens_per_s=0.0, context=100, n_gpus=1, efficiency=TOY_EFF)
    with pytest.raises(en.EnergyInputError, match=r"^user_tokens_per_s: expected a number > 0"):
        en.latency_operating_point(TOY, TOY_HW, user_tokens_per_s=-5.0, context=100, n_gpus=1, efficiency=TOY_EFF)
    # batch one: step 0.005 + 2e-7 s -> ~199.99 tokens/s per user at most
    with pytest.raises(en.EnergyInputError, match=r"^user_tokens_per_s: 300 is above what a batch of one reaches \(200"):
        en.latency_operating_point(TOY, TOY_HW, user_tokens_per_s=300.0, context=100, n_gpus=1, efficiency=TOY_EFF)


def test_memory_caps_the_operating_point_when_the_target_is_slow():
    # 100,000-token contexts: 1e8 bytes of KV each, (72e9 - 2e9 - 2e9) / 1e8 = 680 fit; at 680 the step takes
    # max(0.027, 0.14) + 0.001 s, far faster than 0.5 tokens/s per user, so memory decides
    op = en.latency_operating_point(TOY, TOY_HW, user_tokens_per_s=0.5, context=100_000, n_gpus=1, efficiency=TOY_EFF)
    assert op.limited_by == "memory" and op.batch == 680 == op.max_memory_batch
    assert op.user_tokens_per_s == pytest.approx(1 / ((2e9 + 680 * 1e8) / 0.5e12 + 0.001))


def test_frontier_trades_energy_for_interactivity():
    pts = en.interactivity_frontier(TOY, TOY_HW, user_tokens_per_s=[20.0, 50.0, 100.0, 190.0], context=100,
                                    n_gpus=1, efficiency=TOY_EFF)
    j = [float(p.result.j_per_token) for p in pts]
    assert len(pts) == 4 and all(a < b for a, b in zip(j, j[1:]))  # faster per user -> more J per token


# --------------------------------------------------------------------------- saturation and extensions

def test_per_sequence_time_saturates_throughput():
    eff = efficiency.Efficiency(flop_util=0.5, bw_util=0.5, step_overhead_s=0.001, seq_overhead_s=1e-5)
    tps = [float(en.roofline(TOY, TOY_HW, batch=b, context=100, efficiency=eff).tokens_per_s_per_gpu)
           for b in (10, 10_000, 1_000_000)]
    assert tps[2] < 1 / 1e-5  # never above one sequence-step per seq_overhead_s
    r = en.roofline(TOY, TOY_HW, batch=10_000, context=100, efficiency=eff)
    assert float(r.step_time_s) == pytest.approx(max(float(r.compute_time_s), float(r.memory_time_s)) + 0.001 + 0.1)
    # data-parallel replicas each schedule their own sequences: half the per-sequence time with two
    r2 = en.roofline(TOY, TOY_HW, batch=10_000, context=100, efficiency=eff, n_gpus=2, data_parallel=2)
    assert float(r2.step_time_s) - max(float(r2.compute_time_s), float(r2.memory_time_s)) == pytest.approx(0.001 + 0.05)


def test_multi_token_prediction_computes_two_tokens_and_keeps_one_plus_acceptance():
    r0 = en.roofline(TOY, TOY_HW, batch=10, context=100, efficiency=TOY_EFF)
    r1 = en.roofline(TOY, TOY_HW, batch=10, context=100, efficiency=TOY_EFF, mtp_acceptance=0.8)
    assert float(r1.tokens_per_step) == pytest.approx(18.0)
    assert float(r1.flops_per_step) == pytest.approx(2 * float(r0.flops_per_step))
    assert float(r1.bytes_per_step) == pytest.approx(float(r0.bytes_per_step))  # weights and KV read once
    with pytest.raises(en.EnergyInputError, match="mtp_acceptance"):
        en.roofline(TOY, TOY_HW, batch=10, context=100, efficiency=TOY_EFF, mtp_acceptance=1.5)


def test_cross_node_all_to_all_by_hand():
    shape = en.model_shape("deepseek-v3")
    assert en.network_time_s(shape, "H800", n_gpus=8, computed_tokens=1000) == 0.0  # one NVLink node
    t = float(en.network_time_s(shape, "H800", n_gpus=16, computed_tokens=1000))
    # two nodes: a token's 8 of 256 experts all miss the other node's 128 with probability
    # (128/256)(127/255)...(121/249); otherwise one transfer of 7,168 x 3 bytes per MoE layer (58), over 16 x 50 GB/s
    miss = np.prod([(128 - i) / (256 - i) for i in range(8)])
    assert t == pytest.approx(1000 * 58 * (1 - miss) * 7168 * 3 / (16 * 50e9))
    assert en.network_time_s(shape, "GB200", n_gpus=72, computed_tokens=1000) == 0.0  # NVL72 rack


def test_remote_nodes_per_token_against_a_simulation():
    """The expected number of other nodes a token's experts sit on, against drawing the experts (second method)."""
    rng = np.random.default_rng(5)
    for e, k, nodes in ((256, 8, 18), (256, 8, 4), (128, 8, 2), (384, 8, 16)):
        picks = np.stack([rng.choice(e, size=k, replace=False) for _ in range(20_000)]) // (e // nodes)
        home = rng.integers(0, nodes, size=len(picks))  # the token's own node
        touched = np.array([len(set(p) - {h}) for p, h in zip(picks, home)])
        assert en.remote_nodes_per_token(e, k, nodes) == pytest.approx(touched.mean(), rel=0.01), (e, k, nodes)
    assert en.remote_nodes_per_token(256, 8, 1) == 0.0


def test_stored_fit_matches_deepseek_v31_on_8xb200_across_batch():
    """The saturation term: across batch 8 to ~3,000 the stored serving fit stays within 2.3x of ML.ENERGY's
    DeepSeek-V3.1 runs (without it the model was 3-4x too low at batch ~3,000), median within 1.25x. Honest
    bound: past batch 1,000 the model is still 1.7-2.2x too low in J/token for this model (its per-sequence time
    is about twice the other nine models' pooled value); at the reference speed, 18-25 tokens/s per user
    (batches 128 and 256), it is 15-25% low."""
    from tokenecon.model import calibration as cal

    meas = data.load("energy_measurements")
    g = meas[(meas.dataset == "mlenergy_v3") & (meas.model == "deepseek-v3.1") & (meas.hardware == "B200")]
    g = g.reset_index(drop=True)
    w = cal.prepare(g, data.load("models"), data.load("hardware"), data.load("gpu_energy_probe"))
    j, tps = cal.predict(w, efficiency.calibrated("B200"), throughput=True)
    big = g.batch.to_numpy() > 1000
    assert big.sum() >= 3
    assert np.all(cal.ratio_error(j, g.j_per_token) < 2.3)
    assert np.median(cal.ratio_error(j, g.j_per_token)) < 1.25
    per_user = g.tokens_per_s.to_numpy() / g.batch.to_numpy()
    band = (per_user >= 18) & (per_user <= 25)
    assert band.sum() == 2 and np.all(np.abs(j[band] / g.j_per_token.to_numpy()[band] - 1) < 0.3)
    assert np.all(cal.ratio_error(tps[big], g.tokens_per_s[big]) < 2.0)  # was 2.9-4.5x before the term
    # throughput saturates: from batch ~2,000 to ~3,000 the model gains under 25% (measured: -3%)
    order = np.argsort(g.batch.to_numpy())
    assert tps[order][-1] / tps[order][-2] < 1.25


# --------------------------------------------------------------------------- chips never measured

def test_probe_regime_on_a_synthetic_chip_uses_the_chips_own_constants():
    probe = efficiency.calibrated("H200", regime="probe")
    assert efficiency.calibrated("H100", regime="probe") == probe  # the same factors on any chip
    fast = en.HardwareEnergy(name="synthetic", peak_flops_bf16=2e15, peak_flops_fp8=4e15, bandwidth=9.6e12,
                             hbm_bytes=200e9, tdp_w=1200.0, idle_w=150.0, j_per_flop=3e-13, j_per_byte=2e-11)
    shape = en.model_shape("llama-3.1-8b")
    r = en.roofline(shape, fast, batch=1, context=0, efficiency=probe)
    # batch one is memory-bound: the weights over the chip's own bandwidth x the probe's bw_util
    assert float(r.memory_time_s) == pytest.approx(float(r.bytes_per_step) / (9.6e12 * probe.bw_util))
    assert float(r.step_time_s) == pytest.approx(float(r.memory_time_s) + probe.step_overhead_s)
    assert "never probed" in efficiency.calibration_basis("H100", "probe")
    assert "never measured serving" in efficiency.calibration_basis("H800")


def test_what_limits_a_step_by_hand():
    # batch 10: memory 4.002 ms > compute 0.4 ms, overhead 1 ms -> memory-bound
    assert en.bound_of(en.roofline(TOY, TOY_HW, batch=10, context=100, efficiency=TOY_EFF), TOY_HW.tdp_w) == "memory"
    # batch 1,000: compute 40 ms > memory 4.2 ms
    assert en.bound_of(en.roofline(TOY, TOY_HW, batch=1000, context=100, efficiency=TOY_EFF), TOY_HW.tdp_w) == "compute"
    # a per-sequence time of 1 ms: 1,000 sequences add 1 s, more than either roofline term
    slow = efficiency.Efficiency(flop_util=0.5, bw_util=0.5, step_overhead_s=0.001, seq_overhead_s=1e-3)
    assert en.bound_of(en.roofline(TOY, TOY_HW, batch=1000, context=100, efficiency=slow), TOY_HW.tdp_w) == "overhead"


@pytest.mark.parametrize("model,hardware,n,u", [("deepseek-v3", "B200", 8, 20.0), ("deepseek-v3", "H100", 16, 50.0),
                                                ("qwen3-235b-a22b", "H100", 8, 30.0)])
def test_operating_point_matches_a_scalar_bisection_on_real_shapes(model, hardware, n, u):
    """The vectorised search against a plain bisection of scalar step times (the second method)."""
    from tokenecon.model.efficiency import calibrated

    shape, hw, eff = en.model_shape(model), en.hardware_energy(hardware), calibrated(hardware)
    op = en.latency_operating_point(shape, hw, user_tokens_per_s=u, context=2048, n_gpus=n, efficiency=eff)

    def speed(b):
        return 1.0 / float(en.roofline(shape, hw, batch=b, context=2048, n_gpus=n, efficiency=eff).step_time_s)

    lo, hi = 1, op.max_memory_batch
    if speed(hi) >= u:
        lo = hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if speed(mid) >= u else (lo, mid)
    assert op.batch == lo and speed(lo) >= u
    assert lo == op.max_memory_batch or speed(lo + 1) < u


@pytest.mark.parametrize("model,hardware,n,u", [("deepseek-v3", "H100", 16, 21.0), ("qwen3-235b-a22b", "B200", 8, 20.0),
                                                ("llama-3.1-70b", "H100", 2, 30.0)])
def test_operating_points_across_fits_match_one_search_per_fit(model, hardware, n, u):
    """All bootstrap refits evaluated together give each refit's own operating point."""
    from tokenecon.model.efficiency import bootstrap_factors

    shape, hw = en.model_shape(model), en.hardware_energy(hardware)
    fits = bootstrap_factors(hardware)
    assert len(fits) >= 10
    tps, pw = en.operating_points_across_fits(shape, hw, user_tokens_per_s=u, context=2048, n_gpus=n, efficiencies=fits)
    for i, e in enumerate(fits):
        one = en.latency_operating_point(shape, hw, user_tokens_per_s=u, context=2048, n_gpus=n, efficiency=e).result
        assert tps[i] == pytest.approx(float(one.tokens_per_s_per_gpu), rel=1e-12)
        assert pw[i] == pytest.approx(float(one.power_w_per_gpu), rel=1e-12)
    # a hint far from every answer, and a target no batch meets, take the per-fit route and say why
    far, _ = en.operating_points_across_fits(shape, hw, user_tokens_per_s=u, context=2048, n_gpus=n, efficiencies=fits,
                                             batch_hint=10**6)
    assert far == pytest.approx(tps, rel=1e-12)
    with pytest.raises(en.EnergyInputError, match="user_tokens_per_s"):
        en.operating_points_across_fits(shape, hw, user_tokens_per_s=1e5, context=2048, n_gpus=n, efficiencies=fits)


@pytest.mark.parametrize("model,hardware,n", [("deepseek-v3", "H100", 16), ("minimax-m2.5", "H100", 4)])
def test_operating_points_across_speeds_match_one_search_per_speed(model, hardware, n):
    import numpy as np

    from tokenecon.model.efficiency import calibrated

    shape, hw, eff = en.model_shape(model), en.hardware_energy(hardware), calibrated(hardware)
    grid = np.geomspace(15, 30, 7)
    b, tps, pw = en.operating_points_across_speeds(shape, hw, user_tokens_per_s=grid, context=2048, n_gpus=n,
                                                   efficiency=eff, batch_hint=7)
    for i, g in enumerate(grid):
        one = en.latency_operating_point(shape, hw, user_tokens_per_s=float(g), context=2048, n_gpus=n, efficiency=eff)
        assert b[i] == one.batch
        assert tps[i] == pytest.approx(float(one.result.tokens_per_s_per_gpu), rel=1e-12)
        assert pw[i] == pytest.approx(float(one.result.power_w_per_gpu), rel=1e-12)
    with pytest.raises(en.EnergyInputError, match="user_tokens_per_s"):
        en.operating_points_across_speeds(shape, hw, user_tokens_per_s=[20.0, 0.0], context=2048, n_gpus=n, efficiency=eff)
