"""How token demand answers price: a model x week panel, three estimators, and the scenarios.

The panel (:func:`build_weekly_panel`) joins the OpenRouter weekly top-10 (tokens and each model's
own prompt / completion / cached split) to the dated list-price events (``model_price_events``) and
the model attributes (quality, launch date, open weights) and the labs' bloc. Its price is an
*effective* price: the USD per million tokens the model's own mix of uncached input, cached input
and output would cost at list prices (:func:`blended_usd_per_mtok`).

Estimators (all ``statsmodels`` OLS on ``log tokens``; every one returns an :class:`ElasticityResult`
with the elasticity, its 95 % interval, n and what identifies it):

1. :func:`naive_cross_section` — pooled log-log regression across models. Dearer models are also
   better, and better models are used more, so the slope is biased upward (towards zero or positive).
2. :func:`fixed_effects` — model and week fixed effects: only *within-model* price changes identify
   the slope; standard errors clustered by model (t with G-1 degrees of freedom).
3. :func:`event_study` — each within-model price change is an event; the change in the model's log
   share of panel tokens from the weeks before to the weeks after, against the change in log price.

When the data hold too few within-model price changes to identify a slope, the result says so
(``identified=False``, ``elasticity`` NaN) and carries the counts; the coefficient that was computed
anyway is kept in ``raw_*`` fields for diagnostics only.

Scenarios: :func:`price_gap_shift` (token and spend shares that a price ratio implies under a
constant elasticity, for two models of equal quality) and :func:`workload_bill` (a fixed workload
moved between two models at list prices, and how much of the saving a change in tokens used eats).
"""

from __future__ import annotations

from tokenecon.units import is_set
from tokenecon.model.pricing import listing_on
from tokenecon.model.pricing import mix_usd_per_mtok as blended_usd_per_mtok  # noqa: F401  (one formula)

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

#: A within-model move of the effective price counts as a "price change" if |d log p| >= this
#: (0.05 = about 5 %); smaller moves are rounding and provider-routing noise in the list prices.
PRICE_CHANGE_LOG_THRESHOLD = 0.05
#: Minimum evidence before a within-model elasticity is reported as identified: at least this many
#: price changes, in at least this many models, over at least this many weeks. The slope's standard
#: error is clustered by model, and cluster-robust t intervals under-cover badly when few clusters
#: carry the identifying variation (MacKinnon & Webb 2017, "Wild bootstrap inference for wildly
#: different cluster sizes", J. Applied Econometrics 32(2)); :func:`simulated_coverage` measures it
#: for a panel shaped like the real one, and the report shows that number beside this rule.
MIN_PRICE_CHANGES = 10
MIN_MODELS_WITH_CHANGES = 10
MIN_PERIODS = 8
#: Event study: weeks before / after a price change compared, and minimum number of usable events.
EVENT_WINDOW = 2
MIN_EVENTS = 6
#: Launch-phase buckets (days since launch) used as controls: adoption stabilises within weeks of a
#: launch (Fradkin 2025, arXiv 2504.15440), which would otherwise load on any early price change.
LAUNCH_BUCKETS_DAYS = (0, 14, 28, 56)

PANEL_COLUMNS = ("model", "period", "tokens", "price_usd_per_mtok")
MIX_KEYS = ("input", "output", "cached")


class PanelError(ValueError):
    """A panel or input that the estimators cannot use; the message names the column and rows."""


# --------------------------------------------------------------------------- prices

def mix_from_tokens(prompt_tokens: float, completion_tokens: float, cached_tokens: float) -> dict:
    """Shares of uncached input, output and cached input in a token total (they sum to 1)."""
    total = prompt_tokens + completion_tokens
    if not (total > 0) or cached_tokens > prompt_tokens or min(prompt_tokens, completion_tokens, cached_tokens) < 0:
        raise ValueError("mix_from_tokens: need prompt, completion, cached >= 0, cached <= prompt, total > 0")
    return {"input": (prompt_tokens - cached_tokens) / total, "output": completion_tokens / total,
            "cached": cached_tokens / total}


def check_mix(mix: dict) -> dict:
    """Validate a workload mix {'input', 'output', 'cached'} of shares summing to 1."""
    if not isinstance(mix, dict) or set(mix) != set(MIX_KEYS):
        raise ValueError(f"workload mix must be a dict with exactly the keys {list(MIX_KEYS)}, got {mix!r}")
    vals = {k: float(mix[k]) for k in MIX_KEYS}
    if any(not math.isfinite(v) or v < 0 for v in vals.values()):
        raise ValueError(f"workload mix shares must be finite and >= 0, got {mix!r}")
    if abs(sum(vals.values()) - 1) > 1e-6:
        raise ValueError(f"workload mix shares must sum to 1, got {sum(vals.values()):.6f} from {mix!r}")
    return vals


def mix_cost_usd_per_mtok(mix: dict, input_usd_per_mtok: float, output_usd_per_mtok: float,
                          cache_read_usd_per_mtok: float) -> float:
    """USD per million tokens of a workload mix at the given list prices (NaN cache price = input price)."""
    m = check_mix(mix)
    ck = cache_read_usd_per_mtok if cache_read_usd_per_mtok is not None and math.isfinite(cache_read_usd_per_mtok) \
        else input_usd_per_mtok
    for name, v in (("input_usd_per_mtok", input_usd_per_mtok), ("output_usd_per_mtok", output_usd_per_mtok),
                    ("cache_read_usd_per_mtok", ck)):
        if not (math.isfinite(v) and v >= 0):
            raise ValueError(f"mix_cost_usd_per_mtok: {name} must be finite and >= 0, got {v!r}")
    return m["input"] * input_usd_per_mtok + m["output"] * output_usd_per_mtok + m["cached"] * ck


# --------------------------------------------------------------------------- panel

def build_weekly_panel(weekly: pd.DataFrame, events: pd.DataFrame, attributes: pd.DataFrame,
                       labs: pd.DataFrame | None = None, *, start: str | None = None, end: str | None = None,
                       min_tokens: float = 0.0, drop_catalogue_fixes: bool = True, mix: str = "window"):
    """Model x week panel from the weekly top-10 table. Returns ``(panel, dropped)``.

    ``dropped`` counts the model-weeks removed and why (free variants, no token split, below
    ``min_tokens``, outside the window, no price). Prices come from ``events`` as of each week's
    snapshot date (OpenRouter list feed first); a missing cache-read price is carried from the
    model's nearest listed one (``cache_price_imputed``), else charged at the input price. Weeks
    without the token split take the model's token-weighted mean mix from its other weeks
    (``mix_imputed``). ``mix="window"`` (default) weights list prices by each model's own mix summed
    over its weeks in the panel, held fixed; ``mix="weekly"`` uses each week's own mix (then the
    price moves with the mix, not only with list prices). ``period`` is the first day of the week the
    tokens cover.
    """
    need = ["week_start", "snapshot_date", "model_slug", "author", "total_tokens", "prompt_tokens",
            "completion_tokens", "cached_tokens", "requests", "is_free"]
    missing = [c for c in need if c not in weekly.columns]
    if missing:
        raise PanelError(f"weekly table: missing column(s) {missing}")
    from tokenecon.data.lookup import model_base

    w = weekly.copy()
    dropped: dict[str, int] = {}
    w["period"] = pd.to_datetime(w["week_start"])
    if start is not None or end is not None:
        lo = pd.Timestamp(start) if start else w["period"].min()
        hi = pd.Timestamp(end) if end else w["period"].max()
        if lo > hi:
            raise PanelError(f"window: start {start!r} is after end {end!r}")
        keep = w["period"].between(lo, hi)
        dropped["outside window"] = int((~keep).sum())
        w = w[keep]
    free = w["is_free"].astype(bool) | w["model_slug"].str.contains(":")
    dropped["free variant (price 0)"] = int(free.sum())
    w = w[~free].copy()
    w["model"] = w["model_slug"].map(model_base)
    for c in ("prompt_tokens", "completion_tokens", "cached_tokens", "requests", "total_tokens"):
        w[c] = pd.to_numeric(w[c], errors="coerce").astype(float)
    # Token split: own week, else the model's token-weighted mean shares from its other weeks.
    have = w[["prompt_tokens", "completion_tokens", "cached_tokens"]].notna().all(axis=1) & \
        ((w["prompt_tokens"].fillna(0) + w["completion_tokens"].fillna(0)) > 0)
    w["mix_imputed"] = ~have
    sums = w[have].groupby("model")[["prompt_tokens", "completion_tokens", "cached_tokens"]].sum()
    for i in w.index[~have]:
        m = w.at[i, "model"]
        if m in sums.index:
            s = sums.loc[m]
            scale = w.at[i, "total_tokens"] / (s["prompt_tokens"] + s["completion_tokens"])
            for c in ("prompt_tokens", "completion_tokens", "cached_tokens"):
                w.at[i, c] = s[c] * scale
    no_mix = w["prompt_tokens"].isna()
    dropped["no token split for the model"] = int(no_mix.sum())
    w = w[~no_mix].copy()
    # Prices as of the snapshot date.
    prices = {i: listing_on(r["model"], r["snapshot_date"], drop_catalogue_fixes=drop_catalogue_fixes, events=events)
              for i, r in w.iterrows()}
    has_price = w.index.map(lambda i: prices[i] is not None).to_numpy(bool)
    dropped["no list price on or before the snapshot"] = int((~has_price).sum())
    w = w[has_price].copy()
    for c in ("input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok"):
        w[c] = [float(prices[i][c]) if pd.notna(prices[i][c]) else np.nan for i in w.index]
    w["price_feed"] = [prices[i]["feed"] for i in w.index]
    w["price_event_date"] = [prices[i]["date"] for i in w.index]
    w = w.sort_values(["model", "period"])
    w["cache_price_imputed"] = w["cache_read_usd_per_mtok"].isna()
    w["cache_read_usd_per_mtok"] = w.groupby("model")["cache_read_usd_per_mtok"].transform(lambda s: s.ffill().bfill())
    # The mix that weights the list prices: by default each model's own token-weighted mix over the
    # window, held fixed, so that the effective price moves only when list prices move (a week's own
    # mix would make the price move with the tokens themselves, which is not a price change).
    if mix not in ("window", "weekly"):
        raise ValueError(f"build_weekly_panel: mix must be 'window' or 'weekly', got {mix!r}")
    split = w[["prompt_tokens", "completion_tokens", "cached_tokens"]]
    if mix == "window":
        split = w.groupby("model")[["prompt_tokens", "completion_tokens", "cached_tokens"]].transform("sum")
    tot = split["prompt_tokens"] + split["completion_tokens"]
    w["mix_input_share"] = (split["prompt_tokens"] - split["cached_tokens"]) / tot
    w["mix_output_share"] = split["completion_tokens"] / tot
    w["mix_cached_share"] = split["cached_tokens"] / tot
    w["price_usd_per_mtok"] = blended_usd_per_mtok(
        split["prompt_tokens"], split["completion_tokens"], split["cached_tokens"], w["input_usd_per_mtok"],
        w["output_usd_per_mtok"], w["cache_read_usd_per_mtok"])
    w["tokens"] = w["total_tokens"].astype(float)
    low = w["tokens"] < min_tokens
    dropped["below min_tokens"] = int(low.sum())
    w = w[~low]
    # Attributes and bloc.
    attr = attributes.set_index("model_base")
    w["quality"] = w["model"].map(attr["intelligence_index"])
    launch = w["model"].map(attr["launch_date"])
    w["days_since_launch"] = (w["period"] - pd.to_datetime(launch)).dt.days.clip(lower=0)
    w["open_weights"] = w["model"].map(attr["open_weights"])
    own = w["model"].map(attr["bloc"]).astype(object)
    if labs is not None:
        lab_bloc = w["author"].map(labs.set_index("author")["bloc"]).astype(object)
        own = lab_bloc.where(lab_bloc.notna(), own)
    w["bloc"] = own.where(own.notna(), "other").replace({"unknown": "other"})
    cols = ["model", "model_slug", "author", "bloc", "period", "snapshot_date", "tokens", "prompt_tokens",
            "completion_tokens", "cached_tokens", "requests", "mix_imputed", "input_usd_per_mtok",
            "output_usd_per_mtok", "cache_read_usd_per_mtok", "cache_price_imputed", "price_feed",
            "mix_input_share", "mix_output_share", "mix_cached_share",
            "price_event_date", "price_usd_per_mtok", "quality", "days_since_launch", "open_weights"]
    panel = w[cols].sort_values(["period", "model"]).reset_index(drop=True)
    return panel, {k: v for k, v in dropped.items() if v}


def validate_panel(panel: pd.DataFrame, where: str = "panel") -> pd.DataFrame:
    """Refuse an empty panel, missing columns, or non-positive / non-finite tokens or prices."""
    if not isinstance(panel, pd.DataFrame):
        raise PanelError(f"{where}: expected a pandas DataFrame, got {type(panel).__name__}")
    missing = [c for c in PANEL_COLUMNS if c not in panel.columns]
    if missing:
        raise PanelError(f"{where}: missing column(s) {missing}; a panel needs {list(PANEL_COLUMNS)}")
    if panel.empty:
        raise PanelError(f"{where}: the panel is empty (no model-periods left; widen the window or lower min_tokens)")
    for col in ("tokens", "price_usd_per_mtok"):
        v = pd.to_numeric(panel[col], errors="coerce")
        bad = ~np.isfinite(v) | (v <= 0)
        if bad.any():
            rows = panel.loc[bad, ["model", "period", col]].head(5).to_dict("records")
            raise PanelError(f"{where}: column {col!r} must be finite and > 0 (log-log model); "
                             f"{int(bad.sum())} bad row(s), e.g. {rows}")
    if panel.duplicated(["model", "period"]).any():
        d = panel.loc[panel.duplicated(["model", "period"]), ["model", "period"]].head(3).to_dict("records")
        raise PanelError(f"{where}: duplicate (model, period) rows, e.g. {d}")
    return panel


def price_changes(panel: pd.DataFrame, threshold: float = PRICE_CHANGE_LOG_THRESHOLD) -> pd.DataFrame:
    """Within-model moves of the effective price between a model's consecutive observed weeks."""
    validate_panel(panel)
    p = panel.sort_values(["model", "period"]).copy()
    p["log_p"] = np.log(p["price_usd_per_mtok"])
    p["prev_period"] = p.groupby("model")["period"].shift(1)
    p["dlog_p"] = p["log_p"] - p.groupby("model")["log_p"].shift(1)
    ch = p[p["dlog_p"].abs() >= threshold]
    return ch[["model", "prev_period", "period", "dlog_p", "price_usd_per_mtok"]].reset_index(drop=True)


def identification_summary(panel: pd.DataFrame, threshold: float = PRICE_CHANGE_LOG_THRESHOLD) -> dict:
    """Counts that decide whether a within-model elasticity can be identified."""
    validate_panel(panel)
    ch = price_changes(panel, threshold)
    periods = pd.to_datetime(panel["period"])
    n_changes, n_models_ch, n_periods = len(ch), ch["model"].nunique(), periods.nunique()
    reasons = []
    if n_changes < MIN_PRICE_CHANGES:
        reasons.append(f"{n_changes} within-model price changes (fewer than {MIN_PRICE_CHANGES})")
    if n_models_ch < MIN_MODELS_WITH_CHANGES:
        reasons.append(f"{n_models_ch} models with a change (fewer than {MIN_MODELS_WITH_CHANGES})")
    if n_periods < MIN_PERIODS:
        reasons.append(f"{n_periods} periods (fewer than {MIN_PERIODS})")
    return {
        "n_obs": len(panel), "n_models": panel["model"].nunique(), "n_periods": n_periods,
        "window_start": periods.min().strftime("%Y-%m-%d"), "window_end": periods.max().strftime("%Y-%m-%d"),
        "n_price_changes": n_changes, "n_models_with_changes": n_models_ch,
        "changes_per_model": ch.groupby("model").size().to_dict(),
        "identified": not reasons, "why_not": "; ".join(reasons),
    }


# --------------------------------------------------------------------------- estimators

@dataclass(frozen=True)
class ElasticityResult:
    estimator: str
    elasticity: float          # NaN when not identified
    ci_low: float
    ci_high: float
    n: int                     # observations used
    n_models: int
    n_periods: int
    n_price_changes: int
    identified: bool
    identifies: str            # what variation identifies the slope
    note: str = ""             # why not identified, or caveats
    raw_coef: float = float("nan")     # the coefficient computed, even when not identified
    raw_ci_low: float = float("nan")
    raw_ci_high: float = float("nan")

    def as_dict(self) -> dict:
        return asdict(self)


def _result(name, coef, lo, hi, n, n_models, n_periods, n_changes, identified, identifies, note=""):
    e, l, h = (coef, lo, hi) if identified else (float("nan"),) * 3
    return ElasticityResult(name, float(e), float(l), float(h), int(n), int(n_models), int(n_periods),
                            int(n_changes), bool(identified), identifies, note, float(coef), float(lo), float(hi))


def _logs(panel):
    d = panel.copy()
    d["log_q"] = np.log(d["tokens"].astype(float))
    d["log_p"] = np.log(d["price_usd_per_mtok"].astype(float))
    d["period"] = pd.to_datetime(d["period"]).dt.strftime("%Y-%m-%d")
    return d


def naive_cross_section(panel: pd.DataFrame, control_quality: bool = False) -> ElasticityResult:
    """Pooled OLS of log tokens on log effective price across models (no fixed effects).

    SEs clustered by model. With ``control_quality`` the quality column enters as a regressor and
    rows without it are dropped. Biased whenever price correlates with unobserved quality.
    """
    import statsmodels.formula.api as smf

    validate_panel(panel)
    d = _logs(panel)
    formula = "log_q ~ log_p"
    if control_quality:
        if "quality" not in d.columns:
            raise PanelError("naive_cross_section(control_quality=True): panel has no 'quality' column")
        d = d[d["quality"].notna()]
        if d.empty:
            raise PanelError("naive_cross_section(control_quality=True): no rows with a quality measure")
        formula += " + quality"
    g = d["model"].astype("category").cat.codes
    fit = smf.ols(formula, d).fit(cov_type="cluster", cov_kwds={"groups": g}, use_t=True)
    lo, hi = fit.conf_int().loc["log_p"]
    n_models = d["model"].nunique()
    ok = n_models >= 3 and d["log_p"].std() > 0
    name = "naive cross-section" + (" + quality" if control_quality else "")
    return _result(name, fit.params["log_p"], lo, hi, len(d), n_models, d["period"].nunique(), 0, ok,
                   "differences in price between models (pooled model-weeks)"
                   + ("; quality held fixed by the intelligence index" if control_quality else ""),
                   "cross-model comparison: biased wherever price goes with quality" if ok
                   else "fewer than 3 models or no price variation")


def _launch_bucket(days: pd.Series) -> pd.Series:
    edges = list(LAUNCH_BUCKETS_DAYS) + [np.inf]
    return pd.cut(days, edges, right=False, labels=[f"d{a}" for a in LAUNCH_BUCKETS_DAYS]).astype(str)


def _dummies(codes: pd.Series, prefix: str) -> tuple[np.ndarray, list[str]]:
    """Treatment-coded dummies of a categorical (first level in sorted order dropped, as patsy does)."""
    levels = sorted(codes.unique())
    idx = pd.Categorical(codes, categories=levels).codes
    out = np.zeros((len(codes), max(len(levels) - 1, 0)))
    rows = np.flatnonzero(idx > 0)
    out[rows, idx[rows] - 1] = 1.0
    return out, [f"{prefix}[{lv}]" for lv in levels[1:]]


def _fe_design(panel: pd.DataFrame, launch_controls: bool = True) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, list[str]]:
    """The two-way fixed-effects regression as arrays: ``(rows, y, X, names)``.

    ``X`` = intercept, log price, model dummies, week dummies and (if asked and varying) launch-phase
    dummies, coded exactly as ``log_q ~ log_p + C(model) + C(period) + C(launch_phase)`` would be;
    built with numpy instead of a formula because the coverage simulation fits it hundreds of times.
    Models seen in a single week carry no within-model information and are left out.
    """
    d = _logs(panel)
    d = d[d.groupby("model")["period"].transform("size") > 1].reset_index(drop=True)
    blocks = [np.ones((len(d), 1)), d[["log_p"]].to_numpy(float)]
    names = ["Intercept", "log_p"]
    cats = [("model", d["model"]), ("period", d["period"])]
    if launch_controls and "days_since_launch" in d.columns and d["days_since_launch"].notna().all():
        phase = _launch_bucket(d["days_since_launch"])
        if phase.nunique() > 1:
            cats.append(("launch_phase", phase))
    for prefix, codes in cats:
        X, nm = _dummies(codes, f"C({prefix})")
        blocks.append(X)
        names += nm
    return d, d["log_q"].to_numpy(float), np.hstack(blocks), names


def fixed_effects(panel: pd.DataFrame, launch_controls: bool = True,
                  threshold: float = PRICE_CHANGE_LOG_THRESHOLD) -> ElasticityResult:
    """Two-way fixed effects: log tokens ~ log price + model FE + week FE (+ launch-phase buckets).

    Only within-model price changes identify the slope; SEs are clustered by model with t(G-1)
    intervals. Not identified (NaN) when the panel has too few within-model price changes.
    """
    import statsmodels.api as sm

    validate_panel(panel)
    info = identification_summary(panel, threshold)
    d, y, X, names = _fe_design(panel, launch_controls)
    name = "model + week fixed effects"
    if d.empty or d["model"].nunique() < 2:
        return _result(name, np.nan, np.nan, np.nan, len(d), d["model"].nunique(), d["period"].nunique(),
                       info["n_price_changes"], False, "within-model price changes",
                       "fewer than 2 models observed in more than one week")
    g = d["model"].astype("category").cat.codes.to_numpy()
    fit = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g}, use_t=True)
    j = names.index("log_p")
    lo, hi = fit.conf_int()[j]
    note = "" if info["identified"] else f"not identified: {info['why_not']} over {info['window_start']}..{info['window_end']}"
    return _result(name, fit.params[j], lo, hi, len(d), d["model"].nunique(),
                   d["period"].nunique(), info["n_price_changes"], info["identified"],
                   f"{info['n_price_changes']} within-model price changes in {info['n_models_with_changes']} "
                   f"models (|d log p| >= {threshold}), net of week and launch-phase effects", note)


def fe_residuals(panel: pd.DataFrame, launch_controls: bool = True) -> pd.DataFrame:
    """Fitted values and residuals of the fixed-effects regression (for diagnostics)."""
    import statsmodels.api as sm

    validate_panel(panel)
    d, y, X, _ = _fe_design(panel, launch_controls)
    fit = sm.OLS(y, X).fit()
    return pd.DataFrame({"model": d["model"], "period": d["period"], "fitted": fit.fittedvalues,
                         "residual": fit.resid}).reset_index(drop=True)


def event_windows(panel: pd.DataFrame, window: int = EVENT_WINDOW,
                  threshold: float = PRICE_CHANGE_LOG_THRESHOLD) -> pd.DataFrame:
    """One row per usable price-change event: d log price, and the change in the model's log share of
    panel tokens between the ``window`` weeks before and the ``window`` weeks from the change on.

    An event is usable when the model is observed in at least one week on each side within the window
    and no other price change of that model falls inside the window."""
    validate_panel(panel)
    d = _logs(panel)
    d["period"] = pd.to_datetime(d["period"])
    periods = sorted(d["period"].unique())
    pos = {p: i for i, p in enumerate(periods)}
    d["t"] = d["period"].map(pos)
    d["log_share"] = d["log_q"] - np.log(d.groupby("period")["tokens"].transform("sum"))
    ch = price_changes(panel, threshold)
    rows = []
    for r in ch.itertuples(index=False):
        m = d[d["model"] == r.model].set_index("t")
        t0 = pos[pd.Timestamp(r.period)]
        pre = m.loc[[t for t in range(t0 - window, t0) if t in m.index]]
        post = m.loc[[t for t in range(t0, t0 + window) if t in m.index]]
        other = ch[(ch["model"] == r.model) & (ch["period"] != r.period)]
        clash = any(abs(pos[pd.Timestamp(p)] - t0) < window for p in other["period"])
        if len(pre) == 0 or len(post) == 0 or clash:
            continue
        rows.append({"model": r.model, "period": pd.Timestamp(r.period),
                     "dlog_p": post["log_p"].mean() - pre["log_p"].mean(),
                     "dlog_share": post["log_share"].mean() - pre["log_share"].mean(),
                     "n_pre": len(pre), "n_post": len(post)})
    return pd.DataFrame(rows, columns=["model", "period", "dlog_p", "dlog_share", "n_pre", "n_post"])


def event_study(panel: pd.DataFrame, window: int = EVENT_WINDOW,
                threshold: float = PRICE_CHANGE_LOG_THRESHOLD) -> ElasticityResult:
    """Elasticity from price-change events: OLS through the origin of d log share on d log price
    across events (t interval with n_events - 1 df). Not identified below MIN_EVENTS events."""
    import statsmodels.api as sm

    ev = event_windows(panel, window, threshold)
    n = len(ev)
    periods = pd.to_datetime(panel["period"]).nunique()
    ident = f"{n} price-change events: log share {window} weeks before vs from the change on"
    if n < 2:
        return _result("event study (price changes)", np.nan, np.nan, np.nan, n, ev["model"].nunique(), periods,
                       n, False, ident, f"not identified: {n} usable events (fewer than {MIN_EVENTS})")
    fit = sm.OLS(ev["dlog_share"].to_numpy(), ev[["dlog_p"]].to_numpy()).fit()
    lo, hi = fit.conf_int()[0]
    ok = n >= MIN_EVENTS
    return _result("event study (price changes)", fit.params[0], lo, hi, n, ev["model"].nunique(), periods, n,
                   ok, ident, "" if ok else f"not identified: {n} usable events (fewer than {MIN_EVENTS})")


def launch_profile(panel: pd.DataFrame, max_weeks: int = 8) -> pd.DataFrame:
    """Log share of panel tokens by weeks since launch, for models launched inside the panel window
    (the launch event study: how fast adoption settles). Descriptive; no elasticity."""
    validate_panel(panel)
    d = _logs(panel)
    d["period"] = pd.to_datetime(d["period"])
    d["log_share"] = d["log_q"] - np.log(d.groupby("period")["tokens"].transform("sum"))
    d["weeks_since_launch"] = (d["days_since_launch"] // 7).astype(int)
    start = d["period"].min()
    launched = d.groupby("model").apply(lambda g: (g["period"] - pd.to_timedelta(g["days_since_launch"], "D")).min()
                                        >= start, include_groups=False)
    d = d[d["model"].isin(launched[launched].index) & (d["weeks_since_launch"] <= max_weeks)]
    return d[["model", "bloc", "period", "weeks_since_launch", "log_share"]].reset_index(drop=True)


ESTIMATORS = {"naive": naive_cross_section, "fixed_effects": fixed_effects, "event_study": event_study}


def estimate(panel: pd.DataFrame, estimator: str = "fixed_effects") -> ElasticityResult:
    """Run one estimator by name (``naive``, ``fixed_effects``, ``event_study``)."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r}; known: {sorted(ESTIMATORS)}")
    return ESTIMATORS[estimator](panel)


def resolve_elasticity(override: float | None, result: ElasticityResult, fallback: float, fallback_label: str):
    """The elasticity the scenarios use, and where it came from.

    ``override`` not set (``None``, the package's one convention, see :data:`tokenecon.units.NOT_SET`) means "use
    ``result``"; if that is not identified,
    ``fallback`` (a published anchor) is used and the label says so.
    """
    if not is_set(override):
        if result.identified and math.isfinite(result.elasticity):
            caveat = "; cross-model, biased by quality" if result.estimator.startswith("naive") else ""
            return result.elasticity, f"estimate ({result.estimator}{caveat})"
        return fallback, f"{fallback_label} (the {result.estimator} estimate is not identified)"
    if not math.isfinite(override):
        raise ValueError(f"elasticity_override must be a finite number or not set, got {override!r}")
    return float(override), "user-supplied"


# --------------------------------------------------------------------------- simulation

def _simulate_arrays(n_models, n_periods, elasticity, quality_price, quality_demand, change_share, change_sd,
                     noise_sd, seed):
    """log price, log tokens (both n_models x n_periods) and quality of :func:`simulate_panel`."""
    if n_models < 2 or n_periods < 2:
        raise ValueError("simulate_panel: need n_models >= 2 and n_periods >= 2")
    rng = np.random.default_rng(seed)
    q = rng.normal(size=n_models)
    base_lp = quality_price * q + rng.normal(scale=0.5, size=n_models)
    level = 25 + quality_demand * q + rng.normal(scale=0.5, size=n_models)
    week = np.cumsum(rng.normal(0.03, 0.05, size=n_periods))
    changes = rng.random(n_models) < change_share
    when = rng.integers(1, n_periods, size=n_models)
    jump = rng.normal(scale=change_sd, size=n_models)
    after = changes[:, None] & (np.arange(n_periods)[None, :] >= when[:, None])
    lp = base_lp[:, None] + np.where(after, jump[:, None], 0.0)
    lq = level[:, None] + week[None, :] + elasticity * lp + rng.normal(scale=noise_sd, size=(n_models, n_periods))
    return lp, lq, q


def simulate_panel(n_models: int = 40, n_periods: int = 26, elasticity: float = -1.1, *,
                   quality_price: float = 1.0, quality_demand: float = 2.0, change_share: float = 0.3,
                   change_sd: float = 0.4, noise_sd: float = 0.15, seed: int = 0) -> pd.DataFrame:
    """A panel with a known elasticity and quality confounding, for tests and the report's check.

    Each model has a quality q ~ N(0, 1); its log price level = ``quality_price`` x q + noise and its
    demand level = ``quality_demand`` x q + noise, so dearer models are also more wanted. A share
    ``change_share`` of models changes its price once (by N(0, ``change_sd``)) at a random week;
    week effects are common. log tokens = level + week effect + ``elasticity`` x log price + noise.
    """
    lp, lq, q = _simulate_arrays(n_models, n_periods, elasticity, quality_price, quality_demand, change_share,
                                 change_sd, noise_sd, seed)
    periods = pd.date_range("2026-01-05", periods=n_periods, freq="7D")
    return pd.DataFrame({
        "model": np.repeat([f"m{m:02d}" for m in range(n_models)], n_periods),
        "period": np.tile(periods, n_models), "tokens": np.exp(lq).ravel(),
        "price_usd_per_mtok": np.exp(lp).ravel(), "quality": np.repeat(q, n_periods),
        "days_since_launch": np.tile(400 + 7 * np.arange(n_periods), n_models)})


def balanced_twoway_fe(log_q: np.ndarray, log_p: np.ndarray) -> tuple[float, float, float]:
    """Slope and 95 % interval of log q on log p with model and period effects, for a balanced panel
    given as two (models x periods) arrays; SEs clustered by model, t(G-1), with statsmodels' small-
    sample factor G/(G-1) x (N-1)/(N-K).

    The same numbers as :func:`fixed_effects` (without launch controls) by the Frisch-Waugh-Lovell
    theorem: two-way demeaning removes the dummies; a test checks the two agree. Used by
    :func:`simulated_coverage`, which needs hundreds of fits.
    """
    from scipy import stats

    def within(a):
        return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean()

    x, y = within(np.asarray(log_p, float)), within(np.asarray(log_q, float))
    sxx = float((x * x).sum())
    if sxx <= 0:
        return float("nan"), float("nan"), float("nan")
    b = float((x * y).sum()) / sxx
    u = y - b * x
    G, T = x.shape
    n, k = G * T, G + T  # intercept, slope, G-1 model and T-1 period dummies
    scores = (x * u).sum(axis=1)
    se = math.sqrt(G / (G - 1) * (n - 1) / (n - k) * float((scores ** 2).sum())) / sxx
    t = stats.t.ppf(0.975, G - 1)
    return b, b - t * se, b + t * se


def simulated_coverage(n_models: int, n_periods: int, n_models_with_changes: int, elasticity: float = -1.1,
                       n_sims: int = 200, seed: int = 0) -> dict:
    """How often the fixed-effects 95 % interval covers a known elasticity in simulated panels of the
    given shape (``n_models_with_changes`` models change price once, by N(0, 0.4) in log, at a random
    week), and the mean estimate. ``mc_se`` is the Monte Carlo standard error of the coverage."""
    if n_models_with_changes < 1 or n_models_with_changes > n_models:
        raise ValueError("simulated_coverage: need 1 <= n_models_with_changes <= n_models")
    if n_sims < 1:
        raise ValueError(f"simulated_coverage: n_sims must be >= 1, got {n_sims!r}")
    rng = np.random.default_rng(seed)
    hits, coefs = 0, []
    for _ in range(n_sims):
        lp, lq, _q = _simulate_arrays(n_models, n_periods, elasticity, 1.0, 2.0, 0.0, 0.4, 0.15,
                                      int(rng.integers(2**31)))
        for m in rng.choice(n_models, n_models_with_changes, replace=False):
            t0 = int(rng.integers(1, n_periods))
            jump = rng.normal(scale=0.4)
            lp[m, t0:] += jump
            lq[m, t0:] += elasticity * jump
        b, lo, hi = balanced_twoway_fe(lq, lp)
        coefs.append(b)
        hits += lo <= elasticity <= hi
    cov = float(hits) / n_sims
    return {"coverage": cov, "mc_se": math.sqrt(cov * (1 - cov) / n_sims),
            "mean_estimate": float(np.mean(coefs)), "sd_estimate": float(np.std(coefs)),
            "n_sims": n_sims, "n_models": n_models, "n_periods": n_periods,
            "n_models_with_changes": n_models_with_changes, "elasticity": elasticity}


# --------------------------------------------------------------------------- scenarios

def price_gap_shift(elasticity: float, price_ratio: float) -> dict:
    """Token and spend split between two equally good models when one costs ``price_ratio`` times the other.

    Constant-elasticity demand q = A p^e with the same A for both (equal quality): at equal prices
    each has half the tokens and half the spend. With the dear model at ``price_ratio`` x the cheap
    one's price, cheap/dear tokens = ratio^(-e) and cheap/dear spend = ratio^(-e-1).
    """
    if not (math.isfinite(elasticity)):
        raise ValueError(f"price_gap_shift: elasticity must be finite, got {elasticity!r}")
    if not (math.isfinite(price_ratio) and price_ratio > 0):
        raise ValueError(f"price_gap_shift: price_ratio must be > 0, got {price_ratio!r}")
    tok = price_ratio ** (-elasticity)
    spend = tok / price_ratio
    return {"price_ratio": price_ratio, "elasticity": elasticity,
            "cheap_to_dear_tokens": tok, "cheap_token_share": tok / (1 + tok),
            "cheap_to_dear_spend": spend, "cheap_spend_share": spend / (1 + spend)}


def workload_bill(mix: dict, prices_from: dict, prices_to: dict, *, elasticity: float | None = None,
                  token_multiplier: float = 1.0) -> dict:
    """A workload moved from one model to another at list prices.

    ``mix``: shares of uncached input / output / cached input. ``prices_*``: dicts with
    ``input_usd_per_mtok``, ``output_usd_per_mtok``, ``cache_read_usd_per_mtok``.
    Returns cost per M tokens before and after, the saving factor at fixed tokens, the break-even
    token multiplier (how many times more tokens the new model could use before the saving is gone),
    and, for ``token_multiplier`` (tokens used by the new model per token of the old, e.g. from
    tokens per request) and ``elasticity`` (usage answering the lower price, q ~ p^e), the resulting
    bill ratio and the share of the fixed-token saving that is eaten.
    """
    keys = ("input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok")
    for name, pr in (("prices_from", prices_from), ("prices_to", prices_to)):
        if not isinstance(pr, dict) or any(k not in pr for k in keys):
            raise ValueError(f"workload_bill: {name} must be a dict with keys {list(keys)}, got {pr!r}")
    if not (math.isfinite(token_multiplier) and token_multiplier > 0):
        raise ValueError(f"workload_bill: token_multiplier must be > 0, got {token_multiplier!r}")
    c0 = mix_cost_usd_per_mtok(mix, *(prices_from[k] for k in keys))
    c1 = mix_cost_usd_per_mtok(mix, *(prices_to[k] for k in keys))
    if c0 <= 0 or c1 <= 0:
        raise ValueError("workload_bill: both models must have a positive cost for the mix")
    fixed_ratio = c1 / c0
    response = 1.0 if elasticity is None else fixed_ratio ** elasticity  # tokens scale with price^e
    bill_ratio = fixed_ratio * token_multiplier * response
    saving_fixed = 1 - fixed_ratio
    eaten = (bill_ratio - fixed_ratio) / saving_fixed if saving_fixed > 0 else float("nan")
    return {"cost_from_usd_per_mtok": c0, "cost_to_usd_per_mtok": c1, "saving_factor": c0 / c1,
            "breakeven_token_multiplier": c0 / c1, "token_multiplier": token_multiplier,
            "elasticity": elasticity, "usage_response": response, "bill_ratio": bill_ratio,
            "saving_eaten_share": eaten}
