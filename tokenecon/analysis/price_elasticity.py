"""The price-elasticity report's computations: the panel and its estimators, the article's bill cases, tokens per
request, the price-change corroboration, the 17x price-gap scenarios and the pairwise reading of the article's week.

Every function calls :mod:`tokenecon.model.elasticity` (panel, estimators, ``workload_bill``, ``price_gap_shift``) and
:func:`tokenecon.model.pricing.listing_on` (the package's one dated price lookup); nothing here re-derives them.
:func:`study` runs the whole report for one set of parameters and returns a :class:`Study`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from tokenecon import data
from tokenecon.data.schemas.claims import ARTICLE_WEEK
from tokenecon.model import elasticity as el
from tokenecon.model import pricing

#: The article's move: an agent from Claude Opus 4.6 to MiniMax M2.5 (OpenRouter slugs without date or variant).
OPUS, M25 = "anthropic/claude-4.6-opus", "minimax/minimax-m2.5"
#: Price keys of a listing that price a workload (USD per million tokens).
PRICE_KEYS = ("input_usd_per_mtok", "output_usd_per_mtok", "cache_read_usd_per_mtok")
#: A within-model price change counts as corroborated when another feed has an event for the model this close.
CORROBORATION_DAYS = 14
#: The anchors the scenarios are priced under (``elasticity_anchors`` ids) and their names in words.
NBER, A16Z = "nber_w34608_within_model", "a16z_openrouter_cost_usage"
ANCHOR_NAMES = {A16Z: "a16z/OpenRouter reading", NBER: "NBER w34608"}


def anchors() -> pd.DataFrame:
    """The published elasticity anchors (``elasticity_anchors``), indexed by ``anchor_id``."""
    return data.load("elasticity_anchors").set_index("anchor_id")


def bill_prices(bill_date: str) -> tuple[dict, dict]:
    """OpenRouter list prices of Opus 4.6 and M2.5 in effect on ``bill_date`` as ``{price key: USD per M tokens}``;
    a clear ValueError naming the parameter when either has none on or before that date."""
    opus = pricing.listing_on(OPUS, bill_date, feeds=("openrouter_list",))
    m25 = pricing.listing_on(M25, bill_date, feeds=("openrouter_list",))
    if opus is None or m25 is None:
        raise ValueError(f"parameter bill_date={bill_date!r}: no OpenRouter list price for Opus 4.6 and M2.5 on or before it")
    return {k: float(opus[k]) for k in PRICE_KEYS}, {k: float(m25[k]) for k in PRICE_KEYS}


def input_price_gap(prices_from: dict, prices_to: dict) -> float:
    """How many times dearer the first list's uncached input tokens are (the article's "about 17 times")."""
    return prices_from["input_usd_per_mtok"] / prices_to["input_usd_per_mtok"]


def workload_mix(panel: pd.DataFrame, mix: dict | None = None) -> tuple[dict, str]:
    """The workload's shares of uncached input, output and cached input, with how they were chosen in words:
    ``mix`` when given (checked by :func:`~tokenecon.model.elasticity.check_mix`), otherwise Opus 4.6's own token
    mix summed over its weeks in ``panel``."""
    if mix:
        return el.check_mix(mix), "user-supplied mix"
    o = panel[panel["model"] == OPUS]
    if o.empty:
        raise ValueError("workload_mix not set needs Opus 4.6 in the panel window; widen the window or give a mix")
    return (el.mix_from_tokens(o["prompt_tokens"].sum(), o["completion_tokens"].sum(), o["cached_tokens"].sum()),
            f"Opus 4.6's own mix over its {len(o)} weeks in the panel")


def tokens_per_request_ratio(panel: pd.DataFrame, model_to: str = M25, model_from: str = OPUS) -> pd.Series:
    """Per week (index: period) in which both models have request counts: tokens per request of ``model_to`` over
    those of ``model_from``. Empty when no week has both."""
    both = panel[panel["model"].isin([model_from, model_to])]
    tpr = (both.assign(tpr=both["tokens"] / both["requests"])
           .pivot(index="period", columns="model", values="tpr").dropna())
    if not len(tpr) or model_to not in tpr or model_from not in tpr:
        return pd.Series(dtype=float, name="tokens_per_request_ratio")
    return (tpr[model_to] / tpr[model_from]).rename("tokens_per_request_ratio")


def _with_used(cases: list[tuple[str, float]], e_used: float, e_label: str, at_start: bool = False) -> list:
    """``cases`` plus the elasticity used in the scenarios, unless it already is one of them."""
    if any(abs(e_used - e) < 1e-12 for _, e in cases):
        return cases
    return [(e_label, e_used)] + cases if at_start else cases + [(e_label, e_used)]


def bill_cases(mix: dict, prices_from: dict, prices_to: dict, *, e_a16z: float, e_nber: float, e_used: float,
               e_label: str, tpr_ratio: pd.Series) -> pd.DataFrame:
    """The article's bill under each case, one row per case (column ``case`` in words, then
    :func:`~tokenecon.model.elasticity.workload_bill`'s columns): the same tokens; tokens per request as observed
    (median of ``tpr_ratio``, 1 when empty); usage answering price at each anchor and at the elasticity used; and
    both together at the elasticity used. Row 0 is the fixed-token case, row 1 the tokens-per-request case."""
    tm = float(tpr_ratio.median()) if len(tpr_ratio) else 1.0
    e_cases = _with_used([(ANCHOR_NAMES[A16Z], e_a16z), (ANCHOR_NAMES[NBER], e_nber)], e_used, e_label)
    cases = ([("same tokens", None, 1.0),
              (f"tokens per request as observed (M2.5 / Opus, median of {len(tpr_ratio)} weeks)", None, tm)]
             + [(f"usage answers price: {lab}, {e:+.2f}", e, 1.0) for lab, e in e_cases]
             + [(f"tokens per request as observed and usage answers price ({e_used:+.2f})", e_used, tm)])
    return pd.DataFrame([{"case": c, **el.workload_bill(mix, prices_from, prices_to, elasticity=e, token_multiplier=t)}
                         for c, e, t in cases])


def price_gap_table(gap: float, *, e_a16z: float, e_nber: float, e_used: float, e_label: str) -> pd.DataFrame:
    """Token and spend split between two equally good models ``gap`` times apart in price, one row per elasticity
    (the elasticity used first when it is not an anchor, then a16z, unit elasticity, NBER): column ``source`` in words,
    ``used`` (True for the elasticity used here), then :func:`~tokenecon.model.elasticity.price_gap_shift`'s columns."""
    rows = _with_used([(ANCHOR_NAMES[A16Z], e_a16z), ("unit elasticity", -1.0), (ANCHOR_NAMES[NBER], e_nber)],
                      e_used, e_label, at_start=True)
    return pd.DataFrame([{"source": s, "used": math.isclose(e, e_used, rel_tol=1e-5, abs_tol=1e-8),
                          **el.price_gap_shift(e, gap)} for s, e in rows])


def corroborated_changes(changes: pd.DataFrame, panel: pd.DataFrame, events: pd.DataFrame,
                         days: int = CORROBORATION_DAYS) -> pd.DataFrame:
    """The within-model price changes with the panel's ``price_feed``, ``bloc`` and ``open_weights`` and a
    ``corroborated`` column: True when another price feed has an event for the same model within ``days`` days of
    the change's week (otherwise the change may be the listed provider moving, not a vendor price cut)."""
    ch = changes.merge(panel[["model", "period", "price_feed", "bloc", "open_weights"]], on=["model", "period"],
                       how="left")
    ev = events.assign(date=pd.to_datetime(events["date"]))
    ch["corroborated"] = [bool(((ev[(ev["model_base"] == r.model) & (ev["feed"] != r.price_feed)]["date"]
                                 - pd.Timestamp(r.period)).abs() <= pd.Timedelta(days=days)).any())
                          for r in ch.itertuples()]
    return ch


def changes_summary(changes: pd.DataFrame) -> dict:
    """Counts over :func:`corroborated_changes`' rows: all changes, those in Chinese-lab and in open-weight models,
    those corroborated by another feed, and changes per price feed (``feeds``: a Series, most first)."""
    return {"n": len(changes), "china": int((changes["bloc"] == "china").sum()),
            "open_weights": int(changes["open_weights"].fillna(False).astype(bool).sum()),
            "corroborated": int(changes["corroborated"].sum()), "feeds": changes["price_feed"].value_counts()}


def per_model_changes(panel: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """Per model (index): weeks in the panel, its bloc and its within-model price changes (0 when none), fewest
    changes and weeks first."""
    per = panel.groupby("model").agg(weeks=("period", "size"), bloc=("bloc", "first")).join(
        changes.groupby("model").size().rename("price_changes")).fillna({"price_changes": 0})
    return per.sort_values(["price_changes", "weeks"], ascending=[True, True])


def launch_means(profile: pd.DataFrame, early_weeks: int = 1, late_from: int = 4) -> tuple[float, float]:
    """Mean log share of panel tokens in weeks 0..``early_weeks`` after launch and from week ``late_from`` on,
    over :func:`~tokenecon.model.elasticity.launch_profile`'s rows."""
    return (float(profile[profile["weeks_since_launch"] <= early_weeks]["log_share"].mean()),
            float(profile[profile["weeks_since_launch"] >= late_from]["log_share"].mean()))


def pairwise_reading(panel: pd.DataFrame, snapshot_date: str) -> dict | None:
    """The elasticity implied by one week's M2.5 / Opus 4.6 token ratio, were the two equally wanted at equal
    prices: -log(token ratio) / log(effective price ratio). None when the snapshot lacks either model."""
    wk = panel[panel["snapshot_date"] == pd.Timestamp(snapshot_date)].set_index("model")
    if not {OPUS, M25} <= set(wk.index):
        return None
    tok = float(wk.loc[M25, "tokens"] / wk.loc[OPUS, "tokens"])
    eff = float(wk.loc[OPUS, "price_usd_per_mtok"] / wk.loc[M25, "price_usd_per_mtok"])
    return {"token_ratio": tok, "price_ratio": eff, "elasticity": -math.log(tok) / math.log(eff)}


@dataclass
class Study:
    """Everything the price-elasticity report shows for one set of parameters (see :func:`study`)."""
    panel: pd.DataFrame
    dropped: dict
    info: dict
    changes: pd.DataFrame  # with corroboration (corroborated_changes)
    naive: el.ElasticityResult
    naive_q_same: el.ElasticityResult  # naive, on the models with a quality index
    naive_q: el.ElasticityResult  # naive with the quality control
    fe: el.ElasticityResult
    es: el.ElasticityResult
    coverage: dict
    anchors: pd.DataFrame
    e_nber: float
    e_a16z: float
    e_used: float
    e_label: str
    bill_date: str
    prices_opus: dict
    prices_m25: dict
    gap: float
    mix: dict
    mix_label: str
    tpr_ratio: pd.Series
    bills: pd.DataFrame
    bill_at: dict = field(default_factory=dict)  # {elasticity: workload_bill} at a16z, NBER and the one used

    @property
    def results(self) -> list:
        """The five estimates in table order: naive, naive on quality-indexed models, naive + quality, FE, events."""
        return [self.naive, self.naive_q_same, self.naive_q, self.fe, self.es]


def study(*, elasticity_override: float | None = None, window_start: str | None = None, window_end: str | None = None,
          min_tokens: float = 0.0, estimator: str = "fixed_effects", mix: dict | None = None,
          bill_date: str | None = None, drop_catalogue_fixes: bool = True, coverage_sims: int = 1000,
          seed: int = 0) -> Study:
    """Run the report's computations: the weekly panel, the three estimators (naive also on the quality-indexed
    models and with the quality control), the simulated coverage of the fixed-effects interval in a panel shaped
    like the data (true elasticity: the NBER anchor), the elasticity used in the scenarios, and the article's bill
    at the list prices of ``bill_date`` (default: the first day of the article's week)."""
    if estimator not in el.ESTIMATORS:
        raise ValueError(f"parameter estimator={estimator!r}: expected one of {sorted(el.ESTIMATORS)}")
    weekly, events = data.load("openrouter_weekly_top10"), data.load("model_price_events")
    anc = anchors()
    nber, e_nber, e_a16z = anc.loc[NBER], float(anc.loc[NBER, "elasticity"]), float(anc.loc[A16Z, "elasticity"])
    panel, dropped = el.build_weekly_panel(weekly, events, data.load("model_attributes"), data.load("labs"),
                                           start=window_start, end=window_end, min_tokens=min_tokens,
                                           drop_catalogue_fixes=drop_catalogue_fixes)
    el.validate_panel(panel)
    info = el.identification_summary(panel)
    naive, fe, es = el.naive_cross_section(panel), el.fixed_effects(panel), el.event_study(panel)
    cov = el.simulated_coverage(info["n_models"], info["n_periods"], max(info["n_models_with_changes"], 1),
                                elasticity=e_nber, n_sims=coverage_sims, seed=seed)
    e_used, e_label = el.resolve_elasticity(elasticity_override, {"naive": naive, "fixed_effects": fe,
                                                                  "event_study": es}[estimator],
                                            e_nber, f"NBER w34608 anchor ({nber['verification']})")
    bill_date = bill_date or ARTICLE_WEEK
    p_opus, p_m25 = bill_prices(bill_date)
    mix, mix_label = workload_mix(panel, mix)
    tpr = tokens_per_request_ratio(panel)
    bills = bill_cases(mix, p_opus, p_m25, e_a16z=e_a16z, e_nber=e_nber, e_used=e_used, e_label=e_label, tpr_ratio=tpr)
    return Study(panel=panel, dropped=dropped, info=info, changes=corroborated_changes(el.price_changes(panel), panel, events),
                 naive=naive, naive_q_same=el.naive_cross_section(panel[panel["quality"].notna()]),
                 naive_q=el.naive_cross_section(panel, control_quality=True), fe=fe, es=es, coverage=cov, anchors=anc,
                 e_nber=e_nber, e_a16z=e_a16z, e_used=e_used, e_label=e_label, bill_date=bill_date,
                 prices_opus=p_opus, prices_m25=p_m25, gap=input_price_gap(p_opus, p_m25), mix=mix, mix_label=mix_label,
                 tpr_ratio=tpr, bills=bills,
                 bill_at={e: el.workload_bill(mix, p_opus, p_m25, elasticity=e) for e in (e_a16z, e_nber, e_used)})
