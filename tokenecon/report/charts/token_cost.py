"""Charts of the token-cost report. Each function takes the outputs of :mod:`tokenecon.analysis.token_cost_report`,
draws one figure ending with :func:`tokenecon.report.plotting.finish` (its data attached for download), shows it and
returns it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from tokenecon.analysis import token_cost_report as tc
from tokenecon.estimate import Estimate
from tokenecon.report import notebook as reporting
from tokenecon.report import plotting
from tokenecon.report.notebook import fmt_pct


def _show(fig):
    plt.show()
    return fig


def _plain(v, _pos=None) -> str:
    """A log-axis tick as a plain number (1,000 and 0.2, not 10³ and 2×10⁻¹)."""
    return f"{v:,.0f}" if v >= 1 else f"{v:.2g}"


def _minor(v, _pos=None) -> str:
    """Minor log ticks labelled only at 2 and 5 times a power of ten (so a short axis still reads)."""
    mant = v / 10 ** np.floor(np.log10(v)) if v > 0 else 0
    return _plain(v) if round(mant) in (2, 5) and abs(mant - round(mant)) < 1e-6 else ""


def _loglog(ax, **legend):
    from matplotlib.ticker import FuncFormatter

    ax.set_xscale("log"); ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(FuncFormatter(_plain))
        axis.set_minor_formatter(FuncFormatter(_minor))
    ax.legend(**legend)


def energy_against_batch(case, curves: pd.DataFrame, measured: pd.DataFrame, fall: float):
    """Model J/token against batch per context, cut at the largest batch that fits in memory; measurements overlaid."""
    fig, ax = plt.subplots()
    for ctx, g in curves.groupby("context_tokens"):
        ok = g[g.feasible]
        ax.plot(ok.batch, ok.gpu_j_per_token, label=f"model, context {ctx:,} (fits up to batch {int(g.max_feasible_batch.iloc[0]):,})")
    if len(measured):
        ax.scatter(measured.batch, measured.j_per_token, color="black", zorder=3, label="measured (GPU board; includes prefill)")
    _loglog(ax, fontsize=8)
    plotting.finish(ax, title=f"{case.model} on {case.n_gpus} x {case.hardware}: energy per output token",
                    xlabel="Concurrent sequences per instance (batch)", ylabel="GPU energy (J per output token)",
                    takeaway=f"From one sequence per GPU to {case.batch:,} sequences, energy per token falls {fall:.0f}x at "
                             f"a 2,048-token context; each curve stops where the KV cache no longer fits in memory.",
                    data=curves)
    return _show(fig)


def probe_fit(curves: pd.DataFrame, probe: pd.DataFrame, st: dict):
    """The H200 probe: model curves (dashed beyond each context's measured batches) and the measured points."""
    fig, ax = plt.subplots()
    for ctx, g in curves.groupby("context_tokens"):
        inside = g[~g.beyond_measured]
        line, = ax.plot(inside.batch, inside.gpu_j_per_token, label=f"model, context {ctx:,}")
        if g.beyond_measured.any():
            tail = pd.concat([inside.tail(1), g[g.beyond_measured]])
            ax.plot(tail.batch, tail.gpu_j_per_token, color=line.get_color(), ls="--",
                    label=f"model, context {ctx:,}, beyond its measured batches")
        m = probe[probe.context_tokens == ctx]
        ax.scatter(m.batch, m.j_per_token, color=line.get_color(), edgecolor="black", zorder=3)
    _loglog(ax, title="points: measured")
    plotting.finish(ax, title="H200 probe: model against measurement, point by point (8B dense proxy)",
                    xlabel="Concurrent sequences (batch)", ylabel="GPU energy (J per output token)",
                    takeaway=f"Measured J/token falls {st['batch_fall']:.0f}x from batch {st['b_min']:,} to {st['b_max']:,} "
                             f"and rises {st['ctx_rise']:.1f}x from context {st['ctx_lo']:,} to {st['ctx_hi']:,} at batch "
                             f"{st['b_common']:,}; the calibrated model's median error is {st['error_pct']:.1f}% "
                             f"({st['error_pct_out']:.1f}% leaving each point out).", data=curves)
    return _show(fig)


def energy_against_speed(case, fronts: dict, band):
    """GPU J/token against per-user speed per chip, with the drawn reference speed shaded."""
    lo, mid, hi = band
    fig, ax = plt.subplots()
    for chip, f in fronts.items():
        ax.plot(f.user_tokens_per_s, f.gpu_j_per_token, marker="o", ms=3,
                label=f"{chip} ({int(f.n_gpus.iloc[0])} GPUs)" if len(f) else chip)
    ax.axvspan(lo, hi, color="grey", alpha=0.15, label="reference per-user speed, drawn")
    _loglog(ax)
    fr = fronts[case.hardware]
    fast = fr.user_tokens_per_s.max()
    plotting.finish(ax, title=f"{case.model}: GPU energy per output token against per-user speed",
                    xlabel="Output speed each user sees (tokens/s per user)", ylabel="GPU energy (J per output token)",
                    takeaway=f"On {case.hardware}, serving each user {hi:g} instead of {lo:g} tokens/s costs "
                             f"{tc.energy_at_speed(fr, hi) / tc.energy_at_speed(fr, lo):.1f}x the energy per token, and "
                             f"{fast:.0f} tokens/s costs {tc.energy_at_speed(fr, fast) / tc.energy_at_speed(fr, mid):.0f}x "
                             f"what {mid:g} does.",
                    data=pd.concat([f.assign(hardware=k) for k, f in fronts.items()]))
    return _show(fig)


def outside_figures(pts: pd.DataFrame):
    """Published energy figures against the package's, each on its own boundary, with the 2x band."""
    fig, ax = plt.subplots()
    for lab, g in pts.groupby("label"):
        ax.scatter(g.outside_value, g.package_value, label=lab, zorder=3)
    lim = [pts[["outside_value", "package_value"]].min().min() / 2, pts[["outside_value", "package_value"]].max().max() * 2]
    ax.plot(lim, lim, color="black", lw=0.8, label="equal")
    ax.plot(lim, [2 * x for x in lim], color="grey", ls="--", lw=0.8, label="2x either way")
    ax.plot(lim, [x / 2 for x in lim], color="grey", ls="--", lw=0.8)
    _loglog(ax, title="published figure is")
    within = int((np.maximum(pts.ratio, 1 / pts.ratio) <= 2).sum())
    plotting.finish(ax, title="Published energy figures against the package's, each on its own boundary",
                    xlabel="Published figure (its own unit: J per token or Wh per query)",
                    ylabel="Package's figure (same unit)",
                    takeaway=f"{within} of {len(pts)} published figures lie within 2x of the package's estimate at the "
                             "same model, workload and boundary.", data=pts)
    return _show(fig)


def cost_stack(case, stack: pd.DataFrame, share):
    """Stacked cost components per million input and output tokens, with the total's 90% interval."""
    fig, ax = plt.subplots()
    bottom = np.zeros(len(stack))
    for lab, col in (("capex", "#4c72b0"), ("other", "#8c8c8c"), ("electricity", "#dd8452")):
        ax.bar(stack.tokens, stack[lab], bottom=bottom, label=lab, color=col)
        bottom += stack[lab].to_numpy()
    ax.errorbar(stack.tokens, stack.total, yerr=[stack.total - stack.total_low, stack.total_high - stack.total],
                fmt="none", color="black", capsize=6, label="total, 90% interval")
    ax.legend()
    plotting.finish(ax, title=f"Cost of a million tokens: {case.model} on {case.hardware}, {case.country} power",
                    xlabel="Token type", ylabel="Cost (USD per million tokens, medians of components)",
                    takeaway=f"Electricity is {fmt_pct(share.central)} ({fmt_pct(share.low)}–{fmt_pct(share.high)}) of "
                             "the cost of an output token; the hardware is most of it.", data=stack)
    return _show(fig)


def regions(case, reg: pd.DataFrame, cheaper):
    """Cost per million output tokens by electricity region, electricity stacked on the rest."""
    fig, ax = plt.subplots()
    rest = reg["total (USD/M)"] - reg["electricity (USD/M)"]
    ax.bar(reg.region, rest, color="#4c72b0", label="hardware, facility, opex")
    ax.bar(reg.region, reg["electricity (USD/M)"], bottom=rest, color="#dd8452", label="electricity")
    ax.errorbar(reg.region, reg["total (USD/M)"], yerr=[reg["total (USD/M)"] - reg["total p05"],
                                                        reg["total p95"] - reg["total (USD/M)"]],
                fmt="none", color="black", capsize=4)
    ax.legend()
    plotting.finish(ax, title=f"Cost of a million output tokens by electricity region ({case.model}, {case.hardware})",
                    xlabel="Region (industrial electricity price)", ylabel="Cost (USD per million output tokens)",
                    takeaway=f"{fmt_pct(tc.CHEAPER_POWER_CUT, 0)} cheaper power lowers the cost of a token by "
                             f"{fmt_pct(-cheaper.central)} ({fmt_pct(-cheaper.high)}–{fmt_pct(-cheaper.low)}).", data=reg)
    return _show(fig)


def chips(case, ban: "tc.ChipBan"):
    """Cost per million output tokens by accelerator and region, H100 first."""
    t = ban.table.assign(label=ban.table.hardware + " · " + ban.table.region)
    h100 = t[(t.hardware == "H100")]["total (USD/M)"].iloc[0]
    hub_min = t[t.region == "CN-WEST-HUB"]["total (USD/M)"].min()
    fig, ax = plt.subplots()
    ax.barh(t.label, t["total (USD/M)"], xerr=[t["total (USD/M)"] - t["total p05"], t["total p95"] - t["total (USD/M)"]],
            color=["#1f77b4" if h == "H100" else "#d62728" for h in t.hardware], capsize=4)
    ax.invert_yaxis()
    plotting.finish(ax, title=f"The chip ban: cost of a million {case.model} output tokens by accelerator",
                    xlabel="Cost (USD per million output tokens, median and 90% interval)",
                    ylabel="Accelerator · electricity region",
                    takeaway=f"An H20 token costs {ban.ratio_model:.1f}x an H100 token on the model and "
                             f"{ban.ratio_measured.central:.1f}x on measured throughputs; "
                             + ("subsidised power leaves every Ascend row above the H100." if hub_min > h100 else
                                "subsidised power brings an Ascend row to or below the H100."), data=t)
    return _show(fig)


def moe(case, table: pd.DataFrame, adv: dict):
    """Cost per output token of the MoE and the dense model per serving scenario (log scale)."""
    scen = list(dict.fromkeys(table.scenario))
    x = np.arange(len(scen))
    fig, ax = plt.subplots()
    for i, mdl in enumerate(dict.fromkeys(table.model)):
        sub = table[table.model == mdl].set_index("scenario").loc[scen]
        ax.bar(x + (i - 0.5) * 0.38, sub["total (USD/M)"], width=0.38, label=mdl, capsize=4,
               yerr=[sub["total (USD/M)"] - sub["total p05"], sub["total p95"] - sub["total (USD/M)"]])
    ax.set_xticks(x, scen); ax.set_yscale("log"); ax.legend()
    plotting.finish(ax, title=f"MoE (DeepSeek-V3) against dense (Llama-3.1-405B) on {case.hardware}",
                    xlabel="Serving scenario", ylabel="Cost (USD per million output tokens, log scale)",
                    takeaway=f"The MoE is {adv['reference']:.1f}x cheaper per token at large batch and "
                             f"{adv['small-batch']:.1f}x at small batch.", data=table)
    return _show(fig)


def predicted_vs_measured(pvm: pd.DataFrame, errs: pd.DataFrame):
    """Out-of-sample predicted against measured J/token with the ±1.5x band."""
    r = tc.SERVING_TARGET_RATIO
    fig, ax = plt.subplots()
    for (ds, gpu), g in pvm.groupby(["dataset", "hardware"]):
        ax.scatter(g.measured_j_per_token, g.predicted_j_per_token_out_of_sample, s=14, alpha=0.7, label=f"{ds} · {gpu}")
    both = pvm[["measured_j_per_token", "predicted_j_per_token_out_of_sample"]]
    lo, hi = both.min().min(), both.max().max()
    ax.plot([lo, hi], [lo, hi], color="black", lw=1, label="1:1")
    ax.plot([lo, hi], [lo * r, hi * r], color="grey", lw=0.8, ls="--", label=f"±{r}x")
    ax.plot([lo, hi], [lo / r, hi / r], color="grey", lw=0.8, ls="--")
    _loglog(ax, fontsize=8)
    serv = errs[errs.regime == "serving"]
    plotting.finish(ax, title="Energy model: out-of-sample prediction against measurement",
                    xlabel="Measured GPU energy (J per output token)", ylabel="Predicted GPU energy (J per output token)",
                    takeaway=f"Out of sample, the median ratio error on ML.ENERGY is "
                             f"{serv.median_ratio_error_out_of_sample.min():.2f}–"
                             f"{serv.median_ratio_error_out_of_sample.max():.2f}x by GPU type.", data=pvm)
    return _show(fig)


def ratio_against_batch(pvm: pd.DataFrame, dec: pd.DataFrame):
    """Predicted over measured J/token of each serving run against batch, with the median per batch decile."""
    fig, ax = plt.subplots()
    for gpu, g in pvm.groupby("hardware"):
        pts = ax.scatter(g.batch, g.ratio, s=10, alpha=0.5, label=f"{gpu} runs")
        d = dec[dec.GPU == gpu]
        ax.plot(d["median batch"], d["median pred/meas"], color=pts.get_facecolor()[0][:3], lw=2,
                label=f"{gpu}, median by batch decile")
    ax.axhline(1, color="black", lw=0.8)
    for y in (tc.SERVING_TARGET_RATIO, 1 / tc.SERVING_TARGET_RATIO):
        ax.axhline(y, color="grey", ls="--", lw=0.8)
    _loglog(ax)
    worst = dec.loc[dec["median ratio error"].idxmax()]
    out = dec.loc[dec["leaving the model out"].idxmax()]
    ok = worst["median ratio error"] <= tc.SERVING_TARGET_RATIO
    large_ok = bool((dec.loc[dec["median batch"] >= 1000, "median ratio error"] <= tc.SERVING_TARGET_RATIO).all())
    plotting.finish(ax, title="Serving regime: predicted over measured energy per token, against batch",
                    xlabel="Concurrent sequences (batch, ML.ENERGY runs)", ylabel="Predicted / measured (J per output token)",
                    takeaway=f"The worst batch decile is {worst['GPU']} batches {worst['batches']}, at a median ratio "
                             f"error of {worst['median ratio error']:.2f} ({'within' if ok else 'above'} the "
                             f"{tc.SERVING_TARGET_RATIO}x target, dashed); leaving each model out, the worst is "
                             f"{out['GPU']} batches {out['batches']} at {out['leaving the model out']:.2f}; past batch 1,000 "
                             f"{'every decile is' if large_ok else 'not every decile is'} within the target.", data=pvm)
    return _show(fig)


def saturation(sat: pd.DataFrame, model_name: str, hardware: str, n_gpus: int):
    """One model's measured time per token and median decode step against batch, beside the model's decode step."""
    fig, ax = plt.subplots()
    ax.plot(sat.batch, sat["measured time per token (ms)"], marker="o", label="measured: time per output token of a sequence")
    ax.plot(sat.batch, sat["measured median step (ms)"], marker="s", label="measured: median inter-token latency (a decode step)")
    ax.plot(sat.batch, sat["model decode step (ms)"], marker="^", ls="--", label="model: decode step")
    _loglog(ax, fontsize=8)
    last = sat.iloc[-1]
    plotting.finish(ax, title=f"{model_name} on {n_gpus} x {hardware} (ML.ENERGY, vLLM): step time against batch",
                    xlabel="Concurrent sequences (batch)", ylabel="Time (ms)",
                    takeaway=f"At batch {last.batch:,.0f} the model's decode step ({last['model decode step (ms)']:.0f} ms) is close "
                             f"to the measured median step ({last['measured median step (ms)']:.0f} ms), but a sequence waits "
                             f"{last['measured time per token (ms)']:.0f} ms per token: {last['time outside decode steps']:.0%} of "
                             "its time passes outside decode steps.", data=sat)
    return _show(fig)


def carbon(case, c: dict, regions=("CN", "US")):
    """CO2 per million output tokens on each grid, median and 90% interval."""
    g = c["g"]
    vals = [g[r].central for r in regions]
    fig, ax = plt.subplots()
    ax.bar(list(regions), vals, yerr=[[v - g[r].low for v, r in zip(vals, regions)],
                                      [g[r].high - v for v, r in zip(vals, regions)]],
           color=["#d62728", "#1f77b4"], capsize=6)
    words = " and ".join(f"{v:.2f}x on {k}" for k, v in c["ratio"].items())
    plotting.finish(ax, title=f"Carbon per million {case.model} output tokens, same energy on two grids",
                    xlabel="Grid (location-based average intensity)", ylabel="Emissions (gCO2 per M output tokens)",
                    takeaway=f"The same token emits {c['ratio_low']:.2f}–{c['ratio_high']:.2f}x as much CO2 on China's "
                             f"grid as on the US grid ({words}); bars: median and 90% interval.",
                    data=pd.DataFrame({"grid": list(regions), "median": vals, "p05": [g[r].low for r in regions],
                                       "p95": [g[r].high for r in regions]}))
    return _show(fig)


def tornado(bars: pd.DataFrame, central_total: float, el_rank: int, n_inputs: int):
    """Cost per million output tokens with each input at its low and high; the takeaway names only bars shown."""
    fig, ax = plt.subplots()
    y = np.arange(len(bars))
    ax.barh(y, np.abs(bars.high_value - bars.low_value), left=np.minimum(bars.low_value, bars.high_value), color="#4c72b0")
    ax.axvline(central_total, color="black", lw=1)
    ax.set_yticks(y, bars.label); ax.invert_yaxis()
    plotting.finish(ax, title="Tornado: cost of a million output tokens",
                    xlabel="Cost (USD per million output tokens) with the input at its low and high", ylabel="Input",
                    takeaway=f"{bars.label.iloc[0]} moves the cost most; " + (
                        f"the electricity price spread ranks {el_rank} of {n_inputs} inputs (bar {el_rank} of the "
                        f"{len(bars)} shown)." if el_rank else "the electricity price is fixed here, so it has no bar."),
                    data=bars)
    return _show(fig)


# --------------------------------------------------------------------------- tables

STACK_COLUMNS = {"tokens": "tokens", "capex": "capex (USD/M)", "electricity": "electricity (USD/M)", "other": "other (USD/M)",
                 "total": "total median (USD/M)", "total_low": "total p05", "total_high": "total p95",
                 "share": "electricity share", "share_low": "share p05", "share_high": "share p95",
                 "priced_as": "list price of", "price_date": "price in effect since", "list_price": "list price (USD/M)",
                 "gross_margin": "implied gross margin at median cost"}
OUTSIDE_COLUMNS = {"publisher": "Publisher", "figure": "Figure", "label": "Label", "boundary": "Boundary",
                   "operating_point": "Holds at", "outside_value": "Published", "outside_unit": "Unit",
                   "package_value": "Package (same unit)", "ratio": "Package / published"}
CHIP_COLUMNS = {"hardware": "Chip", "energy_constants": "Energy constants", "serving_factors": "Serving factors",
                "probe_factors": "Probe-regime factors", "measurements": "Checked against"}


def stack_table(stack: pd.DataFrame) -> None:
    """The cost stack with its list price and implied gross margin, in words."""
    from tokenecon.report.glossary import model_name

    shown = stack.assign(priced_as=stack["priced_as"].map(lambda m: model_name(m) if isinstance(m, str) else m))
    reporting.show_table(shown.rename(columns=STACK_COLUMNS)[list(STACK_COLUMNS.values())],
                         caption="Cost stack per million tokens (medians; 90% intervals on total and share)", uuid="stack",
                         data=stack)


#: The boundaries of the outside figures (``energy_outside_figures``) in words.
BOUNDARY_WORDS = {"gpu_board": "GPU board", "it": "IT (whole node)", "facility": "facility (IT x PUE)",
                  "provisioned": "provisioned power"}


def outside_table(cmp_: pd.DataFrame) -> None:
    """Outside energy figures beside the package's estimate."""
    t = cmp_.assign(boundary=cmp_["boundary"].map(lambda b: BOUNDARY_WORDS.get(b, b)))
    reporting.show_table(t.rename(columns=OUTSIDE_COLUMNS)[list(OUTSIDE_COLUMNS.values())],
                         caption="Outside energy figures and the package's estimate", uuid="outside", data=cmp_)


DEEPSEEK_COLUMNS = {"quantity": "quantity", "unit": "unit", "disclosed": "disclosed", "model_low": "model, low (5%)",
                    "model_median": "model, median", "model_high": "model, high (95%)",
                    "model / disclosed": "model / disclosed", "basis": "basis"}


def deepseek_table(ds: pd.DataFrame) -> None:
    """DeepSeek's disclosed day beside the model's median and 90% interval, with their ratio."""
    t = ds.assign(**{"model / disclosed": ds["model_median"] / ds["disclosed"]})
    reporting.show_table(t.rename(columns=DEEPSEEK_COLUMNS)[list(DEEPSEEK_COLUMNS.values())],
                         caption="DeepSeek day-6 disclosure against the model (model: median and 90% interval)",
                         uuid="deepseek", data=ds)


DEPLOYMENT_COLUMNS = {"total (USD/M)": "cost (USD per million tokens)", "total p05": "low (5%)", "total p95": "high (95%)",
                      "tok/s per GPU": "tokens/s per GPU", "GPU J/token": "GPU J per token"}


def deployment_table(dep: pd.DataFrame) -> None:
    """One model served on the fewest GPUs that hold it and as DeepSeek deploys it, per phase."""
    reporting.show_table(dep.rename(columns=DEPLOYMENT_COLUMNS),
                         caption="DeepSeek-V3 on H800: the fewest GPUs per instance against DeepSeek's deployment "
                                 "(median and 90% interval of the cost)", uuid="deployment", data=dep)


def chip_constants_table(t: pd.DataFrame) -> None:
    """How each chip's constants were obtained and checked."""
    reporting.show_table(t.rename(columns=CHIP_COLUMNS), caption="How each chip's constants were obtained and checked",
                         uuid="chips", data=t)


# --------------------------------------------------------------------------- records

_PER_M, _CO2 = "USD per million tokens", "gCO2 per million tokens"
#: Label and unit of each figure the report records for the runner (key -> (label, unit)).
RECORDS = {
    "facility_j_per_token_output": ("Facility energy per output token (median)", "J per token"),
    "facility_j_per_token_output_interval": ("Facility energy per output token, 90% interval", "J per token"),
    "electricity_share_output": ("Electricity share of the cost of an output token (median)", "share"),
    "electricity_share_output_interval": ("Electricity share, 90% interval", "share"),
    "cost_usd_per_mtok_output": ("Cost per million output tokens (median)", _PER_M),
    "energy_kwh_per_mtok_output": ("Facility energy per million output tokens (median)", "kWh per million tokens"),
    "cheaper_power_40pct_effect": (f"Change in cost per output token with electricity {fmt_pct(tc.CHEAPER_POWER_CUT, 0)} "
                                   "cheaper than the US price (median)", "share"),
    "cheaper_power_40pct_effect_interval": ("Same, 90% interval", "share"),
    "h20_vs_h100_cost_ratio_measured": ("H20 / H100 cost per output token, measured throughputs (median)", "ratio"),
    "h20_vs_h100_cost_ratio_model": ("H20 / H100 cost per output token, energy model (median)", "ratio"),
    "moe_vs_dense_cost_ratio_reference": ("Dense 405B / MoE DeepSeek-V3 cost per output token, reference scenario", "ratio"),
    "deepseek_usd_per_mtok_output_model_rental": ("Model cost per M output tokens at $2/GPU-h, DeepSeek's day (median)", _PER_M),
    "deepseek_usd_per_mtok_output_disclosed": ("DeepSeek disclosed cost per M output tokens (all cost on output)", _PER_M),
    "carbon_g_per_mtok_output_cn": ("CO2 per million output tokens on China's grid (median)", _CO2),
    "carbon_g_per_mtok_output_cn_interval": ("Same, 90% interval", _CO2),
    "carbon_g_per_mtok_output_us": ("CO2 per million output tokens on the US grid (median)", _CO2),
    "carbon_g_per_mtok_output_us_interval": ("Same, 90% interval", _CO2),
    "electricity_share_marginal": ("Electricity share of the cost once GPUs are sunk (median)", "share"),
    "verdict_electricity_derivative": ("Is a token an electricity derivative?", None),
}


def record(values: dict) -> None:
    """Record each figure under its key with the label and unit of :data:`RECORDS` (an Estimate: its median under
    the key, and [5th, 95th percentile] under ``key_interval`` when that key is listed)."""
    for key, value in values.items():
        est = value if isinstance(value, Estimate) else None
        label, unit = RECORDS[key]
        reporting.record(key, est.central if est else value, label=label, unit=unit)
        if est and f"{key}_interval" in RECORDS:
            label, unit = RECORDS[f"{key}_interval"]
            reporting.record(f"{key}_interval", [est.low, est.high], label=label, unit=unit)
