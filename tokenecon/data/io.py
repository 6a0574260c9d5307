"""Reading and writing curated CSV files: strict parsing with line numbers, typing, deterministic serialisation.

A CSV is split into records by Python's :mod:`csv` module in strict mode, which knows the line where
each record starts; an unclosed quote, a row with too many or too few fields, a file that is not UTF-8
or has no header are each refused with the file and the line. The text frame is validated by the
generated pandera schema (:mod:`tokenecon.data.validation`), then typed (dates as datetime64, ints as
nullable ``Int64``, empty cells as null) and validated again as typed data.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from tokenecon.data import validation
from tokenecon.data.schema import DataValidationError, Table


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class TextTable:
    """A CSV split into records: header, text frame (None for empty cells) and each record's first line."""

    def __init__(self, header: list[str], frame: pd.DataFrame, lines: list[int]):
        self.header, self.frame, self.lines = header, frame, lines


def split_csv(blob: bytes, where: str) -> TextTable:
    """Split CSV bytes into records; any parse failure names ``where`` and the line."""
    try:
        text = blob.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = blob[: exc.start].count(b"\n") + 1
        raise DataValidationError(f"{where}: line {line}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not text.strip():
        raise DataValidationError(f"{where}: the file is empty (no header line)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    last = 0
    try:
        for rec in reader:
            start, last = last + 1, reader.line_num
            if not rec:  # a blank line
                continue
            if header is None:
                header = rec
                continue
            if len(rec) != len(header):
                raise DataValidationError(
                    f"{where}: line {start}: {len(rec)} field(s), the header has {len(header)}"
                    + (" (a quoted field may be unclosed on an earlier line)" if start != last else "")
                )
            rows.append(rec)
            lines.append(start)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):  # a quote left open runs to the end of the file
            raise DataValidationError(
                f"{where}: line {last + 1}: cannot be parsed as CSV (a quoted field starting in the record on "
                f"line {last + 1} is never closed; the file ends inside it at line {reader.line_num})"
            ) from None
        raise DataValidationError(
            f"{where}: line {reader.line_num}: cannot be parsed as CSV ({exc}; check the quotes on this line "
            f"and on line {last + 1}, where the record starts)" if reader.line_num != last + 1 else
            f"{where}: line {reader.line_num}: cannot be parsed as CSV ({exc})"
        ) from None
    if header is None:
        raise DataValidationError(f"{where}: the file is empty (no header line)")
    if len(header) != len(set(header)):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise DataValidationError(f"{where}: line 1: column name(s) {dup} appear more than once in the header")
    cells = np.array(rows, dtype=object).reshape(len(rows), len(header))
    cells[cells == ""] = None
    frame = pd.DataFrame(cells, columns=pd.Index(header, dtype=object), index=pd.RangeIndex(len(rows)))
    return TextTable(header, frame, lines)


def typed(text: pd.DataFrame, tbl: Table) -> pd.DataFrame:
    """Turn a validated text frame into typed columns (the text schema has checked every cell)."""
    out = {}
    for col in tbl.columns:
        s = text[col.name]
        if col.dtype == "str":
            out[col.name] = s.astype(object)
        elif col.dtype == "bool":
            out[col.name] = s.str.lower().map({"true": True, "false": False})
        elif col.dtype == "date":
            out[col.name] = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
        else:
            # floats keep the dtype pandas infers (a column of whole numbers reads as int64), as before
            vals = pd.to_numeric(s, errors="coerce")
            out[col.name] = vals.astype("Int64") if col.dtype == "int" else vals
    return pd.DataFrame(out, index=text.index)


def read_blob(blob: bytes, tbl: Table, where: str, validate: bool = True) -> pd.DataFrame:
    """Parse CSV bytes into a typed frame; with ``validate`` (the default) every rule is checked."""
    t = split_csv(blob, where)
    if validate:
        validation.run(t.frame, tbl, "text", where, t.lines)
        df = typed(t.frame, tbl)
        validation.run(df, tbl, "typed", where, t.lines)
        return df
    if t.header != [c.name for c in tbl.columns]:  # a pinned file always matches; cheap guard all the same
        validation.run(t.frame, tbl, "text", where, t.lines)
    return typed(t.frame, tbl)


def validate(df: pd.DataFrame, tbl: Table, where: str | None = None) -> pd.DataFrame:
    """Check a typed frame (e.g. a table's ``build`` output) against the table's rules; return it or raise."""
    where = where or f"table {tbl.name}"
    df = df.reset_index(drop=True)
    validation.run(df, tbl, "typed", where)
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


def read_file(path: Path, where: str | None = None) -> bytes:
    where = where or str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise DataValidationError(f"{where}: is a folder, not a CSV file") from None
    except OSError as exc:
        raise DataValidationError(f"{where}: cannot be read ({exc.strerror})") from None


def parse_csv(path: Path, tbl: Table) -> pd.DataFrame:
    """Read and validate one CSV file against a table's schema."""
    path = Path(path)
    where = str(path)
    if not path.exists():
        raise FileNotFoundError(f"{where}: table {tbl.name!r} has no data file (run `tokenecon data build`)")
    return read_blob(read_file(path), tbl, where)


def parse_csv_bytes(blob: bytes, tbl: Table, where: str) -> pd.DataFrame:
    return read_blob(blob, tbl, where)


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
