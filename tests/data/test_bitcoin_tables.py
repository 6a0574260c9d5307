"""Bitcoin tables: they rebuild byte-identically, and their figures match the raw files and the research note."""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

from tokenecon import data, paths

BTC_TABLES = [
    "btc_network_daily",
    "cbeci_energy_monthly",
    "cbeci_energy_by_price_annual",
    "cbeci_country_hashrate_monthly",
    "btc_mining_hardware",
    "btc_halvings",
    "hardware_capex_points",
]
RAW = paths.raw_dir() / "bitcoin"
needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason="raw mirror not available")


@pytest.mark.parametrize("name", BTC_TABLES)
def test_table_loads_and_has_provenance(name):
    df = data.load(name)
    tbl = data.table(name)
    assert len(df) > 0
    assert tbl.sources and all(s.licence and s.retrieved for s in tbl.sources)


def test_non_commercial_licences_are_in_the_catalogue_entries():
    licences = {s.licence for n in BTC_TABLES for s in data.table(n).sources}
    assert any("CC BY-NC-SA" in x for x in licences)
    assert any("CC BY-NC 4.0" in x for x in licences)


@needs_raw
def test_derived_tables_rebuild_byte_identically(tmp_path):
    derived = [n for n in BTC_TABLES if data.table(n).kind == "derived"]
    data.build(out_dir=tmp_path, names=derived)
    for n in derived:
        assert (tmp_path / f"{n}.csv").read_bytes() == data.table(n).path.read_bytes(), n


@needs_raw
def test_2020_monthly_energy_and_revenue_match_the_research_worked_example():
    # research/bitcoin.md §4 step 1: 2020 CBECI guess 67.14 TWh (Jan 6.297, Dec 6.662); revenue $5,001M.
    e = data.load("cbeci_energy_monthly")
    e20 = e[e["month"].dt.year == 2020]
    e20 = e20.set_index(e20["month"].dt.month)
    assert e20["twh_best"].sum() == pytest.approx(67.14, abs=0.01)
    assert e20.loc[1, "twh_best"] == pytest.approx(6.297, abs=0.001)
    assert e20.loc[12, "twh_best"] == pytest.approx(6.662, abs=0.001)
    n = data.load("btc_network_daily")
    n20 = n[n["date"].dt.year == 2020]
    assert n20["subsidy_btc"].sum() == pytest.approx(453_287, rel=1e-4)  # §4 step 2
    assert n20["fees_btc"].sum() == pytest.approx(26_840, rel=2e-3)
    rev = ((n20["subsidy_btc"] + n20["fees_btc"]) * n20["price_usd"]).sum()
    assert rev == pytest.approx(5.001e9, rel=2e-3)


@needs_raw
def test_cbeci_monthly_energy_equals_daily_power_summed_independently():
    with open(RAW / "cbeci_power_consumption_daily.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["date"].startswith("2021-06")]
    by_hand = sum(float(r["power_guess_gw"]) for r in rows) * 24 / 1000
    e = data.load("cbeci_energy_monthly").set_index("month")
    assert e.loc[pd.Timestamp("2021-06-01"), "twh_best"] == pytest.approx(by_hand, rel=1e-5)
    assert e.loc[pd.Timestamp("2021-06-01"), "days"] == len(rows) == 30


def test_china_share_anchor_months():
    # research/bitcoin.md §3.1
    c = data.load("cbeci_country_hashrate_monthly")
    cn = c[c["country"] == "Mainland China"].set_index("month")["hashrate_pct"]
    assert cn[pd.Timestamp("2019-09-01")] == 75.53
    assert cn[pd.Timestamp("2021-07-01")] == 0
    assert cn[pd.Timestamp("2022-01-01")] == 21.11
    assert len(cn) == 29
    month_sum = c.groupby("month")["hashrate_pct"].sum()
    assert month_sum.between(99.97, 100.03).all()


def test_hardware_list_is_cbeci_to_2020_05_then_flagships():
    h = data.load("btc_mining_hardware")
    cb = h[h["hardware_list"] == "cbeci_2020-05"]
    assert len(cb) == 90
    assert cb["release_date"].max() == pd.Timestamp("2020-05-01")
    later = h[h["hardware_list"] == "flagship_after_2020-05"]
    assert (later["release_date"] > pd.Timestamp("2020-05-31")).all()
    s19pro = h.set_index("model").loc["Bitmain Antminer S19 Pro (110Th)"]
    assert s19pro["efficiency_j_th"] == 29.55
    assert h.set_index("model").loc["Bitmain Antminer S21 XP", "release_date_approximate"]


def test_halving_dates_are_the_protocol_dates():
    h = data.load("btc_halvings").set_index("event")
    assert h.loc["halving_3", "date"] == pd.Timestamp("2020-05-11")
    assert h.loc["halving_4", "subsidy_btc_after"] == 3.125
    assert pd.isna(h.loc["halving_5", "date"])


def test_subsidy_per_day_follows_the_halvings():
    # 144 blocks a day: 12.5 BTC -> ~1800 BTC/day before 2020-05-11, 6.25 -> ~900 after, 3.125 -> ~450 after 2024-04-20.
    n = data.load("btc_network_daily").set_index("date")["subsidy_btc"]
    assert n["2020-01-01":"2020-05-10"].mean() / 12.5 == pytest.approx(144, rel=0.06)
    assert n["2020-05-12":"2020-12-31"].mean() / 6.25 == pytest.approx(144, rel=0.06)
    assert n["2024-04-21":"2024-12-31"].mean() / 3.125 == pytest.approx(144, rel=0.06)


def test_bad_capex_row_fails_naming_the_column_and_row(tmp_path):
    src = data.table("hardware_capex_points").path
    bad = tmp_path / "hardware_capex_points.csv"
    shutil.copy(src, bad)
    text = bad.read_text().splitlines()
    text[2] = text[2].replace(",asic,", ",asik,", 1)
    bad.write_text("\n".join(text) + "\n")
    with pytest.raises(data.DataValidationError, match=r"column 'kind', row 2"):
        data.load("hardware_capex_points", path=bad)
