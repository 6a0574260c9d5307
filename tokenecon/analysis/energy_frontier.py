"""Energy per token against interactivity, DeepSeek's decode throughput reproduced, and every outside figure
side by side with the package's estimate for the same model, workload and boundary.

* :func:`outside_figures_comparison` — one row per ``energy_outside_figures`` row: the figure, its label
  (measured, disclosed, estimated, derived), boundary and operating point, the package's figure on the same
  boundary, their ratio, and where they differ by more than 2x, why.
* findings ``deepseek_decode_node_tokens_per_s`` (the model's 8-GPU-node decode throughput in DeepSeek's
  disclosed deployment at 21 tokens/s per user) and ``reference_gpu_j_per_output_token_at_21_tps``.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from tokenecon.data import lookup

from tokenecon.analysis.findings import Finding, Scope, finding
from tokenecon.estimate import Estimate

SECTION = "token_cost#energy-against-interactivity"
_TABLES = ("energy_outside_figures", "energy_measurements", "energy_calibration", "models", "hardware")
#: Output tokens of a query where the outside figure does not say (Epoch AI's typical ChatGPT query).
QUERY_OUTPUT_TOKENS = 500.0
#: Ratio beyond which the report must say why the package and an outside figure differ.
DIFFERS = 2.0

#: Why the package differs from a figure by more than 2x, where it does (checked against the computed ratio).
WHY = {
    "epoch_gpt4o_query": "Epoch assumes 10% FLOP utilisation for a 100B-active model (about 2x the stand-in's "
                         "active parameters); the stand-in is DeepSeek-V3 at 37B active serving a large batch.",
    "ecologits_deepseek_v3": "EcoLogits fixes batch 64 and counts 16-bit weights, so 32 GPUs serve a small batch; "
                             "its fit was made on models of at most 200B on H100 at batch <= 512, and is "
                             "extrapolated here.",
    "llm_carbon_index_low": "the index spreads all of OpenRouter's traffic (many models larger per active "
                            "parameter, closed ones guessed) over its own per-model factors, with no batch.",
    "llm_carbon_index_mid": "the index spreads all of OpenRouter's traffic (many models larger per active "
                            "parameter, closed ones guessed) over its own per-model factors, with no batch.",
    "llm_carbon_index_high": "the index's high band assumes small batches and large models for every token.",
    "inferencex_r1_b200": "InferenceX charges the whole provisioned power (2.17 kW per GPU) while the package's "
                          "model runs its own kernels' throughput; InferenceX's measured SGLang/TRT-LLM "
                          "throughput on B200 is several times vLLM's as fitted on ML.ENERGY.",
    "google_gemini_prompt": "Google's median prompt is a production mix of unknown length on TPUs; the package's "
                            "figure is a 500-output-token query of the DeepSeek-V3 stand-in.",
    "google_gemini_prompt_accelerator": "Google's median prompt is a production mix of unknown length on TPUs; the "
                                        "package's figure is a 500-output-token query of the DeepSeek-V3 stand-in.",
    "deepseek_day6_output_token": "DeepSeek's figure assumes the 10.2 kW nameplate per node for every hour of the "
                                  "fleet; the model's GPUs draw less than their TDP.",
}


def _saturation_words(row) -> str:
    """Why the package is far below a measured large-batch run: its decode step against the run's median
    inter-token latency, and the share of the run's time per token outside decode steps (the calibration's
    predicted-against-measured row of that run)."""
    from tokenecon.model import calibration as cal

    r = cal.predicted_vs_measured(out_of_sample=False).set_index("measurement_id").loc[row["measurement_id"]]
    step, itl = float(r["predicted_decode_step_s"]), float(r["measured_median_itl_s"])
    per_token = float(r["batch"] / r["measured_tokens_per_s"])
    gap = step / itl - 1
    close = f"within {abs(gap):.0%} of" if abs(gap) < 0.2 else f"{abs(gap):.0%} {'above' if gap > 0 else 'below'}"
    return (f"the model's decode step at this batch ({step * 1e3:.0f} ms) is {close} the run's median inter-token "
            f"latency ({itl * 1e3:.0f} ms), but {float(r['outside_decode_share']):.0%} of the run's time per token "
            f"({per_token * 1e3:.0f} ms) passes outside decode steps - prefill bursts, scheduling and preemption as the "
            "engine nears its memory limit - which a step model does not carry; at somewhat smaller batches its "
            f"per-sequence time, one value fitted over every {r['hardware']} model, is also short for this model")


#: Outside figures whose explanation is computed from the measurement itself (figure_id -> function of the row).
_COMPUTED_WHY = {"mlenergy_dsv31_b200_b3072": _saturation_words}


def _figures() -> pd.DataFrame:
    from tokenecon import data

    return data.load("energy_outside_figures")


def _measured_prediction(measurement_id: str) -> float:
    """The stored serving fit's GPU J per output token at one ML.ENERGY run (in sample)."""
    from tokenecon import data
    from tokenecon.model import calibration as cal
    from tokenecon.model.efficiency import calibrated

    m = data.load("energy_measurements")
    g = m[m["measurement_id"] == measurement_id].reset_index(drop=True)
    if g.empty:
        raise ValueError(f"energy_outside_figures: measurement_id {measurement_id!r} is not in energy_measurements")
    w = cal.prepare(g, data.load("models"), data.load("hardware"), data.load("gpu_energy_probe"))
    return float(cal.predict(w, calibrated(str(g["hardware"].iloc[0])))[0])


def _reference_facility_j(model: str, phase: str, country: str = "US", draws: int = 2000) -> Estimate:
    from tokenecon.model import serving

    kwh = serving.energy_kwh_per_mtok(model, phase=phase, scenario="reference", country=country, draws=draws)
    return kwh * (3.6e6 / 1e6)


def _deepseek_day_it_j(model: str = "deepseek-v3") -> float:
    """IT J per output token of DeepSeek's day in its disclosed deployment, all energy charged to output:
    decode on 144 H800 at 21 tokens/s per user + the day's prefill (32-GPU instances, one 2,048-token prompt per
    GPU per step, as the deployment scenario serves it) and cache-hit input per output token,
    GPU energy x (1 + the default server overhead)."""
    from tokenecon.model import energy as en
    from tokenecon.model import serving
    from tokenecon.model.cost import DEEPSEEK_DAY6 as D

    dec = serving.deepseek_decode_reproduction(model=model)
    j_dec = float(dec.loc[dec["user_tokens_per_s"] == 21.0, "gpu_j_per_token"].iloc[0])
    n_pre = serving.DEEPSEEK_PREFILL_GPUS
    j_pre = float(en.joules_per_token(model, "H800", batch=n_pre, context=2048, phase="prefill", n_gpus=n_pre))
    j_hit = float(en.joules_per_token(model, "H800", batch=n_pre, context=2048, phase="cached_input", n_gpus=n_pre))
    in_per_out = D.input_tokens_per_day / D.output_tokens_per_day
    gpu = j_dec + in_per_out * ((1 - D.cache_hit_share) * j_pre + D.cache_hit_share * j_hit)
    return gpu * (1.0 + en.default_server_overhead())


def _inferencex_j(row) -> float:
    """All-in provisioned J per input+output token for 1k-out / 8k-in requests on 8 x B200 at 23 tokens/s per
    user: 2.17 kW per GPU (InferenceX's provisioned power) x GPU-seconds per request / tokens per request."""
    from tokenecon.model import energy as en
    from tokenecon.model import serving

    out, inp = float(row["output_tokens"]), float(row["input_tokens"])
    case = serving.build_case(row["package_model"], phase="output", hardware=row["hardware"],
                              user_tokens_per_s=float(row["user_tokens_per_s"]), context=int(inp + out / 2))
    n = case.n_gpus
    tps_pre = float(en.tokens_per_second_per_gpu(row["package_model"], row["hardware"], batch=n, context=int(inp),
                                                 phase="prefill", n_gpus=n))
    gpu_s = out / case.point.tokens_per_second_per_gpu + inp / tps_pre
    return 2170.0 * gpu_s / (out + inp)


def _package_j(row) -> tuple[float | None, str]:
    """The package's J per token for one outside figure, on the figure's boundary, and what it is."""
    fid, model = row["figure_id"], row["package_model"]
    if isinstance(row["measurement_id"], str) and row["measurement_id"]:
        return _measured_prediction(row["measurement_id"]), "the calibrated model at the same run (in sample)"
    if not isinstance(model, str) or not model:
        return None, "no comparison: the figure's model and tokens are not disclosed"
    if fid == "ecologits_deepseek_v3":
        from tokenecon.model import energy as en

        j = float(en.joules_per_token(model, row["hardware"], batch=int(row["batch"]), context=2048,
                                      n_gpus=int(row["n_gpus"])))
        return j, "the model at EcoLogits' batch 64 on 32 H100, 2,048-token context"
    if fid == "deepseek_day6_output_token":
        return _deepseek_day_it_j(model), ("the model in DeepSeek's deployment (decode on 144 H800 at 21 tokens/s "
                                           "per user, the day's input per output token), GPU x 1.4 host overhead")
    if fid == "inferencex_r1_b200":
        return _inferencex_j(row), "the model at 23 tokens/s per user on 8 B200, 2.17 kW per GPU provisioned"
    if fid == "google_gemini_prompt":
        e = _reference_facility_j(model, "output")
        return e.central, ("stand-in DeepSeek-V3, reference scenario, facility, US; per query at Epoch's 500 output "
                           "tokens (Google discloses no token count)")
    if fid == "google_gemini_prompt_accelerator":
        from tokenecon.model import serving

        res = serving.simulate(serving.build_case(model, phase="output", country="US"), draws=2000, seed=0)
        return (res.estimate("gpu_j_per_token").central,
                "stand-in DeepSeek-V3, reference scenario, GPU only; per query at Epoch's 500 output tokens")
    if fid == "epoch_gpt4o_query":
        e = _reference_facility_j(model, "output")
        return e.central, "stand-in DeepSeek-V3, reference scenario (21 tokens/s per user, H100), facility, US"
    if fid.startswith("llm_carbon_index"):
        from tokenecon.model.cost import DEEPSEEK_DAY6 as D

        jo = _reference_facility_j(model, "output").central
        ji = _reference_facility_j(model, "input").central
        jc = _reference_facility_j(model, "cached_input").central
        i, o, h = D.input_tokens_per_day, D.output_tokens_per_day, D.cache_hit_share
        j = (o * jo + i * ((1 - h) * ji + h * jc)) / (i + o)
        return j, "stand-in DeepSeek-V3, reference scenario, facility, per token of DeepSeek's day's input/output mix"
    return None, "no comparison"


def outside_figures_comparison() -> pd.DataFrame:
    """Every outside figure beside the package's: figure_id, publisher, figure, label, boundary,
    operating_point, outside_value and outside_unit (as published), outside_j_per_token, package_j_per_token,
    package_value (in the outside unit: per query at the figure's output tokens, or 500 where it gives none),
    package_basis, ratio (package / outside, in the outside unit), why (where the ratio is beyond 2x either
    way, else empty)."""
    rows = []
    for _, r in _figures().iterrows():
        pj, basis = _package_j(r)
        oj = float(r["j_per_token"]) if pd.notna(r["j_per_token"]) else None
        per_query = str(r["unit"]).startswith("Wh per")
        tokens = float(r["output_tokens"]) if pd.notna(r["output_tokens"]) else QUERY_OUTPUT_TOKENS
        pv = (pj * tokens / 3600.0 if per_query else pj) if pj is not None else None
        ratio = (pv / float(r["value"]) if per_query else pj / oj) if (pv is not None and (oj or per_query)) else None
        differs = ratio is not None and max(ratio, 1 / ratio) > DIFFERS
        rows.append({"figure_id": r["figure_id"], "publisher": r["publisher"], "figure": r["figure"],
                     "label": r["label"], "boundary": r["boundary"], "operating_point": r["operating_point"],
                     "outside_value": float(r["value"]), "outside_unit": r["unit"], "outside_j_per_token": oj,
                     "package_j_per_token": pj, "package_value": pv, "package_basis": basis, "ratio": ratio,
                     "why": (_why(r) if differs else "")})
    return pd.DataFrame(rows)


def _why(row) -> str:
    """Why the package and an outside figure differ by more than 2x: computed from the data where the reason is
    a measurement (:data:`_COMPUTED_WHY`), else the stated reason in :data:`WHY`."""
    fn = _COMPUTED_WHY.get(row["figure_id"])
    return fn(row) if fn else WHY.get(row["figure_id"], "not yet explained")


@finding("deepseek_decode_node_tokens_per_s")
def deepseek_decode_node_tokens_per_s() -> Finding:
    from tokenecon.model import serving

    d = serving.deepseek_decode_reproduction()
    lo, mid, hi = (float(d.loc[d["user_tokens_per_s"] == u, "node_tokens_per_s"].iloc[0]) for u in (22.0, 21.0, 20.0))
    return Finding("deepseek_decode_node_tokens_per_s",
                   "model decode throughput per 8-GPU H800 node in DeepSeek's disclosed deployment",
                   Estimate(lo, mid, hi, "output tokens/s", kind="scenarios"), "output tokens/s",
                   Scope("DeepSeek-V3 on 144 H800 with data-parallel attention, 4,989-token KV",
                         "at 20-22 tokens/s per user (range from the per-user speed)", "",
                         f"disclosed average {serving.DEEPSEEK_NODE_OUTPUT_TOKENS_PER_S:,.0f}; no multi-token prediction"),
                   _TABLES, SECTION, extra={"ratio": mid / serving.DEEPSEEK_NODE_OUTPUT_TOKENS_PER_S})


@finding("reference_gpu_j_per_output_token_at_21_tps")
def reference_gpu_j_per_output_token(model: str = "deepseek-v3", hardware: str = "H100") -> Finding:
    from tokenecon.model import serving

    case = serving.build_case(model, phase="output", hardware=hardware)
    res = serving.simulate(case, draws=2000, seed=0)
    return Finding("reference_gpu_j_per_output_token_at_21_tps",
                   "GPU energy per output token at the reference per-user speed",
                   res.estimate("gpu_j_per_token", "J per output token"), "J per output token",
                   Scope(f"{lookup.model_display_name(case.model)} on {case.n_gpus} x {case.hardware}",
                         "per-user speed drawn between 18 and 25 tokens/s (mode 21)", "",
                         f"batch {case.batch:,} at 21 tokens/s per user ({case.limited_by}-limited)"),
                   _TABLES, SECTION, variant="" if (model, hardware) == ("deepseek-v3", "H100") else f"{model}, {hardware}")


def chip_constants_table() -> pd.DataFrame:
    """How each chip's energy constants and efficiency factors were obtained, and how far each was checked:
    hardware, energy_constants (the basis of idle power, J/FLOP, J/byte), serving_factors, probe_factors,
    measurements (rows of energy_measurements on that chip, by dataset)."""
    from tokenecon import data
    from tokenecon.model import efficiency
    from tokenecon.model import energy as en

    meas = data.load("energy_measurements")
    rows = []
    for hw in data.load("hardware")["hardware"]:
        try:
            basis = en.hardware_energy(hw).basis
        except en.EnergyInputError as exc:
            basis = f"not modelled: {exc}"
        m = meas[meas["hardware"] == hw]
        counts = ", ".join(f"{n} {'ML.ENERGY runs' if d == 'mlenergy_v3' else 'probe points'}"
                           for d, n in m.groupby("dataset").size().items())
        if hw == "H800":  # a throughput check, not an energy one
            from tokenecon.model import serving

            r = float(serving.deepseek_decode_reproduction().query("user_tokens_per_s == 21.0")["ratio"].iloc[0])
            counts = (counts + "; " if counts else "") + (f"decode throughput only, against DeepSeek's disclosed "
                                                          f"production (model {r:.2f} times the disclosure)")
        rows.append({"hardware": hw, "energy_constants": basis,
                     "serving_factors": efficiency.calibration_basis(hw, "serving"),
                     "probe_factors": efficiency.calibration_basis(hw, "probe"),
                     "measurements": counts or "none: never checked against a measurement"})
    return pd.DataFrame(rows)
