"""Price tables (model_price_events, model_attributes, elasticity_anchors): they rebuild
byte-identically, and their figures agree with the raw files read independently here."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from tokenecon import data, paths
from tokenecon.data.schemas import prices

TABLES = ["model_price_events", "model_attributes", "elasticity_anchors"]
RAW_TOKENS = paths.raw_dir() / "tokens"
needs_raw = pytest.mark.skipif(not RAW_TOKENS.is_dir(), reason="raw mirror not available")


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(RAW_TOKENS / name)


@pytest.mark.parametrize("name", TABLES)
def test_table_loads_with_provenance(name):
    df = data.load(name)
    tbl = data.table(name)
    assert len(df) > 0 and list(df.columns) == [c.name for c in tbl.columns]
    assert all(s.retrieved and s.licence for s in tbl.sources)


@needs_raw
def test_derived_tables_rebuild_byte_identically(tmp_path):
    data.build(out_dir=tmp_path, names=["model_price_events", "model_attributes"])
    for n in ("model_price_events", "model_attributes"):
        assert (tmp_path / f"{n}.csv").read_bytes() == (paths.DATA_DIR / f"{n}.csv").read_bytes(), n


def test_swebench_licence_is_recorded_as_non_commercial():
    tbl = data.table("model_attributes")
    assert any("CC BY-NC" in s.licence for s in tbl.sources if "SWE-bench" in s.title)
    assert "CC BY-NC" in tbl.caveats


def test_model_base_and_name_signature():
    assert prices.model_base("minimax/minimax-m2.5-20260211") == "minimax/minimax-m2.5"
    assert prices.model_base("qwen/qwen3.6-plus-04-02:free") == "qwen/qwen3.6-plus"
    assert prices.model_base("moonshotai/kimi-k2.5-0127") == "moonshotai/kimi-k2.5"
    assert prices.model_base("openai/gpt-5-mini-2025-08-07") == "openai/gpt-5-mini"
    assert prices.name_signature("claude-4.6-opus") == prices.name_signature("claude-opus-4-6")
    assert prices.name_signature("grok-4.1-fast") == prices.name_signature("grok-4-1-fast")
    assert prices.name_signature("gemini-2.5-flash") != prices.name_signature("gemini-2.5-flash-lite")
    assert prices.slug_launch_date("nvidia/nemotron-3-super-120b-a12b-20230311") is None  # not a release date


@needs_raw
def test_openrouter_list_events_match_the_weekly_snapshots():
    """Every openrouter_list event equals the raw snapshot prices on that date, and between events the
    raw prices do not change (read straight from the raw CSV)."""
    ev = data.load("model_price_events")
    ev = ev[ev["feed"] == "openrouter_list"]
    raw = _raw("openrouter_weekly_top10_johnbean393.csv")
    raw = raw[~raw["is_free"] & ~raw["slug"].str.contains(":")]
    for slug, g in raw.sort_values("snapshot_date").groupby("slug"):
        e = ev[ev["source_key"] == slug].sort_values("date")
        trip = [(round(a * 1e6, 6), round(b * 1e6, 6), round(c * 1e6, 6)) for a, b, c in
                zip(g["prompt_price_usd_per_token"], g["completion_price_usd_per_token"], g["cache_read_price_usd_per_token"])]
        changes = [g["snapshot_date"].iloc[0]] + [d for d, t, prev in zip(g["snapshot_date"].iloc[1:], trip[1:], trip[:-1])
                                                  if t != prev]
        assert [d.strftime("%Y-%m-%d") for d in e["date"]] == changes, slug
        for r in e.itertuples():
            i = list(g["snapshot_date"]).index(r.date.strftime("%Y-%m-%d"))
            a, b, c = trip[i]
            assert (r.input_usd_per_mtok, r.output_usd_per_mtok) == (a, b)
            assert (np.isnan(r.cache_read_usd_per_mtok) and c == 0) or r.cache_read_usd_per_mtok == c


@needs_raw
def test_litellm_events_and_catalogue_fix_flags():
    ev = data.load("model_price_events").set_index(["model_base", "date", "feed", "source_key"])
    # Opus 4.6 listed first-party at 5 / 25 / 0.5 on 2026-02-05 (raw changelog, key claude-opus-4-6).
    raw = _raw("litellm_chat_price_changelog.csv")
    r = raw[(raw["model_key"] == "claude-opus-4-6") & (raw["event"] == "first_seen")].iloc[0]
    row = ev.loc[("anthropic/claude-4.6-opus", pd.Timestamp(r["observed_at"]), "litellm", "claude-opus-4-6")]
    assert (row["input_usd_per_mtok"], row["output_usd_per_mtok"], row["cache_read_usd_per_mtok"]) == (
        r["input_usd_per_mtok"], r["output_usd_per_mtok"], r["cache_read_usd_per_mtok"])
    # gemini-2.5-flash 2025-11-08: only the cache-read price changed (0.075 -> 0.03) -> a catalogue fix.
    g = ev.loc[("google/gemini-2.5-flash", pd.Timestamp("2025-11-08"), "litellm", "gemini/gemini-2.5-flash")]
    assert bool(g["is_catalogue_fix"]) and "cache-read" in g["flag_reason"]
    # Reseller and fast-mode keys are not mapped to the lab's list price.
    keys = set(data.load("model_price_events")["source_key"])
    assert not any(k.startswith(("fast/", "us/", "bedrock", "vertex_ai", "azure")) for k in keys)


def test_flags_are_consistent():
    ev = data.load("model_price_events")
    assert not ev.loc[ev["event"] == "first_seen", "is_catalogue_fix"].any()
    ch = ev[ev["event"] == "price_change"]
    assert ch["flag_reason"].str.len().gt(0).all()
    # a change flagged as 'only the cache-read price' has unchanged input and output
    cache_only = ch[ch["flag_reason"].str.startswith("only the cache-read")]
    assert (cache_only["input_change_pct"].abs() < 1e-9).all() and (cache_only["output_change_pct"].abs() < 1e-9).all()


@needs_raw
def test_model_attributes_against_raw_files():
    at = data.load("model_attributes").set_index("model_base")
    ii = _raw("openrouter_rankings_page_intelligence_index_snapshots.csv")
    opus = ii.loc[ii["model_id"] == "anthropic/claude-opus-4.6", "score"]
    assert at.loc["anthropic/claude-4.6-opus", "intelligence_index"] == pytest.approx(opus.median())
    assert at.loc["anthropic/claude-4.6-opus", "intelligence_index_days"] == ii.loc[
        ii["model_id"] == "anthropic/claude-opus-4.6", "snapshot_date"].nunique()
    sw = _raw("swebench_bash_only_leaderboard_2025-12-10.csv")
    opus45 = sw.loc[sw["tags"].str.contains("Model: claude-opus-4-5-20251101"), "resolved"].iloc[0]
    assert at.loc["anthropic/claude-4.5-opus", "swebench_bash_only_resolved_pct"] == pytest.approx(opus45)
    # no Feb-2026 model is on the Dec-2025 leaderboard: nothing is imputed
    assert pd.isna(at.loc["minimax/minimax-m2.5", "swebench_bash_only_resolved_pct"])
    assert at.loc["minimax/minimax-m2.5", "open_weights"] is True or at.loc["minimax/minimax-m2.5", "open_weights"] == True  # noqa: E712
    assert at.loc["anthropic/claude-4.6-opus", "open_weights"] == False  # noqa: E712
    assert at.loc["minimax/minimax-m2.5", "bloc"] == "china" and at.loc["anthropic/claude-4.6-opus", "bloc"] == "us"
    assert at.loc["minimax/minimax-m2.5", "launch_date"] == pd.Timestamp("2026-02-11")


@needs_raw
def test_anchor_values_match_the_hand_transcribed_source():
    anchors = data.load("elasticity_anchors").set_index("anchor_id")
    with open(RAW_TOKENS / "anchor_figures_handtranscribed.csv", newline="", encoding="utf-8") as fh:
        fig = {r["figure_id"]: r for r in csv.DictReader(fh)}
    assert anchors.loc["nber_w34608_within_model", "elasticity"] == float(fig["A6"]["value"])
    # A8: "10% price cut -> 0.5-0.7% usage" -> elasticity -0.05 .. -0.07 (ratio of percentage changes)
    assert "0.5-0.7%" in fig["A8"]["value"]
    a = anchors.loc["a16z_openrouter_cost_usage"]
    assert (a["elasticity_low"], a["elasticity_high"]) == pytest.approx((-0.7 / 10, -0.5 / 10))
    assert a["elasticity_low"] <= a["elasticity"] <= a["elasticity_high"]
