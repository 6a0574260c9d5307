"""GPU energy per token from a roofline model, with constants measured on an H200.

One model *instance* runs on ``n_gpus`` GPUs (tensor/expert parallel; ``data_parallel`` replicas of the
dense part). A step advances ``batch`` sequences by one token (decode), or runs ``batch`` prompts of
``context`` tokens (prefill). For a step:

* FLOPs = tokens × (2 × active matmul parameters + attention FLOPs over the context);
* bytes = weights read (dense part, plus for MoE the expected number of *distinct* experts touched by the
  step's tokens, :func:`expected_distinct_experts`) + KV cache read (decode) or written (prefill);
* time = max(FLOPs / (n·peak·flop_util), bytes / (n·bandwidth·bw_util), dynamic energy / (n·(TDP − idle)))
  + step_overhead_s — the third term is the power cap: a GPU cannot draw more than its TDP;
* energy = n·(idle_w + busy_power_w)·time + flop_energy_factor·j_per_flop·FLOPs
  + byte_energy_factor·j_per_byte·bytes.

Energy constants (:func:`hardware_energy`) are measured on an H200 (``gpu_energy_probe`` table) and
scaled to other chips under stated assumptions. The efficiency factors (:class:`Efficiency`) are fitted
by :mod:`tokenecon.model.calibration` and stored in the ``energy_calibration`` table. Everything numeric is
numpy-vectorised: ``batch``, ``context`` and every efficiency/energy override may be arrays (broadcast
together), e.g. 100,000 Monte Carlo draws.

Facility energy: :func:`facility_kwh_per_mtok_while_serving` multiplies GPU joules by a server overhead (host CPU, DRAM,
network) and the facility PUE.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from tokenecon.model.efficiency import ASSUMED_TDP_W, PRIOR_EFFICIENCY, Efficiency, calibrated

from tokenecon.units import J_PER_KWH, PHASE_ALIASES, PHASES, check_number  # noqa: F401  (one value each, in units)

#: Bytes per weight by serving precision. mxfp4: 4-bit values + one 8-bit scale per 32 → 4.25 bits.
#: int4 (Kimi-K2.5 W4A16, group 32, fp16 scale) → 4.5 bits. Non-expert weights of int4/mxfp4 checkpoints are
#: bf16 in reality; the package applies one width to all weights (a <5% effect on those models' bytes).
WEIGHT_BYTES = {"bf16": 2.0, "fp8": 1.0, "int4": 4.5 / 8, "mxfp4": 4.25 / 8}

#: Which peak throughput a precision runs at: fp8 weights run fp8 tensor cores where the chip has them;
#: int4/mxfp4 weights are dequantised to bf16 (W4A16) on Hopper-class parts, so they run at the bf16 peak.
COMPUTE_PEAK = {"bf16": "bf16", "fp8": "fp8", "int4": "bf16", "mxfp4": "bf16"}



#: Chips built on the same GH100 die and TSMC 4N process as the probed H200 (NVIDIA Hopper
#: architecture whitepaper; the H800 and H20 are export variants with NVLink, clocks and enabled
#: units cut). Energy per FLOP is a property of the silicon, so they take the H200's measured J/FLOP;
#: scaling by TDP/peak would charge the H20's power cap (400 W for 15% of the compute) to every FLOP.
SAME_SILICON_AS_H200 = frozenset({"H100", "H800", "H20"})

def default_server_overhead() -> float:
    """Host CPU, DRAM and network energy as a fraction of GPU energy when none is given: the central value of
    ``uncertain_inputs``' ``server_overhead`` (0.43 there: Google's Gemini serving measurement, accelerators 58% and
    host 25% of the energy, Elsworth et al. arXiv:2508.15734; SemiAnalysis's 8×H100 node, 8.0 kW IT for 5.6 kW of
    GPUs). The Monte Carlo draws it over that row's range; this is its one central value."""
    from tokenecon import data

    u = data.load("uncertain_inputs")
    row = u[(u["name"] == "server_overhead") & (u["scope"] == "all")]
    if len(row) != 1:
        raise ValueError("uncertain_inputs: expected one 'server_overhead' row with scope 'all'")
    return float(row["central"].iloc[0])

#: Fraction of the GPUs' HBM that weights may fill when choosing the default number of GPUs (the rest is KV
#: cache and activations).
WEIGHT_MEMORY_SHARE = 0.7


class EnergyInputError(ValueError):
    """A bad argument to the energy model; the message names the parameter."""


# --------------------------------------------------------------------------- inputs

@dataclass(frozen=True)
class ModelShape:
    """What the roofline needs to know about a model (all counts per token of one sequence)."""

    name: str
    matmul_params: float  # active parameters excluding the input embedding: 2x = matmul FLOPs per token
    dense_params: float  # weights read every step whatever the routing (attention, dense FFN, shared experts, LM head)
    n_moe_layers: float = 0.0
    n_experts: float = 0.0
    experts_per_token: float = 0.0
    expert_params: float = 0.0  # one routed expert in one layer
    kv_bytes_per_token: float = 0.0  # full-attention KV per context token (native cache dtype)
    kv_extra_bytes_per_token: float = 0.0  # DSA indexer keys per context token
    attn_flop_per_ctx: float = 0.0  # attention FLOPs per token per context token, full layers
    attention_topk: float = np.inf  # DSA: context tokens attended per layer
    indexer_flop_per_ctx: float = 0.0
    swa_window: float = 0.0
    swa_kv_bytes_per_token: float = 0.0
    swa_attn_flop_per_ctx: float = 0.0
    precision: str = "bf16"
    d_model: float = 0.0  # hidden size: the bytes of one token's activation sent to an expert

    @property
    def is_moe(self) -> bool:
        return self.n_experts > 0

    @property
    def weight_bytes_total(self) -> float:
        return (self.dense_params + self.n_moe_layers * self.n_experts * self.expert_params) * WEIGHT_BYTES[self.precision]


@dataclass(frozen=True)
class HardwareEnergy:
    """Peak rates and energy constants of one accelerator; ``basis`` says how the constants were obtained."""

    name: str
    peak_flops_bf16: float  # FLOP/s, dense
    peak_flops_fp8: float  # FLOP/s, dense (= bf16 peak when the chip has no FP8)
    bandwidth: float  # HBM bytes/s
    hbm_bytes: float
    tdp_w: float
    idle_w: float
    j_per_flop: float  # dynamic (above idle) energy per bf16 FLOP
    j_per_byte: float  # dynamic energy per HBM byte moved
    basis: str = ""

    def peak_flops(self, precision: str) -> float:
        return self.peak_flops_fp8 if COMPUTE_PEAK[precision] == "fp8" else self.peak_flops_bf16




# --------------------------------------------------------------------------- lookups (lazy I/O)

def _nan0(v) -> float:
    v = float(v) if v is not None else float("nan")
    return 0.0 if np.isnan(v) else v


def serving_precision(r) -> str | None:
    """The ``serving_precision`` of a ``models`` row, or None when the table does not know it."""
    v = r["serving_precision"]
    if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() in ("", "<NA>", "nan"):
        return None
    return str(v)


def modellable(r) -> bool:
    """Whether a ``models`` row has everything the energy model needs without an assumption: a public
    architecture (dense or MoE with active matmul parameters) and a known serving precision."""
    return (r["model_class"] in ("dense", "moe") and not np.isnan(r["active_matmul_params_b"])
            and serving_precision(r) is not None)


def shape_from_row(r, precision: str | None = None) -> ModelShape:
    """A :class:`ModelShape` from one ``models`` row (a mapping); ``precision`` overrides its serving precision."""
    if r["model_class"] not in ("dense", "moe") or np.isnan(r["active_matmul_params_b"]):
        raise EnergyInputError(
            f"model: {r['model']!r} has no public architecture (model_class {r['model_class']!r}); "
            "its energy cannot be modelled")
    prec = precision or serving_precision(r)
    if prec is None:
        raise EnergyInputError(
            f"model: {r['model']!r} has no serving_precision in the models table (the format its weights are "
            "served in is not public), so its bytes per weight are unknown; pass precision= (--precision on the command line) "
            f"(one of {sorted(WEIGHT_BYTES)}) to model it under an explicit assumption")
    if prec not in WEIGHT_BYTES:
        raise EnergyInputError(f"precision: {prec!r} is not one of {sorted(WEIGHT_BYTES)}")
    moe = r["model_class"] == "moe"
    routed = _nan0(r["n_moe_layers"]) * _nan0(r["n_experts"]) * _nan0(r["expert_params_m"]) * 1e6 if moe else 0.0
    total = r["total_params_b"] * 1e9
    dense = total - _nan0(r["embedding_params_b"]) * 1e9 - routed
    topk = r["attention_topk_tokens"]
    return ModelShape(
        name=r["model"],
        matmul_params=r["active_matmul_params_b"] * 1e9,
        dense_params=dense,
        n_moe_layers=_nan0(r["n_moe_layers"]) if moe else 0.0,
        n_experts=_nan0(r["n_experts"]) if moe else 0.0,
        experts_per_token=_nan0(r["experts_per_token"]) if moe else 0.0,
        expert_params=_nan0(r["expert_params_m"]) * 1e6 if moe else 0.0,
        kv_bytes_per_token=_nan0(r["kv_bytes_per_token"]),
        kv_extra_bytes_per_token=_nan0(r["kv_extra_bytes_per_token"]),
        attn_flop_per_ctx=_nan0(r["attn_flop_per_ctx_token"]),
        attention_topk=float(topk) if not np.isnan(topk) else np.inf,
        indexer_flop_per_ctx=_nan0(r["indexer_flop_per_ctx_token"]),
        swa_window=_nan0(r["sliding_window_tokens"]),
        swa_kv_bytes_per_token=_nan0(r["swa_kv_bytes_per_token"]),
        swa_attn_flop_per_ctx=_nan0(r["swa_attn_flop_per_ctx_token"]),
        precision=prec,
        d_model=_nan0(r["d_model"]) if "d_model" in r else 0.0,
    )


@lru_cache(maxsize=None)
def model_shape(name: str, precision: str | None = None) -> ModelShape:
    """The :class:`ModelShape` of the ``models`` row for ``name`` (case-insensitive)."""
    from tokenecon.data.lookup import model_row

    return shape_from_row(model_row(name), precision)


def _probe():
    from tokenecon import data

    return data.load("gpu_energy_probe").iloc[0]


def probe_constants(probe_row=None) -> dict:
    """The H200 probe's measured constants, with the dynamic (above-idle) energies the model uses.

    j_per_flop = (GEMM watts − idle watts) / achieved FLOP/s; j_per_byte = (copy watts − idle) / bytes/s.
    ``probe_row`` is a ``gpu_energy_probe`` row (default: the table's).
    """
    p = _probe() if probe_row is None else probe_row
    return {
        "idle_w": float(p["idle_w"]),
        "tdp_w": float(p["power_limit_w"]),
        "j_per_flop": float((p["gemm_w"] - p["idle_w"]) / (p["gemm_tflops"] * 1e12)),
        "j_per_byte": float((p["copy_w"] - p["idle_w"]) / (p["copy_tb_s"] * 1e12)),
        "j_per_flop_total": float(p["gemm_pj_per_flop"] * 1e-12),
        "j_per_byte_total": float(p["copy_pj_per_byte"] * 1e-12),
    }


def hardware_energy_from_rows(r, h200, probe_row) -> HardwareEnergy:
    """:func:`hardware_energy` on explicit rows (a ``hardware`` row, the H200 row, the probe row)."""
    key = r["hardware"]
    p = probe_constants(probe_row)
    tdp = float(r["tdp_w"]) if not np.isnan(r["tdp_w"]) else ASSUMED_TDP_W.get(key, float("nan"))
    if np.isnan(tdp):
        raise EnergyInputError(f"hardware: {key!r} has no TDP in the hardware table and no stated assumption")
    bf16 = float(r["bf16_dense_tflops"]) * 1e12
    fp8 = float(r["fp8_dense_tflops"]) * 1e12 if not np.isnan(r["fp8_dense_tflops"]) else bf16
    if key == "H200":
        idle, jf, basis = p["idle_w"], p["j_per_flop"], "measured (H200 probe)"
    elif key in SAME_SILICON_AS_H200:
        idle, jf = p["idle_w"] * tdp / p["tdp_w"], p["j_per_flop"]
        basis = "GH100 silicon like the probed H200: its J/FLOP and J/byte; idle ∝ TDP"
    else:
        idle = p["idle_w"] * tdp / p["tdp_w"]
        ref = float(h200["tdp_w"]) / (float(h200["bf16_dense_tflops"]) * 1e12)
        jf = p["j_per_flop"] * (tdp / bf16) / ref
        basis = "scaled from the H200 probe (idle ∝ TDP; J/FLOP ∝ TDP/peak; J/byte equal)"
        if key in ASSUMED_TDP_W and np.isnan(r["tdp_w"]):
            basis += f"; TDP assumed {tdp:.0f} W"
    return HardwareEnergy(
        name=key, peak_flops_bf16=bf16, peak_flops_fp8=fp8, bandwidth=float(r["hbm_tb_s"]) * 1e12,
        hbm_bytes=float(r["hbm_gb"]) * 1e9, tdp_w=tdp, idle_w=idle, j_per_flop=jf, j_per_byte=p["j_per_byte"],
        basis=basis,
    )


@lru_cache(maxsize=None)
def hardware_energy(name: str) -> HardwareEnergy:
    """Peak rates and energy constants for a ``hardware`` row (name matched case-insensitively).

    H200: idle W, J/FLOP and J/byte measured by the probe. Other chips, assumptions:

    * idle power is the same fraction of TDP as on the H200 (79 W of 700 W ≈ 11%);
    * Hopper chips on the same GH100 silicon (:data:`SAME_SILICON_AS_H200`: H100, H800, H20) share the
      H200's measured energy per FLOP;
    * on other silicon, energy per bf16 FLOP scales with TDP per peak bf16 FLOP/s (a chip spending its
      power budget on compute at the same share as the H200):
      j_flop = j_flop(H200) × (TDP/peak)(chip) / (TDP/peak)(H200);
      an fp8 FLOP runs at the fp8 peak and is charged j_flop × peak_bf16 / peak_fp8 (half on NVIDIA parts);
    * energy per HBM byte is the H200's (HBM2e/3/3e differ by tens of percent per bit; not resolved here).
    Ascend 910C board power is the assumption in :data:`ASSUMED_TDP_W`.
    """
    from tokenecon.data.lookup import hardware_row

    return hardware_energy_from_rows(hardware_row(name), hardware_row("H200"), _probe())


def default_n_gpus(shape: ModelShape, hw: HardwareEnergy, *, batch=1, context=0) -> int:
    """Smallest power of two whose HBM holds the weights within :data:`WEIGHT_MEMORY_SHARE` (leaving the rest
    for KV cache and activations) and, with ``batch``/``context`` given, that serving point
    (:func:`memory_fit`); at most 64 for the weight rule, :data:`MAX_INSTANCE_GPUS` for the serving point."""
    n = 1
    while shape.weight_bytes_total > WEIGHT_MEMORY_SHARE * n * hw.hbm_bytes and n < 64:
        n *= 2
    while not memory_fit(shape, hw, n_gpus=n, batch=batch, context=context).fits and n < MAX_INSTANCE_GPUS:
        n *= 2
    return n


# --------------------------------------------------------------------------- the model (vectorised)

#: GPUs joined by NVLink in one scale-up domain: an 8-GPU HGX/DGX node, except rack-scale GB200 NVL72.
NVLINK_DOMAIN_GPUS = {"GB200": 72}
#: Scale-out (between nodes) network bandwidth per GPU, bytes/s: one 400 Gb/s InfiniBand NIC per GPU
#: (DeepSeek's H800 cluster, ConnectX-7 400G; the common HGX build), i.e. ~50 GB/s.
SCALE_OUT_BYTES_PER_S_PER_GPU = 50e9
#: Bytes per hidden element of one token's transfer to one other node in an expert-parallel all-to-all:
#: dispatch in fp8 (1 byte per hidden element) and combine in bf16 (2 bytes), DeepSeek's DeepEP formats.
A2A_BYTES_PER_HIDDEN = 3.0


def remote_nodes_per_token(n_experts, experts_per_token, n_nodes) -> float:
    """Expected number of *other* nodes holding at least one of a token's ``experts_per_token`` routed experts,
    with the ``n_experts`` spread evenly over ``n_nodes`` nodes and the k experts a uniform draw without
    replacement: another node (E/n experts) is missed with probability Π_{i<k} (E − E/n − i)/(E − i), so
    (n − 1)(1 − that) other nodes are touched."""
    n, e, k = float(n_nodes), float(n_experts), int(round(float(experts_per_token)))
    if n <= 1 or e <= 0 or k <= 0:
        return 0.0
    miss = 1.0
    for i in range(k):
        miss *= max(e - e / n - i, 0.0) / (e - i)
    return (n - 1.0) * (1.0 - miss)


def network_time_s(shape: ModelShape, hardware_name: str, *, n_gpus: int, computed_tokens):
    """Time of one step's expert-parallel all-to-all over the scale-out network (s; 0 inside one NVLink domain).

    A token's hidden state crosses the scale-out network once per *other node* holding one of its k routed
    experts, in every MoE layer, and is combined back the same way (DeepSeek's DeepEP: one transfer to the
    GPU of the same in-node index on each target node, then NVLink inside it — DeepSeek-V3 report §3.2.2):
    :func:`remote_nodes_per_token` × d_model × :data:`A2A_BYTES_PER_HIDDEN` bytes per token per layer, with the
    experts spread evenly over the instance's n/domain nodes; the instance's GPUs send in parallel at
    :data:`SCALE_OUT_BYTES_PER_S_PER_GPU` each."""
    domain = NVLINK_DOMAIN_GPUS.get(hardware_name, 8)
    if not shape.is_moe or n_gpus <= domain or shape.d_model <= 0:
        return 0.0
    nodes = n_gpus / domain
    per_token = (shape.n_moe_layers * remote_nodes_per_token(shape.n_experts, shape.experts_per_token, nodes)
                 * shape.d_model * A2A_BYTES_PER_HIDDEN)
    return np.asarray(computed_tokens, dtype=float) * per_token / (n_gpus * SCALE_OUT_BYTES_PER_S_PER_GPU)


def expected_distinct_experts(n_experts, experts_per_token, tokens):
    """Expected number of distinct experts (per MoE layer) touched by ``tokens`` tokens.

    Each token picks ``k`` of ``E`` experts; treating the picks as uniform and independent across tokens, an
    expert is missed by one token with probability 1 − k/E, so E·(1 − (1 − k/E)^tokens) are touched.
    """
    e = np.asarray(n_experts, dtype=float)
    k = np.asarray(experts_per_token, dtype=float)
    t = np.asarray(tokens, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(e > 0, e * (1.0 - np.power(1.0 - np.where(e > 0, k / np.where(e > 0, e, 1.0), 0.0), t)), 0.0)
    return out


def _check(name, value, lo, inclusive=True, what=""):
    return check_number(name, value, lo=lo, lo_open=not inclusive, unit=what.strip(" ()"), error=EnergyInputError)


def _attn_flop(shape: ModelShape, ctx):
    full = shape.attn_flop_per_ctx * np.minimum(ctx, shape.attention_topk)
    idx = shape.indexer_flop_per_ctx * ctx
    swa = shape.swa_attn_flop_per_ctx * np.minimum(ctx, shape.swa_window) if shape.swa_window else 0.0
    return full + idx + swa


def _kv_read_bytes(shape: ModelShape, ctx):
    full = shape.kv_bytes_per_token * np.minimum(ctx, shape.attention_topk)
    extra = shape.kv_extra_bytes_per_token * ctx
    swa = shape.swa_kv_bytes_per_token * np.minimum(ctx, shape.swa_window) if shape.swa_window else 0.0
    return full + extra + swa


def _kv_bytes_per_token(shape: ModelShape):
    return shape.kv_bytes_per_token + shape.kv_extra_bytes_per_token + (shape.swa_kv_bytes_per_token if shape.swa_window else 0.0)


@dataclass(frozen=True)
class StepResult:
    """Arrays (broadcast shape of the inputs). Energies at the GPU board; rates for the whole instance."""

    j_per_token: np.ndarray
    tokens_per_s_per_gpu: np.ndarray
    step_time_s: np.ndarray
    compute_time_s: np.ndarray
    memory_time_s: np.ndarray
    power_w_per_gpu: np.ndarray
    flops_per_step: np.ndarray
    bytes_per_step: np.ndarray
    tokens_per_step: np.ndarray
    n_gpus: int
    network_time_s: np.ndarray | float = 0.0  # the step's cross-node all-to-all (overlapped: inside the max)
    power_time_s: np.ndarray | float = 0.0  # the time the board's power cap alone imposes (inside the max)


def step_work(shape: ModelShape, *, batch, context, phase: str = "decode", data_parallel: int = 1,
              mtp_acceptance: float = 0.0):
    """(tokens, FLOPs, bytes) of one step — independent of the hardware and of the efficiency factors.

    mtp_acceptance (decode only): multi-token prediction with one draft token per sequence per step
    (DeepSeek-V3's MTP module, depth 1): each step computes two tokens per sequence and keeps
    1 + mtp_acceptance of them on average; ``tokens`` counts the kept (output) tokens, FLOPs the computed
    ones; the weights and the KV cache are read once per step (the draft module's own layer is not counted).

    phase: "decode" (one output token per sequence per step; context = KV length attended),
    "prefill" (``batch`` prompts of ``context`` tokens each; per input token), or "cached_input" (a prompt
    token whose KV is already cached: only its KV is read back, no FLOPs). Aliases output/input/cached.
    """
    if phase not in PHASE_ALIASES:
        raise EnergyInputError(f"phase: {phase!r} is not one of {sorted(PHASE_ALIASES)}")
    phase = PHASE_ALIASES[phase]
    if int(data_parallel) != data_parallel or data_parallel < 1:
        raise EnergyInputError(f"data_parallel: expected an integer >= 1, got {data_parallel!r}")
    b = _check("batch", batch, 1.0, what=" (concurrent sequences)")
    c = _check("context", context, 0.0, what=" (tokens)")
    wb = WEIGHT_BYTES[shape.precision]
    a = float(mtp_acceptance)
    if not 0.0 <= a <= 1.0:
        raise EnergyInputError(f"mtp_acceptance: expected a fraction in [0, 1] (acceptance of the draft token), got {mtp_acceptance!r}")
    if phase == "decode":
        seqs = b * np.ones_like(c)
        computed = seqs * (2.0 if a > 0 else 1.0)
        tokens = seqs * (1.0 + a)
        flops = computed * (2.0 * shape.matmul_params + _attn_flop(shape, c))
        experts = expected_distinct_experts(shape.n_experts, shape.experts_per_token, computed)
        bytes_ = (data_parallel * shape.dense_params * wb + shape.n_moe_layers * experts * shape.expert_params * wb
                  + seqs * _kv_read_bytes(shape, c))
    elif phase == "prefill":
        c = _check("context", context, 1.0, what=" (prompt tokens, prefill)")
        tokens = b * c
        # causal attention: token i attends to i earlier tokens → mean context c/2 (top-k capped for DSA)
        flops = tokens * (2.0 * shape.matmul_params + _attn_flop(shape, c / 2.0))
        experts = expected_distinct_experts(shape.n_experts, shape.experts_per_token, tokens)
        bytes_ = (data_parallel * shape.dense_params * wb + shape.n_moe_layers * experts * shape.expert_params * wb
                  + tokens * _kv_bytes_per_token(shape))
    else:  # cached_input: per cached prompt token, its KV is read back once; no matmuls
        tokens = b * np.maximum(c, 1.0)
        flops = np.zeros_like(tokens)
        bytes_ = tokens * _kv_bytes_per_token(shape)
    return tokens, flops, bytes_


def step_time_energy(tokens, flops, bytes_, *, n_gpus, peak_flops, bandwidth, tdp_w, idle_w, j_per_flop, j_per_byte,
                     efficiency: Efficiency, no_overhead=False, n_moe_layers=0.0, sequences=None, network_time_s=0.0,
                     with_power_time=False):
    """Step time (s) and GPU-board energy (J) from the work of a step; all arguments broadcast.

    ``sequences``: sequences per scheduler in the step (batch / data-parallel replicas), charged
    ``seq_overhead_s`` each (None: no per-sequence time).
    ``network_time_s``: time of the step's expert-parallel all-to-all across nodes (:func:`network_time_s`),
    overlapped with compute (two micro-batches, as DeepSeek serves), so it enters the max, not the sum.
    Returns (step time, energy, compute time, memory time), and with ``with_power_time`` also the time the power
    cap alone would impose (dynamic energy over the board's headroom above idle and busy power)."""
    eff = efficiency
    u = _check("flop_util", eff.flop_util, 0.0, inclusive=False)
    m = _check("bw_util", eff.bw_util, 0.0, inclusive=False)
    if np.any(u > 1) or np.any(m > 1):
        raise EnergyInputError("flop_util, bw_util: expected fractions in (0, 1]")
    ovh = 0.0 if no_overhead else (_check("step_overhead_s", eff.step_overhead_s, 0.0)
                                   + _check("moe_layer_overhead_s", eff.moe_layer_overhead_s, 0.0) * n_moe_layers)
    if sequences is not None and not no_overhead:
        ovh = ovh + _check("seq_overhead_s", eff.seq_overhead_s, 0.0) * np.asarray(sequences, dtype=float)
    fe = _check("flop_energy_factor", eff.flop_energy_factor, 0.0)
    be = _check("byte_energy_factor", eff.byte_energy_factor, 0.0)
    busy = _check("busy_power_w", eff.busy_power_w, 0.0)
    idle = _check("idle_w", idle_w, 0.0)
    jf = _check("j_per_flop", j_per_flop, 0.0)
    jb = _check("j_per_byte", j_per_byte, 0.0)
    t_c = flops / (n_gpus * peak_flops * u)
    t_m = bytes_ / (n_gpus * bandwidth * m)
    dyn = fe * jf * flops + be * jb * bytes_
    t_p = dyn / (n_gpus * np.maximum(tdp_w - idle - busy, 1.0))  # power cap: the board cannot exceed its TDP
    t = np.maximum(np.maximum(np.maximum(t_c, t_m), t_p), network_time_s) + ovh
    energy = n_gpus * (idle + busy) * t + dyn
    return (t, energy, t_c, t_m, t_p) if with_power_time else (t, energy, t_c, t_m)


def roofline(shape: ModelShape, hw: HardwareEnergy, *, batch, context, phase: str = "decode", n_gpus: int = 1,
             data_parallel: int = 1, efficiency: Efficiency | None = None, idle_w=None, j_per_flop=None,
             j_per_byte=None, mtp_acceptance: float = 0.0) -> StepResult:
    """The step model on explicit inputs (no table lookups). See the module docstring for the formulas.

    j_per_flop is per bf16 FLOP; an fp8 FLOP is charged j_per_flop × peak_bf16 / peak_fp8.
    """
    if int(n_gpus) != n_gpus or n_gpus < 1:
        raise EnergyInputError(f"n_gpus: expected an integer >= 1, got {n_gpus!r}")
    if int(data_parallel) != data_parallel or data_parallel < 1 or data_parallel > n_gpus:
        raise EnergyInputError(f"data_parallel: expected an integer in 1..n_gpus ({n_gpus}), got {data_parallel!r}")
    tokens, flops, bytes_ = step_work(shape, batch=batch, context=context, phase=phase, data_parallel=data_parallel,
                                      mtp_acceptance=mtp_acceptance if PHASE_ALIASES.get(phase) == "decode" else 0.0)
    ph = PHASE_ALIASES[phase]
    # each data-parallel replica schedules its own sequences, in parallel with the others
    seqs = np.asarray(batch, dtype=float) / data_parallel if ph in ("decode", "prefill") else None
    computed = (tokens / (1.0 + mtp_acceptance) * (2.0 if mtp_acceptance > 0 else 1.0)) if ph == "decode" else tokens
    net = network_time_s(shape, hw.name, n_gpus=int(n_gpus), computed_tokens=computed) if ph != "cached_input" else 0.0
    peak = hw.peak_flops(shape.precision)
    jf = hw.j_per_flop if j_per_flop is None else j_per_flop
    jf = np.asarray(jf, dtype=float) * (hw.peak_flops_bf16 / peak)
    n = int(n_gpus)
    t, energy, t_c, t_m, t_p = step_time_energy(
        tokens, flops, bytes_, n_gpus=n, peak_flops=peak, bandwidth=hw.bandwidth, tdp_w=hw.tdp_w,
        idle_w=hw.idle_w if idle_w is None else idle_w, j_per_flop=jf,
        j_per_byte=hw.j_per_byte if j_per_byte is None else j_per_byte,
        efficiency=efficiency or PRIOR_EFFICIENCY, no_overhead=PHASE_ALIASES.get(phase) == "cached_input",
        n_moe_layers=shape.n_moe_layers, sequences=seqs, network_time_s=net, with_power_time=True)
    return StepResult(
        j_per_token=energy / tokens,
        tokens_per_s_per_gpu=tokens / t / n,
        step_time_s=t,
        compute_time_s=t_c,
        memory_time_s=t_m,
        power_w_per_gpu=energy / t / n,
        flops_per_step=flops,
        bytes_per_step=bytes_,
        tokens_per_step=tokens,
        n_gpus=n,
        network_time_s=net,
        power_time_s=t_p,
    )


#: What each limit of :func:`bound_of` means, in words for a report ({tdp} is the board's power limit in W).
BOUND_WORDS = {
    "compute": "compute-bound (the tensor cores set the pace)",
    "memory": "memory-bound (reading the weights and the KV cache sets the pace)",
    "power": ("power-bound (while the step's kernels run, the board is held at its {tdp:.0f} W limit; the fixed "
              "per-step overheads between them draw less, so the average is lower)"),
    "network": "network-bound (the expert exchange between nodes sets the pace)",
    "overhead": "overhead-bound (the fixed, per-layer and per-sequence time of the serving engine sets the pace)",
}


def bound_of(result: StepResult, tdp_w: float) -> str:
    """What limits a (scalar) step: the largest of "compute", "memory", "power" (the board's power cap: the step's
    dynamic energy over its headroom above idle and busy power), "network" (the cross-node expert all-to-all,
    overlapped with the others) and "overhead" (the fixed, per-MoE-layer and per-sequence time added on top);
    "power" also whenever the board draws its TDP."""
    if float(np.asarray(result.power_w_per_gpu)) >= 0.99 * tdp_w:
        return "power"
    parts = {"compute": result.compute_time_s, "memory": result.memory_time_s, "power": result.power_time_s,
             "network": result.network_time_s}
    parts = {k: float(np.asarray(v)) for k, v in parts.items()}
    parts["overhead"] = float(np.asarray(result.step_time_s)) - max(parts.values())
    return max(parts.items(), key=lambda kv: kv[1])[0]


# --------------------------------------------------------------------------- public API by name

def _resolve(model, hardware, precision, n_gpus):
    hw = hardware if isinstance(hardware, HardwareEnergy) else hardware_energy(str(hardware))
    if isinstance(model, ModelShape):
        shape = replace(model, precision=precision) if precision else model
    else:
        shape = model_shape(str(model), precision)
    if precision is not None and precision not in WEIGHT_BYTES:
        raise EnergyInputError(f"precision: {precision!r} is not one of {sorted(WEIGHT_BYTES)}")
    n = default_n_gpus(shape, hw) if n_gpus is None else n_gpus
    return shape, hw, n


def _efficiency(hw: HardwareEnergy, efficiency, overrides: dict) -> Efficiency:
    if efficiency is None:
        efficiency = calibrated(hw.name)
    set_ = {k: v for k, v in overrides.items() if v is not None}
    return replace(efficiency, **set_) if set_ else efficiency


def token_energy(model, hardware, *, batch=None, context, phase: str = "decode", precision: str | None = None,
                 n_gpus: int | None = None, data_parallel: int = 1, efficiency: Efficiency | None = None,
                 flop_util=None, bw_util=None, step_overhead_s=None, idle_w=None, j_per_flop=None,
                 j_per_byte=None, check_memory: bool = False, user_tokens_per_s: float | None = None,
                 mtp_acceptance: float = 0.0) -> StepResult:
    """Full :class:`StepResult` for a model and hardware by name (or :class:`ModelShape`/:class:`HardwareEnergy`).

    efficiency: defaults to the calibrated serving factors for that hardware
    (:func:`tokenecon.model.efficiency.calibrated`); ``flop_util``, ``bw_util``, ``step_overhead_s`` override
    single fields (arrays allowed). n_gpus: defaults to :func:`default_n_gpus`.
    check_memory: refuse a point whose weights + KV cache + reserve exceed the HBM (:func:`check_memory`);
    off by default so curves over batch can run past the memory limit (callers mark that region).
    user_tokens_per_s (decode): instead of ``batch``, serve the largest feasible batch meeting this per-user
    speed (:func:`latency_operating_point`; memory is then always checked).
    """
    shape, hw, n = _resolve(model, hardware, precision, n_gpus)
    eff = _efficiency(hw, efficiency, {"flop_util": flop_util, "bw_util": bw_util, "step_overhead_s": step_overhead_s})
    if user_tokens_per_s is not None:
        if PHASE_ALIASES.get(phase) != "decode":
            raise EnergyInputError(f"user_tokens_per_s: a per-user speed sets the decode batch; phase {phase!r} has none")
        if batch is not None:
            raise EnergyInputError("batch, user_tokens_per_s: give one (the latency target chooses the batch)")
        return latency_operating_point(shape, hw, user_tokens_per_s=user_tokens_per_s, context=context, n_gpus=n,
                                       efficiency=eff, data_parallel=data_parallel,
                                       mtp_acceptance=mtp_acceptance).result
    if batch is None:
        raise EnergyInputError("batch: expected concurrent sequences >= 1 (or a user_tokens_per_s target)")
    if check_memory:
        globals()["check_memory"](shape, hw, n_gpus=n, batch=batch, context=context, data_parallel=data_parallel,
                                  phase=phase)
    return roofline(shape, hw, batch=batch, context=context, phase=phase, n_gpus=n, data_parallel=data_parallel,
                    efficiency=eff, idle_w=idle_w, j_per_flop=j_per_flop, j_per_byte=j_per_byte,
                    mtp_acceptance=mtp_acceptance)


def operating_point(model, hardware, *, user_tokens_per_s: float, context, precision: str | None = None,
                    n_gpus: int | None = None, data_parallel: int = 1, efficiency: Efficiency | None = None,
                    mtp_acceptance: float = 0.0) -> OperatingPoint:
    """:func:`latency_operating_point` by name: the largest feasible batch meeting ``user_tokens_per_s``."""
    shape, hw, n = _resolve(model, hardware, precision, n_gpus)
    eff = _efficiency(hw, efficiency, {})
    return latency_operating_point(shape, hw, user_tokens_per_s=user_tokens_per_s, context=context, n_gpus=n,
                                   efficiency=eff, data_parallel=data_parallel, mtp_acceptance=mtp_acceptance)


def joules_per_token(model, hardware, *, batch, context, phase: str = "decode", **kw) -> np.ndarray:
    """GPU-board joules per token (decode: per output token; prefill: per input token; cached_input)."""
    return token_energy(model, hardware, batch=batch, context=context, phase=phase, **kw).j_per_token


def tokens_per_second_per_gpu(model, hardware, *, batch, context, phase: str = "decode", **kw) -> np.ndarray:
    """Tokens per second per GPU from the same step-time model (for turning GPU-hours into tokens)."""
    return token_energy(model, hardware, batch=batch, context=context, phase=phase, **kw).tokens_per_s_per_gpu


def facility_kwh_per_mtok_while_serving(j_per_token_gpu, server_overhead, pue):
    """Facility kWh per million tokens *while serving* = J/token (GPU) × (1 + server_overhead) × PUE × 10⁶ / 3.6×10⁶.

    The energy of a token at the operating point, idle hours not counted. The reports' figure is the cost
    model's :func:`tokenecon.model.cost.facility_kwh_per_mtok_from_power` (average power over all hours,
    idle included, over tokens per hour), which is what an operator's electricity bill pays for; this one
    is what ``tokenecon energy`` prints for one operating point.

    server_overhead: host CPU, DRAM, network energy as a fraction of GPU energy (≥ 0; Google measured host
    CPU/DRAM at 25% of accelerator-plus-host serving energy, i.e. ~0.3-0.45 of accelerator energy).
    pue: facility power usage effectiveness (≥ 1). All arguments may be arrays.
    """
    j = _check("j_per_token_gpu", j_per_token_gpu, 0.0)
    s = _check("server_overhead", server_overhead, 0.0)
    p = _check("pue", pue, 1.0)
    return j * (1.0 + s) * p * 1e6 / J_PER_KWH




# --------------------------------------------------------------------------- memory feasibility

#: Fraction of each GPU's HBM the serving engine may use (vLLM's ``gpu_memory_utilization`` default 0.9;
#: SGLang's ``mem_fraction_static`` is of the same order). The rest is the CUDA context and fragmentation.
GPU_MEMORY_UTILIZATION = 0.9
#: Activation and workspace reserve per GPU (bytes): peak activations of a decode/prefill chunk, CUDA-graph
#: pools and communication buffers. vLLM profiles this at start-up; for the models here it is 1-4 GB per
#: GPU. Stated assumption: 2 GB per GPU.
ACTIVATION_RESERVE_BYTES_PER_GPU = 2e9
#: Largest instance the default GPU count or the fewest-GPU search will consider (DeepSeek decodes on 144).
MAX_INSTANCE_GPUS = 256


@dataclass(frozen=True)
class MemoryFit:
    """Memory of one instance at a serving point (bytes, whole instance)."""

    n_gpus: int
    batch: float
    context: float
    weight_bytes: float
    kv_bytes: float
    reserve_bytes: float
    usable_bytes: float  # n_gpus × HBM × gpu_memory_utilization
    max_batch: int  # largest batch whose KV fits beside the weights (0: the weights alone do not fit)

    @property
    def fits(self) -> bool:
        return self.weight_bytes + self.kv_bytes + self.reserve_bytes <= self.usable_bytes

    @property
    def weights_fit(self) -> bool:
        return self.weight_bytes + self.reserve_bytes < self.usable_bytes


def kv_cache_bytes_per_sequence(shape: ModelShape, context) -> np.ndarray:
    """KV cache a sequence holds at ``context`` tokens (bytes): every full-attention layer keeps the whole
    context (DeepSeek's sparse attention still stores all keys; it reads only its top-k), sliding-window
    layers keep at most the window."""
    c = np.asarray(context, dtype=float)
    swa = shape.swa_kv_bytes_per_token * np.minimum(c, shape.swa_window) if shape.swa_window else 0.0
    return (shape.kv_bytes_per_token + shape.kv_extra_bytes_per_token) * c + swa


def instance_weight_bytes(shape: ModelShape, data_parallel: int = 1) -> float:
    """Weights held by an instance: every weight once, plus a copy of the dense part per extra
    data-parallel replica (attention data parallelism, as in DeepSeek's decode)."""
    return shape.weight_bytes_total + (int(data_parallel) - 1) * shape.dense_params * WEIGHT_BYTES[shape.precision]


def memory_fit(shape: ModelShape, hw: HardwareEnergy, *, n_gpus: int, batch, context, data_parallel: int = 1,
               gpu_memory_utilization: float = GPU_MEMORY_UTILIZATION,
               activation_reserve_bytes: float = ACTIVATION_RESERVE_BYTES_PER_GPU) -> MemoryFit:
    """Weights + KV cache (batch × context × KV bytes per token) + activation reserve against the usable HBM
    of ``n_gpus`` GPUs. ``batch`` and ``context`` are scalars here (use the largest of an array)."""
    if not 0 < gpu_memory_utilization <= 1:
        raise EnergyInputError(f"gpu_memory_utilization: expected a fraction in (0, 1], got {gpu_memory_utilization!r}")
    n = int(n_gpus)
    b = float(np.max(np.asarray(batch, dtype=float)))
    c = float(np.max(np.asarray(context, dtype=float)))
    w = instance_weight_bytes(shape, data_parallel)
    per_seq = float(kv_cache_bytes_per_sequence(shape, max(c, 1.0)))
    usable = n * hw.hbm_bytes * gpu_memory_utilization
    reserve = n * activation_reserve_bytes
    room = usable - w - reserve
    max_b = int(min(np.floor(room / per_seq), 10**9)) if room > 0 and per_seq > 0 else (10**9 if room > 0 else 0)
    return MemoryFit(n, b, c, w, b * per_seq, reserve, usable, max(max_b, 0))


def max_feasible_batch(shape: ModelShape, hw: HardwareEnergy, *, n_gpus: int, context, data_parallel: int = 1,
                       **kw) -> int:
    """Largest number of concurrent sequences of ``context`` tokens whose KV cache fits beside the weights
    (0 when the weights alone do not fit)."""
    return memory_fit(shape, hw, n_gpus=n_gpus, batch=1, context=context, data_parallel=data_parallel, **kw).max_batch


def fewest_feasible_gpus(shape: ModelShape, hw: HardwareEnergy, *, batch=1, context=0, **kw) -> int | None:
    """Smallest power of two of GPUs (up to :data:`MAX_INSTANCE_GPUS`) holding the weights and ``batch``
    sequences of ``context`` tokens; None when even that many do not."""
    n = 1
    while n <= MAX_INSTANCE_GPUS:
        if memory_fit(shape, hw, n_gpus=n, batch=batch, context=context, **kw).fits:
            return n
        n *= 2
    return None


def _gb(x: float) -> str:
    return f"{x / 1e9:,.0f} GB"


def check_memory(shape: ModelShape, hw: HardwareEnergy, *, n_gpus: int, batch, context, data_parallel: int = 1,
                 phase: str = "decode", **kw) -> MemoryFit:
    """Refuse a serving point that does not fit in HBM, with one line naming the limit and a feasible choice.

    decode: ``batch`` sequences each holding ``context`` tokens of KV; prefill: ``batch`` prompts of
    ``context`` tokens; cached_input: the cached prompt's KV. Returns the :class:`MemoryFit` when it fits.
    """
    fit = memory_fit(shape, hw, n_gpus=n_gpus, batch=batch, context=context, data_parallel=data_parallel, **kw)
    if fit.fits:
        return fit
    util = kw.get("gpu_memory_utilization", GPU_MEMORY_UTILIZATION)
    where = (f"{shape.name} ({shape.precision}) on {fit.n_gpus} x {hw.name} ({hw.hbm_bytes / 1e9:.0f} GB each, "
             f"{util:.0%} usable = {_gb(fit.usable_bytes)})")
    fewest = fewest_feasible_gpus(shape, hw, batch=fit.batch, context=fit.context, **kw)
    more = (f"the fewest GPUs that hold it is {fewest} (--n-gpus {fewest})" if fewest
            else f"no instance of up to {MAX_INSTANCE_GPUS} GPUs holds it")
    if not fit.weights_fit:
        raise EnergyInputError(
            f"n_gpus: {where} cannot hold the weights ({_gb(fit.weight_bytes)}) plus the "
            f"{_gb(fit.reserve_bytes)} activation reserve; {more}")
    what = "prompts" if PHASE_ALIASES.get(phase) == "prefill" else "sequences"
    if fit.max_batch < 1:
        raise EnergyInputError(
            f"context: one sequence of {fit.context:,.0f} tokens needs {_gb(fit.kv_bytes / max(fit.batch, 1))} of KV "
            f"cache, more than the {_gb(fit.usable_bytes - fit.weight_bytes - fit.reserve_bytes)} that {where} leaves "
            f"beside the weights; {more}")
    raise EnergyInputError(
        f"batch: {fit.batch:,.0f} {what} of {fit.context:,.0f} tokens need {_gb(fit.kv_bytes)} of KV cache, but "
        f"{where} leaves {_gb(fit.usable_bytes - fit.weight_bytes - fit.reserve_bytes)} beside the weights "
        f"({_gb(fit.weight_bytes)}) and the activation reserve; the largest feasible batch is {fit.max_batch:,} "
        f"(--batch {fit.max_batch}), or {more}")


# --------------------------------------------------------------------------- latency target

@dataclass(frozen=True)
class OperatingPoint:
    """The largest feasible decode batch whose step time meets a per-user speed."""

    batch: int
    user_tokens_per_s_target: float
    user_tokens_per_s: float  # achieved at that batch (>= target)
    max_memory_batch: int
    limited_by: str  # "latency" (a larger batch would be too slow) or "memory" (the KV pool is full)
    result: StepResult


def user_tokens_per_second(step_time_s, tokens_per_seq_step=1.0):
    """Output tokens per second each sequence sees: accepted tokens per step / step time."""
    return np.asarray(tokens_per_seq_step, dtype=float) / np.asarray(step_time_s, dtype=float)


#: Candidate batches per vectorised step of the search, and the bracket width searched exhaustively.
_SEARCH_POINTS = 64
_DENSE_WIDTH = 4096


def _largest_meeting(meets, lo: int, hi: int, hint: int | None = None) -> int:
    """Largest integer ``b`` in ``[lo, hi]`` with ``meets(b)``, given ``meets(lo)`` and a predicate that is
    true up to some batch and false beyond (step time never falls as the batch grows).

    ``meets`` takes an array of batches and returns one bool each. Each round evaluates up to
    :data:`_SEARCH_POINTS` geometrically spaced batches inside the bracket in one array call; a bracket at most
    :data:`_DENSE_WIDTH` wide is evaluated whole. Same answer as a bisection, in two or three array calls
    instead of about twenty scalar ones. ``hint`` (a batch the answer is probably near, e.g. the answer for a
    neighbouring speed or a refit of the same fit) makes the first round a dense window around it: one call when
    the answer lies inside, the same answer either way."""
    end = hi + 1  # exclusive: the first batch known not to meet (or one past the cap)
    first = hint is not None and lo < hint <= hi
    while end - lo > 1:
        if first:
            cand = _window(lo + 1, end - 1, hint)
            first = False
        elif end - lo - 1 <= _DENSE_WIDTH:
            cand = np.arange(lo + 1, end, dtype=np.int64)
        else:
            cand = np.unique(np.rint(np.geomspace(lo + 1, end - 1, _SEARCH_POINTS)).astype(np.int64))
        ok = np.asarray(meets(cand.astype(float)), dtype=bool).reshape(-1)
        first_miss = int(np.argmin(ok)) if not ok.all() else len(ok)
        if first_miss > 0:
            lo = int(cand[first_miss - 1])
        if first_miss < len(cand):
            end = int(cand[first_miss])
    return lo


def latency_operating_point(shape: ModelShape, hw: HardwareEnergy, *, user_tokens_per_s: float, context,
                            n_gpus: int, efficiency: Efficiency, data_parallel: int = 1, mtp_acceptance: float = 0.0,
                            max_batch: int | None = None, batch_hint: int | None = None, **mem) -> OperatingPoint:
    """Largest feasible decode batch whose step time gives each sequence ``user_tokens_per_s``.

    Step time rises with batch (more KV, more experts touched, more per-sequence time), so the answer is the
    largest ``b`` with ``(1 + mtp_acceptance) / step_time(b) >= user_tokens_per_s`` and ``b`` within the KV pool
    (:func:`max_feasible_batch`), found by a vectorised bracket search (:func:`_largest_meeting`). Refuses a
    target above what a batch of one reaches, and an instance whose weights do not fit.
    """
    u = float(user_tokens_per_s)
    if not np.isfinite(u) or u <= 0:
        raise EnergyInputError(f"user_tokens_per_s: expected a number > 0 (output tokens per second per user), got {user_tokens_per_s!r}")
    cap = max_feasible_batch(shape, hw, n_gpus=n_gpus, context=context, data_parallel=data_parallel, **mem)
    if cap < 1:
        check_memory(shape, hw, n_gpus=n_gpus, batch=1, context=context, data_parallel=data_parallel, **mem)
    if max_batch is not None:
        cap = min(cap, int(max_batch))
    cap = min(cap, 10**7)

    def step(b):
        return roofline(shape, hw, batch=b, context=context, n_gpus=n_gpus, data_parallel=data_parallel,
                        efficiency=efficiency, mtp_acceptance=mtp_acceptance)

    tok = 1.0 + mtp_acceptance
    one = step(1)
    u1 = float(user_tokens_per_second(one.step_time_s, tok))
    if u1 < u:
        raise EnergyInputError(
            f"user_tokens_per_s: {u:g} is above what a batch of one reaches ({u1:.3g} tokens/s per user for "
            f"{shape.name} on {n_gpus} x {hw.name} at {float(np.max(context)):,.0f} tokens of context)")
    lo = _largest_meeting(lambda b: user_tokens_per_second(step(b).step_time_s, tok) >= u, 1, cap, hint=batch_hint)
    res = step(lo)
    return OperatingPoint(lo, u, float(user_tokens_per_second(res.step_time_s, tok)), cap,
                          "memory" if lo == cap else "latency", res)


def _window(lo: int, hi: int, hint: int | None) -> np.ndarray:
    """Candidate batches: a dense window of :data:`_DENSE_WIDTH` around ``hint`` (clipped to ``lo..hi``)."""
    mid = int(min(max(hint or lo, lo), hi))
    half = _DENSE_WIDTH // 2
    return np.arange(max(lo, mid - half), min(hi, mid + half) + 1, dtype=np.int64)


def _answers_in_window(ok: np.ndarray, cand: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``ok`` (meets the target at each candidate batch), the largest batch that meets it when the
    window decides it, and which rows it leaves undecided (their answer lies outside, or nothing meets)."""
    first_miss = np.where(ok.all(axis=1), ok.shape[1], np.argmin(ok, axis=1))
    decided = (first_miss > 0) & ((first_miss < len(cand)) | (cand[-1] == cap))
    batches = np.where(decided, cand[np.maximum(first_miss - 1, 0)], 0)
    return batches.astype(np.int64), ~decided


def operating_points_across_fits(shape: ModelShape, hw: HardwareEnergy, *, user_tokens_per_s: float, context,
                                 n_gpus: int, efficiencies, data_parallel: int = 1, mtp_acceptance: float = 0.0,
                                 batch_hint: int | None = None, **mem) -> tuple[np.ndarray, np.ndarray]:
    """:func:`latency_operating_point` for several sets of efficiency factors (e.g. bootstrap refits) at once:
    per set, the decode throughput per GPU and the power per GPU at its operating point.

    The step times of every set at every candidate batch come from one array evaluation of the step model (sets
    down, batches across) over a window around ``batch_hint``; a set whose answer lies outside the window is
    searched on its own. Same batches as one search per set (checked in the tests)."""
    effs = tuple(efficiencies)
    if not effs:
        return np.array([]), np.array([])
    u = float(user_tokens_per_s)
    from tokenecon.model.efficiency import FIELDS

    def stacked(shape_):
        return Efficiency(**{f: np.array([float(getattr(e, f)) for e in effs]).reshape(shape_) for f in FIELDS})

    kw = dict(context=context, n_gpus=n_gpus, data_parallel=data_parallel, mtp_acceptance=mtp_acceptance)
    cap = min(max_feasible_batch(shape, hw, n_gpus=n_gpus, context=context, data_parallel=data_parallel, **mem),
              10**7)
    tok = 1.0 + mtp_acceptance
    batches = np.zeros(len(effs), dtype=np.int64)
    todo = np.ones(len(effs), dtype=bool)
    if cap >= 2:
        cand = _window(1, cap, batch_hint)
        res = roofline(shape, hw, batch=cand[None, :].astype(float), efficiency=stacked((-1, 1)), **kw)
        batches, todo = _answers_in_window(user_tokens_per_second(res.step_time_s, tok) >= u, cand, cap)
    for i in np.flatnonzero(todo):  # outside the window, or no batch meets the target (the search says why)
        batches[i] = latency_operating_point(shape, hw, user_tokens_per_s=u, efficiency=effs[i], batch_hint=batch_hint,
                                             **kw, **mem).batch
    final = roofline(shape, hw, batch=batches.astype(float), efficiency=stacked((-1,)), **kw)
    return (np.asarray(final.tokens_per_s_per_gpu, dtype=float).reshape(-1),
            np.asarray(final.power_w_per_gpu, dtype=float).reshape(-1))


def operating_points_across_speeds(shape: ModelShape, hw: HardwareEnergy, *, user_tokens_per_s, context,
                                   n_gpus: int, efficiency: Efficiency, data_parallel: int = 1,
                                   mtp_acceptance: float = 0.0, batch_hint: int | None = None,
                                   **mem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`latency_operating_point` at several per-user speeds at once (a grid of interactivities): per speed,
    the batch, the decode throughput per GPU and the power per GPU. One array evaluation of the step model over a
    window around ``batch_hint`` serves every speed whose answer lies inside; the others are searched one by
    one. Same batches as one search per speed (checked in the tests)."""
    targets = np.atleast_1d(np.asarray(user_tokens_per_s, dtype=float))
    kw = dict(context=context, n_gpus=n_gpus, data_parallel=data_parallel, mtp_acceptance=mtp_acceptance,
              efficiency=efficiency)
    cap = min(max_feasible_batch(shape, hw, n_gpus=n_gpus, context=context, data_parallel=data_parallel, **mem),
              10**7)
    tok = 1.0 + mtp_acceptance
    batches = np.zeros(len(targets), dtype=np.int64)
    todo = np.ones(len(targets), dtype=bool)
    if cap >= 2 and np.all(np.isfinite(targets)) and np.all(targets > 0):
        cand = _window(1, cap, batch_hint)
        speed = user_tokens_per_second(roofline(shape, hw, batch=cand.astype(float), **kw).step_time_s, tok)
        batches, todo = _answers_in_window(speed[None, :] >= targets[:, None], cand, cap)
    for i in np.flatnonzero(todo):  # outside the window, or a speed no batch reaches (the search says why)
        batches[i] = latency_operating_point(shape, hw, user_tokens_per_s=float(targets[i]), batch_hint=batch_hint,
                                             **kw, **mem).batch
    final = roofline(shape, hw, batch=batches.astype(float), **kw)
    return (batches, np.asarray(final.tokens_per_s_per_gpu, dtype=float).reshape(-1),
            np.asarray(final.power_w_per_gpu, dtype=float).reshape(-1))


def interactivity_frontier(shape: ModelShape, hw: HardwareEnergy, *, user_tokens_per_s, context, n_gpus: int,
                           efficiency: Efficiency, data_parallel: int = 1, mtp_acceptance: float = 0.0, **mem):
    """Energy and throughput against interactivity: one :class:`OperatingPoint` per target in
    ``user_tokens_per_s`` (targets a batch of one cannot reach are left out)."""
    out = []
    for u in np.atleast_1d(np.asarray(user_tokens_per_s, dtype=float)):
        try:
            out.append(latency_operating_point(shape, hw, user_tokens_per_s=float(u), context=context, n_gpus=n_gpus,
                                               efficiency=efficiency, data_parallel=data_parallel,
                                               mtp_acceptance=mtp_acceptance, **mem))
        except EnergyInputError:
            if float(u) <= 0:
                raise
    return out
