"""Chart style and the chart contract: every chart has a title, axis labels in words, a legend where
several series, a takeaway, and its data one click away.

Notebooks call :func:`use_style` once, then :func:`finish` on every figure. ``finish`` refuses a chart
without a title, axis labels or a one-line takeaway, with a placeholder axis label ("(category)"), or
with several labelled series and no legend; it prints the takeaway under the plot. In a report the
figure is shown as an SVG image (crisp at any screen density, scaled to the page width; byte-identical
across builds: fixed ``svg.hashsalt``, no date) followed, when ``finish(..., data=df)`` was given, by a
"Download the data (CSV)" link that carries the data inside the page.

Colours: :data:`BLOC_COLORS` / :func:`bloc_palette` — one colour per bloc in every report.
"""

from __future__ import annotations

import base64
import html
import io
import re

import matplotlib

#: Palette for the blocs, used by every report so colours mean the same thing everywhere.
#: ``unknown`` covers stealth models and the platform's aggregated ``other`` row, whose origin is not published.
BLOC_COLORS = {"china": "#d62728", "us": "#1f77b4", "europe": "#2ca02c", "other": "#7f7f7f", "unknown": "#bbbbbb"}
#: Colours for series that are not blocs (cost components, estimators, scenarios): none of them is a bloc's
#: colour, so red always means China and blue the US. :func:`use_style` makes them the default colour cycle.
SERIES_COLORS = ("#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#e377c2", "#bcbd22", "#393b79", "#637939")
#: The blocs in legend order, and their names in words (for legends and prose).
BLOC_ORDER = ("china", "us", "europe", "other", "unknown")
BLOC_NAMES = {"china": "China", "us": "US", "europe": "Europe", "other": "Other", "unknown": "Unknown origin"}
_BLOC_BY_WORD = {**{k: k for k in BLOC_COLORS}, **{v.lower(): k for k, v in BLOC_NAMES.items()},
                 "united states": "us", "usa": "us", "cn": "china", "chinese": "china", "eu": "europe"}


def bloc_code(bloc: str) -> str:
    """The bloc code for a code or its name ("China", "US", "china" -> "china"); unknown words refused."""
    key = _BLOC_BY_WORD.get(str(bloc).strip().lower())
    if key is None:
        raise ValueError(f"bloc: unknown bloc {bloc!r}; expected one of {', '.join(BLOC_ORDER)} "
                         f"(or {', '.join(BLOC_NAMES.values())})")
    return key


def bloc_color(bloc: str) -> str:
    """The colour of a bloc (code or name)."""
    return BLOC_COLORS[bloc_code(bloc)]


def bloc_palette(blocs=None, *, names: bool = False) -> dict:
    """``{bloc: colour}`` for seaborn's ``palette=`` or a legend, in :data:`BLOC_ORDER`.

    ``blocs`` (codes or names, e.g. a DataFrame column's values) keeps the given spellings as keys;
    by default every bloc, keyed by code, or by its name when ``names=True``."""
    if blocs is None:
        return {(BLOC_NAMES[b] if names else b): BLOC_COLORS[b] for b in BLOC_ORDER}
    seen = list(dict.fromkeys(str(b) for b in blocs))
    seen.sort(key=lambda b: BLOC_ORDER.index(bloc_code(b)))
    return {b: bloc_color(b) for b in seen}


def _install_alt_text() -> None:
    """In an IPython kernel, draw no PNG for a finished figure: :func:`figure_html` shows it as an SVG whose
    ``<img alt>`` carries the title and takeaway (for screen readers), so a PNG would be rendered and thrown
    away. Unfinished figures keep IPython's PNG. Outside IPython, or if the PNG formatter is not set up,
    nothing changes."""
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
        if getattr(fig, "tokenecon_alt", None):
            return None  # a finished figure is shown as SVG with its alt text (figure_html): no second rendering
        return original(fig)

    png_with_alt.tokenecon_alt = True
    formatter.for_type(Figure, png_with_alt)


def bloc_shades(items) -> dict:
    """``{name: colour}`` for series that belong to blocs (labs, models): each bloc's series get shades of
    that bloc's colour, from dark to light in the given order, so a chart of many labs still reads by bloc.

    ``items``: ``(name, bloc)`` pairs (bloc as a code or name)."""
    from matplotlib.colors import to_hex, to_rgb

    pairs = [(str(n), bloc_code(b)) for n, b in items]
    out = {}
    for bloc in BLOC_ORDER:
        names = [n for n, b in pairs if b == bloc]
        base = to_rgb(BLOC_COLORS[bloc])
        for i, n in enumerate(names):
            # from 25% darker to 55% lighter than the bloc colour, evenly
            t = -0.25 + 0.8 * (i / (len(names) - 1)) if len(names) > 1 else 0.0
            rgb = [c * (1 + t) if t < 0 else c + (1 - c) * t for c in base]
            out[n] = to_hex(rgb)
    return {n: out[n] for n, _ in pairs}


def _figure_svg(fig) -> bytes:
    """The figure as SVG, byte-reproducible (hash salt from :func:`use_style`, no date in the metadata)."""
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": matplotlib.rcParams.get("svg.hashsalt") or "tokenecon"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


def _tick_names(axis) -> dict:
    """Tick position -> tick label text, for category axes (bars drawn at 0, 1, 2 ... named by their ticks)."""
    out = {}
    for pos, lab in zip(axis.get_majorticklocs(), axis.get_majorticklabels()):
        if lab.get_text():
            out[round(float(pos), 6)] = lab.get_text()
    return out


def _is_date_axis(axis) -> bool:
    from matplotlib import dates

    return isinstance(axis.get_major_formatter(), (dates.AutoDateFormatter, dates.DateFormatter,
                                                   dates.ConciseDateFormatter))


def _plain_values(values, axis):
    import numpy as np

    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return [str(v)[:10] if str(v).endswith("T00:00:00.000000000") or len(str(v)) <= 10 else str(v) for v in arr]
    if arr.dtype.kind in "fiu" and _is_date_axis(axis):
        from matplotlib import dates

        return [dates.num2date(float(v)).strftime("%Y-%m-%d") for v in arr]
    return list(arr)


def chart_data(fig):
    """The numbers a finished figure draws, read back from it, as a long table (one row per point or bar).

    Columns: ``panel`` (when several axes), ``series`` (the legend label, else "series N"), then the x and
    y values under the axis labels. Lines give their points, bars their category (the tick label) and
    length, scatter plots their points; reference lines (2 points, unlabelled) are left out. None when
    nothing could be read. ``finish(..., data=df)`` replaces this with a table of the notebook's own.
    """
    import pandas as pd
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer

    rows = []
    axes = [a for a in fig.axes if a.get_visible() and (a.lines or a.containers or a.collections)]
    for k, ax in enumerate(axes):
        panel = ax.get_title() or f"panel {k + 1}"
        n = 0
        for line in ax.get_lines():
            label = line.get_label()
            x, y = line.get_xdata(orig=True), line.get_ydata(orig=True)
            if label.startswith("_") and len(x) <= 2:
                continue  # axhline / axvline / a guide
            n += 1
            name = label if not label.startswith("_") else f"series {n}"
            for xv, yv in zip(_plain_values(x, ax.xaxis), _plain_values(y, ax.yaxis)):
                rows.append((panel, name, xv, yv))
        for cont in ax.containers:
            if not isinstance(cont, BarContainer):
                continue
            n += 1
            label = cont.get_label()
            name = label if label and not label.startswith("_") else f"series {n}"
            horizontal = getattr(cont, "orientation", "vertical") == "horizontal"
            names = _tick_names(ax.yaxis if horizontal else ax.xaxis)
            for rect in cont.patches:
                if horizontal:
                    c = rect.get_y() + rect.get_height() / 2
                    rows.append((panel, name, rect.get_width(), names.get(round(c, 6), c)))
                else:
                    c = rect.get_x() + rect.get_width() / 2
                    rows.append((panel, name, names.get(round(c, 6), c), rect.get_height()))
        for coll in ax.collections:
            if not isinstance(coll, PathCollection):
                continue
            offsets = coll.get_offsets()
            if len(offsets) == 0:
                continue
            n += 1
            label = coll.get_label()
            name = label if label and not label.startswith("_") else f"series {n}"
            xs = _plain_values(offsets[:, 0], ax.xaxis)
            ys = _plain_values(offsets[:, 1], ax.yaxis)
            rows.extend((panel, name, xv, yv) for xv, yv in zip(xs, ys))
    if not rows:
        return None
    xname = axes[0].get_xlabel() or "x"
    yname = axes[0].get_ylabel() or "y"
    if len(axes) > 1 or xname == yname:
        xname, yname = "x", "y"
    df = pd.DataFrame(rows, columns=["panel", "series", xname, yname])
    return df if len(axes) > 1 else df.drop(columns="panel")


def figure_html(fig) -> str | None:
    """The HTML a report shows for a finished figure: an SVG ``<img>`` with its alt text, then the CSV link.

    None for a figure that :func:`finish` did not label (IPython then falls back to the PNG)."""
    alt = getattr(fig, "tokenecon_alt", None)
    if not alt:
        return None
    svg = _figure_svg(fig)
    w, h = (round(v * 96) for v in fig.get_size_inches())
    m = re.search(rb'width="([\d.]+)pt" height="([\d.]+)pt"', svg[:2000])
    if m:  # the tight bounding box, in CSS pixels (1 pt = 4/3 px)
        w, h = (round(float(v) * 4 / 3) for v in m.groups())
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    out = (f'<figure class="tokenecon-chart" style="margin:0"><img src="{src}" alt="{html.escape(alt)}" '
           f'width="{w}" height="{h}" style="max-width:100%;height:auto"></figure>')
    data = getattr(fig, "tokenecon_data", None)
    if data is None:
        data = chart_data(fig)
    if data is not None:
        from tokenecon.report.notebook import download_link

        out += download_link(data, getattr(fig, "tokenecon_name", "chart"))
    return out


def _install_html() -> None:
    """In an IPython kernel, show finished figures through :func:`figure_html` (SVG + CSV link)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(Figure, figure_html)


def use_style() -> None:
    """Deterministic, readable defaults (fixed DPI and size; SVG hash salt fixed for reproducibility; default
    colours from :data:`SERIES_COLORS`, none of them a bloc's)."""
    import seaborn as sns

    from cycler import cycler

    sns.set_theme(style="whitegrid", context="notebook")
    matplotlib.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=list(SERIES_COLORS)),
            "figure.figsize": (8.0, 4.5),
            "figure.dpi": 96,
            "savefig.dpi": 96,
            "svg.hashsalt": "tokenecon",
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "figure.autolayout": False,
        }
    )


#: Axis labels that name a kind of axis instead of saying what it shows.
PLACEHOLDER_LABEL = re.compile(r"\((category|categories|label|labels|name|names)\)", re.I)


def _series_labels(ax) -> list[str]:
    _, labels = ax.get_legend_handles_labels()
    return [lab for lab in labels if lab and not lab.startswith("_")]


def _unlabelled_series_colours(ax) -> set:
    """Colours of unlabelled lines with 3 or more points (reference lines such as axhline have 2)."""
    from matplotlib.colors import to_hex

    colours = set()
    for line in ax.get_lines():
        if line.get_label().startswith("_") and len(line.get_xdata()) >= 3:
            colours.add(to_hex(line.get_color()))
    return colours


def bloc_legend(ax, blocs=None, **kwargs):
    """A legend of bloc colours (for series coloured by bloc but drawn one by one, without labels)."""
    from matplotlib.patches import Patch

    pal = bloc_palette(blocs)
    handles = [Patch(color=c, label=BLOC_NAMES[bloc_code(b)]) for b, c in pal.items()]
    return ax.legend(handles=handles, **kwargs)


def check_legends(fig) -> None:
    """Refuse a figure where an axes has several labelled series and no legend shows them, or several
    unlabelled series in different colours and no legend at all (the colours would mean nothing)."""
    shown = set()
    for leg in [a.get_legend() for a in fig.axes] + list(fig.legends):
        if leg is not None:
            shown |= {t.get_text() for t in leg.get_texts()}
    for ax in fig.axes:
        labels = _series_labels(ax)
        if len(labels) >= 2 and ax.get_legend() is None and not set(labels) <= shown:
            listed = ", ".join(repr(lab) for lab in labels[:4]) + (", ..." if len(labels) > 4 else "")
            raise ValueError(f"finish(): the chart has {len(labels)} labelled series ({listed}) but no legend; "
                             "call ax.legend() (or fig.legend()) before finish")
        colours = _unlabelled_series_colours(ax)
        if len(colours) >= 2 and ax.get_legend() is None and not fig.legends:
            raise ValueError(f"finish(): the chart has unlabelled series in {len(colours)} colours but no legend; "
                             "label them and call ax.legend() (for bloc colours: plotting.bloc_legend(ax, blocs))")


def category_codes(axis) -> list[str]:
    """Categories of a categorical axis that are code names (``glm-5.1``, ``china_likely``), not words."""
    from tokenecon.report.notebook import _CODE_NAME

    mapping = getattr(axis.get_units(), "_mapping", None) or {}
    return [str(c) for c in mapping if _CODE_NAME.match(str(c))]


def finish(ax, *, title: str, xlabel: str, ylabel: str, takeaway: str, fig=None, data=None, name: str | None = None):
    """Label a chart and put its one-line takeaway under it; refuse a chart missing any of them.

    Labels say in words what the axis shows, with units in brackets, e.g. ``"Energy (J per output token)"``
    (not ``"Verdict (category)"``). A chart with several labelled series needs a legend. Under the chart a
    "Download the data (CSV)" link offers ``data`` (a DataFrame: the numbers drawn, in the notebook's own
    columns) or, without it, what :func:`chart_data` reads back from the figure; the file is named after
    ``name`` (default: the title).
    """
    for key, value in (("title", title), ("xlabel", xlabel), ("ylabel", ylabel), ("takeaway", takeaway)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"finish(): every chart needs a non-empty {key}")
    for key, value in (("xlabel", xlabel), ("ylabel", ylabel)):
        if PLACEHOLDER_LABEL.search(value):
            raise ValueError(f"finish(): {key} {value!r} names the kind of axis; say what it shows instead")
    if data is not None and not (hasattr(data, "to_csv") and hasattr(data, "columns")):
        raise ValueError(f"finish(data=...): expected a pandas DataFrame of the numbers drawn, got {type(data).__name__}")
    fig = fig or ax.figure
    for axis_name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        codes = category_codes(axis)
        if codes:
            raise ValueError(f"finish(): the {axis_name} axis of {title!r} names categories by code "
                             f"({', '.join(codes[:4])}); label them in words")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    check_legends(fig)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.text(0.01, 0.01, "Takeaway: " + takeaway, ha="left", va="bottom", fontsize=9.5, style="italic", wrap=True)
    fig.tokenecon_alt = f"Chart: {title}. Takeaway: {takeaway}"
    fig.tokenecon_data = data  # None: read back from the chart when it is shown (see chart_data)
    fig.tokenecon_name = name or title
    _install_alt_text()  # here, not at import: the inline backend registers its PNG printer lazily
    _install_html()
    return fig
