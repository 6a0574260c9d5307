"""Charts and tables of the price-elasticity report. Each function takes the outputs of
:mod:`tokenecon.analysis.price_elasticity` (a :class:`~tokenecon.analysis.price_elasticity.Study` or its parts),
draws one figure (ending with :func:`tokenecon.report.plotting.finish`, its data attached for download) or shows one
table, and returns the figure or the table's data."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from tokenecon.analysis import price_elasticity as pe
from tokenecon.model import elasticity as el
from tokenecon.report import notebook as reporting
from tokenecon.report import plotting
from tokenecon.report.notebook import fmt_pct as _pct

#: Estimator rows of the table and the chart, in the order of :attr:`Study.results`.
ESTIMATOR_LABELS = ["naive (all models)", "naive (models with a quality index)", "naive + quality index",
                    "model and week fixed effects", "event study (price changes)"]
CROSS, IDENTIFIED, NOT_IDENTIFIED, ANCHOR = "#ff7f0e", "#1f77b4", "#9a9a9a", "#d62728"


def _show(fig):
    plt.show()
    return fig


def price_usage_scatter(s: pe.Study):
    """Each model-week's effective price against its tokens, by bloc, with the naive log-log fit."""
    panel, naive = s.panel, s.naive
    fig, ax = plt.subplots()
    for bloc, g in panel.groupby("bloc"):
        ax.scatter(g["price_usd_per_mtok"], g["tokens"], s=22, alpha=0.75, color=plotting.BLOC_COLORS.get(bloc, "#7f7f7f"),
                   label=f"{plotting.BLOC_NAMES.get(bloc, bloc)} ({g['model'].nunique()} models)")
    x = np.geomspace(panel["price_usd_per_mtok"].min(), panel["price_usd_per_mtok"].max(), 50)
    lq, lp = np.log(panel["tokens"]).mean(), np.log(panel["price_usd_per_mtok"]).mean()
    ax.plot(x, np.exp(lq + naive.raw_coef * (np.log(x) - lp)), color="black", lw=1,
            label=f"naive log-log fit, slope {naive.raw_coef:+.2f}")
    ax.set_xscale("log"); ax.set_yscale("log"); ax.legend(fontsize=8)
    plotting.finish(ax, title="Effective price and weekly tokens, OpenRouter top 10",
                    xlabel="Effective list price (USD per million tokens, own mix)", ylabel="Tokens in the week (tokens)",
                    takeaway=f"Across models the slope is {naive.raw_coef:+.2f} (95% CI {naive.raw_ci_low:+.2f} to "
                             f"{naive.raw_ci_high:+.2f}): no sign that dearer models sell fewer tokens.",
                    data=panel[["model", "period", "bloc", "price_usd_per_mtok", "tokens"]])
    return _show(fig)


def _status(r) -> str:
    if r.estimator.startswith("naive"):
        return "computed, but not an elasticity: cross-model, confounded by quality"
    return "yes" if r.identified else r.note


def estimator_table(s: pe.Study) -> pd.DataFrame:
    """The five slopes with their intervals, sample sizes and whether each is an identified elasticity."""
    rs = s.results
    df = pd.DataFrame({
        "estimator": ESTIMATOR_LABELS[:3] + [s.fe.estimator, s.es.estimator],
        "slope (95% CI)": [f"{r.raw_coef:+.2f} ({r.raw_ci_low:+.2f} to {r.raw_ci_high:+.2f})" for r in rs],
        "n": [f"{r.n} {'events' if r is s.es else 'model-weeks'}" for r in rs],
        "models": [str(r.n_models) for r in rs],
        "identified by": [r.identifies for r in rs],
        "identified?": [_status(r) for r in rs]})
    reporting.show_table(df, caption="Slope of log weekly tokens on log effective price (an elasticity only where "
                                     "identified)", uuid="est")
    return df


def estimates_and_anchors(s: pe.Study):
    """Each estimate's slope and 95% interval against the published anchors (range where stated)."""
    rows = []
    for r, lab in zip(s.results, ESTIMATOR_LABELS[:3] + [s.fe.estimator, s.es.estimator]):
        cross = r.estimator.startswith("naive")
        rows.append((lab + (" (cross-model, biased)" if cross else "" if r.identified else " (not identified)"),
                     r.raw_coef, r.raw_ci_low, r.raw_ci_high,
                     CROSS if cross else IDENTIFIED if r.identified else NOT_IDENTIFIED, cross or r.identified))
    for _, a in s.anchors.iterrows():
        lo = a["elasticity_low"] if pd.notna(a["elasticity_low"]) else a["elasticity"]
        hi = a["elasticity_high"] if pd.notna(a["elasticity_high"]) else a["elasticity"]
        rows.append((f"anchor: {a['label']} [{a['verification']}]", a["elasticity"], lo, hi, ANCHOR, True))
    fig, ax = plt.subplots(figsize=(9, 5))
    for i, (lab, c, lo, hi, col, filled) in enumerate(rows):
        y = len(rows) - 1 - i
        ax.plot([lo, hi], [y, y], color=col, lw=2)
        ax.plot([c], [y], "o", color=col, mfc=col if filled else "white", ms=7)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r[0] for r in rows][::-1], fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.axvline(-1, color="black", lw=0.8, ls=":")
    within = ("is identified." if s.fe.identified else f"rests on {s.info['n_price_changes']} price changes in "
              f"{s.info['n_models_with_changes']} models and is not identified.")
    plotting.finish(ax, title="Price elasticity of token demand: estimates and anchors",
                    xlabel="Elasticity (d log tokens / d log price; -1 dotted)", ylabel="Estimator or source",
                    takeaway="Only the biased cross-model slopes are estimable here; the within-model slope " + within,
                    data=pd.DataFrame(rows, columns=["estimate", "elasticity", "low", "high", "colour", "filled"])
                    [["estimate", "elasticity", "low", "high"]])
    return _show(fig)


def changes_per_model(s: pe.Study):
    """Weeks observed and within-model price changes, one bar pair per model."""
    per = pe.per_model_changes(s.panel, s.changes)
    fig, ax = plt.subplots(figsize=(8, 6))
    from tokenecon.report.glossary import model_name

    per = per.rename(index=model_name)
    ax.barh(per.index, per["weeks"], color="#dddddd", label="weeks in the panel")
    ax.barh(per.index, per["price_changes"], color=[plotting.BLOC_COLORS.get(b, "#7f7f7f") for b in per["bloc"]],
            label="within-model price changes")
    ax.tick_params(axis="y", labelsize=7); ax.legend(fontsize=8)
    n_none = int((per["price_changes"] == 0).sum())
    plotting.finish(ax, title="Price changes and weeks observed, per model", xlabel="Count (weeks or price changes)",
                    ylabel="Model",
                    takeaway=f"{n_none} of {len(per)} models never change their effective list price in the window.",
                    data=per.reset_index())
    return _show(fig)


def fe_residual_plot(s: pe.Study):
    """Fixed-effects residuals against fitted values, naming the largest."""
    res = el.fe_residuals(s.panel)
    fig, ax = plt.subplots()
    ax.scatter(res["fitted"], res["residual"], s=14, alpha=0.7, color=IDENTIFIED)
    ax.axhline(0, color="black", lw=0.8)
    worst = res.loc[res["residual"].abs().idxmax()]
    plotting.finish(ax, title="Fixed-effects regression: residuals against fitted values",
                    xlabel="Fitted log tokens (log tokens)", ylabel="Residual (log points)",
                    takeaway=f"Residual SD {res['residual'].std():.2f} log points; largest {worst['residual']:+.2f} "
                             f"({worst['model']}, week of {worst['period']}).", data=res)
    return _show(fig)


def launch_event_study(s: pe.Study):
    """Log share of panel tokens by weeks since launch, one line per model launched inside the window."""
    lp = el.launch_profile(s.panel)
    fig, ax = plt.subplots()
    for _, g in lp.groupby("model"):
        g = g.sort_values("weeks_since_launch")
        ax.plot(g["weeks_since_launch"], g["log_share"], marker="o", ms=3, lw=1,
                color=plotting.BLOC_COLORS.get(g["bloc"].iloc[0], "#7f7f7f"), alpha=0.8)
    early, late = pe.launch_means(lp)
    plotting.bloc_legend(ax, lp["bloc"].unique(), title="Lab's bloc", fontsize=8)
    plotting.finish(ax, title="Launch event study: log share of panel tokens by weeks since launch",
                    xlabel="Weeks since launch (weeks)", ylabel="Log share of top-10 tokens (log points)",
                    takeaway=f"{lp['model'].nunique()} models launched inside the window; mean log share "
                             f"{early:+.2f} in weeks 0-1 and {late:+.2f} from week 4 on (the fixed-effects model has "
                             f"launch-phase controls).", data=lp)
    return _show(fig)


def event_table(s: pe.Study) -> pd.DataFrame:
    """The price-change events the event study uses (nothing shown when there are none)."""
    ev = el.event_windows(s.panel)
    if not len(ev):
        return ev
    from tokenecon.report.glossary import model_name

    df = pd.DataFrame({"model": ev["model"].map(model_name), "week of the change": ev["period"].dt.strftime("%Y-%m-%d"),
                       "d log price": ev["dlog_p"], "d log share of tokens": ev["dlog_share"],
                       "weeks before": ev["n_pre"].astype(str), "weeks after": ev["n_post"].astype(str)})
    reporting.show_table(df, caption="Price-change events used by the event study (d log price, d log share)",
                         uuid="ev", floatfmt="{:+.3f}")
    return df


def price_gap_table(s: pe.Study) -> pd.DataFrame:
    """Token and spend shares of the cheaper of two equally good models at the article's input-price gap."""
    shift = pe.price_gap_table(s.gap, e_a16z=s.e_a16z, e_nber=s.e_nber, e_used=s.e_used, e_label=s.e_label)
    df = pd.DataFrame({
        "elasticity source": shift["source"] + np.where(shift["used"], " (used here)", ""),
        "elasticity": shift["elasticity"].map("{:+.2f}".format),
        "cheap / dear tokens (x)": shift["cheap_to_dear_tokens"].map("{:.3g}".format),
        "cheap model's token share": shift["cheap_token_share"].map(_pct),
        "cheap model's spend share": shift["cheap_spend_share"].map(_pct)})
    reporting.show_table(df, caption=f"Two equally good models, one {s.gap:.1f}x dearer per input token (list prices in "
                                     f"effect on {s.bill_date})", uuid="gap", data=shift)
    return df


def bill_table(s: pe.Study) -> pd.DataFrame:
    """The article's bill under each case: cost per million tokens on both models, the multipliers, the ratio."""
    b = s.bills
    df = pd.DataFrame({
        "case": b["case"],
        "Opus 4.6 (USD per M tokens)": b["cost_from_usd_per_mtok"].map("{:.3f}".format),
        "M2.5 (USD per M tokens)": b["cost_to_usd_per_mtok"].map("{:.3f}".format),
        "tokens per Opus token (x)": b["token_multiplier"].map("{:.2f}".format),
        "usage response to price (x)": b["usage_response"].map("{:.2f}".format),
        "bill after / before": b["bill_ratio"].map(_pct),
        "share of the saving eaten": b["saving_eaten_share"].map(_pct)})
    reporting.show_table(df, caption=f"Workload moved from Claude Opus 4.6 to MiniMax M2.5 at list prices in effect on "
                                     f"{s.bill_date} ({s.mix_label})", uuid="bill", data=b)
    return df
