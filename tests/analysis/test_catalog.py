"""The data catalogue report's figures (tokenecon.analysis.catalog) on hand-made frames and the real catalogue."""

import pandas as pd

from tokenecon import data
from tokenecon.analysis import catalog


def _cov():
    return pd.DataFrame({"table": ["a", "b", "c"], "title": ["A", "B", "C"],
                         "kind": ["derived", "hand-compiled", "derived"],
                         "licence": ["CC BY 4.0", "CC BY-NC 4.0", "CC BY-NC-SA 4.0; MIT"], "rows": [10, 5, 1000],
                         "columns": [3, 4, 5], "date_from": pd.to_datetime(["2020-01-01", None, "2018-05-01"]),
                         "date_to": pd.to_datetime(["2021-01-01", None, "2019-01-01"])})


def test_summary_counts_by_hand():
    s = catalog.summary(_cov())
    assert (s["tables"], s["rows"], s["derived"], s["hand_compiled"], s["dated"]) == (3, 1015, 2, 1, 2)
    assert (s["date_from"], s["date_to"]) == (pd.Timestamp("2018-05-01"), pd.Timestamp("2021-01-01"))
    assert s["non_commercial"] == ["b", "c"]
    undated = catalog.summary(_cov().iloc[[1]])
    assert undated["dated"] == 0 and pd.isna(undated["date_from"])


def test_dated_tables_and_coverage_table():
    d = catalog.dated_tables(_cov())
    assert d["table"].tolist() == ["a", "c"]  # newest start first, undated left out
    t = catalog.coverage_table(_cov())
    assert t["from"].tolist() == ["2020-01-01", "-", "2018-05-01"]


def test_table_doc_renders_every_part():
    entry = {"title": "Prices", "description": "List prices.", "kind": "hand-compiled", "key": ["model", "date"],
             "derivation": "typed from the pages", "caveats": "some gaps",
             "sources": [{"title": "Site", "url": "https://example.org", "retrieved": "2026-01-01", "licence": "CC BY"},
                         {"title": "Repo", "repository": "o/r", "path": "p.csv", "commit": "0123456789abcdef",
                          "retrieved": "2026-01-02", "licence": "MIT"}],
             "columns": [{"name": "kind", "dtype": "string", "allowed": ["a", "b"], "description": "the kind"},
                         {"name": "usd", "dtype": "float", "unit": "USD", "min": 0, "description": "price"},
                         {"name": "note", "dtype": "string", "description": "free text"}]}
    doc = catalog.table_doc("prices", entry).splitlines()
    assert doc[0] == "### prices" and "**Prices.** List prices." in doc
    assert "*Kind:* hand-compiled. *Key:* model, date. *Derivation:* typed from the pages" in doc
    assert "- Site — https://example.org (retrieved 2026-01-01; licence: CC BY)" in doc
    assert "- Repo — o/r / p.csv / commit 0123456789ab (retrieved 2026-01-02; licence: MIT)" in doc
    assert "*Caveats:* some gaps" in doc
    assert "| `kind` | string |  | a, b | the kind |" in doc
    assert "| `usd` | float | USD | 0 ..  | price |" in doc
    assert "| `note` | string |  |  | free text |" in doc


def test_table_doc_covers_every_catalogued_table():
    entries = data.load_catalog()["tables"]
    for name in sorted(data.tables()):
        doc = catalog.table_doc(name, entries[name])
        assert doc.startswith(f"### {name}\n") and doc.count("\n| `") == len(entries[name]["columns"])
