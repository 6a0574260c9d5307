"""Charts of the data catalogue report."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from tokenecon.report import plotting


def coverage_timeline(dated: pd.DataFrame):
    """One bar per dated table from its first to its last date, labelled with its rows.

    ``dated``: :func:`tokenecon.analysis.catalog.dated_tables` (at least one row)."""
    if dated.empty:
        raise ValueError("coverage_timeline: no dated table to draw")
    d = dated.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(d) + 1.6))
    for i, r in d.iterrows():
        span = max((r["date_to"] - r["date_from"]).days, 1)
        ax.barh(i, span, left=r["date_from"], height=0.55, color="#4c72b0")
        ax.text(r["date_to"], i, f"  {r['rows']:,} rows", va="center", fontsize=8.5)
    ax.set_yticks(range(len(d)), d["table"])
    first, last = d["date_from"].min(), d["date_to"].max()
    whole = d[(d["date_from"] == first) & (d["date_to"] == last)]
    tail = (f"{len(whole)} of {len(d)} cover the whole span" if len(whole) else "no table covers the whole span, "
            "so each report states its own window")
    plotting.finish(ax, title="Time coverage of the dated tables", xlabel="Date (UTC day)", ylabel="Table",
                    takeaway=f"Dated facts run from {first:%b %Y} to {last:%b %Y}; {tail}.",
                    data=d[["table", "date_from", "date_to", "rows"]].assign(
                        date_from=d["date_from"].dt.strftime("%Y-%m-%d"), date_to=d["date_to"].dt.strftime("%Y-%m-%d")))
    plt.show()
    return fig
