"""Curated tables: schema, provenance, validated and cached loading, and the rebuild from raw sources.

Each table is declared once, as a :class:`Table` in a module of :mod:`tokenecon.data.schemas`: its columns
(dtype, unit, allowed range or categories), unique key, sources and how it was derived. From those
declarations come

* the validation rules, as pandera schemas (:mod:`tokenecon.data.validation`);
* :func:`load` — a validated, typed DataFrame read from ``data/<name>.csv``, memoised (one cache for
  every table; :func:`cache_clear`, and :func:`override` to inject a table in tests);
* :func:`build` — the derived tables regenerated from the raw mirror, plus ``data/catalog.yaml`` (the
  provenance catalogue, which pins every raw input by sha256 and row count) and ``data/datapackage.json``
  (the same catalogue as a Frictionless Data Package), written only when every table has passed;
* :func:`check` — one summary line per table (rows, key date range, short sha256); every broken table
  is reported, then :class:`CheckFailed` is raised.

A file that breaks a rule raises :class:`DataValidationError` naming the file, the column, the row (its
CSV line and key values) and the rule.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

import pandas as pd

from tokenecon import paths
from tokenecon.data import catalog as _catalog
from tokenecon.data import io as _io
from tokenecon.data.catalog import load_catalog  # noqa: F401  (public)
from tokenecon.data.io import parse_csv, parse_csv_bytes, sha256_file, to_csv_bytes, validate  # noqa: F401
from tokenecon.data.schema import DTYPES, KINDS, Column, DataValidationError, Source, Table  # noqa: F401

T = TypeVar("T")

#: Set by the report runner: a file to which every table read is appended (name and sha256).
READLOG_ENV = "TOKENECON_READLOG"
DATAPACKAGE_NAME = "datapackage.json"
_atomic_write = _io.atomic_write


class RawInputChanged(DataValidationError):
    """A raw file no longer matches the sha256 pinned in the catalogue."""


class CheckFailed(DataValidationError):
    """``check`` found broken tables: ``failures`` maps each to its message; ``summaries`` holds the good ones."""

    def __init__(self, summaries: list, failures: dict[str, str]):
        self.summaries, self.failures = summaries, failures
        super().__init__("\n".join(f"{n}: {m}" for n, m in failures.items()))

    def lines(self) -> list[str]:
        """One line per broken table: its name, the file and every problem."""
        out = []
        for name, msg in self.failures.items():
            parts = [p.strip() for p in msg.splitlines() if p.strip()]
            out.append(f"broken table {name}: {parts[0]}" + (": " + "; ".join(parts[1:]) if parts[1:] else ""))
        return out


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


# --------------------------------------------------------------------------- the one cache

@dataclass
class _Entry:
    tbl: Table
    sig: tuple
    sha: str
    frame: pd.DataFrame


_CACHE: dict[tuple[str, str], _Entry] = {}
_PACKAGES: dict[str, tuple[tuple, dict[str, tuple[str, str]]]] = {}
_DIGESTS: dict[int, tuple[Table, str]] = {}
_OVERRIDES: list[dict[str, pd.DataFrame]] = []


def cache_clear() -> None:
    """Forget every table read (the next :func:`load` reads and checks the files again)."""
    _CACHE.clear()
    _DERIVED.clear()
    _PACKAGES.clear()
    _DIGESTS.clear()
    _NOTED.clear()


@contextlib.contextmanager
def override(frames: dict[str, pd.DataFrame], *, check: bool = True) -> Iterator[None]:
    """Within the block, :func:`load` returns these frames for these tables (for tests).

    Each frame is validated against its table's schema first (``check=False`` skips that, for
    deliberately broken inputs). Overrides nest; the innermost wins.
    """
    layer = {}
    for name, df in frames.items():
        tbl = table(name)
        layer[name] = validate(df, tbl, f"override of table {name}") if check else df.reset_index(drop=True)
    _OVERRIDES.append(layer)
    try:
        yield
    finally:
        _OVERRIDES.remove(layer)


def _digest(tbl: Table) -> str:
    hit = _DIGESTS.get(id(tbl))
    if hit is None or hit[0] is not tbl:
        hit = (tbl, _catalog.declaration_digest(tbl))
        _DIGESTS[id(tbl)] = hit
    return hit[1]


def _validated_pins(folder: Path) -> dict[str, tuple[str, str]]:
    """Table -> (sha256, declaration digest) under which ``folder``'s CSV was validated by ``data build``."""
    p = folder / DATAPACKAGE_NAME
    try:
        st = p.stat()
    except OSError:
        return {}
    sig = (st.st_mtime_ns, st.st_size, st.st_ino)
    hit = _PACKAGES.get(str(p))
    if hit is not None and hit[0] == sig:
        return hit[1]
    doc = _catalog.load_datapackage(p) or {}
    pins = {}
    for res in doc.get("resources", []) if isinstance(doc, dict) else []:
        try:
            pins[res["name"]] = (str(res["hash"]).removeprefix("sha256:"), res["schemaDigest"])
        except (KeyError, TypeError):
            continue
    _PACKAGES[str(p)] = (sig, pins)
    return pins


def _read(name: str, tbl: Table, p: Path, trust_pins: bool) -> _Entry:
    try:
        st = p.stat()
    except FileNotFoundError:
        raise FileNotFoundError(f"{p}: table {name!r} has no data file (run `tokenecon data build`)") from None
    sig = (st.st_mtime_ns, st.st_size, st.st_ino)
    key = (name, str(p))
    hit = _CACHE.get(key)
    if hit is not None and hit.tbl is tbl and hit.sig == sig:
        return hit
    blob = _io.read_file(p)
    sha = hashlib.sha256(blob).hexdigest()
    if hit is not None and hit.tbl is tbl and hit.sha == sha:
        hit.sig = sig
        return hit
    # A file whose bytes and declaration are those `data build` validated needs no second pandera run.
    pinned = trust_pins and _validated_pins(p.parent).get(name) == (sha, _digest(tbl))
    frame = _io.read_blob(blob, tbl, str(p), validate=not pinned)
    entry = _Entry(tbl, sig, sha, frame)
    _CACHE[key] = entry
    return entry


_NOTED: set[tuple[str, str, str]] = set()


def _note_read(name: str, sha: str) -> None:
    log = os.environ.get(READLOG_ENV)
    if log and (log, name, sha) not in _NOTED:  # once per table version and log
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"table": name, "sha256": sha}) + "\n")
        _NOTED.add((log, name, sha))


def load(name: str, path: Path | None = None) -> pd.DataFrame:
    """Return table ``name`` as a validated DataFrame (typed columns: dates as datetime64).

    ``path`` reads another file against the same schema (used by tests on corrupted copies); such a
    file is always validated in full. Reads are memoised by table, path and the file's size, mtime
    and sha256: the frame returned is a copy-on-write copy, so changing it never changes the cache.
    """
    tbl = table(name)
    if path is None:
        for layer in reversed(_OVERRIDES):
            if name in layer:
                return layer[name].copy(deep=False)
    p = Path(path) if path is not None else tbl.path
    entry = _read(name, tbl, p, trust_pins=path is None)
    if path is None:
        _note_read(name, entry.sha)
    return entry.frame.copy(deep=False)


_DERIVED: dict[tuple, tuple[object, object]] = {}


def derived(name: str, build: Callable[[pd.DataFrame], T]) -> T:
    """``build(load(name))``, computed once per version of the table: its file's bytes (sha256), or the
    frame an :func:`override` put in place. For lookups built from a whole table (a dict by key), so that a
    hot loop does not filter the frame on every call. The value is shared: callers must not change it."""
    tbl = table(name)
    for layer in reversed(_OVERRIDES):
        if name in layer:
            src = layer[name]
            key = (name, build, "override", id(src))
            hit = _DERIVED.get(key)
            if hit is None or hit[0] is not src:
                hit = _DERIVED[key] = (src, build(src.copy(deep=False)))
            return hit[1]
    entry = _read(name, tbl, tbl.path, trust_pins=True)
    _note_read(name, entry.sha)
    key = (name, build, str(tbl.path), entry.sha)
    hit = _DERIVED.get(key)
    if hit is None:
        hit = _DERIVED[key] = (None, build(entry.frame.copy(deep=False)))
    return hit[1]


# --------------------------------------------------------------------------- catalogue, check, build

def catalog_text(all_tables: dict[str, Table] | None = None, pins: dict[str, dict] | None = None) -> str:
    """``catalog.yaml`` as generated from the declarations and the raw-input pins (default: the committed pins)."""
    return _catalog.catalog_text(all_tables or tables(), _catalog.load_pins() if pins is None else pins)


def datapackage_text(all_tables: dict[str, Table] | None = None, data_dir: Path | None = None) -> str:
    """``datapackage.json`` for the tables in ``data_dir`` (default ``data/``)."""
    all_tables = all_tables or tables()
    folder = Path(data_dir) if data_dir else paths.DATA_DIR
    blobs = {n: (folder / f"{n}.csv").read_bytes() for n in all_tables if (folder / f"{n}.csv").is_file()}
    return _catalog.datapackage_text(all_tables, blobs)


def write_catalogue(data_dir: Path | None = None) -> list[Path]:
    """Rewrite ``catalog.yaml`` (keeping its raw pins) and ``datapackage.json`` for the CSVs in ``data_dir``.

    For code that writes a curated table itself (after validating it), e.g. an incremental fetch, so that
    the Data Package's hashes follow the file. Every CSV is validated first; nothing is written otherwise.
    """
    folder = Path(data_dir) if data_dir else paths.DATA_DIR
    all_tables = tables()
    blobs = {}
    for n, tbl in all_tables.items():
        p = folder / f"{n}.csv"
        if p.is_file():
            blobs[n] = p.read_bytes()
            parse_csv_bytes(blobs[n], tbl, str(p))
    cat = folder / "catalog.yaml"
    pins = _catalog.load_pins(cat if cat.exists() else paths.CATALOG_PATH)
    out = {cat: _catalog.catalog_text(all_tables, pins).encode("utf-8"),
           folder / DATAPACKAGE_NAME: _catalog.datapackage_text(all_tables, blobs).encode("utf-8")}
    for p, blob in out.items():
        if not (p.exists() and p.read_bytes() == blob):
            _atomic_write(p, blob)
    return list(out)


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
    """Validate every table in full; return one summary per table, or raise :class:`CheckFailed` naming every broken one."""
    summaries, failures = [], {}
    for n in sorted(tables()):
        try:
            summaries.append(summarize(n, data_dir))
        except (DataValidationError, FileNotFoundError) as exc:
            failures[n] = str(exc)
    if failures:
        raise CheckFailed(summaries, failures)
    return summaries


#: ``fit(frames) -> DataFrame``: computes a fitted table from its input tables (by name).
Fitter = Callable[[dict[str, pd.DataFrame]], pd.DataFrame]


def _raw_name(given: str | Path, raw: Path, known: Iterable[str]) -> str:
    """A raw file named on the command line, as its path inside the raw mirror."""
    known = list(known)
    s = str(given)
    p = Path(s)
    if p.is_absolute():
        try:
            s = p.resolve().relative_to(raw.resolve()).as_posix()
        except ValueError:
            raise ValueError(f"--accept-new-raw {given}: not inside the raw-source mirror {raw}") from None
    s = s.removeprefix("./")
    if s not in known:
        raise ValueError(f"--accept-new-raw {given}: no table is built from it; raw inputs: {', '.join(known)}")
    return s


def _pin_words(pin: dict) -> str:
    rows = f"{pin['rows']} rows, " if pin.get("rows") is not None else ""
    return f"{rows}{pin['bytes']} bytes, sha256 {pin['sha256'][:12]}"


def _check_raw_pins(needed: list[str], raw: Path, pins: dict[str, dict], accepted: set[str],
                    pin_file: Path, readers: dict[str, list[str]], notify) -> dict[str, dict]:
    """Compare every raw input with its pin; return the pins to record, or raise naming every changed file."""
    new = dict(pins)
    changed = []
    for rf in needed:
        pin = _catalog.raw_pin(raw / rf)
        old = pins.get(rf)
        if old is None:
            new[rf] = pin
            notify(f"pinned raw input {rf}: {_pin_words(pin)}")
        elif old.get("sha256") != pin["sha256"]:
            if rf in accepted:
                new[rf] = pin
                notify(f"new version of raw input {rf}: {_pin_words(pin)} (was {_pin_words(old)})")
            else:
                changed.append(
                    f"raw file {rf} (in {raw}) differs from its pin in {pin_file}: now {_pin_words(pin)}; "
                    f"pinned {_pin_words(old)}. If it is a new version of the source, rebuild with "
                    f"`tokenecon data build --accept-new-raw {rf}` (rebuilds {', '.join(readers.get(rf, []))})"
                )
        elif rf in accepted:
            notify(f"raw input {rf} is unchanged ({_pin_words(pin)})")
    if changed:
        raise RawInputChanged(
            f"{len(changed)} raw input(s) changed; nothing was built or written:\n  " + "\n  ".join(changed)
        )
    return new


def _sandbox(tbl: Table, raw: Path, into: Path) -> Path:
    """A folder holding only the table's declared raw files (links), so that every file its build reads is pinned."""
    box = into / tbl.name
    for rf in tbl.raw_files:
        target = box / rf
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.symlink_to((raw / rf).resolve())
        except OSError:
            shutil.copyfile(raw / rf, target)
    return box


def _build_derived(tbl: Table, raw: Path, tmp: Path) -> pd.DataFrame:
    box = _sandbox(tbl, raw, tmp)
    try:
        return tbl.build(box)
    except (FileNotFoundError, ValueError, KeyError, OSError) as exc:
        text = str(exc)
        if str(box) not in text:
            raise
        for cand in sorted(p for p in raw.rglob("*") if p.is_file()):
            rel = cand.relative_to(raw).as_posix()
            if str(box / rel) in text and rel not in tbl.raw_files:
                raise DataValidationError(
                    f"table {tbl.name}: its build reads raw file {rel}, which is not in its raw_files "
                    "(declare it there, so that it is pinned)"
                ) from None
        raise type(exc)(text.replace(str(box), str(raw))) from None


def build(out_dir: Path | None = None, raw: Path | None = None, names: list[str] | None = None,
          fitters: dict[str, Fitter] | None = None, accept_new_raw: Iterable[str | Path] = (),
          notify: Callable[[str], None] | None = None) -> dict[str, Path]:
    """Regenerate derived (and fitted) tables from the raw mirror, the catalogue and the Data Package.

    Every raw input is first compared with its pin (sha256) in the catalogue beside ``out_dir`` (or in
    ``data/catalog.yaml``); a changed file is refused unless listed in ``accept_new_raw``, which also
    rebuilds every table read from it and records its new pin. A raw file never pinned is pinned.
    Every requested table is then built and validated in memory; files are written only when all have
    passed, so a failure leaves the previous outputs intact. Hand-compiled tables are validated (and
    copied when ``out_dir`` is not ``data/``) but never rewritten. Fitted tables need their fit in
    ``fitters`` (``tokenecon data build`` passes the model layer's); their inputs are the tables built
    in this run, else the committed ones. ``notify`` receives one line per raw pin recorded.
    """
    out_dir = Path(out_dir) if out_dir else paths.DATA_DIR
    raw = Path(raw) if raw else paths.raw_dir()
    fitters = fitters or {}
    notify = notify or (lambda line: None)
    all_tables = tables()
    selected = list(names or sorted(all_tables))
    for n in selected:
        table(n)  # unknown names fail before anything runs
    readers = _catalog.raw_readers(all_tables)
    accepted = {_raw_name(a, raw, readers) for a in accept_new_raw}
    for rf in sorted(accepted):  # a new version of a raw file rebuilds every table read from it
        selected += [t for t in readers[rf] if t not in selected]
    for n in selected:
        if all_tables[n].kind == "fitted" and n not in fitters:
            raise DataValidationError(f"table {n}: fitted by a model; build it with `tokenecon data build {n}`")
    derived = [n for n in selected if all_tables[n].kind == "derived"]
    if derived and not raw.is_dir():
        raise FileNotFoundError(
            f"raw-source mirror not found at {raw}; set {paths.RAW_ENV} to the folder holding the raw sources"
        )
    for n in derived:
        for rf in all_tables[n].raw_files:
            if not (raw / rf).is_file():
                raise FileNotFoundError(f"table {n}: raw file {raw / rf} is missing")
    pin_file = out_dir / "catalog.yaml" if (out_dir / "catalog.yaml").exists() else paths.CATALOG_PATH
    try:
        pins = _catalog.load_pins(pin_file)
    except Exception as exc:  # a malformed catalogue: say which file
        raise DataValidationError(f"{pin_file}: cannot be read as the catalogue ({exc})") from None
    needed = sorted({rf for n in derived for rf in all_tables[n].raw_files})
    pins = _check_raw_pins(needed, raw, pins, accepted, pin_file, readers, notify)
    for rf in readers:  # raw files of tables not built now: pinned as they are if they never were
        if rf not in pins and (raw / rf).is_file():
            pins[rf] = _catalog.raw_pin(raw / rf)
            notify(f"pinned raw input {rf}: {_pin_words(pins[rf])}")

    pending: dict[Path, bytes] = {}
    frames: dict[str, pd.DataFrame] = {}
    order = [n for n in selected if all_tables[n].kind != "fitted"] + [n for n in selected if all_tables[n].kind == "fitted"]
    with tempfile.TemporaryDirectory(prefix="tokenecon-raw-") as tmp:
        for n in order:
            tbl = all_tables[n]
            if tbl.kind == "hand-compiled":
                frames[n] = parse_csv(tbl.path, tbl)
                pending[out_dir / f"{n}.csv"] = tbl.path.read_bytes()
                continue
            if tbl.kind == "derived":
                df, where = _build_derived(tbl, raw, Path(tmp)), f"table {n} (built from {raw})"
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
    blobs = {p.stem: b for p, b in pending.items()}
    for n in all_tables:
        if n not in blobs and (out_dir / f"{n}.csv").is_file():
            blobs[n] = (out_dir / f"{n}.csv").read_bytes()
    pending[out_dir / "catalog.yaml"] = _catalog.catalog_text(all_tables, pins).encode("utf-8")
    pending[out_dir / DATAPACKAGE_NAME] = _catalog.datapackage_text(all_tables, blobs).encode("utf-8")
    for p, blob in pending.items():
        if not (p.exists() and p.read_bytes() == blob):
            _atomic_write(p, blob)
    return {p.stem: p for p in pending}


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
