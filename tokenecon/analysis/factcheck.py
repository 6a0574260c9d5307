"""The article, claim by claim: verdict rules and one small computation per claim.

Two layers:

* **Verdict rules** (pure functions): :func:`judge` compares the article's figure with the package's
  estimate (an :class:`~tokenecon.estimate.Estimate`) and returns a :class:`Verdict` — ``supported``,
  ``roughly`` (within a stated tolerance), ``overstated``, ``contradicted`` — with a one-sentence reason.
  :func:`not_checkable` and :func:`not_computed` cover claims the data cannot reach and computations that
  failed; a failure is shown with its error, never as a silent gap.
* **Claim computations**: :data:`CHECKS` maps each ``article_claims`` id to a function ``fn(ctx) ->
  Finding`` that computes the package's own estimate from the curated tables and the library
  (:mod:`tokenecon.analysis.share`, :mod:`tokenecon.model.serving`, :mod:`tokenecon.model.bitcoin`). Nothing is typed in:
  every estimate comes from ``data/`` through those calls. :func:`evaluate` runs them all.

The rules, for a claimed value ``c`` and an estimate ``lo <= mid <= hi``:

* ``precision`` is half a unit of the last digit the article wrote (8.7 trillion -> 0.05 trillion;
  61% -> 0.5 points; see :func:`stated_precision`): a figure that rounds to the estimate is not wrong.
* direction ``equal`` (a plain or "about" figure): **supported** if ``c`` lies in ``[lo - p, hi + p]``;
  **roughly** if it lies within ``tolerance`` (relative, default 15%) beyond that interval; above it,
  **overstated**; below it, or on the other side of zero from the estimate, **contradicted**.
* direction ``at_least`` ("over 70%"): supported if ``mid >= c - p``; roughly if ``hi`` reaches ``c``
  within the tolerance; otherwise overstated (the data stay below the claimed floor).
* direction ``at_most``: the mirror image; a ceiling the data exceed is contradicted.
* ``scale="log"`` judges ratios on log10 (an "order of magnitude" is 10 within half a decade).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from tokenecon.data.schemas.claims import ARTICLE_WEEK
from tokenecon.units import HOURS_PER_YEAR
from tokenecon.estimate import Estimate
from tokenecon.model import pricing

VERDICTS = ("supported", "roughly", "overstated", "contradicted", "not checkable", "not computed")
DIRECTIONS = ("equal", "at_least", "at_most")
SCALES = ("linear", "log")
#: Default relative tolerance of "roughly": a claim within 15% of the estimate's interval.
DEFAULT_TOLERANCE = 0.15
#: Reading of a vague majority claim ("essentially", "most"): at least this share.
MAJORITY = 0.5
#: An "order of magnitude" claim of 10x holds within half a decade (3.16x to 31.6x) on a log10 scale.
ORDER_OF_MAGNITUDE_DECADES = 0.5
#: Report that computes every claim (the fact-check notebook's HTML); links point at its sections.
REPORT_HTML = "article_fact_check.html"


# --------------------------------------------------------------------------- verdict rules


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reason: str

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict {self.verdict!r}: expected one of {VERDICTS}")


def stated_precision(value: float) -> float:
    """Half a unit of the last non-zero digit of ``value`` as written (8.7e12 -> 5e10, 61 -> 0.5, 0.75 -> 0.005).

    ``value`` is the figure the article wrote, typed into ``article_claims``; trailing zeros count as not
    significant (30,000 -> 5,000), which reads "about $30,000" generously, as the article intends.
    """
    v = abs(float(value))
    if not math.isfinite(v):
        raise ValueError(f"stated_precision(value={value!r}): expected a finite number")
    if v == 0:
        return 0.0
    for k in range(15, -10, -1):
        unit = 10.0 ** k
        q = v / unit
        if q >= 1 and abs(q - round(q)) <= 1e-9 * max(1.0, q):
            return unit / 2
    return 0.0


#: Readable names of the units used in article_claims and the estimates.
UNIT_WORDS = {"w": "W", "words_per_token": "words per token", "usd_per_year": "USD per year",
              "usd_per_mtok": "USD per M tokens", "usd": "USD", "pct": "%"}


def _fmt(x: float, unit: str = "") -> str:
    unit = UNIT_WORDS.get(unit, unit)
    if unit in ("fraction", "share"):
        return f"{100 * x:.1f}%"
    if unit == "year":
        return f"{x:.0f}"
    if unit == "%":
        return f"{x:.3g}%"
    ax = abs(x)
    for scale, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if ax >= scale:
            s = f"{x / scale:.3g}{word}"
            break
    else:
        s = f"{x:,.0f}" if ax >= 1000 else f"{x:.3g}"
    if unit and unit not in ("fraction", "share", "ratio", "rank"):
        s += f" {unit}"
    elif unit == "ratio":
        s += "x"
    return s


def format_estimate(est: Estimate, unit: str | None = None) -> str:
    """'8.74 trillion' for a point, '7.1% (4.0% to 11%)' for an interval."""
    u = est.unit if unit is None else unit
    if est.low == est.high:
        return _fmt(est.central, u)
    return f"{_fmt(est.central, u)} ({_fmt(est.low, u)} to {_fmt(est.high, u)})"


def _as_estimate(estimate) -> Estimate:
    if isinstance(estimate, Estimate):
        est = estimate
    else:
        try:
            x = float(estimate)
        except (TypeError, ValueError):
            raise ValueError(f"estimate={estimate!r}: expected an Estimate or a number") from None
        est = Estimate(x, x, x)
    if not all(math.isfinite(v) for v in (est.low, est.central, est.high)):
        raise ValueError(f"estimate {est}: bounds must be finite")
    return est


def judge(claimed: float, estimate, *, tolerance: float = DEFAULT_TOLERANCE, direction: str = "equal",
          precision: float = 0.0, scale: str = "linear", unit: str | None = None) -> Verdict:
    """Verdict on a claimed figure against the package's estimate (see the module docstring for the rules).

    ``tolerance``: relative width of "roughly" beyond the interval (0..1). ``precision``: absolute slack for
    the rounding of the claimed figure (in log10 decades when ``scale="log"``). ``unit`` formats the reason.
    """
    est = _as_estimate(estimate)
    try:
        c = float(claimed)
    except (TypeError, ValueError):
        raise ValueError(f"claimed={claimed!r}: expected a number") from None
    if not math.isfinite(c):
        raise ValueError(f"claimed={claimed!r}: expected a finite number")
    if not 0 <= tolerance < 1:
        raise ValueError(f"tolerance={tolerance!r}: expected a fraction in [0, 1)")
    if precision < 0:
        raise ValueError(f"precision={precision!r}: expected >= 0")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction={direction!r}: expected one of {DIRECTIONS}")
    if scale not in SCALES:
        raise ValueError(f"scale={scale!r}: expected one of {SCALES}")
    u = est.unit if unit is None else unit
    said, found = _fmt(c, u), format_estimate(est, u)

    if scale == "log":
        if c <= 0 or est.low <= 0:
            raise ValueError("scale='log' needs a positive claimed value and estimate")
        lo, mid, hi, x = (math.log10(v) for v in (est.low, est.central, est.high, c))
        slack_lo = slack_hi = math.log10(1 + tolerance)
    else:
        lo, mid, hi, x = est.low, est.central, est.high, c
        slack_lo, slack_hi = tolerance * abs(lo), tolerance * abs(hi)
    p = precision

    if direction == "at_least":
        if mid >= x - p:
            return Verdict("supported", f"The estimate, {found}, reaches the article's floor of {said}.")
        if hi + p >= x:
            return Verdict("roughly", f"The estimate, {found}, falls short of the article's floor of {said} at its "
                                      f"central value; only its upper end reaches it.")
        if hi + p + slack_hi >= x:
            return Verdict("roughly", f"The estimate, {found}, falls short of the article's floor of {said}, "
                                      f"but within the {tolerance:.0%} tolerance at its upper end.")
        return Verdict("overstated", f"The estimate, {found}, stays below the article's floor of {said} "
                                     f"even at its upper end, beyond the {tolerance:.0%} tolerance.")
    if direction == "at_most":
        if mid <= x + p:
            return Verdict("supported", f"The estimate, {found}, stays under the article's ceiling of {said}.")
        if lo - p <= x:
            return Verdict("roughly", f"The estimate, {found}, exceeds the article's ceiling of {said} at its "
                                      f"central value; only its lower end stays under it.")
        if lo - p - slack_lo <= x:
            return Verdict("roughly", f"The estimate, {found}, exceeds the article's ceiling of {said}, "
                                      f"but within the {tolerance:.0%} tolerance at its lower end.")
        return Verdict("contradicted", f"The estimate, {found}, exceeds the article's ceiling of {said} "
                                       f"even at its lower end, beyond the {tolerance:.0%} tolerance.")

    inside = lo - p <= x <= hi + p
    if scale == "linear" and not inside and mid != 0 and x != 0 and (mid > 0) != (x > 0) \
            and (lo > 0) == (hi > 0):
        return Verdict("contradicted", f"The article's {said} and the estimate, {found}, point in opposite directions.")
    if inside:
        where = "matches" if est.low == est.high else "lies within the interval of"
        return Verdict("supported", f"The article's {said} {where} the estimate, {found}.")
    if lo - p - slack_lo <= x <= hi + p + slack_hi:
        return Verdict("roughly", f"The article's {said} is off the estimate, {found}, by less than the "
                                  f"{tolerance:.0%} tolerance.")
    if x > hi:
        return Verdict("overstated", f"The article's {said} is above the estimate, {found}, by more than the "
                                     f"{tolerance:.0%} tolerance.")
    return Verdict("contradicted", f"The article's {said} is below the estimate, {found}, by more than the "
                                   f"{tolerance:.0%} tolerance.")


def not_checkable(reason: str) -> Verdict:
    """A claim the package's data cannot test; ``reason`` says what is missing."""
    if not reason or not reason.strip():
        raise ValueError("not_checkable(reason=...): say why the data cannot check the claim")
    return Verdict("not checkable", reason.strip())


def not_computed(error: BaseException) -> Verdict:
    """A claim whose computation raised: the verdict carries the error (type and message)."""
    msg = str(error).strip().splitlines()[0] if str(error).strip() else "(no message)"
    return Verdict("not computed", f"The computation failed: {type(error).__name__}: {msg}")


# --------------------------------------------------------------------------- findings and evaluation


@dataclass(frozen=True)
class Finding:
    """What a claim computation returns: an estimate to judge, or a verdict it decided itself.

    ``estimate`` is in the claim's unit (``article_claims.unit``; pct claims in 0..100). ``verdict`` and
    ``reason`` are set only by computations that decide themselves (a rank order, a list of countries, or
    a claim the data cannot test); ``note`` is one sentence of context added to the rule's reason.
    """

    estimate: Estimate | None = None
    text: str | None = None
    verdict: str | None = None
    reason: str | None = None
    note: str | None = None
    direction: str | None = None
    claimed: float | None = None
    claimed_text: str | None = None
    precision: float | None = None
    scale: str = "linear"
    section: str = "Claims-the-data-cannot-check"  # anchor of the fact-check section that lists it (see SECTIONS)
    link: str | None = None  # report section that computes it, when another report does (see heading_link)
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    claim_id: str
    topic: str
    quote: str
    claimed: str
    estimate: str
    verdict: str
    reason: str
    link: str
    estimate_value: Estimate | None = None
    section: str = ""  # anchor of the fact-check section that lists the claim

    def row(self) -> dict:
        return {"claim_id": self.claim_id, "topic": self.topic, "quote": self.quote, "claimed": self.claimed,
                "estimate": self.estimate, "verdict": self.verdict, "reason": self.reason, "link": self.link}


def claimed_text(row) -> str:
    """The article's figure in words, from its ``article_claims`` row."""
    value, unit, qual = row.get("value"), row.get("unit"), row.get("qualifier")
    text = row.get("value_text")
    if value is None or (isinstance(value, float) and math.isnan(value)) or unit in ("rank",):
        return str(text) if isinstance(text, str) else ""
    if unit == "pct":
        s = f"{value:g}%"
    elif unit == "usd_per_mtok":
        s = f"${value:g} per M tokens"
    elif unit == "usd":
        s = f"${value:,.0f}"
    elif unit == "ratio":
        s = f"{value:g}x"
    elif unit == "year":
        s = f"{value:.0f}"
    else:
        s = _fmt(float(value), str(unit))
    prefix = {"about": "about ", "over": "over ", "order of magnitude": "an order of magnitude, "}.get(qual, "")
    return prefix + s


def _is_missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def check_claim(row: dict, fn: Callable | None, ctx, *, tolerance: float = DEFAULT_TOLERANCE) -> Check:
    """Run one claim's computation and turn it into a :class:`Check` (never raises for a failing ``fn``)."""
    cid = row["claim_id"]
    said = claimed_text(row)
    base = dict(claim_id=cid, topic=row.get("topic") or "", quote=row.get("quote") or "")
    if fn is None:
        v = not_checkable("No data in the package bear on this claim.")
        return Check(**base, claimed=said, estimate="", verdict=v.verdict, reason=v.reason,
                     link=f"{REPORT_HTML}#{S_NOT}", section=S_NOT)
    try:
        f = fn(ctx)
        link = f.link or f"{REPORT_HTML}#{f.section}"
        est_text = f.text if f.text is not None else (format_estimate(f.estimate) if f.estimate is not None else "")
        if f.verdict is not None:
            v = Verdict(f.verdict, f.reason or "")
        else:
            if f.estimate is None:
                raise ValueError(f"claim {cid}: the computation returned neither an estimate nor a verdict")
            claimed = f.claimed if f.claimed is not None else row.get("value")
            if _is_missing(claimed):
                claimed = row.get("value_low")
            if _is_missing(claimed):
                raise ValueError(f"claim {cid}: no claimed value to compare (value and value_low are empty)")
            direction = f.direction or ("at_least" if row.get("qualifier") == "over" else "equal")
            precision = f.precision if f.precision is not None else stated_precision(claimed)
            v = judge(claimed, f.estimate, tolerance=tolerance, direction=direction, precision=precision,
                      scale=f.scale)
        reason = v.reason if not f.note else f"{v.reason} {f.note}"
        return Check(**base, claimed=f.claimed_text or said, estimate=est_text, verdict=v.verdict, reason=reason,
                     link=link, estimate_value=f.estimate, section=f.section)
    except Exception as exc:  # a failing computation is shown, with its error
        v = not_computed(exc)
        return Check(**base, claimed=said, estimate="", verdict=v.verdict, reason=v.reason,
                     link=f"{REPORT_HTML}#{S_NOT_COMPUTED}", section=S_NOT_COMPUTED)


def evaluate(claims: pd.DataFrame, ctx, *, checks: dict | None = None, tolerance: float = DEFAULT_TOLERANCE) -> list[Check]:
    """One :class:`Check` per row of ``claims`` (article order), using ``checks`` (default :data:`CHECKS`)."""
    checks = CHECKS if checks is None else checks
    unknown = sorted(set(checks) - set(claims["claim_id"]))
    if unknown:
        raise ValueError(f"checks for claim ids not in article_claims: {unknown}")
    out = []
    for row in claims.to_dict("records"):
        out.append(check_claim(row, checks.get(row["claim_id"]), ctx, tolerance=tolerance))
    return out


def checks_frame(checks: list[Check]) -> pd.DataFrame:
    return pd.DataFrame([c.row() for c in checks])


# --------------------------------------------------------------------------- context


class Context:
    """Parameters and lazily loaded tables shared by the claim computations (one per report run)."""

    def __init__(self, *, week_start: str = ARTICLE_WEEK, scenario: str = "reference", country: str = "CN",
                 model: str = "minimax-m2.5", draws: int = 2000, seed: int = 0, btc_year: int = 2024,
                 dc_gpus: int = 100_000, loader: Callable[[str], pd.DataFrame] | None = None):
        self.week_start = week_start
        self.scenario = scenario
        self.country = country
        self.model = model
        self.draws = int(draws)
        self.seed = int(seed)
        self.btc_year = int(btc_year)
        self.dc_gpus = int(dc_gpus)
        self._loader = loader
        self._tables: dict[str, pd.DataFrame] = {}
        self._cache: dict[str, object] = {}

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            if self._loader is not None:
                self._tables[name] = self._loader(name)
            else:
                from tokenecon import data

                self._tables[name] = data.load(name)
        return self._tables[name]

    def cached(self, key: str, fn: Callable[[], object]):
        """Memoise an expensive shared computation (the article week, a Monte Carlo) for this run."""
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]


# --------------------------------------------------------------------------- claim computations: tokens

S_TOKENS = "Tokens-on-OpenRouter"
S_PRICES = "Prices-and-the-bill"
S_HARDWARE = "Hardware-and-model-size"
S_ELECTRICITY = "Electricity-prices"
S_BITCOIN = "Bitcoin-mining"
S_THESIS = "Is-a-token-an-electricity-export"
S_NOT = "Claims-the-data-cannot-check"
S_NOT_COMPUTED = "Claims-not-computed"
#: Report sections (heading text) by anchor: nbconvert's lab template gives each Markdown heading the id
#: "heading text with spaces replaced by '-'", so the notebook's headings must read exactly like this.
SECTIONS = {
    S_TOKENS: "Tokens on OpenRouter",
    S_PRICES: "Prices and the bill",
    S_HARDWARE: "Hardware and model size",
    S_ELECTRICITY: "Electricity prices",
    S_BITCOIN: "Bitcoin mining",
    S_THESIS: "Is a token an electricity export",
    S_NOT: "Claims the data cannot check",
    S_NOT_COMPUTED: "Claims not computed",
}


def section_of(check: "Check") -> str:
    """The anchor of the fact-check section that lists ``check``."""
    return check.section or check.link.partition("#")[2]


def heading_anchor(heading: str) -> str:
    """nbconvert's id for a Markdown heading: its text with spaces replaced by '-'."""
    return heading.strip().replace(" ", "-")


#: Sections of the other reports that compute a claim, by report HTML: heading texts (a test checks the notebooks).
OTHER_REPORT_HEADINGS = {
    "token_share.html": ("The article week recomputed", "Where Chinese-model tokens are computed",
                         "Electricity and carbon behind Chinese-model tokens"),
    "bitcoin_vs_tokens.html": ("China share of the hash rate and where the data stop",
                               "Revenue per kWh from Bitcoin and from tokens",
                               "Electricity exported by mining at its peak and by tokens today"),
    "token_cost.html": ("What a million tokens cost, and what share is electricity",),
}


def heading_link(report: str, heading: str) -> str:
    """``report.html#anchor`` for a heading of :data:`OTHER_REPORT_HEADINGS` (unknown ones refused)."""
    if heading not in OTHER_REPORT_HEADINGS.get(report, ()):
        raise ValueError(f"heading {heading!r} of {report!r}: not in OTHER_REPORT_HEADINGS {OTHER_REPORT_HEADINGS}")
    return f"{report}#{heading_anchor(heading)}"


L_ARTICLE_WEEK = heading_link("token_share.html", "The article week recomputed")
L_PLACE = heading_link("token_share.html", "Where Chinese-model tokens are computed")
L_BTC_MAP = heading_link("bitcoin_vs_tokens.html", "China share of the hash rate and where the data stop")
L_BTC_REVENUE = heading_link("bitcoin_vs_tokens.html", "Revenue per kWh from Bitcoin and from tokens")
L_TOKEN_COST = heading_link("token_cost.html", "What a million tokens cost, and what share is electricity")


def _week(ctx: Context):
    from tokenecon.analysis import share

    return ctx.cached("article_week", lambda: share.article_week(
        ctx.table("openrouter_weekly_top10"), ctx.table("labs"), ctx.week_start))


def _week_rows(ctx: Context) -> pd.DataFrame:
    w = ctx.table("openrouter_weekly_top10")
    rows = w[w["week_start"] == pd.Timestamp(ctx.week_start)].sort_values("rank")
    if rows.empty:
        raise ValueError(f"week_start {ctx.week_start}: not in openrouter_weekly_top10")
    return rows


def _point(x: float, unit: str = "") -> Estimate:
    return Estimate(float(x), float(x), float(x), unit)


def top10_weekly_tokens(ctx):
    wk = _week(ctx)
    return Finding(_point(wk.top10_tokens, "tokens"), section=S_TOKENS, link=L_ARTICLE_WEEK,
                   note=f"Week {wk.week_start.date()} to {wk.week_end.date()}, sum of the ten largest models.")


def china_weekly_tokens(ctx):
    wk = _week(ctx)
    return Finding(_point(wk.china_tokens, "tokens"), section=S_TOKENS, link=L_ARTICLE_WEEK,
                   note="Chinese labs' models in that week's top ten, by the labs table.")


def china_top10_share(ctx):
    wk = _week(ctx)
    return Finding(_point(100 * wk.china_share, "%"), section=S_TOKENS, link=L_ARTICLE_WEEK,
                   note="This is a share of the top ten, not of the platform, which is lower (see the token-share report).")


def m25_weekly_tokens(ctx):
    wk = _week(ctx)
    return Finding(_point(wk.m25_tokens, "tokens"), section=S_TOKENS, link=L_ARTICLE_WEEK)


def _rank_of(ctx, prefix: str) -> tuple[int, pd.DataFrame]:
    rows = _week_rows(ctx)
    hit = rows[rows["model_slug"].str.startswith(prefix)]
    if len(hit) != 1:
        raise ValueError(f"model {prefix!r}: expected one row in week {ctx.week_start}, found {list(hit['model_slug'])}")
    return int(hit["rank"].iloc[0]), rows


def _rank_finding(ctx, prefix: str, claimed_rank: int, name: str) -> Finding:
    rank, rows = _rank_of(ctx, prefix)
    at = rows[rows["rank"] == claimed_rank]["model_name"]
    holder = at.iloc[0] if len(at) else "nobody"
    if rank == claimed_rank:
        return Finding(text=f"rank {rank}", verdict="supported", section=S_TOKENS, link=L_ARTICLE_WEEK,
                       reason=f"{name} is number {rank} in the week of {ctx.week_start}.")
    return Finding(text=f"rank {rank}", verdict="contradicted", section=S_TOKENS, link=L_ARTICLE_WEEK,
                   reason=f"{name} is number {rank}, not {claimed_rank}, in the week of {ctx.week_start}; "
                          f"number {claimed_rank} is {holder}.")


def m25_rank_first(ctx):
    return _rank_finding(ctx, "minimax/minimax-m2.5", 1, "MiniMax M2.5")


def kimi_k25_rank_second(ctx):
    return _rank_finding(ctx, "moonshotai/kimi-k2.5", 2, "Kimi K2.5")


def glm5_rank_third(ctx):
    return _rank_finding(ctx, "z-ai/glm-5", 3, "GLM-5")


def top3_all_china(ctx):
    from tokenecon.analysis import share

    wk = _week(ctx)
    names = ", ".join(f"{n} ({b})" for n, b in wk.top3)
    # every week of the table, to say whether the claim held in any week
    w = share.attach_labs(ctx.table("openrouter_weekly_top10"), ctx.table("labs"), table="openrouter_weekly_top10")
    top3 = w[w["rank"] <= 3].groupby("week_start")["bloc"].apply(lambda s: bool((s == "china").all() and len(s) == 3))
    held = [str(d.date()) for d, ok in top3.items() if ok]
    when = f"it held in {len(held)} of {len(top3)} weeks of the table ({', '.join(held[:4])}{'...' if len(held) > 4 else ''})" \
        if held else f"it held in none of the {len(top3)} weeks of the table"
    verdict = "supported" if wk.top3_all_china else "contradicted"
    return Finding(text=names, verdict=verdict, section=S_TOKENS, link=L_ARTICLE_WEEK,
                   reason=f"In the week of {wk.week_start.date()} the top three were {names}; {when}.")


# --------------------------------------------------------------------------- prices and the bill


def _week_model(ctx, prefix: str) -> pd.Series:
    rows = _week_rows(ctx)
    hit = rows[rows["model_slug"].str.startswith(prefix)]
    if len(hit) != 1:
        raise ValueError(f"model {prefix!r}: expected one row in week {ctx.week_start}, found {list(hit['model_slug'])}")
    return hit.iloc[0]


def m25_input_price(ctx):
    r = _week_model(ctx, "minimax/minimax-m2.5")
    return Finding(_point(r["prompt_usd_per_mtok"], "USD per M tokens"), section=S_PRICES,
                   note=f"OpenRouter list price in the week of {ctx.week_start}; output tokens cost "
                        f"${r['completion_usd_per_mtok']:g}.")


def opus46_input_price(ctx):
    r = _week_model(ctx, "anthropic/claude-4.6-opus")
    return Finding(_point(r["prompt_usd_per_mtok"], "USD per M tokens"), section=S_PRICES,
                   note=f"Output tokens cost ${r['completion_usd_per_mtok']:g}.")


def input_price_ratio(ctx):
    a = _week_model(ctx, "anthropic/claude-4.6-opus")
    b = _week_model(ctx, "minimax/minimax-m2.5")
    return Finding(_point(a["prompt_usd_per_mtok"] / b["prompt_usd_per_mtok"], "ratio"), section=S_PRICES)


def bill_ratio_at_list_prices(mix: pd.Series, old: pd.Series, new: pd.Series) -> float:
    """Old bill / new bill for one token mix (a weekly row: prompt incl. cached, completion, cached tokens) at two
    price lists (weekly rows' prompt/completion/cache-read prices): :func:`tokenecon.model.pricing.bill_ratio`."""
    cached = 0.0 if _is_missing(mix["cached_tokens"]) else float(mix["cached_tokens"])
    shares = {"cached_input": cached, "input": float(mix["prompt_tokens"]) - cached, "output": float(mix["completion_tokens"])}

    def prices(p):
        return {"input": p["prompt_usd_per_mtok"], "output": p["completion_usd_per_mtok"],
                "cached_input": None if _is_missing(p["cache_read_usd_per_mtok"]) else p["cache_read_usd_per_mtok"]}

    try:
        return float(pricing.bill_ratio(shares, prices(old), prices(new)))
    except ValueError:
        raise ValueError("bill_ratio_at_list_prices: the new bill is zero (free model?)") from None


def bill_cut_order_of_magnitude(ctx):
    rows = _week_rows(ctx)
    opus = _week_model(ctx, "anthropic/claude-4.6-opus")
    m25 = _week_model(ctx, "minimax/minimax-m2.5")
    paid = rows[(~rows["is_free"]) & rows["prompt_tokens"].notna()]
    ratios = [bill_ratio_at_list_prices(r, opus, m25) for _, r in paid.iterrows()]
    central = bill_ratio_at_list_prices(opus, opus, m25)
    est = Estimate(min(ratios + [central]), central, max(ratios + [central]), "ratio")
    return Finding(est, scale="log", precision=ORDER_OF_MAGNITUDE_DECADES, claimed=10.0, section=S_PRICES,
                   note="Central: Claude Opus 4.6's own mix of input, cached and output tokens that week priced at both "
                        "list prices; the interval spans the mixes of the week's other paid models. Same tokens "
                        "assumed; any extra tokens the cheaper model uses eat into the saving.")


def chat_tokens_per_conversation(ctx):
    rows = _week_rows(ctx)
    per_req = float(rows["total_tokens"].sum() / rows["requests"].sum())
    return Finding(text=f"{per_req:,.0f} tokens per API request (top ten, week of {ctx.week_start})",
                   verdict="not checkable", section=S_NOT,
                   reason=f"The data count API requests, not chat conversations: an average request in the week's top ten "
                          f"carried {per_req:,.0f} tokens, which reflects agent and coding workloads rather than "
                          f"ordinary chats.")


def swe_scores(ctx):
    att = ctx.table("model_attributes").set_index("model_base")
    have = att["swebench_bash_only_resolved_pct"].dropna()
    m25 = att.loc["minimax/minimax-m2.5", "swebench_bash_only_resolved_pct"] if "minimax/minimax-m2.5" in att.index else None
    opus = att.loc["anthropic/claude-4.6-opus", "swebench_bash_only_resolved_pct"] if "anthropic/claude-4.6-opus" in att.index else None
    if not _is_missing(m25) and not _is_missing(opus):
        raise NotImplementedError("both scores are now in model_attributes: write the comparison")
    best = have.idxmax()
    return Finding(verdict="not checkable", section=S_NOT,
                   reason=f"The package's SWE-bench table (bash-only leaderboard, 2025-12-10) predates both models and "
                          f"has no score for either; its best entry is {best} at {have.max():g}%. The article's figures are "
                          f"vendor-reported SWE-bench Verified scores.")


# --------------------------------------------------------------------------- hardware, power, model size


def h100_price(ctx):
    hw = ctx.table("hardware").set_index("hardware")
    r = hw.loc["H100"]
    return Finding(Estimate(float(r["price_usd_low"]), float(r["price_usd_central"]), float(r["price_usd_high"]), "USD"),
                   section=S_HARDWARE, note=f"Range of reported prices per GPU ({r['price_basis']}).")


def gpu_power_full_load(ctx):
    hw = ctx.table("hardware").set_index("hardware")
    tdp = float(hw.loc["H100", "tdp_w"])
    em = ctx.table("energy_measurements")
    h = em[(em["hardware"] == "H100") & em["power_w"].notna() & (em["num_gpus"] > 0)]
    note = ""
    if len(h):
        per_gpu = h["power_w"] / h["num_gpus"]  # power_w is the run's total over its GPUs
        note = (f"Measured while serving (ML.ENERGY, {len(h)} H100 runs) a GPU board drew a median of "
                f"{per_gpu.median():.0f} W and at most {per_gpu.max():.0f} W, so full load is the ceiling, "
                f"not the typical draw; facility power per GPU is higher (host and cooling).")
    return Finding(_point(tdp, "W"), section=S_HARDWARE, note=note)


def _model_row(ctx, key: str) -> pd.Series:
    m = ctx.table("models").set_index("model")
    if key not in m.index:
        raise ValueError(f"model {key!r} not in the models table; known: {', '.join(sorted(m.index))}")
    return m.loc[key]


def m25_active_params(ctx):
    r = _model_row(ctx, "minimax-m2.5")
    return Finding(_point(float(r["active_params_b"]) * 1e9, "parameters"), section=S_HARDWARE,
                   note=f"{r['experts_per_token']:.0f} of {r['n_experts']:.0f} experts per token (models table).")


def m25_total_params(ctx):
    r = _model_row(ctx, "minimax-m2.5")
    return Finding(_point(float(r["total_params_b"]) * 1e9, "parameters"), section=S_HARDWARE)


def chinese_labs_in_token_tables(labs: pd.DataFrame, *token_tables: pd.DataFrame) -> list[str]:
    """Distinct Chinese labs (``labs.lab``) whose models appear in any of the token tables (by ``author``)."""
    authors = set().union(*(set(t["author"].dropna()) for t in token_tables))
    cn = labs[(labs["bloc"] == "china") & (~labs["is_aggregate"].astype(bool)) & labs["author"].isin(authors)]
    return sorted(cn["lab"].unique())


def cn_ai_competitors(ctx):
    names = chinese_labs_in_token_tables(ctx.table("labs"), ctx.table("openrouter_weekly_top10"),
                                         ctx.table("openrouter_daily_top50"))
    return Finding(_point(len(names), "companies"), section=S_HARDWARE, direction="at_least", claimed=13, precision=0.0,
                   note=f"Counted as distinct Chinese labs whose models appear in OpenRouter's token tables: "
                        f"{', '.join(names)}.")


def deepseek_v3_vs_gpt4o_cost_ratio(ctx):
    r = _model_row(ctx, "deepseek-v3")
    known = set(ctx.table("models")["model"])
    if any(k.startswith("gpt-4o") for k in known):
        raise NotImplementedError("GPT-4o is now in the models table: write the comparison")
    return Finding(verdict="not checkable", section=S_NOT,
                   reason=f"GPT-4o's size, serving cost and prices are not in the package's tables, so neither a cost nor a "
                          f"price ratio can be computed; DeepSeek-V3's list prices are ${r['input_usd_per_mtok']:g} input, "
                          f"${r['cached_input_usd_per_mtok']:g} cached input and ${r['output_usd_per_mtok']:g} output per M "
                          f"tokens. A ratio near 36x arises only when an uncached price is set against a cache-hit price.")


# --------------------------------------------------------------------------- electricity prices


def electricity_discount_pct(cn_usd_per_kwh: float, us_usd_per_kwh: float) -> float:
    """How much cheaper China's price is than the US price, in % of the US price (negative: dearer)."""
    if not (cn_usd_per_kwh > 0 and us_usd_per_kwh > 0):
        raise ValueError(f"electricity prices must be > 0, got CN {cn_usd_per_kwh!r} and US {us_usd_per_kwh!r} USD/kWh")
    return 100.0 * (us_usd_per_kwh - cn_usd_per_kwh) / us_usd_per_kwh


def cn_electricity_discount(ctx):
    from tokenecon.analysis import findings

    f = findings.get("china_power_discount")
    hub = findings.get("western_hub_power_discount")
    pct = (f.value * 100.0).with_unit("%")
    return Finding(pct, section=S_ELECTRICITY,
                   note=f"Data centres buy at industrial rates; {f.scope.note} ({f.scope.period}). China is between "
                        f"{-pct.low:.0f}% dearer and {pct.high:.0f}% cheaper, depending on the source. Only the subsidised "
                        f"western hubs ({hub.scope.period}, domestic chips only) come near the article's figure, "
                        f"{hub.central:.0%} below the US average.")




def _uncertain(ctx, name: str, scope: str = "all") -> Estimate:
    u = ctx.table("uncertain_inputs")
    r = u[(u["name"] == name) & (u["scope"] == scope)]
    if len(r) != 1:
        raise ValueError(f"uncertain_inputs: expected one row name={name!r} scope={scope!r}, found {len(r)}")
    r = r.iloc[0]
    return Estimate(float(r["low"]), float(r["central"]), float(r["high"]), str(r["unit"]))


def dc_electricity_bill_annual(ctx):
    """Annual electricity bill of a site of ``ctx.dc_gpus`` H100s: TDP x (1 + server overhead) x PUE x hours x price.

    Server overhead and PUE come from ``uncertain_inputs`` (low/central/high), prices from
    ``electricity_prices`` (China's and the US industrial price, latest year): low end with all lows and the
    cheaper price, high end with all highs and the dearer one.
    """
    gpus = ctx.dc_gpus
    if gpus < 1:
        raise ValueError(f"dc_gpus={gpus!r}: expected a positive number of GPUs")
    tdp_kw = float(ctx.table("hardware").set_index("hardware").loc["H100", "tdp_w"]) / 1000
    oh = _uncertain(ctx, "server_overhead")
    pue = _uncertain(ctx, "pue")
    p = ctx.table("electricity_prices")
    prices = p[p["region"].isin(["CN", "US"])].sort_values("year").groupby("region")["industrial_usd_per_kwh"].last()

    def bill(o, e, price):
        return gpus * tdp_kw * (1 + o) * e * HOURS_PER_YEAR * price

    est = Estimate(bill(oh.low, pue.low, float(prices.min())), bill(oh.central, pue.central, float(prices.mean())),
                   bill(oh.high, pue.high, float(prices.max())), "USD per year")
    return Finding(est, section=S_ELECTRICITY, direction="at_least", claimed=1e8, precision=0.0,
                   note=f"For {gpus:,} H100 GPUs at full power ({tdp_kw * 1000:.0f} W) plus {oh.low:.0%}-{oh.high:.0%} "
                        f"server overhead, PUE {pue.low:g}-{pue.high:g}, and industrial prices of "
                        f"{prices.min():g}-{prices.max():g} USD/kWh; 'large' is read as {gpus:,} GPUs, and the bill "
                        f"scales with that number.")


# --------------------------------------------------------------------------- Bitcoin


def _china_btc_share(ctx) -> pd.Series:
    from tokenecon.model import bitcoin

    return bitcoin.china_share_monthly(ctx.table("cbeci_country_hashrate_monthly"))


def btc_china_hashrate_share(ctx):
    s = _china_btc_share(ctx)
    before = s[s.index < pd.Period("2021-01", "M")]
    if before.empty:
        raise ValueError("no CBECI map month before 2021")
    est = Estimate(100 * float(before.min()), 100 * float(before.max()), 100 * float(before.max()), "%")
    return Finding(est, section=S_BITCOIN, link=L_BTC_MAP, direction="at_least",
                   note=f"The CBECI map starts in {before.index.min()}; China peaked at {100 * before.max():.1f}% in "
                        f"{before.idxmax()} and was {100 * before.min():.1f}% at its lowest before 2021 (central = peak, "
                        f"as the article says 'once'); 2015-2018 is not covered by the data.")


def btc_crackdown_year(ctx):
    s = _china_btc_share(ctx)
    zero = s[s <= 0]
    if zero.empty:
        return Finding(text="no month at 0%", verdict="contradicted", section=S_BITCOIN, link=L_BTC_MAP,
                       reason="China's share never falls to zero in the CBECI map.")
    first = zero.index.min()
    before = s[s.index < first]
    return Finding(_point(first.year, "year"), section=S_BITCOIN, link=L_BTC_MAP, precision=0.5,
                   note=f"China's share fell from {100 * before.iloc[-1]:.0f}% in {before.index[-1]} to 0% in {first}; "
                        f"it reappears later at about {100 * s.iloc[-1]:.0f}% ({s.index[-1]}), covert mining.")


def btc_migration_destinations(ctx):
    c = ctx.table("cbeci_country_hashrate_monthly").copy()
    c["month"] = pd.to_datetime(c["month"]).dt.to_period("M")
    before, after = pd.Period("2021-04", "M"), c["month"].max()
    a = c[c["month"] == before].set_index("country")["hashrate_pct"]
    b = c[c["month"] == after].set_index("country")["hashrate_pct"]
    gain = (b.reindex(a.index.union(b.index)).fillna(0) - a.reindex(a.index.union(b.index)).fillna(0)).sort_values(ascending=False)
    gain = gain.drop("Other", errors="ignore")
    named = {"Kazakhstan": "Kazakhstan", "Texas": "United States", "Canada": "Canada"}
    missing = [k for k, v in named.items() if v not in gain.index]
    if missing:
        raise ValueError(f"cbeci_country_hashrate_monthly: no row for {missing}")
    gainers = gain[gain > 0]
    parts = ", ".join(f"{k} {v:+.1f}" for k, v in gainers.head(5).items())
    ok = all(gain[v] > 0 for v in named.values())
    verdict = "supported" if ok else "contradicted"
    return Finding(text=f"share gains {before} to {after}: {parts} points", verdict=verdict, section=S_BITCOIN, link=L_BTC_MAP,
                   reason=f"From {before} to {after} the hash-rate share rose for {', '.join(gainers.index[:5])} "
                          f"({parts} points); the map is by country, so Texas is seen only as part of the United States.")


# --------------------------------------------------------------------------- the thesis


def _serving_cost(ctx):
    from tokenecon.analysis import token_cost

    return token_cost.cost_stack(ctx.model, ctx.country, "output", ctx.scenario, ctx.draws, ctx.seed)


def _finding(ctx, key: str, **kw):
    """A shared figure at this run's scenario, draws and seed (see tokenecon.analysis.findings)."""
    from tokenecon.analysis import findings

    return findings.get(key, scenario=ctx.scenario, draws=ctx.draws, seed=ctx.seed, **kw)


#: How the fact-check reads the thesis "token exports are essentially electricity exports": electricity is at
#: least :data:`MAJORITY` of what a token costs. A reading of vague words, stated with every verdict that uses it.
THESIS_READING = (f"Reading 'essentially electricity exports' as 'electricity is at least {MAJORITY:.0%} of a token's "
                  f"cost' (a reading; the article gives no figure): ")


def thesis_electricity_export(ctx):
    share = _finding(ctx, "electricity_share_of_token_cost", model=ctx.model, country=ctx.country).value
    return Finding(Estimate(share.low, share.central, share.high, "fraction"), section=S_THESIS, link=L_TOKEN_COST,
                   claimed=MAJORITY, claimed_text=f"electricity is most of a token's cost (read as at least {MAJORITY:.0%})",
                   direction="at_least", precision=0.0,
                   note=f"{THESIS_READING}this is the electricity share of the cost of a {ctx.model} output token served "
                        f"in {ctx.country} (scenario '{ctx.scenario}', cost model Monte Carlo, 90% interval).")


def token_cost_two_components(ctx):
    cost = _serving_cost(ctx)
    tot = cost["total"].central
    two = (cost["capex"].central + cost["electricity"].central) / tot
    return Finding(_point(two, "fraction"), section=S_THESIS, link=L_TOKEN_COST, claimed=1.0, precision=0.0,
                   claimed_text="GPU depreciation + electricity = the whole cost",
                   note=f"GPU capital is {cost['capex'].central / tot:.0%} and electricity "
                        f"{cost['electricity'].central / tot:.0%} of the central cost; the rest is hosting, network "
                        f"and operations.")


def _token_energy(ctx, scope: str = "computed_in_china"):
    """The token-share report's electricity behind Chinese-model tokens (tokenecon.analysis.electricity)."""
    from tokenecon.analysis import electricity

    return electricity.token_electricity(scope, ctx.scenario, ctx.draws, ctx.seed)


def _inference_place(ctx):
    return _token_energy(ctx).place


def requests_served_in_china(ctx):
    place = _inference_place(ctx)
    est = place.china_computed_share
    snap = pd.Timestamp(ctx.table("openrouter_provider_tokens_24h")["snapshot_date"].iloc[0])
    return Finding(Estimate(est.low, est.central, est.high, "fraction"), section=S_THESIS, link=L_PLACE, claimed=MAJORITY,
                   claimed_text=f"Chinese-model requests go to data centres in China (read as: most, at least {MAJORITY:.0%}, "
                                f"of Chinese-model tokens are computed in China)",
                   direction="at_least", precision=0.0,
                   note=f"The article names no share, so 'most' is a reading. From OpenRouter's provider data (24 h to "
                        f"{snap:%Y-%m-%d}): providers' published data-centre countries and headquarters; counting by "
                        f"headquarters alone would give {min(place.hq_based_share, 1):.0%}.")


def _token_revenue(ctx) -> Estimate:
    """List-price revenue per kWh of the Chinese models' real token mix at the week's own prices (one finding)."""
    return _finding(ctx, "token_revenue_usd_per_kwh", week=ctx.week_start).value


def _btc_revenue(ctx) -> Estimate:
    from tokenecon.analysis import findings

    return findings.get("btc_revenue_usd_per_kwh_latest", year=ctx.btc_year).value


def _kwh_per_usd(e: Estimate) -> Estimate:
    return (1.0 / e).with_unit("kWh per USD")


def _token_kwh_per_usd(ctx) -> Estimate:
    return _kwh_per_usd(_token_revenue(ctx))


def _btc_kwh_per_usd(ctx) -> Estimate:
    return _kwh_per_usd(_btc_revenue(ctx))


def tokens_vs_bitcoin_value(ctx):
    tok, btc = _token_revenue(ctx), _btc_revenue(ctx)
    ratio = (tok / btc).with_unit("ratio")
    verdict = "supported" if ratio.low > 1 else ("roughly" if ratio.central > 1 else "contradicted")
    return Finding(ratio, text=f"{format_estimate(ratio)} more revenue per kWh", verdict=verdict, section=S_THESIS,
                   link=L_BTC_REVENUE,
                   reason=f"Reading 'more commercial value' as revenue per kWh: a kWh serving the Chinese models' real "
                          f"token mix (week of {ctx.week_start}, list prices) earns {tok.central:.3g} USD "
                          f"({tok.low:.3g}-{tok.high:.3g}), {format_estimate(ratio)} what a kWh of Bitcoin mining earned "
                          f"in {ctx.btc_year} ({btc.central:.3g} USD, all miners: 'today' read as the latest full year "
                          f"of data).")


# --------------------------------------------------------------------------- claims outside the data


def _outside(reason: str):
    def fn(ctx):
        return Finding(verdict="not checkable", reason=reason, section=S_NOT)
    fn.__doc__ = reason
    return fn


CHECKS: dict[str, Callable[[Context], Finding]] = {
    "top10_weekly_tokens": top10_weekly_tokens,
    "china_weekly_tokens": china_weekly_tokens,
    "china_top10_share": china_top10_share,
    "m25_weekly_tokens": m25_weekly_tokens,
    "m25_rank_first": m25_rank_first,
    "kimi_k25_rank_second": kimi_k25_rank_second,
    "glm5_rank_third": glm5_rank_third,
    "top3_all_china": top3_all_china,
    "m25_swe_score": swe_scores,
    "opus46_swe_score": swe_scores,
    "swe_gap_negligible": swe_scores,
    "m25_input_price": m25_input_price,
    "opus46_input_price": opus46_input_price,
    "input_price_ratio": input_price_ratio,
    "bill_cut_order_of_magnitude": bill_cut_order_of_magnitude,
    "openclaw_github_stars": _outside("The package holds no GitHub data."),
    "openclaw_spend": _outside("A personal anecdote; no data on individual bills."),
    "chat_tokens_per_conversation": chat_tokens_per_conversation,
    "words_per_token": _outside("The package holds no tokenizer or text corpus to measure words per token."),
    "token_cost_two_components": token_cost_two_components,
    "h100_price": h100_price,
    "gpu_power_full_load": gpu_power_full_load,
    "dc_electricity_bill_annual": dc_electricity_bill_annual,
    "request_round_trip": _outside("The package holds no latency measurements."),
    "requests_served_in_china": requests_served_in_china,
    "thesis_electricity_export": thesis_electricity_export,
    "cn_electricity_discount": cn_electricity_discount,
    "deepseek_v3_vs_gpt4o_cost_ratio": deepseek_v3_vs_gpt4o_cost_ratio,
    "m25_active_params": m25_active_params,
    "m25_total_params": m25_total_params,
    "cn_ai_competitors": cn_ai_competitors,
    "btc_china_mining_start": _outside("The CBECI mining map starts in 2019-09; no geographic data cover 2015."),
    "btc_china_hashrate_share": btc_china_hashrate_share,
    "btc_crackdown_year": btc_crackdown_year,
    "btc_migration_destinations": btc_migration_destinations,
    "tokens_vs_bitcoin_value": tokens_vs_bitcoin_value,
    "cable_year": _outside("Historical context outside the package's data."),
    "sputnik_year": _outside("Historical context outside the package's data."),
    "apollo_cost": _outside("Historical context outside the package's data."),
}


def headline_findings(ctx) -> list:
    """The fact-check's headline figures for the landing page, thesis first: electricity's share of a token's cost,
    where Chinese-model tokens are computed, how much cheaper China's power is, the value per kWh against Bitcoin
    and the electricity behind the tokens; then the article's week. Each is the shared finding (one definition)."""
    from tokenecon.analysis import findings

    run = dict(scenario=ctx.scenario, draws=ctx.draws, seed=ctx.seed)
    return [
        findings.get("electricity_share_of_token_cost", model=ctx.model, country=ctx.country, **run),
        findings.get("china_computed_share", **run),
        findings.get("china_power_discount"),
        findings.get("tokens_vs_bitcoin_revenue_per_kwh"),
        findings.get("china_computed_mwh_per_week", **run),
        findings.get("article_week_china_top10_share", week_start=ctx.week_start),
    ]


def verdict_counts(checks: list[Check]) -> dict[str, int]:
    """Number of claims per verdict, in :data:`VERDICTS` order (zeros kept)."""
    counts = {v: 0 for v in VERDICTS}
    for c in checks:
        counts[c.verdict] += 1
    return counts


def thesis_numbers(ctx) -> dict[str, Estimate | Exception]:
    """The three numbers that answer "token consumption is electricity export" (each an Estimate or the error).

    ``electricity_share``: electricity share of a token's cost (serving model); ``kwh_per_usd_tokens`` and
    ``kwh_per_usd_bitcoin``: electricity per USD of revenue (``revenue_usd_per_kwh_*``: its inverse, USD per kWh);
    ``china_computed_share``: share of Chinese-model tokens computed in China; ``china_computed_mwh_per_week``: their
    electricity (:func:`tokenecon.analysis.share.chinese_token_electricity`, the token-share report's figure).
    """
    out: dict[str, Estimate | Exception] = {}
    for key, fn in (
        ("electricity_share", lambda: _serving_cost(ctx)["electricity_share"]),
        ("kwh_per_usd_tokens", lambda: _token_kwh_per_usd(ctx)),
        ("kwh_per_usd_bitcoin", lambda: _btc_kwh_per_usd(ctx)),
        ("china_computed_share", lambda: _inference_place(ctx).china_computed_share),
        ("revenue_usd_per_kwh_tokens", lambda: _token_revenue(ctx)),
        ("revenue_usd_per_kwh_bitcoin", lambda: _btc_revenue(ctx)),
        ("china_computed_mwh_per_week", lambda: _token_energy(ctx).mwh_per_week),
    ):
        try:
            out[key] = fn()
        except Exception as exc:  # reported as "not computed" with the error
            out[key] = exc
    return out


__all__ = [
    "VERDICTS", "Verdict", "judge", "not_checkable", "not_computed", "stated_precision", "Finding", "Check",
    "Context", "CHECKS", "check_claim", "evaluate", "checks_frame", "verdict_counts", "thesis_numbers",
    "format_estimate", "claimed_text", "electricity_discount_pct", "bill_ratio_at_list_prices",
]

