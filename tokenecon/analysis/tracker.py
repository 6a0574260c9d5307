"""The tracker: week by week, the Chinese share of OpenRouter, where it is computed, its electricity and revenue per kWh.

Everything follows the data: the newest complete Monday-Sunday week of ``openrouter_daily_top50`` (extended by
``tokenecon data fetch``) is the week shown, compared with the week before. The arithmetic is the package's own:

* Chinese-lab share of all tokens, with the band of tokens of unknown origin (the daily ``other`` row, and any
  author the ``labs`` table does not know yet): :func:`tokenecon.analysis.share.bloc_shares_weekly` and
  :func:`~tokenecon.analysis.share.china_share_bounds`;
* share of Chinese-model tokens computed in China: :func:`~tokenecon.analysis.share.china_computed_share` on the
  provider table (one 24-hour day; the only provider data there are) with each week's platform share;
* electricity behind Chinese-model tokens computed in China, MWh per week:
  :func:`~tokenecon.analysis.share.chinese_token_electricity` (its weekly table; energy per token and place of
  inference at the newest week's values);
* list-price revenue per kWh: :func:`~tokenecon.analysis.share.chinese_token_revenue_per_kwh` at each week's
  list prices (:func:`tokenecon.model.pricing.price_function`), on the Chinese models of the week's top ten. The
  weekly top-ten table stops in May 2026, so for the weeks of the daily rankings the week's top ten by
  rankings-daily is handed in (same columns; the phase mix still comes from the weekly table's model pages).

Authors the ``labs`` table does not know (new slugs after a fetch) are counted as origin unknown, never guessed
(:func:`labs_with_unknown`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from tokenecon import data
from tokenecon.analysis import share
from tokenecon.analysis.findings import Finding, Scope, finding, week_words
from tokenecon.estimate import Estimate

TABLES = ("openrouter_daily_top50", "labs", "openrouter_provider_tokens_24h", "openrouter_weekly_top10", "grid_carbon",
          "models", "model_price_events", "hardware", "energy_calibration", "electricity_prices", "uncertain_inputs")
UNKNOWN_LAB = share.UNKNOWN_LAB


# --------------------------------------------------------------------------- what the data run to


def newest_complete_week(daily: pd.DataFrame) -> pd.Timestamp:
    """Monday of the newest complete (seven-day) week of rankings-daily: the week reports that follow the data show."""
    return share.weekly_from_daily(daily)["week_start"].max()


@dataclass(frozen=True)
class DataDates:
    first_day: pd.Timestamp
    last_day: pd.Timestamp
    newest_week: pd.Timestamp
    fetched_at: str | None   # newest retrieved_at of fetched rows (None: committed base only)
    api_as_of: str | None    # the API's meta.as_of of those rows
    fetched_days: int


def data_dates(daily: pd.DataFrame) -> DataDates:
    """When the token data run to and when they were fetched (rows added by ``tokenecon data fetch``)."""
    got = daily[daily["retrieved_at"].notna()] if "retrieved_at" in daily else daily.iloc[0:0]
    return DataDates(daily["date"].min(), daily["date"].max(), newest_complete_week(daily),
                     str(got["retrieved_at"].max()) if len(got) else None,
                     str(got["as_of"].max()) if len(got) else None, int(got["date"].nunique()))


@finding("newest_complete_week")
def newest_complete_week_finding() -> Finding:
    """The newest complete week of the committed (or fetched) rankings, as an ISO date: other reports follow it."""
    daily = data.load("openrouter_daily_top50")
    d = data_dates(daily)
    note = (f"rankings-daily rows fetched up to {d.fetched_at} (API as of {d.api_as_of})" if d.fetched_at
            else "committed rankings-daily rows only (no fetch)")
    return Finding("newest_complete_week", "newest complete week of OpenRouter's daily rankings",
                   d.newest_week.strftime("%Y-%m-%d"), "date (Monday of the week)",
                   Scope("OpenRouter, whole platform", week_words(d.newest_week), d.last_day.strftime("%Y-%m-%d"), note),
                   ("openrouter_daily_top50",), "tracker#what-the-data-run-to")


# --------------------------------------------------------------------------- unknown authors


labs_with_unknown = share.labs_with_unknown  # one definition, in share

# --------------------------------------------------------------------------- the weekly series


def _daily_top10_as_weekly(weekly: pd.DataFrame, weekly_top10: pd.DataFrame) -> pd.DataFrame:
    """The weekly top-ten table, then each rankings-daily week's top ten in its columns (no model-page split)."""
    top = weekly[(~weekly["is_other"]) & (weekly["rank"] <= 10)]
    top = top[~top["week_start"].isin(set(weekly_top10["week_start"]))]
    rows = pd.DataFrame({"week_start": top["week_start"], "week_end": top["week_end"], "rank": top["rank"].astype("Int64"),
                         "model_slug": top["model_slug"], "author": top["author"],
                         "total_tokens": top["total_tokens"].astype("Int64")})
    for c in ("prompt_tokens", "completion_tokens", "reasoning_tokens", "cached_tokens", "requests"):
        rows[c] = pd.array([pd.NA] * len(rows), dtype="Int64")
    return pd.concat([weekly_top10, rows[[c for c in rows.columns]]], ignore_index=True)


@dataclass(frozen=True)
class Tracker:
    weekly: pd.DataFrame          # one row per complete week (see weekly_series)
    newest: pd.Timestamp
    previous: pd.Timestamp | None
    change: dict                  # newest minus previous: share (fraction points), mwh (fraction), revenue (fraction)
    unknown_authors: list
    electricity: object           # share.TokenElectricity of the newest week
    dates: DataDates


def weekly_series(daily: pd.DataFrame, labs: pd.DataFrame, providers: pd.DataFrame, weekly_top10: pd.DataFrame,
                  energy, slug_to_model, gco2_per_kwh: float, price_on, *, overrides: dict | None = None) -> Tracker:
    """The tracker's weekly table and the newest week's change from the week before.

    ``price_on(day) -> price(model, phase)`` gives the list prices in effect on a day. Columns: week_start;
    china_low / china_high (Chinese share of all tokens without / with the tokens of unknown origin), unknown;
    computed_in_china_low / _central / _high; mwh_low / mwh / mwh_high (computed in China, MWh per week);
    revenue_usd_per_kwh_low / _central / _high and revenue_priced_share (share of the week's top-ten Chinese
    tokens with an energy estimate and a list price; NaN where the week's top ten has no Chinese model) and
    revenue_models (the models behind it).
    """
    labs_x, unknown = labs_with_unknown(labs, daily)
    weekly = share.weekly_from_daily(daily)
    plat = share.bloc_shares_weekly(weekly, labs_x, overrides)
    bounds = share.china_share_bounds(plat)
    te = share.chinese_token_electricity(weekly, labs_x, providers, weekly_top10, energy, slug_to_model, gco2_per_kwh,
                                         scope="computed_in_china", overrides=overrides)
    top10 = _daily_top10_as_weekly(weekly, weekly_top10)
    rows = []
    for wk in bounds.index:
        place = share.china_computed_share(providers, labs_x, share.platform_china_share(plat, wk))
        s = place.china_computed_share
        e = te.weekly.loc[wk]
        row = {"week_start": wk, "china_low": bounds.loc[wk, "low"], "china_high": bounds.loc[wk, "high"],
               "unknown": bounds.loc[wk, "high"] - bounds.loc[wk, "low"],
               "computed_in_china_low": s.low, "computed_in_china_central": s.central, "computed_in_china_high": s.high,
               "mwh_low": e["mwh_low"], "mwh": e["mwh"], "mwh_high": e["mwh_high"]}
        try:
            rev, table = share.chinese_token_revenue_per_kwh(top10, labs_x, energy, slug_to_model, price_on(wk), week=wk,
                                                             overrides=overrides)
            row.update(revenue_usd_per_kwh_low=rev.low, revenue_usd_per_kwh_central=rev.central,
                       revenue_usd_per_kwh_high=rev.high, revenue_priced_share=float(table["priced_share_of_chinese_tokens"].iloc[0]),
                       revenue_models=", ".join(sorted(set(table["model"].astype(str)))))
        except ValueError:  # no Chinese model in the week's top ten, or none with an energy estimate and a price
            row.update(revenue_usd_per_kwh_low=np.nan, revenue_usd_per_kwh_central=np.nan,
                       revenue_usd_per_kwh_high=np.nan, revenue_priced_share=np.nan, revenue_models="")
        rows.append(row)
    w = pd.DataFrame(rows).set_index("week_start")
    newest = w.index.max()
    prev = w.index[-2] if len(w) > 1 else None
    change = {}
    if prev is not None:
        a, b = w.loc[newest], w.loc[prev]
        change = {"china_low_pts": a["china_low"] - b["china_low"], "china_high_pts": a["china_high"] - b["china_high"],
                  "mwh_rel": a["mwh"] / b["mwh"] - 1,
                  "revenue_rel": a["revenue_usd_per_kwh_central"] / b["revenue_usd_per_kwh_central"] - 1}
    return Tracker(w, newest, prev, change, unknown, te, data_dates(daily))


@lru_cache(maxsize=None)
def tracker(scenario: str = "reference", draws: int = 2000, seed: int = 0) -> Tracker:
    """:func:`weekly_series` on the committed (or fetched) tables with the canonical energy model, memoised."""
    from tokenecon.analysis import electricity
    from tokenecon.model import pricing, serving

    def price_on(day):
        return lru_cache(maxsize=None)(pricing.price_function(on=day))

    return weekly_series(data.load("openrouter_daily_top50"), data.load("labs"), data.load("openrouter_provider_tokens_24h"),
                         data.load("openrouter_weekly_top10"), electricity.energy(scenario, draws, seed), serving.model_for_slug,
                         share.china_grid_gco2_per_kwh(data.load("grid_carbon"))[0], price_on)


def estimate_of(row: pd.Series, stem: str, unit: str, kind: str = "bounds") -> Estimate:
    """The (low, central, high) columns ``stem_low``, ``stem`` or ``stem_central``, ``stem_high`` of a weekly row."""
    central = row[f"{stem}_central"] if f"{stem}_central" in row else row[stem]
    return Estimate(float(row[f"{stem}_low"]), float(central), float(row[f"{stem}_high"]), unit, kind)
