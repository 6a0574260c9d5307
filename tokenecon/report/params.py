"""What each notebook parameter may be: one validator per parameter, checked against the data.

The runner calls :func:`validate` for every notebook it is about to execute, before any kernel starts,
so ``tokenecon reports article_fact_check -p model gpt-99`` is refused with the parameter named and
nothing is run or written. Each notebook also calls it once at the top of its first code cell after the
parameters (``params.validate("token_cost", globals())``), so a run in JupyterLab is checked the same way.

A validator takes the value (and the notebook's other values, for checks that relate two of them) and
returns None when the value is acceptable, else the reason in words ("unknown model 'gpt-99'; known: ...").
Names are checked against the tables (models, hardware, electricity_prices, openrouter_weekly_top10,
btc_network_daily, ...) through the lookups of the data and model layers, so a table that gains a model
or a year widens what is accepted without an edit here.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Mapping

#: The most Monte Carlo draws a notebook parameter may ask for: every draw keeps about 0.5 kB per
#: uncertain case, so 10^6 draws stay well under a gigabyte while 10^8 would need tens of gigabytes.
from tokenecon.model.montecarlo import MAX_DRAWS  # noqa: E402  (one bound, in the Monte Carlo)
MAX_SEED = 2**32 - 1

Validator = Callable[..., "str | None"]


class ParameterError(ValueError):
    """A notebook parameter value that the data or the model cannot honour (names the parameter)."""


def _words(x) -> str:
    """A value as a reader writes it: 5.0, not np.float64(5.0)."""
    if hasattr(x, "item") and not isinstance(x, (str, list, dict)):
        x = x.item()
    return repr(x) if isinstance(x, str) else str(x)


def _known(items, limit: int = 30) -> str:
    items = [str(i) for i in items]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


# --------------------------------------------------------------------------- generic validators

def number(lo: float | None = None, hi: float | None = None, *, lo_open: bool = False, hi_open: bool = False,
           unset: tuple = (), integer: bool = False) -> Validator:
    """A finite number in [lo, hi] (open ends where asked); values in ``unset`` (sentinels such as -1) pass."""
    lo_b, hi_b = ("(" if lo_open else "["), (")" if hi_open else "]")
    span = (f"in {lo_b}{lo}, {hi}{hi_b}" if lo is not None and hi is not None
            else f"{'>' if lo_open else '>='} {lo}" if lo is not None else f"{'<' if hi_open else '<='} {hi}")
    kind = "an integer" if integer else "a number"
    expected = f"{kind} {span}" + (f" (or {', '.join(_words(u) for u in unset)} for the default)" if unset else "")

    def check(v, _values=None):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return f"expected {expected}, got {_words(v)}"
        if any(v == u for u in unset):
            return None
        try:
            f = float(v)
        except OverflowError:
            return f"expected {expected}, got a number too large to represent"
        if not math.isfinite(f):
            return f"expected {expected}, got {_words(v)}"
        if lo is not None and (f <= lo if lo_open else f < lo):
            return f"expected {expected}, got {_words(v)}"
        if hi is not None and (f >= hi if hi_open else f > hi):
            return f"expected {expected}, got {_words(v)}"
        return None

    return check


def one_of(options: Callable[[], list] | tuple | list, what: str, *, normalise=lambda x: x) -> Validator:
    """A value among ``options`` (or what the callable returns), compared after ``normalise``."""

    def check(v, _values=None):
        known = list(options() if callable(options) else options)
        if normalise(v) not in {normalise(k) for k in known}:
            return f"unknown {what} {_words(v)}; known: {_known(known)}"
        return None

    return check


def each(inner: Validator, *, min_items: int = 1) -> Validator:
    """A list of at least ``min_items`` values, each passing ``inner``."""

    def check(v, values=None):
        if not isinstance(v, list) or len(v) < min_items:
            return f"expected a list of at least {min_items} item{'s' if min_items != 1 else ''}, got {_words(v)}"
        for i, item in enumerate(v):
            why = inner(item, values)
            if why:
                return f"item {i + 1}: {why}"
        return None

    return check


def iso_date(*, empty_ok: bool = False) -> Validator:
    def check(v, _values=None):
        if empty_ok and v == "":
            return None
        try:
            _dt.date.fromisoformat(str(v))
        except ValueError:
            return f"expected a date as YYYY-MM-DD{' (or empty)' if empty_ok else ''}, got {_words(v)}"
        return None

    return check


def from_lookup(lookup: Callable[[object], object]) -> Validator:
    """A value the library's own lookup accepts (its ValueError, without the parameter prefix, is the reason)."""

    def check(v, _values=None):
        try:
            lookup(v)
        except ValueError as exc:
            msg = str(exc)
            head, sep, rest = msg.partition(": ")
            return rest if sep and " " not in head else msg
        return None

    return check


def all_of(*checks: Validator) -> Validator:
    def check(v, values=None):
        for c in checks:
            why = c(v, values)
            if why:
                return why
        return None

    return check


# --------------------------------------------------------------------------- lookups in the data

def _models():
    from tokenecon.data import lookup

    return lookup.known_models()


def _model(v) -> None:
    from tokenecon.data import lookup

    lookup.model_name(v)


def _hardware(v) -> None:
    from tokenecon.data import lookup

    lookup.hardware_name(v)


def _country(v) -> None:
    from tokenecon.model import serving

    serving.electricity_price(v)


def _scenarios():
    from tokenecon.model import serving

    return list(serving.SCENARIOS)


def _weeks():
    from tokenecon import data

    return sorted({str(w)[:10] for w in data.load("openrouter_weekly_top10")["week_start"]})


def _btc_years():
    from tokenecon.model import bitcoin

    return bitcoin.available_years()


def _tables():
    from tokenecon import data

    return sorted(data.tables())


def _estimators():
    from tokenecon.model import elasticity

    return sorted(elasticity.ESTIMATORS)


def _price_phases():
    from tokenecon import units

    return list(units.PRICE_PHASES)


def _bloc_overrides(v, _values=None):
    if not isinstance(v, dict):
        return f"expected a mapping author -> bloc, got {_words(v)}"
    from tokenecon import data
    from tokenecon.analysis import share

    try:
        share.bloc_lookup(data.load("labs"), v)
    except ValueError as exc:
        return str(exc).partition(": ")[2] or str(exc)
    return None


def _workload_mix(v, _values=None):
    if not isinstance(v, dict):
        return f"expected a mapping with keys input, output, cached, got {_words(v)}"
    if not v:
        return None
    unknown = sorted(set(v) - {"input", "output", "cached"})
    if unknown:
        return f"unknown key {unknown[0]!r}; expected input, output, cached"
    for k, x in v.items():
        why = number(0, 1)(x)
        if why:
            return f"share {k!r}: {why}"
    total = sum(float(x) for x in v.values())
    if abs(total - 1) > 1e-6:
        return f"the shares sum to {total:.6g}, expected 1"
    return None


def _window_order(start_key: str, end_key: str) -> Validator:
    def check(v, values=None):
        start, end = (values or {}).get(start_key), (values or {}).get(end_key)
        if start and end and iso_date()(start) is None and iso_date()(end) is None and start > end:
            return f"{start_key} {start} is after {end_key} {end}"
        return None

    return check


def _elasticity_override(v, _values=None):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return f"expected a number (999 or NaN for the estimate), got {_words(v)}"
    if math.isnan(float(v)) or v == 999:
        return None
    if number(-20, 20)(v) is None:
        return None
    return f"expected an elasticity in [-20, 20] (999 or NaN for the estimate), got {_words(v)}"


def _world_year(v) -> None:
    from tokenecon import data
    from tokenecon.analysis import world

    world.year_average_tokens_per_day(data.load("world_token_volumes"), v)


def _world_range(v, _values=None):
    if v == []:
        return None
    from tokenecon.analysis import world

    return from_lookup(lambda r: world.check_range("foreign_share_range", r, positive=True))(v)


def _world_weights(v, _values=None):
    if not isinstance(v, dict):
        return f"expected a mapping route -> weight, got {_words(v)}"
    if not v:
        return None
    from tokenecon.analysis import world

    return from_lookup(world.check_weights)(v)


# --------------------------------------------------------------------------- the notebooks' parameters

DRAWS = number(1, MAX_DRAWS, integer=True)
SEED = number(0, MAX_SEED, integer=True)
MODEL = from_lookup(_model)
COUNTRY = from_lookup(_country)
SCENARIO = one_of(_scenarios, "serving scenario")
WEEK = all_of(iso_date(), one_of(_weeks, "week of the weekly top-10 table"))

#: notebook -> parameter -> validator. Every parameter of every notebook in notebooks/ has one (a test checks).
SPECS: dict[str, dict[str, Validator]] = {
    "article_fact_check": {
        "tolerance": number(0, 1),
        "week_start": WEEK,
        "scenario": SCENARIO,
        "country": COUNTRY,
        "model": MODEL,
        "btc_year": one_of(_btc_years, "Bitcoin year (complete years of btc_network_daily)"),
        "large_dc_gpus": number(1, 10_000_000, integer=True),
        "draws": DRAWS,
        "seed": SEED,
    },
    "bitcoin_vs_tokens": {
        "years": each(one_of(_btc_years, "Bitcoin year (complete years of btc_network_daily)")),
        "electricity_usd_per_kwh": number(0, 1),
        "pue": number(1.01, 1.20),
        "token_scenario": SCENARIO,
        "token_models": each(MODEL),
        "token_week": WEEK,
        "token_phase": one_of(_price_phases, "token phase"),
        "asic_lifetime_years": number(0.25, 20),
        "draws": DRAWS,
        "seed": SEED,
    },
    "data_catalog": {
        "tables": each(one_of(_tables, "table"), min_items=0),
    },
    "price_elasticity": {
        "elasticity_override": _elasticity_override,
        "window_start": iso_date(empty_ok=True),
        "window_end": all_of(iso_date(empty_ok=True), _window_order("window_start", "window_end")),
        "min_tokens": number(0, 1e18),
        "estimator": one_of(_estimators, "estimator"),
        "workload_mix": _workload_mix,
        "bill_date": iso_date(),
        "drop_catalogue_fixes": lambda v, _=None: None if isinstance(v, bool) else f"expected true or false, got {_words(v)}",
        "coverage_sims": number(1, 100_000, integer=True),
        "seed": SEED,
    },
    "token_cost": {
        "model": MODEL,
        "hardware": from_lookup(_hardware),
        "country": COUNTRY,
        "batch": number(0, 65_536, integer=True),
        "user_tokens_per_s": number(0, 10_000, lo_open=True, unset=(-1,)),
        "context": number(1, 10_000_000, integer=True),
        "utilisation": number(0, 1, lo_open=True, unset=(-1,)),
        "pue": number(1, 3, unset=(-1,)),
        "electricity_usd_per_kwh": number(0, 10, unset=(-1,)),
        "gpu_price_usd": number(0, 10_000_000, unset=(-1,)),
        "life_years": number(0.25, 30, unset=(-1,)),
        "draws": DRAWS,
        "seed": SEED,
    },
    "token_exports_world": {
        "year": from_lookup(_world_year),
        "energy_scenario": SCENARIO,
        "foreign_share_range": _world_range,
        "route_weights": _world_weights,
        "draws": DRAWS,
        "seed": SEED,
    },
    "tracker": {
        "energy_scenario": SCENARIO,
        "draws": number(100, MAX_DRAWS, integer=True),
        "seed": SEED,
    },
    "token_share": {
        "start": iso_date(),
        "end": all_of(iso_date(), _window_order("start", "end")),
        "top_n": number(1, 50, integer=True),
        "bloc_overrides": _bloc_overrides,
        "energy_scenario": SCENARIO,
        "article_week_start": WEEK,
        "n_leading": number(1, 50, integer=True),
        "draws": DRAWS,
        "seed": SEED,
    },
}


def problems(notebook: str, values: Mapping) -> list[str]:
    """One line per parameter of ``notebook`` in ``values`` that its validator refuses ("parameter 'x' ...: why")."""
    out = []
    for name, check in SPECS.get(notebook, {}).items():
        if name not in values or values[name] is None:  # None: not set (tokenecon.units.NOT_SET), the default
            continue
        why = check(values[name], values)
        if why:
            out.append(f"parameter {name!r} of notebook {notebook!r}: {why}")
    return out


def validate(notebook: str, values: Mapping) -> None:
    """Raise :class:`ParameterError` naming every refused parameter of ``notebook`` (``values`` may be globals())."""
    bad = problems(notebook, values)
    if bad:
        raise ParameterError("; ".join(bad))
