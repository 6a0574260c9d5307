"""The landing page ``reports/index.html``: headline findings, the article's verdicts, one card per report.

:func:`render_index` is a pure function of the reports' sidecars (``reports/<name>.json``, written by
:mod:`tokenecon.report.runner`); it reads no file and stamps no time, so the same sidecars give the same bytes.
The page is self-contained: inline CSS only, no script, font or image, and every link is relative.
It is rendered from the Jinja2 template ``templates/landing/index.html.j2`` (escaping by the engine);
numbers are formatted by :mod:`tokenecon.report.fmt`.

What it shows, all read from what the notebooks recorded with :func:`tokenecon.report.notebook.record`:

* **Headline findings**: every record whose key starts with :data:`HEADLINE_PREFIX` (``headline_``), in
  report-name then key order, with its label and unit; records written by ``record_finding`` also carry
  their scope, the kind of their interval and the ``report#section`` that computes them, shown on the card
  (ISO dates in words) with a link to that section.
* **The article, claim by claim**: the record :data:`VERDICTS_KEY` (``verdicts``), a list of rows with
  keys ``claim_id``, ``claim``, ``claimed``, ``estimate``, ``verdict``, ``reason`` and ``link``
  (a relative ``report.html#section`` address), as written by the fact-check report.
* **Reports**: a card per sidecar with title, takeaway, parameters, a few labelled figures, the link,
  and its status (a failed build is shown as failed, with its error).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from tokenecon.report import fmt

HEADLINE_PREFIX = "headline_"
VERDICTS_KEY = "verdicts"
#: Verdict words in display order, with the CSS class that colours them.
VERDICT_CLASSES = {
    "supported": "v-supported",
    "roughly": "v-roughly",
    "overstated": "v-overstated",
    "contradicted": "v-contradicted",
    "not checkable": "v-na",
    "not computed": "v-error",
}
#: Figures shown on a report card (beyond the takeaway); the rest stay in the report itself.
MAX_CARD_FIGURES = 6

PAGE_TITLE = "Token exports, checked against data"
INTRO = (
    "In February 2026 an article argued that Chinese AI models, sold abroad token by token, are a "
    "tariff-free export of China's cheap electricity. These reports put data under each of its claims: "
    "how many tokens Chinese models serve, what a token costs to make and how much of that is "
    "electricity, where the tokens are computed, and how it compares with Bitcoin mining. Every number "
    "on this page is computed by a report from the curated data; follow a card to see how."
)

#: The Jinja2 template (autoescaping on) and its stylesheet, inlined into the page.
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "landing"
TEMPLATE = "index.html.j2"
#: How to cite the package (also in CITATION.cff at the top of the repository).
CITE = ("tokenecon: token exports, checked against data (software and reports), version {version}. "
        "See CITATION.cff in the repository.")
#: Parameter values that mean "not set" in notebooks written before :data:`tokenecon.units.NOT_SET`
#: (None): they are not shown on a card.
LEGACY_SENTINELS = (-1.0, 999.0)


# --------------------------------------------------------------------------- formatting helpers

def esc(value) -> str:
    """HTML-escape any value (quotes included) after turning it into text."""
    return html.escape("" if value is None else str(value), quote=True)


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def relative_href(target) -> str | None:
    """A relative link target, percent-encoded (not HTML-escaped); None for anything absolute or empty.

    Only relative paths (``x.html`` or ``x.html#section``) are kept, so the page never points at the
    network or at a script URL.
    """
    if not isinstance(target, str) or not target.strip():
        return None
    target = target.strip()
    if _SCHEME.match(target) or target.startswith("//"):
        return None
    path, _, frag = target.partition("#")
    href = quote(path, safe="/._-~")
    if frag:
        href += "#" + quote(frag, safe="-._~")
    return href


def safe_href(target) -> str | None:
    """:func:`relative_href`, HTML-escaped (for hand-written markup)."""
    href = relative_href(target)
    return None if href is None else esc(href)


def section_href(section, html_name: str | None = None) -> str | None:
    """``report.html#anchor`` for a record's ``section`` ("report#anchor", "report.html#anchor" or "#anchor")."""
    if not isinstance(section, str) or not section.strip():
        return None
    page, sep, anchor = section.strip().partition("#")
    if not sep:
        page, anchor = "", page
    if not page:
        page = html_name or ""
    elif not page.endswith(".html"):
        page += ".html"
    return relative_href(f"{page}#{anchor}" if anchor else page)


_ISO_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def dates_in_words(text) -> str:
    """Every ISO day in ``text`` written in words ("2026-08-28" -> "28 August 2026")."""
    if not isinstance(text, str):
        return "" if text is None else str(text)

    def sub(m):
        try:
            return fmt.day(m.group(1))
        except ValueError:
            return m.group(1)

    return _ISO_DAY.sub(sub, text)


#: Units written against the number ("3%", "17×"); others follow after a space ("8 kWh per USD").
ATTACHED_UNITS = fmt.SHARE_UNITS + fmt.PERCENT_UNITS + fmt.TIMES_UNITS
#: Words a label may start with that already say the unit (so "105×" + "times more ..." is not doubled).
UNIT_WORDS = {"x": ("times",), "%": ("percent",), "pct": ("percent",)}


def label_states_unit(label: str | None, unit: str | None) -> bool:
    """True when ``label`` starts with the unit (its first word, or a word for it such as "times" for x),
    so that the number can be shown bare: "0.099 (0.038 to 0.24)" over "kWh per USD of token revenue"."""
    if not label or not unit or unit in fmt.SHARE_UNITS or unit in fmt.PURE_UNITS:
        return False
    first = label.strip().split()[0].lower().strip(",:;")
    words = {unit.split()[0].lower()} | set(UNIT_WORDS.get(unit, ()))
    return first in words


def headline_parts(value, unit: str | None = None, *, bare: bool = False) -> tuple[str, str | None] | None:
    """A headline as (big number, interval text or None) — see :func:`tokenecon.report.fmt.headline`."""
    return fmt.headline(value, unit, bare=bare)


def format_value(value, unit: str | None = None, *, bare: bool = False) -> str | None:
    """Text for a recorded value — see :func:`tokenecon.report.fmt.record_value`."""
    return fmt.record_value(value, unit, bare=bare)


def _interval_kind(rec: dict) -> str | None:
    """The interval in words: the record's own ``interval``, else the estimate's (None for a point value)."""
    value = rec.get("value")
    words = rec.get("interval") or (value.get("interval") if isinstance(value, dict) else None)
    if not words or str(words).startswith("single value"):
        return None
    return str(words)[0].upper() + str(words)[1:]


def _shown_parameter(value) -> bool:
    from tokenecon.units import is_set

    if not is_set(value) or value in ("", {}, []):
        return False
    return not (isinstance(value, float) and value in LEGACY_SENTINELS)


def _param_text(value) -> str:
    if isinstance(value, str):
        return dates_in_words(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return fmt.number(value, 6, words=False)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# --------------------------------------------------------------------------- sections

def _ok(sidecar: dict) -> bool:
    return sidecar.get("status", "ok") == "ok"


def _rec(records: dict, key: str) -> dict:
    return records[key] if isinstance(records[key], dict) else {"value": records[key]}


def _target_title(section, sc: dict, titles: dict) -> str:
    """The title of the report a ``section`` ("report#anchor") points at; the recording report's otherwise."""
    page = str(section or "").partition("#")[0].removesuffix(".html")
    return titles.get(page) or sc.get("title") or sc.get("name")


def _headlines(sidecars: list[dict]) -> list[dict]:
    titles = {str(s["name"]): s.get("title") or s["name"] for s in sidecars}
    tiles = []
    for sc in sidecars:
        if not _ok(sc):
            continue
        records = sc.get("records") or {}
        for key in sorted(records):
            if not key.startswith(HEADLINE_PREFIX):
                continue
            rec = _rec(records, key)
            label = rec.get("label") or key[len(HEADLINE_PREFIX):].replace("_", " ")
            value = rec.get("value")
            unit = rec.get("unit") or (value.get("unit") if isinstance(value, dict) else None)
            parts = headline_parts(value, rec.get("unit"), bare=label_states_unit(label, unit))
            if parts is None:
                continue
            text, interval = parts
            report = sc.get("title") or sc.get("name")
            href = section_href(rec.get("section"), sc.get("html")) or relative_href(sc.get("html"))
            tiles.append({
                "text": text, "interval": interval, "label": dates_in_words(label),
                "scope": dates_in_words(rec.get("scope")) or None, "kind": _interval_kind(rec),
                "report": report, "href": href,
                "link_text": (f"How it is computed: {_target_title(rec.get('section'), sc, titles)}"
                              if rec.get("section") else f"from {report}"),
            })
    return tiles


def _verdict_class(verdict) -> str:
    return VERDICT_CLASSES.get(str(verdict).strip().lower(), "v-other")


def _verdict_rows(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        verdict = r.get("verdict") or "not computed"
        out.append({
            "claim_id": r.get("claim_id") or "", "quote": r.get("quote"),
            "scope": r.get("claim") or r.get("claim_id"), "claimed": r.get("claimed") or "",
            "estimate": r.get("estimate") or "", "verdict": verdict, "cls": _verdict_class(verdict),
            "reason": r.get("reason") or "", "href": relative_href(r.get("link")),
        })
    return out


def _verdicts(sidecars: list[dict]) -> dict:
    found = None
    for sc in sidecars:
        rec = (sc.get("records") or {}).get(VERDICTS_KEY)
        if rec is not None:
            found = (sc, rec)
            break
    if found is None:
        failed = [sc for sc in sidecars if not _ok(sc) and "fact" in str(sc.get("name", ""))]
        return {"missing": True, "failed": bool(failed)}
    sc, rec = found
    rows = rec.get("value") if isinstance(rec, dict) else rec
    rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    counts = Counter(str(r.get("verdict", "")).strip().lower() for r in rows)
    order = list(VERDICT_CLASSES) + sorted(set(counts) - set(VERDICT_CLASSES))
    testable = [r for r in rows if str(r.get("verdict", "")).strip().lower() != "not checkable"]
    outside = [r for r in rows if str(r.get("verdict", "")).strip().lower() == "not checkable"]
    return {
        "missing": False, "stale": not _ok(sc), "rows": rows, "n": len(rows),
        "counts": [{"verdict": v, "n": counts[v], "cls": _verdict_class(v)} for v in order if counts[v]],
        "testable": _verdict_rows(testable), "outside": _verdict_rows(outside),
    }


def _card(sc: dict) -> dict:
    ok = _ok(sc)
    records = sc.get("records") or {}
    figures = []
    for key in sorted(records):
        rec = _rec(records, key)
        # headline figures are shown at the top of the page already
        if key in ("takeaway", VERDICTS_KEY) or key.startswith(HEADLINE_PREFIX) or not rec.get("label"):
            continue
        text = format_value(rec.get("value"), rec.get("unit"), bare=label_states_unit(rec["label"], rec.get("unit")))
        if text is None:
            continue
        scope = " · ".join(p for p in (dates_in_words(rec.get("scope")), _interval_kind(rec) or "") if p)
        figures.append({"label": dates_in_words(rec["label"]), "text": text, "scope": scope or None,
                        "href": section_href(rec.get("section"), sc.get("html"))})
    params = sc.get("parameters") or {}
    shown = [(k, _param_text(params[k])) for k in sorted(params) if _shown_parameter(params[k])]
    return {
        "ok": ok, "name": sc.get("name", ""), "title": sc.get("title") or sc.get("name") or "untitled report",
        "href": relative_href(sc.get("html")), "html": sc.get("html"),
        "error": sc.get("error") or "no error message recorded", "summary": sc.get("summary"),
        "figures": figures[:MAX_CARD_FIGURES], "params": shown,
    }


def _footer(sidecars: list[dict]) -> list[str]:
    versions = sorted({str(sc["version"]) for sc in sidecars if sc.get("version")})
    commits = sorted({str(sc["commit"]) for sc in sidecars if sc.get("commit")})
    bits = []
    if versions:
        bits.append("tokenecon " + ", ".join(versions))
    if commits:
        bits.append("commit " + ", ".join(commits))
    ok = sum(_ok(sc) for sc in sidecars)
    bits.append(f"{ok} of {len(sidecars)} reports built successfully")
    return bits


# --------------------------------------------------------------------------- page

@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    return env.get_template(TEMPLATE)


def render_index(reports: list[dict]) -> str:
    """The full HTML of ``reports/index.html`` from the reports' sidecars (deterministic, self-contained).

    ``reports`` is a list of sidecar dicts (see :mod:`tokenecon.report.runner`); they are shown in name order.
    A sidecar without ``name`` raises ValueError.
    """
    if not isinstance(reports, list):
        raise ValueError(f"render_index(reports=...): expected a list of sidecar dicts, got {type(reports).__name__}")
    for i, sc in enumerate(reports):
        if not isinstance(sc, dict) or not sc.get("name"):
            raise ValueError(f"render_index(reports=...): item {i} is not a sidecar dict with a 'name' key")
    sidecars = sorted(reports, key=lambda s: str(s["name"]))
    versions = sorted({str(sc["version"]) for sc in sidecars if sc.get("version")})
    return _template().render(
        page_title=PAGE_TITLE, intro=INTRO, tiles=_headlines(sidecars), verdicts=_verdicts(sidecars),
        cards=[_card(sc) for sc in sidecars], footer=_footer(sidecars),
        cite=CITE.format(version=", ".join(versions) or "unknown"),
    )
