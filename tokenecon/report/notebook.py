"""Notebook-side helpers: computed prose, recorded headline figures, deterministic tables.

``record`` stores a named figure (a number, a string, a small dict) for the report runner, which
collects them into ``reports/<name>.json``; the landing page and the fact-check read them from
there. Outside the runner (e.g. in JupyterLab) ``record`` does nothing. Like ``md`` and ``takeaway``,
it returns None, so a call that ends a cell prints no stray value into the report.
"""

from __future__ import annotations

import json
import math
import os

RECORDS_ENV = "TOKENECON_RECORDS"


def _jsonable(value):
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()  # numpy scalar -> Python
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def record(key: str, value, *, label: str | None = None, unit: str | None = None) -> None:
    """Record a headline figure under ``key`` for the runner (a JSON-able number, string, list or dict)."""
    path = os.environ.get(RECORDS_ENV)
    if path:
        entry = {"key": key, "value": _jsonable(value)}
        if label:
            entry["label"] = label
        if unit:
            entry["unit"] = unit
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, sort_keys=True) + "\n")


def record_finding(f, key: str | None = None) -> None:
    """Record a :class:`tokenecon.analysis.findings.Finding` (value, interval kind, scope, tables, section).

    ``key`` defaults to the finding's own key, so two reports showing one figure record one key."""
    path = os.environ.get(RECORDS_ENV)
    if path:
        entry = {"key": key or f.key, **_jsonable(f.record()), "finding": f.key}
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, sort_keys=True) + "\n")


def md(text: str) -> None:
    """Display computed Markdown (prose whose numbers come from code)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def takeaway(text: str) -> None:
    """The report's one-line takeaway: shown in bold and recorded for the landing page."""
    record("takeaway", text)
    md(f"**{text}**")


def show_table(df, *, caption: str | None = None, uuid: str = "t", floatfmt: str = "{:,.3g}") -> None:
    """Display a DataFrame as HTML with a fixed element id (pandas Styler ids are random otherwise)."""
    from IPython.display import HTML, display

    sty = df.style.set_uuid(uuid).format(floatfmt, subset=df.select_dtypes("number").columns)
    if caption:
        sty = sty.set_caption(caption)
    display(HTML(sty.hide(axis="index").to_html()))


def fmt_num(x: float, sig: int = 3) -> str:
    """Human format with thousands separators and ``sig`` significant figures: 8.74e12 -> '8.74 trillion'."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    ax = abs(x)
    for scale, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if ax >= scale:
            return f"{x / scale:.{sig}g}{word}"
    if ax >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{sig}g}"


def fmt_pct(x: float, digits: int = 1) -> str:
    """0.613 -> '61.3%'."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{100 * x:.{digits}f}%"
