"""Bitcoin mining as a way of turning electricity into dollars, set against AI tokens.

Energy follows the Cambridge Bitcoin Electricity Consumption Index (CBECI, CCAF), see
research/bitcoin.md §1.1 and CambridgeAltFin/ccaf_cbeci_api (``hashrate_calc.py``,
``energy_consumption_calculator.py``, ``v1_3_1/energy_consumption_service.py``):

* profitability threshold θ [J/TH] = (miner revenue per day / (hash rate [TH/s] × 86,400 s)) /
  (electricity price [USD/kWh] / 3.6e6 J/kWh), smoothed with a 14-day moving average;
* the profitable set on day t: machines released before t, less than 5 years old, with J/TH < θ;
  when no machine qualifies, the previous day's set is kept;
* lower bound: the most efficient machine × PUE 1.01; upper bound: the least efficient profitable
  machine × PUE 1.20; best guess: the equal-weight mean of the set × PUE 1.10;
* power [W] = J/TH × hash rate [TH/s] × PUE.

The hardware list in ``data/`` is CBECI's own up to 2020-05 (plus later flagships with approximate
dates). After 2020-05 its equal-weight mean is stale, so the best guess uses CBECI's published daily
basket efficiency (monthly mean) from then on, carried forward after its last month (2024-09). The
bounds are always computed here from the hardware list.

Revenue = (subsidy + fees) × price, per day. China's share comes from the CBECI Mining Map
(monthly, 2019-09 … 2022-01 only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tokenecon.estimate import Estimate
from tokenecon.units import HOURS_PER_YEAR, J_PER_KWH, SECONDS_PER_DAY, check_number

#: PUE of the three CBECI estimates (EnergyConsumptionCalculator: min 1.01, guess 1.1, max 1.2).
PUE_LOWER = 1.01
PUE_BEST = 1.10
PUE_UPPER = 1.20
#: CBECI's reference electricity price (Assumption 1); its published series are at this price.
CBECI_ELECTRICITY_USD_PER_KWH = 0.05
#: Window of the moving average applied to the profitability threshold (hashrate_calc.py: window=14).
THRESHOLD_SMOOTHING_DAYS = 14
#: Machines count only up to this age (v1.3.1 service: ``five_years_after_release``).
MAX_AGE_YEARS = 5
#: The CBECI hardware list in the data is complete up to this release date.
HARDWARE_LIST_VINTAGE = pd.Timestamp("2020-05-31")
#: CBECI Mining Map name for China.
CHINA = "Mainland China"
#: ASIC economic life used to turn hardware USD/kW into USD per kWh (assumption: CBECI drops machines
#: after 5 years, so 5 is the ceiling; 3 years is a common write-off among listed miners).
ASIC_LIFETIME_YEARS = Estimate(3.0, 4.0, 5.0, "years")


class BitcoinInputError(ValueError):
    """A parameter or table the Bitcoin model was given is out of range; the message says which."""


# --------------------------------------------------------------------------- input checks

def _check_price(value, name: str = "electricity_usd_per_kwh") -> float:
    """A positive electricity price of at most 1 USD/kWh (units.check_number)."""
    return float(check_number(name, value, lo=0.0, lo_open=True, hi=1.0, unit="USD/kWh", error=BitcoinInputError))


def _check_pue(value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise BitcoinInputError(f"pue must be a number, got {value!r}") from None
    if not (PUE_LOWER <= v <= PUE_UPPER):
        raise BitcoinInputError(
            f"pue (best-guess PUE) must lie between the lower-bound PUE {PUE_LOWER} and the upper-bound PUE "
            f"{PUE_UPPER}, so that lower <= best <= upper; got {value!r}"
        )
    return v


def available_years(network: pd.DataFrame | None = None) -> list[int]:
    """Calendar years fully covered by the daily network table (revenue and hash rate every day)."""
    net = network if network is not None else _load("btc_network_daily")
    d = pd.to_datetime(net["date"])
    counts = d.dt.year.value_counts()
    full = [int(y) for y, n in counts.items() if n == (366 if pd.Timestamp(f"{y}-01-01").is_leap_year else 365)]
    return sorted(full)


def _check_years(years, known: list[int]) -> list[int]:
    if isinstance(years, (int, np.integer)):
        years = [years]
    try:
        ys = [int(y) for y in years]
    except (TypeError, ValueError):
        raise BitcoinInputError(f"years must be a list of calendar years, got {years!r}") from None
    if not ys:
        raise BitcoinInputError("years must not be empty")
    bad = [y for y in ys if y not in known]
    if bad:
        raise BitcoinInputError(
            f"years {bad} are outside the data: complete years available are {known[0]}..{known[-1]}"
        )
    return ys


def _load(name: str) -> pd.DataFrame:
    from tokenecon import data

    return data.load(name)


# --------------------------------------------------------------------------- revenue and threshold

def revenue_usd(subsidy_btc, fees_btc, price_usd):
    """Miner revenue = (subsidy + fees) × price (USD). Negative inputs are refused."""
    s, f, p = (np.asarray(x, dtype=float) for x in (subsidy_btc, fees_btc, price_usd))
    for name, arr in (("subsidy_btc", s), ("fees_btc", f), ("price_usd", p)):
        if np.any(~np.isfinite(arr)) or np.any(arr < 0):
            raise BitcoinInputError(f"{name} must be finite and >= 0")
    out = (s + f) * p
    return float(out) if out.ndim == 0 else out


def profitability_threshold_j_per_th(revenue_usd_day, hashrate_ths, electricity_usd_per_kwh):
    """CBECI's θ in J/TH: revenue per TH hashed divided by the price of a joule.

    θ = (revenue_day / (H × 86,400)) / (price / 3.6e6). A machine that spends less than θ joules per
    TH earns more than its electricity costs.
    """
    p = _check_price(electricity_usd_per_kwh)
    r = np.asarray(revenue_usd_day, dtype=float)
    h = np.asarray(hashrate_ths, dtype=float)
    if np.any(h <= 0):
        raise BitcoinInputError("hashrate_ths must be > 0")
    out = r / (h * SECONDS_PER_DAY) / (p / J_PER_KWH)
    return float(out) if out.ndim == 0 else out


def network_daily(network: pd.DataFrame | None = None) -> pd.DataFrame:
    """Daily network table with hash rate in TH/s and revenue in USD added."""
    net = (network if network is not None else _load("btc_network_daily")).copy()
    net["date"] = pd.to_datetime(net["date"])
    net["hashrate_ths"] = net["hashrate_ehs"].astype(float) * 1e6
    net["revenue_usd"] = revenue_usd(net["subsidy_btc"], net["fees_btc"], net["price_usd"])
    return net.set_index("date")


# --------------------------------------------------------------------------- profitable set

def profitable_set_efficiency(dates, threshold_j_per_th, hardware: pd.DataFrame,
                              max_age_years: int = MAX_AGE_YEARS) -> pd.DataFrame:
    """Min / equal-weight mean / max J/TH and size of the profitable set on each day.

    A machine counts on day t if release < t < release + ``max_age_years`` and J/TH < θ(t). Days with
    an empty set keep the previous day's values (CBECI Assumption 2).
    """
    t = pd.DatetimeIndex(pd.to_datetime(dates))
    th = np.asarray(threshold_j_per_th, dtype=float)
    if len(th) != len(t):
        raise BitcoinInputError("threshold_j_per_th must have one value per date")
    rel = pd.to_datetime(hardware["release_date"]).to_numpy(dtype="datetime64[ns]")
    retire = (pd.to_datetime(hardware["release_date"]) + pd.DateOffset(years=max_age_years)).to_numpy(dtype="datetime64[ns]")
    eff = hardware["efficiency_j_th"].to_numpy(dtype=float)
    tv = t.to_numpy(dtype="datetime64[ns]")[:, None]
    ok = (rel[None, :] < tv) & (tv < retire[None, :]) & (eff[None, :] < th[:, None])
    n = ok.sum(axis=1)
    e = np.where(ok, eff[None, :], np.nan)
    with np.errstate(all="ignore"):
        lo = np.where(n > 0, np.nanmin(np.where(ok, e, np.inf), axis=1), np.nan)
        hi = np.where(n > 0, np.nanmax(np.where(ok, e, -np.inf), axis=1), np.nan)
        mean = np.where(n > 0, np.nansum(np.where(ok, e, 0.0), axis=1) / np.maximum(n, 1), np.nan)
    out = pd.DataFrame({"eff_min_j_th": lo, "eff_mean_j_th": mean, "eff_max_j_th": hi, "n_machines": n}, index=t)
    out[["eff_min_j_th", "eff_mean_j_th", "eff_max_j_th"]] = out[["eff_min_j_th", "eff_mean_j_th", "eff_max_j_th"]].ffill()
    return out


# --------------------------------------------------------------------------- energy

def _basket_daily(index: pd.DatetimeIndex, cbeci: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """CBECI best-guess basket J/TH for each day (its month's mean), carried forward after its last month."""
    c = cbeci.copy()
    c["month"] = pd.to_datetime(c["month"]).dt.to_period("M")
    have = c[c["efficiency_days"] > 0].set_index("month")["basket_j_th_best"]
    months = index.to_period("M")
    basket = pd.Series(months.map(have).astype(float), index=index)
    carried = basket.isna() & (months > have.index.max())
    basket = basket.ffill()
    return basket, pd.Series(carried, index=index)


def daily_energy(electricity_usd_per_kwh: float = CBECI_ELECTRICITY_USD_PER_KWH, pue: float = PUE_BEST, *,
                 best_guess: str = "auto", network: pd.DataFrame | None = None,
                 hardware: pd.DataFrame | None = None, cbeci: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-day energy (TWh) of the Bitcoin network: lower, best guess and upper bound, the CBECI way.

    ``best_guess``: ``"auto"`` (equal-weight mean of the hardware list up to its 2020-05 vintage, CBECI's
    basket after), ``"hardware_list"`` (the list's mean throughout; stale after 2020-05) or ``"cbeci_basket"``.
    At an electricity price other than CBECI's 0.05, the CBECI basket is rescaled by the ratio of the
    hardware list's equal-weight means at that price and at 0.05 (an approximation, stated in the output).
    """
    p = _check_price(electricity_usd_per_kwh)
    pue = _check_pue(pue)
    if best_guess not in ("auto", "hardware_list", "cbeci_basket"):
        raise BitcoinInputError(f"best_guess must be 'auto', 'hardware_list' or 'cbeci_basket', got {best_guess!r}")
    net = network_daily(network)
    hw = hardware if hardware is not None else _load("btc_mining_hardware")
    cb = cbeci if cbeci is not None else _load("cbeci_energy_monthly")

    raw_theta = profitability_threshold_j_per_th(net["revenue_usd"], net["hashrate_ths"], p)
    theta = pd.Series(raw_theta, index=net.index).rolling(THRESHOLD_SMOOTHING_DAYS, min_periods=1).mean()
    at_p = profitable_set_efficiency(net.index, theta.values, hw)
    theta_ref = theta * p / CBECI_ELECTRICITY_USD_PER_KWH
    at_ref = at_p if p == CBECI_ELECTRICITY_USD_PER_KWH else profitable_set_efficiency(net.index, theta_ref.values, hw)

    basket, carried = _basket_daily(net.index, cb)
    scale = at_p["eff_mean_j_th"] / at_ref["eff_mean_j_th"]
    basket_at_p = basket * scale
    use_list = pd.Series(best_guess == "hardware_list", index=net.index)
    if best_guess == "auto":
        use_list = pd.Series(net.index <= HARDWARE_LIST_VINTAGE, index=net.index)
    best_eff = at_p["eff_mean_j_th"].where(use_list, basket_at_p)
    if best_eff.isna().any():
        first = best_eff[best_eff.isna()].index[0].strftime("%Y-%m-%d")
        raise BitcoinInputError(f"no best-guess efficiency on {first}: the CBECI basket table has no earlier month")
    # The mean of a set lies between its min and max: where the (rescaled) CBECI basket falls outside the
    # profitable set computed here, it is brought back to the set's edge and the day is flagged.
    clipped = (best_eff < at_p["eff_min_j_th"]) | (best_eff > at_p["eff_max_j_th"])
    best_eff = best_eff.clip(lower=at_p["eff_min_j_th"], upper=at_p["eff_max_j_th"])
    source = np.where(use_list, "hardware_list_mean",
                      np.where(carried, "cbeci_basket_carried_forward", "cbeci_basket"))

    h = net["hashrate_ths"]
    wh_per_day = 24.0 / 1e12  # W × 24 h -> TWh
    out = pd.DataFrame(
        {
            "hashrate_ths": h,
            "revenue_usd": net["revenue_usd"],
            "threshold_j_th": theta,
            "n_profitable_machines": at_p["n_machines"],
            "eff_lower_j_th": at_p["eff_min_j_th"],
            "eff_best_j_th": best_eff,
            "eff_upper_j_th": at_p["eff_max_j_th"],
            "twh_lower": at_p["eff_min_j_th"] * h * PUE_LOWER * wh_per_day,
            "twh_best": best_eff * h * pue * wh_per_day,
            "twh_upper": at_p["eff_max_j_th"] * h * PUE_UPPER * wh_per_day,
            "best_source": source,
            "best_clipped_to_set": clipped.values,
        },
        index=net.index,
    )
    out.index.name = "date"
    return out


def _cbeci_by_period(cbeci: pd.DataFrame, freq: str) -> pd.DataFrame:
    c = cbeci.copy()
    c["month"] = pd.to_datetime(c["month"])
    key = c["month"].dt.year if freq == "year" else c["month"].dt.to_period("M")
    return c.groupby(key)[["twh_lower", "twh_best", "twh_upper"]].sum().add_prefix("cbeci_")


def annual_energy(years, electricity_usd_per_kwh: float = CBECI_ELECTRICITY_USD_PER_KWH, pue: float = PUE_BEST, *,
                  best_guess: str = "auto", network=None, hardware=None, cbeci=None) -> pd.DataFrame:
    """Per year: the model's TWh (lower/best/upper), CBECI's published TWh at 0.05, revenue and ratios.

    Columns: ``twh_lower, twh_best, twh_upper, cbeci_twh_lower, cbeci_twh_best, cbeci_twh_upper,
    best_vs_cbeci`` (relative error), ``revenue_usd``, ``revenue_usd_per_kwh`` (best) with ``_low``
    (at upper-bound energy) and ``_high`` (at lower-bound energy), ``electricity_share_of_revenue`` (at
    the given price and best-guess energy), ``hashrate_ehs_mean``, ``best_from_cbeci_basket_share``.
    """
    net = network if network is not None else _load("btc_network_daily")
    ys = _check_years(years, available_years(net))
    p = _check_price(electricity_usd_per_kwh)
    cb = cbeci if cbeci is not None else _load("cbeci_energy_monthly")
    d = daily_energy(p, pue, best_guess=best_guess, network=net, hardware=hardware, cbeci=cb)
    d = d[d.index.year.isin(ys)]
    g = d.groupby(d.index.year).agg(
        twh_lower=("twh_lower", "sum"), twh_best=("twh_best", "sum"), twh_upper=("twh_upper", "sum"),
        revenue_usd=("revenue_usd", "sum"), hashrate_ths_mean=("hashrate_ths", "mean"),
    )
    g["best_from_cbeci_basket_share"] = d.groupby(d.index.year)["best_source"].apply(
        lambda s: float((s != "hardware_list_mean").mean()))
    g = g.join(_cbeci_by_period(cb, "year"), how="left")
    g["best_vs_cbeci"] = g["twh_best"] / g["cbeci_twh_best"] - 1
    kwh = 1e9
    g["revenue_usd_per_kwh"] = g["revenue_usd"] / (g["twh_best"] * kwh)
    g["revenue_usd_per_kwh_low"] = g["revenue_usd"] / (g["twh_upper"] * kwh)
    g["revenue_usd_per_kwh_high"] = g["revenue_usd"] / (g["twh_lower"] * kwh)
    g["electricity_share_of_revenue"] = electricity_share_of_revenue(g["twh_best"] * kwh, g["revenue_usd"], p)
    g["hashrate_ehs_mean"] = g.pop("hashrate_ths_mean") / 1e6
    g.index.name = "year"
    return g


def electricity_share_of_revenue(energy_kwh, revenue_usd_, electricity_usd_per_kwh):
    """Electricity bill / revenue. With margins competed away this is also the electricity share of cost."""
    p = _check_price(electricity_usd_per_kwh)
    e = np.asarray(energy_kwh, dtype=float)
    r = np.asarray(revenue_usd_, dtype=float)
    if np.any(e < 0) or np.any(r <= 0):
        raise BitcoinInputError("energy_kwh must be >= 0 and revenue_usd > 0")
    out = e * p / r
    return float(out) if out.ndim == 0 else out


def revenue_usd_per_kwh(revenue_usd_, energy_kwh):
    r = np.asarray(revenue_usd_, dtype=float)
    e = np.asarray(energy_kwh, dtype=float)
    if np.any(e <= 0):
        raise BitcoinInputError("energy_kwh must be > 0")
    out = r / e
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------- China

def china_share_monthly(country: pd.DataFrame | None = None) -> pd.Series:
    """China's share (0..1) of the global hash rate by month (CBECI Mining Map, 2019-09 … 2022-01)."""
    c = country if country is not None else _load("cbeci_country_hashrate_monthly")
    s = c[c["country"] == CHINA].set_index(pd.to_datetime(c.loc[c["country"] == CHINA, "month"]).dt.to_period("M"))
    return (s["hashrate_pct"] / 100.0).rename("china_share")


def monthly_energy(electricity_usd_per_kwh: float = CBECI_ELECTRICITY_USD_PER_KWH, pue: float = PUE_BEST, *,
                   energy: str = "model", network=None, hardware=None, cbeci=None, country=None) -> pd.DataFrame:
    """Per month: energy (model lower/best/upper, or CBECI's), revenue, China's share, TWh and USD.

    ``energy="model"`` uses :func:`daily_energy`; ``energy="cbeci"`` uses CBECI's published monthly energy
    at 0.05 USD/kWh (as in research/bitcoin.md §4). Only months with complete network data are returned.
    """
    if energy not in ("model", "cbeci"):
        raise BitcoinInputError(f"energy must be 'model' or 'cbeci', got {energy!r}")
    cb = cbeci if cbeci is not None else _load("cbeci_energy_monthly")
    d = daily_energy(electricity_usd_per_kwh, pue, network=network, hardware=hardware, cbeci=cb)
    per = d.index.to_period("M")
    g = d.groupby(per).agg(days=("revenue_usd", "size"), revenue_usd=("revenue_usd", "sum"),
                           twh_lower=("twh_lower", "sum"), twh_best=("twh_best", "sum"), twh_upper=("twh_upper", "sum"))
    g = g[g["days"] == g.index.days_in_month]
    if energy == "cbeci":
        c = _cbeci_by_period(cb, "month")
        c.columns = ["twh_lower", "twh_best", "twh_upper"]
        g[["twh_lower", "twh_best", "twh_upper"]] = c.reindex(g.index).values
        g = g.dropna(subset=["twh_best"])
    g["china_share"] = china_share_monthly(country).reindex(g.index)
    for k in ("lower", "best", "upper"):
        g[f"china_twh_{k}"] = g[f"twh_{k}"] * g["china_share"]
    g["china_revenue_usd"] = g["revenue_usd"] * g["china_share"]
    g.index.name = "month"
    return g


@dataclass(frozen=True)
class ChinaMining:
    year: int
    months_covered: int
    share_energy_weighted: float
    twh: Estimate
    revenue_usd: float
    revenue_usd_per_kwh: Estimate


def china_mining(year: int, electricity_usd_per_kwh: float = CBECI_ELECTRICITY_USD_PER_KWH, pue: float = PUE_BEST, *,
                 energy: str = "model", monthly: pd.DataFrame | None = None, **tables) -> ChinaMining:
    """China's mining energy (TWh), revenue (USD) and revenue per kWh in ``year``, over months with map data.

    Refuses years without any CBECI Mining Map month (before 2019 or after 2022).
    """
    m = monthly if monthly is not None else monthly_energy(electricity_usd_per_kwh, pue, energy=energy, **tables)
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise BitcoinInputError(f"year must be a calendar year, got {year!r}") from None
    sel = m[(m.index.year == y) & m["china_share"].notna()]
    if sel.empty:
        covered = sorted({int(p.year) for p in m.index[m["china_share"].notna()]})
        raise BitcoinInputError(
            f"year {year} is outside the CBECI Mining Map data: China's share exists only for months in "
            f"{covered[0]}..{covered[-1]} (2019-09 to 2022-01)"
        )
    twh = Estimate(float(sel["china_twh_lower"].sum()), float(sel["china_twh_best"].sum()),
                   float(sel["china_twh_upper"].sum()), "TWh")
    rev = float(sel["china_revenue_usd"].sum())
    kwh = 1e9
    per = Estimate(rev / (twh.high * kwh), rev / (twh.central * kwh), rev / (twh.low * kwh), "USD/kWh") if rev > 0 else Estimate(0, 0, 0, "USD/kWh")
    share = float(sel["china_twh_best"].sum() / sel["twh_best"].sum())
    return ChinaMining(y, len(sel), share, twh, rev, per)


# --------------------------------------------------------------------------- capital and cost stacks

def capital_usd_per_kw(capex: pd.DataFrame | None = None) -> pd.DataFrame:
    """USD of hardware per kW of power drawn (IT), low/high, for each row of ``hardware_capex_points``.

    low = price_low / power_high, high = price_high / power_low (per unit, power in W -> kW).
    """
    c = (capex if capex is not None else _load("hardware_capex_points")).copy()
    c["usd_per_kw_low"] = c["price_usd_low"] / (c["power_w_high"] / 1000)
    c["usd_per_kw_high"] = c["price_usd_high"] / (c["power_w_low"] / 1000)
    return c[["item", "kind", "date", "usd_per_kw_low", "usd_per_kw_high", "source"]]


def capex_usd_per_kwh(usd_per_kw: float, lifetime_years: float, pue: float = 1.0) -> float:
    """Straight-line hardware cost per kWh of facility electricity (no cost of capital)."""
    if usd_per_kw < 0 or lifetime_years <= 0 or pue < 1:
        raise BitcoinInputError("usd_per_kw must be >= 0, lifetime_years > 0 and pue >= 1")
    return usd_per_kw / (lifetime_years * HOURS_PER_YEAR * pue)


def mining_cost_stack_per_kwh(revenue_usd_per_kwh_: float, electricity_usd_per_kwh: float,
                              asic_usd_per_kw: float, lifetime_years: float = ASIC_LIFETIME_YEARS.central,
                              pue: float = PUE_BEST) -> dict:
    """Where a mining dollar per kWh goes: electricity, ASIC depreciation, and the rest of revenue.

    The rest (facility, labour, pool fees, margin) is revenue − electricity − ASIC capex; negative means a
    loss. Returns USD per kWh and shares of revenue, plus the electricity share of (electricity + ASIC).
    """
    p = _check_price(electricity_usd_per_kwh)
    if revenue_usd_per_kwh_ <= 0:
        raise BitcoinInputError("revenue_usd_per_kwh must be > 0")
    cap = capex_usd_per_kwh(asic_usd_per_kw, lifetime_years, pue)
    rest = revenue_usd_per_kwh_ - p - cap
    return {
        "revenue": revenue_usd_per_kwh_, "electricity": p, "hardware": cap, "rest": rest,
        "electricity_share_of_revenue": p / revenue_usd_per_kwh_,
        "hardware_share_of_revenue": cap / revenue_usd_per_kwh_,
        "electricity_share_of_cost": p / (p + cap),
    }


# --------------------------------------------------------------------------- tokens against Bitcoin

#: Chinese open models of the article (``models`` keys of the serving contract), for the cost stacks.
CHINESE_TOKEN_MODELS = ("minimax-m2.5", "kimi-k2.5", "glm-5", "deepseek-v3.2")
#: Whose mining the tokens are compared with: China's miners (map months) or the whole network.
MINERS = ("china", "network")


def bitcoin_revenue_per_kwh(year: int, miners: str = "china", electricity_usd_per_kwh: float = CBECI_ELECTRICITY_USD_PER_KWH,
                            pue: float = PUE_BEST, **tables) -> Estimate:
    """Mining revenue per kWh in ``year`` (USD/kWh), best guess with bounds at the upper/lower energy.

    ``miners="china"``: China's miners over the year's Mining Map months (:func:`china_mining`, 2019-09 ... 2022-01);
    ``"network"``: all miners over the whole year (:func:`annual_energy`). The one definition both reports use.
    """
    if miners not in MINERS:
        raise BitcoinInputError(f"miners must be one of {MINERS}, got {miners!r}")
    if miners == "china":
        return china_mining(year, electricity_usd_per_kwh, pue, **tables).revenue_usd_per_kwh
    a = annual_energy([year], electricity_usd_per_kwh, pue, **tables).loc[int(year)]
    return Estimate(float(a["revenue_usd_per_kwh_low"]), float(a["revenue_usd_per_kwh"]), float(a["revenue_usd_per_kwh_high"]), "USD/kWh")


def revenue_per_kwh_ratio(tokens: Estimate, bitcoin: Estimate) -> Estimate:
    """How many times more a kWh earns serving tokens than mining: tokens / Bitcoin, low = low/high, high = high/low."""
    if not (tokens.low > 0 and bitcoin.low > 0):
        raise BitcoinInputError(f"revenue per kWh must be > 0 (tokens {tokens}, bitcoin {bitcoin})")
    return Estimate(tokens.low / bitcoin.high, tokens.central / bitcoin.central, tokens.high / bitcoin.low, "ratio")


def token_cost_per_mtok(models=CHINESE_TOKEN_MODELS, *, phase: str = "output", scenario: str = "reference",
                        seed: int = 0, draws: int = 2000) -> pd.DataFrame:
    """Cost stack (USD per M ``phase`` tokens: capex, electricity, other, total; electricity share) and list price
    for each model, from :mod:`tokenecon.model.serving` (for the cost-stack chart; revenue per kWh is
    :func:`tokenecon.analysis.share.chinese_token_revenue_per_kwh`). Models without a list price get NaN there.
    """
    from tokenecon.model import serving

    rows = []
    for m in models:
        price = serving.list_price_usd_per_mtok(m, phase)
        cost = serving.cost_usd_per_mtok(m, phase=phase, scenario=scenario, draws=draws, seed=seed)
        rows.append({"model": m, "phase": phase, "scenario": scenario,
                     "list_price_usd_per_mtok": np.nan if price is None or price <= 0 else price,
                     "cost_usd_per_mtok": cost["total"].central,
                     "capex_usd_per_mtok": cost["capex"].central,
                     "electricity_usd_per_mtok": cost["electricity"].central,
                     "other_usd_per_mtok": cost["other"].central,
                     "electricity_share_of_cost": cost["electricity_share"].central})
    return pd.DataFrame(rows)
