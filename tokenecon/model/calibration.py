"""Fit the energy model's few free efficiency factors to measurements, and report its errors.

Two regimes are fitted separately:

* ``probe`` — the H200 probe's decode proxy (CUDA graphs, no serving engine): five factors
  (flop_util, bw_util, step_overhead_s, flop_energy_factor, byte_energy_factor) on 11 points.
* ``serving`` — the ML.ENERGY v3 vLLM runs, per GPU type (H100, B200): flop_util, busy_power_w,
  moe_layer_overhead_s and seq_overhead_s (the per-sequence time that makes throughput saturate at
  large batch). bw_util, step_overhead_s and the energy-per-FLOP/byte factors are *tied* to the
  probe fit: on the serving runs, steps are bound by compute or by the power budget almost everywhere,
  so the data do not identify the achieved bandwidth or a fixed step time (fitted freely, bw_util
  landed on 0.84 or 0.99 for the H100 depending on the CPU's BLAS kernel while predictions moved by
  one part in a million). Only identified parameters are fitted and stored; see :data:`TIED_TO_PROBE`.

Each fit matches log J/token *and* log tokens/s together, so time and energy are pinned separately
(without throughput, low utilisations can masquerade as energy).

Fits minimise a robust (soft-L1) loss of the log errors (scipy ``least_squares``, fixed start, bounded), so
they are deterministic: an error within about ±20% counts as its square, a larger one about linearly
(:data:`ROBUST_LOSS`, :data:`ROBUST_SCALE`), so that a few runs far from any roofline (ML.ENERGY's
Qwen3-Coder-480B fp8 runs with data-parallel attention on B200, 3-8x slower than the same model in bf16 on
the same GPUs) do not pull every other run's prediction towards them. Errors: the probe's median absolute percentage error; ML.ENERGY's median ratio error
(max(pred/meas, meas/pred)), in-sample and leave-one-model-out (each model predicted by factors fitted
without it). Results are stored in the ``energy_calibration`` table by ``tokenecon data build`` (see
:func:`build_calibration_table`); :func:`efficiency` reads that table, so notebooks never refit.

ML.ENERGY does not publish input lengths. Each run's J/output-token is modelled as decode at the mean
context (input + output/2) plus the prefill energy of the input, spread over the output:
J/out = J_decode + (input/output) × J_prefill. The input lengths per task are assumptions
(:data:`TASK_INPUT_TOKENS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tokenecon.model import energy as en
from tokenecon.model.efficiency import SERVING_FIT_FOR, Efficiency, calibrated

#: Assumed mean prompt length per ML.ENERGY task (tokens, including chat template / system prompt).
#: lm-arena-chat: single-turn Chatbot Arena prompts, mostly short (~100-300 tokens);
#: gpqa: a multiple-choice science question with four options and instructions (~200-400);
#: sourcegraph-fim: fill-in-the-middle code completion with file prefix and suffix (~500-2,000).
#: Uncertain by ~2x; they move the prediction little except for sourcegraph-fim (short outputs).
TASK_INPUT_TOKENS = {"lm-arena-chat": 200.0, "gpqa": 300.0, "sourcegraph-fim": 1000.0}

#: Tokens per prefill step (vLLM chunked prefill batches prompt tokens into chunks of this order).
PREFILL_CHUNK_TOKENS = 2048.0


PROBE_PARAMS = ("flop_util", "bw_util", "step_overhead_s", "flop_energy_factor", "byte_energy_factor")
SERVING_PARAMS = ("flop_util", "busy_power_w", "moe_layer_overhead_s", "seq_overhead_s")
#: Serving-regime factors never identified by the ML.ENERGY runs, carried over from the probe fit.
TIED_TO_PROBE = ("bw_util", "step_overhead_s", "flop_energy_factor", "byte_energy_factor")
#: A candidate serving factor counts as identified when tying it to the probe's value raises the fit's
#: loss (:func:`loss`) by more than this fraction. On the B200 runs no step is compute-bound at any
#: flop_util above 0.4, so the loss is flat there and flop_util is tied (the rule decides it, not a list).
IDENTIFIED_MIN_LOSS_RISE = 1e-4
#: The fits' loss on log errors (scipy ``least_squares`` ``loss``) and its scale (log units): soft-L1 is
#: quadratic for errors well below the scale and grows like its absolute value beyond it.
ROBUST_LOSS = "soft_l1"
ROBUST_SCALE = 0.2
#: Significant digits stored: the factors move in the 8th digit between BLAS kernels; three digits is
#: far below their real uncertainty and far above that noise.
STORED_DIGITS = 3
ALL_PARAMS = PROBE_PARAMS + ("busy_power_w", "moe_layer_overhead_s", "seq_overhead_s")
_BOUNDS = {"flop_util": (0.02, 1.0), "bw_util": (0.02, 1.0), "step_overhead_s": (0.0, 0.2),
           "flop_energy_factor": (0.2, 5.0), "byte_energy_factor": (0.2, 5.0), "busy_power_w": (0.0, 1000.0),
           "moe_layer_overhead_s": (0.0, 0.01), "seq_overhead_s": (0.0, 1e-3)}
_START = {"flop_util": 0.5, "bw_util": 0.7, "step_overhead_s": 0.002, "flop_energy_factor": 1.0,
          "byte_energy_factor": 1.0, "busy_power_w": 100.0, "moe_layer_overhead_s": 1e-4,
          "seq_overhead_s": 1e-5}


@dataclass(frozen=True)
class _Work:
    """Per-measurement work and hardware constants, precomputed once (they do not depend on the factors)."""

    dec: tuple  # tokens, flops, bytes of a decode step
    pre: tuple | None  # tokens, flops, bytes of a prefill step (None for probe rows)
    in_per_out: np.ndarray  # input tokens per output token
    n: np.ndarray
    moe_layers: np.ndarray
    peak: np.ndarray
    bw: np.ndarray
    tdp: np.ndarray
    idle: np.ndarray
    jf: np.ndarray
    jb: np.ndarray
    measured: np.ndarray
    tokens_per_s: np.ndarray
    model: np.ndarray
    pre_seqs: np.ndarray | None = None  # prompts per prefill step
    batch: np.ndarray | None = None  # sequences per decode step (the measured batch)
    dp: np.ndarray | None = None  # data-parallel replicas (each schedules its own sequences)


def _hardware_map(hardware: pd.DataFrame, probe: pd.DataFrame) -> dict:
    h200 = hardware.loc[hardware["hardware"] == "H200"].iloc[0]
    pr = probe.iloc[0]
    return {r["hardware"]: en.hardware_energy_from_rows(r, h200, pr) for _, r in hardware.iterrows()}


def prepare(meas: pd.DataFrame, models: pd.DataFrame, hardware: pd.DataFrame, probe: pd.DataFrame) -> _Work:
    """Compute every measurement's step work (decode, and prefill for ML.ENERGY rows) and constants."""
    hw = _hardware_map(hardware, probe)
    mrows = {r["model"]: r for _, r in models.iterrows()}
    k = len(meas)
    dec = [np.zeros(k) for _ in range(3)]
    pre = [np.ones(k), np.zeros(k), np.zeros(k)]
    in_per_out = np.zeros(k)
    pre_seqs = np.ones(k)
    n, moe, peak, bw, tdp, idle, jf, jb = (np.zeros(k) for _ in range(8))
    for i, (_, r) in enumerate(meas.reset_index(drop=True).iterrows()):
        shape = en.shape_from_row(mrows[r["model"]], r["precision"])
        h = hw[r["hardware"]]
        b = float(max(r["batch"], 1.0))
        if r["dataset"] == "h200_probe":
            ctx = float(r["context_tokens"])
        else:
            inp = TASK_INPUT_TOKENS[r["task"]]
            out = float(r["avg_output_tokens"])
            ctx = inp + out / 2.0
            in_per_out[i] = inp / out
            pb = max(PREFILL_CHUNK_TOKENS / inp, 1.0)
            pre_seqs[i] = pb
            t, f, by = en.step_work(shape, batch=pb, context=inp, phase="prefill", data_parallel=int(r["data_parallel"]))
            pre[0][i], pre[1][i], pre[2][i] = float(t), float(f), float(by)
        t, f, by = en.step_work(shape, batch=b, context=ctx, phase="decode", data_parallel=int(r["data_parallel"]))
        dec[0][i], dec[1][i], dec[2][i] = float(t), float(f), float(by)
        n[i] = r["num_gpus"]
        moe[i] = shape.n_moe_layers
        peak[i] = h.peak_flops(shape.precision)
        bw[i], tdp[i], idle[i] = h.bandwidth, h.tdp_w, h.idle_w
        jf[i] = h.j_per_flop * h.peak_flops_bf16 / peak[i]
        jb[i] = h.j_per_byte
    return _Work(tuple(dec), tuple(pre), in_per_out, n, moe, peak, bw, tdp, idle, jf, jb,
                 meas["j_per_token"].to_numpy(float), meas["tokens_per_s"].to_numpy(float), meas["model"].to_numpy(),
                 pre_seqs, np.maximum(meas["batch"].to_numpy(float), 1.0), meas["data_parallel"].to_numpy(float))


def _step_kwargs(work: _Work, eff: Efficiency, rows) -> dict:
    """The hardware constants and factors :func:`energy.step_time_energy` needs for the selected measurements."""
    return dict(n_gpus=work.n[rows], peak_flops=work.peak[rows], bandwidth=work.bw[rows], tdp_w=work.tdp[rows],
                idle_w=work.idle[rows], j_per_flop=work.jf[rows], j_per_byte=work.jb[rows], efficiency=eff,
                n_moe_layers=work.moe_layers[rows])


def predict(work: _Work, eff: Efficiency, rows=slice(None), throughput: bool = False):
    """Predicted GPU J per output token for the prepared measurements (``rows`` selects a subset).

    With ``throughput=True`` returns (J/token, output tokens/s of the instance)."""
    kw = _step_kwargs(work, eff, rows)
    tok, f, by = (a[rows] for a in work.dec)
    t_dec, e_dec, _, _ = en.step_time_energy(tok, f, by, sequences=tok / work.dp[rows], **kw)
    j = e_dec / tok
    s_per_tok = t_dec / tok
    ipo = work.in_per_out[rows]
    if np.any(ipo > 0):
        ptok, pf, pby = (a[rows] for a in work.pre)
        t_pre, e_pre, _, _ = en.step_time_energy(ptok, pf, pby, sequences=work.pre_seqs[rows], **kw)
        j = j + ipo * e_pre / ptok
        s_per_tok = s_per_tok + ipo * t_pre / ptok
    return (j, 1.0 / s_per_tok) if throughput else j


def decode_step_s(work: _Work, eff: Efficiency, rows=slice(None)) -> np.ndarray:
    """The model's decode step time (s) at each prepared measurement's batch and mean context: what ML.ENERGY's
    median inter-token latency measures (a typical step, not the prefill and waits between steps), so it checks the
    step model on time alone, with nothing fitted to it."""
    tok, f, by = (a[rows] for a in work.dec)
    return en.step_time_energy(tok, f, by, sequences=tok / work.dp[rows], **_step_kwargs(work, eff, rows))[0]


def fit(work: _Work, params=SERVING_PARAMS, base: Efficiency | None = None, rows=slice(None),
        start: Efficiency | None = None) -> Efficiency:
    """Least-squares fit of ``params`` (log errors) on the selected rows; other fields from ``base``.
    ``start``: start from these factors instead of the fixed start (a bootstrap refit starts at the fit)."""
    from scipy.optimize import least_squares

    base = base or Efficiency()
    lo = np.array([_BOUNDS[p][0] for p in params])
    hi = np.array([_BOUNDS[p][1] for p in params])
    x0 = np.array([_START[p] if start is None else float(np.clip(getattr(start, p), _BOUNDS[p][0], _BOUNDS[p][1]))
                   for p in params])
    x_scale = np.maximum(np.array([_START[p] for p in params]), 1e-3)
    meas = np.log(work.measured[rows])
    meas_tps = np.log(work.tokens_per_s[rows])

    def eff_of(x):
        return Efficiency(**{**base.__dict__, **dict(zip(params, x))})

    def resid(x):
        j, tps = predict(work, eff_of(x), rows, throughput=True)
        return np.concatenate([np.log(j) - meas, np.log(tps) - meas_tps])

    res = least_squares(resid, x0, bounds=(lo, hi), x_scale=x_scale, method="trf", loss=ROBUST_LOSS,
                        f_scale=ROBUST_SCALE)
    return eff_of(res.x)


def robust_cost(residuals) -> float:
    """The soft-L1 cost :func:`fit` minimises for these log residuals: f² Σ 2(√(1 + (r/f)²) − 1), f =
    :data:`ROBUST_SCALE` (scipy's definition, without its factor ½)."""
    z = (np.asarray(residuals, dtype=float) / ROBUST_SCALE) ** 2
    return float(ROBUST_SCALE ** 2 * np.sum(2.0 * (np.sqrt(1.0 + z) - 1.0)))


def loss(work: _Work, eff: Efficiency, rows=slice(None)) -> float:
    """The robust cost of the log errors of J/token and tokens/s (what :func:`fit` minimises)."""
    j, tps = predict(work, eff, rows, throughput=True)
    r = np.concatenate([np.log(j) - np.log(work.measured[rows]), np.log(tps) - np.log(work.tokens_per_s[rows])])
    return robust_cost(r)


def identified_fit(work: _Work, base: Efficiency, candidates=SERVING_PARAMS) -> tuple[Efficiency, tuple]:
    """Fit ``candidates``, tie to ``base`` every one the data do not identify, refit the rest.

    Returns (factors, fitted parameter names). See :data:`IDENTIFIED_MIN_LOSS_RISE`."""
    eff = fit(work, candidates, base=base)
    best = loss(work, eff)
    keep = tuple(p for p in candidates
                 if loss(work, Efficiency(**{**eff.__dict__, p: getattr(base, p)})) > best * (1 + IDENTIFIED_MIN_LOSS_RISE))
    return (fit(work, keep, base=base) if keep != tuple(candidates) else eff), keep


def ratio_error(pred, meas) -> np.ndarray:
    """max(pred/meas, meas/pred): 1.0 = exact, 1.5 = off by 50% either way."""
    r = np.asarray(pred, float) / np.asarray(meas, float)
    return np.maximum(r, 1.0 / r)


def abs_pct_error(pred, meas) -> np.ndarray:
    return 100.0 * np.abs(np.asarray(pred, float) / np.asarray(meas, float) - 1.0)


def _round(eff: Efficiency) -> Efficiency:
    return Efficiency(**{k: _sig(v) for k, v in eff.__dict__.items()})


def _sig(v: float) -> float:
    return float(f"{v:.{STORED_DIGITS}g}")


def calibrate(meas: pd.DataFrame, models: pd.DataFrame, hardware: pd.DataFrame, probe: pd.DataFrame,
              lomo: bool = True) -> pd.DataFrame:
    """Fit both regimes and measure their errors. One row per (regime, fitted hardware)."""
    rows = []
    pm = meas[meas["dataset"] == "h200_probe"].reset_index(drop=True)
    wp = prepare(pm, models, hardware, probe)
    e_probe = _round(fit(wp, PROBE_PARAMS))
    pred = predict(wp, e_probe, throughput=True)
    # leave-one-point-out for the probe (it has a single model)
    lopo = (np.full(len(pm), np.nan), np.full(len(pm), np.nan))
    if lomo:
        for i in range(len(pm)):
            j, tps = predict(wp, fit(wp, PROBE_PARAMS, rows=np.arange(len(pm)) != i), np.array([i]), throughput=True)
            lopo[0][i], lopo[1][i] = j[0], tps[0]
    rows.append(_row("probe", "H200", e_probe, pm, pred, lopo, "leave-one-point-out", PROBE_PARAMS))
    ml = meas[meas["dataset"] == "mlenergy_v3"]
    for gpu in sorted(ml["hardware"].unique()):
        g = ml[ml["hardware"] == gpu].reset_index(drop=True)
        w = prepare(g, models, hardware, probe)
        e, fitted = identified_fit(w, e_probe)
        e = _round(e)
        pred = predict(w, e, throughput=True)
        out = (np.full(len(g), np.nan), np.full(len(g), np.nan))
        if lomo:
            for mdl in sorted(g["model"].unique()):
                hold = w.model == mdl
                e_lo = fit(w, fitted, base=e_probe, rows=~hold)
                out[0][hold], out[1][hold] = predict(w, e_lo, hold, throughput=True)
        rows.append(_row("serving", gpu, e, g, pred, out, "leave-one-model-out", fitted))
    return pd.DataFrame(rows)


def calibration_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The ``energy_calibration`` table from its input tables (the fit ``tokenecon data build`` runs)."""
    from tokenecon import data

    df = calibrate(frames["energy_measurements"], frames["models"], frames["hardware"], frames["gpu_energy_probe"],
                   lomo=True)
    return df[[c.name for c in data.table("energy_calibration").columns]]


def _row(regime, gpu, eff, g, pred_both, out_both, how, fitted):
    meas = g["j_per_token"].to_numpy(float)
    tps = g["tokens_per_s"].to_numpy(float)
    pred, out = pred_both[0], out_both[0]
    applies = sorted(h for h, src in SERVING_FIT_FOR.items() if src == gpu) if regime == "serving" else ["H200"]
    return {
        "regime": regime, "hardware": gpu, **eff.__dict__,
        "fitted_parameters": " ".join(fitted),
        "tied_parameters": " ".join(f"{p} (probe)" for p in ALL_PARAMS if p not in fitted and regime == "serving"),
        "n_measurements": len(g), "n_models": int(g["model"].nunique()),
        "median_abs_error_pct": _sig(np.median(abs_pct_error(pred, meas))),
        "median_ratio_error": _sig(np.median(ratio_error(pred, meas))),
        "median_abs_error_pct_out_of_sample": _sig(np.median(abs_pct_error(out, meas))),
        "median_ratio_error_out_of_sample": _sig(np.median(ratio_error(out, meas))),
        "throughput_median_ratio_error": _sig(np.median(ratio_error(pred_both[1], tps))),
        "throughput_median_ratio_error_out_of_sample": _sig(np.median(ratio_error(out_both[1], tps))),
        "out_of_sample_method": how,
        "applies_to": ", ".join(applies),
    }


def predicted_vs_measured(out_of_sample: bool = True) -> pd.DataFrame:
    """Every measurement with the model's prediction, for a predicted-vs-measured chart and error table.

    Columns: measurement_id, dataset, regime, model, hardware, precision, task, num_gpus, batch,
    measured_j_per_token, predicted_j_per_token (stored calibrated factors), measured_tokens_per_s,
    predicted_tokens_per_s, ratio_error, measured_median_itl_s (ML.ENERGY's median inter-token latency),
    predicted_decode_step_s (:func:`decode_step_s`), outside_decode_share (the share of each sequence's time per
    output token spent outside a typical decode step: 1 − median ITL × tokens/s ÷ batch), and with
    ``out_of_sample`` also predicted_j_per_token_out_of_sample (ML.ENERGY: factors refitted without that model;
    probe: without that point; ~1 s).
    """
    from tokenecon import data

    meas = data.load("energy_measurements")
    models, hardware, probe = data.load("models"), data.load("hardware"), data.load("gpu_energy_probe")
    parts = []
    for (dataset, gpu), g in meas.groupby(["dataset", "hardware"], sort=True):
        g = g.reset_index(drop=True)
        regime = "probe" if dataset == "h200_probe" else "serving"
        eff = calibrated(gpu, regime=regime)
        w = prepare(g, models, hardware, probe)
        j, tps = predict(w, eff, throughput=True)
        out = pd.DataFrame({
            "measurement_id": g["measurement_id"], "dataset": dataset, "regime": regime, "model": g["model"],
            "hardware": gpu, "precision": g["precision"], "task": g["task"], "num_gpus": g["num_gpus"],
            "batch": g["batch"], "measured_j_per_token": g["j_per_token"], "predicted_j_per_token": j,
            "measured_tokens_per_s": g["tokens_per_s"], "predicted_tokens_per_s": tps,
        })
        out["ratio_error"] = ratio_error(j, g["j_per_token"].to_numpy(float))
        out["measured_median_itl_s"] = g["median_itl_ms"].to_numpy(float) / 1e3
        out["predicted_decode_step_s"] = decode_step_s(w, eff) if regime == "serving" else np.nan
        out["outside_decode_share"] = 1.0 - out["measured_median_itl_s"] * g["tokens_per_s"] / g["batch"].clip(lower=1.0)
        if out_of_sample:
            oos = np.full(len(g), np.nan)
            if regime == "probe":
                base = calibrated("H200", regime="probe")
                for i in range(len(g)):
                    e = fit(w, PROBE_PARAMS, base=base, rows=np.arange(len(g)) != i)
                    oos[i] = predict(w, e, np.array([i]))[0]
            else:
                base = calibrated("H200", regime="probe")
                t = data.load("energy_calibration")
                fitted = tuple(t.loc[(t["regime"] == "serving") & (t["hardware"] == gpu), "fitted_parameters"].iloc[0].split())
                for mdl in sorted(g["model"].unique()):
                    hold = w.model == mdl
                    oos[hold] = predict(w, fit(w, fitted, base=base, rows=~hold), hold)
            out["predicted_j_per_token_out_of_sample"] = oos
        parts.append(out)
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- bootstrap over models

#: Bootstrap replicates of the serving fit stored per GPU type (resampling whole models with replacement).
BOOTSTRAP_REPLICATES = 20
BOOTSTRAP_SEED = 11
#: Significant digits of the stored replicates (coarser than the fit: a replicate moves with its resample).
BOOTSTRAP_DIGITS = 2


def bootstrap_fits(work: _Work, fitted, central: Efficiency, base: Efficiency, *, replicates: int = BOOTSTRAP_REPLICATES,
                   seed: int = BOOTSTRAP_SEED) -> list[Efficiency]:
    """Refits of the identified factors on resamples of the measured *models* (drawn with replacement, each
    model's runs kept together), started at the central fit so a factor a resample cannot move stays put."""
    rng = np.random.default_rng(seed)
    models = np.array(sorted(set(work.model)))
    idx = {m: np.flatnonzero(work.model == m) for m in models}
    out = []
    for _ in range(int(replicates)):
        pick = rng.choice(models, size=len(models), replace=True)
        rows = np.concatenate([idx[m] for m in pick])
        out.append(fit(work, tuple(fitted), base=base, rows=rows, start=central))
    return out


def bootstrap_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The ``energy_calibration_bootstrap`` table: per serving GPU type, :data:`BOOTSTRAP_REPLICATES` refits
    on resampled models (the fitted factors only; tied ones repeat the central fit's)."""
    from tokenecon import data

    meas, models, hardware, probe = (frames[k] for k in ("energy_measurements", "models", "hardware", "gpu_energy_probe"))
    cal = frames.get("energy_calibration")
    if cal is None:
        cal = data.load("energy_calibration")
    probe_row = cal[cal["regime"] == "probe"].iloc[0]
    e_probe = Efficiency(**{k: float(probe_row[k]) for k in Efficiency.__dataclass_fields__})
    rows = []
    ml = meas[meas["dataset"] == "mlenergy_v3"]
    for gpu in sorted(ml["hardware"].unique()):
        r = cal[(cal["regime"] == "serving") & (cal["hardware"] == gpu)].iloc[0]
        central = Efficiency(**{k: float(r[k]) for k in Efficiency.__dataclass_fields__})
        fitted = tuple(str(r["fitted_parameters"]).split())
        w = prepare(ml[ml["hardware"] == gpu].reset_index(drop=True), models, hardware, probe)
        for i, e in enumerate(bootstrap_fits(w, fitted, central, e_probe)):
            rows.append({"hardware": gpu, "replicate": i,
                         **{k: (float(f"{getattr(e, k):.{BOOTSTRAP_DIGITS}g}") if k in fitted else getattr(central, k))
                            for k in Efficiency.__dataclass_fields__},
                         "fitted_parameters": " ".join(fitted)})
    df = pd.DataFrame(rows)
    return df[[c.name for c in data.table("energy_calibration_bootstrap").columns]]
