"""List prices with their dates, the blended price of a token mix, and the bill of a workload: one definition each.

A price always comes with its date. :func:`list_price` answers "what did OpenRouter list for this model's
``phase`` tokens on ``on``?" from the dated ``model_price_events`` table (OpenRouter's own list feed first,
LiteLLM's catalogue second), and without a date it gives the ``models`` table's catalogue price, dated by
its source (a LiteLLM snapshot). A figure about a week uses that week's prices: the price in effect on the
week's first day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tokenecon import data
from tokenecon.data.lookup import model_name
from tokenecon.units import PRICE_PHASES

PHASES = PRICE_PHASES
_EVENT_COLUMN = {"input": "input_usd_per_mtok", "output": "output_usd_per_mtok", "cached_input": "cache_read_usd_per_mtok"}
_CATALOGUE_COLUMN = {"input": "input_usd_per_mtok", "output": "output_usd_per_mtok",
                     "cached_input": "cached_input_usd_per_mtok"}
#: Feeds of ``model_price_events`` in order of preference: OpenRouter's own list, then LiteLLM's catalogue.
FEEDS = ("openrouter_list", "litellm")


@dataclass(frozen=True)
class Price:
    usd_per_mtok: float
    date: str  # ISO date the price was listed (in effect from)
    source: str  # "openrouter_list", "litellm" or the catalogue snapshot it came from


def _check_phase(phase: str) -> str:
    if phase not in PHASES:
        raise ValueError(f"phase: {phase!r} is not one of {list(PHASES)}")
    return phase


def _catalogue_date(source: str) -> str:
    m = re.search(r"(\d{4}-\d{2}-\d{2})", str(source))
    return m.group(1) if m else ""


def _slugs(model: str) -> list[str]:
    m = data.load("models")
    row = m[m["model"] == model_name(model)].iloc[0]
    return [s for s in str(row["openrouter_slug"] or "").lower().split("|") if s]


def listing_on(model_base: str, date, feeds=FEEDS + ("simonw",), drop_catalogue_fixes: bool = True,
               events: pd.DataFrame | None = None) -> pd.Series | None:
    """The price listing of ``model_base`` (an OpenRouter slug without date or variant) in effect on ``date``: the
    latest ``model_price_events`` row on or before it, from the first feed in ``feeds`` that has one; events flagged
    as catalogue fixes are skipped unless asked. None when there is none. The package's one dated price lookup."""
    ev = data.load("model_price_events") if events is None else events
    ev = ev[(ev["model_base"] == model_base) & (pd.to_datetime(ev["date"]) <= pd.Timestamp(date))]
    if drop_catalogue_fixes:
        ev = ev[~ev["is_catalogue_fix"].astype(bool)]
    for feed in feeds:
        f = ev[ev["feed"] == feed]
        if len(f):
            return f.sort_values(["date", "source_key"]).iloc[-1]
    return None


def list_price(model: str, phase: str, on=None) -> Price | None:
    """List price of ``phase`` tokens of ``model`` (USD per million), with its date; None when not listed.

    ``on``: a date; the price in effect then (the latest listing of that phase's price on or before it, in OpenRouter's
    feed if it lists the model, else LiteLLM's). Without
    ``on``: the ``models`` table's catalogue price. A cached-input price not listed is None here; blends fall back
    to the input price (see :func:`blended_usd_per_mtok`).
    """
    _check_phase(phase)
    key = model_name(model)
    if on is None:
        m = data.load("models")
        row = m[m["model"] == key].iloc[0]
        v = row[_CATALOGUE_COLUMN[phase]]
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        return Price(float(v), _catalogue_date(row["price_source"]), str(row["price_source"]))
    day = pd.Timestamp(on)
    ev = data.load("model_price_events")
    ev = ev[ev["model_base"].str.lower().isin(_slugs(key)) & (pd.to_datetime(ev["date"]) <= day)
            & ~ev["is_catalogue_fix"].astype(bool)]
    col = _EVENT_COLUMN[phase]
    for feed in FEEDS:
        f = ev[(ev["feed"] == feed)]
        if f.empty:
            continue
        # A listing that leaves this phase's price empty did not change it: the last listed value holds.
        f = f[f[col].notna()].sort_values("date", kind="stable")
        if f.empty:
            return None
        r = f.iloc[-1]
        return Price(float(r[col]), pd.Timestamp(r["date"]).strftime("%Y-%m-%d"), feed)
    return None


def price_function(on=None):
    """``price(model, phase) -> float | None`` at date ``on`` (None: catalogue), for the blends below."""

    def price(model, phase):
        p = list_price(model, phase, on)
        return None if p is None else p.usd_per_mtok

    return price


def mix_usd_per_mtok(prompt_tokens, completion_tokens, cached_tokens, input_usd_per_mtok,
                         output_usd_per_mtok, cache_read_usd_per_mtok):
    """Effective USD per million tokens of a token mix at list prices.

    ``prompt_tokens`` include ``cached_tokens`` (OpenRouter's convention), so the bill is
    ``(prompt - cached) x input + cached x cache_read + completion x output`` and the effective price
    is that bill over ``prompt + completion`` tokens. A missing cache-read price (NaN) charges cached
    tokens at the input price. Works on scalars or aligned arrays.
    """
    p, c, k = (np.asarray(x, dtype=float) for x in (prompt_tokens, completion_tokens, cached_tokens))
    pin, pout, pk = (np.asarray(x, dtype=float) for x in (input_usd_per_mtok, output_usd_per_mtok,
                                                         cache_read_usd_per_mtok))
    for name, v in (("prompt_tokens", p), ("completion_tokens", c), ("cached_tokens", k)):
        if np.any(~np.isfinite(v)) or np.any(v < 0):
            raise ValueError(f"mix_usd_per_mtok: {name} must be finite and >= 0, got {v.ravel()[:5]}")
    if np.any(k > p):
        raise ValueError("mix_usd_per_mtok: cached_tokens must not exceed prompt_tokens (cached are part of prompt)")
    if np.any(p + c <= 0):
        raise ValueError("mix_usd_per_mtok: prompt_tokens + completion_tokens must be > 0")
    for name, v in (("input_usd_per_mtok", pin), ("output_usd_per_mtok", pout)):
        if np.any(~np.isfinite(v)) or np.any(v < 0):
            raise ValueError(f"mix_usd_per_mtok: {name} must be finite and >= 0, got {v.ravel()[:5]}")
    if np.any(pk[np.isfinite(pk)] < 0):
        raise ValueError("mix_usd_per_mtok: cache_read_usd_per_mtok must be >= 0 (NaN = not listed)")
    pk = np.where(np.isfinite(pk), pk, pin)
    out = ((p - k) * pin + k * pk + c * pout) / (p + c)
    return float(out) if out.ndim == 0 else out



def blended_usd_per_mtok(model: str, split: dict[str, float], price) -> float | None:
    """List price of one model's token mix (USD per million tokens): sum over phases of share × price.

    ``price(model, phase) -> float | None``. A missing cached-input price falls back to the input price
    (providers without a cache discount bill cached tokens as input); a missing input or output price gives None.
    The package's one blended price: the token-share, Bitcoin and fact-check figures all call it.
    """
    pin, pout, pk = (price(model, ph) for ph in ("input", "output", "cached_input"))
    if pin is None or pout is None:
        return None
    cached, uncached, out = (float(split.get(k, 0.0)) for k in ("cached_input", "input", "output"))
    return mix_usd_per_mtok(uncached + cached, out, cached, pin, pout, np.nan if pk is None else pk) * (cached + uncached + out)


def bill_ratio(mix: dict[str, float], old: dict[str, float], new: dict[str, float]) -> float:
    """How many times smaller a workload's bill is at ``new`` prices than at ``old`` (same tokens).

    ``mix``: token shares by phase; ``old``/``new``: USD per million tokens by phase (a missing cached price is the
    input price)."""
    cached, uncached, out = (float(mix.get(k, 0.0)) for k in ("cached_input", "input", "output"))

    def bill(p):
        pk = p.get("cached_input")
        pk = np.nan if pk is None or pk == 0 or (isinstance(pk, float) and np.isnan(pk)) else pk
        return mix_usd_per_mtok(uncached + cached, out, cached, p["input"], p["output"], pk)

    b_old, b_new = bill(old), bill(new)
    if not b_new > 0:
        raise ValueError("bill_ratio: the new bill must be positive")
    return b_old / b_new
