"""Where OpenRouter's tokens are computed: the place-of-inference rule, its bounds, and the share computed in China.

The rule (:data:`PLACE_RULE`) reads each inference provider's published datacentre countries first and its
headquarters only when it publishes none, so a China-headquartered provider that lists only Singapore or
Netherlands datacentres (Tencent Cloud, Xiaomi, Nex AGI) is *not* computed in China by default. Its bounds
are named readings of the same published data (:data:`READINGS`), so the share's interval is the envelope
of scenarios (``Estimate`` kind SCENARIOS), combined with the range of the Chinese-model denominator.

Every function takes already-loaded tables; nothing here reads files except the registered findings.
:mod:`tokenecon.analysis.share` re-exports these names, so ``share.china_computed_share`` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tokenecon.estimate import SCENARIOS, Estimate

#: Classes of inference location from a provider's published headquarters and datacentre countries.
LOCATION_CLASSES = {
    "china_declared": "datacentres listed, all in CN",
    "china_likely": "headquartered in CN, no datacentre published (domestic cloud)",
    "china_partly": "datacentres listed in CN and elsewhere (split unknown)",
    "china_possible": "no headquarters or datacentre published, but the endpoint of a Chinese lab",
    "outside": "datacentres listed outside CN, or non-CN headquarters and none listed",
    "unknown": "no location published, not a Chinese lab's endpoint",
}

#: The rule in words (what a report states next to the share).
PLACE_RULE = (
    "A provider's tokens are computed where it says its datacentres are, split equally among the countries it "
    "lists; a provider that lists none computes in its headquarters country; one that publishes neither is "
    "counted outside China. So a China-headquartered provider that lists only foreign datacentres (Tencent Cloud "
    "and Nex AGI: Singapore; Xiaomi: Singapore and the Netherlands) is not computed in China."
)

#: The readings that bound the rule: (name, words, China fraction by location class). The central reading is
#: the rule; low and high change only what the published data leave open.
READINGS = (
    ("low", "a list that includes China among other countries counts as computed abroad",
     {"china_declared": 1.0, "china_likely": 1.0, "china_partly": 0.0, "china_possible": 0.0}),
    ("central", "the rule: a list's tokens are split equally among its countries",
     {"china_declared": 1.0, "china_likely": 1.0, "china_partly": "1/k", "china_possible": 0.0}),
    ("high", "a list that includes China counts in full, and a Chinese lab's own endpoint that publishes no "
             "location counts as computed in China",
     {"china_declared": 1.0, "china_likely": 1.0, "china_partly": 1.0, "china_possible": 1.0}),
)


def provider_location(providers: pd.DataFrame, labs: pd.DataFrame) -> pd.DataFrame:
    """Classify each inference provider by where its tokens are computed (see :data:`LOCATION_CLASSES`).

    Adds ``location_class`` and ``china_fraction_central`` (1 for declared/likely China, 1/k for a list of
    k countries that includes CN, 0 otherwise).
    """
    lab_bloc = labs.set_index("author")["bloc"]
    fp = providers["first_party_author"]
    unknown = sorted(set(fp.dropna()) - set(lab_bloc.index))
    if unknown:
        raise ValueError(f"openrouter_provider_tokens_24h: first_party_author(s) {unknown} not in the labs table")
    out = providers.copy()
    cls, frac = [], []
    for hq, dcs, author in zip(out["hq_country"], out["datacentre_countries"], fp):
        dc = [] if dcs is None or (isinstance(dcs, float) and np.isnan(dcs)) else str(dcs).split("|")
        hq = None if hq is None or (isinstance(hq, float) and np.isnan(hq)) else hq
        chinese_lab = isinstance(author, str) and lab_bloc.get(author) == "china"
        if dc and set(dc) == {"CN"}:
            c, f = "china_declared", 1.0
        elif dc and "CN" in dc:
            c, f = "china_partly", 1.0 / len(dc)
        elif dc:
            c, f = "outside", 0.0
        elif hq == "CN":
            c, f = "china_likely", 1.0
        elif hq is not None:
            c, f = "outside", 0.0
        elif chinese_lab:
            c, f = "china_possible", 0.0
        else:
            c, f = "unknown", 0.0
        cls.append(c)
        frac.append(f)
    out["location_class"] = cls
    out["china_fraction_central"] = frac
    return out


@dataclass(frozen=True)
class InferencePlace:
    china_tokens: Estimate            # tokens computed in China in the provider window
    chinese_model_tokens: Estimate    # tokens of Chinese-lab models in the same window
    china_computed_share: Estimate    # share of Chinese-model tokens computed in China (kind SCENARIOS)
    hq_based_share: float             # what assuming "CN headquarters = computed in China" would give
    platform_tokens: int
    by_class: pd.DataFrame
    providers: pd.DataFrame           # provider table with location_class and china_fraction_central
    high_if_unknown_in_china: float   # share if every provider with no published location were in China
    #: every reading (the three of :data:`READINGS`, the headquarters reading, the widest) with its numerator and
    #: its share at the central denominator
    readings: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False)
    rule: str = PLACE_RULE


def _reading_tokens(p: pd.DataFrame, fractions: dict) -> float:
    tok = p["last_24h_tokens"].astype(float)
    f = p["location_class"].map(lambda c: fractions.get(c, 0.0))
    f = np.where(f == "1/k", p["china_fraction_central"], f).astype(float)
    return float((tok * f).sum())


def china_computed_share(providers: pd.DataFrame, labs: pd.DataFrame, china_platform_share: Estimate) -> InferencePlace:
    """Share of Chinese-model tokens computed in China, from the provider table, with bounds (:data:`READINGS`).

    Numerator (tokens computed in China): low = declared + likely China; central adds the CN fraction of
    providers listing CN among several countries; high adds those providers in full and Chinese labs' own
    endpoints whose location is unpublished. It assumes tokens computed in China are Chinese-model tokens
    (true for the domestic clouds here: :func:`china_located_models` checks it on the endpoint catalogue).

    Denominator (Chinese-model tokens in the same 24 h): the provider window's platform total times
    ``china_platform_share`` (an Estimate, e.g. from rankings-daily, low = known Chinese models, high = plus
    the unknown ``other`` row). Low share = low numerator / high denominator and vice versa; the result is the
    envelope of those scenarios (kind SCENARIOS).
    """
    if not 0 <= china_platform_share.low <= china_platform_share.high <= 1:
        raise ValueError(f"china_platform_share {china_platform_share}: expected fractions in 0..1")
    p = provider_location(providers, labs)
    tok = p["last_24h_tokens"].astype(float)
    total = float(tok.sum())
    by = p.groupby("location_class")["last_24h_tokens"].sum()
    get = lambda c: float(by.get(c, 0))  # noqa: E731
    low, central, high = (_reading_tokens(p, fr) for _, _, fr in READINGS)
    num = Estimate(low, central, high, "tokens", SCENARIOS)
    den = Estimate(total * china_platform_share.low, total * china_platform_share.central, total * china_platform_share.high,
                   "tokens", SCENARIOS)
    if den.low <= 0:
        raise ValueError("china_platform_share: the low bound is zero, so the share of Chinese-model tokens is undefined")
    share = Estimate(min(num.low / den.high, 1.0), min(num.central / den.central, 1.0), min(num.high / den.low, 1.0),
                     "fraction", SCENARIOS)
    hq = float(tok[p["hq_country"] == "CN"].sum()) / den.central
    table = (
        p.groupby("location_class")
        .agg(providers=("provider_slug", lambda s: ", ".join(s)), tokens=("last_24h_tokens", "sum"))
        .reset_index()
    )
    table["platform_share"] = table["tokens"] / total
    table["meaning"] = table["location_class"].map(LOCATION_CLASSES)
    widest = high + get("unknown")
    wide = min(widest / den.low, 1.0)
    rows = [{"reading": name, "meaning": words, "china_tokens": t, "share_at_central_denominator": t / den.central}
            for (name, words, _), t in zip(READINGS, (low, central, high))]
    hq_tokens = float(tok[p["hq_country"] == "CN"].sum())
    rows.append({"reading": "headquarters", "meaning": "a China-headquartered provider computes in China whatever it lists "
                 "(the reading behind 'Chinese company = Chinese electricity'; not used)", "china_tokens": hq_tokens,
                 "share_at_central_denominator": hq_tokens / den.central})
    rows.append({"reading": "widest", "meaning": "the high reading, and every provider that publishes no location at all "
                 "computes in China (not used)", "china_tokens": widest, "share_at_central_denominator": widest / den.central})
    return InferencePlace(num, den, share, min(hq, 1.0), int(total), table.sort_values("tokens", ascending=False).reset_index(drop=True),
                          p, wide, pd.DataFrame(rows))


def china_located_kwh_per_mtok(place: InferencePlace, author_kwh: dict[str, Estimate], fallback: Estimate) -> tuple[Estimate, pd.DataFrame]:
    """Energy per million tokens of the tokens computed in China, weighted by provider.

    A provider that is a lab's own endpoint (``first_party_author``) gets that lab's model mix
    (``author_kwh[author]``); other providers (domestic clouds hosting many labs' models) and labs the energy
    model does not cover get ``fallback`` (e.g. the mix of all Chinese-model tokens). Weights are the central
    China-located tokens of each provider.
    """
    p = place.providers
    p = p[p["china_fraction_central"] > 0].copy()
    if p.empty:
        raise ValueError("no provider is located in China in the provider table; nothing to weight")
    p["china_tokens"] = p["last_24h_tokens"].astype(float) * p["china_fraction_central"]
    used = [author_kwh.get(a, fallback) if isinstance(a, str) else fallback for a in p["first_party_author"]]
    p["energy_basis"] = [a if isinstance(a, str) and a in author_kwh else "all Chinese-model mix" for a in p["first_party_author"]]
    p["kwh_per_mtok"] = [e.central for e in used]
    w = p["china_tokens"] / p["china_tokens"].sum()
    est = Estimate(float((w * [e.low for e in used]).sum()), float((w * p["kwh_per_mtok"]).sum()),
                   float((w * [e.high for e in used]).sum()), "kWh per million tokens")
    return est, p[["provider_slug", "location_class", "china_tokens", "energy_basis", "kwh_per_mtok"]].reset_index(drop=True)


# --------------------------------------------------------------------------- checks on the endpoint catalogue

CHINA_CLASSES = ("china_declared", "china_likely", "china_partly", "china_possible")


def china_located_models(place: InferencePlace, endpoints: pd.DataFrame, labs: pd.DataFrame) -> pd.DataFrame:
    """What the providers counted (in any reading) as computing in China serve, from ``openrouter_endpoints``.

    One row per such provider: its class, endpoints, models, how many of them are Chinese-lab models, and
    ``all_chinese`` — the check behind the share's assumption that tokens computed in China are Chinese-model
    tokens. A provider with no endpoint in the catalogue has ``endpoints`` 0 and ``all_chinese`` None.
    """
    bloc = labs.set_index("author")["bloc"]
    p = place.providers[place.providers["location_class"].isin(CHINA_CLASSES)]
    rows = []
    for r in p.itertuples():
        e = endpoints[endpoints["provider_slug"] == r.provider_slug]
        b = e["author"].map(bloc).fillna("not in labs")
        rows.append({"provider_slug": r.provider_slug, "location_class": r.location_class, "endpoints": len(e),
                     "models": e["model_id"].nunique(), "chinese_lab_endpoints": int((b == "china").sum()),
                     "all_chinese": bool((b == "china").all()) if len(e) else None,
                     "other_models": ", ".join(sorted(set(e.loc[b != "china", "model_id"])))})
    return pd.DataFrame(rows)


def datacentre_reading_changes(providers: pd.DataFrame) -> pd.DataFrame:
    """The China-headquartered providers that the datacentre lists move out of China (the rule's effect), by tokens.

    ``providers``: :func:`provider_location` output. One row per provider with CN headquarters whose class is not
    a China class: slug, name, datacentres, tokens in the window.
    """
    p = providers[(providers["hq_country"] == "CN") & ~providers["location_class"].isin(CHINA_CLASSES)]
    return p[["provider_slug", "provider_name", "datacentre_countries", "last_24h_tokens"]].sort_values(
        "last_24h_tokens", ascending=False).reset_index(drop=True)
