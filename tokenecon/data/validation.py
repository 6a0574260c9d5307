"""Validation of curated tables with pandera schemas generated from the :class:`~tokenecon.data.Table` declarations.

Two pandera ``DataFrameSchema`` objects are generated per table, compiled once and cached:

* the **text** schema checks a table as read from CSV (every cell a string, empty cells null): the
  exact column names in order (``strict``, ``ordered``) and that every cell can be read as its column's
  dtype (an int, a float, ``true``/``false``, a ``YYYY-MM-DD`` date);
* the **typed** schema checks the typed frame (what :func:`tokenecon.data.load` returns and what a
  table's ``build`` produces): the value's type, nullability, the allowed range, categories and pattern,
  the unique key (``unique=key``) and, unless the table allows it, at least one row.

pandera runs every check (``lazy=True``); its failure cases are turned into one line each that names the
column, the row (its CSV line and key values) and the rule, with values written as plain numbers.
pandera is imported on first validation only, so reading a table whose content was already validated
(see :func:`tokenecon.data.load`) never pays for it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from tokenecon.data.schema import Column, DataValidationError, Table

#: Problems shown per rule and per message (the rest are counted).
PER_RULE = 5
PER_MESSAGE = 12


# --------------------------------------------------------------------------- plain value formatting

def plain(v) -> str:
    """A value as a reader writes it: ``5`` not ``np.float64(5.0)``, ``2024-01-31`` not ``Timestamp(...)``."""
    if v is None or v is pd.NA or v is pd.NaT:
        return "empty"
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isnan(f):
            return "empty"
        if math.isinf(f):
            return "infinity" if f > 0 else "-infinity"
        if f.is_integer() and abs(f) < 1e15:
            return str(int(f))
        return repr(f)
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d") if v == v.normalize() else v.isoformat()
    if isinstance(v, str):
        return repr(v)
    return repr(v) if not hasattr(v, "isoformat") else v.isoformat()


def _bare(v) -> str:
    """A key value inside a row label (strings unquoted)."""
    return v if isinstance(v, str) else plain(v)


# --------------------------------------------------------------------------- element rules (vectorised)

def _num(s: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(s.dtype):
        return pd.Series(np.nan, index=s.index)
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s.astype("float64")
    if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty", "floating", "integer", "mixed-integer-float",
                                                    "decimal"):
        return pd.to_numeric(s, errors="coerce")
    return pd.to_numeric(s.map(lambda v: np.nan if isinstance(v, (bool, np.bool_)) else v), errors="coerce")


def _is_int(s: pd.Series) -> pd.Series:
    v = _num(s)
    return v.notna() & np.isfinite(v) & (v == v.round())


def _is_float(s: pd.Series) -> pd.Series:
    return _num(s).notna()


def _text_is_bool(s: pd.Series) -> pd.Series:
    return s.astype(str).str.lower().isin(["true", "false"])


def _text_is_date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna()


def _typed_is_bool(s: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(s.dtype):
        return pd.Series(True, index=s.index)
    return s.map(lambda v: isinstance(v, (bool, np.bool_)))


def _typed_is_date(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return pd.Series(True, index=s.index)
    return pd.to_datetime(s, errors="coerce", format="ISO8601").notna()


TEXT_RULES: dict[str, Callable[[pd.Series], pd.Series]] = {
    "int": _is_int, "float": _is_float, "bool": _text_is_bool, "date": _text_is_date,
}
TYPED_RULES: dict[str, Callable[[pd.Series], pd.Series]] = {
    "int": _is_int, "float": _is_float, "bool": _typed_is_bool, "date": _typed_is_date,
}
EXPECTED = {"int": "int", "float": "float", "bool": "bool (true or false)", "date": "date (YYYY-MM-DD)"}


def _range_words(col: Column) -> str:
    unit = f" {col.unit}" if col.unit else ""
    lo, hi = col.min, col.max
    if lo is not None and hi is not None:
        return f"[{plain(lo)}, {plain(hi)}]{unit}"
    if lo is not None:
        return f"(at least {plain(lo)}{unit})"
    return f"(at most {plain(hi)}{unit})"


# --------------------------------------------------------------------------- compiled schemas

@dataclass
class _Compiled:
    schema: object  # pandera.pandas.DataFrameSchema
    #: (column, check_number) -> rule in words, given the failing value
    rules: dict[tuple[str | None, int], Callable[[object], str]]


_COMPILED: dict[tuple[int, str], tuple[Table, _Compiled]] = {}


def _compiled(tbl: Table, stage: str) -> _Compiled:
    hit = _COMPILED.get((id(tbl), stage))
    if hit is not None and hit[0] is tbl:
        return hit[1]
    comp = _compile_text(tbl) if stage == "text" else _compile_typed(tbl)
    _COMPILED[(id(tbl), stage)] = (tbl, comp)
    return comp


def _compile_text(tbl: Table) -> _Compiled:
    import pandera.pandas as pa

    cols, rules = {}, {}
    for c in tbl.columns:
        checks = []
        if c.dtype in TEXT_RULES:
            checks.append(pa.Check(TEXT_RULES[c.dtype], name=f"reads_as_{c.dtype}"))
            rules[(c.name, 0)] = lambda v, c=c: f"{plain(v)} is not a valid {EXPECTED[c.dtype]}"
        cols[c.name] = pa.Column(checks=checks, nullable=True, required=True)
    schema = pa.DataFrameSchema(cols, strict=True, ordered=True, name=f"{tbl.name} (as text)")
    return _Compiled(schema, rules)


def _compile_typed(tbl: Table) -> _Compiled:
    import pandera.pandas as pa

    cols, rules = {}, {}
    for c in tbl.columns:
        checks: list = []

        def add(fn, name, words):
            rules[(c.name, len(checks))] = words
            checks.append(pa.Check(fn, name=name))

        if c.dtype in TYPED_RULES:
            add(TYPED_RULES[c.dtype], f"is_{c.dtype}", lambda v, c=c: f"{plain(v)} is not a valid {EXPECTED[c.dtype]}")
        if (c.min is not None or c.max is not None) and c.dtype in ("int", "float"):
            lo = -np.inf if c.min is None else c.min
            hi = np.inf if c.max is None else c.max
            add(lambda s, lo=lo, hi=hi: ~((_num(s) < lo) | (_num(s) > hi)), "in_range",
                lambda v, c=c: f"{plain(v)} outside the allowed range {_range_words(c)}")
        if c.allowed is not None:
            allowed = list(c.allowed)
            add(lambda s, a=allowed: s.astype(str).isin(a), "allowed",
                lambda v, a=allowed: f"{plain(v)} is not one of {a}")
        if c.pattern is not None:
            rx = re.compile(c.pattern)
            add(lambda s, rx=rx: s.astype(str).str.fullmatch(rx).astype(bool), "pattern",
                lambda v, p=c.pattern: f"{plain(v)} does not match /{p}/")
        nullable = c.nullable and c.name not in tbl.key
        cols[c.name] = pa.Column(checks=checks, nullable=nullable, required=True)
    frame_checks, n = [], 0
    if not tbl.allow_empty:
        frame_checks.append(pa.Check(lambda df: len(df) > 0, name="has_rows"))
        rules[(None, n)] = lambda v, t=tbl: (
            f"the table has no rows (a header only); table {t.name!r} does not allow an empty table"
        )
    schema = pa.DataFrameSchema(
        cols, strict=True, ordered=True, checks=frame_checks, name=tbl.name,
        unique=list(tbl.key) or None, report_duplicates="exclude_first",
    )
    return _Compiled(schema, rules)


def pandera_schema(tbl: Table, stage: str = "typed"):
    """The generated pandera ``DataFrameSchema`` of a table (``stage`` ``"text"`` or ``"typed"``)."""
    return _compiled(tbl, stage).schema


# --------------------------------------------------------------------------- running and reporting

def _row_label(i: int, frame: pd.DataFrame, tbl: Table, lines: Sequence[int] | None) -> str:
    key = "; ".join(f"{k}={_bare(frame.iloc[i][k])}" for k in tbl.key if k in frame.columns)
    inner = [f"line {lines[i]}"] if lines is not None and i < len(lines) else []
    if key:
        inner.append(key.replace("; ", ", "))
    return f"row {i + 1}" + (f" ({'; '.join(inner)})" if inner else "")


def fail(where: str, errors: list[str]) -> None:
    shown = errors[:PER_MESSAGE]
    more = f"\n  ... and {len(errors) - PER_MESSAGE} more" if len(errors) > PER_MESSAGE else ""
    raise DataValidationError(f"{where}: {len(errors)} problem(s)\n  " + "\n  ".join(shown) + more)


def run(frame: pd.DataFrame, tbl: Table, stage: str, where: str, lines: Sequence[int] | None = None) -> None:
    """Validate ``frame`` (positional index) with the table's ``stage`` schema; raise with every problem found."""
    import pandera.pandas as pa

    comp = _compiled(tbl, stage)
    try:
        comp.schema.validate(frame, lazy=True)
        return
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    except pa.errors.SchemaError as exc:  # non-lazy failure (e.g. a check that raised)
        fail(where, [f"{exc}"])
    except Exception as exc:  # a rule that cannot even be applied to this data: still name the file
        fail(where, [f"the {stage} rules cannot be applied ({type(exc).__name__}: {exc})"])
    try:
        errors = _messages(cases, frame, tbl, comp, lines)
    except Exception as exc:  # never let the report of a problem hide it
        errors = [f"{len(cases)} failure(s) (first: column {cases.iloc[0]['column']!r}, "
                  f"check {cases.iloc[0]['check']}); they could not be described: {type(exc).__name__}: {exc}"]
    fail(where, errors)


def _messages(cases: pd.DataFrame, frame: pd.DataFrame, tbl: Table, comp: _Compiled,
              lines: Sequence[int] | None) -> list[str]:
    expected = [c.name for c in tbl.columns]
    errors: list[str] = []
    structural = cases[cases["schema_context"] == "DataFrameSchema"]
    missing = [c for c in structural.loc[structural["check"] == "column_in_dataframe", "failure_case"]]
    extra = [c for c in structural.loc[structural["check"] == "column_in_schema", "failure_case"]]
    if missing:
        errors.append(f"missing column(s) {missing}")
    if extra:
        errors.append(f"unexpected column(s) {extra}; the schema has {expected}")
    if not missing and not extra and (structural["check"] == "column_ordered").any():
        errors.append(f"columns {list(frame.columns)} are not in the schema's order {expected}")
    if missing or extra:
        return errors
    dups = structural[structural["check"] == "multiple_fields_uniqueness"]
    if tbl.key and len(dups):
        idx = sorted({int(i) for i in dups["index"].dropna()})
        first: dict[tuple, int] = {}
        for i, key in enumerate(frame[list(tbl.key)].itertuples(index=False, name=None)):
            first.setdefault(key, i)
        for i in idx[:PER_RULE]:
            j = first[tuple(frame[list(tbl.key)].iloc[i])]
            where_j = f"row {j + 1}" + (f", line {lines[j]}" if lines is not None else "")
            errors.append(f"key {list(tbl.key)}, {_row_label(i, frame, tbl, lines)}: duplicates an earlier row ({where_j})")
        if len(idx) > PER_RULE:
            errors.append(f"key {list(tbl.key)}: {len(idx) - PER_RULE} more duplicated row(s)")
    for _, case in structural.iterrows():
        if case["check"] in ("column_in_dataframe", "column_in_schema", "column_ordered", "multiple_fields_uniqueness"):
            continue
        words = comp.rules.get((None, _int(case["check_number"])))
        errors.append(words(case["failure_case"]) if words else f"rule {case['check']} failed")
    per_column = cases[cases["schema_context"] == "Column"]
    for (col, check, num), grp in per_column.groupby(["column", "check", "check_number"], sort=False, dropna=False):
        grp = grp.assign(_i=grp["index"].map(_int)).sort_values("_i")
        if check == "not_nullable":
            words = (lambda v: "empty, but it is part of the key") if col in tbl.key else (
                lambda v: "empty, but the column is not nullable")
        else:
            words = comp.rules.get((col, _int(num))) or (lambda v, ch=check: f"{plain(v)} fails rule {ch}")
        for _, case in grp.head(PER_RULE).iterrows():
            i = case["_i"]
            where_row = _row_label(i, frame, tbl, lines) if i is not None else "(whole column)"
            errors.append(f"column {col!r}, {where_row}: {words(case['failure_case'])}")
        if len(grp) > PER_RULE:
            errors.append(f"column {col!r}: {len(grp) - PER_RULE} more row(s) break the same rule")
    return errors or ["the table fails validation"]


def _int(v) -> int | None:
    try:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        return int(v)
    except (TypeError, ValueError):
        return None
