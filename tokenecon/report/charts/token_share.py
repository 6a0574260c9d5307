"""Charts and tables of the token-share report. Each chart function takes outputs of
:mod:`tokenecon.analysis.token_share` (or the shared findings' extras), draws one figure ending with
:func:`tokenecon.report.plotting.finish` and returns it; each table function shows one table."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from tokenecon.analysis import precision
from tokenecon.analysis import token_share as ts
from tokenecon.report import glossary
from tokenecon.report import notebook as reporting
from tokenecon.report import plotting
from tokenecon.report.notebook import fmt_pct

CHINA, US, UNKNOWN = plotting.BLOC_COLORS["china"], plotting.BLOC_COLORS["us"], plotting.BLOC_COLORS["unknown"]
#: Colours of the precision families (none is a bloc colour except the grey of "unknown").
FAMILY_COLORS = {"bf16": "#17becf", "fp8": "#bcbd22", "fp4": "#9467bd", "int4": "#ff7f0e", "unknown": UNKNOWN}
FAMILY_LABELS = {"fp4": "fp4 family (fp4, mxfp4, nvfp4)"}


def _show(fig):
    plt.show()
    return fig


def share_over_time(p: ts.SharePanel, *, top_n: int, article_pct: float):
    """The Chinese share by week: top 10, top N, whole platform (two bands) and the article's figure."""
    fig, ax = plt.subplots(figsize=(9, 4.8))
    if p.weekly10 is not None:
        ax.plot(p.weekly10.index, 100 * p.weekly10, "o-", color=CHINA, ms=3, label="top 10, rankings page (weekly snapshots)")
    ax.plot(p.top_n.index, 100 * p.top_n_china, "s-", color="#ff9896", ms=3, label=f"top {top_n}, daily rankings (weekly sums)")
    ax.fill_between(p.bounds.index, 100 * p.bounds["low"], 100 * p.bounds["high"], color=CHINA, alpha=0.25,
                    label="whole platform, daily rankings (band: row of unknown origin)")
    if p.page_low is not None:
        ax.fill_between(p.page_low.index, 100 * p.page_low, 100 * p.page_high, color="#9467bd", alpha=0.3,
                        label="whole platform, author widget (band: authors outside its top 9)")
    ax.axhline(article_pct, color="k", lw=0.8, ls="--", label=f"article: {article_pct:.0f}% of the top 10")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, loc="lower right")
    plotting.finish(ax, title="Chinese-model share of OpenRouter tokens", xlabel="Week (start date)", ylabel="Share of tokens (%)",
                    takeaway=f"Against the top {top_n} the Chinese share runs {100 * p.gap:.0f} points above its "
                             "whole-platform share (daily-ranking weeks in the window).",
                    data=pd.DataFrame({f"top_{top_n}_china_pct": 100 * p.top_n_china, "platform_low_pct": 100 * p.bounds["low"],
                                       "platform_high_pct": 100 * p.bounds["high"]}).rename_axis("week_start").reset_index())
    return _show(fig)


def lab_area(area: pd.DataFrame, blocs: dict):
    """Stacked weekly share of all tokens by lab (:func:`token_share.lab_shares`)."""
    fig, ax = plt.subplots(figsize=(9, 4.8))
    cmap = plt.get_cmap("tab20")
    names = {**plotting.BLOC_NAMES, "mixed": "mixed"}
    ax.stackplot(area.index, 100 * area.T.values, labels=[f"{c} ({names.get(blocs[c], blocs[c])})" for c in area.columns],
                 colors=[cmap(i) for i in range(area.shape[1])], alpha=0.9)
    ax.set_ylim(0, 100)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    named = area.drop(columns=[ts.OTHER_LABS, ts.OUTSIDE_TOP50])
    plotting.finish(ax, title="Share of all OpenRouter tokens by lab (weekly)", xlabel="Week (start date)", ylabel="Share of tokens (%)",
                    takeaway=f"In the last complete week, {named.iloc[-1].idxmax()} led with {fmt_pct(named.iloc[-1].max())} of all tokens.",
                    data=(100 * area).rename_axis("week_start").reset_index())
    return _show(fig)


def ranks(rp: ts.RankPanel):
    """Weekly rank of the leading models, Chinese labs solid."""
    fig, ax = plt.subplots(figsize=(9, 4.8))
    from tokenecon.data.lookup import distinct_display_names

    names = dict(zip(rp.leaders, distinct_display_names(rp.leaders)))  # two versions of a model stay apart
    for i, m in enumerate(rp.leaders):
        s = rp.ranks[rp.ranks["model_slug"] == m].set_index("week_start")["rank"]
        ax.plot(s.index, s.values, marker="o", ms=3, color=plt.get_cmap("tab10")(i % 10), ls="-" if rp.blocs[m] == "china" else "--",
                label=f"{names[m]} ({plotting.BLOC_NAMES.get(rp.blocs[m], rp.blocs[m])})")
    ax.set_ylim(20.5, 0.5)
    ax.set_yticks([1, 5, 10, 15, 20])
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    plotting.finish(ax, title="Weekly rank of the leading models (daily rankings, whole platform)", xlabel="Week (start date)",
                    ylabel="Rank by weekly tokens (1 = most)",
                    takeaway=f"Leadership rotates: {rp.first_models} different models were first in {rp.weeks} weeks "
                             "(solid lines: Chinese labs).",
                    data=rp.ranks[rp.ranks["model_slug"].isin(rp.leaders)][["week_start", "model_slug", "rank"]])
    return _show(fig)


def concentration(cm: pd.DataFrame, cl: pd.DataFrame):
    """Weekly HHI by model and by lab, with the band of the unknown-origin row."""
    fig, ax = plt.subplots()
    for frame, label, col in ((cm, "models", US), (cl, "labs", "#ff7f0e")):
        ax.fill_between(frame["week_start"], 1e4 * frame["hhi_low"], 1e4 * frame["hhi_high"], color=col, alpha=0.35)
        ax.plot(frame["week_start"], 1e4 * frame["hhi_low"], color=col, label=f"HHI of {label}")
    ax.axhline(1500, color="k", lw=0.8, ls=":", label="1,500: US merger guidelines' 'unconcentrated' threshold (2010)")
    ax.legend(fontsize=8)
    plotting.finish(ax, title="Concentration of OpenRouter tokens (Herfindahl-Hirschman index)", xlabel="Week (start date)",
                    ylabel="HHI (0 to 10,000)",
                    takeaway=f"By lab the market's HHI reached {1e4 * cl['hhi_high'].max():,.0f}; by model it stayed under "
                             f"{1e4 * cm['hhi_high'].max():,.0f}: many models, fewer labs.",
                    data=pd.concat([cm.assign(level="model"), cl.assign(level="lab")])[["level", "week_start", "hhi_low", "hhi_high"]])
    return _show(fig)


def origin_regions(op: ts.OriginPanel, top_region: str, weighted_share):
    """Rank-weighted share of the edge-location lists by region, Chinese-lab models against the rest."""
    c, k = op.central, op.check
    y = np.arange(len(c))
    fig, ax = plt.subplots()
    ax.barh(y + 0.2, c["chinese_lab"], height=0.4, color=CHINA, label="Chinese-lab models (weight 1/rank)")
    ax.barh(y - 0.2, c["other"], height=0.4, color=US, label="all other models (weight 1/rank)")
    ax.scatter(k["chinese_lab"], y + 0.2, marker="|", s=150, color="k", zorder=3, label="linear weighting, the check")
    ax.scatter(k["other"], y - 0.2, marker="|", s=150, color="k", zorder=3)
    ax.set_yticks(y)
    ax.set_yticklabels(c.index)
    ax.legend(fontsize=8, loc="lower right")
    plotting.finish(ax, title="Where requests for OpenRouter's models enter its edge network",
                    xlabel="Rank-weighted share of the models' edge-location lists (fraction; ranks, not request volumes)",
                    ylabel="Region of the edge data centre",
                    takeaway=f"{top_region} carries {fmt_pct(weighted_share.low)} to {fmt_pct(weighted_share.high)} of the rank "
                             "weight of Chinese-lab models' lists, about as much as for the other models; no edge location is in "
                             "mainland China.",
                    data=pd.DataFrame({"chinese_lab_reciprocal": c["chinese_lab"], "other_reciprocal": c["other"],
                                       "chinese_lab_linear": k["chinese_lab"], "other_linear": k["other"]}))
    return _show(fig)


def providers(v: ts.ProviderView, place, day: pd.Timestamp):
    """Tokens of the day by the providers' location class."""
    bc = v.bars
    fig, ax = plt.subplots()
    ax.barh([glossary.location_name(c) if c in glossary.LOCATION_WORDS else c for c in bc.index], bc.values / 1e12, color=[CHINA if c.startswith("china") else UNKNOWN if c == "unknown"
                                                 else "#ff9896" if c == ts.ABROAD_CHINESE else US for c in bc.index])
    ax.invert_yaxis()
    plotting.finish(ax, title=f"Where OpenRouter's tokens were computed, 24 h to {day:%Y-%m-%d}", xlabel="Tokens served in 24 h (trillions)",
                    ylabel="Location class of the provider",
                    takeaway=f"Providers computing in China served {fmt_pct(place.china_tokens.low / place.platform_tokens)} to "
                             f"{fmt_pct(place.china_tokens.high / place.platform_tokens)} of all tokens; China-headquartered "
                             f"providers served {fmt_pct(v.cn_hq_share)}.",
                    data=bc.rename("tokens_24h").rename_axis("location_class").reset_index())
    return _show(fig)


def precision_hosts(pt: pd.DataFrame, unknown_share: float, top_family: str):
    """Stacked share of each Chinese model's hosts by declared precision family."""
    fams = list(precision.FAMILIES) + [precision.UNKNOWN]
    fig, ax = plt.subplots(figsize=(8, 5))
    left = np.zeros(len(pt))
    for f in fams:
        vals = pt[f"share_{f}"].to_numpy()
        ax.barh(pt["model"].map(glossary.model_name), vals, left=left, color=FAMILY_COLORS[f], label=FAMILY_LABELS.get(f, f))
        left += vals
    ax.legend(fontsize=8, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    plotting.finish(ax, title="Precision declared by the hosts of each Chinese model (OpenRouter endpoint catalogue)",
                    xlabel="Share of the model's hosts (fraction; a host is one provider at one precision)", ylabel="Model",
                    takeaway=f"{top_family} is the most common declared precision; {fmt_pct(unknown_share)} of Chinese-lab "
                             "models' hosts declare none.",
                    data=pt[["model"] + [f"share_{f}" for f in fams]])
    return _show(fig)


def electricity(ec, ea, mag: ts.Magnitudes):
    """Weekly electricity computed in China (bounds) against all Chinese-model tokens wherever computed."""
    fig, ax = plt.subplots()
    ex = ec.weekly
    ax.fill_between(ex.index, ex["mwh_low"], ex["mwh_high"], color=CHINA, alpha=0.25, label="computed in China: bounds")
    ax.plot(ex.index, ex["mwh"], color=CHINA, label="computed in China: central")
    ax.plot(ea.weekly.index, ea.weekly["mwh"], color="k", ls="--", lw=1, label="all Chinese-model tokens, wherever computed (central)")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    m = ec.mwh_per_week
    plotting.finish(ax, title="Electricity behind OpenRouter's Chinese-model tokens (weekly)", xlabel="Week (start date)",
                    ylabel="Electricity (MWh per week, log scale)",
                    takeaway=f"About {m.central:,.0f} MWh a week computed in China in the last week (bounds {m.low:,.0f} to {m.high:,.0f}), "
                             f"{mag.place_factor:.0f} times less than all Chinese-model tokens would use; as much as {reporting.fmt_num(mag.gpus, 2)} GPUs "
                             f"drawing {mag.gpu_watts:.0f} W all week.",
                    data=ex[["mwh", "mwh_low", "mwh_high"]].join(ea.weekly["mwh"].rename("mwh_all_chinese_models")).rename_axis("week_start").reset_index())
    return _show(fig)


# --------------------------------------------------------------------------- tables


def article_tables(chk: ts.ArticleCheck) -> None:
    """The article's figures against the week's table, and the week's top 10."""
    aw = chk.week
    reporting.show_table(chk.table, caption=f"Week {aw.week_start:%Y-%m-%d} to {aw.week_end:%Y-%m-%d}: the article's figures against "
                         "OpenRouter's weekly top-10 table", uuid="article")
    week = aw.table.assign(total_tokens=aw.table["total_tokens"] / 1e12)
    if "bloc" in week:
        week["bloc"] = week["bloc"].map(lambda b: plotting.BLOC_NAMES.get(b, b))
    reporting.show_table(week.drop(columns=[c for c in ("model_slug",) if c in week and "model_name" in week]).rename(
                             columns={"total_tokens": "tokens (trillions)", "model_name": "model"}),
                         caption="The week's top 10 with lab and bloc", uuid="week")


PRECISION_COLUMNS = {"model": "model", "hosts": "hosts", "share_unknown": "unknown share", "kwh_per_mtok_bf16": "bf16",
                     "kwh_per_mtok_fp8": "fp8", "kwh_per_mtok_fp4": "fp4 family", "kwh_per_mtok_int4": "int4",
                     "documented_precision": "documented precision", "kwh_per_mtok_mix": "hosts' mix",
                     "kwh_per_mtok_mix_low": "mix, unknown at lightest", "kwh_per_mtok_mix_high": "mix, unknown at heaviest",
                     "basis": "basis"}


def precision_table(pt: pd.DataFrame, scenario: str) -> None:
    """Facility kWh per million tokens of each Chinese model at each precision and at the hosts' mix."""
    t = pt.assign(model=pt["model"].map(glossary.model_name)).sort_values("hosts", ascending=False)
    reporting.show_table(t[list(PRECISION_COLUMNS)].rename(columns=PRECISION_COLUMNS),
                         caption=f"Facility kWh per million tokens of the Chinese phase mix at each precision (serving scenario "
                                 f"“{scenario}”; the fp4 family evaluated as mxfp4), and at the hosts' declared mix with the "
                                 "undeclared hosts as a band", uuid="precision-energy", floatfmt="{:.3g}")


def place_table(place, day: pd.Timestamp) -> None:
    """Providers by location class."""
    t = place.by_class.assign(tokens=place.by_class["tokens"] / 1e12)
    if "location_class" in t:
        t["location_class"] = t["location_class"].map(glossary.location_name)
    reporting.show_table(t.rename(columns={"tokens": "tokens (trillions, 24 h)", "location_class": "where they compute",
                                           "platform_share": "share of the platform's tokens",
                                           "providers": "providers"}),
                         caption=f"Inference providers by where they compute, 24 h to {day:%Y-%m-%d} (headquarters and datacentre "
                                 "countries published by OpenRouter)", uuid="place", floatfmt="{:.3f}")


def readings_table(place, day: pd.Timestamp) -> None:
    """The readings of the providers' published locations: the rule, its bounds, two for comparison."""
    rd = place.readings
    reporting.show_table(rd.assign(china_tokens=rd["china_tokens"] / 1e12)[["reading", "meaning", "china_tokens", "share_at_central_denominator"]]
                         .rename(columns={"china_tokens": "tokens computed in China (trillions, 24 h)",
                                          "share_at_central_denominator": "share of Chinese-model tokens"}),
                         caption=f"Readings of the providers' published locations, 24 h to {day:%Y-%m-%d}: the rule (central), its bounds, "
                                 "and two readings shown for comparison only", uuid="place-readings", floatfmt="{:.3f}")


def rank_table(rp: ts.RankPanel, top_n: int) -> None:
    """The last week's top N with the change from the week before."""
    from tokenecon.data.lookup import distinct_display_names

    t = rp.last_week.assign(model=distinct_display_names(rp.last_week["model_slug"]),
                            entered=rp.last_week["entered"].map({True: "yes", False: "no"}))
    t = t[["rank", "model", "prev_rank", "rank_change", "entered"]].rename(
        columns={"prev_rank": "rank the week before", "rank_change": "change", "entered": "new in the top"})
    reporting.show_table(t, caption=f"Top {top_n}, week of {rp.ranks['week_start'].max():%Y-%m-%d}: rank and change from "
                         "the previous week (positive = up)", uuid="ranks", floatfmt="{:.0f}")


def basis_table(ec, scenario: str) -> None:
    """Energy basis of each provider computing in China."""
    from tokenecon.report.glossary import human_name

    b = ec.basis.assign(china_tokens=ec.basis["china_tokens"] / 1e9)
    for col in ("provider_slug", "location_class"):
        if col in b:
            b[col] = b[col].map(human_name)
    reporting.show_table(b.rename(
        columns={"provider_slug": "provider", "location_class": "where it computes", "energy_basis": "energy basis",
                 "china_tokens": "tokens in China (billions, 24 h)", "kwh_per_mtok": "kWh per million tokens (central)"}),
        caption=f"Energy basis per provider computing in China (serving scenario “{scenario}”; token mix: "
                f"{', '.join(f'{v:.1%} {glossary.PHASE_WORDS.get(k, k)}' for k, v in ec.split.items())})", uuid="basis",
        floatfmt="{:.3g}")


# --------------------------------------------------------------------------- phrases for the prose

FAMILY_WORDS = {"fp8": "fp8", "fp4": "a 4-bit float format", "bf16": "bf16 or fp16", "int4": "int4", "unknown": "none"}


def family_words(shares: dict) -> str:
    """``{"fp8": 0.45, ...}`` -> "fp8 for 45.0%, a 4-bit float format for 10.0%, ... and none for 38.0%"."""
    parts = [f"{FAMILY_WORDS[f]} for {fmt_pct(shares.get(f, 0.0))}" for f in ("fp8", "fp4", "bf16", "int4", "unknown")]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def provider_words(providers: pd.DataFrame) -> str:
    """Providers with their tokens and datacentre countries, for prose: "Name (1.2 billion tokens; datacentres SG, US)"."""
    def dc(v):
        return f"datacentres {v}" if isinstance(v, str) and v else "no datacentre published"
    return "; ".join(f"{r.provider_name} ({reporting.fmt_num(r.last_24h_tokens)} tokens; {dc(r.datacentre_countries)})"
                     for r in providers.itertuples()) or "no provider"


def check_words(cc: ts.CatalogueCheck) -> str:
    """What the endpoint catalogue says about the assumption that tokens computed in China are Chinese-model tokens."""
    if cc.only_chinese:
        n = cc.providers_checked
        return (f"The endpoint catalogue bears this out: the {n} provider{'s' if n != 1 else ''} counted in China "
                f"offer{'s' if n == 1 else ''} only Chinese-lab models ({int(cc.served['chinese_lab_endpoints'].sum())} endpoints).")
    others = "; ".join(o for o in cc.served["other_models"] if o)
    return (f"The endpoint catalogue does not fully bear this out: the providers counted in China also offer {others}, so the "
            "upper bound is generous.")
