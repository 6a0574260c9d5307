"""Notebook helpers: recorded figures reach the runner as JSON lines; nothing leaks into the page."""

from __future__ import annotations

import json

import numpy as np

from tokenecon.report import notebook as reporting


def test_record_writes_json_lines_for_the_runner_and_returns_nothing(tmp_path, monkeypatch):
    log = tmp_path / "records.jsonl"
    monkeypatch.setenv(reporting.RECORDS_ENV, str(log))
    assert reporting.record("share", np.float64(0.59), label="Chinese share", unit="fraction") is None
    assert reporting.record("bounds", {"low": 0.107, "high": float("nan")}) is None
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert rows == [
        {"key": "share", "value": 0.59, "label": "Chinese share", "unit": "fraction"},
        {"key": "bounds", "value": {"low": 0.107, "high": None}},  # NaN is not JSON: stored as null
    ]


def test_record_outside_the_runner_is_a_no_op(tmp_path, monkeypatch):
    monkeypatch.delenv(reporting.RECORDS_ENV, raising=False)
    assert reporting.record("x", 1) is None and not list(tmp_path.iterdir())


def test_number_formats():
    assert reporting.fmt_num(8.743e12) == "8.74 trillion"
    assert reporting.fmt_num(5_158_000_000_000, sig=2) == "5.2 trillion"
    assert reporting.fmt_num(1234.4) == "1,234"
    assert reporting.fmt_num(0.0123456) == "0.0123"
    assert reporting.fmt_pct(0.5897) == "59.0%"
    assert reporting.fmt_num(float("nan")) == "n/a"
