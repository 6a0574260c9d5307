"""tokenecon.analysis.token_share: the report's own arrangements, each checked on a small hand-made frame
(numbers worked out by hand in the comments) or against the committed tables by a second route."""

from __future__ import annotations

import pandas as pd
import pytest

from tokenecon import data
from tokenecon.analysis import origin, share
from tokenecon.analysis import token_share as ts
from tokenecon.analysis.place import InferencePlace
from tokenecon.estimate import Estimate

LABS = pd.DataFrame({"author": ["cn1", "cn2", "us1", "other"], "lab": ["CN One", "CN Two", "US One", "Other"],
                     "bloc": ["china", "china", "us", "unknown"], "hq_country": ["CN", "CN", "US", None]})


def _daily(weeks=2):
    """Two complete weeks of a toy daily ranking; per day: cn1 50, us1 30, cn2 10 (week 2: 20), other row 10."""
    rows = []
    for day in pd.date_range("2026-06-01", periods=7 * weeks):  # 2026-06-01 is a Monday
        cn2 = 10 if day < pd.Timestamp("2026-06-08") else 20
        for slug, author, tok, other in (("cn1/a", "cn1", 50, False), ("us1/b", "us1", 30, False), ("cn2/c", "cn2", cn2, False),
                                         ("other", "other", 10, True)):
            rows.append({"date": day, "model_slug": slug, "author": author, "total_tokens": tok, "is_other": other})
    return pd.DataFrame(rows)


def test_share_panel_by_hand():
    w10 = pd.DataFrame({"week_start": pd.to_datetime(["2026-06-01"] * 2), "rank": [1, 2], "author": ["cn1", "us1"],
                        "total_tokens": [75, 25]})
    ap = pd.DataFrame({"snapshot_date": pd.to_datetime(["2026-06-03"] * 2), "author": ["cn1", "us1"], "share_pct": [40.0, 30.0]})
    p = ts.share_panel(_daily(), w10, ap, LABS, top_n=2)
    # week 1 platform: 7*(50+30+10+10)=700; Chinese 7*60=420 -> 0.6; unknown row 0.1 -> high 0.7
    assert p.bounds.iloc[0]["low"] == pytest.approx(0.6) and p.bounds.iloc[0]["high"] == pytest.approx(0.7)
    # week 2: 50+30+20+10 = 110 a day; Chinese 70 -> 7/11
    assert p.bounds.iloc[1]["low"] == pytest.approx(70 / 110)
    assert p.reference_week == pd.Timestamp("2026-06-08")
    # top 2 each week: cn1 50 and us1 30 -> 50/80
    assert list(p.top_n_china) == pytest.approx([50 / 80, 50 / 80])
    assert p.gap == pytest.approx(((50 / 80 - 0.6) + (50 / 80 - 70 / 110)) / 2)
    assert p.weekly10.iloc[0] == pytest.approx(0.75)
    # widget: 40% named Chinese, 70% listed -> low 0.4, high 0.4 + 0.3
    assert p.page_low.iloc[0] == pytest.approx(0.4) and p.page_high.iloc[0] == pytest.approx(0.7)
    assert p.notes == []


def test_share_panel_says_which_series_is_missing():
    w10 = pd.DataFrame({"week_start": pd.to_datetime(["2025-01-06"]), "rank": [1], "author": ["cn1"], "total_tokens": [1]})
    ap = pd.DataFrame({"snapshot_date": pd.to_datetime(["2025-01-06"]), "author": ["cn1"], "share_pct": [1.0]})
    p = ts.share_panel(_daily(), w10, ap, LABS, start="2026-06-01", end="2026-06-14")
    assert p.weekly10 is None and p.page_low is None
    assert len(p.notes) == 2 and "weekly top-10 table" in p.notes[0] and "author widget" in p.notes[1]


def test_lab_shares_sum_to_one_and_keep_the_largest_labs():
    wk = share.weekly_from_daily(_daily())
    area, blocs = ts.lab_shares(wk, LABS, n=2)
    assert list(area.columns) == ["CN One", "US One", ts.OTHER_LABS, ts.OUTSIDE_TOP50]
    assert area.sum(axis=1).tolist() == pytest.approx([1.0, 1.0])
    assert area.iloc[0][ts.OTHER_LABS] == pytest.approx(0.1)  # CN Two: 70 of 700
    assert blocs == {"CN One": "china", "US One": "us", ts.OTHER_LABS: "mixed", ts.OUTSIDE_TOP50: "mixed"}


def test_rank_panel_by_hand():
    d = _daily()
    d.loc[(d["date"] >= "2026-06-08") & (d["model_slug"] == "cn2/c"), "total_tokens"] = 40  # cn2 passes us1 in week 2
    rp = ts.rank_panel(share.weekly_from_daily(d), LABS, n_leading=2, top_n=2)
    assert rp.leaders == ["cn1/a", "us1/b"]  # tokens while in the top five: 700 and 420 against cn2's 350
    assert rp.blocs == {"cn1/a": "china", "us1/b": "us"}
    assert rp.last_week["model_slug"].tolist() == ["cn1/a", "cn2/c"]
    assert rp.last_week.set_index("model_slug").loc["cn2/c", "rank_change"] == 1
    assert (rp.first_models, rp.weeks) == (1, 2)


def test_origin_panel_pivots_the_region_table():
    rt = pd.DataFrame({"group": ["chinese_lab", "chinese_lab", "other", "other"], "region": ["Europe", "North America"] * 2,
                       "lists": [3, 3, 5, 5], "lead_share": [1 / 3, 2 / 3, 0.4, 0.6],
                       f"weighted_share_{origin.CENTRAL_WEIGHTING}": [0.3, 0.7, 0.45, 0.55],
                       f"weighted_share_{origin.CHECK_WEIGHTING}": [0.35, 0.65, 0.5, 0.5]})
    op = ts.origin_panel(rt)
    assert list(op.central.index) == ["Europe", "North America"]  # sorted by the Chinese-lab weight
    assert op.check.loc["Europe", "chinese_lab"] == pytest.approx(0.35)
    assert op.lists == {"chinese_lab": 3, "other": 5}
    tab = op.table()
    assert tab["region"].tolist() == ["North America", "Europe"]
    assert tab.iloc[0]["leads the list, other models"] == pytest.approx(0.6)


def _place():
    providers = pd.DataFrame({
        "provider_slug": ["cnhome", "cnabroad", "lab-own", "host", "nowhere"],
        "provider_name": ["CN Home", "CN Abroad", "US Lab", "Big Host", "Nowhere"],
        "hq_country": ["CN", "CN", "US", "US", None], "datacentre_countries": [None, "SG", "US", "US|DE", None],
        "first_party_author": [None, None, "us1", None, None],
        "location_class": ["china_likely", "outside", "outside", "outside", "unknown"],
        "last_24h_tokens": [100, 300, 200, 350, 50]})
    e = Estimate(100, 100, 150, "tokens")
    return InferencePlace(e, Estimate(400, 500, 600, "tokens"), Estimate(0.1, 0.2, 0.3, "fraction"), 0.8, 1000,
                          pd.DataFrame(), providers, 0.3)


def test_provider_view_by_hand():
    v = ts.provider_view(_place(), LABS)
    assert v.bars.to_dict() == {"china_likely": 100, "unknown": 50, ts.ABROAD_CHINESE: 300, ts.ABROAD_OTHER: 550}
    assert v.chinese_abroad["provider_slug"].tolist() == ["cnabroad"]
    assert v.third_party["provider_slug"].tolist() == ["host"]  # not a lab's endpoint, not Chinese, headquarters known
    assert v.cn_hq_share == pytest.approx(400 / 1000)


def test_catalogue_check_by_hand():
    place = _place()
    endpoints = pd.DataFrame({"provider_slug": ["cnhome", "cnhome", "host"], "author": ["cn1", "cn2", "us1"],
                              "model_id": ["cn1/a", "cn2/c", "us1/b"]})
    catalogue = pd.DataFrame({"provider_slug": ["cnhome", "cnabroad", "host", "extra"], "hq_country": ["CN", "CN", "US", "FR"],
                              "datacentre_countries": [None, "SG|NL", "US|DE", "FR"]})
    cc = ts.catalogue_check(place, endpoints, catalogue, LABS)
    assert cc.catalogue_providers == 4
    # cnhome and host match; nowhere publishes nothing in either; cnabroad's list differs; lab-own is missing from the catalogue
    assert cc.unchanged == 3
    assert cc.moved["provider_slug"].tolist() == ["cnabroad"]
    assert cc.providers_checked == 1 and cc.only_chinese
    endpoints.loc[2, "provider_slug"] = "cnhome"
    assert not ts.catalogue_check(place, endpoints, catalogue, LABS).only_chinese


def test_request_family_shares_sum_to_one_and_match_a_direct_count():
    ep, labs = data.load("openrouter_endpoints"), data.load("labs")
    rq = ts.request_family_shares(ep, labs)
    assert sum(rq.values()) == pytest.approx(1.0)
    # second route: every Chinese-lab endpoint's requests summed by precision family, over all their requests
    e = ep[ep["author"].map(labs.set_index("author")["bloc"]) == "china"]
    direct = e.groupby("precision_family")["stats_requests"].sum() / e["stats_requests"].sum()
    for fam, v in rq.items():
        assert v == pytest.approx(direct.get(fam, 0.0)), fam


def test_article_check_against_the_week():
    w10, labs, claims = data.load("openrouter_weekly_top10"), data.load("labs"), data.load("article_claims")
    aw = share.article_week(w10, labs, "2026-02-16")
    chk = ts.article_check(aw, claims, w10)
    t = chk.table.set_index("figure")
    assert t.loc["top-10 weekly tokens (trillions)", "computed"] == pytest.approx(aw.top10_tokens / 1e12)
    assert t.loc["Chinese share of the top 10 (%)", "difference"] == pytest.approx(100 * aw.china_share - 61)
    assert chk.implied_share == pytest.approx(5.3 / 8.7)
    assert chk.china_rows == 4 and chk.glm_rank == 4
    row = w10[(w10["week_start"] == "2026-02-16") & w10["model_slug"].str.startswith("minimax/minimax-m2.5")].iloc[0]
    assert chk.m25_prompt_completion == row["prompt_tokens"] + row["completion_tokens"]


def test_magnitudes_by_hand():
    class E:  # the two fields magnitudes reads from a TokenElectricity
        def __init__(self, mwh, kwh):
            self.mwh_per_week, self.kwh_per_mtok = Estimate(mwh, mwh, mwh, "MWh"), Estimate(kwh, kwh, kwh, "kWh")
    claims = data.load("article_claims")
    gpu_w = share.find_claim(claims, "700 watts")["value"]
    chat = share.find_claim(claims, "few thousand tokens")
    cbeci = pd.DataFrame({"month": pd.to_datetime(["2025-10-01", "2025-11-01", "2025-12-01"]), "twh_best": [15.0, 12.0, None],
                          "days": [31, 30, 31]})
    m = ts.magnitudes(E(117.6, 0.02), E(1176.0, 0.02), claims, cbeci)
    assert m.gpus == pytest.approx(117.6e3 / (gpu_w / 1e3 * 168))  # 700 W: 117.6 MWh is 1,000 GPUs for 168 hours
    assert m.chat_wh[0] == pytest.approx(chat["value_low"] * 0.02 / 1e3)  # 0.02 kWh per million tokens = 0.02 mWh per token
    assert m.bitcoin_month == pd.Timestamp("2025-11-01")  # the latest month with a best guess
    assert m.bitcoin_mwh_per_week == pytest.approx(12e6 / 30 * 7)
    assert m.bitcoin_ratio == pytest.approx(12e6 / 30 * 7 / 117.6) and m.place_factor == pytest.approx(10.0)
