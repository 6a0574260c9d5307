"""The built reports in a real browser: Debian's Chromium driven by Playwright, file:// URLs, network off.

For the index and every report: no console error or uncaught exception, no failed request, no request
leaving file:/data:, every image decoded with a non-zero size, the expected headings present, nothing
wider than a 390 px phone screen, and every "Download the data (CSV)" link holds a CSV that parses and has
the columns the page promises — for a table, its header row (each page's first link saved through the
browser's own download, the others decoded from their data: URLs).
With ``$TOKENECON_SCREENSHOTS`` set to a folder, full-page screenshots of the index and of one report at
desktop and phone width (2x screen) are saved there (they take several seconds, so a plain run skips them).

Playwright drives the system Chromium (``executable_path``); it downloads no browser of its own. The
network is off three times: Chromium resolves no host name (``--host-resolver-rules``), each context is
``offline``, and any http(s) request is aborted and reported.

Reports come from ``$TOKENECON_REPORTS_DIR`` when set (an existing build, e.g. ``reports/``), else from a
fresh build of every notebook into a temporary folder through ``tokenecon.report.runner.run``. Without
Chromium or Playwright the test skips, unless ``CI=true``, where it fails.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--host-resolver-rules=MAP * ~NOTFOUND"]
INDEX_HEADINGS = ("Token exports, checked against data", "Headline findings", "The article, claim by claim", "Reports")
PHONE, DESKTOP = (390, 844), (1280, 900)
SCREENSHOT_REPORT = "token_share"
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")


def _unavailable(msg: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg + " (CI=true: .ci/run should have installed it)")
    pytest.skip(msg)


def find_chromium() -> str | None:
    for c in CHROMIUM_CANDIDATES:
        p = shutil.which(c)
        if p:
            return p
    return None


@pytest.fixture(scope="module")
def browser():
    exe = find_chromium()
    if exe is None:
        _unavailable("Chromium not found (Debian package `chromium`); install it to run the browser test")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python not installed (`pip install -e '.[dev]'`)")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:  # noqa: BLE001 - report why Chromium did not start, in one line
        pw.stop()
        pytest.fail(f"Chromium did not start through Playwright: {str(exc).splitlines()[0]}")
    try:
        yield b
    finally:
        b.close()
        pw.stop()


PAGE_PROBE = """
async () => {
  const imgs = Array.from(document.images);
  const decoded = await Promise.all(imgs.map(i => i.decode().then(() => null, e => String(e))));
  const tableHeader = (link) => {
    // a table shown by show_table: the scroll box right before the link's paragraph
    const box = link.closest('p') && link.closest('p').previousElementSibling;
    if (!box || !box.classList.contains('tokenecon-table')) return null;
    const rows = box.querySelectorAll('thead tr');
    if (!rows.length) return null;
    return Array.from(rows[rows.length - 1].querySelectorAll('th')).map(th => th.textContent.trim());
  };
  return {
    title: document.title,
    headings: Array.from(document.querySelectorAll('h1,h2,h3')).map(h => h.textContent.replace(/\\u00b6/g, '').trim()),
    ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
    images: imgs.map((i, k) => ({src: i.src.slice(0, 40), w: i.naturalWidth, h: i.naturalHeight,
                                 complete: i.complete, error: decoded[k]})),
    scripts: Array.from(document.scripts).map(s => s.src).filter(s => s),
    downloads: Array.from(document.querySelectorAll('a[download]')).map(a => ({
      name: a.getAttribute('download'), href: a.getAttribute('href'),
      columns: JSON.parse(a.dataset.columns || 'null'), ofTable: a.dataset.of === 'table', header: tableHeader(a)})),
    scrollWidth: document.documentElement.scrollWidth,
    // the screen's width (on a mobile viewport window.innerWidth grows with a page that overflows)
    innerWidth: document.documentElement.clientWidth,
    wide: Array.from(document.querySelectorAll('body *')).filter(e => {
      const r = e.getBoundingClientRect();
      return r.right > document.documentElement.clientWidth + 1 && getComputedStyle(e).position !== 'fixed'
             && !e.closest('.tokenecon-table, .scroll, .jp-RenderedHTMLCommon table, pre');
    }).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')),
  };
}
"""


class Page:
    """One page loaded offline in its own browser context, with everything that went wrong on the way."""

    def __init__(self, browser, url: str, size=DESKTOP, scale: float = 1):
        self.problems: list[str] = []
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]}, offline=True,
                                           device_scale_factor=scale, is_mobile=size[0] < 600,
                                           has_touch=size[0] < 600, accept_downloads=True)
        self.context.route(lambda u: not u.startswith(LOCAL_SCHEMES), self._refuse)
        self.page = self.context.new_page()
        p = self.page
        p.on("console", lambda m: m.type in ("error", "assert") and self.problems.append(f"console error: {m.text}"))
        p.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        p.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.failure} {r.url[:120]}"))
        p.on("request", lambda r: r.url.startswith(LOCAL_SCHEMES) or self.problems.append(
            f"request to the network: {r.url[:120]}"))
        p.goto(url, wait_until="load")
        self.probe = p.evaluate(PAGE_PROBE)
        for img in self.probe["images"]:
            if img["error"] or not img["complete"] or img["w"] <= 0 or img["h"] <= 0:
                self.problems.append(f"image not decoded or empty: {img}")
        for s in self.probe["scripts"]:
            if not s.startswith(("file:", "data:")):
                self.problems.append(f"script from the network: {s}")

    @staticmethod
    def _refuse(route):
        route.abort("internetdisconnected")

    def narrow(self, size=PHONE) -> None:
        """Lay the loaded page out again at ``size`` (same context, no reload) and probe it anew."""
        self.page.set_viewport_size({"width": size[0], "height": size[1]})
        self.probe = self.page.evaluate(PAGE_PROBE)

    def overflow(self) -> str | None:
        pr = self.probe
        if pr["scrollWidth"] > pr["innerWidth"] + 1:
            return (f"page is {pr['scrollWidth']} px wide on a {pr['innerWidth']} px screen "
                    f"(wider elements: {pr['wide']})")
        return None

    def check_downloads(self) -> tuple[int, list[str]]:
        """Every download link's CSV must parse with the promised columns. The page's first link is clicked and
        saved through the browser's own download; the others' embedded CSVs are decoded from the href the page
        carries (its data: URL, the bytes a download saves), milliseconds instead of a second per click."""
        problems = []
        for i, meta in enumerate(self.probe["downloads"]):
            where = f"download {meta['name']!r}"
            if not meta["href"].startswith("data:text/csv"):
                problems.append(f"{where}: not an embedded CSV ({meta['href'][:40]})")
                continue
            if i == 0:
                try:
                    with self.page.expect_download(timeout=15_000) as info:
                        self.page.locator("a[download]").nth(i).click()
                    dl = info.value
                except Exception as exc:  # noqa: BLE001  (named, so one bad link does not hide the others)
                    problems.append(f"{where}: clicking it saved nothing ({type(exc).__name__})")
                    continue
                if dl.suggested_filename != meta["name"]:
                    problems.append(f"{where}: saved as {dl.suggested_filename!r}")
                blob = Path(dl.path()).read_bytes()
            else:
                import urllib.request

                with urllib.request.urlopen(meta["href"]) as fh:  # the standard library's data: URL handler
                    blob = fh.read()
            problems += _csv_problems(where, blob, meta)
        return len(self.probe["downloads"]), problems

    def screenshot(self, out: Path) -> Path:
        out.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(out), full_page=True)
        return out

    def close(self):
        self.context.close()


def _csv_problems(where: str, blob: bytes, meta: dict) -> list[str]:
    """A saved CSV against the page's promise: it parses, has rows, and its header is the promised columns (for
    a table's own data, also the table's header row)."""
    import pandas as pd

    try:
        df = pd.read_csv(io.BytesIO(blob))
    except Exception as exc:  # noqa: BLE001
        return [f"{where}: not a parseable CSV ({exc})"]
    cols = [str(c) for c in df.columns]
    problems = []
    for expected in (meta["columns"], meta["header"] if meta["ofTable"] else meta["columns"]):
        if not expected or cols != [str(c) for c in expected]:
            problems.append(f"{where}: columns {cols} but the page promises {expected}")
            break
    if df.empty:
        problems.append(f"{where}: no rows")
    return problems


# --------------------------------------------------------------------------- the reports


@pytest.fixture(scope="module")
def built_reports(request) -> Path:
    given = os.environ.get("TOKENECON_REPORTS_DIR")
    if given:
        d = Path(given)
        if not (d / "index.html").exists():
            pytest.fail(f"TOKENECON_REPORTS_DIR={given}: no index.html there (run `make reports` first)")
        return d
    return request.getfixturevalue("default_reports")  # the session's one build of every report


def _sidecars(d: Path) -> list[dict]:
    out = []
    for p in sorted(d.glob("*.json")):
        meta = json.loads(p.read_text(encoding="utf-8"))
        if isinstance(meta, dict) and "html" in meta and (d / meta["html"]).exists() and meta.get("status", "ok") == "ok":
            out.append(meta)
    return out


def _shots_dir() -> Path | None:
    given = os.environ.get("TOKENECON_SCREENSHOTS")
    return Path(given) if given else None


def test_index_and_every_report_render_offline_on_desktop_and_phone(browser, built_reports):
    d = built_reports
    sidecars = _sidecars(d)
    assert sidecars, f"no report sidecars in {d}"
    shots = _shots_dir()
    failures = []
    index = (d / "index.html").resolve().as_uri()
    titles = [sc["title"] for sc in sidecars]

    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        pg = Page(browser, index, size, scale=2 if label == "phone" else 1)  # a phone screen is 2x
        problems = pg.problems
        heads = pg.probe["headings"]
        # a report's card heading is its title (followed by a "failed" badge when its last build failed)
        missing = [h for h in (*INDEX_HEADINGS, *titles) if not any(x == h or x.startswith(h + " ") for x in heads)]
        if missing:
            problems.append(f"headings missing: {missing}")
        if label == "phone" and pg.overflow():
            problems.append(pg.overflow())
        if shots:
            pg.screenshot(shots / f"index-{label}.png")
        pg.close()
        if problems:
            failures.append((f"index.html ({label})", problems))

    n_downloads = 0
    for sc in sidecars:
        url = (d / sc["html"]).resolve().as_uri()
        pg = Page(browser, url, DESKTOP)
        problems = pg.problems
        if sc["title"] not in pg.probe["headings"]:
            problems.append(f"title heading {sc['title']!r} missing; headings: {pg.probe['headings'][:8]}")
        for h in ("About this report", "How to cite"):
            if h not in " ".join(pg.probe["headings"]):
                problems.append(f"no {h!r} heading")
        if sc["name"] == "article_fact_check":
            from tokenecon.analysis.factcheck import SECTIONS

            lost = [a for a in SECTIONS if a not in pg.probe["ids"]]
            if lost:
                problems.append(f"section anchors the verdict links point at are missing: {lost}")
        n, bad = pg.check_downloads()
        n_downloads += n
        problems += bad
        if shots and sc["name"] == SCREENSHOT_REPORT:
            pg.screenshot(shots / f"{sc['name']}-desktop.png")
        # 390 px: the same page laid out again at phone width; the screenshot report also in an emulated phone
        # (touch, 2x screen), as the index is above
        pg.narrow(PHONE)
        if pg.overflow():
            problems.append("390 px: " + pg.overflow())
        pg.close()
        if sc["name"] == SCREENSHOT_REPORT:
            phone = Page(browser, url, PHONE, scale=2)
            if phone.overflow():
                problems.append("phone: " + phone.overflow())
            problems += [f"phone: {p}" for p in phone.problems]
            if shots:
                phone.screenshot(shots / f"{sc['name']}-phone.png")
            phone.close()
        if problems:
            failures.append((sc["html"], problems))

    assert not failures, "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in failures)
    assert n_downloads >= len(sidecars), f"only {n_downloads} download links in {len(sidecars)} reports"
    if shots:
        assert (shots / "index-desktop.png").stat().st_size > 10_000


def test_the_checks_catch_a_broken_page(browser, tmp_path):
    """The checks can fail: console error, missing image, network script, a too-wide page, a bad CSV link."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta name='viewport' content='width=device-width'></head><body><h1>Broken</h1>"
        "<img src='missing.png'><div style='width:900px'>wide</div>"
        "<p><a download='x.csv' data-columns='[\"a\", \"b\"]' href='data:text/csv;base64,YSxjCjEsMgo='>csv</a>"
        "<a download='y.csv' data-columns='[\"a\"]' href='data:text/csv;charset=utf-8,a%2Cz%0A1%2C2%0A'>csv</a></p>"
        "<script src='https://cdn.example.com/x.js'></script><script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    pg = Page(browser, page.as_uri(), PHONE)
    n, bad = pg.check_downloads()
    overflow = pg.overflow()
    pg.close()
    text = "\n".join(pg.problems)
    assert "console error: boom" in text
    assert "image not decoded" in text
    assert "cdn.example.com" in text
    assert pg.probe["headings"] == ["Broken"]
    assert overflow and "on a 390 px screen" in overflow
    assert n == 2 and bad == ["download 'x.csv': columns ['a', 'c'] but the page promises ['a', 'b']",  # clicked
                              "download 'y.csv': columns ['a', 'z'] but the page promises ['a']"]  
