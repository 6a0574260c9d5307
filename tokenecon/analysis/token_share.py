"""The token-share report's own computations: the article's week set against the data, the share series,
lab areas, ranks, the buyers' regions, the provider classes, the request-weighted precision mix and the
everyday magnitudes of the electricity computed in China.

The shared figures (the platform share, the share computed in China, the electricity and revenue findings)
come from :mod:`tokenecon.analysis.share`, :mod:`~tokenecon.analysis.place`, :mod:`~tokenecon.analysis.origin`,
:mod:`~tokenecon.analysis.precision` and :mod:`~tokenecon.analysis.electricity`; this module only arranges
their outputs for the report and adds the few numbers the report alone shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tokenecon.analysis import origin, precision, share
from tokenecon.analysis import place as place_rules

#: The label of the platform's aggregated row (models outside the daily top 50) in the lab view.
OUTSIDE_TOP50 = "outside the daily top 50"
#: The label of the labs in the top 50 that the lab view does not name.
OTHER_LABS = "other labs in the top 50"
#: Bars of the provider chart, in order: the place classes of :mod:`~tokenecon.analysis.place`, then the
#: providers outside China split by whether they are a Chinese company (or a Chinese lab's own endpoint).
ABROAD_CHINESE = "outside China: Chinese company or lab endpoint"
ABROAD_OTHER = "outside China: other providers"
PROVIDER_BARS = ("china_declared", "china_likely", "china_partly", "china_possible", "unknown", ABROAD_CHINESE, ABROAD_OTHER)


# --------------------------------------------------------------------------- the article's week


@dataclass
class ArticleCheck:
    """The article's week figures against the weekly top-10 table."""

    week: share.ArticleWeek
    claims: dict                   # article_claims rows: total, china, share, m25, top3
    table: pd.DataFrame            # figure, article, computed, difference
    implied_share: float           # the article's Chinese total over its own top-10 total
    china_rows: int                # Chinese models in the week's top 10
    m25_prompt_completion: float   # M2.5's prompt + completion tokens on its model page, same days
    third: pd.Series               # the week's third model
    glm_rank: int | None           # GLM's rank in the week (None: absent)
    glm_tokens: float | None


def article_check(aw: share.ArticleWeek, claims: pd.DataFrame, weekly10: pd.DataFrame) -> ArticleCheck:
    """Set the article's six figures beside the recomputed week ``aw`` (from :func:`share.article_week`)."""
    c = {k: share.find_claim(claims, q) for k, q in (("total", "8.7 trillion"), ("china", "5.3 trillion"), ("share", "61%"),
                                                      ("m25", "2.45 trillion"), ("top3", "top three all from China"))}
    rows = [("top-10 weekly tokens (trillions)", c["total"]["value"] / 1e12, aw.top10_tokens / 1e12),
            ("Chinese-model tokens in the top 10 (trillions)", c["china"]["value"] / 1e12, aw.china_tokens / 1e12),
            ("Chinese share of the top 10 (%)", c["share"]["value"], 100 * aw.china_share),
            ("MiniMax M2.5 tokens (trillions)", c["m25"]["value"] / 1e12, aw.m25_tokens / 1e12),
            ("MiniMax M2.5 rank", 1.0, float(aw.m25_rank)),
            ("Chinese models among the top three", c["top3"]["value"], float(sum(b == "china" for _, b in aw.top3)))]
    table = pd.DataFrame(rows, columns=["figure", "article", "computed"])
    table["difference"] = table["computed"] - table["article"]
    m25 = weekly10[(weekly10["week_start"] == aw.week_start) & weekly10["model_slug"].str.startswith("minimax/minimax-m2.5")].iloc[0]
    glm = aw.table[aw.table["model_name"].str.contains("GLM", case=False)]
    return ArticleCheck(aw, c, table, c["china"]["value"] / c["total"]["value"], int((aw.table["bloc"] == "china").sum()),
                        float(m25["prompt_tokens"] + m25["completion_tokens"]), aw.table.iloc[2],
                        int(glm["rank"].iloc[0]) if len(glm) else None, float(glm["total_tokens"].iloc[0]) if len(glm) else None)


# --------------------------------------------------------------------------- the share over time


@dataclass
class SharePanel:
    """The Chinese share of OpenRouter tokens by week: whole platform (rankings-daily, with the unknown-origin band),
    top N of rankings-daily, the weekly top-10 table and the rankings page's author widget (low/high band)."""

    weekly: pd.DataFrame           # rankings-daily summed into complete weeks
    platform: pd.DataFrame         # bloc shares of the whole platform by week
    bounds: pd.DataFrame           # Chinese share low/high (unknown-origin row counted as not Chinese / Chinese)
    top_n: pd.DataFrame            # bloc shares of the top N by week
    weekly10: pd.Series | None     # Chinese share of the weekly top-10 table (None: no week in the window)
    page_low: pd.Series | None     # author widget: named Chinese authors only
    page_high: pd.Series | None    # author widget: plus every author outside its top list
    notes: list = field(default_factory=list)  # why a series is missing, in words

    @property
    def reference_week(self) -> pd.Timestamp:
        return self.bounds.index.max()

    @property
    def top_n_china(self) -> pd.Series:
        return self.top_n.get("china", pd.Series(0.0, index=self.top_n.index))

    @property
    def gap(self) -> float:
        """Mean points by which the top-N share exceeds the whole-platform share (fraction)."""
        return float((self.top_n_china - self.platform.get("china", 0.0)).mean())


def share_panel(daily, weekly10, author_page, labs, overrides=None, *, start=None, end=None, top_n: int = 10) -> SharePanel:
    """Every weekly series of the Chinese share in the window ``start``..``end`` (see :class:`SharePanel`)."""
    wk = share.weekly_from_daily(share.in_window(daily, "date", start, end, table="openrouter_daily_top50"))
    plat = share.bloc_shares_weekly(wk, labs, overrides)
    panel = SharePanel(wk, plat, share.china_share_bounds(plat), share.bloc_shares_weekly(wk, labs, overrides, top_n=top_n),
                       None, None, None)
    try:
        w10 = share.attach_labs(share.in_window(weekly10, "week_start", start, end, table="openrouter_weekly_top10"), labs,
                                overrides, table="openrouter_weekly_top10")
        s10 = share.shares(w10[w10["rank"] <= min(top_n, 10)], "week_start", "bloc").pivot(
            index="week_start", columns="bloc", values="share").fillna(0.0)
        panel.weekly10 = s10.get("china", pd.Series(0.0, index=s10.index))
    except ValueError as exc:
        panel.notes.append(f"The weekly top-10 table has nothing in this window ({exc}).")
    try:
        ap = share.attach_labs(share.in_window(author_page, "snapshot_date", start, end, table="openrouter_author_share"), labs,
                               overrides, table="openrouter_author_share")
        listed = ap.groupby("snapshot_date")["share_pct"].sum() / 100
        panel.page_low = ap[ap["bloc"] == "china"].groupby("snapshot_date")["share_pct"].sum().reindex(listed.index, fill_value=0) / 100
        panel.page_high = panel.page_low + (1 - listed)
    except ValueError as exc:
        panel.notes.append(f"The rankings-page author widget has nothing in this window ({exc}).")
    return panel


def lab_shares(weekly: pd.DataFrame, labs: pd.DataFrame, overrides=None, *, n: int = 8) -> tuple[pd.DataFrame, dict]:
    """Weekly share of all tokens of the ``n`` largest labs (by mean share), the other top-50 labs, and the row
    outside the top 50; with each column's bloc ("mixed" for the two aggregates). Rows sum to one."""
    wl = share.attach_labs(weekly, labs, overrides, table="weekly tokens")
    wl.loc[wl["is_other"], "lab"] = OUTSIDE_TOP50
    sh = share.shares(wl, "week_start", "lab").pivot(index="week_start", columns="lab", values="share").fillna(0.0)
    keep = [c for c in sh.mean().sort_values(ascending=False).index if c != OUTSIDE_TOP50][:n]
    area = sh[keep].copy()
    area[OTHER_LABS] = sh.drop(columns=keep + [OUTSIDE_TOP50], errors="ignore").sum(axis=1)
    area[OUTSIDE_TOP50] = sh[OUTSIDE_TOP50] if OUTSIDE_TOP50 in sh else 0.0
    lookup = share.bloc_lookup(labs, overrides)
    bloc_of_lab = dict(zip(lookup["lab"], lookup["bloc"]))
    return area, {c: bloc_of_lab.get(c, "mixed") for c in area.columns}


@dataclass
class RankPanel:
    ranks: pd.DataFrame            # share.rank_changes output over the named models
    leaders: list                  # the models drawn: most tokens among the weeks' top five
    blocs: dict                    # model slug -> bloc
    last_week: pd.DataFrame        # the last week's top N with rank changes
    first_models: int              # distinct models ranked first
    weeks: int


def rank_panel(weekly: pd.DataFrame, labs: pd.DataFrame, overrides=None, *, n_leading: int = 8, top_n: int = 10) -> RankPanel:
    """Weekly ranks of the named models, the ``n_leading`` leaders (most tokens while in a week's top five) and the
    last week's top ``top_n`` with their change from the week before."""
    named = weekly[~weekly["is_other"]]
    rc = share.rank_changes(named, "week_start", "model_slug")
    leaders = list(named[named["rank"] <= 5].groupby("model_slug")["total_tokens"].sum().sort_values(ascending=False).head(n_leading).index)
    bloc = share.bloc_lookup(labs, overrides)["bloc"]
    last = rc[rc["week_start"] == rc["week_start"].max()]
    return RankPanel(rc, leaders, {m: bloc.get(m.split("/")[0], "unknown") for m in leaders},
                     last[last["rank"] <= top_n][["rank", "model_slug", "prev_rank", "rank_change", "entered"]],
                     named.loc[named["rank"] == 1, "model_slug"].nunique(), named["week_start"].nunique())


# --------------------------------------------------------------------------- where the buyers are


@dataclass
class OriginPanel:
    central: pd.DataFrame          # region x group: rank-weighted share, central weighting (sorted by Chinese-lab share)
    check: pd.DataFrame            # the same, check weighting
    leads: pd.DataFrame            # region x group: share of models whose first-ranked location is there
    lists: dict                    # group -> number of model lists

    def table(self) -> pd.DataFrame:
        """The regions' figures for display, largest Chinese-lab weight first."""
        return pd.DataFrame({"leads the list, Chinese-lab models": self.leads["chinese_lab"],
                             "leads the list, other models": self.leads["other"],
                             "rank weight 1/rank, Chinese-lab models": self.central["chinese_lab"],
                             "rank weight linear, Chinese-lab models": self.check["chinese_lab"],
                             "rank weight 1/rank, other models": self.central["other"]}).iloc[::-1].rename_axis("region").reset_index()


def origin_panel(region_table: pd.DataFrame) -> OriginPanel:
    """Pivot :func:`origin.region_table` (the lead-region finding's table) into regions x groups."""
    def piv(col):
        return region_table.pivot(index="region", columns="group", values=col)
    central = piv(f"weighted_share_{origin.CENTRAL_WEIGHTING}").fillna(0.0).sort_values("chinese_lab")
    return OriginPanel(central, piv(f"weighted_share_{origin.CHECK_WEIGHTING}").reindex(central.index).fillna(0.0),
                       piv("lead_share").reindex(central.index).fillna(0.0),
                       {g: int(region_table.loc[region_table["group"] == g, "lists"].iloc[0]) for g in origin.GROUPS})


# --------------------------------------------------------------------------- where tokens are computed


@dataclass
class ProviderView:
    providers: pd.DataFrame        # place providers with chinese_company and bar
    bars: pd.Series                # tokens by bar (PROVIDER_BARS order)
    chinese_abroad: pd.DataFrame   # Chinese companies' endpoints computing outside China, by tokens
    third_party: pd.DataFrame      # the largest third-party hosts (not a lab's own endpoint, not Chinese)
    cn_hq_share: float             # share of all tokens served by China-headquartered providers


def provider_view(place: place_rules.InferencePlace, labs: pd.DataFrame, overrides=None) -> ProviderView:
    """Providers of the token day by where they compute, splitting those outside China by whether they are Chinese."""
    bloc = share.bloc_lookup(labs, overrides)["bloc"]
    pv = place.providers.copy()
    pv["chinese_company"] = (pv["hq_country"] == "CN") | pv["first_party_author"].map(bloc).eq("china")
    pv["bar"] = pv["location_class"]
    outside = pv["location_class"] == "outside"
    pv.loc[outside & pv["chinese_company"], "bar"] = ABROAD_CHINESE
    pv.loc[outside & ~pv["chinese_company"], "bar"] = ABROAD_OTHER
    bars = pv.groupby("bar")["last_24h_tokens"].sum().reindex(list(PROVIDER_BARS)).dropna()
    return ProviderView(pv, bars, pv[pv["bar"] == ABROAD_CHINESE].sort_values("last_24h_tokens", ascending=False),
                        pv[pv["first_party_author"].isna() & ~pv["chinese_company"] & pv["hq_country"].notna()].head(5),
                        float(pv.loc[pv["hq_country"] == "CN", "last_24h_tokens"].sum()) / place.platform_tokens)


@dataclass
class CatalogueCheck:
    moved: pd.DataFrame            # China-headquartered providers the datacentre lists move out of China
    served: pd.DataFrame           # what the providers counted in China serve (place.china_located_models)
    catalogue_providers: int       # providers in the full catalogue
    unchanged: int                 # providers of the token day with the same HQ and datacentre lists in both

    @property
    def providers_checked(self) -> int:
        """Providers counted in China that have endpoints in the catalogue."""
        return int((self.served["endpoints"] > 0).sum())

    @property
    def only_chinese(self) -> bool:
        """Whether every endpoint of the providers counted in China serves a Chinese-lab model."""
        s = self.served[self.served["endpoints"] > 0]
        return bool(len(s)) and bool(s["all_chinese"].all())


def catalogue_check(place: place_rules.InferencePlace, endpoints: pd.DataFrame, catalogue: pd.DataFrame,
                    labs: pd.DataFrame) -> CatalogueCheck:
    """What the provider catalogue and the endpoint catalogue say about the place rule and its assumption."""
    cat = catalogue.set_index("provider_slug")
    p = place.providers
    same = ((p["datacentre_countries"].fillna("") == p["provider_slug"].map(cat["datacentre_countries"]).fillna(""))
            & (p["hq_country"].fillna("") == p["provider_slug"].map(cat["hq_country"]).fillna("")))
    return CatalogueCheck(place_rules.datacentre_reading_changes(p), place_rules.china_located_models(place, endpoints, labs),
                          len(cat), int(same.sum()))


def request_family_shares(endpoints: pd.DataFrame, labs: pd.DataFrame) -> dict[str, float]:
    """Share of Chinese-lab models' requests (the catalogue's last-30-minute counts) by precision family, unknown included."""
    rq = precision.precision_mix(endpoints, labs, weight="requests").dropna(subset=["share_unknown"])
    return {f: float((rq[f"share_{f}"] * rq["requests"]).sum() / rq["requests"].sum())
            for f in list(precision.FAMILIES) + [precision.UNKNOWN]}


# --------------------------------------------------------------------------- everyday magnitudes


@dataclass
class Magnitudes:
    gpu_watts: float               # the article's GPU power at full load
    gpus: float                    # GPUs at that power running all week for the electricity computed in China
    chat_tokens: tuple             # the article's "few thousand tokens" chat, low and high
    chat_wh: tuple                 # that chat's electricity at the central kWh per million tokens (Wh)
    bitcoin_month: pd.Timestamp
    bitcoin_mwh_per_week: float    # CBECI best guess, latest month, per week
    bitcoin_ratio: float           # Bitcoin's weekly electricity over the electricity computed in China
    place_factor: float            # all Chinese-model tokens' electricity over the part computed in China


def magnitudes(computed_in_china, all_chinese_models, claims: pd.DataFrame, cbeci_monthly: pd.DataFrame) -> Magnitudes:
    """Everyday comparisons for the week's electricity computed in China (central values)."""
    mwh = computed_in_china.mwh_per_week.central
    gpu_w = float(share.find_claim(claims, "700 watts")["value"])
    chat = share.find_claim(claims, "few thousand tokens")
    kwh = computed_in_china.kwh_per_mtok.central
    btc = cbeci_monthly.dropna(subset=["twh_best"]).sort_values("month").iloc[-1]
    btc_mwh = float(btc["twh_best"] * 1e6 / btc["days"] * 7)
    return Magnitudes(gpu_w, mwh * 1e3 / (gpu_w / 1e3 * 24 * 7), (float(chat["value_low"]), float(chat["value_high"])),
                      (chat["value_low"] / 1e6 * kwh * 1e3, chat["value_high"] / 1e6 * kwh * 1e3), btc["month"], btc_mwh,
                      btc_mwh / mwh, all_chinese_models.mwh_per_week.central / mwh)
