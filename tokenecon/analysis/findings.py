"""Findings: every figure that more than one page shows, computed once, with its scope and interval kind.

A *finding* is a named function in ``tokenecon.analysis`` (registered with :func:`finding`) that returns
a :class:`Finding`: the value (an :class:`~tokenecon.estimate.Estimate` or a plain number), its unit, the
kind of its interval, its scope in words (platform, period, the data's as-of date) and the tables it
read. Notebooks, the fact-check and the landing page take figures from :func:`get` and record them with
``tokenecon.report.notebook.record_finding``, so one key has one value, one unit and one scope
everywhere (a test collects every record of every report and checks it).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

from tokenecon.estimate import Estimate

_REGISTRY: dict[str, Callable[..., "Finding"]] = {}
_CACHE: dict[tuple, "Finding"] = {}


@dataclass(frozen=True)
class Scope:
    """Where and when a figure holds, in words a reader understands."""

    platform: str  # "OpenRouter", "world", "one model on one GPU server", ...
    period: str  # "week of 16-22 February 2026", "24 hours to 28 August 2026", "2020"
    as_of: str = ""  # the date the data run to (ISO), or "" for a fixed period
    note: str = ""  # anything else the figure is conditional on ("at list prices", "computed in China")

    def words(self) -> str:
        parts = [self.platform, self.period]
        if self.note:
            parts.append(self.note)
        if self.as_of:
            parts.append(f"data as of {self.as_of}")
        return "; ".join(p for p in parts if p)


@dataclass(frozen=True)
class Finding:
    key: str
    label: str  # what the number is, in plain words
    value: Estimate | float | int | str
    unit: str
    scope: Scope
    tables: tuple[str, ...] = ()
    section: str = ""  # "report#anchor" of the section that explains it
    note: str = ""
    #: Set when the figure is computed for other than its canonical inputs (another model, country, week):
    #: it then records under ``key[variant]``, so one record key always means one value.
    variant: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def record_key(self) -> str:
        return f"{self.key}[{self.variant}]" if self.variant else self.key

    @property
    def central(self):
        return self.value.central if isinstance(self.value, Estimate) else self.value

    @property
    def estimate(self) -> Estimate:
        if isinstance(self.value, Estimate):
            return self.value
        return Estimate.point(float(self.value), self.unit)

    def interval_words(self) -> str:
        return self.value.interval_words() if isinstance(self.value, Estimate) else "single value, no interval"

    def record(self) -> dict:
        """The JSON-able record a report writes for this finding (see :mod:`tokenecon.report.notebook`)."""
        rec = {"label": self.label, "unit": self.unit, "scope": self.scope.words(), "section": self.section,
               "tables": list(self.tables)}
        if isinstance(self.value, Estimate):
            rec["value"] = self.value.as_dict()
        else:
            rec["value"] = self.value
        rec["interval"] = self.interval_words()
        if self.note:
            rec["note"] = self.note
        return rec


def finding(key: str):
    """Register a function as the one definition of figure ``key``."""

    def deco(fn):
        if key in _REGISTRY and _REGISTRY[key] is not fn:
            raise ValueError(f"finding {key!r} is defined twice ({_REGISTRY[key].__module__} and {fn.__module__})")
        _REGISTRY[key] = fn
        fn.finding_key = key
        return fn

    return deco


def _load_all() -> None:
    import importlib
    import pkgutil

    import tokenecon.analysis as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_") and info.name != "findings":
            importlib.import_module(f"{pkg.__name__}.{info.name}")


def keys() -> list[str]:
    _load_all()
    return sorted(_REGISTRY)


def get(key: str, **params) -> Finding:
    """The finding ``key`` with ``params`` (cached per parameter set: each figure is computed once per run)."""
    _load_all()
    if key not in _REGISTRY:
        raise ValueError(f"finding: unknown key {key!r}; known: {', '.join(sorted(_REGISTRY))}")
    fn = _REGISTRY[key]
    accepted = inspect.signature(fn).parameters
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise ValueError(f"finding {key!r}: unknown parameter(s) {unknown}; accepted: {sorted(accepted)}")
    ck = (key, tuple(sorted((k, repr(v)) for k, v in params.items())))
    if ck not in _CACHE:
        f = fn(**params)
        if not isinstance(f, Finding) or f.key != key:
            raise TypeError(f"finding {key!r}: {fn.__qualname__} must return a Finding with that key")
        _CACHE[ck] = f
    return _CACHE[ck]


def clear_cache() -> None:
    _CACHE.clear()


# ------------------------------------------------------------------ periods in words (the one definition;
# tokenecon.report.fmt's date helpers call these)

EN_DASH = "\u2013"


def _day(d):
    import pandas as pd

    return pd.Timestamp(d)


def day_words(day) -> str:
    """``2026-08-28`` → "28 August 2026"."""
    d = _day(day)
    return f"{d.day} {d:%B} {d.year}"


def date_range_words(start, end) -> str:
    """``('2026-02-16', '2026-02-22')`` → "16–22 February 2026"; across months or years the parts repeat."""
    a, b = _day(start), _day(end)
    if b < a:
        raise ValueError(f"date range: end {b.date()} is before start {a.date()}")
    if a == b:
        return day_words(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}{EN_DASH}{b.day} {a:%B} {a.year}"
    if a.year == b.year:
        return f"{a.day} {a:%B} {EN_DASH} {b.day} {b:%B} {b.year}"
    return f"{day_words(a)} {EN_DASH} {day_words(b)}"


def week_words(start) -> str:
    """The seven days from ``start``: "week of 16–22 February 2026"."""
    import pandas as pd

    a = _day(start)
    return "week of " + date_range_words(a, a + pd.Timedelta(days=6))


def day_to_words(end) -> str:
    """A 24-hour snapshot ending on ``end``: "24 hours to 28 August 2026"."""
    return f"24 hours to {day_words(end)}"
