"""Token shares: who produces OpenRouter's tokens (model, lab, bloc), how concentrated, and where they are computed.

Every function takes already-loaded tables (``tokenecon.data.load``) and returns frames or
:class:`~tokenecon.estimate.Estimate` s; nothing here reads files. Shares are fractions (0..1).

Denominators matter. ``openrouter_daily_top50`` carries an ``other`` row per day (everything outside
the day's top 50), so shares against the *platform* use every token; shares against the *top N*
use only the N largest models. The ``other`` row has no known origin: its tokens are counted in the
denominator and reported as bloc ``unknown``, so a bloc's platform share is a lower bound and the
bloc share plus the ``unknown`` share an upper bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tokenecon.data.schemas.claims import ARTICLE_WEEK
from tokenecon.estimate import Estimate
from tokenecon.units import WEEKS_PER_YEAR
from tokenecon.model import pricing
from tokenecon.data.schemas.tokens import BLOCS

#: Rankings-daily label of the aggregate row.
OTHER = "other"


# --------------------------------------------------------------------------- labs and blocs


def bloc_lookup(labs: pd.DataFrame, overrides: dict | None = None) -> pd.DataFrame:
    """``labs`` indexed by author with columns lab and bloc, after applying ``overrides`` (author -> bloc).

    Overrides reclassify an author (e.g. a stealth model revealed as Chinese: ``{"openrouter": "china"}``).
    An unknown author or bloc raises ValueError listing the known ones.
    """
    out = labs.set_index("author")[["lab", "bloc", "hq_country"]].copy()
    for author, bloc in (overrides or {}).items():
        if author not in out.index:
            raise ValueError(
                f"bloc_overrides: unknown author {author!r}; known authors: {', '.join(sorted(out.index))}"
            )
        if bloc not in BLOCS:
            raise ValueError(f"bloc_overrides[{author!r}] = {bloc!r}: expected one of {list(BLOCS)}")
        out.loc[author, "bloc"] = bloc
    return out


#: The lab name given to an author the ``labs`` table does not list yet (new labs after a fetch).
UNKNOWN_LAB = "origin not yet classified"


def labs_with_unknown(labs: pd.DataFrame, *frames: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``labs`` plus a row of bloc ``unknown`` for each author in ``frames`` it does not list (in memory only)."""
    known = set(labs["author"])
    new = sorted({a for f in frames for a in f["author"].dropna().unique()} - known)
    if not new:
        return labs, []
    extra = pd.DataFrame({c: [None] * len(new) for c in labs.columns})
    extra["author"] = new
    extra["lab"] = [f"{a} ({UNKNOWN_LAB})" for a in new]
    extra["bloc"] = "unknown"
    extra["weights"] = "unknown"
    extra["is_aggregate"] = False
    extra["source"] = "not in the labs table: counted as origin unknown"
    return pd.concat([labs, extra], ignore_index=True), new


def attach_labs(df: pd.DataFrame, labs: pd.DataFrame, overrides: dict | None = None, *, table: str = "frame") -> pd.DataFrame:
    """Add ``lab`` and ``bloc`` columns by ``author``. An author the ``labs`` table does not list (a new lab after a
    fetch) is counted as origin unknown, never guessed; :func:`labs_with_unknown` lists such authors."""
    labs, _ = labs_with_unknown(labs, df)
    lk = bloc_lookup(labs, overrides)
    out = df.copy()
    out["lab"] = out["author"].map(lk["lab"])
    out["bloc"] = out["author"].map(lk["bloc"])
    return out


def in_window(df: pd.DataFrame, date_col: str, start=None, end=None, *, table: str = "frame") -> pd.DataFrame:
    """Rows with ``start <= date_col <= end`` (inclusive; None = open). An empty result raises ValueError."""
    d = pd.to_datetime(df[date_col])
    lo = pd.Timestamp(start) if start is not None else d.min()
    hi = pd.Timestamp(end) if end is not None else d.max()
    if lo > hi:
        raise ValueError(f"{table}: start {lo.date()} is after end {hi.date()}")
    out = df[(d >= lo) & (d <= hi)]
    if out.empty:
        raise ValueError(
            f"{table}: no rows with {date_col} in {lo.date()} ... {hi.date()}; the table covers "
            f"{d.min().date()} ... {d.max().date()}"
        )
    return out.copy()


# --------------------------------------------------------------------------- shares


def shares(frame: pd.DataFrame, period: str, group: str, tokens: str = "total_tokens", *, denominator: pd.Series | None = None) -> pd.DataFrame:
    """Tokens and share of each ``group`` within each ``period``.

    ``denominator`` (indexed by period) replaces the sum of the frame's own tokens, e.g. the platform total
    when the frame holds only the top N. Returns columns period, group, tokens, denominator_tokens, share.
    """
    g = frame.groupby([period, group], observed=True)[tokens].sum().astype(float).rename("tokens").reset_index()
    den = g.groupby(period)["tokens"].sum() if denominator is None else denominator.astype(float)
    missing = sorted(set(g[period]) - set(den.index))
    if missing:
        raise ValueError(f"denominator: no total for period(s) {missing[:5]}")
    g["denominator_tokens"] = g[period].map(den)
    g["share"] = g["tokens"] / g["denominator_tokens"]
    return g


def daily_top_n(daily: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """The top ``top_n`` models of each day (rank <= top_n) from ``openrouter_daily_top50``."""
    if not 1 <= int(top_n) <= 50:
        raise ValueError(f"top_n = {top_n}: expected 1..50 (rankings-daily lists the top 50 per day)")
    return daily[(~daily["is_other"]) & (daily["rank"] <= top_n)].copy()


def weekly_from_daily(daily: pd.DataFrame, *, complete_only: bool = True) -> pd.DataFrame:
    """Aggregate rankings-daily to Monday-Sunday weeks, per model (the ``other`` row kept as a model).

    Columns: week_start, week_end, model_slug, author, is_other, total_tokens, days, week_total_tokens.
    ``complete_only`` keeps only weeks with all 7 days present. A model's weekly sum counts only the days
    it was in the daily top 50 (on other days its tokens sit in ``other``), so weekly per-model sums are
    lower bounds for models near rank 50 and exact for the platform total.
    """
    d = daily.copy()
    d["week_start"] = d["date"] - pd.to_timedelta(d["date"].dt.day_of_week, unit="D")
    days = d.groupby("week_start")["date"].nunique()
    w = (
        d.groupby(["week_start", "model_slug", "author", "is_other"], observed=True)["total_tokens"]
        .sum()
        .astype("int64")
        .reset_index()
    )
    w["days"] = w["week_start"].map(days).astype(int)
    if complete_only:
        w = w[w["days"] == 7]
        if w.empty:
            raise ValueError("weekly_from_daily: no complete Monday-Sunday week in the window (widen start/end)")
    w["week_end"] = w["week_start"] + pd.Timedelta(days=6)
    w["week_total_tokens"] = w.groupby("week_start")["total_tokens"].transform("sum")
    w = w.sort_values(["week_start", "total_tokens"], ascending=[True, False])
    w["rank"] = np.nan
    w.loc[~w["is_other"], "rank"] = w[~w["is_other"]].groupby("week_start")["total_tokens"].rank(ascending=False, method="first")
    cols = ["week_start", "week_end", "model_slug", "author", "is_other", "rank", "total_tokens", "days", "week_total_tokens"]
    return w[cols].reset_index(drop=True)


def bloc_shares_weekly(weekly: pd.DataFrame, labs: pd.DataFrame, overrides: dict | None = None, *, top_n: int | None = None) -> pd.DataFrame:
    """Bloc shares per week from :func:`weekly_from_daily` output.

    ``top_n=None``: against the whole platform (``other`` row counted as bloc unknown). Otherwise against the
    week's top ``top_n`` models. Wide frame: one row per week, one column per bloc (shares sum to 1).
    """
    w = attach_labs(weekly, labs, overrides, table="weekly tokens")
    if top_n is not None:
        w = w[(~w["is_other"]) & (w["rank"] <= top_n)]
    s = shares(w, "week_start", "bloc")
    return s.pivot(index="week_start", columns="bloc", values="share").fillna(0.0)


def china_share_bounds(platform_bloc_share: pd.DataFrame) -> pd.DataFrame:
    """Chinese platform share: low = known Chinese tokens / platform; high = low + the share of unknown origin."""
    low = platform_bloc_share.get("china", 0.0)
    unk = platform_bloc_share.get("unknown", 0.0)
    return pd.DataFrame({"low": low, "high": low + unk})


# --------------------------------------------------------------------------- concentration and ranks


def hhi(share: pd.Series | np.ndarray) -> float:
    """Herfindahl-Hirschman index on shares (0..1): sum of squares; 1 = monopoly. Shares must sum to <= 1."""
    s = np.asarray(share, dtype=float)
    if (s < 0).any() or s.sum() > 1 + 1e-9:
        raise ValueError(f"hhi: shares must be >= 0 and sum to <= 1 (got sum {s.sum():.6f})")
    return float((s**2).sum())


def concentration_weekly(weekly: pd.DataFrame, labs: pd.DataFrame, *, level: str = "model", overrides: dict | None = None) -> pd.DataFrame:
    """Weekly HHI of the whole platform at ``level`` 'model' or 'lab', with bounds for the ``other`` row.

    ``other`` is an aggregate of many small models: counting it as one entity gives an upper bound, dropping
    its square (as if infinitely fragmented) a lower bound; the two differ by ``other``'s squared share.
    """
    if level not in ("model", "lab"):
        raise ValueError(f"level = {level!r}: expected 'model' or 'lab'")
    w = attach_labs(weekly, labs, overrides, table="weekly tokens")
    key = "model_slug" if level == "model" else "lab"
    rows = []
    for wk, g in w.groupby("week_start"):
        tot = g["total_tokens"].sum()
        named = g[~g["is_other"]].groupby(key)["total_tokens"].sum() / tot
        other = g.loc[g["is_other"], "total_tokens"].sum() / tot
        low = hhi(named)
        rows.append({"week_start": wk, "hhi_low": low, "hhi_high": low + other**2, "other_share": other,
                     "top1_share": float(named.max())})
    return pd.DataFrame(rows)


def rank_changes(ranked: pd.DataFrame, period: str, item: str, rank: str = "rank") -> pd.DataFrame:
    """Rank of each item per period and its change from the previous period (positive = moved up).

    ``entered`` marks items absent from the previous period's list.
    """
    r = ranked[[period, item, rank]].dropna(subset=[rank]).sort_values([period, rank]).copy()
    periods = sorted(r[period].unique())
    prev_of = dict(zip(periods[1:], periods[:-1]))
    prev = r.rename(columns={period: "_next", rank: "prev_rank"})
    prev["_next"] = prev["_next"].map({p: n for n, p in prev_of.items()})
    out = r.merge(prev.dropna(subset=["_next"]), left_on=[period, item], right_on=["_next", item], how="left").drop(columns="_next")
    out["rank_change"] = out["prev_rank"] - out[rank]
    out["entered"] = out["prev_rank"].isna() & out[period].ne(periods[0])
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- the article's week


@dataclass(frozen=True)
class ArticleWeek:
    week_start: pd.Timestamp
    week_end: pd.Timestamp
    top10_tokens: int
    china_tokens: int
    china_share: float
    m25_tokens: int
    m25_rank: int
    top3: tuple[tuple[str, str], ...]  # (model name, bloc)
    top3_all_china: bool
    table: pd.DataFrame


def article_week(weekly_top10: pd.DataFrame, labs: pd.DataFrame, week_start=ARTICLE_WEEK, *, model_prefix: str = "minimax/minimax-m2.5",
                 overrides: dict | None = None) -> ArticleWeek:
    """Recompute the article's figures (top-10 total, Chinese total and share, M2.5 tokens and rank) for one week."""
    wk = pd.Timestamp(week_start)
    w = weekly_top10[weekly_top10["week_start"] == wk]
    if w.empty:
        weeks = ", ".join(str(d.date()) for d in sorted(weekly_top10["week_start"].unique()))
        raise ValueError(f"week_start {wk.date()}: not in openrouter_weekly_top10; weeks available: {weeks}")
    w = attach_labs(w, labs, overrides, table="openrouter_weekly_top10").sort_values("rank")
    top = w[w["rank"] <= 10]
    m = top[top["model_slug"].str.startswith(model_prefix + "-") | (top["model_slug"] == model_prefix)]
    if len(m) != 1:
        raise ValueError(f"model_prefix {model_prefix!r}: expected one model in week {wk.date()}, found {list(m['model_slug'])}")
    total = int(top["total_tokens"].sum())
    china = int(top.loc[top["bloc"] == "china", "total_tokens"].sum())
    top3 = tuple((r.model_name, r.bloc) for r in top.head(3).itertuples())
    return ArticleWeek(
        week_start=wk,
        week_end=pd.Timestamp(top["week_end"].iloc[0]),
        top10_tokens=total,
        china_tokens=china,
        china_share=china / total,
        m25_tokens=int(m["total_tokens"].iloc[0]),
        m25_rank=int(m["rank"].iloc[0]),
        top3=top3,
        top3_all_china=all(b == "china" for _, b in top3),
        table=top[["rank", "model_name", "author", "lab", "bloc", "total_tokens"]].reset_index(drop=True),
    )


def find_claim(claims: pd.DataFrame, contains: str) -> pd.Series:
    """The single ``article_claims`` row whose quote contains ``contains`` (case-insensitive)."""
    hit = claims[claims["quote"].str.contains(contains, case=False, regex=False)]
    if len(hit) != 1:
        raise ValueError(f"article_claims: expected one claim quoting {contains!r}, found {list(hit['claim_id'])}")
    return hit.iloc[0]


# --------------------------------------------------------------------------- place of inference

# The place-of-inference rule, its readings and the share computed in China live in analysis/place.py;
# re-exported here so existing callers (share.china_computed_share, ...) keep working.
from tokenecon.analysis.place import (  # noqa: E402,F401
    LOCATION_CLASSES,
    PLACE_RULE,
    InferencePlace,
    china_computed_share,
    china_located_kwh_per_mtok,
    provider_location,
)


# --------------------------------------------------------------------------- energy and carbon


def phase_split(weekly_top10: pd.DataFrame, labs: pd.DataFrame, *, bloc: str = "china", last_weeks: int = 8,
                overrides: dict | None = None) -> dict[str, float]:
    """Token-weighted split of a bloc's tokens into 'cached_input', 'input' (uncached prompt) and 'output'.

    From the weekly table's model-page analytics (prompt includes cached; completion includes reasoning),
    over the last ``last_weeks`` snapshots with a split. Fractions sum to 1.
    """
    w = attach_labs(weekly_top10, labs, overrides, table="openrouter_weekly_top10")
    w = w[(w["bloc"] == bloc) & w["prompt_tokens"].notna()]
    if w.empty:
        raise ValueError(f"phase_split: no rows of bloc {bloc!r} with a prompt/completion split")
    weeks = sorted(w["week_start"].unique())[-last_weeks:]
    w = w[w["week_start"].isin(weeks)]
    cached = float(w["cached_tokens"].sum())
    prompt = float(w["prompt_tokens"].sum())
    completion = float(w["completion_tokens"].sum())
    tot = prompt + completion
    return {"cached_input": cached / tot, "input": (prompt - cached) / tot, "output": completion / tot}


def blended_price_usd_per_mtok(model: str, split: dict[str, float], price) -> float | None:
    """List price of one model's token mix: :func:`tokenecon.model.pricing.blended_usd_per_mtok`."""
    return pricing.blended_usd_per_mtok(model, split, price)


def mix_kwh_per_mtok(model_tokens: pd.Series, split: dict[str, float], energy, slug_to_model, price=None) -> tuple[Estimate, float, pd.DataFrame]:
    """Token-weighted facility energy (kWh per million tokens) of a model mix.

    ``model_tokens``: tokens by OpenRouter slug. ``energy(model, phase) -> Estimate`` (kWh per M tokens),
    ``slug_to_model(slug) -> model key or None``. Models the energy model does not know are left out of the
    weights (the mix is applied to them centrally, and the lightest/heaviest covered model in the bounds); the
    coverage (0..1 of tokens) is returned. Bounds add the per-model 5th/95th percentiles, which is exact when the models' Monte Carlo draws share their parameters
    (comonotone) and conservative otherwise. With ``price(model, phase)`` the table also carries each model's
    blended list price (``usd_per_mtok``, see :func:`blended_price_usd_per_mtok`) for :func:`revenue_usd_per_kwh`.
    """
    rows = []
    for slug, tokens in model_tokens.items():
        model = slug_to_model(slug)
        if model is None:
            rows.append({"model_slug": slug, "model": None, "tokens": float(tokens)})
            continue
        lo = ce = hi = 0.0
        try:
            for phase, f in split.items():
                e = energy(model, phase)
                lo, ce, hi = lo + f * e.low, ce + f * e.central, hi + f * e.high
        except ValueError as exc:  # the energy model knows the name but cannot evaluate it (e.g. no parameter count)
            rows.append({"model_slug": slug, "model": None, "tokens": float(tokens), "note": f"{model}: {exc}"})
            continue
        row = {"model_slug": slug, "model": model, "tokens": float(tokens), "kwh_per_mtok_low": lo,
               "kwh_per_mtok": ce, "kwh_per_mtok_high": hi}
        if price is not None:
            bp = blended_price_usd_per_mtok(model, split, price)
            row["usd_per_mtok"] = np.nan if bp is None else bp
        rows.append(row)
    t = pd.DataFrame(rows)
    known = t[t["model"].notna()] if "model" in t else t.iloc[0:0]
    if known.empty:
        raise ValueError("mix_kwh_per_mtok: none of the models is known to the energy model")
    wts = known["tokens"] / known["tokens"].sum()
    coverage = float(known["tokens"].sum() / t["tokens"].sum())
    # Uncovered tokens get the covered mix centrally; for the bounds they get the lowest low and the highest
    # high of any covered model, so the interval also spans "unknown models are like the lightest/heaviest known one".
    low = coverage * float((wts * known["kwh_per_mtok_low"]).sum()) + (1 - coverage) * float(known["kwh_per_mtok_low"].min())
    high = coverage * float((wts * known["kwh_per_mtok_high"]).sum()) + (1 - coverage) * float(known["kwh_per_mtok_high"].max())
    est = Estimate(low, float((wts * known["kwh_per_mtok"]).sum()), high, "kWh per million tokens")
    return est, coverage, t


def revenue_usd_per_kwh(mix_table: pd.DataFrame) -> tuple[Estimate, pd.DataFrame]:
    """List-price revenue per kWh of serving electricity for a token mix (the package's one definition).

    Revenue per kWh = sum(tokens x blended list price) / sum(tokens x blended kWh per M tokens), over the models
    of ``mix_table`` (from :func:`mix_kwh_per_mtok` with ``price``) that have both an energy estimate and a list
    price. "Blended" means the real mix of uncached input, cached input and output tokens, so this is revenue per
    kWh of all serving, not of output tokens alone. Bounds: at the high and the low energy. Returns the estimate
    and the per-model rows (``revenue_usd_per_kwh`` with ``_low``/``_high``, ``token_share`` among the rows used).
    """
    if "usd_per_mtok" not in mix_table:
        raise ValueError("mix_table: no usd_per_mtok column; call mix_kwh_per_mtok(..., price=...)")
    t = mix_table.dropna(subset=["kwh_per_mtok", "usd_per_mtok"]).copy()
    if t.empty:
        raise ValueError("revenue_usd_per_kwh: no model in the mix has both an energy estimate and a list price")
    t["revenue_usd_per_kwh_low"] = t["usd_per_mtok"] / t["kwh_per_mtok_high"]
    t["revenue_usd_per_kwh"] = t["usd_per_mtok"] / t["kwh_per_mtok"]
    t["revenue_usd_per_kwh_high"] = t["usd_per_mtok"] / t["kwh_per_mtok_low"]
    t["token_share"] = t["tokens"] / t["tokens"].sum()
    usd = float((t["tokens"] * t["usd_per_mtok"]).sum())
    est = Estimate(usd / float((t["tokens"] * t["kwh_per_mtok_high"]).sum()), usd / float((t["tokens"] * t["kwh_per_mtok"]).sum()),
                   usd / float((t["tokens"] * t["kwh_per_mtok_low"]).sum()), "USD per kWh")
    return est, t.reset_index(drop=True)


def exported_energy(tokens_per_week: Estimate, kwh_per_mtok: Estimate, gco2_per_kwh: float) -> dict[str, Estimate]:
    """Electricity (MWh/week) and emissions (tCO2/week) of ``tokens_per_week`` at ``kwh_per_mtok``.

    Bounds multiply bounds (low x low, high x high): an outer envelope of the two uncertainties.
    """
    if gco2_per_kwh <= 0:
        raise ValueError(f"gco2_per_kwh = {gco2_per_kwh}: expected a positive grid intensity")
    mwh = Estimate(tokens_per_week.low / 1e6 * kwh_per_mtok.low / 1e3, tokens_per_week.central / 1e6 * kwh_per_mtok.central / 1e3,
                   tokens_per_week.high / 1e6 * kwh_per_mtok.high / 1e3, "MWh per week")
    tco2 = mwh.scale(gco2_per_kwh / 1e3, "tCO2 per week")  # 1 MWh x 1 g/kWh = 1e3 g = 1e-3 t
    return {"mwh_per_week": mwh, "tco2_per_week": tco2}



# --------------------------------------------------------------------------- the electricity behind Chinese-model tokens

#: Scopes of :func:`chinese_token_electricity`.
SCOPES = {
    "computed_in_china": "Chinese-model tokens computed in China (only these burn Chinese electricity)",
    "all_chinese_models": "all Chinese-model tokens wherever computed (the article's picture; an upper bound on China's share)",
}


def platform_china_share(platform_bloc_share: pd.DataFrame, week=None) -> Estimate:
    """Chinese share of all tokens in one week (default: the last) of :func:`bloc_shares_weekly` output.

    low = known Chinese models; high = plus the ``other`` row of unknown origin; central = half-way (half of
    the long tail read as Chinese). The one definition used by every report.
    """
    b = china_share_bounds(platform_bloc_share)
    wk = b.index.max() if week is None else pd.Timestamp(week)
    if wk not in b.index:
        raise ValueError(f"week {wk.date()}: not among the weekly shares ({b.index.min().date()} ... {b.index.max().date()})")
    lo, hi = float(b.loc[wk, "low"]), float(b.loc[wk, "high"])
    return Estimate(lo, (lo + hi) / 2, hi, "fraction")


def china_grid_gco2_per_kwh(grid: pd.DataFrame) -> tuple[float, str]:
    """China's grid carbon intensity (gCO2/kWh) and a label: the central value of the package's one definition,
    :func:`tokenecon.model.serving.grid_carbon_intensity` (each dataset's latest year in ``grid_carbon``, their
    mean), so the token-share CO2 and the cost report's carbon per token use the same grid."""
    from tokenecon.model import serving

    g = grid[grid["country"] == "CN"]
    if g.empty:
        raise ValueError("grid_carbon: no row for country 'CN'")
    latest = g.sort_values("year").groupby("dataset").tail(1)
    label = " and ".join(f"{r.dataset} {r.year}" for r in latest.sort_values("dataset").itertuples())
    return float(serving.grid_carbon_intensity("CN").central), f"mean of {label}"


def serving_energy(scenario: str = "reference", *, country: str = "CN", draws: int = 2000, seed: int = 0):
    """``energy(model, phase) -> Estimate`` from :func:`tokenecon.model.serving.energy_kwh_per_mtok`, memoised."""
    import functools

    from tokenecon.model import serving

    if scenario not in serving.SCENARIOS:
        raise ValueError(f"scenario = {scenario!r}: expected one of {sorted(serving.SCENARIOS)}")

    @functools.lru_cache(maxsize=None)
    def energy(model, phase):
        return serving.energy_kwh_per_mtok(model, phase=phase, scenario=scenario, country=country, draws=draws, seed=seed)

    return energy


@dataclass(frozen=True)
class TokenElectricity:
    """Electricity behind Chinese-model tokens in one week (``week_start``), in one :data:`SCOPES` scope."""

    scope: str
    week_start: pd.Timestamp
    tokens_per_week: Estimate
    kwh_per_mtok: Estimate
    mwh_per_week: Estimate
    tco2_per_week: Estimate
    twh_per_year: Estimate
    gco2_per_kwh: float
    coverage: float                 # share of the Chinese-model tokens the energy model covers
    split: dict                     # phase mix (cached_input / input / output fractions)
    place: InferencePlace
    weekly: pd.DataFrame            # every week of the input: tokens, MWh and tCO2 with bounds
    mix: pd.DataFrame               # per-model energy (and list price) of the reference week's Chinese models
    basis: pd.DataFrame | None      # per-provider energy basis (scope computed_in_china)


def chinese_token_electricity(weekly: pd.DataFrame, labs: pd.DataFrame, providers: pd.DataFrame, weekly_top10: pd.DataFrame,
                              energy, slug_to_model, gco2_per_kwh: float, *, scope: str = "computed_in_china",
                              overrides: dict | None = None, week=None) -> TokenElectricity:
    """Electricity (MWh/week, TWh/yr) and CO2 behind OpenRouter's Chinese-model tokens: the package's one implementation.

    ``weekly``: :func:`weekly_from_daily` output (the reference week is its last, or ``week``). Tokens of a week:
    its Chinese-model tokens, low = known Chinese models, high = plus the ``other`` row, central = half-way.
    ``scope="all_chinese_models"`` counts them all at the energy of their model mix (:func:`mix_kwh_per_mtok`,
    weighted by the reference week's tokens); ``scope="computed_in_china"`` multiplies them by the share computed in
    China (:func:`china_computed_share`, from the provider day and the reference week's platform share, low x low,
    high x high) and uses the energy of the providers computing in China (:func:`china_located_kwh_per_mtok`: a lab's
    own endpoint gets its lab's mix, domestic clouds the all-Chinese mix). Phase mix: :func:`phase_split`.
    ``energy(model, phase)`` and ``slug_to_model(slug)`` come from :mod:`tokenecon.model.serving` (see :func:`serving_energy`).
    """
    if scope not in SCOPES:
        raise ValueError(f"scope = {scope!r}: expected one of {list(SCOPES)}")
    if not gco2_per_kwh > 0:
        raise ValueError(f"gco2_per_kwh = {gco2_per_kwh}: expected a positive grid intensity")
    w = attach_labs(weekly, labs, overrides, table="weekly tokens")
    wk = w["week_start"].max() if week is None else pd.Timestamp(week)
    if wk not in set(w["week_start"]):
        raise ValueError(f"week {wk.date()}: not a complete week of the weekly tokens")
    plat = bloc_shares_weekly(weekly, labs, overrides)
    place = china_computed_share(providers, labs, platform_china_share(plat, wk))
    split = phase_split(weekly_top10, labs, overrides=overrides)
    named = w[(~w["is_other"]) & (w["bloc"] == "china")]
    ref = named[named["week_start"] == wk].groupby("model_slug")["total_tokens"].sum()
    all_mix, coverage, mix = mix_kwh_per_mtok(ref, split, energy, slug_to_model)
    basis = None
    if scope == "computed_in_china":
        author_kwh = {}
        for author, g in named[named["week_start"] == wk].groupby("author"):
            t = g.groupby("model_slug")["total_tokens"].sum()
            if any(slug_to_model(m) for m in t.index):
                try:
                    author_kwh[author] = mix_kwh_per_mtok(t, split, energy, slug_to_model)[0]
                except ValueError:  # none of the lab's models can be evaluated: it gets the all-Chinese mix
                    pass
        kwh, basis = china_located_kwh_per_mtok(place, author_kwh, all_mix)
        s = place.china_computed_share
        factor = (s.low, s.central, s.high)
    else:
        kwh, factor = all_mix, (1.0, 1.0, 1.0)
    by = w.groupby(["week_start", "bloc"])["total_tokens"].sum().unstack(fill_value=0)
    cn_low = by["china"].astype(float) if "china" in by else pd.Series(0.0, index=by.index)
    cn_high = cn_low + (by["unknown"].astype(float) if "unknown" in by else 0.0)
    rows = []
    for d in by.index:
        tok = Estimate(cn_low[d] * factor[0], (cn_low[d] + cn_high[d]) / 2 * factor[1], cn_high[d] * factor[2], "tokens per week")
        e = exported_energy(tok, kwh, gco2_per_kwh)
        rows.append({"week_start": d, "tokens_low": tok.low, "tokens": tok.central, "tokens_high": tok.high,
                     **{f"mwh{k}": v for k, v in zip(("_low", "", "_high"), (e["mwh_per_week"].low, e["mwh_per_week"].central, e["mwh_per_week"].high))},
                     **{f"tco2{k}": v for k, v in zip(("_low", "", "_high"), (e["tco2_per_week"].low, e["tco2_per_week"].central, e["tco2_per_week"].high))}})
    table = pd.DataFrame(rows).set_index("week_start")
    r = table.loc[wk]
    tokens = Estimate(r["tokens_low"], r["tokens"], r["tokens_high"], "tokens per week")
    mwh = Estimate(r["mwh_low"], r["mwh"], r["mwh_high"], "MWh per week")
    tco2 = Estimate(r["tco2_low"], r["tco2"], r["tco2_high"], "tCO2 per week")
    return TokenElectricity(scope, wk, tokens, kwh, mwh, tco2, mwh.scale(WEEKS_PER_YEAR / 1e6, "TWh per year"), gco2_per_kwh,
                            coverage, split, place, table, mix, basis)




def chinese_token_revenue_per_kwh(weekly_top10: pd.DataFrame, labs: pd.DataFrame, energy, slug_to_model, price, *,
                                  week=ARTICLE_WEEK, overrides: dict | None = None) -> tuple[Estimate, pd.DataFrame]:
    """List-price revenue per kWh of serving the Chinese-model tokens of one week: the package's one definition.

    The Chinese models in the week's top ten (``openrouter_weekly_top10``), weighted by their tokens, each at the real
    phase mix of :func:`phase_split` (cached input, uncached input, output) priced at its list prices and metered at
    its facility energy; models without an energy estimate or a list price are left out
    (``priced_share_of_chinese_tokens`` says how much that leaves). Default week: the article's, when its models
    (MiniMax M2.5, Kimi K2.5, GLM-5, DeepSeek V3.2) led and all are in the ``models`` table with prices.
    """
    wk = pd.Timestamp(week)
    w = weekly_top10[weekly_top10["week_start"] == wk]
    if w.empty:
        weeks = ", ".join(str(d.date()) for d in sorted(weekly_top10["week_start"].unique()))
        raise ValueError(f"week {wk.date()}: not in openrouter_weekly_top10; weeks available: {weeks}")
    w = attach_labs(w, labs, overrides, table="openrouter_weekly_top10")
    sel = w[w["bloc"] == "china"]
    if sel.empty:
        raise ValueError(f"week {wk.date()}: no Chinese model in that week's top ten")
    split = phase_split(weekly_top10, labs, overrides=overrides)
    tokens = sel.groupby("model_slug")["total_tokens"].sum()
    _, _, mix = mix_kwh_per_mtok(tokens, split, energy, slug_to_model, price=price)
    est, table = revenue_usd_per_kwh(mix)
    table["priced_share_of_chinese_tokens"] = table["tokens"].sum() / float(tokens.sum())
    return est, table
