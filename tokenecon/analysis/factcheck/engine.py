"""The fact-check's verdict engine: the rules that compare a claimed figure with an estimate, and the run.

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
from tokenecon.analysis.factcheck.links import S_NOT, S_NOT_COMPUTED
from tokenecon.analysis.token_cost import MAJORITY  # noqa: F401  (the thesis reading: at least half)

VERDICTS = ("supported", "roughly", "overstated", "contradicted", "not checkable", "not computed")
DIRECTIONS = ("equal", "at_least", "at_most")
SCALES = ("linear", "log")
#: Default relative tolerance of "roughly": a claim within 15% of the estimate's interval.
DEFAULT_TOLERANCE = 0.15
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


def _fmt(x: float, unit: str = "", decimals: int | None = None) -> str:
    """A figure in words with at most 3 significant figures; ``decimals`` (in the unit shown: points for a
    percentage) rounds it coarser where an interval's width says the last digits mean nothing."""
    unit = UNIT_WORDS.get(unit, unit)

    def num(v: float, fallback: str) -> str:
        if decimals is None or v == 0:
            return format(v, fallback)
        e = math.floor(math.log10(abs(v)))
        d = max(min(decimals, max(0, 2 - e)), -e)  # at most 3 significant figures, at least 1
        return f"{v:,.{d}f}"

    if unit in ("fraction", "share"):
        return f"{num(100 * x, '.3g')}%"
    if unit == "year":
        return f"{x:.0f}"
    if unit == "%":
        return f"{num(x, '.3g')}%"
    ax = abs(x)
    for scale, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if ax >= scale:
            s = f"{x / scale:.3g}{word}"
            break
    else:
        s = f"{x:,.0f}" if ax >= 1000 else num(x, ".3g")
    if unit and unit not in ("fraction", "share", "ratio", "rank"):
        s += f" {unit}"
    elif unit == "ratio":
        s += "x"
    return s


def interval_decimals(est: Estimate, unit: str | None = None) -> int | None:
    """Decimals that fit an interval: two significant figures of its width (in the unit shown), so that
    "2.83% (-8.24% to 30.2%)" reads "3% (-8% to 30%)". None for a point."""
    u = UNIT_WORDS.get(est.unit if unit is None else unit, est.unit if unit is None else unit)
    width = (est.high - est.low) * (100 if u in ("fraction", "share") else 1)
    if not width > 0 or not math.isfinite(width):
        return None
    return max(0, 1 - math.floor(math.log10(width)))


def format_estimate(est: Estimate, unit: str | None = None) -> str:
    """'8.74 trillion' for a point, '7.1% (4.0% to 11%)' for an interval, its digits fitted to the interval."""
    u = est.unit if unit is None else unit
    if est.low == est.high:
        return _fmt(est.central, u)
    d = interval_decimals(est, u)
    return f"{_fmt(est.central, u, d)} ({_fmt(est.low, u, d)} to {_fmt(est.high, u, d)})"


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


def _gap_words(x: float, mid: float) -> str:
    """How far the article's figure is from the central estimate, in words: "3% higher", "about 2.5 times"."""
    if mid == 0 or x == 0 or (x > 0) != (mid > 0):
        return "a different sign"
    r = x / mid
    if r >= 2 or r <= 0.5:
        times = r if r >= 1 else 1 / r
        return f"about {times:.2g} times {'higher' if r > 1 else 'lower'}"
    return f"{abs(r - 1):.0%} {'higher' if r > 1 else 'lower'}"


def judge(claimed: float, estimate, *, tolerance: float = DEFAULT_TOLERANCE, direction: str = "equal",
          precision: float = 0.0, scale: str = "linear", unit: str | None = None,
          subject: str | None = None) -> Verdict:
    """Verdict on a claimed figure against the package's estimate (see :func:`_judge`); the reason is one
    sentence that starts with a capital."""
    v = _judge(claimed, estimate, tolerance=tolerance, direction=direction, precision=precision, scale=scale,
               unit=unit, subject=subject)
    return Verdict(v.verdict, v.reason[:1].upper() + v.reason[1:])


def _judge(claimed: float, estimate, *, tolerance: float, direction: str, precision: float, scale: str,
           unit: str | None, subject: str | None) -> Verdict:
    """Verdict on a claimed figure against the package's estimate (see the module docstring for the rules).

    ``tolerance``: relative width of "roughly" beyond the interval (0..1). ``precision``: absolute slack for
    the rounding of the claimed figure (in log10 decades when ``scale="log"``). ``unit`` formats the reason;
    ``subject`` names what is compared ("tokens of the week's top ten"), so that each reason says it.
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
    what = f"{subject[0].upper()}{subject[1:]}: " if subject else ""
    tol = f"{tolerance:.0%}"

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
            return Verdict("supported", f"{what}the package finds {found}, at or above the article's {said}.")
        if hi + p >= x:
            return Verdict("roughly", f"{what}the package's central figure, {found}, is under the article's {said}; "
                                      f"only the top of its range reaches it.")
        if hi + p + slack_hi >= x:
            return Verdict("roughly", f"{what}the package finds {found}; even its top end is short of the article's "
                                      f"{said}, though by less than {tol}.")
        return Verdict("overstated", f"{what}the package finds {found}, so \"at least {said}\" does not hold: even the "
                                     f"top of the range is short by more than {tol}.")
    if direction == "at_most":
        if mid <= x + p:
            return Verdict("supported", f"{what}the package finds {found}, within the article's limit of {said}.")
        if lo - p <= x:
            return Verdict("roughly", f"{what}the package's central figure, {found}, is over the article's {said}; "
                                      f"only the bottom of its range stays under it.")
        if lo - p - slack_lo <= x:
            return Verdict("roughly", f"{what}the package finds {found}; even its bottom end exceeds the article's "
                                      f"{said}, though by less than {tol}.")
        return Verdict("contradicted", f"{what}the package finds {found}, so \"at most {said}\" does not hold: even the "
                                       f"bottom of the range exceeds it by more than {tol}.")

    gap = _gap_words(c, est.central)
    inside = lo - p <= x <= hi + p
    if scale == "linear" and not inside and mid != 0 and x != 0 and (mid > 0) != (x > 0) \
            and (lo > 0) == (hi > 0):
        return Verdict("contradicted", f"{what}the article's {said} and the package's {found} point in opposite "
                                       f"directions.")
    if inside:
        if est.low == est.high:
            if c == est.central:
                return Verdict("supported", f"{what}the article's {said} is the data's own figure.")
            return Verdict("supported", f"{what}the data give {found}; the article's {said} is the same figure, "
                                        f"rounded.")
        return Verdict("supported", f"{what}the article's {said} lies inside the package's range, {found}.")
    if lo - p - slack_lo <= x <= hi + p + slack_hi:
        return Verdict("roughly", f"{what}the article says {said}, the data {found}: {gap}, a gap smaller than the "
                                  f"{tol} allowed for a rounded figure.")
    if x > hi:
        return Verdict("overstated", f"{what}the article's {said} is {gap} than the package's {found}, beyond its "
                                     f"range and the {tol} allowance.")
    return Verdict("contradicted", f"{what}the article's {said} is {gap} than the package's {found}, beyond its "
                                   f"range and the {tol} allowance.")


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


def check_claim(row: dict, fn: Callable | None, ctx, *, tolerance: float = DEFAULT_TOLERANCE,
                subject: str | None = None) -> Check:
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
                      scale=f.scale, subject=subject)
        reason = v.reason if not f.note else f"{v.reason} {f.note}"
        return Check(**base, claimed=f.claimed_text or said, estimate=est_text, verdict=v.verdict, reason=reason,
                     link=link, estimate_value=f.estimate, section=f.section)
    except Exception as exc:  # a failing computation is shown, with its error
        v = not_computed(exc)
        return Check(**base, claimed=said, estimate="", verdict=v.verdict, reason=v.reason,
                     link=f"{REPORT_HTML}#{S_NOT_COMPUTED}", section=S_NOT_COMPUTED)


def evaluate(claims: pd.DataFrame, ctx, *, checks: dict, tolerance: float = DEFAULT_TOLERANCE,
             subjects: dict | None = None) -> list[Check]:
    """One :class:`Check` per row of ``claims`` (article order), using ``checks`` (claim id -> computation;
    :func:`tokenecon.analysis.factcheck.claims.evaluate` passes the article's)."""
    unknown = sorted(set(checks) - set(claims["claim_id"]))
    if unknown:
        raise ValueError(f"checks for claim ids not in article_claims: {unknown}")
    out = []
    for row in claims.to_dict("records"):
        out.append(check_claim(row, checks.get(row["claim_id"]), ctx, tolerance=tolerance,
                               subject=(subjects or {}).get(row["claim_id"])))
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


def require_computed(checks: list[Check]) -> None:
    """Fail when a claim's computation raised: the report's parameters are checked before it runs, so a claim that
    still cannot be computed is an error to fix, not a verdict to publish. The message names each claim and its error."""
    failed = [c for c in checks if c.verdict == "not computed"]
    if failed:
        raise RuntimeError("claims not computed: " + "; ".join(f"{c.claim_id} ({c.reason})" for c in failed))
