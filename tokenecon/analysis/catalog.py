"""The data catalogue report's figures: counts, coverage and each table's description, from
:func:`tokenecon.data.coverage` and the generated catalogue (``data/catalog.yaml``)."""

from __future__ import annotations

import pandas as pd


def summary(cov: pd.DataFrame) -> dict:
    """Counts over a :func:`tokenecon.data.coverage` frame: tables, rows, derived and hand-compiled tables, the
    number of dated tables and their span (NaT when none is dated) and the tables under a non-commercial ("NC") licence."""
    dated = dated_tables(cov)
    return {"tables": len(cov), "rows": int(cov["rows"].sum()), "derived": int((cov["kind"] == "derived").sum()),
            "hand_compiled": int((cov["kind"] == "hand-compiled").sum()), "dated": len(dated),
            "date_from": dated["date_from"].min() if len(dated) else pd.NaT,
            "date_to": dated["date_to"].max() if len(dated) else pd.NaT,
            "non_commercial": sorted(cov.loc[cov["licence"].str.contains("NC", regex=False), "table"])}


def dated_tables(cov: pd.DataFrame) -> pd.DataFrame:
    """The tables of a coverage frame that have a date range, newest start first."""
    return cov.dropna(subset=["date_from"]).sort_values("date_from", ascending=False).reset_index(drop=True)


def coverage_table(cov: pd.DataFrame) -> pd.DataFrame:
    """The coverage frame for display: dates as YYYY-MM-DD under "from" and "to", "-" where a table has no
    date column."""
    return cov.assign(date_from=cov["date_from"].dt.strftime("%Y-%m-%d").fillna("-"),
                      date_to=cov["date_to"].dt.strftime("%Y-%m-%d").fillna("-")).rename(
        columns={"date_from": "from", "date_to": "to"})


def source_line(s: dict) -> str:
    """One source of a catalogue entry in words: title, where (URL, or repository / path / commit), retrieved, licence."""
    where = s.get("url") or " / ".join(
        x for x in (s.get("repository"), s.get("path"), s.get("commit") and "commit " + s["commit"][:12]) if x)
    return f"{s['title']} — {where} (retrieved {s['retrieved']}; licence: {s['licence']})"


def _allowed(c: dict) -> str:
    if "allowed" in c:
        return ", ".join(str(a) for a in c["allowed"])
    if "min" in c or "max" in c:
        return f"{c.get('min', '')} .. {c.get('max', '')}"
    return ""


def table_doc(name: str, entry: dict) -> str:
    """A catalogue entry as Markdown: heading, title and description, kind, key, derivation, sources, caveats and
    a table of the columns (type, unit, allowed values or range, description)."""
    lines = [f"### {name}", "", f"**{entry['title']}.** {entry['description']}", "",
             f"*Kind:* {entry['kind']}. *Key:* {', '.join(entry['key'])}. *Derivation:* {entry['derivation']}", "",
             "*Sources:*", ""]
    lines += [f"- {source_line(s)}" for s in entry["sources"]]
    if entry.get("caveats"):
        lines += ["", f"*Caveats:* {entry['caveats']}"]
    lines += ["", "| column | type | unit | allowed | description |", "|---|---|---|---|---|"]
    lines += [f"| `{c['name']}` | {c['dtype']} | {c.get('unit', '')} | {_allowed(c)} | {c['description']} |"
              for c in entry["columns"]]
    return "\n".join(lines)
