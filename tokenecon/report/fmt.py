"""One number formatter for every page: prose, tables, headline cards.

Rules (from the project's style): thousands separators; words for millions and above ("8.74 trillion");
significant figures that fit the uncertainty (:func:`sig_for`); never scientific notation (not in prose,
not in tables); percentages and multipliers written against the number ("4.9%", "17×"); dates in words
("16–22 February 2026").

* :func:`number` — a number with ``sig`` significant figures; integers below a million stay exact.
* :func:`sig_for` — the significant figures an interval supports (to the leading digit of its half-width).
* :func:`estimate` — an :class:`~tokenecon.estimate.Estimate` (or low/central/high dict) as text.
* :func:`pct`, :func:`times` — shares as percentages, ratios as multipliers.
* :func:`day`, :func:`date_range`, :func:`week_of` — dates in words.
* :func:`record_value`, :func:`headline` — a value recorded by a notebook, for the landing page.
* :func:`table_formatters` — per-column formatters for pandas tables (no scientific notation).
"""

from __future__ import annotations

import datetime as _dt
import math
from decimal import ROUND_HALF_UP, Decimal
from numbers import Integral, Real

from tokenecon.analysis import findings

NA = "n/a"
TIMES = "\u00d7"  # ×
EN_DASH = "\u2013"  # –
MINUS = "-"
#: Words for large magnitudes, largest first.
SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
#: Units shown as a percentage of 1 (a share 0.071 -> "7.1%").
SHARE_UNITS = ("share", "fraction")
#: Units shown as percentages already (3.2 -> "3.2%").
PERCENT_UNITS = ("%", "pct", "percent")
#: Units shown as multipliers (17 -> "17×").
TIMES_UNITS = ("x", TIMES, "times")
#: Signed pure numbers (elasticities), two decimals.
PURE_UNITS = ("elasticity",)
#: A kind of number, shown without a suffix (the label says what is counted).
COUNT_UNITS = ("count",)
#: Significant figures of a value without interval, and the most an interval may support.
POINT_SIG, MAX_SIG = 3, 3


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def round_sig(x: float, sig: int) -> float:
    """``x`` rounded to ``sig`` significant figures, halves away from zero as people round (105 -> 110)."""
    if x == 0 or _missing(x):
        return x
    digits = sig - 1 - math.floor(math.log10(abs(x)))
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def _plain(x: float, sig: int, strip: bool = True) -> str:
    """Positional notation with thousands separators and at most ``sig`` significant figures
    (trailing zeros after the decimal point dropped, as ``%g`` does, unless ``strip=False``: in an interval
    the ends keep the centre's precision, "10.7% to 16.0%")."""
    if x == 0:
        return "0"
    exp = math.floor(math.log10(abs(x)))
    r = round_sig(x, sig)
    exp = math.floor(math.log10(abs(r))) if r else exp  # 9.96 -> 10.0 moves up a decade
    decimals = max(0, sig - 1 - exp)
    text = f"{r:,.{decimals}f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number(x, sig: int | None = None, *, words: bool = True, strip: bool = True) -> str:
    """Human text for a number: ``8.743e12 -> '8.74 trillion'``, ``1234.4 -> '1,230'``, ``0.0123456 -> '0.0123'``.

    ``sig`` defaults to 3; integers below a million are then shown exactly (``12,345``): a count is not a
    measurement (pass ``sig`` to round one anyway). ``words=False``
    writes large numbers out in digits (``8,740,000,000,000``). Never scientific notation.
    """
    if isinstance(x, bool):
        return "yes" if x else "no"
    if _missing(x):
        return NA
    if sig is None:
        if isinstance(x, Integral) and abs(int(x)) < 1_000_000:
            return f"{int(x):,}"
        sig = POINT_SIG
    x = float(x)
    sig = max(1, int(sig))
    ax = abs(x)
    if words:
        for scale, word in SCALES:
            if round_sig(ax, sig) >= scale:
                return f"{_plain(x / scale, sig, strip)} {word}"
    return _plain(x, sig, strip)


def sig_for(low: float, central: float, high: float, *, max_sig: int = MAX_SIG, min_sig: int = 2) -> int:
    """Significant figures of ``central`` that an interval ``[low, high]`` supports.

    The last digit shown is the leading digit of the half-width: ``12.8`` in ``[10.7, 16.0]`` (half-width
    2.6, units) keeps 2 figures ("13"); ``4.93`` in ``[4.91, 4.95]`` keeps 3; a point value keeps ``max_sig``.
    Never fewer than ``min_sig`` (2: "2.8%", not "3%", for a gap between -1.1% and 6.9%) nor more than ``max_sig``.
    """
    if any(_missing(v) for v in (low, central, high)):
        return max_sig
    half = (float(high) - float(low)) / 2
    ref = max(abs(float(central)), abs(float(low)), abs(float(high)))
    if half <= 0 or ref == 0:
        return max_sig
    last = math.floor(math.log10(half))  # decimal position of the last digit worth showing
    lead = math.floor(math.log10(abs(float(central)))) if central else math.floor(math.log10(ref))
    return max(min_sig, min(max_sig, lead - last + 1))


def _parts(value):
    """(low, central, high, unit, kind, n_draws) of an Estimate or a low/central/high dict; None otherwise."""
    if isinstance(value, dict):
        if not {"low", "central", "high"} <= set(value):
            return None
        lo, mid, hi = value["low"], value["central"], value["high"]
        unit, kind = value.get("unit"), value.get("kind")
    elif all(hasattr(value, a) for a in ("low", "central", "high")):
        lo, mid, hi = value.low, value.central, value.high
        unit, kind = getattr(value, "unit", None), getattr(value, "kind", None)
    else:
        return None
    if any(isinstance(v, bool) or not isinstance(v, Real) for v in (lo, mid, hi) if v is not None):
        return None
    return lo, mid, hi, unit, kind


def pct(x, digits: int | None = None, *, sig: int | None = None) -> str:
    """A share as a percentage: ``0.613 -> '61.3%'``; ``digits`` fixes the decimals, ``sig`` the figures."""
    if _missing(x):
        return NA
    v = 100 * float(x)
    if digits is not None:
        return f"{v:,.{digits}f}%"
    return _plain(v, sig or POINT_SIG) + "%"


def times(x, sig: int = 2) -> str:
    """A ratio as a multiplier: ``17.3 -> '17×'``, ``1234 -> '1,200×'``."""
    if _missing(x):
        return NA
    return number(float(x), sig, words=False) + TIMES


def _with_unit(text: str, unit: str | None, bare: bool) -> str:
    if bare or not unit or unit in COUNT_UNITS or unit in PURE_UNITS:
        return text
    if unit in SHARE_UNITS or unit in PERCENT_UNITS:
        return text + "%"
    if unit in TIMES_UNITS:
        return text + TIMES
    return f"{text} {unit}"


def _scalar(x, unit: str | None, sig: int, strip: bool = True) -> str:
    if isinstance(x, bool):
        return "yes" if x else "no"
    if _missing(x):
        return NA
    if unit in PURE_UNITS:
        return f"{float(x):+.2f}"
    if unit in SHARE_UNITS:
        return _plain(100 * float(x), sig, strip) if x else "0"
    if unit in TIMES_UNITS:
        return number(float(x), sig, words=False, strip=strip)
    return number(float(x), sig, strip=strip)


def value(x, unit: str | None = None, *, sig: int = POINT_SIG, bare: bool = False) -> str:
    """A scalar in its unit: ``value(0.071, 'share') -> '7.1%'``, ``value(17.3, 'x', sig=2) -> '17×'``."""
    text = _scalar(x, unit, sig)
    return text if text == NA or isinstance(x, bool) else _with_unit(text, unit, bare)


def estimate_parts(est, unit: str | None = None, *, bare: bool = False, sig: int | None = None) -> tuple[str, str] | None:
    """(central with unit, "low to high" with unit) at the figures the interval supports; None if not an estimate."""
    p = _parts(est)
    if p is None:
        return None
    lo, mid, hi, u, _kind = p
    u = u or unit
    if any(_missing(v) for v in (lo, mid, hi)):
        return value(mid, u, bare=bare), NA
    scale = 100 if u in SHARE_UNITS else 1
    s = sig or sig_for(lo * scale, mid * scale, hi * scale)
    mid_t = _with_unit(_scalar(mid, u, s, strip=False), u, bare)
    # the bounds keep as many figures as the central value, and at least 2 (trailing zeros kept)
    lo_t, hi_t = (_scalar(v, u, max(2, s), strip=False) for v in (lo, hi))
    attached = not bare and (u in SHARE_UNITS or u in PERCENT_UNITS or u in TIMES_UNITS)
    lo_t = _with_unit(lo_t, u, bare) if attached else lo_t
    return mid_t, f"{lo_t} to {_with_unit(hi_t, u, bare)}"


def estimate(est, unit: str | None = None, *, bare: bool = False, sig: int | None = None) -> str:
    """An estimate as ``'105× (24× to 590×)'`` or ``'6.5 (2 to 19) USD per kWh'``; a point value alone."""
    p = _parts(est)
    if p is None:
        return value(est, unit, bare=bare)
    lo, mid, hi, u, _ = p
    u = u or unit
    if not any(_missing(v) for v in (lo, mid, hi)) and lo == mid == hi:
        return value(mid, u, bare=bare)
    mid_t, rng = estimate_parts(est, unit, bare=bare, sig=sig)
    if not bare and u and u not in SHARE_UNITS + PERCENT_UNITS + TIMES_UNITS + COUNT_UNITS + PURE_UNITS:
        mid_bare, rng_bare = estimate_parts(est, unit, bare=True, sig=sig)
        return f"{mid_bare} ({rng_bare}) {u}"
    return f"{mid_t} ({rng})"


# --------------------------------------------------------------------------- dates

def _as_date(d) -> _dt.date:
    if isinstance(d, _dt.datetime):
        return d.date()
    if isinstance(d, _dt.date):
        return d
    if hasattr(d, "to_pydatetime"):  # pandas Timestamp
        return d.to_pydatetime().date()
    if isinstance(d, str):
        return _dt.date.fromisoformat(d.strip()[:10])
    raise ValueError(f"fmt: expected a date (date, datetime, Timestamp or ISO text), got {d!r}")


def day(d) -> str:
    """``2026-08-28 -> '28 August 2026'`` (:func:`tokenecon.analysis.findings.day_words`, the one definition)."""
    return findings.day_words(_as_date(d))


def date_range(start, end) -> str:
    """``('2026-02-16', '2026-02-22') -> '16–22 February 2026'``; across months or years the parts repeat."""
    try:
        return findings.date_range_words(_as_date(start), _as_date(end))
    except ValueError as exc:
        raise ValueError(f"fmt.date_range: {exc}") from None


def week_of(start) -> str:
    """The seven days from ``start``: ``'2026-02-16' -> 'week of 16–22 February 2026'``."""
    return findings.week_words(_as_date(start))


# --------------------------------------------------------------------------- recorded values (landing page)

def headline(rec_value, unit: str | None = None, *, bare: bool = False) -> tuple[str, str | None] | None:
    """A recorded value as (big number, interval text or None); None when it does not fit a card."""
    if _parts(rec_value) is not None:
        p = _parts(rec_value)
        if any(v is None for v in p[:3]):
            return None
        if p[0] == p[1] == p[2]:
            return value(p[1], p[3] or unit, bare=bare), None
        return estimate_parts(rec_value, unit, bare=bare)
    text = record_value(rec_value, unit, bare=bare)
    return None if text is None else (text, None)


def record_value(rec_value, unit: str | None = None, *, bare: bool = False) -> str | None:
    """Text for a recorded value (number, estimate dict or short string); None for lists, other dicts, long text."""
    if rec_value is None:
        return NA
    if isinstance(rec_value, (bool, Real)):
        return value(rec_value, unit, bare=bare)
    if _parts(rec_value) is not None:
        if any(v is None for v in _parts(rec_value)[:3]):
            return None
        return estimate(rec_value, unit, bare=bare)
    if isinstance(rec_value, str) and len(rec_value) <= 160:
        return rec_value
    return None


# --------------------------------------------------------------------------- tables

def cell(x, sig: int = POINT_SIG) -> str:
    """One table cell: numbers as :func:`number` in digits (no words, no exponent), the rest as text."""
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, Real):
        if _missing(x):
            return ""
        if isinstance(x, Integral) or float(x).is_integer() and abs(x) < 1e15:
            return f"{int(x):,}"
        return number(x, sig, words=False)
    if x is None:
        return ""
    if hasattr(x, "isoformat") and not isinstance(x, str):
        try:
            return x.isoformat()[:10] if getattr(x, "hour", 0) == 0 and getattr(x, "minute", 0) == 0 else str(x)
        except (TypeError, ValueError):
            return str(x)
    return str(x)


def table_formatters(df, sig: int = POINT_SIG) -> dict:
    """``{column: formatter}`` for the numeric columns of ``df`` (for ``Styler.format``); no exponent anywhere."""
    return {c: (lambda x, _s=sig: cell(x, _s)) for c in df.select_dtypes("number").columns}
