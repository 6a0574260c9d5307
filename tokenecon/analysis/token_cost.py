"""What a token costs and how much of it is electricity: the figures the cost report, fact-check and landing share.

One definition each (see :mod:`tokenecon.analysis.findings`). The model a figure is about is part of its
label and scope, and of its record key when it is not the article's model (MiniMax M2.5), so "electricity's
share of a token's cost" for MiniMax M2.5 and for DeepSeek-V3 can never be mistaken for each other.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from tokenecon import data
from tokenecon.analysis import electricity
from tokenecon.analysis.electricity import DRAWS, SCENARIO, SEED
from tokenecon.analysis.findings import Finding, Scope, finding
from tokenecon.data.lookup import model_row
from tokenecon.estimate import MONTE_CARLO, SOURCES, Estimate
from tokenecon.model import serving

#: The model the article's figures are about (the most-used Chinese model of its week).
ARTICLE_MODEL = "minimax-m2.5"
#: How the fact-check reads "essentially electricity exports": electricity at least half of a token's cost.
MAJORITY = 0.5
_COST_TABLES = ("models", "hardware", "electricity_prices", "energy_calibration", "uncertain_inputs", "facility")


def model_words(model: str) -> str:
    """The human name of a model key ("minimax-m2.5" → "MiniMax M2.5")."""
    return str(model_row(model)["display_name"])


@lru_cache(maxsize=None)
def cost_stack(model: str = ARTICLE_MODEL, country: str = "CN", phase: str = "output", scenario: str = SCENARIO,
               draws: int = DRAWS, seed: int = SEED) -> dict[str, Estimate]:
    """:func:`tokenecon.model.serving.cost_usd_per_mtok`, memoised: one Monte Carlo per setting per run."""
    return serving.cost_usd_per_mtok(model, phase=phase, scenario=scenario, country=country, draws=draws, seed=seed)


def _cost_scope(model: str, country: str, phase: str, scenario: str, draws: int) -> Scope:
    return Scope(f"{model_words(model)} {phase} tokens served in {country}",
                 f"hardware and electricity prices of the package's tables; serving scenario '{scenario}'", "",
                 f"cost model Monte Carlo of {draws:,} draws")


@finding("electricity_share_of_token_cost")
def electricity_share_of_token_cost(model: str = ARTICLE_MODEL, country: str = "CN", phase: str = "output",
                                    scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED) -> Finding:
    s = cost_stack(model, country, phase, scenario, draws, seed)["electricity_share"]
    return Finding("electricity_share_of_token_cost", f"electricity's share of the cost of a {model_words(model)} "
                   f"{phase} token served in {country}", Estimate(s.low, s.central, s.high, "fraction", MONTE_CARLO,
                                                                    s.draws, s.interval),
                   "fraction", _cost_scope(model, country, phase, scenario, draws), _COST_TABLES,
                   "token_cost#what-a-million-tokens-cost-and-what-share-is-electricity",
                   variant="; ".join(v for v in (
                       "" if (model, country, phase) == (ARTICLE_MODEL, "CN", "output") else f"{model} {country} {phase}",
                       "" if (scenario, draws, seed) == (SCENARIO, DRAWS, SEED) else f"{scenario} {draws} {seed}") if v))


# ------------------------------------------------------------------ electricity prices

def _price_row(region: str, year: int | None = None) -> pd.Series:
    p = data.load("electricity_prices")
    rows = p[p["region"] == region].sort_values("year")
    if year is not None:
        rows = rows[rows["year"] == year]
    if rows.empty:
        raise ValueError(f"electricity_prices: no row for region {region!r}" + (f" in {year}" if year else ""))
    return rows.iloc[-1]


def discount(cheap: float, reference: float) -> float:
    """How much cheaper ``cheap`` is than ``reference`` (a fraction; negative when it is dearer)."""
    if not (cheap > 0 and reference > 0):
        raise ValueError(f"electricity prices must be > 0, got {cheap!r} and {reference!r} USD/kWh")
    return (reference - cheap) / reference


def _briefing_average(basis: str) -> float | None:
    """The higher national average the CN row's own basis cites ("China Briefing's national average is higher, 0.088")."""
    m = re.search(r"national average is higher, (\d+\.\d+)", str(basis))
    return float(m.group(1)) if m else None


@finding("china_power_discount")
def china_power_discount() -> Finding:
    """China's electricity against the US's, same year: industrial compiled price (central), the range spanning the
    table's other sources for China (the higher national average its basis cites) and commercial rates."""
    cn = _price_row("CN")
    us = _price_row("US", int(cn["year"]))
    central = discount(cn["industrial_usd_per_kwh"], us["industrial_usd_per_kwh"])
    options = [central]
    alt = _briefing_average(cn["basis"])
    if alt is not None:
        options.append(discount(alt, us["industrial_usd_per_kwh"]))
    if pd.notna(cn["commercial_usd_per_kwh"]) and pd.notna(us["commercial_usd_per_kwh"]):
        options.append(discount(cn["commercial_usd_per_kwh"], us["commercial_usd_per_kwh"]))
    est = Estimate(min(options), central, max(options), "fraction", SOURCES)
    return Finding("china_power_discount", "how much cheaper China's electricity is than the US's",
                   est, "fraction",
                   Scope("national average prices", str(int(cn["year"])), "",
                         f"central: industrial prices ({cn['industrial_usd_per_kwh']:g} against "
                         f"{us['industrial_usd_per_kwh']:g} USD/kWh); range: between the table's sources for China's "
                         "industrial price and commercial rates"),
                   ("electricity_prices",), "token_cost#does-cheaper-power-make-cheaper-tokens",
                   extra={"cn": cn, "us": us})


@finding("western_hub_power_discount")
def western_hub_power_discount() -> Finding:
    """China's subsidised western data-centre hubs against the US average price of the same year."""
    hub = _price_row("CN-WEST-HUB")
    us = _price_row("US", int(hub["year"]))
    d = discount(hub["industrial_usd_per_kwh"], us["industrial_usd_per_kwh"])
    return Finding("western_hub_power_discount", "how much cheaper the subsidised western hubs' power is than the US average",
                   Estimate.point(d, "fraction"), "fraction",
                   Scope("China's western data-centre hubs (domestic chips only)", str(int(hub["year"])), "",
                         f"{hub['industrial_usd_per_kwh']:g} against {us['industrial_usd_per_kwh']:g} USD/kWh, same year"),
                   ("electricity_prices",), "token_cost#does-cheaper-power-make-cheaper-tokens")


@finding("electricity_share_of_token_price")
def electricity_share_of_token_price(week: str = electricity.ARTICLE_WEEK, scenario: str = SCENARIO, draws: int = DRAWS,
                                     seed: int = SEED) -> Finding:
    """China's industrial electricity bill as a share of the tokens' list-price revenue: price per kWh / revenue per kWh."""
    rev = electricity.token_revenue_usd_per_kwh(week, scenario, draws, seed)
    cn = _price_row("CN")
    share_ = (float(cn["industrial_usd_per_kwh"]) / rev.value).with_unit("fraction")
    return Finding("electricity_share_of_token_price", "China's electricity bill as a share of the tokens' list price",
                   share_, "fraction",
                   Scope("OpenRouter", rev.scope.period, "",
                         f"China's industrial price ({cn['industrial_usd_per_kwh']:g} USD/kWh, {int(cn['year'])}) over "
                         "the list-price revenue per kWh of the week's Chinese models"),
                   rev.tables + ("electricity_prices",), "token_share#the-electricity-behind-the-tokens",
                   variant=rev.variant)


@lru_cache(maxsize=None)
def _simulation(model: str, country: str, phase: str, scenario: str, draws: int, seed: int):
    case = serving.build_case(model, phase=phase, scenario=scenario, country=country)
    return serving.simulate(case, draws=draws, seed=seed)


@finding("gpu_depreciation_and_electricity_share")
def gpu_depreciation_and_electricity_share(model: str = ARTICLE_MODEL, country: str = "CN", phase: str = "output",
                                           scenario: str = SCENARIO, draws: int = DRAWS, seed: int = SEED) -> Finding:
    """The article's "only two core components": straight-line GPU depreciation plus electricity, as a share of the
    whole cost. GPU depreciation alone is the GPU's price over its life: the capex annuity without the server and
    network share (÷ server multiplier) and without the cost of capital (÷ the annuity factor × life), draw by draw."""
    import numpy as np

    from tokenecon.model import cost

    res = _simulation(model, country, phase, scenario, draws, seed)
    s, x = res.samples, res.inputs
    life = np.asarray(x["life_years"], float)
    annuity_per_unit = cost.annuity(1.0, x["cost_of_capital"], life)
    gpu_dep = s["capex_usd_per_mtok"] / (np.asarray(x["server_multiplier"], float) * annuity_per_unit * life)
    share_ = Estimate.from_samples((gpu_dep + s["electricity_usd_per_mtok"]) / s["total_usd_per_mtok"], "fraction")
    gpu_share = Estimate.from_samples(gpu_dep / s["total_usd_per_mtok"], "fraction")
    return Finding("gpu_depreciation_and_electricity_share",
                   f"GPU depreciation plus electricity as a share of the cost of a {model_words(model)} {phase} token",
                   share_, "fraction", _cost_scope(model, country, phase, scenario, draws), _COST_TABLES,
                   "token_cost#what-a-million-tokens-cost-and-what-share-is-electricity",
                   extra={"gpu_depreciation_share": gpu_share},
                   variant="" if (model, country, phase, scenario, draws, seed) == (ARTICLE_MODEL, "CN", "output", SCENARIO,
                                                                                    DRAWS, SEED) else f"{model} {country} {phase}")


def gross_margins(week: str = electricity.ARTICLE_WEEK, country: str = "CN", scenario: str = SCENARIO,
                  draws: int = DRAWS, seed: int = SEED) -> pd.DataFrame:
    """Gross margin at list price of each Chinese model in the week's top ten: its real token mix priced at that
    week's list prices against the serving model's cost of the same mix (USD per million tokens; cost low, central and
    high from the cost Monte Carlo). Margin = 1 − cost / price; negative means the price is below the serving cost.
    Serving cost only: training and research are not in it."""
    from tokenecon.analysis import share
    from tokenecon.model import pricing

    _, mix = electricity.token_revenue(week, scenario, draws, seed)
    split = share.phase_split(data.load("openrouter_weekly_top10"), data.load("labs"))
    price = pricing.price_function(on=week)
    rows = []
    for model in mix["model"].dropna().unique():
        p = pricing.blended_usd_per_mtok(model, split, price)
        if p is None:
            continue
        parts = {ph: cost_stack(model, country, ph, scenario, draws, seed)["total"] for ph in split}
        c = {b: sum(split[ph] * getattr(parts[ph], b) for ph in split) for b in ("low", "central", "high")}
        rows.append({"model": model, "list_price_usd_per_mtok": p, "cost_usd_per_mtok_low": c["low"],
                     "cost_usd_per_mtok": c["central"], "cost_usd_per_mtok_high": c["high"],
                     "gross_margin": 1 - c["central"] / p, "gross_margin_low": 1 - c["high"] / p,
                     "gross_margin_high": 1 - c["low"] / p})
    return pd.DataFrame(rows)


@finding("chinese_models_below_cost_share")
def chinese_models_below_cost_share(week: str = electricity.ARTICLE_WEEK, scenario: str = SCENARIO, draws: int = DRAWS,
                                    seed: int = SEED) -> Finding:
    """Share of the week's Chinese top-ten models whose list price is below their serving cost (low: below even the
    cost's 5th percentile; high: below its 95th)."""
    g = gross_margins(week, "CN", scenario, draws, seed)
    if g.empty:
        raise ValueError(f"week {week}: no Chinese model of the top ten has both a list price and a cost")
    n = len(g)
    est = Estimate(float((g["gross_margin_high"] < 0).sum() / n), float((g["gross_margin"] < 0).sum() / n),
                   float((g["gross_margin_low"] < 0).sum() / n), "fraction", "bounds")
    return Finding("chinese_models_below_cost_share", "share of the Chinese top-ten models priced below their serving cost",
                   est, "fraction",
                   Scope("OpenRouter", electricity.week_words(week), "",
                         "list prices of that week against the package's serving cost in China (hardware, facility, "
                         "electricity; no training or research); bounds at the cost's 90% interval"),
                   ("openrouter_weekly_top10", "labs", "model_price_events") + _COST_TABLES,
                   "token_cost#what-a-million-tokens-cost-and-what-share-is-electricity", extra={"table": g})
