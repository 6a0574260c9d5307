"""An estimate with its bounds and the kind of its interval, and arithmetic that keeps them honest.

``Estimate(low, central, high, unit, kind)``. The kind says in words what the bounds are:

* :data:`MONTE_CARLO` — the 5th and 95th percentiles of seeded Monte Carlo draws; such an estimate keeps
  its draws, so ``a / b`` divides draw by draw (the same seed, the same inputs) and the result's bounds
  are the quantiles of the ratio, not a ratio of bounds;
* :data:`SOURCES` — the range between published sources (e.g. industrial and commercial prices);
* :data:`SCENARIOS` — the envelope of named scenarios;
* :data:`BOUNDS` — worst-case interval arithmetic on estimates without draws;
* :data:`POINT` — no interval (low = central = high).

No code multiplies or inverts a bound by hand: it uses these operators (the EcoLogits ``RangeValue`` idea).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MONTE_CARLO = "monte_carlo"
SOURCES = "sources"
SCENARIOS = "scenarios"
BOUNDS = "bounds"
POINT = "point"
KINDS = (MONTE_CARLO, SOURCES, SCENARIOS, BOUNDS, POINT, "")


@dataclass(frozen=True)
class Estimate:
    """``low <= central <= high`` in ``unit``; for Monte Carlo, low/high are the 5th/95th percentiles."""

    low: float
    central: float
    high: float
    unit: str = ""
    kind: str = ""
    #: Monte Carlo draws behind a :data:`MONTE_CARLO` estimate (not compared, not serialised).
    draws: np.ndarray | None = field(default=None, compare=False, repr=False)
    interval: float = field(default=0.90, compare=False, repr=False)

    def __post_init__(self):
        if not (self.low <= self.central <= self.high):
            raise ValueError(f"Estimate bounds out of order: {self.low} <= {self.central} <= {self.high} fails")
        if self.kind not in KINDS:
            raise ValueError(f"Estimate kind: {self.kind!r} is not one of {list(KINDS)}")

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_samples(cls, samples, unit: str = "", interval: float = 0.90, keep: bool = True) -> "Estimate":
        """Median and central ``interval`` of draws; the draws are kept for arithmetic unless ``keep=False``."""
        s = np.asarray(samples, dtype=float).ravel()
        if s.size == 0 or not np.isfinite(s).all():
            raise ValueError("Estimate.from_samples needs a non-empty array of finite values")
        tail = (1 - interval) / 2
        lo, mid, hi = np.quantile(s, [tail, 0.5, 1 - tail])
        return cls(float(lo), float(mid), float(hi), unit, MONTE_CARLO, s if keep else None, interval)

    @classmethod
    def point(cls, value: float, unit: str = "") -> "Estimate":
        return cls(float(value), float(value), float(value), unit, POINT)

    @classmethod
    def between(cls, a: float, b: float, central: float | None = None, unit: str = "", kind: str = SOURCES) -> "Estimate":
        """The range between two values (sources or scenarios), central at ``central`` or the midpoint."""
        lo, hi = sorted((float(a), float(b)))
        return cls(lo, (lo + hi) / 2 if central is None else float(central), hi, unit, kind)

    # ------------------------------------------------------------------ description
    @property
    def n_draws(self) -> int | None:
        return None if self.draws is None else int(self.draws.size)

    def interval_words(self) -> str:
        """What the interval is, in words for a reader ("90% interval of 20,000 Monte Carlo draws")."""
        if self.kind == MONTE_CARLO:
            n = f" of {self.n_draws:,} Monte Carlo draws" if self.n_draws else " of Monte Carlo draws"
            return f"{self.interval:.0%} interval{n}"
        return {SOURCES: "range between sources", SCENARIOS: "envelope of the scenarios",
                BOUNDS: "worst-case bounds of the inputs' ranges", POINT: "single value, no interval"}.get(self.kind, "")

    # ------------------------------------------------------------------ arithmetic
    def _combine(self, other, op) -> "Estimate":
        if isinstance(other, Estimate):
            if self.draws is not None and other.draws is not None and self.draws.size == other.draws.size:
                return Estimate.from_samples(op(self.draws, other.draws), interval=self.interval)
            corners = [op(a, b) for a in (self.low, self.high) for b in (other.low, other.high)]
            mid = op(self.central, other.central)
            kind = POINT if self.kind == other.kind == POINT else BOUNDS
            return Estimate(float(min(corners)), float(mid), float(max(corners)), kind=kind)
        x = float(other)
        if self.draws is not None:
            return Estimate.from_samples(op(self.draws, x), self.unit, self.interval)
        vals = sorted((op(self.low, x), op(self.high, x)))
        return Estimate(float(vals[0]), float(op(self.central, x)), float(vals[1]), self.unit, self.kind)

    def __mul__(self, other):
        return self._combine(other, np.multiply)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, Estimate) and other.low <= 0 <= other.high and other.draws is None:
            raise ValueError("Estimate division: the divisor's interval contains 0")
        return self._combine(other, np.divide)

    def __rtruediv__(self, other):
        return Estimate.point(float(other))._combine(self, np.divide) if self.draws is None else \
            Estimate.from_samples(float(other) / self.draws, interval=self.interval)

    def __add__(self, other):
        return self._combine(other, np.add)

    __radd__ = __add__

    def __sub__(self, other):
        return self._combine(other, np.subtract)

    def __rsub__(self, other):
        return (self * -1.0) + other

    def with_unit(self, unit: str) -> "Estimate":
        return Estimate(self.low, self.central, self.high, unit, self.kind, self.draws, self.interval)

    def scale(self, factor: float, unit: str | None = None) -> "Estimate":
        """Multiply by a positive factor (e.g. a unit conversion)."""
        if factor <= 0:
            raise ValueError("Estimate.scale needs a positive factor")
        out = self * float(factor)
        return out.with_unit(self.unit if unit is None else unit)

    def as_dict(self) -> dict:
        d = {"low": self.low, "central": self.central, "high": self.high, "unit": self.unit}
        if self.kind:
            d["interval_kind"] = self.kind
            d["interval"] = self.interval_words()
        return d
