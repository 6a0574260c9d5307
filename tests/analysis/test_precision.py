"""Precision mix: sums to one, hosts and requests counted by hand, the energy of a mix, the unknown-only fallback."""

from __future__ import annotations

import pandas as pd
import pytest

from tokenecon import data
from tokenecon.analysis import precision
from tokenecon.estimate import Estimate

LABS = pd.DataFrame({"author": ["cn", "us"], "bloc": ["china", "us"]})
#: kWh per million tokens by (precision, phase): fp8 lightest, bf16 heaviest
E = {("bf16", "output"): Estimate(8, 10, 12), ("fp8", "output"): Estimate(4, 5, 6), ("mxfp4", "output"): Estimate(5, 6, 7),
     ("int4", "output"): Estimate(6, 7, 8), ("bf16", "input"): Estimate(0.8, 1, 1.2), ("fp8", "input"): Estimate(0.4, 0.5, 0.6),
     ("mxfp4", "input"): Estimate(0.5, 0.6, 0.7), ("int4", "input"): Estimate(0.6, 0.7, 0.8)}
SPLIT = {"input": 0.9, "output": 0.1}


def energy_at(model, phase, prec=None):
    return E[(prec or "fp8", phase)]


def _ep(rows):
    cols = ["model_id", "permaslug", "author", "provider_slug", "precision_family", "stats_requests"]
    return pd.DataFrame(rows, columns=cols)


EP = _ep([
    ("cn/m", "cn/m-1", "cn", "p1", "fp8", 10),
    ("cn/m:free", "cn/m-1", "cn", "p1", "fp8", 30),     # same provider, same precision: the same host
    ("cn/m", "cn/m-1", "cn", "p2", "fp8", 20),
    ("cn/m", "cn/m-1", "cn", "p3", "bf16", 40),
    ("cn/m", "cn/m-1", "cn", "p4", "unknown", None),
    ("cn/u", "cn/u-1", "cn", "p1", "unknown", 5),       # only unknown hosts
    ("cn/u", "cn/u-1", "cn", "p2", "unknown", 5),
    ("us/x", "us/x-1", "us", "p1", "bf16", 1),
])


def _shares(row):
    return [row[f"share_{f}"] for f in list(precision.FAMILIES) + ["unknown"]]


def test_mix_counts_hosts_and_sums_to_one():
    m = precision.precision_mix(EP, LABS).set_index("model")
    assert set(m.index) == {"cn/m", "cn/u"}  # the US model is not a Chinese lab's
    r = m.loc["cn/m"]
    assert r["hosts"] == 4 and r["known_hosts"] == 3  # p1's paid and free offers are one host
    assert (r["share_fp8"], r["share_bf16"], r["share_unknown"]) == pytest.approx((0.5, 0.25, 0.25))
    assert (r["known_share_fp8"], r["known_share_bf16"]) == pytest.approx((2 / 3, 1 / 3))
    for _, row in m.iterrows():
        assert sum(_shares(row)) == pytest.approx(1.0)
    assert m.loc["cn/u", "share_unknown"] == 1.0 and pd.isna(m.loc["cn/u", "known_share_fp8"])


def test_mix_weighted_by_requests_by_hand():
    r = precision.precision_mix(EP, LABS, weight="requests").set_index("model").loc["cn/m"]
    # fp8 10 + 30 + 20 = 60, bf16 40, unknown none: of 100
    assert (r["share_fp8"], r["share_bf16"], r["share_unknown"]) == pytest.approx((0.6, 0.4, 0.0))
    with pytest.raises(ValueError, match="weight"):
        precision.precision_mix(EP, LABS, weight="tokens")


def test_energy_of_a_mix_by_hand():
    row = precision.precision_mix(EP, LABS).set_index("model").loc["cn/m"]
    pe = precision.mix_energy(row, "m", energy_at, SPLIT, documented="fp8")
    blend = {p: 0.9 * E[(p, "input")].central + 0.1 * E[(p, "output")].central for p in ("fp8", "bf16", "mxfp4", "int4")}
    assert pe.by_family["fp8"].central == pytest.approx(blend["fp8"]) and pe.by_family["fp4"].central == pytest.approx(blend["mxfp4"])
    assert pe.mix.central == pytest.approx(2 / 3 * blend["fp8"] + 1 / 3 * blend["bf16"])
    low = {p: 0.9 * E[(p, "input")].low + 0.1 * E[(p, "output")].low for p in ("fp8", "bf16")}
    high_bf16 = 0.9 * 1.2 + 0.1 * 12
    high_fp8 = 0.9 * 0.6 + 0.1 * 6
    # unknown quarter at the lightest low (fp8) and the heaviest high (bf16)
    assert pe.mix.low == pytest.approx(0.5 * low["fp8"] + 0.25 * low["bf16"] + 0.25 * low["fp8"])
    assert pe.mix.high == pytest.approx(0.5 * high_fp8 + 0.25 * high_bf16 + 0.25 * high_bf16)
    assert not pe.fallback and "unknown hosts 25%" in pe.basis


def test_unknown_only_model_falls_back_to_its_documented_precision():
    row = precision.precision_mix(EP, LABS).set_index("model").loc["cn/u"]
    pe = precision.mix_energy(row, "u", energy_at, SPLIT, documented="int4")
    assert pe.fallback and "fallback" in pe.basis and "int4" in pe.basis
    assert pe.mix.central == pytest.approx(0.9 * 0.7 + 0.1 * 7)
    # the band: every host unknown, so the lightest low to the heaviest high of any precision
    assert pe.mix.low == pytest.approx(0.9 * 0.4 + 0.1 * 4) and pe.mix.high == pytest.approx(0.9 * 1.2 + 0.1 * 12)
    with pytest.raises(ValueError, match="'u'.*documented"):
        precision.mix_energy(row, "u", energy_at, SPLIT, documented=None)


def test_mixed_energy_function_per_phase_and_default_for_other_models():
    mix = precision.precision_mix(EP, LABS, by="key", key=lambda s: {"cn/m-1": "m", "cn/u-1": "u"}.get(s))
    table, per = precision.precision_energy_table(mix, energy_at, SPLIT, documented=lambda m: {"m": "fp8", "u": "bf16"}[m])
    assert set(table["model"]) == {"m", "u"} and table.set_index("model").loc["u", "fallback"]
    en = precision.mixed_energy(per, energy_at)
    out = en("m", "output")
    assert out.central == pytest.approx(2 / 3 * 5 + 1 / 3 * 10)
    assert out.low == pytest.approx(0.5 * 4 + 0.25 * 8 + 0.25 * 4) and out.high == pytest.approx(0.5 * 6 + 0.25 * 12 + 0.25 * 12)
    assert en("u", "input").central == pytest.approx(1.0)  # fallback: documented bf16
    assert en("other", "input") == E[("fp8", "input")]     # no mix: the base energy (here energy_at's default)


def test_real_catalogue_mix_sums_to_one_and_unknown_share_by_hand():
    ep, labs = data.load("openrouter_endpoints"), data.load("labs")
    m = precision.precision_mix(ep, labs)
    assert len(m) > 100
    tot = m[[f"share_{f}" for f in list(precision.FAMILIES) + ["unknown"]]].sum(axis=1)
    assert tot.to_numpy() == pytest.approx(1.0)
    # second computation of the finding: Chinese-lab hosts (provider x family per model) that declare nothing
    cn = set(labs.loc[labs["bloc"] == "china", "author"])
    e = ep[ep["author"].isin(cn)].copy()
    e["m"] = e["model_id"].str.replace(r":(free|batch)$", "", regex=True)
    h = e.drop_duplicates(["m", "provider_slug", "precision_family"])
    from tokenecon.analysis import findings

    f = findings.get("chinese_model_hosts_unknown_precision")
    assert f.central == pytest.approx((h["precision_family"] == "unknown").sum() / len(h))
    assert m["hosts"].sum() == len(h)
