"""At what precision Chinese models' tokens are computed, and what that does to their energy per token.

OpenRouter's endpoint catalogue (``openrouter_endpoints``) says which quantization each host declares for each
model: bf16 (and fp16), fp8, the 4-bit float family (fp4, mxfp4, nvfp4) or int4 — or nothing ("unknown", the
largest group). For each Chinese-lab model this module gives

* the **precision mix**: the share of its hosts (a host = one provider at one precision, so a provider's paid,
  free and batch offers at the same precision count once) in each family, unknown included, summing to one;
  optionally weighted by the requests each endpoint served in its 30-minute statistics window (the only
  volume the catalogue has: requests, not tokens, over half an hour);
* the **energy per token** the package's serving model gives at each precision (facility kWh per million
  tokens of the phase mix, from :mod:`tokenecon.model.serving` — the energy model is called, never re-implemented;
  the fp4 family is evaluated as mxfp4, the 4-bit float format the energy model knows);
* the mix's energy: central = the known hosts' mix (unknown hosts assumed to be like the known ones); the
  **unknown band** puts every unknown host at the lightest, then the heaviest precision. A model whose hosts
  are all unknown falls back to its documented serving precision (the ``models`` table), and says so.

:func:`mixed_energy` turns the table into an ``energy(model, phase)`` function that the token-electricity
arithmetic of :mod:`tokenecon.analysis.share` accepts in place of the one-precision default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from tokenecon.estimate import BOUNDS, SCENARIOS, Estimate
from tokenecon.analysis.findings import Finding, Scope, finding

#: Precision families with a declared quantization, and the energy model's precision for each.
FAMILIES = ("bf16", "fp8", "fp4", "int4")
ENERGY_PRECISION = {"bf16": "bf16", "fp8": "fp8", "fp4": "mxfp4", "int4": "int4"}
UNKNOWN = "unknown"
WEIGHTS = ("hosts", "requests")
KWH = "kWh per million tokens"
SECTION = "token_share#where-and-at-what-precision-tokens-are-computed"
TABLES = ("openrouter_endpoints", "labs", "models", "openrouter_weekly_top10", "openrouter_daily_top50")


def base_model_id(model_id: pd.Series) -> pd.Series:
    """The model id without its variant tag (``z-ai/glm-5.2:free`` -> ``z-ai/glm-5.2``)."""
    return model_id.str.split(":").str[0]


def precision_mix(endpoints: pd.DataFrame, labs: pd.DataFrame | None = None, *, weight: str = "hosts",
                  bloc: str | None = "china", by: str = "model_id", key=None) -> pd.DataFrame:
    """Share of each model's hosts (or requests) in each precision family; the shares sum to one per model.

    ``endpoints``: ``openrouter_endpoints`` rows. ``bloc``: keep only models whose author has this bloc in
    ``labs`` (None: all). ``by``: 'model_id' (variant tags dropped) or 'key' with ``key(permaslug) -> name or None``
    (e.g. the energy model's name; rows it maps to None are dropped). ``weight``: 'hosts' (one per provider and
    precision family) or 'requests' (each endpoint's ``stats_requests``; a model with none gets empty shares).
    Columns: the model, hosts, known_hosts, requests, ``share_<family>`` for the four families and unknown (sum
    to one), ``known_share_<family>`` (the mix among declared precisions, sums to one where any is declared).
    """
    if weight not in WEIGHTS:
        raise ValueError(f"weight = {weight!r}: expected one of {list(WEIGHTS)}")
    e = endpoints.copy()
    if bloc is not None:
        if labs is None:
            raise ValueError("precision_mix: bloc given but no labs table")
        b = labs.set_index("author")["bloc"]
        e = e[e["author"].map(b) == bloc]
    if by == "model_id":
        e["model"] = base_model_id(e["model_id"])
    elif by == "key":
        if key is None:
            raise ValueError("precision_mix: by='key' needs key(permaslug)")
        e["model"] = e["permaslug"].map(key)
        e = e[e["model"].notna()]
    else:
        raise ValueError(f"by = {by!r}: expected 'model_id' or 'key'")
    if e.empty:
        raise ValueError("precision_mix: no endpoint left to count")
    fams = list(FAMILIES) + [UNKNOWN]
    hosts = e.drop_duplicates(["model", "provider_slug", "precision_family"])
    rows = []
    for model, g in e.groupby("model"):
        h = hosts[hosts["model"] == model]
        if weight == "hosts":
            w = h.groupby("precision_family").size().astype(float)
        else:
            w = g.groupby("precision_family")["stats_requests"].sum(min_count=1).fillna(0).astype(float)
        tot = float(w.sum())
        row = {"model": model, "author": g["author"].iloc[0], "hosts": len(h),
               "known_hosts": int((h["precision_family"] != UNKNOWN).sum()),
               "requests": int(g["stats_requests"].fillna(0).sum())}
        for f in fams:
            row[f"share_{f}"] = float(w.get(f, 0.0)) / tot if tot > 0 else np.nan
        known = tot - float(w.get(UNKNOWN, 0.0))
        for f in FAMILIES:
            row[f"known_share_{f}"] = float(w.get(f, 0.0)) / known if known > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows).sort_values(["hosts", "model"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------- energy at each precision


def serving_energy_at(scenario: str = "reference", *, country: str = "CN", draws: int = 2000, seed: int = 0):
    """``energy_at(model, phase, precision) -> Estimate`` (facility kWh per million tokens) from the serving model.

    The same computation as :func:`tokenecon.model.serving.energy_kwh_per_mtok` at an explicit precision
    (``precision=None``: the model's documented serving precision): :func:`~tokenecon.model.serving.build_case`
    then :func:`~tokenecon.model.serving.simulate`, median and 90% interval.
    """
    from tokenecon.model import serving

    @lru_cache(maxsize=None)
    def energy_at(model, phase, precision=None):
        case = serving.build_case(model, phase=phase, scenario=scenario, country=country, precision=precision)
        return serving.simulate(case, draws=draws, seed=seed).estimate("facility_kwh_per_mtok", unit=serving.KWH_UNIT)

    return energy_at


def documented_precision(model: str, phase: str = "output") -> str | None:
    """The model's documented serving precision (the serving case's, from the ``models`` table); None if unknown."""
    from tokenecon.model import serving

    try:  # the same arguments as the reference energy_at(model, phase), so the two share one cached case
        return serving.build_case(model, phase=phase, scenario="reference", country="CN", precision=None).precision
    except ValueError:
        return None


def _blend(model, split, energy_at, precision):
    lo = ce = hi = 0.0
    for phase, f in split.items():
        e = energy_at(model, phase, precision)
        lo, ce, hi = lo + f * e.low, ce + f * e.central, hi + f * e.high
    return Estimate(lo, ce, hi, KWH)


@dataclass(frozen=True)
class PrecisionEnergy:
    """One model's energy per token at each precision and at its hosts' mix."""

    model: str
    by_family: dict                 # family -> Estimate (kWh per M tokens of the phase mix), or None if not evaluable
    mix: Estimate                   # central: the declared mix; bounds: unknown hosts at the lightest / heaviest family
    unknown_share: float
    fallback: bool                  # True when no host declares a precision
    basis: str                      # in words: what the central value rests on
    documented: str | None
    declared_shares: dict = None    # family -> share of all hosts (declared families only); empty for a fallback


def mix_energy(row: pd.Series | dict, model: str, energy_at, split: dict, *, documented: str | None = None) -> PrecisionEnergy:
    """Energy of one model at its precision mix (``row`` from :func:`precision_mix`), with the unknown band.

    central = sum over declared families of known_share x energy (central values); low/high = sum over families of
    share x energy low/high + unknown share x the lowest low / highest high of any family (kind SCENARIOS: the
    envelope of "unknown hosts are the lightest / heaviest precision", around the serving model's 90% intervals).
    With no declared host the central is the ``documented`` precision's energy and ``fallback`` is True; with no
    documented precision either, ValueError.
    """
    by = {}
    for f in FAMILIES:
        try:
            by[f] = _blend(model, split, energy_at, ENERGY_PRECISION[f])
        except ValueError:  # the energy model cannot serve the model at that precision (e.g. memory)
            by[f] = None
    ok = {f: e for f, e in by.items() if e is not None}
    if not ok:
        raise ValueError(f"model {model!r}: the energy model evaluates it at none of {list(FAMILIES)}")
    unk = float(row["share_unknown"]) if pd.notna(row["share_unknown"]) else 1.0
    declared = {f: float(row[f"share_{f}"]) for f in FAMILIES if pd.notna(row[f"share_{f}"]) and row[f"share_{f}"] > 0}
    # a declared precision the energy model cannot evaluate joins the unknown band
    unk += sum(v for f, v in declared.items() if f not in ok)
    share = {f: v for f, v in declared.items() if f in ok}
    known = {f: v / sum(share.values()) for f, v in share.items()}
    lightest, heaviest = min(e.low for e in ok.values()), max(e.high for e in ok.values())
    if known:
        central = sum(s * ok[f].central for f, s in known.items())
        low = sum(s * ok[f].low for f, s in share.items()) + unk * lightest
        high = sum(s * ok[f].high for f, s in share.items()) + unk * heaviest
        words = ", ".join(f"{f} {s:.0%}" for f, s in sorted(known.items(), key=lambda kv: -kv[1]))
        basis = f"declared hosts' mix ({words}); unknown hosts {unk:.0%}, as a band"
        fb = False
    else:
        if documented is None or ENERGY_PRECISION.get(_family_of(documented)) is None:
            raise ValueError(f"model {model!r}: no host declares a precision and no documented serving precision is known")
        central = _blend(model, split, energy_at, documented).central
        low, high = lightest, heaviest
        basis = f"fallback: no host declares a precision, so the documented serving precision ({documented}) is used"
        fb = True
        unk = 1.0
        share = {}
    low, high = min(low, central), max(high, central)
    return PrecisionEnergy(model, by, Estimate(low, central, high, KWH, SCENARIOS), unk, fb, basis, documented, share)


def _family_of(precision: str) -> str:
    return {"mxfp4": "fp4", "nvfp4": "fp4", "fp4": "fp4", "fp16": "bf16"}.get(precision, precision)


def precision_energy_table(mix: pd.DataFrame, energy_at, split: dict, documented=documented_precision) -> tuple[pd.DataFrame, dict]:
    """:func:`mix_energy` for every row of ``mix`` (built with ``by='key'``: energy-model names). Returns a table —
    model, hosts, the shares, energy at each family, the mix's energy with its band, fallback and basis — and the
    :class:`PrecisionEnergy` of each model. Models the energy model cannot evaluate are left out, with a note."""
    rows, out = [], {}
    for r in mix.itertuples(index=False):
        d = r._asdict()
        try:
            pe = mix_energy(d, r.model, energy_at, split, documented=documented(r.model))
        except ValueError as exc:
            rows.append({"model": r.model, "hosts": r.hosts, "note": str(exc)})
            continue
        out[r.model] = pe
        row = {"model": r.model, "hosts": r.hosts, "known_hosts": r.known_hosts,
               **{f"share_{f}": d[f"share_{f}"] for f in list(FAMILIES) + [UNKNOWN]},
               **{f"kwh_per_mtok_{f}": (pe.by_family[f].central if pe.by_family[f] is not None else np.nan) for f in FAMILIES},
               "documented_precision": pe.documented,
               "kwh_per_mtok_documented": _blend(r.model, split, energy_at, pe.documented).central if pe.documented else np.nan,
               "kwh_per_mtok_mix": pe.mix.central, "kwh_per_mtok_mix_low": pe.mix.low, "kwh_per_mtok_mix_high": pe.mix.high,
               "fallback": pe.fallback, "basis": pe.basis, "note": ""}
        rows.append(row)
    return pd.DataFrame(rows), out


def mixed_energy(per_model: dict, energy_at, base_energy=None):
    """``energy(model, phase) -> Estimate`` at each model's precision mix (``per_model`` from
    :func:`precision_energy_table`), for :func:`tokenecon.analysis.share.mix_kwh_per_mtok` and
    :func:`~tokenecon.analysis.share.chinese_token_electricity`.

    Per phase: central = the declared mix (or the documented precision for a fallback model); low/high = the
    declared shares at each family's low/high plus the unknown share at the lowest low / highest high of any family
    (kind BOUNDS: the unknown band around the serving model's intervals). Models without a mix use ``base_energy``
    (default: ``energy_at`` at the documented precision), i.e. today's one-precision figure.
    """
    def energy(model, phase):
        pe = per_model.get(model)
        if pe is None:
            return base_energy(model, phase) if base_energy is not None else energy_at(model, phase, None)
        fam = {f: energy_at(model, phase, ENERGY_PRECISION[f]) for f, e in pe.by_family.items() if e is not None}
        lightest, heaviest = min(e.low for e in fam.values()), max(e.high for e in fam.values())
        if pe.fallback:
            c = energy_at(model, phase, pe.documented)
            return Estimate(min(lightest, c.central), c.central, max(heaviest, c.central), KWH, BOUNDS)
        shares = pe.declared_shares
        known = 1.0 - pe.unknown_share
        central = sum(s / known * fam[f].central for f, s in shares.items())
        low = sum(s * fam[f].low for f, s in shares.items()) + pe.unknown_share * lightest
        high = sum(s * fam[f].high for f, s in shares.items()) + pe.unknown_share * heaviest
        return Estimate(min(low, central), central, max(high, central), KWH, BOUNDS)

    return energy


# --------------------------------------------------------------------------- findings (canonical inputs)


@lru_cache(maxsize=None)
def chinese_precision(scenario: str = "reference", draws: int = 2000, seed: int = 0, weight: str = "hosts"):
    """The precision table of every Chinese-lab model the energy model knows, on the committed tables."""
    from tokenecon import data
    from tokenecon.analysis import share
    from tokenecon.model import serving

    labs, ep = data.load("labs"), data.load("openrouter_endpoints")
    split = share.phase_split(data.load("openrouter_weekly_top10"), labs)
    mix = precision_mix(ep, labs, weight=weight, by="key", key=serving.model_for_slug)
    energy_at = serving_energy_at(scenario, draws=draws, seed=seed)
    table, per_model = precision_energy_table(mix, energy_at, split)
    return table, per_model, energy_at, split


_SCOPE = Scope("OpenRouter", "endpoint catalogue of one snapshot (about 1 September 2026)", "2026-09-01",
               "hosts of Chinese-lab models; a host is one provider at one declared precision")


@finding("chinese_model_hosts_unknown_precision")
def chinese_model_hosts_unknown_precision() -> Finding:
    """Share of Chinese-lab models' hosts that declare no quantization (the explicit unknown band's weight)."""
    from tokenecon import data

    labs, ep = data.load("labs"), data.load("openrouter_endpoints")
    b = labs.set_index("author")["bloc"]
    e = ep[ep["author"].map(b) == "china"].assign(model=lambda d: base_model_id(d["model_id"]))
    h = e.drop_duplicates(["model", "provider_slug", "precision_family"])
    v = float((h["precision_family"] == UNKNOWN).mean())
    fam = h["precision_family"].value_counts(normalize=True).to_dict()
    return Finding("chinese_model_hosts_unknown_precision", "share of Chinese-lab models' hosts that declare no quantization",
                   Estimate.point(v, "fraction"), "fraction", _SCOPE, ("openrouter_endpoints", "labs"), SECTION,
                   extra={"family_shares": fam, "hosts": int(len(h)), "models": int(h["model"].nunique())})


def precision_effect(scenario: str = "reference", draws: int = 2000, seed: int = 0) -> dict:
    """Chinese-model energy per token and the electricity computed in China, at one precision per model (today)
    and at the hosts' precision mix (with the unknown band): before and after, for the newest complete week."""
    from tokenecon import data
    from tokenecon.analysis import share
    from tokenecon.model import serving

    table, per_model, energy_at, split = chinese_precision(scenario, draws, seed)
    base = share.serving_energy(scenario, draws=draws, seed=seed)
    mixed = mixed_energy(per_model, energy_at, base)
    args = (share.weekly_from_daily(data.load("openrouter_daily_top50")), data.load("labs"),
            data.load("openrouter_provider_tokens_24h"), data.load("openrouter_weekly_top10"))
    gco2 = share.china_grid_gco2_per_kwh(data.load("grid_carbon"))[0]
    out = {"table": table}
    for name, en in (("before", base), ("after", mixed)):
        out[name] = {s: share.chinese_token_electricity(*args, en, serving.model_for_slug, gco2, scope=s) for s in share.SCOPES}
    return out


@finding("chinese_model_kwh_per_mtok_precision_mix")
def chinese_model_kwh_per_mtok_precision_mix(scenario: str = "reference", draws: int = 2000, seed: int = 0) -> Finding:
    """Facility energy per million Chinese-model tokens (the newest complete week's model mix) at the hosts'
    precision mix, the interval adding the unknown-precision band; ``extra['before']`` is the one-precision value."""
    eff = precision_effect(scenario, draws, seed)
    a, b = eff["after"]["all_chinese_models"], eff["before"]["all_chinese_models"]
    from tokenecon.analysis.findings import week_words

    return Finding("chinese_model_kwh_per_mtok_precision_mix",
                   "facility energy per million Chinese-model tokens at the precisions their hosts declare",
                   Estimate(a.kwh_per_mtok.low, a.kwh_per_mtok.central, a.kwh_per_mtok.high, KWH, BOUNDS), KWH,
                   Scope("OpenRouter", week_words(a.week_start), "",
                         "token mix of the week; hosts' declared precisions from the endpoint catalogue (about 1 September "
                         "2026); interval: the serving model's 90% intervals with the unknown-precision hosts at the "
                         "lightest and heaviest precision"),
                   TABLES, SECTION,
                   note="Before (one documented precision per model): "
                        f"{b.kwh_per_mtok.central:.3g} kWh per million tokens.",
                   extra={"before": b.kwh_per_mtok, "table": eff["table"], "effect": eff},
                   variant="; ".join(f"{k} {v}" for k, v, d in (("scenario", scenario, "reference"), ("draws", draws, 2000),
                                                                 ("seed", seed, 0)) if v != d))
