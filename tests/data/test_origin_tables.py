"""Origin tables: the colo table covers the raw file, aliases are dropped, catalogues match the raw counts."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from tokenecon import data, paths

RAW_TOKENS = paths.raw_dir() / "tokens"
needs_raw = pytest.mark.skipif(not RAW_TOKENS.is_dir(), reason="raw mirror not available")
ORIGIN_TABLES = ["edge_colo_locations", "openrouter_request_origin", "openrouter_provider_locations", "openrouter_endpoints"]


def _raw(name):
    with open(RAW_TOKENS / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name", ORIGIN_TABLES)
def test_table_loads_and_validates(name):
    df = data.load(name)
    assert list(df.columns) == [c.name for c in data.table(name).columns] and len(df) > 0


@needs_raw
def test_colo_table_covers_every_colo_in_the_raw_file():
    raw = {r["colo"] for r in _raw("openrouter_top_colos_by_model_pacell.csv")}
    colos = data.load("edge_colo_locations")
    assert len(raw) == 125  # SOURCES.md section E
    assert raw <= set(colos["colo"])
    assert colos["source"].str.contains("cloudflarestatus.com").all()


def test_colo_places_spot_checks():
    c = data.load("edge_colo_locations").set_index("colo")
    assert tuple(c.loc["IAD", ["city", "country", "region"]]) == ("Ashburn", "US", "North America")
    assert tuple(c.loc["TXL", ["city", "country"]]) == ("Berlin", "DE")
    assert tuple(c.loc["SIN", ["country", "region"]]) == ("SG", "Asia Pacific")
    assert c.loc["TPE", "country"] == "TW" and c.loc["SJC", "city"] == "San Jose"


@needs_raw
def test_request_origin_drops_aliases_and_keeps_every_other_row():
    raw = _raw("openrouter_top_colos_by_model_pacell.csv")
    kept = [r for r in raw if not r["model_id"].startswith("~")]
    assert len(raw) == 6958  # SOURCES.md section E
    o = data.load("openrouter_request_origin")
    assert len(o) == len(kept) and not o["model_id"].str.startswith("~").any()
    # each model and variant is one continuous block of ranks 1..N
    g = o.groupby(["model_id", "variant"])["rank"]
    assert (g.max() == g.count()).all() and (g.min() == 1).all()
    assert (o["list_length"] == o.groupby(["model_id", "variant"])["rank"].transform("max")).all()
    # the mapping is the colo table's
    c = data.load("edge_colo_locations").set_index("colo")
    assert (o["country"] == o["colo"].map(c["country"])).all()


@needs_raw
def test_request_origin_rank5_counts_match_sources_md():
    # SOURCES.md: among ranks <= 5 across all models, IAD 304, FRA 228, SJC 195 (raw rows, aliases included)
    raw = pd.DataFrame(_raw("openrouter_top_colos_by_model_pacell.csv"))
    top = raw[raw["rank"].astype(int) <= 5]["colo"].value_counts()
    assert (top["IAD"], top["FRA"], top["SJC"]) == (304, 228, 195)


@needs_raw
def test_provider_locations_are_the_full_catalogue():
    raw = _raw("openrouter_provider_catalogue_pacell.csv")
    p = data.load("openrouter_provider_locations").set_index("provider_slug")
    assert len(p) == len(raw) == 105
    assert set(p.index[p["lists_cn_datacentre"]]) == {"alibaba"}
    assert p.loc["xiaomi", "datacentre_countries"] == "SG|NL" and p.loc["xiaomi", "n_datacentre_countries"] == 2
    assert set(p.index[p["hq_country"] == "CN"]) == {"deepseek", "tencent", "baidu", "nex-agi", "xiaomi", "streamlake"}
    assert (p["n_datacentre_countries"] == 0).sum() == 79
    # the token-day provider table reads the same catalogue: every provider's locations agree
    day = data.load("openrouter_provider_tokens_24h").set_index("provider_slug")
    cat = p.loc[day.index]
    assert (day["datacentre_countries"].fillna("") == cat["datacentre_countries"].fillna("")).all()
    assert (day["hq_country"].fillna("") == cat["hq_country"].fillna("")).all()


@needs_raw
def test_endpoints_drop_alias_duplicates_and_count_quantizations():
    e = data.load("openrouter_endpoints")
    assert len(e) == 1224 and e["endpoint_id"].is_unique  # 1,353 rows, 129 listed twice under an alias
    q = e["quantization"].value_counts()
    # SOURCES.md counts (1,353 rows) minus the alias rows, counted from the raw file here
    raw = [r for r in _raw("openrouter_endpoint_catalogue_pacell.csv") if not r["model_id"].startswith("~")]
    want = pd.Series([r["quantization"] for r in raw]).value_counts()
    assert q.to_dict() == want.to_dict()
    fam = e.groupby("precision_family").size()
    assert fam["fp4"] == q.get("fp4", 0) + q.get("mxfp4", 0) + q.get("nvfp4", 0)
    assert fam["bf16"] == q.get("bf16", 0) + q.get("fp16", 0)
    g = e[e["provider_offer"] == "google-vertex/europe"]
    assert (g["provider_slug"] == "google-vertex").all()


def test_missing_colo_fails_with_the_colo_named(tmp_path, monkeypatch):
    if not RAW_TOKENS.is_dir():
        pytest.skip("raw mirror not available")
    raw = tmp_path / "tokens"
    raw.mkdir()
    rows = _raw("openrouter_top_colos_by_model_pacell.csv")[:3]
    rows[1]["colo"] = "ZZZ"
    with open(raw / "openrouter_top_colos_by_model_pacell.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(ValueError, match="ZZZ"):
        data.table("openrouter_request_origin").build(tmp_path)
