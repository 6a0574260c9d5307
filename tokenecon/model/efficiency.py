"""The energy model's free factors: their type, the prior, and the calibrated values stored in ``data/``.

Below both :mod:`tokenecon.model.energy` (which uses the factors) and
:mod:`tokenecon.model.calibration` (which fits them), so neither imports the other's caller.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np
import pandas as pd

from tokenecon import data
from tokenecon.data.lookup import hardware_name, hardware_row

@dataclass(frozen=True)
class Efficiency:
    """The free factors of the model (fitted by :mod:`tokenecon.model.calibration`).

    flop_util: achieved fraction of peak FLOP/s; bw_util: achieved fraction of peak HBM bandwidth;
    step_overhead_s: fixed time per step (kernel launches, scheduling, sampling);
    flop_energy_factor / byte_energy_factor: energy per FLOP / per byte of the workload relative to the
    probe's GEMM / copy microbenchmarks; busy_power_w: power per GPU above idle drawn whenever a step
    runs, whatever its FLOPs and bytes (clocks up, schedulers, host-side waits with the GPU awake);
    moe_layer_overhead_s: extra time per MoE layer per step (routing, token permutation, grouped-GEMM
    launches), so a step's fixed time is step_overhead_s + moe_layer_overhead_s × MoE layers;
    seq_overhead_s: time per sequence in the step (the serving engine's per-request work each step:
    scheduling, input preparation, sampling, detokenisation, and for MoE the token dispatch), which
    grows with the batch and makes throughput saturate at 1/seq_overhead_s sequence-steps per second.
    Fields may be floats or arrays (Monte Carlo draws).
    """

    flop_util: float = 0.6
    bw_util: float = 0.8
    step_overhead_s: float = 0.0
    flop_energy_factor: float = 1.0
    byte_energy_factor: float = 1.0
    busy_power_w: float = 0.0
    moe_layer_overhead_s: float = 0.0
    seq_overhead_s: float = 0.0


#: Ideal kernels: the probe's achieved GEMM and copy rates relative to the H200's peak, no overhead.
#: Used only when no calibration is available; :func:`tokenecon.model.calibration.efficiency` is the default.
PRIOR_EFFICIENCY = Efficiency(flop_util=661.3 / 989.0, bw_util=4.30 / 4.8, step_overhead_s=0.0)

FIELDS = tuple(f.name for f in fields(Efficiency))

#: Ascend 910C board power is not published (hardware table caveat). Assumption: two 910B-class dies at
#: 400 W each (910B TDP in the hardware table) → 800 W. For scale, SemiAnalysis's CloudMatrix-384 system
#: figure is 559 kW / 384 chips = 1.46 kW per chip *including* optics, networking and host.
ASSUMED_TDP_W = {"Ascend 910C": 800.0}


def tdp_w(hardware: str) -> float:
    """Board power limit of ``hardware`` (W): the table's value, else the assumption in :data:`ASSUMED_TDP_W`."""
    key = hardware_name(hardware)
    v = float(hardware_row(key)["tdp_w"])
    return ASSUMED_TDP_W.get(key, float("nan")) if np.isnan(v) else v


#: Hardware whose serving factors come from which fitted GPU type: Hopper-class and older or
#: non-NVIDIA parts use the H100 fit; Blackwell parts the B200 fit (no serving measurements exist for
#: the others — an assumption, stated in the table).
SERVING_FIT_FOR = {"A100": "H100", "H100": "H100", "H800": "H100", "H200": "H100", "H20": "H100",
                   "Ascend 910B": "H100", "Ascend 910C": "H100", "B200": "B200", "GB200": "B200"}


# --------------------------------------------------------------------------- stored factors

def _table() -> pd.DataFrame | None:
    try:
        return data.load("energy_calibration")
    except FileNotFoundError:
        return None


def _factor_rows(t: pd.DataFrame) -> dict[tuple[str, str], dict[str, float]]:
    """(regime, hardware) -> the stored factors of its first row."""
    out: dict[tuple[str, str], dict[str, float]] = {}
    for _, r in t.iterrows():
        out.setdefault((str(r["regime"]), str(r["hardware"])), {k: float(r[k]) for k in FIELDS})
    return out


def calibrated(hardware: str, regime: str = "serving") -> Efficiency:
    """The stored calibrated factors for ``hardware`` (serving: via :data:`SERVING_FIT_FOR`).

    regime "serving" (vLLM-like production serving, the default for cost and energy estimates) or "probe"
    (ideal CUDA-graph kernels fitted on the H200 probe, applied to any chip with that chip's own peaks,
    bandwidth, idle and TDP: :func:`calibration_basis` says it in words). Falls back to :data:`PRIOR_EFFICIENCY` only if the
    ``energy_calibration`` table has not been built.
    """
    if regime not in ("serving", "probe"):
        raise ValueError(f"regime: {regime!r} is not one of ['serving', 'probe']")
    key = hardware_name(hardware)
    try:
        rows = data.derived("energy_calibration", _factor_rows)
    except FileNotFoundError:
        return PRIOR_EFFICIENCY
    src = SERVING_FIT_FOR.get(key, "H100") if regime == "serving" else "H200"
    if (regime, src) not in rows:
        raise ValueError(f"energy_calibration has no {regime!r} row for {src!r}")
    factors = dict(rows[(regime, src)])
    if src != key:
        # A chip borrowing another's fit keeps its utilisations, but the power drawn above idle while
        # serving is a share of the board's power budget: scale it by TDP. Unscaled, the H100's 313 W
        # would leave an H20 (400 W TDP) almost no headroom and make it falsely power-bound.
        factors["busy_power_w"] *= tdp_w(key) / tdp_w(src)
    return Efficiency(**factors)


def _bootstrap_table() -> pd.DataFrame | None:
    try:
        return data.load("energy_calibration_bootstrap")
    except FileNotFoundError:
        return None


@lru_cache(maxsize=None)
def bootstrap_factors(hardware: str) -> tuple[Efficiency, ...]:
    """The stored bootstrap refits of the serving factors that ``hardware`` uses (via :data:`SERVING_FIT_FOR`,
    busy power scaled by TDP as in :func:`calibrated`); empty when the table has not been built."""
    key = hardware_name(hardware)
    t = _bootstrap_table()
    if t is None:
        return ()
    src = SERVING_FIT_FOR.get(key, "H100")
    out = []
    for _, r in t[t["hardware"] == src].sort_values("replicate").iterrows():
        f = {k: float(r[k]) for k in FIELDS}
        if src != key:
            f["busy_power_w"] *= tdp_w(key) / tdp_w(src)
        out.append(Efficiency(**f))
    return tuple(out)


def calibration_basis(hardware: str, regime: str = "serving") -> str:
    """In words: where ``hardware``'s efficiency factors come from in ``regime``, and whether that chip was
    ever measured in it (the assumption a reader must know)."""
    key = hardware_name(hardware)
    if regime == "probe":
        if key == "H200":
            return "probe regime: factors fitted on the H200 probe itself (11 decode-proxy points)"
        return (f"probe regime on {key}, never probed: the H200 probe's kernel efficiencies (fractions of peak "
                f"FLOP/s and bandwidth, step overhead, energy per FLOP and per byte relative to the probe's "
                f"microbenchmarks) applied to {key}'s own peaks, bandwidth, idle power and TDP - an assumption")
    src = SERVING_FIT_FOR.get(key, "H100")
    if src == key:
        return f"serving regime: factors fitted on ML.ENERGY's vLLM runs on {key}"
    return (f"serving regime on {key}, never measured serving: the factors fitted on ML.ENERGY's {src} runs "
            f"(busy power scaled by TDP) applied to {key}'s peaks, bandwidth, idle power and TDP - an assumption")


def errors_table() -> pd.DataFrame:
    """The stored calibration errors (from the ``energy_calibration`` table)."""
    t = _table()
    if t is None:
        raise FileNotFoundError("energy_calibration table not built (run `tokenecon data build energy_calibration`)")
    return t


