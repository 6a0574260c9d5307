"""tokenecon.analysis.share: the article's week, shares, denominators, concentration, place of inference."""

from __future__ import annotations

import csv
import importlib.util

import numpy as np
import pandas as pd
import pytest

from tokenecon import data, paths
from tokenecon.analysis import share
from tokenecon.estimate import Estimate

RAW_WEEKLY = paths.raw_dir() / "tokens" / "openrouter_weekly_top10_johnbean393.csv"
RAW_LOOKUP = paths.raw_dir() / "tokens" / "author_origin_lookup_handcompiled.csv"


@pytest.fixture(scope="module")
def t():
    return {n: data.load(n) for n in ["labs", "openrouter_weekly_top10", "openrouter_daily_top50", "openrouter_provider_tokens_24h"]}


# --------------------------------------------------------------------------- the article's week


@pytest.mark.skipif(not RAW_WEEKLY.exists(), reason="raw mirror not available")
def test_article_week_against_independent_sum_of_the_raw_file(t):
    # Second method: the csv module on the raw file, the CN bloc from the raw lookup, snapshot 2026-02-23.
    with open(RAW_LOOKUP, newline="") as fh:
        cn = {r["author_prefix"] for r in csv.DictReader(fh) if r["bloc"] == "CN"}
    with open(RAW_WEEKLY, newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["snapshot_date"] == "2026-02-23"]
    total = sum(int(r["total_tokens"]) for r in rows)
    china = sum(int(r["total_tokens"]) for r in rows if r["author"] in cn)
    m25 = [r for r in rows if r["slug"].startswith("minimax/minimax-m2.5")][0]

    a = share.article_week(t["openrouter_weekly_top10"], t["labs"], "2026-02-16")
    assert a.week_end == pd.Timestamp("2026-02-22")
    assert a.top10_tokens == total
    assert a.china_tokens == china
    assert a.china_share == pytest.approx(china / total)
    assert a.m25_tokens == int(m25["total_tokens"]) and a.m25_rank == int(m25["rank"])


def test_article_week_hand_figures(t):
    # SOURCES.md / research note: 8.74 T top-10, 5.16 T Chinese (59.0%), M2.5 2.57 T first;
    # by hand: 2.57 + 1.04 + 0.803 + 0.745 = 5.158 T.
    a = share.article_week(t["openrouter_weekly_top10"], t["labs"], "2026-02-16")
    assert a.top10_tokens == 8_743_000_000_000
    assert a.china_tokens == 5_158_000_000_000
    assert round(100 * a.china_share, 1) == 59.0
    assert a.m25_tokens == 2_570_000_000_000 and a.m25_rank == 1
    # The table's third model is Gemini 3 Flash (US), so "top three all Chinese" does not hold in this data.
    assert [b for _, b in a.top3] == ["china", "china", "us"] and not a.top3_all_china


def test_article_week_unknown_week_lists_available(t):
    with pytest.raises(ValueError, match=r"week_start 2026-02-17: not in openrouter_weekly_top10; weeks available: .*2026-02-16"):
        share.article_week(t["openrouter_weekly_top10"], t["labs"], "2026-02-17")


def test_bloc_override_changes_the_article_week(t):
    # Reclassify Google as 'china' (a what-if): Chinese total gains Gemini 3 Flash + Gemini 2.5 Flash.
    a = share.article_week(t["openrouter_weekly_top10"], t["labs"], "2026-02-16", overrides={"google": "china"})
    assert a.china_tokens == 5_158_000_000_000 + 859_000_000_000 + 431_000_000_000


def test_find_claim_by_quote():
    claims = data.load("article_claims")
    c = share.find_claim(claims, "8.7 trillion")
    assert c["value"] == 8.7e12
    with pytest.raises(ValueError, match="expected one claim quoting 'no such words'"):
        share.find_claim(claims, "no such words")


# --------------------------------------------------------------------------- errors


def test_unknown_author_counts_as_origin_unknown(t):
    """A lab the labs table does not list yet (after a fetch) is origin unknown, never guessed, and listed."""
    bad = t["openrouter_daily_top50"].head(3).copy()
    bad.loc[bad.index[1], "author"] = "acme-labs"
    out = share.attach_labs(bad, t["labs"], table="openrouter_daily_top50")
    assert out.loc[bad.index[1], "bloc"] == "unknown" and "acme-labs" in out.loc[bad.index[1], "lab"]
    assert share.labs_with_unknown(t["labs"], bad)[1] == ["acme-labs"]


def test_unknown_override_author_and_bloc(t):
    with pytest.raises(ValueError, match=r"bloc_overrides: unknown author 'acme'; known authors: .*minimax"):
        share.bloc_lookup(t["labs"], {"acme": "china"})
    with pytest.raises(ValueError, match=r"bloc_overrides\['openrouter'\] = 'asia': expected one of"):
        share.bloc_lookup(t["labs"], {"openrouter": "asia"})


def test_empty_window_error_gives_coverage(t):
    with pytest.raises(ValueError, match=r"no rows with date in 2025-01-01 \.\.\. 2025-01-31; the table covers 2026-05-23 \.\.\. 2026-08-21"):
        share.in_window(t["openrouter_daily_top50"], "date", "2025-01-01", "2025-01-31", table="openrouter_daily_top50")
    with pytest.raises(ValueError, match="start 2026-06-02 is after end 2026-06-01"):
        share.in_window(t["openrouter_daily_top50"], "date", "2026-06-02", "2026-06-01")
    # A window with days but no complete Monday-Sunday week
    d = share.in_window(t["openrouter_daily_top50"], "date", "2026-06-02", "2026-06-05")
    with pytest.raises(ValueError, match="no complete Monday-Sunday week"):
        share.weekly_from_daily(d)


def test_top_n_range(t):
    with pytest.raises(ValueError, match=r"top_n = 51: expected 1\.\.50"):
        share.daily_top_n(t["openrouter_daily_top50"], 51)


# --------------------------------------------------------------------------- shares and denominators


def test_weekly_aggregation_matches_daily_sums(t):
    d = t["openrouter_daily_top50"]
    w = share.weekly_from_daily(d)
    assert w["week_start"].dt.day_of_week.eq(0).all() and w["days"].eq(7).all()
    # Independent: the platform total of week 2026-06-01..07 from the day totals.
    days = d[(d["date"] >= "2026-06-01") & (d["date"] <= "2026-06-07")].groupby("date")["day_total_tokens"].first()
    assert len(days) == 7
    wk = w[w["week_start"] == pd.Timestamp("2026-06-01")]
    assert wk["total_tokens"].sum() == days.sum() == wk["week_total_tokens"].iloc[0]
    # First (2026-05-23, a Saturday) and last (2026-08-17 ... 21) partial weeks are dropped.
    assert w["week_start"].min() == pd.Timestamp("2026-05-25") and w["week_start"].max() == pd.Timestamp("2026-08-10")


def test_platform_shares_sum_to_one_and_use_the_whole_platform(t):
    w = share.weekly_from_daily(t["openrouter_daily_top50"])
    b = share.bloc_shares_weekly(w, t["labs"])
    assert np.allclose(b.sum(axis=1), 1.0)
    # Denominator = platform (top 50 + other): recompute one week's Chinese share by hand.
    labs = t["labs"].set_index("author")["bloc"]
    wk = w[w["week_start"] == pd.Timestamp("2026-07-13")]
    cn = wk.loc[wk["author"].map(labs) == "china", "total_tokens"].sum()
    assert b.loc[pd.Timestamp("2026-07-13"), "china"] == pytest.approx(cn / wk["week_total_tokens"].iloc[0])
    # The `other` row is counted as unknown, so bounds bracket the Chinese share.
    cb = share.china_share_bounds(b)
    assert (cb["high"] >= cb["low"]).all()
    other = wk.loc[wk["is_other"], "total_tokens"].sum() / wk["week_total_tokens"].iloc[0]
    assert b.loc[pd.Timestamp("2026-07-13"), "unknown"] >= other


def test_top_n_shares_exceed_denominator_never_and_sum_to_one(t):
    w = share.weekly_from_daily(t["openrouter_daily_top50"])
    top = share.bloc_shares_weekly(w, t["labs"], top_n=10)
    assert np.allclose(top.sum(axis=1), 1.0)
    # Top-10 denominators are smaller than the platform, and for every week the top-10 Chinese share
    # here is higher than the platform share (the article's framing overstates the bloc share).
    plat = share.bloc_shares_weekly(w, t["labs"])
    assert (top["china"] > plat["china"]).all()


def test_shares_with_platform_denominator(t):
    d = t["openrouter_daily_top50"]
    top10 = share.daily_top_n(d, 10)
    top10 = share.attach_labs(top10, t["labs"])
    den = d.groupby("date")["day_total_tokens"].first()
    s = share.shares(top10, "date", "bloc", denominator=den)
    per_day = s.groupby("date")["share"].sum()
    by_hand = top10.groupby("date")["total_tokens"].sum() / den
    assert np.allclose(per_day.values, by_hand.loc[per_day.index].astype(float).values)
    assert (per_day < 1).all()


# --------------------------------------------------------------------------- concentration and ranks


def test_hhi_by_hand():
    assert share.hhi([0.5, 0.5]) == pytest.approx(0.5)
    assert share.hhi([0.25] * 4) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="sum to <= 1"):
        share.hhi([0.7, 0.7])


def test_concentration_bounds_differ_by_other_squared(t):
    w = share.weekly_from_daily(t["openrouter_daily_top50"])
    c = share.concentration_weekly(w, t["labs"])
    assert np.allclose(c["hhi_high"] - c["hhi_low"], c["other_share"] ** 2)
    wk = w[(w["week_start"] == pd.Timestamp("2026-06-01")) & ~w["is_other"]]
    s = wk["total_tokens"] / wk["week_total_tokens"]
    assert c.loc[c["week_start"] == pd.Timestamp("2026-06-01"), "hhi_low"].iloc[0] == pytest.approx(float((s**2).sum()))


def test_rank_changes_by_hand():
    r = pd.DataFrame({"p": [1, 1, 1, 2, 2, 2], "m": ["a", "b", "c", "b", "a", "d"], "rank": [1, 2, 3, 1, 2, 3]})
    out = share.rank_changes(r, "p", "m").set_index(["p", "m"])
    assert out.loc[(2, "b"), "rank_change"] == 1 and out.loc[(2, "a"), "rank_change"] == -1
    assert out.loc[(2, "d"), "entered"] and not out.loc[(1, "a"), "entered"]


# --------------------------------------------------------------------------- place of inference


def test_provider_location_classes(t):
    p = share.provider_location(t["openrouter_provider_tokens_24h"], t["labs"]).set_index("provider_slug")
    assert p.loc["deepseek", "location_class"] == "china_likely"          # CN HQ, no datacentre published
    assert p.loc["tencent", "location_class"] == "outside"                # CN HQ but datacentre SG
    assert p.loc["alibaba", "location_class"] == "china_partly"           # SG|CN
    assert p.loc["alibaba", "china_fraction_central"] == 0.5
    assert p.loc["stepfun", "location_class"] == "china_possible"         # Chinese lab, nothing published
    assert p.loc["novita", "location_class"] == "outside"


def test_china_computed_share_by_hand(t):
    p = t["openrouter_provider_tokens_24h"].set_index("provider_slug")["last_24h_tokens"].astype(float)
    total = p.sum()
    low_num = p["deepseek"] + p["baidu"] + p["streamlake"]
    high_num = low_num + p["alibaba"] + p["stepfun"]
    cs = Estimate(0.5, 0.55, 0.6)
    r = share.china_computed_share(t["openrouter_provider_tokens_24h"], t["labs"], cs)
    assert r.platform_tokens == total
    assert r.china_tokens.low == pytest.approx(low_num) and r.china_tokens.high == pytest.approx(high_num)
    assert r.china_computed_share.low == pytest.approx(low_num / (0.6 * total))
    assert r.china_computed_share.high == pytest.approx(high_num / (0.5 * total))
    assert r.china_computed_share.central == pytest.approx((low_num + p["alibaba"] / 2) / (0.55 * total))
    # Headquarters-based attribution (what "Chinese company = Chinese electricity" would give) is far higher.
    cn_hq = p[t["openrouter_provider_tokens_24h"].set_index("provider_slug")["hq_country"] == "CN"].sum()
    assert r.hq_based_share == pytest.approx(cn_hq / (0.55 * total))
    assert r.by_class["tokens"].sum() == total


# --------------------------------------------------------------------------- energy arithmetic


def test_phase_split_sums_to_one_and_matches_hand(t):
    s = share.phase_split(t["openrouter_weekly_top10"], t["labs"], last_weeks=1)
    assert sum(s.values()) == pytest.approx(1.0)
    w = t["openrouter_weekly_top10"]
    last = w[w["prompt_tokens"].notna() & w["author"].isin(["minimax", "moonshotai", "z-ai", "deepseek", "qwen", "xiaomi", "stepfun", "tencent"])]
    last = last[last["week_start"] == last["week_start"].max()]
    tot = last["prompt_tokens"].sum() + last["completion_tokens"].sum()
    assert s["output"] == pytest.approx(last["completion_tokens"].sum() / tot)


def test_mix_and_exported_energy_by_hand():
    e = {("a", "input"): Estimate(1, 2, 3), ("a", "output"): Estimate(10, 20, 30), ("b", "input"): Estimate(2, 4, 6),
         ("b", "output"): Estimate(20, 40, 60)}
    tokens = pd.Series({"x/a-1": 3e12, "x/b-1": 1e12, "x/c": 1e12})
    est, cov, _ = share.mix_kwh_per_mtok(tokens, {"input": 0.9, "output": 0.1}, lambda m, ph: e[(m, ph)],
                                         lambda s: {"x/a-1": "a", "x/b-1": "b"}.get(s))
    # a: 0.9*2 + 0.1*20 = 3.8; b: 7.6; weights 0.75/0.25 -> 4.75
    assert est.central == pytest.approx(4.75) and cov == pytest.approx(0.8)
    # bounds: covered lows a 1.9, b 3.8 -> 2.375, uncovered 20% at the lowest low 1.9 -> 0.8*2.375 + 0.2*1.9 = 2.28;
    # highs a 5.7, b 11.4 -> 7.125; 0.8*7.125 + 0.2*11.4 = 7.98
    assert est.low == pytest.approx(2.28) and est.high == pytest.approx(7.98)
    out = share.exported_energy(Estimate(1e12, 2e12, 3e12), Estimate(1, 2, 3), 500)
    # 2e12 tokens = 2e6 Mtok x 2 kWh = 4e6 kWh = 4000 MWh; x 500 g/kWh = 2000 t
    assert out["mwh_per_week"].central == pytest.approx(4000) and out["tco2_per_week"].central == pytest.approx(2000)
    assert out["mwh_per_week"].low == pytest.approx(1000) and out["mwh_per_week"].high == pytest.approx(9000)


def test_china_located_energy_weights_providers_by_hand(t):
    place = share.china_computed_share(t["openrouter_provider_tokens_24h"], t["labs"], Estimate(0.5, 0.55, 0.6))
    p = t["openrouter_provider_tokens_24h"].set_index("provider_slug")["last_24h_tokens"].astype(float)
    est, basis = share.china_located_kwh_per_mtok(place, {"deepseek": Estimate(1, 2, 3)}, Estimate(10, 20, 30))
    # deepseek's own endpoint gets the deepseek mix; streamlake, baidu and half of alibaba the fallback.
    w_ds = p["deepseek"] / (p["deepseek"] + p["streamlake"] + p["baidu"] + p["alibaba"] / 2)
    assert est.central == pytest.approx(w_ds * 2 + (1 - w_ds) * 20)
    assert est.low == pytest.approx(w_ds * 1 + (1 - w_ds) * 10)
    assert set(basis["provider_slug"]) == {"deepseek", "streamlake", "baidu", "alibaba"}


def test_revenue_per_kwh_of_a_mix_by_hand():
    prices = {("a", "input"): 1.0, ("a", "output"): 4.0, ("a", "cached_input"): None, ("b", "input"): 2.0,
              ("b", "output"): 8.0, ("b", "cached_input"): 0.5}
    e = {"a": Estimate(1, 2, 4), "b": Estimate(2, 4, 8)}
    split = {"cached_input": 0.5, "input": 0.3, "output": 0.2}
    tokens = pd.Series({"x/a": 3e12, "x/b": 1e12})
    _, _, mix = share.mix_kwh_per_mtok(tokens, split, lambda m, ph: e[m], lambda s: s[2:], price=lambda m, ph: prices[(m, ph)])
    # a: no cache price -> input price: 0.5*1 + 0.3*1 + 0.2*4 = 1.6 USD/Mtok; b: 0.25 + 0.6 + 1.6 = 2.45
    assert mix.set_index("model")["usd_per_mtok"].to_dict() == pytest.approx({"a": 1.6, "b": 2.45})
    est, t = share.revenue_usd_per_kwh(mix)
    # revenue 3*1.6 + 1*2.45 = 7.25 (per 1e6 Mtok); energy central 3*2 + 1*4 = 10, low 5, high 20
    assert est.central == pytest.approx(0.725) and est.low == pytest.approx(7.25 / 20) and est.high == pytest.approx(7.25 / 5)
    assert t.set_index("model").loc["b", "revenue_usd_per_kwh"] == pytest.approx(2.45 / 4)
    with pytest.raises(ValueError, match="usd_per_mtok"):
        share.revenue_usd_per_kwh(mix.drop(columns="usd_per_mtok"))


def test_platform_china_share_is_the_midpoint_of_the_bounds():
    b = pd.DataFrame({"china": [0.5, 0.6], "unknown": [0.1, 0.2], "us": [0.4, 0.2]},
                     index=pd.to_datetime(["2026-01-05", "2026-01-12"]))
    e = share.platform_china_share(b)
    assert (e.low, e.central, e.high) == pytest.approx((0.6, 0.7, 0.8))
    with pytest.raises(ValueError, match="not among the weekly shares"):
        share.platform_china_share(b, "2026-02-02")


def test_chinese_token_electricity_scopes_by_hand(t):
    """Constant energy (2 kWh/M tokens for every model and phase): MWh = tokens x 2 / 1e9, by hand from rankings-daily."""
    wk = share.weekly_from_daily(t["openrouter_daily_top50"])
    args = (wk, t["labs"], t["openrouter_provider_tokens_24h"], t["openrouter_weekly_top10"],
            lambda m, ph: Estimate(1, 2, 3), lambda s: "m", 500.0)
    allc = share.chinese_token_electricity(*args, scope="all_chinese_models")
    inc = share.chinese_token_electricity(*args, scope="computed_in_china")
    last = wk[wk["week_start"] == wk["week_start"].max()]
    cn_authors = set(t["labs"].loc[t["labs"]["bloc"] == "china", "author"])
    cn = float(last.loc[last["author"].isin(cn_authors) & ~last["is_other"], "total_tokens"].sum())
    other = float(last.loc[last["is_other"], "total_tokens"].sum())
    assert allc.tokens_per_week.low == pytest.approx(cn) and allc.tokens_per_week.high == pytest.approx(cn + other)
    assert allc.mwh_per_week.central == pytest.approx((cn + other / 2) / 1e6 * 2 / 1e3)
    assert allc.twh_per_year.central == pytest.approx(allc.mwh_per_week.central * 365 / 7 / 1e6)  # the package's 365-day year
    assert allc.tco2_per_week.central == pytest.approx(allc.mwh_per_week.central * 0.5)
    s = inc.place.china_computed_share
    assert inc.mwh_per_week.central == pytest.approx(allc.mwh_per_week.central * s.central)
    assert inc.mwh_per_week.low == pytest.approx(cn * s.low / 1e6 * 1 / 1e3)
    # the share's denominator is the same week's platform share, as the token-share report states
    plat = share.bloc_shares_weekly(wk, t["labs"])
    assert inc.place.chinese_model_tokens.central == pytest.approx(inc.place.platform_tokens * share.platform_china_share(plat).central)
    with pytest.raises(ValueError, match="scope"):
        share.chinese_token_electricity(*args, scope="china")


def test_chinese_token_revenue_per_kwh_against_the_models_table():
    serving = pytest.importorskip("tokenecon.model.serving")
    w10, labs = data.load("openrouter_weekly_top10"), data.load("labs")
    en = share.serving_energy(draws=500)
    est, tab = share.chinese_token_revenue_per_kwh(w10, labs, en, serving.model_for_slug, serving.list_price_usd_per_mtok)
    # second computation: prices read from models.csv, the phase split summed by hand, the week's Chinese rows
    models = pd.read_csv(data.table("models").path).set_index("model")
    cn_authors = set(labs.loc[labs["bloc"] == "china", "author"])
    ws = w10[w10["author"].isin(cn_authors) & w10["prompt_tokens"].notna()]
    ws = ws[ws["week_start"].isin(sorted(ws["week_start"].unique())[-8:])]
    tot = ws["prompt_tokens"].sum() + ws["completion_tokens"].sum()
    f = {"cached_input": ws["cached_tokens"].sum() / tot, "output": ws["completion_tokens"].sum() / tot}
    f["input"] = 1 - f["cached_input"] - f["output"]
    week = w10[(w10["week_start"] == pd.Timestamp("2026-02-16")) & w10["author"].isin(cn_authors)]
    usd = kwh = 0.0
    for r in week.itertuples():
        m = serving.model_for_slug(r.model_slug)
        cached = models.loc[m, "cached_input_usd_per_mtok"]
        cached = models.loc[m, "input_usd_per_mtok"] if pd.isna(cached) else cached
        usd += r.total_tokens * (f["cached_input"] * cached + f["input"] * models.loc[m, "input_usd_per_mtok"]
                                 + f["output"] * models.loc[m, "output_usd_per_mtok"])
        kwh += r.total_tokens * sum(f[ph] * serving.energy_kwh_per_mtok(m, phase=ph, draws=500).central for ph in f)
    assert est.central == pytest.approx(usd / kwh)
    assert len(tab) == len(week) == 4 and est.low < est.central < est.high


# --------------------------------------------------------------------------- the report


@pytest.mark.slow
def test_token_share_report_runs_and_prints_computed_article_figures(run_report, t):
    html = run_report("token_share").read_text(encoding="utf-8")
    a = share.article_week(t["openrouter_weekly_top10"], t["labs"], "2026-02-16")
    assert "Token share" in html
    # the computed figures appear next to the article's
    assert "59.0%" in html and "8.74 trillion" in html and "2.57 trillion" in html
    assert f"{100 * a.china_share:.1f}%" in html
    assert "not all Chinese" in html
    if importlib.util.find_spec("tokenecon.model.serving") is not None:
        assert "Electricity computed in China" in html and "tCO2 per week" in html
        assert html.index("In short") < html.index("The article week recomputed")  # the answer comes first
    else:
        assert "energy model (<code>tokenecon.model.serving</code>) is not available" in html


@pytest.mark.slow
def test_token_share_report_with_overrides_and_window(run_report):
    # Reclassify Google as Chinese in a short window: the article week is outside the window's daily data,
    # but it is read from the weekly table, so it still renders, now with the top three all "Chinese".
    html = run_report("token_share", {"start": "2026-06-01", "end": "2026-07-12", "top_n": 5,
                                      "bloc_overrides": {"google": "china"}}).read_text(encoding="utf-8")
    assert "all Chinese" in html and "not all Chinese" not in html
