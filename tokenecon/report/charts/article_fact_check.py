"""Charts of the fact-check report: the verdicts at a glance, and revenue per kWh of tokens against Bitcoin
mining. Each takes the outputs of :mod:`tokenecon.analysis.factcheck`, draws one figure ending with
:func:`tokenecon.report.plotting.finish` (its data attached for download), shows it and returns it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from tokenecon.analysis import factcheck as fc
from tokenecon.report import plotting

#: One colour per verdict, from holding (green) to failing (red); grey and purple for untested and failed.
VERDICT_COLORS = {"supported": "#2e7d32", "roughly": "#9e9d24", "overstated": "#ef6c00", "contradicted": "#c62828",
                  "not checkable": "#90a4ae", "not computed": "#8e24aa"}
BITCOIN_COLOR = "#f9a825"


def verdict_bars(counts: dict):
    """Claims per verdict (verdicts with none left out), each bar labelled with its count."""
    order = [v for v in fc.VERDICTS if counts.get(v)][::-1]
    fig, ax = plt.subplots(figsize=(8.0, 3.2))
    ax.barh(order, [counts[v] for v in order], color=[VERDICT_COLORS[v] for v in order])
    for i, v in enumerate(order):
        ax.text(counts[v] + 0.2, i, str(counts[v]), va="center")
    held, failed = counts["supported"] + counts["roughly"], counts["overstated"] + counts["contradicted"]
    plotting.finish(ax, title="Verdicts on the article's claims", xlabel="Claims (count)", ylabel="Verdict",
                    takeaway=f"{held} of {held + failed} testable claims hold at least roughly; {failed} do not.",
                    data=pd.DataFrame({"verdict": order[::-1], "claims": [counts[v] for v in order[::-1]]}))
    plt.show()
    return fig


def revenue_per_kwh(tokens, bitcoin, ratio, *, btc_year: int, week_start: str):
    """Revenue per kWh of Chinese-model tokens against Bitcoin mining (all miners in ``btc_year``) on a log axis,
    with their intervals; ``ratio`` is the fact-check's tokens / Bitcoin estimate named in the takeaway."""
    labels = [f"Bitcoin mining, all miners ({btc_year})", f"Chinese-model tokens (list prices, week of {week_start})"]
    frame = pd.DataFrame({"activity": labels, "usd_per_kwh": [bitcoin.central, tokens.central],
                          "low_usd_per_kwh": [bitcoin.low, tokens.low], "high_usd_per_kwh": [bitcoin.high, tokens.high]})
    fig, ax = plt.subplots(figsize=(8.0, 3.2))
    err = [frame["usd_per_kwh"] - frame["low_usd_per_kwh"], frame["high_usd_per_kwh"] - frame["usd_per_kwh"]]
    ax.barh(labels, frame["usd_per_kwh"], xerr=err, color=[BITCOIN_COLOR, plotting.BLOC_COLORS["china"]], capsize=4)
    ax.set_xscale("log")
    plotting.finish(ax, title="Revenue per kWh of electricity", xlabel="Revenue (USD per kWh, log scale)",
                    ylabel="Activity",
                    takeaway=f"A kWh serving tokens earns about {ratio.central:.0f} times what a kWh of Bitcoin mining "
                             f"earned in {btc_year} ({ratio.low:.0f}-{ratio.high:.0f}x).", data=frame)
    plt.show()
    return fig
