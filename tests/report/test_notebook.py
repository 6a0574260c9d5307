"""Notebook helpers: recorded figures reach the runner as JSON lines; nothing leaks into the page."""

from __future__ import annotations

import json

import base64
import io
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

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
    assert reporting.fmt_num(1234.4) == "1,230"  # 3 significant figures (the rule of report.fmt.number)
    assert reporting.fmt_num(2050.0) == "2,050" and reporting.fmt_num(12345) == "12,345"
    assert reporting.fmt_num(0.0123456) == "0.0123"
    assert reporting.fmt_pct(0.5897) == "59.0%"
    assert reporting.fmt_num(float("nan")) == "n/a"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.cells = [], []
        self._td = False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))
        self._td = tag == "td"

    def handle_data(self, data):
        if self._td and data.strip():
            self.cells.append(data.strip())

    def handle_endtag(self, tag):
        self._td = False


def _shown(monkeypatch, fn, *args, **kw) -> str:
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    fn(*args, **kw)
    assert len(shown) == 1
    return shown[0]


def _csv(href: str) -> pd.DataFrame:
    head, _, payload = href.partition(",")
    assert head == "data:text/csv;charset=utf-8;base64"
    return pd.read_csv(io.BytesIO(base64.b64decode(payload)))


def test_show_table_never_prints_an_exponent_and_offers_the_data(monkeypatch):
    df = pd.DataFrame({"model": ["a", "b"], "J per token": [2050.0, 14800.0], "tokens": [8.74e12, 1.5e-7]})
    html = _shown(monkeypatch, reporting.show_table, df, caption="Energy per token", uuid="e",
                  floatfmt="{:,.3g}")  # the old default format, which printed 2.05e+03
    p = _Links()
    p.feed(html)
    assert p.cells == ["a", "2,050", "8,740,000,000,000", "b", "14,800", "0.00000015"]
    assert html.startswith('<div class="tokenecon-table">')  # the box that scrolls on a phone
    (link,) = p.links
    assert link["download"] == "energy-per-token.csv" and link["data-of"] == "table"
    back = _csv(link["href"])
    assert list(back.columns) == ["model", "J per token", "tokens"] == __import__("json").loads(link["data-columns"])
    assert back["J per token"].tolist() == [2050.0, 14800.0]  # the data unrounded
    assert back["tokens"].tolist() == [8.74e12, 1.5e-7]


def test_show_table_with_other_data_or_none(monkeypatch):
    df = pd.DataFrame({"x": [1.5]})
    html = _shown(monkeypatch, reporting.show_table, df, data=False)
    assert "<a " not in html
    full = pd.DataFrame({"x": [1.5], "y": [2.5]}).set_index("x")
    html = _shown(monkeypatch, reporting.show_table, df, data=full, filename="Full data")
    p = _Links()
    p.feed(html)
    assert p.links[0]["download"] == "full-data.csv" and "data-of" not in p.links[0]  # not the table shown
    assert list(_csv(p.links[0]["href"]).columns) == ["x", "y"]  # a named index is kept


def test_download_link_refuses_a_non_frame():
    with pytest.raises(ValueError, match="expected a pandas DataFrame"):
        reporting.download_link([1, 2], "x")
