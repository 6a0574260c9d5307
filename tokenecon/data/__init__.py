"""Curated tables: schema, provenance, validated loading and the rebuild from raw sources.

Each table is declared once, as a :class:`Table` in a module of :mod:`tokenecon.data.schemas`: its columns
(dtype, unit, allowed range or categories), unique key, sources and how it was derived. From those
declarations come

* :func:`load` — a validated, typed DataFrame read from ``data/<name>.csv``;
* :func:`build` — the derived tables regenerated from the raw mirror, plus ``data/catalog.yaml``,
  the machine-readable provenance catalogue (written only when every table has passed);
* :func:`check` — one summary line per table (rows, key date range, short sha256).

A file that breaks a rule raises :class:`DataValidationError` naming the file, the column, the row
and the rule.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from tokenecon import paths

DTYPES = ("str", "int", "float", "bool", "date")
#: derived: rebuilt from the raw mirror by the table's own ``build``; hand-compiled: typed rows with a
#: source each; fitted: computed from other curated tables by a model fit that the data layer does not
#: know (it is handed in by the caller, see :func:`build`), so data never imports the model layer.
KINDS = ("derived", "hand-compiled", "fitted")
#: Set by the report runner: a file to which every table read is appended (name and sha256).
READLOG_ENV = "TOKENECON_READLOG"


class DataValidationError(ValueError):
    """A table broke its schema. The message names file, column, row and rule."""


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description: str
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None
    nullable: bool = False
    pattern: str | None = None

    def __post_init__(self):
        if self.dtype not in DTYPES:
            raise ValueError(f"column {self.name!r}: dtype {self.dtype!r} not in {DTYPES}")


@dataclass(frozen=True)
class Source:
    """Where figures come from: a URL, or a repository + path + commit, with date and licence."""

    title: str
    retrieved: str
    licence: str
    url: str | None = None
    repository: str | None = None
    path: str | None = None
    commit: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    sources: tuple[Source, ...]
    derivation: str
    kind: str = "derived"
    #: ``build(raw_dir) -> DataFrame`` for derived tables; None for hand-compiled ones.
    build: Callable[[Path], pd.DataFrame] | None = field(default=None, compare=False)
    #: For fitted tables: the curated tables the fit reads.
    inputs: tuple[str, ...] = ()
    #: Raw files read by ``build``, relative to the raw mirror (recorded in the catalogue).
    raw_files: tuple[str, ...] = ()
    #: Column giving the table's coverage in time (shown by ``data check``).
    date_column: str | None = None
    caveats: str = ""

    def __post_init__(self):
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: duplicate column names")
        for k in self.key:
            if k not in names:
                raise ValueError(f"table {self.name}: key column {k!r} is not a column")
        if self.kind not in KINDS:
            raise ValueError(f"table {self.name}: kind {self.kind!r} not in {KINDS}")
        if self.kind == "derived" and self.build is None:
            raise ValueError(f"table {self.name}: a derived table needs a build function")
        if self.kind == "fitted" and not self.inputs:
            raise ValueError(f"table {self.name}: a fitted table names the tables it is fitted on (inputs)")
        if self.kind == "hand-compiled" and "source" not in names:
            raise ValueError(f"table {self.name}: a hand-compiled table needs a 'source' column on every row")
        if self.date_column and self.date_column not in names:
            raise ValueError(f"table {self.name}: date_column {self.date_column!r} is not a column")

    @property
    def path(self) -> Path:
        return paths.DATA_DIR / f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def catalog_entry(self) -> dict:
        entry = {
            "title": self.title,
            "description": self.description,
            "file": f"data/{self.name}.csv",
            "kind": self.kind,
            "derivation": self.derivation,
            "sources": [s.as_dict() for s in self.sources],
            "key": list(self.key),
        }
        if self.inputs:
            entry["inputs"] = list(self.inputs)
        if self.raw_files:
            entry["raw_files"] = list(self.raw_files)
        if self.date_column:
            entry["date_column"] = self.date_column
        if self.caveats:
            entry["caveats"] = self.caveats
        cols = []
        for c in self.columns:
            d = {"name": c.name, "dtype": c.dtype, "description": c.description}
            for attr in ("unit", "min", "max", "pattern"):
                if getattr(c, attr) is not None:
                    d[attr] = getattr(c, attr)
            if c.allowed is not None:
                d["allowed"] = list(c.allowed)
            if c.nullable:
                d["nullable"] = True
            cols.append(d)
        entry["columns"] = cols
        return entry


# --------------------------------------------------------------------------- registry

def tables() -> dict[str, Table]:
    """All declared tables, by name (modules of :mod:`tokenecon.data.schemas` declare them)."""
    from tokenecon.data.schemas import registry

    return registry()


def table(name: str) -> Table:
    known = tables()
    if name not in known:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(sorted(known))}")
    return known[name]


# --------------------------------------------------------------------------- validation

def _fail(where: str, errors: list[str]) -> None:
    shown = "\n  ".join(errors[:10])
    more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
    raise DataValidationError(f"{where}: {len(errors)} problem(s)\n  {shown}{more}")


def _row_label(i: int, frame: pd.DataFrame, tbl: Table) -> str:
    # Rows are counted from 1 after the header, so "row 5" is line 6 of the CSV.
    key = ", ".join(f"{k}={frame.iloc[i][k]!s}" for k in tbl.key if k in frame.columns)
    return f"row {i + 1} (line {i + 2}{'; ' + key if key else ''})"


def _coerce(raw: pd.DataFrame, tbl: Table, where: str) -> pd.DataFrame:
    """Turn a frame of strings (as read from CSV) into typed columns, reporting every bad cell."""
    errors: list[str] = []
    expected = [c.name for c in tbl.columns]
    missing = [c for c in expected if c not in raw.columns]
    extra = [c for c in raw.columns if c not in expected]
    if missing:
        errors.append(f"missing column(s) {missing}")
    if extra:
        errors.append(f"unexpected column(s) {extra}; the schema has {expected}")
    if errors:
        _fail(where, errors)
    out = {}
    for col in tbl.columns:
        s = raw[col.name]
        empty = s == ""
        if col.dtype == "str":
            out[col.name] = s.where(~empty, None).astype(object)
            continue
        if col.dtype == "bool":
            low = s.str.lower()
            bad = ~empty & ~low.isin(["true", "false"])
            vals = low.map({"true": True, "false": False})
        elif col.dtype == "date":
            vals = pd.to_datetime(s.where(~empty, None), format="%Y-%m-%d", errors="coerce")
            bad = ~empty & vals.isna()
        else:
            vals = pd.to_numeric(s.where(~empty, None), errors="coerce")
            bad = ~empty & vals.isna()
            if col.dtype == "int" and not bad.any():
                frac = vals.notna() & (vals != vals.round())
                bad = bad | frac
        for i in list(bad[bad].index)[:5]:
            errors.append(f"column {col.name!r}, {_row_label(i, raw, tbl)}: {s.iloc[i]!r} is not a valid {col.dtype}")
        if col.dtype == "int":
            vals = vals.astype("Int64") if not bad.any() else vals
        out[col.name] = vals
    if errors:
        _fail(where, errors)
    return pd.DataFrame(out, index=raw.index)


def validate(df: pd.DataFrame, tbl: Table, where: str | None = None) -> pd.DataFrame:
    """Check a typed frame against the table's rules; return it unchanged or raise."""
    where = where or f"table {tbl.name}"
    errors: list[str] = []
    cols = [c.name for c in tbl.columns]
    if list(df.columns) != cols:
        _fail(where, [f"columns {list(df.columns)} differ from the schema's {cols} (names and order)"])
    df = df.reset_index(drop=True)
    for col in tbl.columns:
        s = df[col.name]
        null = s.isna()
        if not col.nullable and null.any():
            for i in list(null[null].index)[:5]:
                errors.append(f"column {col.name!r}, {_row_label(i, df, tbl)}: empty, but the column is not nullable")
        present = s[~null]
        if col.min is not None or col.max is not None:
            num = pd.to_numeric(present, errors="coerce")
            lo = num < col.min if col.min is not None else pd.Series(False, index=num.index)
            hi = num > col.max if col.max is not None else pd.Series(False, index=num.index)
            for i in list(num[lo | hi].index)[:5]:
                errors.append(
                    f"column {col.name!r}, {_row_label(i, df, tbl)}: {present[i]!r} outside the allowed range "
                    f"[{col.min}, {col.max}]{' ' + col.unit if col.unit else ''}"
                )
        if col.allowed is not None:
            bad = ~present.astype(str).isin(col.allowed)
            for i in list(present[bad].index)[:5]:
                errors.append(
                    f"column {col.name!r}, {_row_label(i, df, tbl)}: {present[i]!r} is not one of {list(col.allowed)}"
                )
        if col.pattern is not None:
            rx = re.compile(col.pattern)
            bad = ~present.astype(str).map(lambda v: bool(rx.fullmatch(v)))
            for i in list(present[bad].index)[:5]:
                errors.append(
                    f"column {col.name!r}, {_row_label(i, df, tbl)}: {present[i]!r} does not match /{col.pattern}/"
                )
    if tbl.key:
        dup = df.duplicated(list(tbl.key), keep="first")
        for i in list(dup[dup].index)[:5]:
            errors.append(f"key {list(tbl.key)}, {_row_label(i, df, tbl)}: duplicates an earlier row")
        for k in tbl.key:
            if df[k].isna().any():
                errors.append(f"key column {k!r} has empty values")
    if errors:
        _fail(where, errors)
    return df


def to_csv_bytes(df: pd.DataFrame, tbl: Table) -> bytes:
    """Serialise a typed frame deterministically (LF endings, ISO dates, shortest-repr floats)."""
    out = pd.DataFrame(index=df.index)
    for col in tbl.columns:
        s = df[col.name]
        if col.dtype == "date":
            out[col.name] = pd.to_datetime(s).dt.strftime("%Y-%m-%d").where(s.notna(), "")
        elif col.dtype == "bool":
            out[col.name] = s.map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))
        elif col.dtype == "int":
            out[col.name] = s.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif col.dtype == "float":
            out[col.name] = s.map(lambda v: "" if pd.isna(v) else repr(float(v)))
        else:
            out[col.name] = s.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def parse_csv(path: Path, tbl: Table) -> pd.DataFrame:
    """Read and validate one CSV file against a table's schema."""
    where = str(path)
    if not path.exists():
        raise FileNotFoundError(f"{where}: table {tbl.name!r} has no data file (run `tokenecon data build`)")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    except Exception as exc:  # malformed CSV: say which file
        raise DataValidationError(f"{where}: cannot be parsed as CSV: {exc}") from exc
    return validate(_coerce(raw, tbl, where), tbl, where)


# --------------------------------------------------------------------------- loading

def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _note_read(name: str, path: Path) -> None:
    log = os.environ.get(READLOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"table": name, "sha256": sha256_file(path)}) + "\n")


def load(name: str, path: Path | None = None) -> pd.DataFrame:
    """Return table ``name`` as a validated DataFrame (typed columns: dates as datetime64).

    ``path`` reads another file against the same schema (used by tests on corrupted copies).
    """
    tbl = table(name)
    p = Path(path) if path is not None else tbl.path
    df = parse_csv(p, tbl)
    if path is None:
        _note_read(name, p)
    return df


# --------------------------------------------------------------------------- catalogue, check, build

def catalog_text(all_tables: dict[str, Table] | None = None) -> str:
    import yaml

    all_tables = all_tables or tables()
    doc = {
        "about": (
            "Provenance and schema of every curated table in data/. Generated by `tokenecon data build` "
            "from the declarations in tokenecon/tables/; do not edit by hand."
        ),
        "tables": {name: all_tables[name].catalog_entry() for name in sorted(all_tables)},
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def load_catalog(path: Path | None = None) -> dict:
    import yaml

    return yaml.safe_load(Path(path or paths.CATALOG_PATH).read_text(encoding="utf-8"))


@dataclass
class TableSummary:
    name: str
    rows: int
    date_min: str | None
    date_max: str | None
    sha256: str

    def line(self) -> str:
        span = f"{self.date_min} .. {self.date_max}" if self.date_min else "(no date column)"
        return f"{self.name:<34} {self.rows:>7} rows  {span:<26} sha256 {self.sha256[:12]}"


def summarize(name: str, data_dir: Path | None = None) -> TableSummary:
    tbl = table(name)
    p = (Path(data_dir) / f"{name}.csv") if data_dir else tbl.path
    df = parse_csv(p, tbl)
    lo = hi = None
    if tbl.date_column and df[tbl.date_column].notna().any():
        d = pd.to_datetime(df[tbl.date_column])
        lo, hi = d.min().strftime("%Y-%m-%d"), d.max().strftime("%Y-%m-%d")
    return TableSummary(name, len(df), lo, hi, sha256_file(p))


def check(data_dir: Path | None = None) -> list[TableSummary]:
    """Validate every table; raise on the first failure, else return one summary per table."""
    return [summarize(n, data_dir) for n in sorted(tables())]


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


#: ``fit(frames) -> DataFrame``: computes a fitted table from its input tables (by name).
Fitter = Callable[[dict[str, pd.DataFrame]], pd.DataFrame]


def build(out_dir: Path | None = None, raw: Path | None = None, names: list[str] | None = None,
          fitters: dict[str, Fitter] | None = None) -> dict[str, Path]:
    """Regenerate derived (and fitted) tables from the raw mirror, and the catalogue.

    Every requested table is built and validated in memory first; files are written only when all
    have passed, so a failure leaves the previous outputs intact. Hand-compiled tables are validated
    (and copied when ``out_dir`` is not ``data/``) but never rewritten. Fitted tables need their fit
    in ``fitters`` (``tokenecon data build`` passes the model layer's); their inputs are the tables
    built in this run, else the committed ones.
    """
    out_dir = Path(out_dir) if out_dir else paths.DATA_DIR
    raw = Path(raw) if raw else paths.raw_dir()
    fitters = fitters or {}
    all_tables = tables()
    selected = names or sorted(all_tables)
    for n in selected:
        table(n)  # unknown names fail before anything runs
        if all_tables[n].kind == "fitted" and n not in fitters:
            raise DataValidationError(f"table {n}: fitted by a model; build it with `tokenecon data build {n}`")
    if any(all_tables[n].kind == "derived" for n in selected) and not raw.is_dir():
        raise FileNotFoundError(
            f"raw-source mirror not found at {raw}; set {paths.RAW_ENV} to the folder holding the raw sources"
        )
    pending: dict[Path, bytes] = {}
    frames: dict[str, pd.DataFrame] = {}
    order = [n for n in selected if all_tables[n].kind != "fitted"] + [n for n in selected if all_tables[n].kind == "fitted"]
    for n in order:
        tbl = all_tables[n]
        if tbl.kind == "hand-compiled":
            frames[n] = parse_csv(tbl.path, tbl)
            pending[out_dir / f"{n}.csv"] = tbl.path.read_bytes()
            continue
        if tbl.kind == "derived":
            for rf in tbl.raw_files:
                if not (raw / rf).exists():
                    raise FileNotFoundError(f"table {n}: raw file {raw / rf} is missing")
            df, where = tbl.build(raw), f"table {n} (built from {raw})"
        else:
            df = fitters[n]({i: frames[i] if i in frames else load(i) for i in tbl.inputs})
            where = f"table {n} (fitted on {', '.join(tbl.inputs)})"
        if list(df.columns) != [c.name for c in tbl.columns]:
            raise DataValidationError(
                f"table {n}: build produced columns {list(df.columns)}, schema has {[c.name for c in tbl.columns]}"
            )
        blob = to_csv_bytes(validate(df, tbl, where), tbl)
        # Round-trip: what is written must load back identically.
        frames[n] = parse_csv_bytes(blob, tbl, f"table {n} (serialised)")
        pending[out_dir / f"{n}.csv"] = blob
    pending[out_dir / "catalog.yaml"] = catalog_text(all_tables).encode("utf-8")
    for p, blob in pending.items():
        if not (p.exists() and p.read_bytes() == blob):
            _atomic_write(p, blob)
    return {p.stem: p for p in pending}


def parse_csv_bytes(blob: bytes, tbl: Table, where: str) -> pd.DataFrame:
    raw = pd.read_csv(io.BytesIO(blob), dtype=str, keep_default_na=False, na_filter=False)
    return validate(_coerce(raw, tbl, where), tbl, where)


def coverage(names: list[str] | None = None) -> pd.DataFrame:
    """One row per table: kind, licences, rows, key date range (each table loaded and validated)."""
    rows = []
    for n in names or sorted(tables()):
        tbl = table(n)
        df = load(n)
        lo = hi = pd.NaT
        if tbl.date_column and df[tbl.date_column].notna().any():
            d = pd.to_datetime(df[tbl.date_column])
            lo, hi = d.min(), d.max()
        rows.append(
            {
                "table": n,
                "title": tbl.title,
                "kind": tbl.kind,
                "licence": "; ".join(sorted({s.licence for s in tbl.sources})),
                "rows": len(df),
                "columns": len(tbl.columns),
                "date_from": lo,
                "date_to": hi,
            }
        )
    return pd.DataFrame(rows)
