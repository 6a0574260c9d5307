"""Where the buyers are: the edge locations OpenRouter's requests arrive from, for Chinese-lab models and the rest.

The data (``openrouter_request_origin``) rank, for each model, the edge data centres (colos) its requests enter
through — at most 25, rank 1 = most traffic — with **no volumes**. So every figure here is about ranks:

* how often a region *leads* a model's list (its rank-1 colo is there), each model counting once;
* a *rank-weighted* share: each list's colos get weights that fall with rank and sum to one per list, a
  region's weight in a list is the sum over its colos, and a group's figure is the mean over its models' lists.
  The weighting is an assumption about how fast traffic falls with rank, so two are computed
  (:data:`RANK_WEIGHTINGS`): the reciprocal (Zipf) weighting is the central one, the linear (Borda) weighting
  the check, and a figure quoted from both is the envelope of the two (kind SCENARIOS).

Ranks are not volumes: a rank-weighted share is not a share of requests or tokens, and a model with a
thousand requests counts as much as one with a million. Every finding's note says so.

Functions take loaded tables; the registered findings load the committed ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tokenecon.estimate import POINT, SCENARIOS, Estimate
from tokenecon.analysis.findings import Finding, Scope, finding

#: Rank weightings: name -> (words, weight of rank r in a list of n colos before normalising).
RANK_WEIGHTINGS = {
    "reciprocal": ("weight 1/rank within each model's list, normalised to sum to one (rank 1 counts twice rank 2, "
                   "three times rank 3)", lambda r, n: 1.0 / r),
    "linear": ("weight n + 1 - rank within each list of n colos, normalised to sum to one (a Borda count: a "
               "straight-line fall-off from rank 1 to rank n)", lambda r, n: n + 1.0 - r),
}
CENTRAL_WEIGHTING, CHECK_WEIGHTING = "reciprocal", "linear"
GROUPS = ("chinese_lab", "other")
RANKS_NOT_VOLUMES = (
    "Ranks are not volumes: OpenRouter ranks each model's edge locations by traffic but gives no counts, so this is "
    "a share of rank weight under the stated weighting, not a share of requests or tokens, and each model counts once "
    "whatever its traffic."
)
#: Cities of the article's claim -> the colos that serve them, and how the mapping is read.
CITY_COLOS = {
    "San Francisco": (("SFO", "SJC"), "the Bay Area's edge data centres: SFO (San Francisco) and SJC (San Jose)"),
    "Berlin": (("TXL",), "Berlin's edge data centre (code TXL, the old airport's)"),
    "Singapore": (("SIN",), "Singapore's edge data centre"),
}
TABLES = ("openrouter_request_origin", "edge_colo_locations", "labs")
SECTION = "token_share#where-the-buyers-are"


def _check_weighting(weighting: str) -> None:
    if weighting not in RANK_WEIGHTINGS:
        raise ValueError(f"weighting = {weighting!r}: expected one of {list(RANK_WEIGHTINGS)}")


def model_lists(origin: pd.DataFrame, labs: pd.DataFrame, *, variants=("standard",)) -> pd.DataFrame:
    """The request-origin rows of the chosen ``variants`` with ``list_id`` (model id and variant) and ``group``.

    ``group`` is ``chinese_lab`` for authors of bloc china in ``labs`` and ``other`` for every other author
    (including authors the labs table does not list: they are not Chinese labs there).
    """
    bad = sorted(set(variants) - {"standard", "free", "batch"})
    if bad or not variants:
        raise ValueError(f"variants = {list(variants)!r}: expected a non-empty subset of ['standard', 'free', 'batch']")
    o = origin[origin["variant"].isin(list(variants))].copy()
    if o.empty:
        raise ValueError(f"openrouter_request_origin: no rows of variant(s) {list(variants)}")
    bloc = labs.set_index("author")["bloc"]
    o["group"] = np.where(o["author"].map(bloc).eq("china"), "chinese_lab", "other")
    o["list_id"] = o["model_id"] + " [" + o["variant"] + "]"
    return o


def rank_weights(o: pd.DataFrame, weighting: str = CENTRAL_WEIGHTING) -> pd.Series:
    """Weight of each row within its list (``list_id``) under ``weighting``; each list's weights sum to one."""
    _check_weighting(weighting)
    fn = RANK_WEIGHTINGS[weighting][1]
    n = o.groupby("list_id")["rank"].transform("max").astype(float)
    raw = pd.Series(fn(o["rank"].astype(float).to_numpy(), n.to_numpy()), index=o.index)
    return raw / raw.groupby(o["list_id"]).transform("sum")


def region_table(origin: pd.DataFrame, labs: pd.DataFrame, *, by: str = "region", variants=("standard",)) -> pd.DataFrame:
    """Per group and place (``by``: region, country or colo): lists, lead share, and rank-weighted shares.

    Columns: group, ``by``, lists (model lists in the group), leads (lists whose rank-1 colo is there),
    lead_share = leads / lists, listed_share (lists naming the place at any rank), and one
    ``weighted_share_<weighting>`` per :data:`RANK_WEIGHTINGS` (mean over the group's lists of the place's weight).
    Within a group, lead shares and each weighted share sum to one over places.
    """
    if by not in ("region", "country", "colo"):
        raise ValueError(f"by = {by!r}: expected 'region', 'country' or 'colo'")
    o = model_lists(origin, labs, variants=variants)
    for w in RANK_WEIGHTINGS:
        o[f"w_{w}"] = rank_weights(o, w)
    n_lists = o.groupby("group")["list_id"].nunique()
    per = o.groupby(["group", by, "list_id"]).agg(
        lead=("rank", lambda r: bool((r == 1).any())), **{f"w_{w}": (f"w_{w}", "sum") for w in RANK_WEIGHTINGS})
    g = per.groupby(["group", by]).agg(leads=("lead", "sum"), listed=("lead", "size"),
                                       **{f"w_{w}": (f"w_{w}", "sum") for w in RANK_WEIGHTINGS}).reset_index()
    g["lists"] = g["group"].map(n_lists).astype(int)
    g["lead_share"] = g["leads"] / g["lists"]
    g["listed_share"] = g["listed"] / g["lists"]
    for w in RANK_WEIGHTINGS:
        g[f"weighted_share_{w}"] = g.pop(f"w_{w}") / g["lists"]
    cols = ["group", by, "lists", "leads", "lead_share", "listed_share"] + [f"weighted_share_{w}" for w in RANK_WEIGHTINGS]
    return g[cols].sort_values(["group", f"weighted_share_{CENTRAL_WEIGHTING}"], ascending=[True, False]).reset_index(drop=True)


def mainland_china_rows(origin: pd.DataFrame) -> pd.DataFrame:
    """Request-origin rows whose colo is in mainland China (country CN; Hong Kong, Macau and Taiwan are not)."""
    return origin[origin["country"] == "CN"].copy()


# --------------------------------------------------------------------------- the article's cities


@dataclass(frozen=True)
class CityEvidence:
    """What a verdict on "API requests from developers in San Francisco, Berlin, and Singapore" needs.

    ``table``: one row per city and group — colos, lists, lists naming the city at any rank, in the top five, at
    rank 1, the share of each, the median rank where listed, and the same shares for any colo of the city's
    country (``country_listed_share``, ``country_top_n_share``: Germany's traffic enters mostly at Frankfurt). ``all_cities_share``: share of each group's
    lists naming all the cities; ``top_colos``: each group's leading colos by rank weight;
    ``mainland_china_rows``: request-origin rows in mainland China (0 means none); ``colos_absent``: city colos
    that no list names. ``caveats``: what the evidence cannot say.
    """

    table: pd.DataFrame
    all_cities_share: dict
    top_colos: pd.DataFrame
    mainland_china_rows: int
    colos_absent: tuple
    lists: dict
    caveats: str
    mapping: dict

    def summary(self, group: str = "chinese_lab") -> dict:
        """The verdict's inputs in one dict: per city the shares of the group's lists naming it (any rank, top five,
        first) and its country's; the share naming every city; the mainland-China count; the caveats."""
        t = self.table[self.table["group"] == group].set_index("city")
        return {
            "lists": self.lists.get(group, 0),
            "cities": {c: {k: float(t.loc[c, k]) for k in ("listed_share", "top_n_share", "rank1_share", "country_listed_share",
                                                             "country_top_n_share")} | {"colos": self.mapping[c], "country": t.loc[c, "country"]}
                       for c in t.index},
            "all_cities_share": float(self.all_cities_share.get(group, float("nan"))),
            "mainland_china_rows": self.mainland_china_rows,
            "colos_absent": list(self.colos_absent),
            "caveats": self.caveats,
        }

    def share(self, city: str, group: str = "chinese_lab", column: str = "listed_share") -> float:
        r = self.table[(self.table["city"] == city) & (self.table["group"] == group)]
        if r.empty:
            raise ValueError(f"city {city!r}, group {group!r}: not in the evidence; cities: {sorted(set(self.table['city']))}")
        return float(r[column].iloc[0])


def city_evidence(origin: pd.DataFrame, labs: pd.DataFrame, *, cities: dict | None = None, variants=("standard",),
                  top_n: int = 5) -> CityEvidence:
    """Evidence on the claim that Chinese models' API requests come from San Francisco, Berlin and Singapore.

    For each city of ``cities`` (default :data:`CITY_COLOS`: city -> (colos, words)) and each group (Chinese-lab
    models, the rest): how many model lists name one of its colos at any rank, in the top ``top_n``, and first.
    """
    cities = cities or CITY_COLOS
    o = model_lists(origin, labs, variants=variants)
    o["w"] = rank_weights(o, CENTRAL_WEIGHTING)
    lists = o.groupby("group")["list_id"].nunique().to_dict()
    rows, all_named = [], {}
    per_list_named = {}
    for city, (colos, words) in cities.items():
        hit = o[o["colo"].isin(colos)]
        best = hit.groupby(["group", "list_id"])["rank"].min()
        per_list_named[city] = set(best.index)
        country = hit["country"].iloc[0] if len(hit) else None
        best_c = o[o["country"] == country].groupby(["group", "list_id"])["rank"].min()
        for grp in GROUPS:
            n = lists.get(grp, 0)
            b = best[grp] if grp in best.index.get_level_values(0) else pd.Series(dtype=float)
            bc = best_c[grp] if grp in best_c.index.get_level_values(0) else pd.Series(dtype=float)
            rows.append({"city": city, "colos": "|".join(colos), "group": grp, "lists": n, "listed": len(b),
                         "top_n": int((b <= top_n).sum()), "rank1": int((b == 1).sum()),
                         "listed_share": len(b) / n if n else np.nan, "top_n_share": (b <= top_n).sum() / n if n else np.nan,
                         "rank1_share": (b == 1).sum() / n if n else np.nan,
                         "median_rank_where_listed": float(b.median()) if len(b) else np.nan,
                         "country": country, "country_listed_share": len(bc) / n if n else np.nan,
                         "country_top_n_share": (bc <= top_n).sum() / n if n else np.nan, "mapping": words})
    for grp in GROUPS:
        ids = set(o.loc[o["group"] == grp, "list_id"])
        every = set.intersection(*[{lid for g, lid in s if g == grp} for s in per_list_named.values()]) if per_list_named else set()
        all_named[grp] = len(every) / len(ids) if ids else np.nan
    top = (o.groupby(["group", "colo", "city", "country"])["w"].sum() / o.groupby("group")["list_id"].nunique()).rename(
        "weighted_share_reciprocal").reset_index()
    top = top.sort_values(["group", "weighted_share_reciprocal"], ascending=[True, False]).groupby("group").head(10)
    named = {c for cs, _ in cities.values() for c in cs}
    absent = tuple(sorted(named - set(origin["colo"])))
    caveats = (RANKS_NOT_VOLUMES + " A colo is where a request entered the edge network, not where its developer sits "
               "(VPNs, cloud-hosted agents and company gateways move it); a Bay Area colo also serves Silicon Valley.")
    return CityEvidence(pd.DataFrame(rows), all_named, top.reset_index(drop=True), len(mainland_china_rows(o)), absent,
                        lists, caveats, {c: list(cs) for c, (cs, _) in cities.items()})


def request_cities_evidence(variants=("standard",)) -> CityEvidence:
    """:func:`city_evidence` on the committed tables: the fact-check's evidence on "API requests from developers in
    San Francisco, Berlin, and Singapore" (``.summary()`` gives the verdict's inputs)."""
    origin_t, labs = _load()
    return city_evidence(origin_t, labs, variants=variants)


# --------------------------------------------------------------------------- findings


def _load():
    from tokenecon import data

    return data.load("openrouter_request_origin"), data.load("labs")


_SCOPE = Scope("OpenRouter", "edge-location rankings of one snapshot (about 1 September 2026)", "2026-09-01",
               "standard (paid) offers; each model's list counts once")


@finding("chinese_model_origin_lead_region")
def chinese_model_origin_lead_region() -> Finding:
    """The region that most often leads Chinese-lab models' request lists, and how often it does."""
    origin, labs = _load()
    t = region_table(origin, labs)
    cn = t[t["group"] == "chinese_lab"].sort_values("lead_share", ascending=False)
    top = cn.iloc[0]
    rest = t[(t["group"] == "other") & (t["region"] == top["region"])]
    return Finding(
        "chinese_model_origin_lead_region",
        f"share of Chinese-lab models whose requests enter mostly through {top['region']} (the rank-1 edge location)",
        Estimate(float(top["lead_share"]), float(top["lead_share"]), float(top["lead_share"]), "fraction", POINT), "fraction",
        _SCOPE, TABLES, SECTION, note=RANKS_NOT_VOLUMES,
        extra={"region": top["region"], "lists": int(top["lists"]), "table": t,
               "other_models_lead_share": float(rest["lead_share"].iloc[0]) if len(rest) else 0.0})


@finding("chinese_model_origin_weighted_top_region")
def chinese_model_origin_weighted_top_region() -> Finding:
    """Rank-weighted share of Chinese-lab models' request lists in their top region: reciprocal weighting, with the
    linear weighting as the other end of the interval (the envelope of the two weightings)."""
    origin, labs = _load()
    t = region_table(origin, labs)
    cn = t[t["group"] == "chinese_lab"]
    top = cn.iloc[0]
    a, b = float(top[f"weighted_share_{CENTRAL_WEIGHTING}"]), float(top[f"weighted_share_{CHECK_WEIGHTING}"])
    return Finding(
        "chinese_model_origin_weighted_top_region",
        f"rank-weighted share of Chinese-lab models' request-origin lists in {top['region']}",
        Estimate.between(a, b, central=a, unit="fraction", kind=SCENARIOS), "fraction", _SCOPE, TABLES, SECTION,
        note=RANKS_NOT_VOLUMES + " Central: " + RANK_WEIGHTINGS[CENTRAL_WEIGHTING][0] + "; other end: "
        + RANK_WEIGHTINGS[CHECK_WEIGHTING][0] + ".",
        extra={"region": top["region"], "table": t})


@finding("request_origins_in_mainland_china")
def request_origins_in_mainland_china() -> Finding:
    """How many (model, edge location) pairs of the request-origin lists lie in mainland China: the count, all variants."""
    origin, _ = _load()
    rows = mainland_china_rows(origin)
    return Finding(
        "request_origins_in_mainland_china", "edge locations in mainland China among all models' request-origin lists",
        int(len(rows)), "model-location pairs",
        Scope("OpenRouter", "edge-location rankings of one snapshot (about 1 September 2026)", "2026-09-01",
              "all variants, all models; Hong Kong, Macau and Taiwan are not mainland China"),
        TABLES, SECTION, note=RANKS_NOT_VOLUMES,
        extra={"colos": int(origin["colo"].nunique()), "pairs": int(len(origin)),
               "countries": sorted(origin["country"].unique())})
