"""Declarations of the curated tables in ``data/``, one module per source theme.

Each module defines ``TABLES``: a list of :class:`tokenecon.data.Table`. Derived tables carry a
``build(raw_dir)`` function that reads the raw mirror and returns the tidy frame; hand-compiled
tables carry a ``source`` column on every row. Modules are discovered automatically.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache


@lru_cache(maxsize=1)
def _registry() -> tuple:
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        for tbl in getattr(mod, "TABLES", []):
            if tbl.name in found:
                raise ValueError(f"table {tbl.name!r} declared twice ({found[tbl.name][1]} and {info.name})")
            found[tbl.name] = (tbl, info.name)
    return tuple((name, tbl) for name, (tbl, _) in sorted(found.items()))


def registry() -> dict:
    return dict(_registry())
