"""Units and conventions shared by every layer: one value each, documented here and nowhere else.

Nothing here reads a file. Every other module imports these names instead of typing the numbers.
"""

from __future__ import annotations

import math

#: Joules in a kilowatt-hour (exact: 1 kWh = 1,000 W × 3,600 s).
J_PER_KWH = 3.6e6
#: Joules in a megawatt-hour and in a terawatt-hour.
J_PER_MWH = 3.6e9
J_PER_TWH = 3.6e15
SECONDS_PER_DAY = 86_400
SECONDS_PER_HOUR = 3_600

#: The package's year: 365 days. It is the convention of capex annuities, power-purchase prices and
#: data-centre energy statistics (IEA, EIA), so a TWh/yr figure here is 8,760 × average power.
DAYS_PER_YEAR = 365.0
HOURS_PER_YEAR = DAYS_PER_YEAR * 24  # 8,760
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7  # 52.14

#: CBECI annualises with a 365.25-day year (8,766 h). Used only where CBECI's figures are reproduced
#: (its annualised TWh/yr series and its hardware-cost annualisation), never for the package's own.
CBECI_DAYS_PER_YEAR = 365.25
CBECI_HOURS_PER_YEAR = CBECI_DAYS_PER_YEAR * 24  # 8,766

#: Tokens are counted per million in prices and energy (USD/Mtok, kWh/Mtok).
TOKENS_PER_MTOK = 1e6

#: Serving phases of a token, as the energy model names them, and the names the cost and price tables
#: use for the same phases ("output" tokens are decoded, "input" tokens prefilled).
PHASES = ("decode", "prefill", "cached_input")
PHASE_ALIASES = {"output": "decode", "input": "prefill", "cached": "cached_input", "cached_input": "cached_input",
                 "decode": "decode", "prefill": "prefill"}
PRICE_PHASES = ("input", "output", "cached_input")

#: The one "not set" convention of notebook parameters: a parameter left at ``None`` takes the
#: library's documented default (papermill passes ``None`` through; no -1, 0 or 999 sentinels).
NOT_SET = None


def is_set(value) -> bool:
    """True when a parameter was given a value (see :data:`NOT_SET`)."""
    return value is not NOT_SET and not (isinstance(value, float) and math.isnan(value))


def phase(name: str) -> str:
    """The energy model's phase for ``name`` (an alias such as "output"); unknown names are refused."""
    if name not in PHASE_ALIASES:
        raise ValueError(f"phase: {name!r} is not one of {sorted(PHASE_ALIASES)}")
    return PHASE_ALIASES[name]


def kwh_from_joules(joules):
    return joules / J_PER_KWH


def twh_per_year_from_mwh_per_week(mwh_per_week):
    return mwh_per_week * WEEKS_PER_YEAR / 1e6


def twh_per_year_from_mwh_per_day(mwh_per_day):
    return mwh_per_day * DAYS_PER_YEAR / 1e6


def check_number(name: str, value, *, lo: float | None = None, hi: float | None = None, lo_open: bool = False,
                 hi_open: bool = False, unit: str = "", error: type[Exception] = ValueError):
    """``value`` as a float array (a scalar stays 0-d) if every element is a finite number in range; else one
    ``error`` whose message names the parameter, the allowed range and the first offending value, as a plain
    number. The package's one numeric check: the model modules' input checks all call it."""
    import math

    import numpy as np

    if type(value) is float or type(value) is int:  # the common scalar case, checked without numpy reductions
        v = float(value)
        if (math.isfinite(v) and (lo is None or (v > lo if lo_open else v >= lo))
                and (hi is None or (v < hi if hi_open else v <= hi))):
            return np.asarray(v)
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise error(f"{name}: expected a number{f' in {unit}' if unit else ''}, got {value!r}") from None
    bad = ~np.isfinite(a)
    if lo is not None:
        bad |= (a <= lo) if lo_open else (a < lo)
    if hi is not None:
        bad |= (a >= hi) if hi_open else (a > hi)
    if np.any(bad):
        parts = []
        if lo is not None:
            parts.append(f"{'>' if lo_open else '>='} {lo:g}")
        if hi is not None:
            parts.append(f"{'<' if hi_open else '<='} {hi:g}")
        first = float(a[bad].flat[0]) if a.ndim else float(a)
        rng = " and ".join(parts)
        raise error(f"{name}: expected a finite number{' ' + rng if rng else ''}{f' {unit}' if unit else ''}, "
                    f"got {first:g}")
    return a
