"""Place of inference: the rule on the providers SOURCES.md section E names, the readings by hand, the checks."""

from __future__ import annotations

import pandas as pd
import pytest

from tokenecon import data
from tokenecon.analysis import place, share
from tokenecon.estimate import SCENARIOS, Estimate


@pytest.fixture(scope="module")
def t():
    return {n: data.load(n) for n in ["labs", "openrouter_provider_tokens_24h", "openrouter_provider_locations", "openrouter_endpoints"]}


def _providers(rows):
    cols = ["provider_slug", "provider_name", "hq_country", "datacentre_countries", "first_party_author", "last_24h_tokens"]
    return pd.DataFrame(rows, columns=cols)


def test_rule_on_the_providers_named_in_sources_md(t):
    """Section E: CN headquarters DeepSeek, Tencent, Baidu, Nex AGI, Xiaomi, StreamLake; datacentres including CN only
    Alibaba (SG|CN); Tencent and Nex AGI list SG, Xiaomi SG|NL; MiniMax's entity is SG-HQ with US datacentres."""
    p = place.provider_location(t["openrouter_provider_tokens_24h"], t["labs"]).set_index("provider_slug")
    cls = p["location_class"]
    # China-headquartered, no datacentre published: computed in China by the rule
    assert cls[["deepseek", "baidu", "streamlake"]].eq("china_likely").all()
    assert p.loc[["deepseek", "baidu", "streamlake"], "china_fraction_central"].eq(1.0).all()
    # China-headquartered but listing only foreign datacentres: not computed in China by default
    assert cls[["tencent", "nex-agi", "xiaomi"]].eq("outside").all()
    assert p.loc[["tencent", "nex-agi", "xiaomi"], "china_fraction_central"].eq(0.0).all()
    # the one list that includes CN, among two countries: half of its tokens in the central reading
    assert cls["alibaba"] == "china_partly" and p.loc["alibaba", "china_fraction_central"] == 0.5
    assert cls["minimax"] == "outside" and cls["z-ai"] == "outside"
    # the moved providers are exactly the CN-HQ ones with foreign lists
    moved = place.datacentre_reading_changes(p.reset_index())
    assert set(moved["provider_slug"]) == {"tencent", "nex-agi", "xiaomi"}
    for name in ("Tencent", "Xiaomi", "Nex AGI", "Singapore", "Netherlands"):
        assert name in place.PLACE_RULE


def test_readings_by_hand_on_a_small_table():
    labs = pd.DataFrame({"author": ["cnlab", "uslab"], "bloc": ["china", "us"], "lab": ["C", "U"], "hq_country": ["CN", "US"]})
    prov = _providers([
        ("a", "A", "CN", None, None, 100),            # china_likely: 1 in every reading
        ("b", "B", "SG", "SG|CN|NL", None, 300),      # china_partly: 0 / 1/3 / 1
        ("c", "C", None, None, "cnlab", 50),          # china_possible: 0 / 0 / 1
        ("d", "D", "CN", "SG", None, 400),            # CN HQ, foreign list: outside in every reading
        ("e", "E", None, None, None, 150),            # unknown: only the widest reading
    ])
    r = place.china_computed_share(prov, labs, Estimate(0.5, 0.6, 0.8, "fraction"))
    total = 1000.0
    assert (r.china_tokens.low, r.china_tokens.central, r.china_tokens.high) == pytest.approx((100, 200, 450))
    # low numerator over the high denominator and vice versa
    assert r.china_computed_share.low == pytest.approx(100 / (0.8 * total))
    assert r.china_computed_share.central == pytest.approx(200 / (0.6 * total))
    assert r.china_computed_share.high == pytest.approx(450 / (0.5 * total))
    assert r.china_computed_share.kind == SCENARIOS
    rd = r.readings.set_index("reading")
    assert rd.loc["headquarters", "china_tokens"] == 500  # a + d
    assert rd.loc["widest", "china_tokens"] == 600
    assert rd.loc["central", "share_at_central_denominator"] == pytest.approx(200 / 600)
    assert r.high_if_unknown_in_china == 1.0  # 600 / (0.5 x 1000) = 1.2, capped at 1


def test_share_module_still_serves_the_moved_names(t):
    cs = Estimate(0.55, 0.6, 0.65, "fraction")
    a = share.china_computed_share(t["openrouter_provider_tokens_24h"], t["labs"], cs)
    b = place.china_computed_share(t["openrouter_provider_tokens_24h"], t["labs"], cs)
    assert a.china_computed_share == b.china_computed_share
    assert share.provider_location is place.provider_location and share.LOCATION_CLASSES is place.LOCATION_CLASSES


def test_tokens_counted_in_china_are_chinese_model_tokens(t):
    """The share assumes what providers compute in China are Chinese-lab models: the endpoint catalogue confirms it."""
    r = place.china_computed_share(t["openrouter_provider_tokens_24h"], t["labs"], Estimate(0.55, 0.6, 0.65, "fraction"))
    chk = place.china_located_models(r, t["openrouter_endpoints"], t["labs"]).set_index("provider_slug")
    assert set(chk.index) == {"deepseek", "baidu", "streamlake", "alibaba", "stepfun"}
    assert chk["all_chinese"].all() and (chk["endpoints"] > 0).all()
    e = t["openrouter_endpoints"]
    assert chk.loc["alibaba", "endpoints"] == (e["provider_slug"] == "alibaba").sum()


def test_fuller_catalogue_leaves_the_share_unchanged(t):
    """The provider day's locations equal the fuller catalogue's, so the rule gives the same share from either."""
    day = t["openrouter_provider_tokens_24h"].copy()
    cat = t["openrouter_provider_locations"].set_index("provider_slug")
    swapped = day.copy()
    swapped["datacentre_countries"] = day["provider_slug"].map(cat["datacentre_countries"])
    cs = Estimate(0.55, 0.6, 0.65, "fraction")
    a = place.china_computed_share(day, t["labs"], cs).china_computed_share
    b = place.china_computed_share(swapped, t["labs"], cs).china_computed_share
    assert (a.low, a.central, a.high) == pytest.approx((b.low, b.central, b.high))
