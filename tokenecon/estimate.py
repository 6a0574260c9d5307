"""An estimate with its bounds: low / central / high (CBECI-style triples, or Monte Carlo quantiles)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Estimate:
    """``low <= central <= high`` in ``unit``; from Monte Carlo, low/high are the 5th/95th percentiles."""

    low: float
    central: float
    high: float
    unit: str = ""

    def __post_init__(self):
        if not (self.low <= self.central <= self.high):
            raise ValueError(f"Estimate bounds out of order: {self.low} <= {self.central} <= {self.high} fails")

    @classmethod
    def from_samples(cls, samples, unit: str = "", interval: float = 0.90) -> "Estimate":
        s = np.asarray(samples, dtype=float)
        if s.size == 0 or not np.isfinite(s).all():
            raise ValueError("Estimate.from_samples needs a non-empty array of finite values")
        tail = (1 - interval) / 2
        lo, mid, hi = np.quantile(s, [tail, 0.5, 1 - tail])
        return cls(float(lo), float(mid), float(hi), unit)

    def scale(self, factor: float, unit: str | None = None) -> "Estimate":
        """Multiply by a positive factor (e.g. a unit conversion)."""
        if factor <= 0:
            raise ValueError("Estimate.scale needs a positive factor")
        return Estimate(self.low * factor, self.central * factor, self.high * factor, self.unit if unit is None else unit)

    def as_dict(self) -> dict:
        return {"low": self.low, "central": self.central, "high": self.high, "unit": self.unit}
