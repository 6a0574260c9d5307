"""The landing page ``reports/index.html``: headline findings, the article's verdicts, one card per report.

:func:`render_index` is a pure function of the reports' sidecars (``reports/<name>.json``, written by
:mod:`tokenecon.report.runner`); it reads no file and stamps no time, so the same sidecars give the same bytes.
The page is self-contained: inline CSS only, no script, font or image, and every link is relative.

What it shows, all read from what the notebooks recorded with :func:`tokenecon.report.notebook.record`:

* **Headline findings**: every record whose key starts with :data:`HEADLINE_PREFIX` (``headline_``), in
  report-name then key order, with its label and unit.
* **The article, claim by claim**: the record :data:`VERDICTS_KEY` (``verdicts``), a list of rows with
  keys ``claim_id``, ``claim``, ``claimed``, ``estimate``, ``verdict``, ``reason`` and ``link``
  (a relative ``report.html#section`` address), as written by the fact-check report.
* **Reports**: a card per sidecar with title, takeaway, parameters, a few labelled figures, the link,
  and its status (a failed build is shown as failed, with its error).
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from urllib.parse import quote

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

CSS = """
:root{--fg:#1d2126;--muted:#5b6470;--bg:#ffffff;--card:#f6f7f9;--line:#dde1e6;--accent:#1f5fa8}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:1040px;margin:0 auto;padding:16px}
h1{font-size:1.8rem;line-height:1.2;margin:.4em 0}
h2{font-size:1.3rem;margin:1.6em 0 .6em;border-bottom:2px solid var(--line);padding-bottom:.2em}
h3{font-size:1.05rem;margin:0 0 .4em}
p{margin:.4em 0}
a{color:var(--accent)}
.lead{color:var(--muted);max-width:70ch}
.note{color:var(--muted);font-size:.9rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px}
.tile .num{font-size:1.6rem;font-weight:700;line-height:1.2;overflow-wrap:anywhere}
.tile .range{font-size:.95rem;font-weight:600;color:var(--muted)}
.tile .label{margin-top:.3em}
.tile .from{font-size:.85rem;color:var(--muted);margin-top:.3em}
.counts{display:flex;flex-wrap:wrap;gap:8px;margin:.4em 0 .8em;padding:0;list-style:none}
.badge{display:inline-block;border-radius:999px;padding:.05em .6em;font-size:.85rem;font-weight:600;white-space:nowrap;border:1px solid transparent}
.v-supported{background:#e3f4e6;color:#1b5e20;border-color:#a5d6a7}
.v-roughly{background:#eef6d9;color:#4b5e12;border-color:#c5e1a5}
.v-overstated{background:#fff1d6;color:#7a4b00;border-color:#ffcc80}
.v-contradicted{background:#fde4e4;color:#8e1b1b;border-color:#ef9a9a}
.v-na{background:#eceff1;color:#37474f;border-color:#cfd8dc}
.v-error{background:#f3e5f5;color:#5e1a6b;border-color:#ce93d8}
.v-other{background:#eceff1;color:#37474f;border-color:#cfd8dc}
table.verdicts{width:100%;border-collapse:collapse;font-size:.95rem}
table.verdicts th,table.verdicts td{border-bottom:1px solid var(--line);padding:8px 6px;text-align:left;vertical-align:top}
table.verdicts th{background:var(--card);font-weight:600}
table.verdicts td.claim q{font-style:italic}
table.verdicts th:nth-child(1){width:27%}
table.verdicts th:nth-child(2),table.verdicts th:nth-child(3){width:15%}
table.verdicts th:nth-child(4){width:9%}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px;display:flex;flex-direction:column;gap:6px}
.card.failed{border-color:#ef9a9a;background:#fff7f7}
.card h3 a{color:inherit;text-decoration:none}
.card h3 a:hover,.card h3 a:focus{text-decoration:underline}
.card .takeaway{border-left:3px solid var(--accent);padding-left:.6em}
.card dl{margin:.2em 0;font-size:.9rem}
.card dt{color:var(--muted);font-size:.85rem;margin-top:.35em}
.card dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.card .params{font-size:.85rem;color:var(--muted);overflow-wrap:anywhere}
.card .params .pk{color:var(--fg)}
.card .error{color:#8e1b1b;font-size:.9rem;overflow-wrap:anywhere;white-space:pre-wrap}
.card .open{margin-top:auto;font-weight:600}
details{margin-top:1em}
summary{cursor:pointer;font-weight:600;padding:.4em 0}
footer{margin-top:2em;border-top:1px solid var(--line);padding-top:.6em;color:var(--muted);font-size:.85rem}
@media (max-width:640px){
  main{padding:10px}
  h1{font-size:1.45rem}
  table.verdicts thead{display:none}
  table.verdicts,table.verdicts tbody{display:block;width:100%}
  table.verdicts tr{display:grid;grid-template-columns:1fr 1fr;column-gap:10px;grid-template-areas:"verdict verdict" "claim claim" "says est" "why why";
    border:1px solid var(--line);border-radius:8px;margin-bottom:10px;padding:6px 10px;background:var(--card)}
  table.verdicts td{display:block;border:none;padding:2px 0;min-width:0}
  table.verdicts td[data-label="Verdict"]{grid-area:verdict}
  table.verdicts td.claim{grid-area:claim}
  table.verdicts td[data-label="Article says"]{grid-area:says}
  table.verdicts td[data-label="Package estimate"]{grid-area:est}
  table.verdicts td[data-label="Why"]{grid-area:why;font-size:.9rem}
  table.verdicts td[data-label="Article says"]::before,table.verdicts td[data-label="Package estimate"]::before{content:attr(data-label);display:block;font-size:.75rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
  .cards,.tiles{grid-template-columns:1fr}
}
""".strip()


# --------------------------------------------------------------------------- formatting helpers

def esc(value) -> str:
    """HTML-escape any value (quotes included) after turning it into text."""
    return html.escape("" if value is None else str(value), quote=True)


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def safe_href(target) -> str | None:
    """A relative link target, percent-encoded and escaped; None for anything absolute or empty.

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
    return esc(href)


#: Units shown without a suffix: shares become percentages, elasticities are signed pure numbers.
SHARE_UNITS = ("share", "fraction")
PURE_UNITS = ("elasticity",)
#: Units that are only a kind of number: shown without a suffix (the label says what is counted).
COUNT_UNITS = ("count",)
#: Significant figures: a point value keeps 3; the ends and centre of an interval keep 2, because the
#: interval itself says the third figure means nothing. Integer digits are never rounded away (591, not 590).
POINT_SIG, INTERVAL_SIG = 3, 2


def _fmt_number(x: float, unit: str | None, sig: int = POINT_SIG) -> str:
    from tokenecon.report.notebook import fmt_num

    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float) and not math.isfinite(x):
        return "n/a"
    if unit in PURE_UNITS:
        return f"{x:+.2f}"
    if unit in SHARE_UNITS:
        x = 100 * x
    if isinstance(x, int) and abs(x) < 1000:
        return str(x)
    if 10 ** sig <= abs(x) < 1000:
        return f"{x:.0f}"
    return fmt_num(x, sig)


#: Units written against the number ("3%", "17x"); others follow after a space ("8 kWh per USD").
ATTACHED_UNITS = ("%", "pct", "x")
#: Words a label may start with that already say the unit (so "105x" + "times more ..." is not doubled).
UNIT_WORDS = {"x": ("times",), "%": ("percent",), "pct": ("percent",)}


def _unit_suffix(unit: str | None) -> str:
    if not unit or unit in SHARE_UNITS or unit in PURE_UNITS or unit in COUNT_UNITS:
        return "%" if unit in SHARE_UNITS else ""
    if unit in ("%", "pct"):
        return "%"
    if unit == "x":
        return "x"
    return f" {unit}"


def label_states_unit(label: str | None, unit: str | None) -> bool:
    """True when ``label`` starts with the unit (its first word, or a word for it such as "times" for x),
    so that the number can be shown bare: "0.099 (0.038 to 0.24)" over "kWh per USD of token revenue"."""
    if not label or not unit or unit in SHARE_UNITS or unit in PURE_UNITS:
        return False
    first = label.strip().split()[0].lower().strip(",:;")
    words = {unit.split()[0].lower()} | set(UNIT_WORDS.get(unit, ()))
    return first in words


def headline_parts(value, unit: str | None = None, *, bare: bool = False) -> tuple[str, str | None] | None:
    """A headline as (big number, interval text or None): an estimate's central value stands alone and its
    interval goes on a smaller line ("28x to 685x"), so a tile never wraps mid-interval."""
    if isinstance(value, dict) and {"low", "central", "high"} <= set(value):
        u = value.get("unit") or unit
        lo, mid, hi = value["low"], value["central"], value["high"]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, mid, hi)):
            sfx = "" if bare else _unit_suffix(u)
            attached = sfx if (u in ATTACHED_UNITS or u in SHARE_UNITS) else ""
            lo_t, mid_t, hi_t = (_fmt_number(v, u, INTERVAL_SIG) for v in (lo, mid, hi))
            return f"{mid_t}{sfx}", f"{lo_t}{attached} to {hi_t}{sfx}"
        return None
    text = format_value(value, unit, bare=bare)
    return None if text is None else (text, None)


def format_value(value, unit: str | None = None, *, bare: bool = False) -> str | None:
    """Text for a recorded value: a number, an estimate dict (low/central/high) or a short string.

    ``bare`` leaves the unit out (when the label already states it). Returns None for values that do
    not fit on a card (lists, other dicts, long text).
    """
    if value is None:
        return "n/a"
    if isinstance(value, (int, float)):
        return _fmt_number(value, unit) + ("" if bare else _unit_suffix(unit))
    if isinstance(value, dict) and {"low", "central", "high"} <= set(value):
        u = value.get("unit") or unit
        lo, mid, hi = value["low"], value["central"], value["high"]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, mid, hi)):
            sfx = "" if bare else _unit_suffix(u)
            lo_t, mid_t, hi_t = (_fmt_number(v, u, INTERVAL_SIG) for v in (lo, mid, hi))
            if sfx and (u in ATTACHED_UNITS or u in SHARE_UNITS):  # 105x (24x to 591x), 4.9% (3.5% to 6.8%)
                return f"{mid_t}{sfx} ({lo_t}{sfx} to {hi_t}{sfx})"
            return f"{mid_t} ({lo_t} to {hi_t}){sfx}"
        return None
    if isinstance(value, str) and len(value) <= 160:
        return value
    return None


def _param_text(value) -> str:
    if isinstance(value, str):
        return value if value.strip() else '""'  # an empty default shows as "" rather than nothing
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# --------------------------------------------------------------------------- sections

def _ok(sidecar: dict) -> bool:
    return sidecar.get("status", "ok") == "ok"


def _headlines(sidecars: list[dict]) -> list[str]:
    tiles = []
    for sc in sidecars:
        if not _ok(sc):
            continue
        records = sc.get("records") or {}
        for key in sorted(records):
            if not key.startswith(HEADLINE_PREFIX):
                continue
            rec = records[key] if isinstance(records[key], dict) else {"value": records[key]}
            label = rec.get("label") or key[len(HEADLINE_PREFIX):].replace("_", " ")
            value = rec.get("value")
            unit = rec.get("unit") or (value.get("unit") if isinstance(value, dict) else None)
            parts = headline_parts(value, rec.get("unit"), bare=label_states_unit(label, unit))
            if parts is None:
                continue
            text, interval = parts
            interval = f'<div class="range">interval {esc(interval)}</div>' if interval else ""
            href = safe_href(sc.get("html"))
            source = esc(sc.get("title") or sc.get("name"))
            source = f'<a href="{href}">{source}</a>' if href else source
            tiles.append(
                f'<div class="tile"><div class="num">{esc(text)}</div>{interval}'
                f'<div class="label">{esc(label)}</div><div class="from">from {source}</div></div>'
            )
    return tiles


def _verdict_class(verdict) -> str:
    return VERDICT_CLASSES.get(str(verdict).strip().lower(), "v-other")


def _verdict_section(sidecars: list[dict]) -> str:
    found = None
    for sc in sidecars:
        rec = (sc.get("records") or {}).get(VERDICTS_KEY)
        if rec is not None:
            found = (sc, rec)
            break
    out = ['<section id="verdicts"><h2>The article, claim by claim</h2>']
    if found is None:
        failed = [sc for sc in sidecars if not _ok(sc) and "fact" in str(sc.get("name", ""))]
        why = " (its last build failed; see its card below)" if failed else ""
        out.append(f'<p class="note">No verdicts yet: the fact-check report has not been built{why}.</p></section>')
        return "".join(out)
    sc, rec = found
    rows = rec.get("value") if isinstance(rec, dict) else rec
    if not _ok(sc):
        out.append('<p class="note">The fact-check report\'s last build failed; these verdicts are from its '
                   "previous successful build.</p>")
    if not isinstance(rows, list) or not rows:
        out.append('<p class="note">The fact-check report recorded no verdicts.</p></section>')
        return "".join(out)
    rows = [r for r in rows if isinstance(r, dict)]
    counts = Counter(str(r.get("verdict", "")).strip().lower() for r in rows)
    order = list(VERDICT_CLASSES) + sorted(set(counts) - set(VERDICT_CLASSES))
    items = "".join(
        f'<li><span class="badge {_verdict_class(v)}">{esc(v)}: {counts[v]}</span></li>' for v in order if counts[v]
    )
    out.append(f'<p>{len(rows)} claims of the article, each with the package\'s own estimate.</p>')
    out.append(f'<ul class="counts">{items}</ul>')
    testable = [r for r in rows if str(r.get("verdict", "")).strip().lower() != "not checkable"]
    outside = [r for r in rows if str(r.get("verdict", "")).strip().lower() == "not checkable"]
    out.append(_verdict_table(testable))
    if outside:
        out.append(f'<details><summary>{len(outside)} claim{"s" if len(outside) != 1 else ""} the data cannot check (history, anecdotes, '
                   "figures outside the data)</summary>")
        out.append(_verdict_table(outside))
        out.append("</details>")
    out.append("</section>")
    return "".join(out)


def _verdict_table(rows: list[dict]) -> str:
    out = [
        '<table class="verdicts"><thead><tr><th>Claim</th><th>Article says</th><th>Package estimate</th>'
        "<th>Verdict</th><th>Why</th></tr></thead><tbody>"
    ]
    for r in rows:
        scope = esc(r.get("claim") or r.get("claim_id"))
        quote_ = r.get("quote")
        claim_html = f'<q>{esc(quote_)}</q><br><span class="note">{scope}</span>' if quote_ else scope
        reason = esc(r.get("reason") or "")
        href = safe_href(r.get("link"))
        if href:
            reason += f' <a href="{href}">How it is computed</a>'
        verdict = r.get("verdict") or "not computed"
        out.append(
            f'<tr id="claim-{esc(r.get("claim_id") or "")}"><td class="claim" data-label="Claim">{claim_html}</td>'
            f'<td data-label="Article says">{esc(r.get("claimed") or "")}</td>'
            f'<td data-label="Package estimate">{esc(r.get("estimate") or "")}</td>'
            f'<td data-label="Verdict"><span class="badge {_verdict_class(verdict)}">{esc(verdict)}</span></td>'
            f'<td data-label="Why">{reason}</td></tr>'
        )
    out.append("</tbody></table>")
    return "".join(out)


def _card(sc: dict) -> str:
    ok = _ok(sc)
    title = esc(sc.get("title") or sc.get("name") or "untitled report")
    href = safe_href(sc.get("html"))
    parts = [f'<article class="card{"" if ok else " failed"}" id="report-{esc(sc.get("name", ""))}">']
    status = "" if ok else ' <span class="badge v-contradicted">failed</span>'
    linked = f'<a href="{href}">{title}</a>' if href and ok else title
    parts.append(f"<h3>{linked}{status}</h3>")
    if not ok:
        parts.append('<p>The last build of this report failed:</p>')
        parts.append(f'<p class="error">{esc(sc.get("error") or "no error message recorded")}</p>')
    summary = sc.get("summary")
    if summary:
        parts.append(f'<p class="takeaway">{esc(summary)}</p>')
    elif ok:
        parts.append('<p class="note">This report recorded no one-line takeaway.</p>')
    records = sc.get("records") or {}
    figures = []
    for key in sorted(records):
        rec = records[key] if isinstance(records[key], dict) else {"value": records[key]}
        # headline figures are shown at the top of the page already
        if key in ("takeaway", VERDICTS_KEY) or key.startswith(HEADLINE_PREFIX) or not rec.get("label"):
            continue
        text = format_value(rec.get("value"), rec.get("unit"), bare=label_states_unit(rec["label"], rec.get("unit")))
        if text is not None:
            figures.append(f"<dt>{esc(rec['label'])}</dt><dd>{esc(text)}</dd>")
    if figures and ok:
        parts.append("<dl>" + "".join(figures[:MAX_CARD_FIGURES]) + "</dl>")
    params = sc.get("parameters") or {}
    if params:
        items = "; ".join(f'<span class="pk">{esc(k)}</span> = {esc(_param_text(params[k]))}' for k in sorted(params))
        parts.append(f'<p class="params">Parameters: {items}</p>')
    else:
        parts.append('<p class="note">Default parameters.</p>')
    if href and ok:
        parts.append(f'<a class="open" href="{href}">Open the report</a>')
    elif href:
        parts.append(f'<p class="note">The previous successful version, if any, is kept as {esc(sc.get("html"))}.</p>')
    parts.append("</article>")
    return "".join(parts)


def _footer(sidecars: list[dict]) -> str:
    versions = sorted({str(sc["version"]) for sc in sidecars if sc.get("version")})
    commits = sorted({str(sc["commit"]) for sc in sidecars if sc.get("commit")})
    bits = []
    if versions:
        bits.append("tokenecon " + ", ".join(esc(v) for v in versions))
    if commits:
        bits.append("commit " + ", ".join(esc(c) for c in commits))
    ok = sum(_ok(sc) for sc in sidecars)
    bits.append(f"{ok} of {len(sidecars)} reports built successfully")
    return (
        "<footer><p>" + "; ".join(bits) + ".</p><p>This page and every report are self-contained files: "
        "they open offline and load nothing from the network. Rebuild with <kbd>make reports</kbd>.</p></footer>"
    )


# --------------------------------------------------------------------------- page

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
    body = [f"<header><h1>{esc(PAGE_TITLE)}</h1><p class=\"lead\">{esc(INTRO)}</p></header>"]
    tiles = _headlines(sidecars)
    body.append('<section id="headline-findings"><h2>Headline findings</h2>')
    if tiles:
        body.append('<div class="tiles">' + "".join(tiles) + "</div>")
    else:
        body.append('<p class="note">No report has recorded a headline figure yet.</p>')
    body.append("</section>")
    body.append(_verdict_section(sidecars))
    body.append('<section id="reports"><h2>Reports</h2>')
    if sidecars:
        body.append('<div class="cards">' + "".join(_card(sc) for sc in sidecars) + "</div>")
    else:
        body.append('<p class="note">No reports have been built yet. Run <kbd>make reports</kbd>.</p>')
    body.append("</section>")
    body.append(_footer(sidecars))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{esc(PAGE_TITLE)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
