"""Chart style and the chart contract: every chart has a title, axis labels with units and a takeaway.

Notebooks call :func:`use_style` once, then :func:`finish` on every figure. ``finish`` refuses a
chart without a title, axis labels or a one-line takeaway, and prints the takeaway under the plot.
"""

from __future__ import annotations

import matplotlib

#: Palette for the blocs, used by every report so colours mean the same thing everywhere.
#: ``unknown`` covers stealth models and the platform's aggregated ``other`` row, whose origin is not published.
BLOC_COLORS = {"china": "#d62728", "us": "#1f77b4", "europe": "#2ca02c", "other": "#7f7f7f", "unknown": "#bbbbbb"}


def _install_alt_text() -> None:
    """In an IPython kernel, make figures carry their alt text (set by :func:`finish`) as PNG metadata.

    The report template writes it into the ``<img alt>`` attribute, so a screen reader reads the chart's
    title and takeaway. Outside IPython, or if the PNG formatter is not set up, nothing changes.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    try:
        original = formatter.lookup_by_type(Figure)
    except KeyError:
        return
    if getattr(original, "tokenecon_alt", False):
        return

    def png_with_alt(fig):
        data = original(fig)
        alt = getattr(fig, "tokenecon_alt", None)
        return (data, {"alt": alt}) if alt and data is not None else data

    png_with_alt.tokenecon_alt = True
    formatter.for_type(Figure, png_with_alt)


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
    fig.tokenecon_alt = f"Chart: {title}. Takeaway: {takeaway}"
    _install_alt_text()  # here, not at import: the inline backend registers its PNG printer lazily
    return fig
