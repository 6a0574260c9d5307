"""Table declarations: :class:`Column`, :class:`Source`, :class:`Table` and :class:`DataValidationError`.

A declaration says what a curated table holds (columns with dtype, unit, range, categories, pattern),
its key, its sources and how it was derived. The validation rules themselves are generated from it as
pandera schemas (:mod:`tokenecon.data.validation`); the catalogue and the Data Package descriptor are
generated from it too (:mod:`tokenecon.data.catalog`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from tokenecon import paths

DTYPES = ("str", "int", "float", "bool", "date")
#: derived: rebuilt from the raw mirror by the table's own ``build``; hand-compiled: typed rows with a
#: source each; fitted: computed from other curated tables by a model fit that the data layer does not
#: know (it is handed in by the caller, see :func:`tokenecon.data.build`), so data never imports the model layer.
KINDS = ("derived", "hand-compiled", "fitted")


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
    #: Raw files read by ``build``, relative to the raw mirror (pinned by sha256 and row count in the catalogue).
    raw_files: tuple[str, ...] = ()
    #: Column giving the table's coverage in time (shown by ``data check``).
    date_column: str | None = None
    caveats: str = ""
    #: A table with no rows fails validation unless its declaration allows it.
    allow_empty: bool = False

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
        if self.allow_empty:
            entry["allow_empty"] = True
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
