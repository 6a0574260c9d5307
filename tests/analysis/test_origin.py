"""Where the buyers are: the rank weightings by hand on three models, the city evidence, the findings."""

from __future__ import annotations

import pandas as pd
import pytest

from tokenecon import data
from tokenecon.analysis import findings, origin
from tokenecon.estimate import SCENARIOS

PLACES = {"IAD": ("Ashburn", "US", "North America"), "SJC": ("San Jose", "US", "North America"),
          "FRA": ("Frankfurt", "DE", "Europe"), "TXL": ("Berlin", "DE", "Europe"), "SIN": ("Singapore", "SG", "Asia Pacific")}


def _origin(lists):
    rows = []
    for model, colos in lists.items():
        for r, c in enumerate(colos, start=1):
            city, country, region = PLACES[c]
            rows.append({"model_id": model, "permaslug": model + "-1", "variant": "standard", "author": model.split("/")[0],
                         "rank": r, "colo": c, "list_length": len(colos), "city": city, "country": country, "region": region})
    return pd.DataFrame(rows)


LABS = pd.DataFrame({"author": ["cnlab", "uslab"], "bloc": ["china", "us"]})
THREE = _origin({"cnlab/a": ["IAD", "FRA", "SIN"], "cnlab/b": ["SIN", "SJC"], "uslab/c": ["FRA", "SJC", "TXL", "SIN"]})


def test_three_model_weightings_by_hand():
    t = origin.region_table(THREE, LABS).set_index(["group", "region"])
    cn = t.loc["chinese_lab"]
    # reciprocal: a = 1, 1/2, 1/3 -> 6/11, 3/11, 2/11; b = 1, 1/2 -> 2/3, 1/3; mean over the two lists
    assert cn.loc["North America", "weighted_share_reciprocal"] == pytest.approx((6 / 11 + 1 / 3) / 2)
    assert cn.loc["Europe", "weighted_share_reciprocal"] == pytest.approx((3 / 11) / 2)
    assert cn.loc["Asia Pacific", "weighted_share_reciprocal"] == pytest.approx((2 / 11 + 2 / 3) / 2)
    # linear (Borda): a = 3, 2, 1 over 6; b = 2, 1 over 3
    assert cn.loc["North America", "weighted_share_linear"] == pytest.approx((1 / 2 + 1 / 3) / 2)
    assert cn.loc["Europe", "weighted_share_linear"] == pytest.approx((1 / 3) / 2)
    assert cn.loc["Asia Pacific", "weighted_share_linear"] == pytest.approx((1 / 6 + 2 / 3) / 2)
    # leads: a leads in North America, b in Asia Pacific
    assert cn.loc["North America", "lead_share"] == 0.5 and cn.loc["Asia Pacific", "lead_share"] == 0.5
    assert cn["lists"].eq(2).all()
    # the other group: c = 12/25, 6/25, 4/25, 3/25 -> Europe 16/25
    assert t.loc[("other", "Europe"), "weighted_share_reciprocal"] == pytest.approx(16 / 25)
    assert t.loc[("other", "Europe"), "lead_share"] == 1.0
    # each weighting sums to one within a group
    for w in origin.RANK_WEIGHTINGS:
        assert t[f"weighted_share_{w}"].groupby(level=0).sum().to_numpy() == pytest.approx([1.0, 1.0])


def test_linear_north_america_value_spelled_out():
    # a: IAD rank 1 of 3 -> 3/6 = 1/2; b: SJC rank 2 of 2 -> 1/3; mean 5/12
    t = origin.region_table(THREE, LABS).set_index(["group", "region"])
    assert t.loc[("chinese_lab", "North America"), "weighted_share_linear"] == pytest.approx(5 / 12)


def test_city_evidence_by_hand():
    ev = origin.city_evidence(THREE, LABS)
    assert ev.share("San Francisco") == 0.5 and ev.share("San Francisco", column="rank1_share") == 0.0
    assert ev.share("Singapore") == 1.0 and ev.share("Singapore", column="rank1_share") == 0.5
    assert ev.share("Berlin") == 0.0 and ev.share("Berlin", column="country_listed_share") == 0.5  # a names FRA
    assert ev.share("Berlin", "other") == 1.0
    assert ev.all_cities_share == {"chinese_lab": 0.0, "other": 1.0}
    assert ev.colos_absent == ("SFO",) and ev.mainland_china_rows == 0
    assert "Ranks are not volumes" in ev.caveats
    with pytest.raises(ValueError, match="city"):
        ev.share("Paris")
    sm = ev.summary()
    assert sm["lists"] == 2 and sm["cities"]["Singapore"]["rank1_share"] == 0.5 and sm["all_cities_share"] == 0.0
    assert sm["cities"]["Berlin"]["country"] == "DE" and sm["cities"]["San Francisco"]["colos"] == ["SFO", "SJC"]


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="weighting"):
        origin.rank_weights(origin.model_lists(THREE, LABS), "square")
    with pytest.raises(ValueError, match="variants"):
        origin.model_lists(THREE, LABS, variants=("premium",))
    with pytest.raises(ValueError, match="by"):
        origin.region_table(THREE, LABS, by="continent")


def test_findings_on_the_committed_tables():
    lead = findings.get("chinese_model_origin_lead_region")
    w = findings.get("chinese_model_origin_weighted_top_region")
    cn = findings.get("request_origins_in_mainland_china")
    assert "Ranks are not volumes" in lead.note and "Ranks are not volumes" in w.note
    assert w.value.kind == SCENARIOS and w.extra["region"] == lead.extra["region"] == "North America"
    # second computation of the lead share straight from the table
    o = data.load("openrouter_request_origin")
    labs = data.load("labs")
    cn_authors = set(labs.loc[labs["bloc"] == "china", "author"])
    first = o[(o["variant"] == "standard") & (o["rank"] == 1) & o["author"].isin(cn_authors)]
    assert lead.central == pytest.approx((first["region"] == "North America").mean())
    assert cn.value == int((o["country"] == "CN").sum()) == 0
