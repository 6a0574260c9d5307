"""Seeded, vectorised Monte Carlo over the model's uncertain inputs, and a tornado analysis.

The uncertain inputs and their ranges are the table ``uncertain_inputs`` (``data/uncertain_inputs.csv``):
GPU price (per hardware), server multiplier, life, cost of capital, utilisation, PUE, server
overhead, idle power, electricity-price spread, facility cost (per region) and life, other opex,
and two residual factors on the energy model (``throughput_factor``, ``gpu_power_factor``) whose
ranges come from the calibration targets. One draw of every input is one column of arrays; the
whole cost/energy stack is evaluated once on those arrays (no Python loop over draws).

The energy model (``tokenecon.model.energy``) gives, for a model, hardware and serving point, the
central GPU throughput and power (:class:`ServingPoint`); the Monte Carlo scales them by the
residual factors, so the energy model runs once per call, not once per draw.

Distributions (``low``/``central``/``high`` of the table):

* ``triangular`` — minimum, mode, maximum;
* ``uniform`` — minimum, maximum (``central`` is the midpoint);
* ``lognormal`` — median ``central``; ``low``/``high`` are the 5th/95th percentiles (σ is the mean
  of ``ln(high/central)`` and ``ln(central/low)`` over 1.645);
* ``fixed`` — always ``central``.

The GPU price is taken per accelerator from the ``hardware`` table (uniform between its low and
high price).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tokenecon.model import cost
from tokenecon.estimate import Estimate

#: Most draws one call may ask for: the Monte Carlo streams in chunks, so memory stays bounded (about 220 MB peak
#: at this size, benchmarks/bench_montecarlo_memory.py), and more draws than this add no precision a report shows.
MAX_DRAWS = 1_000_000

Z95 = 1.6448536269514722  # standard-normal 95th percentile

#: Inputs drawn by the Monte Carlo, in a fixed order (the draw order fixes the random stream).
INPUT_NAMES = (
    "gpu_price_usd",
    "server_multiplier",
    "life_years",
    "cost_of_capital",
    "utilisation",
    "pue",
    "server_overhead",
    "idle_power_fraction",
    "electricity_price_factor",
    "facility_usd_per_w",
    "facility_life_years",
    "other_opex_usd_per_gpu_hour",
    "throughput_factor",
    "gpu_power_factor",
)

#: Readable labels for charts and tables.
LABELS = {
    "gpu_price_usd": "GPU price",
    "server_multiplier": "Server/network multiplier",
    "life_years": "Hardware life",
    "cost_of_capital": "Cost of capital",
    "utilisation": "Utilisation",
    "pue": "PUE",
    "server_overhead": "Server power overhead",
    "idle_power_fraction": "Idle GPU power",
    "electricity_price_factor": "Electricity price spread",
    "facility_usd_per_w": "Facility build cost",
    "facility_life_years": "Facility life",
    "other_opex_usd_per_gpu_hour": "Other opex",
    "throughput_factor": "Throughput (energy-model residual)",
    "gpu_power_factor": "GPU power (energy-model residual)",
}

#: Outputs computed per draw (see :func:`evaluate`).
OUTPUTS = (
    "gpu_j_per_token",
    "facility_j_per_token",
    "facility_kwh_per_mtok",
    "capex_usd_per_mtok",
    "electricity_usd_per_mtok",
    "other_usd_per_mtok",
    "total_usd_per_mtok",
    "electricity_share",
    "usd_per_gpu_hour",
)


@dataclass(frozen=True)
class Distribution:
    name: str
    low: float
    central: float
    high: float
    kind: str
    unit: str = ""

    def __post_init__(self):
        if self.kind not in ("triangular", "uniform", "lognormal", "fixed"):
            raise ValueError(f"input {self.name!r}: distribution {self.kind!r} not one of triangular, uniform, lognormal, fixed")
        if not (self.low <= self.central <= self.high):
            raise ValueError(f"input {self.name!r}: need low <= central <= high, got {self.low}, {self.central}, {self.high}")
        if self.kind == "lognormal" and self.low <= 0:
            raise ValueError(f"input {self.name!r}: a lognormal needs low > 0, got {self.low}")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.kind == "fixed" or self.low == self.high:
            return np.full(n, float(self.central))
        if self.kind == "triangular":
            return rng.triangular(self.low, self.central, self.high, n)
        if self.kind == "uniform":
            return rng.uniform(self.low, self.high, n)
        sigma = (np.log(self.high / self.central) + np.log(self.central / self.low)) / (2 * Z95)
        return self.central * np.exp(sigma * rng.standard_normal(n))

    def fixed_at(self, value: float) -> "Distribution":
        return Distribution(self.name, float(value), float(value), float(value), "fixed", self.unit)


def _rows_by_name_and_scope(table: pd.DataFrame) -> dict:
    """(name, scope) -> (low, central, high, distribution, unit) of the first such row of ``table``."""
    rows = {}
    cols = [table[c].tolist() for c in ("name", "scope", "low", "central", "high", "distribution", "unit")]
    for name, scope, *rest in zip(*cols):
        rows.setdefault((name, scope), tuple(rest))
    return rows


def distributions(hardware: str | None, region: str, table: pd.DataFrame | None = None,
                  gpu_price: tuple[float, float, float] | None = None) -> dict[str, Distribution]:
    """The distribution of every input for a hardware and region, from ``uncertain_inputs``.

    A row scoped to the region code wins over ``scope == all``; regions such as ``CN-WEST-HUB``
    fall back to their country (``CN``). The GPU price is uniform between the ``hardware`` table's
    ``price_usd_low`` and ``price_usd_high`` for ``hardware`` (or ``gpu_price`` = (low, central,
    high) when given; ``hardware=None`` keeps the table's ``all`` row).
    """
    if table is None:
        from tokenecon import data

        by_scope = data.derived("uncertain_inputs", _rows_by_name_and_scope)
    else:
        by_scope = _rows_by_name_and_scope(table)
    scopes_region = [region.upper(), region.upper().split("-")[0], "all"]
    out: dict[str, Distribution] = {}
    for name in INPUT_NAMES:
        pick = next((by_scope[(name, sc)] for sc in scopes_region if (name, sc) in by_scope), None)
        if pick is None:
            raise ValueError(f"uncertain_inputs: input {name!r} has no row for scope {scopes_region}")
        low, central, high, kind, unit = pick
        out[name] = Distribution(name, float(low), float(central), float(high), str(kind), str(unit))
    if gpu_price is None and hardware is not None:
        from tokenecon.data import lookup as hwmod

        row = hwmod.hardware_row(hardware)
        gpu_price = (float(row["price_usd_low"]), float(row["price_usd_central"]), float(row["price_usd_high"]))
    if gpu_price is not None:
        lo, mid, hi = gpu_price
        kind = "uniform" if np.isclose(mid, (lo + hi) / 2) else "triangular"
        out["gpu_price_usd"] = Distribution("gpu_price_usd", lo, mid, hi, kind, "USD")
    return out


@dataclass(frozen=True)
class ServingPoint:
    """Central GPU-level operating point from the energy model, for one phase.

    ``tokens_per_second_per_gpu`` and ``gpu_power_w`` are while serving at full batch; ``tdp_w`` sizes
    the facility and the idle draw.

    Optionally the operating point itself is uncertain: ``variants`` is a tuple of
    (tokens_per_second_per_gpu, gpu_power_w) arrays over a grid of per-user speeds ``interactivity_grid``
    (one row per set of fitted efficiency factors: the central fit, or bootstrap refits), and
    ``interactivity`` = (low, central, high) of a triangular distribution of the per-user speed. Each draw
    then picks a row uniformly and a speed from the distribution, and interpolates (in log speed) the
    throughput and power at it (:func:`draw_operating_points`).
    """

    tokens_per_second_per_gpu: float
    gpu_power_w: float
    tdp_w: float
    label: str = ""
    interactivity_grid: tuple = ()
    variants: tuple = ()
    interactivity: tuple = ()

    def __post_init__(self):
        for f in ("tokens_per_second_per_gpu", "gpu_power_w", "tdp_w"):
            v = getattr(self, f)
            if not (np.isfinite(v) and v > 0):
                raise ValueError(f"ServingPoint.{f} must be a positive number, got {v!r}")
        if self.variants:
            k = len(self.interactivity_grid)
            if any(len(t) != k or len(w) != k for t, w in self.variants) or (k > 1 and len(self.interactivity) != 3):
                raise ValueError("ServingPoint: every variant needs one throughput and one power per grid speed, "
                                 "and a grid needs an interactivity (low, central, high)")

    @property
    def uncertain(self) -> bool:
        return bool(self.variants)


def draw_operating_points(point: ServingPoint, n: int, seed: int) -> dict[str, np.ndarray]:
    """Per-draw throughput and power of an uncertain :class:`ServingPoint`, from their own random stream
    (seed, 3), so the other inputs' draws are unchanged. Returns ``serving_tokens_per_s_per_gpu``,
    ``serving_gpu_power_w``, ``user_tokens_per_s`` and ``factor_variant`` (the row index)."""
    rng = np.random.default_rng([int(seed), 3])
    grid = np.asarray(point.interactivity_grid, dtype=float)
    rows = rng.integers(0, len(point.variants), size=n) if len(point.variants) > 1 else np.zeros(n, dtype=int)
    tps_tab = np.array([np.asarray(t, dtype=float) for t, _ in point.variants])
    pw_tab = np.array([np.asarray(w, dtype=float) for _, w in point.variants])
    if len(grid) > 1:
        lo, mid, hi = point.interactivity
        u = rng.triangular(lo, mid, hi, n) if hi > lo else np.full(n, float(mid))
        x = np.log(grid)
        pos = np.clip(np.searchsorted(x, np.log(u)) - 1, 0, len(grid) - 2)
        f = np.clip((np.log(u) - x[pos]) / (x[pos + 1] - x[pos]), 0.0, 1.0)
        ltps = np.log(tps_tab)
        tps = np.exp(ltps[rows, pos] * (1 - f) + ltps[rows, pos + 1] * f)
        pw = pw_tab[rows, pos] * (1 - f) + pw_tab[rows, pos + 1] * f
    else:
        u = np.full(n, float(grid[0]) if len(grid) else np.nan)
        tps, pw = tps_tab[rows, 0], pw_tab[rows, 0]
    return {"serving_tokens_per_s_per_gpu": tps, "serving_gpu_power_w": pw, "user_tokens_per_s": u,
            "factor_variant": rows.astype(float)}


def evaluate(inputs: dict, point: ServingPoint, electricity_usd_per_kwh) -> dict[str, np.ndarray]:
    """The whole stack for arrays of inputs (one entry per draw): energy per token, cost per M tokens.

    * GPU power while serving = ``gpu_power_w × gpu_power_factor`` (capped at TDP); throughput =
      ``tokens_per_second_per_gpu × throughput_factor``; GPU J/token = power / throughput. Inputs
      ``serving_tokens_per_s_per_gpu`` / ``serving_gpu_power_w`` (arrays), when present, replace the point's
      central throughput and power draw by draw (an uncertain operating point).
    * IT power = GPU power × (1 + server_overhead); idle IT power = idle_power_fraction × TDP ×
      (1 + server_overhead); the average over an hour weights busy by utilisation.
    * Facility J/token = average IT power × PUE / tokens served (utilisation × throughput).
    * Cost: :func:`tokenecon.model.cost.usd_per_gpu_hour` with the facility sized for TDP × (1 + overhead),
      then divided by tokens per GPU-hour.
    """
    g = {k: np.asarray(v, dtype=float) for k, v in inputs.items()}
    missing = [k for k in INPUT_NAMES if k not in g]
    if missing:
        raise ValueError(f"evaluate(): missing input(s) {missing}")
    pe = np.asarray(electricity_usd_per_kwh, dtype=float) * g["electricity_price_factor"]
    tps0 = g.get("serving_tokens_per_s_per_gpu", point.tokens_per_second_per_gpu)
    w0 = g.get("serving_gpu_power_w", point.gpu_power_w)
    tps = tps0 * g["throughput_factor"]
    gpu_w = np.minimum(w0 * g["gpu_power_factor"], point.tdp_w)
    overhead = 1.0 + g["server_overhead"]
    busy_kw = gpu_w * overhead / 1000.0
    idle_kw = g["idle_power_fraction"] * point.tdp_w * overhead / 1000.0
    prov_kw = point.tdp_w * overhead / 1000.0
    avg_kw = cost.average_it_kw(busy_kw, idle_kw, g["utilisation"])
    tph = cost.tokens_per_gpu_hour(tps, g["utilisation"])
    gh = cost.usd_per_gpu_hour(
        gpu_price_usd=g["gpu_price_usd"],
        server_multiplier=g["server_multiplier"],
        life_years=g["life_years"],
        cost_of_capital=g["cost_of_capital"],
        pue=g["pue"],
        electricity_usd_per_kwh=pe,
        facility_usd_per_w=g["facility_usd_per_w"],
        facility_life_years=g["facility_life_years"],
        it_kw=avg_kw,
        provisioned_it_kw=prov_kw,
        other_opex_usd_per_gpu_hour=g["other_opex_usd_per_gpu_hour"],
    )
    per = cost.usd_per_mtok(gh, tph)
    kwh_per_mtok = cost.facility_kwh_per_mtok_from_power(avg_kw, g["pue"], tph)
    return {
        "gpu_j_per_token": np.asarray(gpu_w / tps, dtype=float),
        "facility_j_per_token": np.asarray(kwh_per_mtok * cost.J_PER_KWH / 1e6, dtype=float),
        "facility_kwh_per_mtok": np.asarray(kwh_per_mtok, dtype=float),
        "capex_usd_per_mtok": np.asarray(per["capex"], dtype=float),
        "electricity_usd_per_mtok": np.asarray(per["electricity"], dtype=float),
        "other_usd_per_mtok": np.asarray(per["other"], dtype=float),
        "total_usd_per_mtok": np.asarray(per["total"], dtype=float),
        "electricity_share": np.asarray(per["electricity_share"], dtype=float),
        "usd_per_gpu_hour": np.asarray(gh.total, dtype=float),
    }


def draw(dists: dict[str, Distribution], n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` seeded draws of every input (same seed, same draws)."""
    if int(n) < 1:
        raise ValueError(f"draws must be >= 1, got {n}")
    rng = np.random.default_rng(seed)
    return {name: dists[name].sample(rng, int(n)) for name in INPUT_NAMES}


def centrals(dists: dict[str, Distribution]) -> dict[str, np.ndarray]:
    return {name: np.array([dists[name].central]) for name in INPUT_NAMES}


@dataclass
class MonteCarloResult:
    samples: dict[str, np.ndarray]
    central: dict[str, float]
    inputs: dict[str, np.ndarray] = field(repr=False)

    def estimate(self, output: str, unit: str = "") -> Estimate:
        """Median and 90% interval (5th–95th percentile) of an output."""
        if output not in self.samples:
            raise ValueError(f"unknown output {output!r}; known: {', '.join(OUTPUTS)}")
        return Estimate.from_samples(self.samples[output], unit=unit)

    def summary(self) -> pd.DataFrame:
        rows = []
        for k in OUTPUTS:
            e = Estimate.from_samples(self.samples[k])
            rows.append({"output": k, "p05": e.low, "median": e.central, "p95": e.high, "central_inputs": self.central[k]})
        return pd.DataFrame(rows)


#: Draws evaluated at a time: the stack's temporaries then stay at a few MB whatever the number of draws.
CHUNK_DRAWS = 1 << 16


def run(dists: dict[str, Distribution], point: ServingPoint, electricity_usd_per_kwh: float,
        *, draws: int = 10_000, seed: int = 0, chunk: int = CHUNK_DRAWS) -> MonteCarloResult:
    """Draw every input, evaluate the stack chunk by chunk into preallocated output arrays, and keep the
    central-input value beside it. Peak memory: the inputs and outputs kept (8 bytes × draws each) plus
    one chunk's temporaries. An uncertain operating point (``point.uncertain``) adds its per-draw
    throughput and power (:func:`draw_operating_points`) to the inputs."""
    ins = draw(dists, draws, seed)
    if point.uncertain:
        ins.update(draw_operating_points(point, int(draws), seed))
    n = int(draws)
    out = {k: np.empty(n) for k in OUTPUTS}
    step = max(int(chunk), 1)
    for a in range(0, n, step):
        part = evaluate({k: v[a:a + step] for k, v in ins.items()}, point, electricity_usd_per_kwh)
        for k in OUTPUTS:
            out[k][a:a + step] = part[k]
    cen = evaluate(centrals(dists), point, electricity_usd_per_kwh)
    return MonteCarloResult(out, {k: float(v[0]) for k, v in cen.items()}, ins)


def tornado(dists: dict[str, Distribution], point: ServingPoint, electricity_usd_per_kwh: float,
            output: str = "total_usd_per_mtok") -> pd.DataFrame:
    """Swing of ``output`` when each input goes low → high with all others at central.

    Returns one row per input that varies, largest swing first: ``input``, ``label``, ``low_value``,
    ``high_value`` (the output at the input's low and high), ``swing`` = |high_value − low_value|.
    """
    if output not in OUTPUTS:
        raise ValueError(f"unknown output {output!r}; known: {', '.join(OUTPUTS)}")
    varying = [n for n in INPUT_NAMES if dists[n].low < dists[n].high]
    k = len(varying)
    base = {n: np.full(2 * k, dists[n].central) for n in INPUT_NAMES}
    for i, n in enumerate(varying):
        base[n][2 * i] = dists[n].low
        base[n][2 * i + 1] = dists[n].high
    out = evaluate(base, point, electricity_usd_per_kwh)[output] if k else np.array([])
    rows = []
    for i, n in enumerate(varying):
        lo, hi = float(out[2 * i]), float(out[2 * i + 1])
        rows.append({"input": n, "label": LABELS.get(n, n), "input_low": dists[n].low, "input_high": dists[n].high,
                     "low_value": lo, "high_value": hi, "swing": abs(hi - lo)})
    df = pd.DataFrame(rows, columns=["input", "label", "input_low", "input_high", "low_value", "high_value", "swing"])
    return df.sort_values(["swing", "input"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def with_overrides(dists: dict[str, Distribution], **fixed) -> dict[str, Distribution]:
    """Copy of ``dists`` with some inputs fixed at a value (``None`` leaves the input uncertain)."""
    out = dict(dists)
    for name, value in fixed.items():
        if value is None:
            continue
        if name not in out:
            raise ValueError(f"unknown input {name!r}; known: {', '.join(INPUT_NAMES)}")
        out[name] = out[name].fixed_at(value)
    return out
