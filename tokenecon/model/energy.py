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

Facility energy: :func:`facility_kwh_per_mtok` multiplies GPU joules by a server overhead (host CPU, DRAM,
network) and the facility PUE.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from tokenecon.model.efficiency import ASSUMED_TDP_W, PRIOR_EFFICIENCY, Efficiency, calibrated

#: Joules in one kilowatt-hour.
J_PER_KWH = 3.6e6

#: Bytes per weight by serving precision. mxfp4: 4-bit values + one 8-bit scale per 32 → 4.25 bits.
#: int4 (Kimi-K2.5 W4A16, group 32, fp16 scale) → 4.5 bits. Non-expert weights of int4/mxfp4 checkpoints are
#: bf16 in reality; the package applies one width to all weights (a <5% effect on those models' bytes).
WEIGHT_BYTES = {"bf16": 2.0, "fp8": 1.0, "int4": 4.5 / 8, "mxfp4": 4.25 / 8}

#: Which peak throughput a precision runs at: fp8 weights run fp8 tensor cores where the chip has them;
#: int4/mxfp4 weights are dequantised to bf16 (W4A16) on Hopper-class parts, so they run at the bf16 peak.
COMPUTE_PEAK = {"bf16": "bf16", "fp8": "fp8", "int4": "bf16", "mxfp4": "bf16"}

PHASES = ("decode", "prefill", "cached_input")
#: Phase aliases used by the cost model and the serving facade.
PHASE_ALIASES = {"output": "decode", "input": "prefill", "cached": "cached_input", "cached_input": "cached_input",
                 "decode": "decode", "prefill": "prefill"}


#: Chips built on the same GH100 die and TSMC 4N process as the probed H200 (NVIDIA Hopper
#: architecture whitepaper; the H800 and H20 are export variants with NVLink, clocks and enabled
#: units cut). Energy per FLOP is a property of the silicon, so they take the H200's measured J/FLOP;
#: scaling by TDP/peak would charge the H20's power cap (400 W for 15% of the compute) to every FLOP.
SAME_SILICON_AS_H200 = frozenset({"H100", "H800", "H20"})

#: Host CPU, DRAM and network energy as a fraction of GPU energy, used when none is given (CLI default).
#: Google's Gemini serving measurement: accelerators 58% and host CPU/DRAM 25% of the energy → 25/58 ≈ 0.43
#: (Elsworth et al., arXiv:2508.15734); SemiAnalysis's 8×H100 node: 8.0 kW IT for 5.6 kW of GPUs → 0.43.
#: Range used elsewhere: 0.25-0.6.
DEFAULT_SERVER_OVERHEAD = 0.4

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
    )


@lru_cache(maxsize=None)
def model_shape(name: str, precision: str | None = None) -> ModelShape:
    """The :class:`ModelShape` of the ``models`` row for ``name`` (case-insensitive)."""
    from tokenecon.data.lookup import model_row

    return shape_from_row(model_row(name), precision)


@lru_cache(maxsize=1)
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


def default_n_gpus(shape: ModelShape, hw: HardwareEnergy) -> int:
    """Smallest power of two whose HBM holds the weights within :data:`WEIGHT_MEMORY_SHARE` (max 64)."""
    n = 1
    while shape.weight_bytes_total > WEIGHT_MEMORY_SHARE * n * hw.hbm_bytes and n < 64:
        n *= 2
    return n


# --------------------------------------------------------------------------- the model (vectorised)

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
    a = np.asarray(value, dtype=float)
    bad = ~np.isfinite(a) | ((a < lo) if inclusive else (a <= lo))
    if np.any(bad):
        first = a[bad].flat[0] if a.ndim else float(a)
        op = ">=" if inclusive else ">"
        raise EnergyInputError(f"{name}: expected a finite value {op} {lo}{what}, got {first!r}")
    return a


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


def step_work(shape: ModelShape, *, batch, context, phase: str = "decode", data_parallel: int = 1):
    """(tokens, FLOPs, bytes) of one step — independent of the hardware and of the efficiency factors.

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
    if phase == "decode":
        tokens = b * np.ones_like(c)
        flops = tokens * (2.0 * shape.matmul_params + _attn_flop(shape, c))
        experts = expected_distinct_experts(shape.n_experts, shape.experts_per_token, tokens)
        bytes_ = (data_parallel * shape.dense_params * wb + shape.n_moe_layers * experts * shape.expert_params * wb
                  + tokens * _kv_read_bytes(shape, c))
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
                     efficiency: Efficiency, no_overhead=False, n_moe_layers=0.0):
    """Step time (s) and GPU-board energy (J) from the work of a step; all arguments broadcast."""
    eff = efficiency
    u = _check("flop_util", eff.flop_util, 0.0, inclusive=False)
    m = _check("bw_util", eff.bw_util, 0.0, inclusive=False)
    if np.any(u > 1) or np.any(m > 1):
        raise EnergyInputError("flop_util, bw_util: expected fractions in (0, 1]")
    ovh = 0.0 if no_overhead else (_check("step_overhead_s", eff.step_overhead_s, 0.0)
                                   + _check("moe_layer_overhead_s", eff.moe_layer_overhead_s, 0.0) * n_moe_layers)
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
    t = np.maximum(np.maximum(t_c, t_m), t_p) + ovh
    return t, n_gpus * (idle + busy) * t + dyn, t_c, t_m


def roofline(shape: ModelShape, hw: HardwareEnergy, *, batch, context, phase: str = "decode", n_gpus: int = 1,
             data_parallel: int = 1, efficiency: Efficiency | None = None, idle_w=None, j_per_flop=None,
             j_per_byte=None) -> StepResult:
    """The step model on explicit inputs (no table lookups). See the module docstring for the formulas.

    j_per_flop is per bf16 FLOP; an fp8 FLOP is charged j_per_flop × peak_bf16 / peak_fp8.
    """
    if int(n_gpus) != n_gpus or n_gpus < 1:
        raise EnergyInputError(f"n_gpus: expected an integer >= 1, got {n_gpus!r}")
    if int(data_parallel) != data_parallel or data_parallel < 1 or data_parallel > n_gpus:
        raise EnergyInputError(f"data_parallel: expected an integer in 1..n_gpus ({n_gpus}), got {data_parallel!r}")
    tokens, flops, bytes_ = step_work(shape, batch=batch, context=context, phase=phase, data_parallel=data_parallel)
    peak = hw.peak_flops(shape.precision)
    jf = hw.j_per_flop if j_per_flop is None else j_per_flop
    jf = np.asarray(jf, dtype=float) * (hw.peak_flops_bf16 / peak)
    n = int(n_gpus)
    t, energy, t_c, t_m = step_time_energy(
        tokens, flops, bytes_, n_gpus=n, peak_flops=peak, bandwidth=hw.bandwidth, tdp_w=hw.tdp_w,
        idle_w=hw.idle_w if idle_w is None else idle_w, j_per_flop=jf,
        j_per_byte=hw.j_per_byte if j_per_byte is None else j_per_byte,
        efficiency=efficiency or PRIOR_EFFICIENCY, no_overhead=PHASE_ALIASES.get(phase) == "cached_input",
        n_moe_layers=shape.n_moe_layers)
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
    )


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


def token_energy(model, hardware, *, batch, context, phase: str = "decode", precision: str | None = None,
                 n_gpus: int | None = None, data_parallel: int = 1, efficiency: Efficiency | None = None,
                 flop_util=None, bw_util=None, step_overhead_s=None, idle_w=None, j_per_flop=None,
                 j_per_byte=None) -> StepResult:
    """Full :class:`StepResult` for a model and hardware by name (or :class:`ModelShape`/:class:`HardwareEnergy`).

    efficiency: defaults to the calibrated serving factors for that hardware
    (:func:`tokenecon.model.calibration.efficiency`); ``flop_util``, ``bw_util``, ``step_overhead_s`` override
    single fields (arrays allowed). n_gpus: defaults to :func:`default_n_gpus`.
    """
    shape, hw, n = _resolve(model, hardware, precision, n_gpus)
    eff = _efficiency(hw, efficiency, {"flop_util": flop_util, "bw_util": bw_util, "step_overhead_s": step_overhead_s})
    return roofline(shape, hw, batch=batch, context=context, phase=phase, n_gpus=n, data_parallel=data_parallel,
                    efficiency=eff, idle_w=idle_w, j_per_flop=j_per_flop, j_per_byte=j_per_byte)


def joules_per_token(model, hardware, *, batch, context, phase: str = "decode", **kw) -> np.ndarray:
    """GPU-board joules per token (decode: per output token; prefill: per input token; cached_input)."""
    return token_energy(model, hardware, batch=batch, context=context, phase=phase, **kw).j_per_token


def tokens_per_second_per_gpu(model, hardware, *, batch, context, phase: str = "decode", **kw) -> np.ndarray:
    """Tokens per second per GPU from the same step-time model (for turning GPU-hours into tokens)."""
    return token_energy(model, hardware, batch=batch, context=context, phase=phase, **kw).tokens_per_s_per_gpu


def facility_kwh_per_mtok(j_per_token_gpu, server_overhead, pue):
    """Facility kWh per million tokens = J/token (GPU) × (1 + server_overhead) × PUE × 10⁶ / 3.6×10⁶.

    server_overhead: host CPU, DRAM, network energy as a fraction of GPU energy (≥ 0; Google measured host
    CPU/DRAM at 25% of accelerator-plus-host serving energy, i.e. ~0.3-0.45 of accelerator energy).
    pue: facility power usage effectiveness (≥ 1). All arguments may be arrays.
    """
    j = _check("j_per_token_gpu", j_per_token_gpu, 0.0)
    s = _check("server_overhead", server_overhead, 0.0)
    p = _check("pue", pue, 1.0)
    return j * (1.0 + s) * p * 1e6 / J_PER_KWH


def kwh_from_joules(joules):
    """kWh from joules (1 kWh = 3.6 MJ)."""
    return np.asarray(joules, dtype=float) / J_PER_KWH
