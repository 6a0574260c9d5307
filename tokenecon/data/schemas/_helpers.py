"""Small helpers shared by the table builders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: Date the raw mirror was assembled (see each SOURCES.md).
MIRROR_RETRIEVED = "2026-11-01"


def read_raw(raw_dir: Path, relpath: str, **kw) -> pd.DataFrame:
    """Read a raw CSV from the mirror, naming the file if it cannot be read."""
    p = Path(raw_dir) / relpath
    try:
        return pd.read_csv(p, **kw)
    except Exception as exc:
        raise ValueError(f"raw file {p}: cannot be read: {exc}") from exc


def require_columns(df: pd.DataFrame, relpath: str, columns: list[str]) -> None:
    """Assert a raw file still has the columns a builder relies on."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"raw file {relpath}: expected column(s) {missing}, found {list(df.columns)}")
