"""One number, one definition: a figure shown by several reports has one value, one unit and one scope.

The slow test builds every report at its defaults (the same builds the other notebook tests use), collects
every record that names the finding it shows, and fails when one finding carries two values, two units or
two scopes. The fast tests check the registry itself.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from tokenecon.analysis import findings
from tokenecon.estimate import Estimate
from tokenecon.report import runner


def _values(rec: dict):
    v = rec["value"]
    return (v["low"], v["central"], v["high"]) if isinstance(v, dict) else v


def collect(records_by_report: dict[str, dict]) -> dict[str, list[tuple[str, str, dict]]]:
    """finding record key -> [(report, record key, record)] over every report's records."""
    seen = defaultdict(list)
    for report, records in records_by_report.items():
        for key, rec in records.items():
            if isinstance(rec, dict) and rec.get("finding"):
                seen[rec["finding"]].append((report, key, rec))
    return seen


def contradictions(seen) -> list[str]:
    bad = []
    for fkey, uses in seen.items():
        for what, get in (("value", _values), ("unit", lambda r: r.get("unit")), ("scope", lambda r: r.get("scope"))):
            distinct = {json.dumps(get(r), sort_keys=True) for _, _, r in uses}
            if len(distinct) > 1:
                where = ", ".join(f"{rep}:{k}" for rep, k, _ in uses)
                bad.append(f"{fkey}: {len(distinct)} different {what}s in {where}")
    return bad


def test_contradiction_detector_by_hand():
    rec = {"finding": "x", "value": {"low": 1, "central": 2, "high": 3}, "unit": "TWh", "scope": "OpenRouter; 2026"}
    same = collect({"a": {"k": rec}, "b": {"headline_k": dict(rec)}})
    assert contradictions(same) == []
    other = dict(rec, value={"low": 1, "central": 2.5, "high": 3})
    assert contradictions(collect({"a": {"k": rec}, "b": {"k": other}})) == ["x: 2 different values in a:k, b:k"]
    assert "different scopes" in contradictions(collect({"a": {"k": rec}, "b": {"k": dict(rec, scope="world")}}))[0]


def test_every_registered_finding_has_words_for_its_scope_and_interval():
    for key in findings.keys():
        f = findings.get(key)
        assert f.key == key and f.record_key == key  # the canonical inputs record under the bare key
        assert f.scope.platform and f.scope.period, key
        assert f.section and "#" in f.section, key
        assert f.interval_words(), key
        rec = f.record()
        assert rec["scope"] == f.scope.words() and rec["unit"] == f.unit


def test_a_finding_away_from_its_canonical_inputs_records_under_its_own_key():
    base = findings.get("electricity_share_of_token_cost")
    other = findings.get("electricity_share_of_token_cost", model="deepseek-v3")
    assert other.record_key != base.record_key and "deepseek-v3" in other.record_key
    assert "DeepSeek" in other.label and "MiniMax" in base.label


def test_unknown_finding_or_parameter_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown key 'nope'"):
        findings.get("nope")
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['colour'\]"):
        findings.get("china_power_discount", colour="red")


def test_tokens_against_bitcoin_is_the_ratio_of_its_two_findings():
    """Second method: the headline ratio recomputed from the two revenue-per-kWh findings by hand."""
    r = findings.get("tokens_vs_bitcoin_revenue_per_kwh").value
    tok = findings.get("token_revenue_usd_per_kwh").value
    btc = findings.get("btc_revenue_usd_per_kwh_latest").value
    assert r.central == pytest.approx(tok.central / btc.central)
    assert (r.low, r.high) == pytest.approx((tok.low / btc.high, tok.high / btc.low))


def test_estimate_arithmetic_keeps_draws_together():
    import numpy as np

    x = np.linspace(1.0, 2.0, 1001)
    a, b = Estimate.from_samples(x), Estimate.from_samples(x)
    ratio = a / b  # draw by draw: exactly 1, not low/high
    assert (ratio.low, ratio.central, ratio.high) == pytest.approx((1.0, 1.0, 1.0))
    worst = Estimate(1.0, 1.5, 2.0) / Estimate(1.0, 1.5, 2.0)  # no draws: worst-case bounds
    assert (worst.low, worst.high) == pytest.approx((0.5, 2.0)) and worst.kind == "bounds"


@pytest.mark.slow
def test_no_figure_has_two_values_across_reports(run_report):
    names = [n for n in runner.discover() if n != "data_catalog"]
    records = {}
    for name in names:
        html = run_report(name)
        records[name] = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))["records"]
    seen = collect(records)
    shared = {k: v for k, v in seen.items() if len({r for r, _, _ in v}) > 1}
    assert "tokens_vs_bitcoin_revenue_per_kwh" in shared  # the Bitcoin report and the fact-check both show it
    assert contradictions(seen) == []
