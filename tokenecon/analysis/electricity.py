"""The electricity and the revenue behind OpenRouter's Chinese-model tokens: the findings every page shows.

Each function is the one definition of a figure (see :mod:`tokenecon.analysis.findings`); the token-share,
Bitcoin, world-scale and fact-check reports and the landing page call them. The arithmetic itself lives in
:mod:`tokenecon.analysis.share` (``chinese_token_electricity``, ``chinese_token_revenue_per_kwh``); here it is
given its canonical inputs (the article's week at that week's prices; the newest complete week of the
rankings) and its scope in words.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from tokenecon import data
from tokenecon.analysis import share
from tokenecon.analysis.findings import Finding, Scope, day_to_words, finding, week_words
from tokenecon.estimate import MONTE_CARLO, Estimate
from tokenecon.model import pricing, serving

#: Week of the article's figures (OpenRouter data released 2026-02-24). The one place the date is written.
ARTICLE_WEEK = share.ARTICLE_WEEK
#: The canonical serving scenario and Monte Carlo size of every shared figure.
SCENARIO, DRAWS, SEED = "reference", 2000, 0

_ENERGY_NOTE = "facility electricity from the package's serving model (90% Monte Carlo interval)"


@lru_cache(maxsize=None)
def energy(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED):
    """``energy(model, phase) -> Estimate`` (kWh per million tokens), one memoised Monte Carlo per setting."""
    return share.serving_energy(scenario, draws=draws, seed=seed)


def _mc(e: Estimate, unit: str) -> Estimate:
    return Estimate(e.low, e.central, e.high, unit, MONTE_CARLO)


def latest_complete_week() -> pd.Timestamp:
    """The newest complete week (Monday) of the daily rankings: figures that are not about the article follow it."""
    return share.weekly_from_daily(data.load("openrouter_daily_top50"))["week_start"].max()


def as_of() -> str:
    """The date the token data run to (the daily rankings' last day)."""
    return pd.Timestamp(data.load("openrouter_daily_top50")["date"].max()).strftime("%Y-%m-%d")


@lru_cache(maxsize=None)
def token_electricity(scope: str = "computed_in_china", scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED):
    """:func:`tokenecon.analysis.share.chinese_token_electricity` on the committed tables (newest complete week)."""
    return share.chinese_token_electricity(
        share.weekly_from_daily(data.load("openrouter_daily_top50")), data.load("labs"),
        data.load("openrouter_provider_tokens_24h"), data.load("openrouter_weekly_top10"),
        energy(scenario, draws, seed), serving.model_for_slug,
        share.china_grid_gco2_per_kwh(data.load("grid_carbon"))[0], scope=scope)


def _provider_day() -> str:
    return pd.Timestamp(data.load("openrouter_provider_tokens_24h")["snapshot_date"].iloc[0]).strftime("%Y-%m-%d")


_TABLES_ELEC = ("openrouter_daily_top50", "labs", "openrouter_provider_tokens_24h", "openrouter_weekly_top10",
                "grid_carbon", "models", "hardware", "electricity_prices", "energy_calibration", "uncertain_inputs")


def _elec_scope(te, scope: str) -> Scope:
    note = ("Chinese-model tokens computed in China (place of inference from the providers' 24 hours to "
            f"{_provider_day()})" if scope == "computed_in_china" else "all Chinese-model tokens, wherever computed")
    return Scope("OpenRouter", week_words(te.week_start), as_of(), f"{note}; {_ENERGY_NOTE}")


@finding("china_computed_share")
def china_computed_share(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED) -> Finding:
    te = token_electricity("computed_in_china", scenario, draws, seed)
    s = te.place.china_computed_share
    return Finding("china_computed_share", "share of Chinese-model tokens computed in China",
                   Estimate(s.low, s.central, s.high, "fraction", "bounds"), "fraction",
                   Scope("OpenRouter", day_to_words(_provider_day()), as_of(),
                         "providers' published data-centre countries and headquarters; bounds from providers whose "
                         "location is unpublished or split"),
                   ("openrouter_provider_tokens_24h", "openrouter_daily_top50", "labs"),
                   "token_share#where-chinese-model-tokens-are-computed",
                   extra={"place": te.place}, variant=_run_variant(scenario, draws, seed))


def _run_variant(scenario, draws, seed) -> str:
    return "; ".join(f"{k} {v}" for k, v, d in (("scenario", scenario, SCENARIO), ("draws", draws, DRAWS),
                                                 ("seed", seed, SEED)) if v != d)


def _elec_finding(key, label, attr, unit, scope, scenario, draws, seed, section):
    te = token_electricity(scope, scenario, draws, seed)
    return Finding(key, label, _mc(getattr(te, attr), unit), unit, _elec_scope(te, scope), _TABLES_ELEC, section,
                   extra={"electricity": te}, variant=_run_variant(scenario, draws, seed))


@finding("china_computed_mwh_per_week")
def china_computed_mwh_per_week(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED) -> Finding:
    return _elec_finding("china_computed_mwh_per_week", "Chinese electricity behind OpenRouter's Chinese-model tokens",
                         "mwh_per_week", "MWh per week", "computed_in_china", scenario, draws, seed,
                         "token_share#the-electricity-behind-the-tokens")


@finding("china_computed_twh_per_year")
def china_computed_twh_per_year(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED) -> Finding:
    return _elec_finding("china_computed_twh_per_year", "the same Chinese electricity over a year",
                         "twh_per_year", "TWh per year", "computed_in_china", scenario, draws, seed,
                         "token_share#the-electricity-behind-the-tokens")


@finding("china_computed_tco2_per_week")
def china_computed_tco2_per_week(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED) -> Finding:
    return _elec_finding("china_computed_tco2_per_week", "CO2 of that electricity on China's grid",
                         "tco2_per_week", "tCO2 per week", "computed_in_china", scenario, draws, seed,
                         "token_share#the-electricity-behind-the-tokens")


@finding("all_chinese_model_mwh_per_week")
def all_chinese_model_mwh_per_week(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED) -> Finding:
    return _elec_finding("all_chinese_model_mwh_per_week", "electricity of all Chinese-model tokens, wherever computed",
                         "mwh_per_week", "MWh per week", "all_chinese_models", scenario, draws, seed,
                         "token_share#the-electricity-behind-the-tokens")


@finding("all_chinese_model_twh_per_year")
def all_chinese_model_twh_per_year(scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED) -> Finding:
    return _elec_finding("all_chinese_model_twh_per_year", "the same over a year (an upper bound on China's share)",
                         "twh_per_year", "TWh per year", "all_chinese_models", scenario, draws, seed,
                         "token_share#the-electricity-behind-the-tokens")


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
