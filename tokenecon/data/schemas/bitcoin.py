"""Bitcoin mining tables: network data, CBECI energy and mining map, hardware, halvings, ASIC prices.

Derived from the raw mirror ``bitcoin/`` (see its SOURCES.md for origins, commits and licences).
Most of this data is **non-commercial**: CBECI (Cambridge Centre for Alternative Finance) data is
CC BY-NC-SA 4.0 and Coin Metrics data CC BY-NC 4.0; Bitcoin Visuals and Blockchain.com state no
licence. The tables are kept small (daily only where the CBECI method needs it: the network data
behind the 14-day profitability threshold; monthly elsewhere).

Tables
------
``btc_network_daily``              hash rate, price, subsidy and fees per day, 2014-01-01 ... 2025-03-08
``cbeci_energy_monthly``           CBECI energy (lower/best/upper) and basket efficiency, by month
``cbeci_energy_by_price_annual``   CBECI best-guess TWh per year at other electricity prices (v1.2.0)
``cbeci_country_hashrate_monthly`` CBECI Mining Map: share of hash rate by country, 2019-09 ... 2022-01
``btc_mining_hardware``            SHA-256 ASICs: release date and J/TH (CBECI list + later flagships)
``btc_halvings``                   block-subsidy halvings
``hardware_capex_points``          hand-compiled: ASIC and GPU-server prices and power (capital per kW)
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from tokenecon.units import CBECI_DAYS_PER_YEAR
from tokenecon.data import Column, Source, Table
from tokenecon.data.schemas._helpers import MIRROR_RETRIEVED, read_raw, require_columns

RAW = "bitcoin"
F_BV = f"{RAW}/btc_network_daily_bitcoinvisuals.csv"
F_CM = f"{RAW}/coinmetrics_btc_daily_2013_2020.csv"
F_FEES = f"{RAW}/btc_fees_blockchaincom_4day.csv"
F_POWER = f"{RAW}/cbeci_power_consumption_daily.csv"
F_EFF = f"{RAW}/cbeci_hardware_efficiency_daily.csv"
F_V120 = f"{RAW}/cbeci_v120_guess_twh_by_elec_price_daily.csv"
F_MAP = f"{RAW}/cbeci_mining_map_countries_monthly.csv"
F_HW = f"{RAW}/cbeci_hardware_list_2020-05.csv"
F_FLAG = f"{RAW}/miner_efficiency_flagship.csv"
F_HALV = f"{RAW}/btc_halvings.csv"

#: First day kept in the daily network table (the hardware list's ASIC era starts in 2014).
START = "2014-01-01"
#: Coin Metrics daily fees are used through this day; after it, Blockchain.com's 4-day samples
#: (as in research/bitcoin.md §4, so the worked example is reproduced).
COINMETRICS_FEES_UNTIL = "2020-06-30"
#: Release-date vintage of the CBECI hardware list in the mirror.
CBECI_LIST_VINTAGE = "2020-05-31"

CBECI_LICENCE = "CC BY-NC-SA 4.0 (CCAF CBECI data; non-commercial, share-alike)"
CM_LICENCE = "CC BY-NC 4.0 (Coin Metrics community data; non-commercial)"
NONE = "none stated"

SRC_BV = Source(
    title="Bitcoin Visuals daily hash rate, price and block subsidy (via TargetedNakomoto data/*.csv)",
    retrieved=MIRROR_RETRIEVED,
    licence=f"{NONE} (Bitcoin Visuals, bitcoinvisuals.com)",
    repository="https://github.com/Krisp140/TargetedNakomoto",
    path="data/hashrate.csv, data/price.csv, data/blockreward.csv",
    commit="ea026924a6779f67547e5d6fa060a93a84f06fe3",
)
SRC_CM = Source(
    title="Coin Metrics community data, btc.csv (FeeTotNtv), fork of coinmetrics/data",
    retrieved=MIRROR_RETRIEVED,
    licence=CM_LICENCE,
    repository="https://github.com/SciEcon/data",
    path="csv/btc.csv",
    commit="dd6e7d6f64e555d3ea42253c7ced3b6f1c4a9f98",
)
SRC_FEES = Source(
    title="Blockchain.com charts export: transaction-fees (BTC per day, every 4th day)",
    retrieved=MIRROR_RETRIEVED,
    licence=f"{NONE} (Blockchain.com)",
    repository="https://github.com/BorisKuipers/Scriptie",
    path="transaction-fees.json",
    commit="5df5d236a24458cce140684400fe28579d867491",
)
SRC_POWER = Source(
    title="CBECI historical annualised electricity consumption at 0.05 USD/kWh (download/data, 2025-11 vintage)",
    retrieved=MIRROR_RETRIEVED,
    licence=CBECI_LICENCE,
    repository="https://github.com/xodn348/BTC_EXP",
    path="data/raw/costs/Historical annualised electricity consumption.csv",
    commit="7eac1e6a6d7bfb0e82f5c82283ce24bc5e53fd62",
)
SRC_EFF = Source(
    title="CBECI mining equipment efficiency (profitable-basket J/TH, lower/estimated/upper)",
    retrieved=MIRROR_RETRIEVED,
    licence=CBECI_LICENCE,
    repository="https://github.com/Krisp140/TargetedNakomoto",
    path="data/efficiency.csv",
    commit="ea026924a6779f67547e5d6fa060a93a84f06fe3",
)
SRC_V120 = Source(
    title="CBECI API v1.2.0 best-guess annualised consumption at several electricity prices",
    retrieved=MIRROR_RETRIEVED,
    licence=CBECI_LICENCE,
    repository="https://github.com/dataalways/energy-adjusted-cbeci",
    path="datasets/cbeci-annualized-consumption.csv",
    commit="5c73825a48b035a3d22f2668571b5d9685faa4b9",
)
SRC_MAP = Source(
    title="CBECI Mining Map, monthly hash-rate share by country (2021/22 vintage, API v1.1.1 format)",
    retrieved=MIRROR_RETRIEVED,
    licence=CBECI_LICENCE,
    repository="https://github.com/Mccalabrese/Bitcoin-Hashrate-simulations-MonteCarlo",
    path="Resources/export.csv",
    commit="aa26d805b8945e2d9a53da7206081e259e96abf5",
)
SRC_HW = Source(
    title="CBECI hardware list (server_config/miners.csv, last changed 2020-05-08)",
    retrieved=MIRROR_RETRIEVED,
    licence=f"{CBECI_LICENCE}; the repository has no LICENSE file",
    repository="https://github.com/CambridgeAltFin/ccaf_cbeci_api",
    path="server_config/miners.csv",
    commit="0e28e819a084c8b3c6c752fb0aae00cb609e8b17",
)
SRC_FLAG = Source(
    title="Flagship miner efficiency, hand-compiled in the raw mirror (per-row sources in its `source` column)",
    retrieved=MIRROR_RETRIEVED,
    licence="facts, cited (nameplate specifications)",
    repository="shared research mirror",
    path=F_FLAG,
)
SRC_HALV = Source(
    title="Bitcoin halvings (protocol: block heights 210k/420k/630k/840k), compiled in the raw mirror",
    retrieved=MIRROR_RETRIEVED,
    licence="facts",
    repository="shared research mirror",
    path=F_HALV,
)


def _sig(x, digits: int = 6):
    """Round to ``digits`` significant figures (keeps the CSVs small and byte-stable)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return np.nan
    x = float(x)
    if x == 0:
        return 0.0
    return float(f"{x:.{digits}g}")


def _sigs(s: pd.Series, digits: int = 6) -> pd.Series:
    return s.map(lambda v: np.nan if pd.isna(v) else _sig(v, digits)).astype(float)


# --------------------------------------------------------------------------- network, daily

def build_network_daily(raw_dir: Path) -> pd.DataFrame:
    bv = read_raw(raw_dir, F_BV)
    require_columns(bv, F_BV, ["date", "hashrate_ehs", "price_usd", "subsidy_btc_day"])
    cm = read_raw(raw_dir, F_CM)
    require_columns(cm, F_CM, ["time", "FeeTotNtv"])
    fe = read_raw(raw_dir, F_FEES)
    require_columns(fe, F_FEES, ["date", "fees_btc_day"])

    d = bv.assign(date=pd.to_datetime(bv["date"])).sort_values("date")
    d = d[d["date"] >= START].reset_index(drop=True)
    d["price_filled"] = d["price_usd"].isna()
    d["price_usd"] = d["price_usd"].ffill()

    cm_fees = pd.Series(cm["FeeTotNtv"].values, index=pd.to_datetime(cm["time"]))
    fe = fe.assign(date=pd.to_datetime(fe["date"]))
    per_month = fe.groupby(fe["date"].dt.to_period("M"))["fees_btc_day"].mean()
    early = d["date"] <= COINMETRICS_FEES_UNTIL
    fees = pd.Series(np.nan, index=d.index)
    fees[early] = cm_fees.reindex(d.loc[early, "date"]).values
    fees[~early] = d.loc[~early, "date"].dt.to_period("M").map(per_month).values
    if fees.isna().any():
        bad = d.loc[fees.isna(), "date"].dt.strftime("%Y-%m-%d").tolist()[:5]
        raise ValueError(f"btc_network_daily: no fee data for day(s) {bad}")
    source = np.where(early, "coinmetrics_daily", "blockchaincom_4day_monthly_mean")
    return pd.DataFrame(
        {
            "date": d["date"],
            "hashrate_ehs": _sigs(d["hashrate_ehs"]),
            "price_usd": _sigs(d["price_usd"]),
            "price_filled": d["price_filled"].astype(bool),
            "subsidy_btc": _sigs(d["subsidy_btc_day"], 8),
            "fees_btc": _sigs(fees, 6),
            "fees_source": source,
        }
    )


NETWORK_DAILY = Table(
    name="btc_network_daily",
    title="Bitcoin network per day: hash rate, price, block subsidy and fees",
    description=(
        "One row per UTC day, 2014-01-01 to 2025-03-08. Miner revenue per day = (subsidy_btc + fees_btc) x "
        "price_usd. Daily because the CBECI profitability threshold is a 14-day moving average."
    ),
    columns=(
        Column("date", "date", "UTC day"),
        Column("hashrate_ehs", "float", "network hash rate (Bitcoin Visuals)", unit="EH/s", min=0),
        Column("price_usd", "float", "BTC price (Bitcoin Visuals); filled forward on gap days", unit="USD per BTC", min=0),
        Column("price_filled", "bool", "true where the source had no price and the previous day's was carried"),
        Column("subsidy_btc", "float", "newly issued BTC that day (actual block count)", unit="BTC", min=0),
        Column("fees_btc", "float", "transaction fees paid to miners that day", unit="BTC", min=0),
        Column(
            "fees_source",
            "str",
            "coinmetrics_daily (through 2020-06-30) or blockchaincom_4day_monthly_mean (the mean of the "
            "month's 4-day samples, so monthly sums equal samples-mean x days)",
            allowed=("coinmetrics_daily", "blockchaincom_4day_monthly_mean"),
        ),
    ),
    key=("date",),
    sources=(SRC_BV, SRC_CM, SRC_FEES),
    derivation=(
        "Bitcoin Visuals hash rate, price and subsidy from 2014-01-01; price filled forward over its gaps "
        "(2021-10-26, 2024-08-12..26); fees from Coin Metrics FeeTotNtv to 2020-06-30, then the mean of the "
        "Blockchain.com 4-day samples in each calendar month; rounded to 6 significant figures (subsidy 8)."
    ),
    build=build_network_daily,
    raw_files=(F_BV, F_CM, F_FEES),
    date_column="date",
    caveats=(
        "Fees after 2020-06 are monthly means of 4-day samples (about +-10% in a month; April 2024 is "
        "overstated by the halving-day spike). Coin Metrics fees are CC BY-NC 4.0. Data end 2025-03-08."
    ),
)


# --------------------------------------------------------------------------- CBECI energy, monthly

def build_cbeci_energy_monthly(raw_dir: Path) -> pd.DataFrame:
    pw = read_raw(raw_dir, F_POWER)
    require_columns(pw, F_POWER, ["date", "power_min_gw", "power_guess_gw", "power_max_gw"])
    ef = read_raw(raw_dir, F_EFF)
    require_columns(ef, F_EFF, ["date", "efficiency_j_th_lower", "efficiency_j_th_estimated", "efficiency_j_th_upper"])
    pw = pw.assign(date=pd.to_datetime(pw["date"]))
    pw = pw[pw["date"] >= START]
    ef = ef.assign(date=pd.to_datetime(ef["date"]))
    ef = ef[ef["date"] >= START]
    m = pw["date"].dt.to_period("M")
    g = pw.groupby(m).agg(
        days=("date", "size"),
        twh_lower=("power_min_gw", lambda s: s.sum() * 24 / 1000),
        twh_best=("power_guess_gw", lambda s: s.sum() * 24 / 1000),
        twh_upper=("power_max_gw", lambda s: s.sum() * 24 / 1000),
    )
    e = ef.groupby(ef["date"].dt.to_period("M")).agg(
        efficiency_days=("date", "size"),
        basket_j_th_lower=("efficiency_j_th_lower", "mean"),
        basket_j_th_best=("efficiency_j_th_estimated", "mean"),
        basket_j_th_upper=("efficiency_j_th_upper", "mean"),
    )
    g = g.join(e, how="left")
    g["efficiency_days"] = g["efficiency_days"].fillna(0).astype(int)
    out = pd.DataFrame(
        {
            "month": g.index.to_timestamp(),
            "days": g["days"].astype(int).values,
            "twh_lower": _sigs(g["twh_lower"]).values,
            "twh_best": _sigs(g["twh_best"]).values,
            "twh_upper": _sigs(g["twh_upper"]).values,
            "efficiency_days": g["efficiency_days"].values,
            "basket_j_th_lower": _sigs(g["basket_j_th_lower"]).values,
            "basket_j_th_best": _sigs(g["basket_j_th_best"]).values,
            "basket_j_th_upper": _sigs(g["basket_j_th_upper"]).values,
        }
    )
    return out.reset_index(drop=True)


CBECI_ENERGY_MONTHLY = Table(
    name="cbeci_energy_monthly",
    title="CBECI Bitcoin electricity use by month (lower / best guess / upper) and basket efficiency",
    description=(
        "Monthly energy = sum over the month's days of CBECI power (GW) x 24 h, at CBECI's 0.05 USD/kWh. "
        "Basket efficiency = monthly mean of CBECI's daily J/TH of the profitable hardware basket "
        "(lower = best machine, best = equal-weight basket, upper = worst profitable machine)."
    ),
    columns=(
        Column("month", "date", "first day of the month"),
        Column("days", "int", "days with CBECI power data in the month", unit="days", min=1, max=31),
        Column("twh_lower", "float", "CBECI lower-bound energy in the month", unit="TWh", min=0),
        Column("twh_best", "float", "CBECI best-guess energy in the month", unit="TWh", min=0),
        Column("twh_upper", "float", "CBECI upper-bound energy in the month", unit="TWh", min=0),
        Column("efficiency_days", "int", "days with CBECI basket efficiency in the month (0 after 2024-09-20)", unit="days", min=0, max=31),
        Column("basket_j_th_lower", "float", "mean J/TH of the most efficient profitable machine", unit="J/TH", min=0, nullable=True),
        Column("basket_j_th_best", "float", "mean J/TH of the equal-weight profitable basket", unit="J/TH", min=0, nullable=True),
        Column("basket_j_th_upper", "float", "mean J/TH of the least efficient profitable machine", unit="J/TH", min=0, nullable=True),
    ),
    key=("month",),
    sources=(SRC_POWER, SRC_EFF),
    derivation=(
        "From 2014-01: power_*_gw summed per month x 24/1000 (TWh); efficiency_j_th_* averaged per month. "
        "Rounded to 6 significant figures."
    ),
    build=build_cbeci_energy_monthly,
    raw_files=(F_POWER, F_EFF),
    date_column="month",
    caveats=(
        "CBECI vintages differ (power: 2025-11; efficiency: about 2025-03, cut at 2024-09-20 where the "
        "mirror's source had extended it by regression). The last month (2025-11) is partial (see days). "
        "CC BY-NC-SA 4.0: non-commercial use only."
    ),
)


def build_cbeci_energy_by_price_annual(raw_dir: Path) -> pd.DataFrame:
    v = read_raw(raw_dir, F_V120)
    require_columns(v, F_V120, ["date"])
    v = v.assign(date=pd.to_datetime(v["date"]))
    v = v[(v["date"] >= START) & (v["date"] < "2023-01-01")]
    rows = []
    for col in [c for c in v.columns if c.startswith("twh_guess_at_")]:
        m = re.fullmatch(r"twh_guess_at_([0-9.]+)_usd_kwh", col)
        if not m:
            raise ValueError(f"raw file {F_V120}: unexpected column {col!r}")
        price = float(m.group(1))
        # Annualised TWh/yr per day -> energy of that day = value / 365.25 (CBECI's year).
        per_year = v.groupby(v["date"].dt.year)[col].agg(["sum", "size"])
        for year, r in per_year.iterrows():
            rows.append({"year": int(year), "electricity_usd_per_kwh": price, "days": int(r["size"]),
                         "twh_best": _sig(r["sum"] / CBECI_DAYS_PER_YEAR)})
    return pd.DataFrame(rows, columns=["year", "electricity_usd_per_kwh", "days", "twh_best"]).sort_values(
        ["year", "electricity_usd_per_kwh"]).reset_index(drop=True)


CBECI_BY_PRICE = Table(
    name="cbeci_energy_by_price_annual",
    title="CBECI best-guess Bitcoin electricity use per year at several electricity prices (API v1.2.0)",
    description=(
        "Energy per year = sum of the daily annualised best guess / 365.25, for each electricity price the "
        "source carried (0.02 ... 0.10 USD/kWh). Used to check the price sensitivity of the package's model."
    ),
    columns=(
        Column("year", "int", "calendar year", unit="year", min=2014, max=2022),
        Column("electricity_usd_per_kwh", "float", "electricity price assumed by CBECI", unit="USD/kWh", min=0, max=1),
        Column("days", "int", "days in the year with data", unit="days", min=1, max=366),
        Column("twh_best", "float", "CBECI best-guess energy in the year at that price", unit="TWh", min=0),
    ),
    key=("year", "electricity_usd_per_kwh"),
    sources=(SRC_V120,),
    derivation="Complete years 2014-2022 of the v1.2.0 file; daily annualised TWh/yr summed and divided by 365.25.",
    build=build_cbeci_energy_by_price_annual,
    raw_files=(F_V120,),
    caveats="API v1.2.0 vintage; equals the 2025-11 vintage at 0.05 USD/kWh to 1e-4 through 2023-07. CC BY-NC-SA 4.0.",
)


# --------------------------------------------------------------------------- mining map

def build_country_hashrate(raw_dir: Path) -> pd.DataFrame:
    m = read_raw(raw_dir, F_MAP)
    require_columns(m, F_MAP, ["date", "country", "share_of_global_hashrate_pct", "abs_hashrate_ehs"])
    out = pd.DataFrame(
        {
            "month": pd.to_datetime(m["date"]),
            "country": m["country"].astype(str).str.strip(),
            "hashrate_pct": m["share_of_global_hashrate_pct"].astype(float),
            "hashrate_ehs": m["abs_hashrate_ehs"].astype(float),
        }
    )
    return out.sort_values(["month", "country"]).reset_index(drop=True)


COUNTRY_HASHRATE = Table(
    name="cbeci_country_hashrate_monthly",
    title="CBECI Mining Map: share of Bitcoin hash rate by country, monthly 2019-09 to 2022-01",
    description=(
        "Monthly average share of the global hash rate by country, from the IP geolocation of hashers at "
        "participating pools (BTC.com, Poolin, ViaBTC; Foundry from the 2021/22 update)."
    ),
    columns=(
        Column("month", "date", "first day of the month"),
        Column("country", "str", "country as named by CBECI ('Mainland China', 'United States', ..., 'Other')"),
        Column("hashrate_pct", "float", "share of global hash rate", unit="%", min=0, max=100),
        Column("hashrate_ehs", "float", "implied absolute hash rate", unit="EH/s", min=0),
    ),
    key=("month", "country"),
    sources=(SRC_MAP,),
    derivation="Copied from the mirror file (percent sign already stripped there); sorted by month and country.",
    build=build_country_hashrate,
    raw_files=(F_MAP,),
    date_column="month",
    caveats=(
        "No geographic data before 2019-09. Pools covered ~37% of hash rate in 2019-09..2020-04; VPNs and "
        "proxies bias the figures (Zhejiang was redistributed). China's 0% in 2021-07/08 reflects the ban "
        "and the data collection, not physically zero mining. CC BY-NC-SA 4.0."
    ),
)


# --------------------------------------------------------------------------- hardware

_MONTH = re.compile(r"^(\d{4})-(\d{2})\b")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])\b")
_YEAR = re.compile(r"^(\d{4})\b")


def _parse_release(text: str) -> tuple[pd.Timestamp, bool]:
    """'2022-07 (approx; ...)' -> (2022-07-01, True); '2024-Q1' -> 2024-01-01; '2021 (approx)' -> 2021-07-01."""
    t = str(text).strip()
    approx = "approx" in t or "late" in t
    if t.startswith("late "):
        y = int(t.split()[1])
        return pd.Timestamp(f"{y}-10-01"), True
    if m := _MONTH.match(t):
        return pd.Timestamp(f"{m.group(1)}-{m.group(2)}-01"), approx
    if m := _QUARTER.match(t):
        return pd.Timestamp(f"{m.group(1)}-{3 * (int(m.group(2)) - 1) + 1:02d}-01"), True
    if m := _YEAR.match(t):
        return pd.Timestamp(f"{m.group(1)}-07-01"), True
    raise ValueError(f"raw file {F_FLAG}: release_month {text!r} is not 'YYYY-MM', 'YYYY-Qn' or 'YYYY'")


def build_hardware(raw_dir: Path) -> pd.DataFrame:
    hw = read_raw(raw_dir, F_HW)
    require_columns(hw, F_HW, ["miner_name", "release_date", "efficiency_j_th"])
    fl = read_raw(raw_dir, F_FLAG)
    require_columns(fl, F_FLAG, ["model", "manufacturer", "release_month", "efficiency_j_th", "source"])
    a = pd.DataFrame(
        {
            "model": hw["miner_name"].astype(str),
            "release_date": pd.to_datetime(hw["release_date"]),
            "release_date_approximate": False,
            "efficiency_j_th": hw["efficiency_j_th"].astype(float).map(_sig),
            "hardware_list": "cbeci_2020-05",
            "source": "CambridgeAltFin/ccaf_cbeci_api@0e28e819:server_config/miners.csv",
        }
    )
    # Later machines: flagship rows released after the CBECI list's vintage (the earlier flagship rows
    # repeat CBECI entries, or, for S1/S15, are not in CBECI's list and are left out to keep it CBECI's).
    rel = fl["release_month"].map(_parse_release)
    fl = fl.assign(release_date=[r[0] for r in rel], approx=[r[1] for r in rel])
    later = fl[(fl["release_date"] > CBECI_LIST_VINTAGE) & ~fl["source"].str.contains("cbeci_hardware_list")]
    b = pd.DataFrame(
        {
            "model": (later["manufacturer"] + " " + later["model"]).values,
            "release_date": later["release_date"].values,
            "release_date_approximate": later["approx"].astype(bool).values,
            "efficiency_j_th": later["efficiency_j_th"].astype(float).values,
            "hardware_list": "flagship_after_2020-05",
            "source": ("shared/sources/" + F_FLAG + ": " + later["source"].astype(str)).values,
        }
    )
    out = pd.concat([a, b], ignore_index=True)
    return out.sort_values(["release_date", "efficiency_j_th", "model"]).reset_index(drop=True)


HARDWARE = Table(
    name="btc_mining_hardware",
    title="Bitcoin mining hardware: release date and efficiency (CBECI list to 2020-05, later flagships)",
    description=(
        "The CBECI hardware list (90 rows incl. CPU/GPU/FPGA placeholders, ASICs 2014-07 .. 2020-05, "
        "efficiencies 'refined with experts') plus flagship ASICs released after 2020-05 with nameplate "
        "efficiency. Used for the profitable set (threshold, 5-year age limit) behind the energy bounds."
    ),
    columns=(
        Column("model", "str", "machine name"),
        Column("release_date", "date", "release date (first of month; approximate where flagged)"),
        Column("release_date_approximate", "bool", "true where the release month is approximate (year or quarter only)"),
        Column("efficiency_j_th", "float", "energy per terahash", unit="J/TH", min=1),
        Column("hardware_list", "str", "which list the row comes from", allowed=("cbeci_2020-05", "flagship_after_2020-05")),
        Column("source", "str", "where the row comes from"),
    ),
    key=("model",),
    sources=(SRC_HW, SRC_FLAG),
    derivation=(
        "CBECI list copied (efficiency_j_th = J/GH x 1000); flagship rows released after 2020-05-31 appended, "
        "release 'YYYY' -> YYYY-07-01, 'YYYY-Qn' -> first month of the quarter, 'late YYYY' -> YYYY-10-01."
    ),
    build=build_hardware,
    raw_files=(F_HW, F_FLAG),
    date_column="release_date",
    caveats=(
        "After 2020-05 only flagships are listed (CCAF's later list is not public), so the equal-weight mean of "
        "this list is biased high after 2020-05; the lower bound depends on the approximate flagship dates."
    ),
)


def build_halvings(raw_dir: Path) -> pd.DataFrame:
    h = read_raw(raw_dir, F_HALV, dtype=str, keep_default_na=False)
    require_columns(h, F_HALV, ["event", "block_height", "date_utc", "subsidy_btc_before", "subsidy_btc_after", "status"])
    date = pd.to_datetime(h["date_utc"].where(h["date_utc"].str.fullmatch(r"\d{4}-\d{2}-\d{2}"), None))
    return pd.DataFrame(
        {
            "event": h["event"],
            "block_height": h["block_height"].astype(int),
            "date": date,
            "date_note": h["date_utc"].where(date.isna(), None),
            "subsidy_btc_before": pd.to_numeric(h["subsidy_btc_before"].replace("", None)),
            "subsidy_btc_after": pd.to_numeric(h["subsidy_btc_after"]),
            "status": h["status"],
        }
    )


HALVINGS = Table(
    name="btc_halvings",
    title="Bitcoin block-subsidy halvings",
    description="Genesis and the halvings at block heights 210k, 420k, 630k, 840k (and the projected 1,050k).",
    columns=(
        Column("event", "str", "event name"),
        Column("block_height", "int", "block height", unit="blocks", min=0),
        Column("date", "date", "UTC date; empty when only projected", nullable=True),
        Column("date_note", "str", "the projected date as text, where no exact date exists", nullable=True),
        Column("subsidy_btc_before", "float", "subsidy per block before", unit="BTC", min=0, nullable=True),
        Column("subsidy_btc_after", "float", "subsidy per block after", unit="BTC", min=0),
        Column("status", "str", "protocol fact or projection", allowed=("protocol", "projected")),
    ),
    key=("event",),
    sources=(SRC_HALV,),
    derivation="Copied from the mirror; the projected date kept as text in date_note.",
    build=build_halvings,
    raw_files=(F_HALV,),
    date_column="date",
)


# --------------------------------------------------------------------------- hand-compiled capex

CAPEX = Table(
    name="hardware_capex_points",
    title="Hardware price and power points: Bitcoin ASICs (per TH/s) and GPU servers (per GPU)",
    description=(
        "Price ranges and power per unit, to compare capital per kW of electricity drawn: USD per kW = "
        "price per unit / (power per unit / 1000). ASIC units are 1 TH/s (power = J/TH of the price tier); "
        "GPU units are one GPU's share of an 8-GPU server (power = IT watts per GPU)."
    ),
    columns=(
        Column("item", "str", "what was priced"),
        Column("kind", "str", "hardware kind", allowed=("asic", "gpu_server")),
        Column("date", "date", "date of the price"),
        Column("unit", "str", "unit the price and power refer to", allowed=("TH/s", "GPU")),
        Column("price_usd_low", "float", "price per unit, low end", unit="USD per unit", min=0),
        Column("price_usd_high", "float", "price per unit, high end", unit="USD per unit", min=0),
        Column("power_w_low", "float", "power per unit, low end (ASIC: J/TH, the tier's most efficient machine)", unit="W per unit", min=0),
        Column("power_w_high", "float", "power per unit, high end (ASIC: J/TH, the tier's least efficient machine)", unit="W per unit", min=0),
        Column("note", "str", "how the figures were read", nullable=True),
        Column("source", "str", "URL or repository path"),
    ),
    key=("item", "date"),
    sources=(
        Source(title="Hashrate Index (Luxor) ASIC Price Index, as quoted by its blog and the press", retrieved="2026-11-28",
               licence="facts quoted from public pages", url="https://hashrateindex.com/blog/as-asic-prices-shrunk-in-2022-the-antminer-s19-xps-price-premium-grew/"),
        Source(title="Research note energy.md and anchors_hardware.csv (H100 price, server share, power)", retrieved=MIRROR_RETRIEVED,
               licence="project research note (cites SemiAnalysis InferenceX, Epoch AI)", repository="shared research mirror",
               path="research/energy.md; sources/energy/anchors_hardware.csv"),
    ),
    derivation="Hand-compiled; each row names its source. No figure is estimated beyond the ranges given by the sources.",
    kind="hand-compiled",
    date_column="date",
    caveats=(
        "ASIC prices swing 5-8x with hashprice (2021 peak vs 2022 trough), so any single capital intensity "
        "is era-dependent. No 8xH20 server power figure was found, so China's H20 servers are not in the table."
    ),
)

TABLES = [NETWORK_DAILY, CBECI_ENERGY_MONTHLY, CBECI_BY_PRICE, COUNTRY_HASHRATE, HARDWARE, HALVINGS, CAPEX]
