"""Tokens against Bitcoin mining: the figures the Bitcoin report, the fact-check and the landing page share.

One definition each (see :mod:`tokenecon.analysis.findings`):

* China's mining at its peak: the peak year of China's mining in the CBECI Mining Map (2020), its energy and
  revenue per kWh from the package's own CBECI rebuild over the map months (the research note's worked
  example, on CBECI's published energy, is a reproduction check with its own key);
* all miners in the latest complete year ("today" in the article's sense);
* how many times more a kWh earns serving Chinese-model tokens (article week, that week's list prices) than
  mining: **against all miners in the latest year** is the headline (the article speaks of today); against
  China's miners at their peak is the like-for-like comparison of Chinese electricity, under its own key;
* the agreement with CBECI, split into years the rebuild computes independently and years where it uses
  CBECI's own basket efficiency (agreement there is by construction).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from tokenecon import data
from tokenecon.analysis import electricity
from tokenecon.analysis.findings import Finding, Scope, finding, week_words
from tokenecon.estimate import BOUNDS, Estimate
from tokenecon.model import bitcoin as btc

_BTC_TABLES = ("btc_network_daily", "btc_mining_hardware", "cbeci_energy_monthly", "cbeci_country_hashrate_monthly")
_ENERGY_WORDS = ("bounds at the package's upper and lower CBECI-style energy estimates; electricity at CBECI's "
                 f"{btc.CBECI_ELECTRICITY_USD_PER_KWH} USD/kWh, PUE {btc.PUE_BEST}")


def latest_year() -> int:
    """The latest complete year of Bitcoin network data."""
    return max(btc.available_years())


PRICE, PUE = btc.CBECI_ELECTRICITY_USD_PER_KWH, btc.PUE_BEST


def _variant(price: float, pue: float, **tokens) -> str:
    """Record-key variant of a figure computed away from the canonical inputs (CBECI's price and PUE, article week)."""
    parts = [] if (price, pue) == (PRICE, PUE) else [f"{price:g} USD/kWh, PUE {pue:g}"]
    defaults = {"week": electricity.ARTICLE_WEEK, "scenario": electricity.SCENARIO, "draws": electricity.DRAWS,
                "seed": electricity.SEED}
    parts += [f"{k} {v}" for k, v in tokens.items() if v != defaults[k]]
    return "; ".join(parts)


@lru_cache(maxsize=None)
def _china_years(price: float = PRICE, pue: float = PUE) -> dict:
    monthly = btc.monthly_energy(price, pue)
    years = sorted({m.year for m in monthly.index[monthly["china_share"].notna()]})
    return {y: btc.china_mining(y, monthly=monthly) for y in years}


def china_peak_year(price: float = PRICE, pue: float = PUE) -> int:
    """The year China's miners used most electricity in the Mining Map data (2020)."""
    c = _china_years(price, pue)
    return max(c, key=lambda y: c[y].twh.central)


def _bounds(e: Estimate, unit: str) -> Estimate:
    return Estimate(e.low, e.central, e.high, unit, BOUNDS)


def _china_scope(year: int, months: int) -> Scope:
    return Scope("China's Bitcoin miners", f"{year} ({months} Mining Map months)", "", _ENERGY_WORDS)


@finding("china_mining_peak_twh")
def china_mining_peak_twh(price: float = PRICE, pue: float = PUE) -> Finding:
    y = china_peak_year(price, pue)
    c = _china_years(price, pue)[y]
    return Finding("china_mining_peak_twh", "electricity used by China's Bitcoin miners in their peak year",
                   _bounds(c.twh, "TWh"), "TWh", _china_scope(y, c.months_covered), _BTC_TABLES,
                   "bitcoin_vs_tokens#how-much-electricity-against-how-much-value", extra={"year": y, "mining": c},
                   variant=_variant(price, pue))


@finding("china_mining_peak_revenue_usd_per_kwh")
def china_mining_peak_revenue_usd_per_kwh(price: float = PRICE, pue: float = PUE) -> Finding:
    y = china_peak_year(price, pue)
    c = _china_years(price, pue)[y]
    return Finding("china_mining_peak_revenue_usd_per_kwh", "revenue per kWh of China's Bitcoin miners in their peak year",
                   _bounds(c.revenue_usd_per_kwh, "USD per kWh"), "USD per kWh", _china_scope(y, c.months_covered),
                   _BTC_TABLES, "bitcoin_vs_tokens#revenue-per-kwh-from-bitcoin-and-from-tokens", extra={"year": y},
                   variant=_variant(price, pue))


@finding("china_mining_2020_revenue_usd_per_kwh_cbeci_energy")
def china_mining_2020_revenue_cbeci_energy() -> Finding:
    """The research note's worked example: China's 2020 revenue per kWh on CBECI's published energy (a check)."""
    c = btc.china_mining(2020, energy="cbeci")
    return Finding("china_mining_2020_revenue_usd_per_kwh_cbeci_energy",
                   "China's miners' 2020 revenue per kWh on CBECI's published energy (reproduction check)",
                   _bounds(c.revenue_usd_per_kwh, "USD per kWh"), "USD per kWh",
                   Scope("China's Bitcoin miners", f"2020 ({c.months_covered} Mining Map months)", "",
                         "CBECI's published lower, best and upper energy"), _BTC_TABLES,
                   "bitcoin_vs_tokens#revenue-per-kwh-from-bitcoin-and-from-tokens", extra={"mining": c})


@finding("btc_revenue_usd_per_kwh_latest")
def btc_revenue_usd_per_kwh_latest(year: int | None = None, price: float = PRICE, pue: float = PUE) -> Finding:
    """All miners' revenue per kWh in the latest complete year ("today"), or in ``year``."""
    y = latest_year() if year is None else int(year)
    e = btc.bitcoin_revenue_per_kwh(y, "network", price, pue)
    return Finding("btc_revenue_usd_per_kwh_latest", "revenue per kWh of Bitcoin mining, all miners",
                   _bounds(e, "USD per kWh"), "USD per kWh", Scope("all Bitcoin miners", str(y), "", _ENERGY_WORDS),
                   _BTC_TABLES, "bitcoin_vs_tokens#revenue-per-kwh-from-bitcoin-and-from-tokens", extra={"year": y},
                   variant="; ".join(v for v in ("" if y == latest_year() else str(y), _variant(price, pue)) if v))


def _ratio(key: str, label: str, btc_finding: Finding, price: float, pue: float, **tokens) -> Finding:
    tok = electricity.token_revenue_usd_per_kwh(**tokens)
    if not (tok.value.low > 0 and btc_finding.value.low > 0):
        raise ValueError(f"{key}: revenue per kWh must be > 0 on both sides")
    r = (tok.value / btc_finding.value).with_unit("times")
    return Finding(key, label, r, "times",
                   Scope("OpenRouter tokens against Bitcoin mining",
                         f"tokens: {tok.scope.period}; mining: {btc_finding.scope.period}", "",
                         "bounds combine the token interval with the mining bounds (low token with high mining, and "
                         "the reverse)"),
                   tok.tables + btc_finding.tables, "bitcoin_vs_tokens#revenue-per-kwh-from-bitcoin-and-from-tokens",
                   extra={"tokens": tok, "bitcoin": btc_finding}, variant=_variant(price, pue, **tokens))


@finding("tokens_vs_bitcoin_revenue_per_kwh")
def tokens_vs_bitcoin_revenue_per_kwh(week: str = electricity.ARTICLE_WEEK, scenario: str = electricity.SCENARIO,
                                      draws: int = electricity.DRAWS, seed: int = electricity.SEED,
                                      price: float = PRICE, pue: float = PUE) -> Finding:
    """The headline: tokens against all miners in the latest complete year (the article speaks of today)."""
    b = btc_revenue_usd_per_kwh_latest(None, price, pue)
    return _ratio("tokens_vs_bitcoin_revenue_per_kwh",
                  f"times more revenue per kWh from Chinese-model tokens than from Bitcoin mining (all miners, {b.scope.period})",
                  b, price, pue, week=week, scenario=scenario, draws=draws, seed=seed)


@finding("tokens_vs_china_miners_revenue_per_kwh")
def tokens_vs_china_miners_revenue_per_kwh(week: str = electricity.ARTICLE_WEEK, scenario: str = electricity.SCENARIO,
                                           draws: int = electricity.DRAWS, seed: int = electricity.SEED,
                                           price: float = PRICE, pue: float = PUE) -> Finding:
    """Like for like on Chinese electricity: tokens against China's miners in their peak year."""
    b = china_mining_peak_revenue_usd_per_kwh(price, pue)
    return _ratio("tokens_vs_china_miners_revenue_per_kwh",
                  f"times more revenue per kWh from Chinese-model tokens than China's miners earned in {b.extra['year']}",
                  b, price, pue, week=week, scenario=scenario, draws=draws, seed=seed)


def cbeci_agreement(years) -> pd.DataFrame:
    """Per year: the rebuild's best guess against CBECI's, and whether the year is independent of CBECI's basket.

    A year is *independent* when no day of it uses CBECI's published basket efficiency (the rebuild's own
    hardware list covers it); otherwise agreement is partly by construction."""
    a = btc.annual_energy(list(years))
    out = pd.DataFrame({"year": a.index.astype(int), "model_twh": a["twh_best"].to_numpy(),
                        "cbeci_twh": a["cbeci_twh_best"].to_numpy(), "error": a["best_vs_cbeci"].to_numpy(),
                        "cbeci_basket_share_of_days": a["best_from_cbeci_basket_share"].to_numpy()})
    out["independent"] = out["cbeci_basket_share_of_days"] == 0
    return out


@finding("cbeci_independent_max_abs_error")
def cbeci_independent_max_abs_error(first_year: int = 2016, last_year: int = 2024) -> Finding:
    t = cbeci_agreement(range(first_year, last_year + 1))
    ind = t[t["independent"]]
    if ind.empty:
        raise ValueError(f"years {first_year}-{last_year}: none is independent of CBECI's basket efficiency")
    err = float(ind["error"].abs().max())
    span = f"{int(ind['year'].min())}–{int(ind['year'].max())}"
    return Finding("cbeci_independent_max_abs_error",
                   "largest gap between the rebuild's best guess and CBECI's, in years computed independently",
                   Estimate.point(err, "fraction"), "fraction",
                   Scope("Bitcoin network", span, "", "years whose every day uses the rebuild's own hardware list"),
                   _BTC_TABLES, "bitcoin_vs_tokens#bitcoin-s-electricity-reproduced", extra={"table": t})


def asic_usd_per_kw_by_year() -> pd.Series:
    """Mean ASIC capital (USD per kW drawn, geometric mid of each price point's range) per year of the price points."""
    import numpy as np

    capex = btc.capital_usd_per_kw()
    asic = capex[capex["kind"] == "asic"]
    mid = np.sqrt(asic["usd_per_kw_low"] * asic["usd_per_kw_high"])
    return mid.groupby(asic["date"].dt.year).mean()


def cost_stacks_share_of_revenue(years, price: float = PRICE, pue: float = PUE, asic_lifetime_years: float = 4.0,
                                 token_models=btc.CHINESE_TOKEN_MODELS, phase: str = "output",
                                 scenario: str = electricity.SCENARIO, draws: int = electricity.DRAWS,
                                 seed: int = electricity.SEED) -> pd.DataFrame:
    """Shares of revenue (electricity, hardware, other cost, rest) for mining by year and for each priced token model.

    Mining: the year's revenue per kWh against electricity at ``price`` and ASIC capital of the same year written off
    over ``asic_lifetime_years`` (years without an ASIC price point are left out); the rest covers sites, staff, pool
    fees and margin. Tokens: the serving model's cost stack of ``phase`` tokens against their list price."""
    annual = btc.annual_energy(list(years), price, pue)
    asic = asic_usd_per_kw_by_year()
    rows = []
    for y in [y for y in years if y in asic.index]:
        s = btc.mining_cost_stack_per_kwh(float(annual.loc[y, "revenue_usd_per_kwh"]), price, float(asic[y]),
                                          asic_lifetime_years, pue)
        rows.append({"activity": f"Bitcoin {y}", "kind": "mining", "electricity": s["electricity"] / s["revenue"],
                     "hardware": s["hardware"] / s["revenue"], "other cost": 0.0,
                     "rest (margin, unmodelled)": s["rest"] / s["revenue"]})
    tokens = btc.token_cost_per_mtok(tuple(token_models), phase=phase, scenario=scenario, seed=seed, draws=draws)
    for r in tokens.dropna(subset=["list_price_usd_per_mtok"]).itertuples():
        rev = r.list_price_usd_per_mtok
        rows.append({"activity": r.model, "kind": "tokens", "electricity": r.electricity_usd_per_mtok / rev,
                     "hardware": r.capex_usd_per_mtok / rev, "other cost": r.other_usd_per_mtok / rev,
                     "rest (margin, unmodelled)": (rev - r.cost_usd_per_mtok) / rev})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the report's tables and checks

#: The article's "more than 70%" of the world's hash rate held by China (2015–2021), in percent.
ARTICLE_CHINA_HASHRATE_PCT = 70.0
#: Countries drawn beside China in the hash-rate chart.
HASHRATE_COUNTRIES = (btc.CHINA, "United States", "Kazakhstan", "Russian Federation")


def hashrate_shares(countries=HASHRATE_COUNTRIES) -> pd.DataFrame:
    """Monthly share of the global hash rate (%) by country from the CBECI Mining Map: month index, one column each."""
    sh = data.load("cbeci_country_hashrate_monthly").pivot(index="month", columns="country", values="hashrate_pct")
    missing = [c for c in countries if c not in sh.columns]
    if missing:
        raise ValueError(f"countries: {missing} not in cbeci_country_hashrate_monthly; known: {sorted(sh.columns)}")
    sh = sh[list(countries)]
    sh.index = pd.to_datetime(sh.index)
    return sh


def china_share_summary(shares: pd.DataFrame | None = None, threshold_pct: float = ARTICLE_CHINA_HASHRATE_PCT) -> dict:
    """China's hash-rate share against the article's threshold: the map's first and last month, China's share
    then, the months at or above ``threshold_pct``, the first month below it, the months at 0% and the first
    month after them where China reappears (None if it does not) with its share."""
    sh = hashrate_shares() if shares is None else shares
    cn = sh[btc.CHINA].dropna()
    zero = cn[cn == 0]
    after = cn[(cn.index > zero.index.max()) & (cn > 0)] if len(zero) else cn.iloc[:0]
    return {"first": cn.index.min(), "last": cn.index.max(), "first_pct": float(cn.iloc[0]),
            "last_pct": float(cn.iloc[-1]), "months": len(cn), "above": list(cn[cn >= threshold_pct].index),
            "first_below": cn[cn < threshold_pct].index.min(), "zero": list(zero.index),
            "back": after.index.min() if len(after) else None, "back_pct": float(after.iloc[0]) if len(after) else None}


def cbeci_reproduction_table(years) -> pd.DataFrame:
    """The rebuild against CBECI's published energy at CBECI's own price (0.05 USD/kWh) and PUE, one row a year:
    best, lower and upper TWh of each, the best guess's relative error (%) and the share of days (%) whose best
    guess uses CBECI's basket efficiency."""
    a = btc.annual_energy(list(years))
    return pd.DataFrame({
        "year": a.index.astype(str),
        "model best (TWh)": a["twh_best"].to_numpy(), "CBECI best (TWh)": a["cbeci_twh_best"].to_numpy(),
        "error (%)": 100 * a["best_vs_cbeci"].to_numpy(),
        "best guess from CBECI basket (% of days)": 100 * a["best_from_cbeci_basket_share"].to_numpy(),
        "model lower (TWh)": a["twh_lower"].to_numpy(), "CBECI lower (TWh)": a["cbeci_twh_lower"].to_numpy(),
        "model upper (TWh)": a["twh_upper"].to_numpy(), "CBECI upper (TWh)": a["cbeci_twh_upper"].to_numpy()})


def cbeci_basket_years(agreement: pd.DataFrame) -> dict:
    """The years of a :func:`cbeci_agreement` table that use CBECI's basket (agreement partly by construction):
    first, last and the largest absolute relative gap (None/NaN when there are none)."""
    dep = agreement[~agreement["independent"]]
    if dep.empty:
        return {"first": None, "last": None, "max_abs_error": float("nan")}
    return {"first": int(dep["year"].min()), "last": int(dep["year"].max()),
            "max_abs_error": float(dep["error"].abs().max())}


def cbeci_price_sensitivity(years=range(2017, 2022), prices=(0.03, 0.08)) -> dict:
    """Largest absolute relative gap, over ``years``, between the rebuild's best guess at each electricity price
    and CBECI's own recomputation at that price (``cbeci_energy_by_price_annual``, API v1.2.0): {price: gap}."""
    years = list(years)
    pub = data.load("cbeci_energy_by_price_annual")
    out = {}
    for p in prices:
        theirs = pub[pub["electricity_usd_per_kwh"] == p].set_index("year")["twh_best"].reindex(years)
        if theirs.isna().any():
            raise ValueError(f"prices: CBECI's recomputation has no {p} USD/kWh figure for every year {years[0]}-{years[-1]}")
        ours = btc.annual_energy(years, p)["twh_best"]
        out[p] = float((ours / theirs - 1).abs().max())
    return out


def revenue_per_kwh_points(years, price: float = PRICE, pue: float = PUE, week: str = electricity.ARTICLE_WEEK,
                           scenario: str = electricity.SCENARIO, draws: int = electricity.DRAWS,
                           seed: int = electricity.SEED) -> pd.DataFrame:
    """Revenue per kWh (USD) with its low and high, one row a point of the revenue chart: all miners by year
    (bounds from the energy bounds), China's miners in years with Mining Map months, each Chinese model of the
    week at its list prices and the token mix weighted by tokens (90% Monte Carlo intervals)."""
    annual = btc.annual_energy(list(years), price, pue)
    rows = [{"group": "all miners", "label": str(y), "usd_per_kwh": r.revenue_usd_per_kwh,
             "low": r.revenue_usd_per_kwh_low, "high": r.revenue_usd_per_kwh_high} for y, r in annual.iterrows()]
    china = _china_years(price, pue)
    rows += [{"group": "China's miners", "label": str(y), "usd_per_kwh": china[y].revenue_usd_per_kwh.central,
              "low": china[y].revenue_usd_per_kwh.low, "high": china[y].revenue_usd_per_kwh.high}
             for y in years if y in china]
    tok = electricity.token_revenue_usd_per_kwh(week, scenario, draws, seed)
    t = tok.extra["table"]
    rows += [{"group": "token model", "label": r.model, "usd_per_kwh": r.revenue_usd_per_kwh,
              "low": r.revenue_usd_per_kwh_low, "high": r.revenue_usd_per_kwh_high} for r in t.itertuples()]
    rows.append({"group": "token mix", "label": "token mix", "usd_per_kwh": tok.value.central, "low": tok.value.low,
                 "high": tok.value.high})
    return pd.DataFrame(rows)


def token_revenue_table(table: pd.DataFrame) -> pd.DataFrame:
    """The token revenue finding's per-model table for display: tokens in trillions, the blended list price,
    facility kWh per million tokens and revenue per kWh with their 90% intervals."""
    cols = ["model", "tokens", "usd_per_mtok", "kwh_per_mtok_low", "kwh_per_mtok", "kwh_per_mtok_high",
            "revenue_usd_per_kwh_low", "revenue_usd_per_kwh", "revenue_usd_per_kwh_high"]
    from tokenecon.data.lookup import model_display_name

    return (table[cols].assign(tokens=table["tokens"] / 1e12, model=table["model"].map(model_display_name))
            .rename(columns={"model": "model", "tokens": "tokens (trillions, week)",
                             "usd_per_mtok": "blended list price (USD per million tokens)",
                             "kwh_per_mtok_low": "kWh per million tokens, low", "kwh_per_mtok": "kWh per million tokens",
                             "kwh_per_mtok_high": "kWh per million tokens, high",
                             "revenue_usd_per_kwh_low": "USD per kWh, low", "revenue_usd_per_kwh": "USD per kWh",
                             "revenue_usd_per_kwh_high": "USD per kWh, high"}))


def capital_ranges() -> dict:
    """Lowest and highest hardware USD per kW drawn for ASICs and GPU servers, and how many times more capital
    a GPU server needs per kW (low: cheapest GPU over dearest ASIC; high: the reverse)."""
    capex = btc.capital_usd_per_kw()
    asic, gpu = capex[capex["kind"] == "asic"], capex[capex["kind"] == "gpu_server"]
    if asic.empty or gpu.empty:
        raise ValueError("hardware_capex_points: needs at least one 'asic' and one 'gpu_server' row")
    r = {"asic_low": float(asic["usd_per_kw_low"].min()), "asic_high": float(asic["usd_per_kw_high"].max()),
         "gpu_low": float(gpu["usd_per_kw_low"].min()), "gpu_high": float(gpu["usd_per_kw_high"].max())}
    return {**r, "gpu_vs_asic_low": r["gpu_low"] / r["asic_high"], "gpu_vs_asic_high": r["gpu_high"] / r["asic_low"]}


def capital_table() -> pd.DataFrame:
    """Hardware USD per kW of IT power, one row a hand-compiled price-and-power point (date as YYYY-MM-DD)."""
    capex = btc.capital_usd_per_kw()
    out = capex[["item", "kind", "date", "usd_per_kw_low", "usd_per_kw_high"]].assign(
        date=capex["date"].dt.strftime("%Y-%m-%d"), kind=capex["kind"].map({"asic": "ASIC", "gpu_server": "GPU server"}))
    return out.rename(columns={"usd_per_kw_low": "USD per kW, low", "usd_per_kw_high": "USD per kW, high"})


def times_less(mining_twh: Estimate, token_twh: Estimate) -> float:
    """How many times less electricity the tokens use than mining (central over central)."""
    if not token_twh.central > 0:
        raise ValueError("token electricity must be > 0 TWh to compare")
    return mining_twh.central / token_twh.central


def data_limits() -> dict:
    """Where the Bitcoin data stop: the last month with CBECI basket efficiency and the last day of network data."""
    e = data.load("cbeci_energy_monthly")
    return {"efficiency_end": pd.Timestamp(e.loc[e["efficiency_days"] > 0, "month"].max()),
            "network_end": pd.Timestamp(data.load("btc_network_daily")["date"].max())}


def report_findings(years, price: float = PRICE, pue: float = PUE, week: str = electricity.ARTICLE_WEEK,
                    scenario: str = electricity.SCENARIO, draws: int = electricity.DRAWS,
                    seed: int = electricity.SEED) -> dict:
    """Every registered finding the Bitcoin report shows, by key, for one set of report parameters (through
    :func:`tokenecon.analysis.findings.get`, so each is computed once per run and equals the landing page's)."""
    from tokenecon.analysis import findings

    years = list(years)
    mining, run = {"price": price, "pue": pue}, {"week": week, "scenario": scenario, "draws": draws, "seed": seed}
    out = {k: findings.get(k, **mining) for k in ("china_mining_peak_twh", "china_mining_peak_revenue_usd_per_kwh",
                                                   "btc_revenue_usd_per_kwh_latest")}
    out["china_mining_2020_revenue_usd_per_kwh_cbeci_energy"] = findings.get(
        "china_mining_2020_revenue_usd_per_kwh_cbeci_energy")
    out["token_revenue_usd_per_kwh"] = findings.get("token_revenue_usd_per_kwh", **run)
    for k in ("tokens_vs_bitcoin_revenue_per_kwh", "tokens_vs_china_miners_revenue_per_kwh"):
        out[k] = findings.get(k, **run, **mining)
    for k in ("china_computed_twh_per_year", "all_chinese_model_twh_per_year"):
        out[k] = findings.get(k, scenario=scenario, draws=draws, seed=seed)
    out["cbeci_independent_max_abs_error"] = findings.get("cbeci_independent_max_abs_error", first_year=min(years),
                                                          last_year=max(years))
    return out
