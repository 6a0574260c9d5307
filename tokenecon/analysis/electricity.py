"""The electricity and the revenue behind OpenRouter's Chinese-model tokens: the findings every page shows.

Each function is the one definition of a figure (see :mod:`tokenecon.analysis.findings`); the token-share,
Bitcoin, world-scale and fact-check reports and the landing page call them. The arithmetic itself lives in
:mod:`tokenecon.analysis.share` (``chinese_token_electricity``, ``chinese_token_revenue_per_kwh``); here it is
given its canonical inputs (the article's week at that week's prices; the newest complete week of the
rankings) and its scope in words.
"""

from __future__ import annotations

import functools
from functools import lru_cache

import pandas as pd

from tokenecon import data
from tokenecon.analysis import share
from tokenecon.analysis.findings import Finding, Scope, day_to_words, finding, week_words
from tokenecon.estimate import BOUNDS, Estimate
from tokenecon.model import pricing, serving

#: Week of the article's figures (OpenRouter data released 2026-02-24). The one place the date is written.
ARTICLE_WEEK = share.ARTICLE_WEEK
#: The canonical serving scenario and Monte Carlo size of every shared figure.
SCENARIO, DRAWS, SEED = "reference", 2000, 0

_ENERGY_NOTE = ("facility electricity from the package's serving model at the hosts' precision mix (90% Monte Carlo "
                "interval, widened by the hosts of unknown precision)")


@lru_cache(maxsize=None)
def energy(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED):
    """``energy(model, phase) -> Estimate`` (kWh per million tokens) at each Chinese model's precision mix on
    OpenRouter's hosts (:mod:`tokenecon.analysis.precision`: the declared mix centrally, hosts of unknown precision
    as an explicit band); models without host data at their documented precision. One memoised setting per run."""
    from tokenecon.analysis import precision

    _, per_model, energy_at, _ = precision.chinese_precision(scenario, draws, seed)
    return functools.lru_cache(maxsize=None)(precision.mixed_energy(per_model, energy_at))


def _mc(e: Estimate, unit: str) -> Estimate:
    """The serving model's 90% intervals per model and precision, combined with the unknown-precision band and
    the tokens' bounds: worst-case bounds, not a single Monte Carlo interval."""
    return Estimate(e.low, e.central, e.high, unit, BOUNDS)


def as_of() -> str:
    """The date the token data run to (the daily rankings' last day)."""
    return pd.Timestamp(data.load("openrouter_daily_top50")["date"].max()).strftime("%Y-%m-%d")


def weekly_tokens(start=None, end=None) -> pd.DataFrame:
    """Complete weeks of the daily rankings inside [start, end] (None: the whole table)."""
    daily = data.load("openrouter_daily_top50")
    if start is not None or end is not None:
        daily = share.in_window(daily, "date", start, end, table="openrouter_daily_top50")
    return share.weekly_from_daily(daily)


def _overrides(overrides) -> tuple:
    return tuple(sorted(dict(overrides or {}).items()))


@lru_cache(maxsize=None)
def _token_electricity(scope, scenario, draws, seed, start, end, overrides: tuple):
    return share.chinese_token_electricity(
        weekly_tokens(start, end), data.load("labs"),
        data.load("openrouter_provider_tokens_24h"), data.load("openrouter_weekly_top10"),
        energy(scenario, draws, seed), serving.model_for_slug,
        share.china_grid_gco2_per_kwh(data.load("grid_carbon"))[0], scope=scope, overrides=dict(overrides) or None)


def token_electricity(scope: str = "computed_in_china", scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED,
                      start=None, end=None, overrides=None):
    """:func:`tokenecon.analysis.share.chinese_token_electricity` on the committed tables (newest complete week of
    the window; the whole table by default), memoised."""
    return _token_electricity(scope, scenario, draws, seed, start, end, _overrides(overrides))


def _provider_day() -> str:
    return pd.Timestamp(data.load("openrouter_provider_tokens_24h")["snapshot_date"].iloc[0]).strftime("%Y-%m-%d")


_TABLES_ELEC = ("openrouter_daily_top50", "labs", "openrouter_provider_tokens_24h", "openrouter_weekly_top10",
                "grid_carbon", "models", "hardware", "electricity_prices", "energy_calibration", "uncertain_inputs")


def _elec_scope(te, scope: str) -> Scope:
    note = ("Chinese-model tokens computed in China (place of inference from the providers' 24 hours to "
            f"{_provider_day()})" if scope == "computed_in_china" else "all Chinese-model tokens, wherever computed")
    return Scope("OpenRouter", week_words(te.week_start), as_of(), f"{note}; {_ENERGY_NOTE}")


@finding("china_computed_share")
def china_computed_share(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED, start=None, end=None,
                         overrides=None) -> Finding:
    te = token_electricity("computed_in_china", scenario, draws, seed, start, end, overrides)
    s = te.place.china_computed_share
    return Finding("china_computed_share", "share of Chinese-model tokens computed in China",
                   Estimate(s.low, s.central, s.high, "fraction", s.kind or "bounds"), "fraction",
                   Scope("OpenRouter", day_to_words(_provider_day()), as_of(),
                         "providers' published data-centre countries and headquarters; bounds from providers whose "
                         "location is unpublished or split"),
                   ("openrouter_provider_tokens_24h", "openrouter_daily_top50", "labs"),
                   "token_share#where-chinese-model-tokens-are-computed",
                   extra={"place": te.place}, variant=_run_variant(scenario, draws, seed, start, end, overrides))


def _run_variant(scenario, draws, seed, start=None, end=None, overrides=None) -> str:
    parts = [f"{k} {v}" for k, v, d in (("scenario", scenario, SCENARIO), ("draws", draws, DRAWS), ("seed", seed, SEED),
                                         ("from", start, None), ("to", end, None)) if v != d]
    if overrides:
        parts.append("blocs " + ", ".join(f"{a}={b}" for a, b in _overrides(overrides)))
    return "; ".join(parts)


def _elec_finding(key, label, attr, unit, scope, scenario, draws, seed, section, start=None, end=None, overrides=None):
    te = token_electricity(scope, scenario, draws, seed, start, end, overrides)
    return Finding(key, label, _mc(getattr(te, attr), unit), unit, _elec_scope(te, scope), _TABLES_ELEC, section,
                   extra={"electricity": te}, variant=_run_variant(scenario, draws, seed, start, end, overrides))


@finding("china_computed_mwh_per_week")
def china_computed_mwh_per_week(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED, start=None, end=None,
        overrides=None) -> Finding:
    return _elec_finding("china_computed_mwh_per_week", "Chinese electricity behind OpenRouter's Chinese-model tokens",
                         "mwh_per_week", "MWh per week", "computed_in_china", scenario, draws, seed,
                         "token_share#the-electricity-behind-the-tokens", start, end, overrides)


@finding("china_computed_twh_per_year")
def china_computed_twh_per_year(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED, start=None, end=None,
        overrides=None) -> Finding:
    return _elec_finding("china_computed_twh_per_year", "the same Chinese electricity over a year",
                         "twh_per_year", "TWh per year", "computed_in_china", scenario, draws, seed,
                         "token_share#the-electricity-behind-the-tokens", start, end, overrides)


@finding("china_computed_tco2_per_week")
def china_computed_tco2_per_week(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED, start=None, end=None,
        overrides=None) -> Finding:
    return _elec_finding("china_computed_tco2_per_week", "CO2 of that electricity on China's grid",
                         "tco2_per_week", "tCO2 per week", "computed_in_china", scenario, draws, seed,
                         "token_share#the-electricity-behind-the-tokens", start, end, overrides)


@finding("all_chinese_model_mwh_per_week")
def all_chinese_model_mwh_per_week(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED, start=None, end=None,
        overrides=None) -> Finding:
    return _elec_finding("all_chinese_model_mwh_per_week", "electricity of all Chinese-model tokens, wherever computed",
                         "mwh_per_week", "MWh per week", "all_chinese_models", scenario, draws, seed,
                         "token_share#the-electricity-behind-the-tokens", start, end, overrides)


@finding("all_chinese_model_twh_per_year")
def all_chinese_model_twh_per_year(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED, start=None, end=None,
        overrides=None) -> Finding:
    return _elec_finding("all_chinese_model_twh_per_year", "the same over a year (an upper bound on China's share)",
                         "twh_per_year", "TWh per year", "all_chinese_models", scenario, draws, seed,
                         "token_share#the-electricity-behind-the-tokens", start, end, overrides)


@lru_cache(maxsize=None)
def token_revenue(week: str = ARTICLE_WEEK, scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED):
    """(Estimate, per-model table) of :func:`tokenecon.analysis.share.chinese_token_revenue_per_kwh` at the week's prices."""
    return share.chinese_token_revenue_per_kwh(
        data.load("openrouter_weekly_top10"), data.load("labs"), energy(scenario, draws, seed), serving.model_for_slug,
        pricing.price_function(on=week), week=week)


@finding("token_revenue_usd_per_kwh")
def token_revenue_usd_per_kwh(week: str = ARTICLE_WEEK, scenario: str = SCENARIO, draws: int = DRAWS,
                              seed: int = SEED) -> Finding:
    est, table = token_revenue(week, scenario, draws, seed)
    return Finding("token_revenue_usd_per_kwh", "list-price revenue per kWh of Chinese-model tokens",
                   _mc(est, "USD per kWh"), "USD per kWh",
                   Scope("OpenRouter", week_words(week), "",
                         "the Chinese models of that week's top ten, weighted by their tokens, at the real mix of "
                         f"cached, uncached and output tokens and that week's list prices; {_ENERGY_NOTE}"),
                   ("openrouter_weekly_top10", "labs", "model_price_events", "models", "hardware", "energy_calibration",
                    "electricity_prices", "uncertain_inputs"),
                   "bitcoin_vs_tokens#revenue-per-kwh-from-bitcoin-and-from-tokens", extra={"table": table},
                   variant="; ".join(f"{k} {v}" for k, v, d in (("week", week, ARTICLE_WEEK), ("scenario", scenario, SCENARIO),
                                                             ("draws", draws, DRAWS), ("seed", seed, SEED)) if v != d))


@finding("platform_china_share")
def platform_china_share(start=None, end=None, overrides=None) -> Finding:
    """Chinese-lab share of all OpenRouter tokens in the newest complete week (bounds: the ``other`` row of unknown origin)."""
    wk = weekly_tokens(start, end)
    plat = share.bloc_shares_weekly(wk, data.load("labs"), dict(_overrides(overrides)) or None)
    e = share.platform_china_share(plat)
    week = share.china_share_bounds(plat).index.max()
    return Finding("platform_china_share", "Chinese-lab models' share of all OpenRouter tokens",
                   Estimate(e.low, e.central, e.high, "fraction", "bounds"), "fraction",
                   Scope("OpenRouter, whole platform", week_words(week), as_of(),
                         "low: known Chinese models; high: also the tokens outside the daily top 50, of unknown origin"),
                   ("openrouter_daily_top50", "labs"), "token_share#chinese-models-share-of-all-tokens",
                   variant=_run_variant(SCENARIO, DRAWS, SEED, start, end, overrides))
