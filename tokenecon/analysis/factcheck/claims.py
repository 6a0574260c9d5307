"""One small computation per claim of the article: each returns the evidence the verdict engine judges.

Every estimate comes from ``data/`` through the library; the figures other pages show too come from the shared
findings (:mod:`tokenecon.analysis.findings`), so the fact-check never recomputes them its own way.
"""

from __future__ import annotations

import pandas as pd

from tokenecon.data import lookup

from tokenecon.estimate import Estimate
from tokenecon.analysis.factcheck import engine
from tokenecon.model import pricing
from tokenecon.units import HOURS_PER_YEAR
from tokenecon.analysis.factcheck.engine import (  # noqa: F401
    DEFAULT_TOLERANCE, Check, Check, Context, Finding, MAJORITY, ORDER_OF_MAGNITUDE_DECADES, VERDICTS,
    _is_missing, claimed_text, format_estimate,
)
from tokenecon.analysis.factcheck.links import (  # noqa: F401
    L_ARTICLE_WEEK, L_BTC_MAP, L_BTC_REVENUE, L_PLACE, L_ORIGIN, L_TOKEN_COST, L_WORLD, S_BITCOIN, S_ELECTRICITY, S_HARDWARE,
    S_NOT, S_PRICES, S_THESIS, S_TOKENS,
)


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
    names = ", ".join(f"{n} ({lookup.BLOC_WORDS.get(b, b)})" for n, b in wk.top3)
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


def swe_scores(ctx, about: str = "both"):
    att = ctx.table("model_attributes").set_index("model_base")
    have = att["swebench_bash_only_resolved_pct"].dropna()
    m25 = att.loc["minimax/minimax-m2.5", "swebench_bash_only_resolved_pct"] if "minimax/minimax-m2.5" in att.index else None
    opus = att.loc["anthropic/claude-4.6-opus", "swebench_bash_only_resolved_pct"] if "anthropic/claude-4.6-opus" in att.index else None
    if not _is_missing(m25) and not _is_missing(opus):
        raise NotImplementedError("both scores are now in model_attributes: write the comparison")
    best = lookup.model_display_name(have.idxmax())
    table = f"the package's SWE-bench table (bash-only leaderboard, 2025-12-10; best entry {best}, {have.max():g}%)"
    reason = {
        "m25": f"MiniMax M2.5 is newer than {table}, so its vendor-reported score cannot be set against an "
               f"independent run.",
        "opus": f"Claude Opus 4.6 came out after {table}; its vendor-reported score has no independent counterpart.",
        "both": f"With neither model in {table}, the gap between the two vendor-reported scores cannot be measured.",
    }[about]
    return Finding(verdict="not checkable", section=S_NOT, reason=reason)


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
    # "hundreds of millions" is read as at least two hundred million, not one hundred million
    return Finding(est, section=S_ELECTRICITY, direction="at_least", claimed=2e8, precision=0.0,
                   claimed_text="at least USD 200 million a year ('hundreds of millions')",
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
    gain.index = gain.index.str.replace(r"\s*\*+$", "", regex=True)  # CBECI's footnote marks
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
                   note=f"{THESIS_READING}this is the electricity share of the cost of a {lookup.model_display_name(ctx.model)} output "
                        f"token served in {ctx.country} (scenario '{ctx.scenario}', cost model Monte Carlo, 90% interval).")


def token_cost_two_components(ctx):
    """Read strictly: GPU depreciation alone (the GPU's price over its life), not servers, network or the cost of
    capital counted as "GPU", plus electricity, against the whole cost."""
    f = _finding(ctx, "gpu_depreciation_and_electricity_share", model=ctx.model, country=ctx.country)
    two, gpu = f.value, f.extra["gpu_depreciation_share"]
    elec = _serving_cost(ctx)["electricity_share"]
    return Finding(Estimate(two.low, two.central, two.high, "fraction"), section=S_THESIS, link=L_TOKEN_COST,
                   claimed=1.0, precision=0.0, claimed_text="GPU depreciation + electricity = the whole cost",
                   note=f"GPU depreciation alone is {gpu.central:.0%} and electricity {elec.central:.0%} of the cost; "
                        f"the rest is the servers and network around the GPU, the cost of capital, the building and "
                        f"operations.")


def pricing_below_cost(ctx):
    """"Losing money to gain traction is the norm", against the package's own cost stacks: the share of the week's
    Chinese top-ten models whose list price (that week's) is below their serving cost in China."""
    f = _finding(ctx, "chinese_models_below_cost_share", week=ctx.week_start)
    g = f.extra["table"]
    margins = ", ".join(f"{lookup.model_display_name(r.model)} {r.gross_margin:.0%}" for r in g.itertuples())
    return Finding(Estimate(f.value.low, f.value.central, f.value.high, "fraction"), section=S_PRICES,
                   link=L_TOKEN_COST, direction="at_least", claimed=0.5, precision=0.0,
                   claimed_text="most Chinese models are priced below cost (read as: at least half)",
                   note=f"Gross margins at that week's list prices over the serving cost in China: {margins}. Serving "
                        f"cost only: any loss would have to come from training, research or free tiers, which the "
                        f"package does not model.")


#: A city counts as a place the requests come from when its country is among the ranked edge locations of at
#: least half of the Chinese-lab models' lists (ranks, not volumes: no share of requests is claimed).
CITY_COUNTRY_MIN_LIST_SHARE = 0.5


def requests_from_abroad(ctx):
    """"API requests from developers in San Francisco, Berlin, and Singapore": where OpenRouter's requests for
    Chinese-lab models enter its edge network (each model's ranked list of edge locations)."""
    from tokenecon.analysis import origin

    ev = origin.request_cities_evidence().summary()
    cities = ev["cities"]
    held = [c for c, v in cities.items() if v["country_listed_share"] >= CITY_COUNTRY_MIN_LIST_SHARE]
    verdict = ("supported" if ev["mainland_china_rows"] == 0 and len(held) == len(cities)
               else "roughly" if ev["mainland_china_rows"] == 0 and held else "contradicted")
    parts = "; ".join(f"{c}: the city in {v['listed_share']:.0%} of the lists (first in {v['rank1_share']:.0%}), its "
                      f"country in {v['country_listed_share']:.0%}" for c, v in cities.items())
    text = ("every city's country is in most lists" if len(held) == len(cities)
            else f"{len(held)} of the {len(cities)} cities' countries are in most lists")
    return Finding(text=f"{text}; no origin in mainland China",
                   verdict=verdict, section=S_THESIS, link=L_ORIGIN,
                   reason=f"Among the ranked edge locations of {ev['lists']} Chinese-lab models on OpenRouter, none is in "
                          f"mainland China. {parts}. Ranks are not volumes: this says where requests enter the "
                          f"network, not how many come from each place, and a colo is not a developer's desk.")


def vast_compute_electricity_export(ctx):
    """"China exports a vast amount of computing power and electricity services", at world scale: the electricity
    burned in China for Chinese-model tokens used abroad (envelope of the world-scale routes) against China's Bitcoin
    mining at its 2020 peak, the article's own comparison ("vast" read as at least that)."""
    from tokenecon.analysis import world

    v = world.fact_check_inputs(energy_scenario=ctx.scenario, draws=ctx.draws, seed=ctx.seed)["vast_export"]
    return Finding(Estimate(v.value.low, v.value.central, v.value.high, "TWh per year"), section=S_THESIS,
                   link=L_WORLD, direction="at_least", claimed=float(v.comparator.central), precision=0.0,
                   claimed_text=f"vast: at least {v.comparator_label} ({v.comparator.central:.0f} TWh a year)",
                   note=v.reason)


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
    "m25_swe_score": lambda ctx: swe_scores(ctx, "m25"),
    "opus46_swe_score": lambda ctx: swe_scores(ctx, "opus"),
    "swe_gap_negligible": lambda ctx: swe_scores(ctx, "both"),
    "m25_input_price": m25_input_price,
    "opus46_input_price": opus46_input_price,
    "input_price_ratio": input_price_ratio,
    "bill_cut_order_of_magnitude": bill_cut_order_of_magnitude,
    "openclaw_github_stars": _outside("Star counts live on GitHub, whose data the package does not collect."),
    "openclaw_spend": _outside("A personal anecdote; no data on individual bills."),
    "chat_tokens_per_conversation": chat_tokens_per_conversation,
    "words_per_token": _outside("Words per token depend on the tokenizer and the text; the package has neither to measure them."),
    "token_cost_two_components": token_cost_two_components,
    "h100_price": h100_price,
    "gpu_power_full_load": gpu_power_full_load,
    "dc_electricity_bill_annual": dc_electricity_bill_annual,
    "request_round_trip": _outside("None of the package's tables records request round-trip times, so the figure cannot be tested."),
    "requests_served_in_china": requests_served_in_china,
    "requests_from_abroad": requests_from_abroad,
    "thesis_electricity_export": thesis_electricity_export,
    "cn_electricity_discount": cn_electricity_discount,
    "deepseek_v3_vs_gpt4o_cost_ratio": deepseek_v3_vs_gpt4o_cost_ratio,
    "m25_active_params": m25_active_params,
    "m25_total_params": m25_total_params,
    "cn_ai_competitors": cn_ai_competitors,
    "pricing_below_cost": pricing_below_cost,
    "btc_china_mining_start": _outside("The CBECI mining map starts in 2019-09; no geographic data cover 2015."),
    "btc_china_hashrate_share": btc_china_hashrate_share,
    "btc_crackdown_year": btc_crackdown_year,
    "btc_migration_destinations": btc_migration_destinations,
    "tokens_vs_bitcoin_value": tokens_vs_bitcoin_value,
    "vast_compute_electricity_export": vast_compute_electricity_export,
    "cable_year": _outside("The first transatlantic telegraph cable is history the package holds no records of."),
    "sputnik_year": _outside("Sputnik's launch date is outside the package's tables, which start in 2009 (Bitcoin)."),
    "apollo_cost": _outside("No table in the package prices the Apollo programme or converts old dollars."),
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
        findings.get("world_token_twh_in_china", energy_scenario=ctx.scenario, draws=ctx.draws, seed=ctx.seed),
        findings.get("article_week_china_top10_share", week_start=ctx.week_start),
    ]


#: What each figure-judged claim is about, in a few words: the reason says it first, so that no two reasons
#: read alike.
SUBJECTS = {
    "top10_weekly_tokens": "tokens of the week's ten largest models",
    "china_weekly_tokens": "Chinese models' tokens in that top ten",
    "china_top10_share": "the Chinese share of the top ten's tokens",
    "m25_weekly_tokens": "MiniMax M2.5's tokens that week",
    "m25_input_price": "MiniMax M2.5's input price",
    "opus46_input_price": "Claude Opus 4.6's input price",
    "input_price_ratio": "how many times dearer Opus input is",
    "bill_cut_order_of_magnitude": "the bill after switching from Claude",
    "token_cost_two_components": "what GPU depreciation and electricity cover",
    "h100_price": "the price of one H100",
    "gpu_power_full_load": "an H100 board's power",
    "dc_electricity_bill_annual": "a 100,000-GPU site's yearly power bill",
    "requests_served_in_china": "the share of Chinese-model tokens computed in China",
    "thesis_electricity_export": "electricity's share of a token's cost",
    "cn_electricity_discount": "how much cheaper China's industrial power is",
    "m25_active_params": "MiniMax M2.5's active parameters",
    "m25_total_params": "MiniMax M2.5's total parameters",
    "cn_ai_competitors": "Chinese labs selling model access",
    "pricing_below_cost": "Chinese models priced below serving cost",
    "btc_china_hashrate_share": "China's peak share of Bitcoin mining",
    "btc_crackdown_year": "the year China's mining stopped",
    "vast_compute_electricity_export": "electricity exported in tokens each year",
}


def evaluate(claims: pd.DataFrame, ctx, *, checks: dict | None = None, tolerance: float = DEFAULT_TOLERANCE) -> list[Check]:
    """:func:`tokenecon.analysis.factcheck.engine.evaluate` with the article's computations (:data:`CHECKS`)."""
    return engine.evaluate(claims, ctx, checks=CHECKS if checks is None else checks, tolerance=tolerance,
                           subjects=SUBJECTS)


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


