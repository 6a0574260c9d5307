"""Chart style and the chart contract: every chart has a title, axis labels with units and a takeaway.

Notebooks call :func:`use_style` once, then :func:`finish` on every figure. ``finish`` refuses a
chart without a title, axis labels or a one-line takeaway, and prints the takeaway under the plot.
"""

from __future__ import annotations

import matplotlib

#: Palette for the blocs, used by every report so colours mean the same thing everywhere.
#: ``unknown`` covers stealth models and the platform's aggregated ``other`` row, whose origin is not published.
BLOC_COLORS = {"china": "#d62728", "us": "#1f77b4", "europe": "#2ca02c", "other": "#7f7f7f", "unknown": "#bbbbbb"}


def use_style() -> None:
    """Deterministic, readable defaults (fixed DPI and size; SVG hash salt fixed for reproducibility)."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    matplotlib.rcParams.update(
        {
            "figure.figsize": (8.0, 4.5),
            "figure.dpi": 96,
            "savefig.dpi": 96,
            "svg.hashsalt": "tokenecon",
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "figure.autolayout": False,
        }
    )


def finish(ax, *, title: str, xlabel: str, ylabel: str, takeaway: str, fig=None):
    """Label a chart and put its one-line takeaway under it; refuse a chart missing any of them.

    Labels carry units in brackets, e.g. ``"Energy (J per output token)"``.
    """
    for name, value in (("title", title), ("xlabel", xlabel), ("ylabel", ylabel), ("takeaway", takeaway)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"finish(): every chart needs a non-empty {name}")
    fig = fig or ax.figure
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.text(0.01, 0.01, "Takeaway: " + takeaway, ha="left", va="bottom", fontsize=9.5, style="italic", wrap=True)
    return fig
