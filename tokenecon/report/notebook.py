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
import re

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

    ``key`` defaults to the finding's record key, so two reports showing one figure record one key."""
    path = os.environ.get(RECORDS_ENV)
    if path:
        entry = {"key": key or f.record_key, **_jsonable(f.record()), "finding": f.record_key}
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


def csv_data_uri(df) -> str:
    """``df`` as a ``data:text/csv`` URI (UTF-8, base64; index kept only when it is named)."""
    import base64

    keep_index = any(n is not None for n in df.index.names)
    text = df.to_csv(index=keep_index, lineterminator="\n")
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def _slug(text: str) -> str:
    import re

    s = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    if len(s) > 60:  # cut at a word boundary
        s = s[:61].rsplit("-", 1)[0]
    return s.strip("-") or "data"


def download_link(df, name: str, *, text: str = "Download the data (CSV)", of_table: bool = False) -> str:
    """A small self-contained link (a ``data:`` URI, so a mailed file keeps it) that saves ``df`` as CSV.

    ``data-columns`` lists the CSV's header, so a test can check the file against what the page shows;
    ``of_table`` marks (``data-of="table"``) a CSV that is the very table above it, whose header it repeats."""
    import html as _html

    if df is None or not hasattr(df, "to_csv"):
        raise ValueError(f"download_link(df=...): expected a pandas DataFrame, got {type(df).__name__}")
    keep_index = any(n is not None for n in df.index.names)
    cols = [str(n) for n in df.index.names] if keep_index else []
    cols += [str(c) for c in df.columns]
    fname = _slug(name) + ".csv"
    mark = ' data-of="table"' if of_table else ""
    return (f'<p class="tokenecon-download"><a download="{_html.escape(fname)}" href="{csv_data_uri(df)}"{mark} '
            f"data-columns='{_html.escape(json.dumps(cols, ensure_ascii=False))}'>{_html.escape(text)}</a></p>")


_EXPONENT = __import__("re").compile(r"\d[eE][+-]?\d")


def _cell_formatter(floatfmt: str | None):
    from tokenecon.report import fmt

    if floatfmt is None:
        return fmt.cell

    def f(x):
        try:
            t = floatfmt.format(x)
        except (TypeError, ValueError):
            return fmt.cell(x)
        return fmt.cell(x) if _EXPONENT.search(t) else t  # never scientific notation

    return f


#: A code name: lower-case words joined by underscores (a column, table or category code such as ``prev_rank``),
#: an OpenRouter slug (``deepseek/deepseek-v3.2``) or a model key (``minimax-m2.5``).
_CODE_NAME = re.compile(r"^(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z][a-z0-9-]*/[a-z0-9][a-z0-9.:-]*|[a-z]{3,}-[a-z]?\d[a-z0-9.-]*)$")


def code_names(df, *, cells: bool = True) -> list[str]:
    """Column headings (and, with ``cells``, text cells) of ``df`` that are code names rather than words."""
    found = [str(c) for c in df.columns if _CODE_NAME.match(str(c))]
    if cells:
        for c in df.select_dtypes(include=["object", "string"]).columns:
            found += sorted({v for v in df[c].dropna().astype(str) if _CODE_NAME.match(v)})
    return list(dict.fromkeys(found))


def show_table(df, *, caption: str | None = None, uuid: str = "t", floatfmt: str | None = None,
               data=True, filename: str | None = None, code_cells: bool = False) -> None:
    """Display a DataFrame as HTML with a fixed element id (pandas Styler ids are random otherwise).

    Numbers use :func:`tokenecon.report.fmt.cell` (thousands separators, 3 significant figures, never
    scientific notation) unless ``floatfmt`` is given (a format that would print an exponent falls back
    to the same rule). The table sits in a box that scrolls sideways on a narrow screen, and a
    "Download the data (CSV)" link carries ``data`` (default: ``df`` itself, unformatted; ``False``:
    no link) in the page. ``filename`` names the CSV (default: the caption, else ``uuid``).

    A heading or text cell that is a code name (``prev_rank``, ``china_likely``) is refused with a ValueError
    naming it: readers get words. ``code_cells=True`` allows code names in cells where the code is the subject
    (a list of table files); headings are always checked."""
    from IPython.display import HTML, display

    codes = code_names(df, cells=not code_cells)
    if codes:
        raise ValueError(f"table {caption or uuid!r}: {', '.join(codes[:6])} {'is a code name' if len(codes) == 1 else 'are code names'}"
                         "; give headings and categories in words")

    cols = df.select_dtypes("number").columns
    sty = df.style.set_uuid(uuid).format(_cell_formatter(floatfmt), subset=cols)
    if caption:
        sty = sty.set_caption(caption)
    out = '<div class="tokenecon-table">' + sty.hide(axis="index").to_html() + "</div>"
    if data is not False and data is not None:
        frame = df if data is True else data
        out += download_link(frame, filename or caption or uuid, of_table=data is True)
    display(HTML(out))


def fmt_num(x: float, sig: int | None = None) -> str:
    """Human format with thousands separators and ``sig`` significant figures (default 3; integers below a
    million exact): 8.74e12 -> '8.74 trillion'.

    Kept for the notebooks; the rule lives in :func:`tokenecon.report.fmt.number`."""
    from tokenecon.report import fmt

    return fmt.number(x, sig)


def fmt_pct(x: float, digits: int = 1) -> str:
    """0.613 -> '61.3%' (see :func:`tokenecon.report.fmt.pct`)."""
    from tokenecon.report import fmt

    return fmt.pct(x, digits)


def glossary(*terms: str, notebook: str | None = None, heading: str = "## Glossary") -> None:
    """Show a glossary section in plain words (see :mod:`tokenecon.report.glossary`): ``terms`` and, with
    ``notebook="token_share"``, every term that notebook's prose uses (its Markdown and computed prose)."""
    from tokenecon import paths
    from tokenecon.report import glossary as g

    found = list(terms)
    if notebook:
        found += g.terms_in_notebook(paths.NOTEBOOKS_DIR / f"{notebook}.ipynb")
    md(g.glossary_markdown(found, heading=heading))


def name(slug: str) -> str:
    """A slug or code in words for prose: model slugs -> display names, bloc codes -> "China", "the US" ...
    (see :func:`tokenecon.report.glossary.human_name`)."""
    from tokenecon.report.glossary import human_name

    return human_name(slug)
