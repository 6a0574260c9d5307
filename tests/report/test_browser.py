"""The built reports in a real browser: headless Chromium, file:// URLs, network off.

For the index and every report: no console error or uncaught exception, no failed request, no request
leaving file:/data:, every image decoded with a non-zero size, the expected headings present; the index
does not overflow a phone-width screen. Screenshots of the index go to ``reports/index.png`` (desktop)
and ``reports/index-phone.png``.

How Chromium is driven: with no extra Python package. Chromium starts headless with
``--remote-debugging-port=0`` and writes the port it chose to ``DevToolsActivePort`` in its profile
folder; the test speaks the DevTools protocol (JSON over a WebSocket) through the minimal client
below (RFC 6455 handshake, masked client frames, fragmented and 64-bit-length server frames, ping).
That gives what ``--dump-dom``/``--screenshot`` cannot: console messages, exceptions, every network
request and its failure, and in-page checks (``img.decode()``, headings, layout width). The network is
off twice: the browser resolves no host name (``--host-resolver-rules``) and each page runs under
``Network.emulateNetworkConditions(offline=True)``.

Reports come from ``$TOKENECON_REPORTS_DIR`` when set (an existing build, e.g. ``reports/``), else
from a fresh build of every notebook into a temporary folder through ``tokenecon.report.runner.run``.
Without Chromium the test skips, unless ``CI=true``, where it fails.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tokenecon import paths

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium")
INDEX_HEADINGS = ("Token exports, checked against data", "Headline findings", "The article, claim by claim", "Reports")
PHONE_WIDTH = 390


def find_chromium() -> str | None:
    for c in CHROMIUM_CANDIDATES:
        p = shutil.which(c)
        if p:
            return p
    return None


# --------------------------------------------------------------------------- minimal WebSocket + DevTools client


class WebSocket:
    """Just enough of RFC 6455 for the DevTools protocol: text messages over one TCP connection."""

    def __init__(self, host: str, port: int, path: str, timeout: float = 30.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.rfile = self.sock.makefile("rb")
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
        )
        status = self.rfile.readline()
        if b" 101 " not in status:
            raise ConnectionError(f"WebSocket handshake refused: {status!r}")
        while self.rfile.readline() not in (b"\r\n", b""):
            pass

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def send(self, text: str) -> None:
        self._send_frame(0x1, text.encode("utf-8"))

    def _read_exact(self, n: int) -> bytes:
        data = self.rfile.read(n)
        if len(data) != n:
            raise ConnectionError("WebSocket closed by the browser")
        return data

    def recv(self) -> str:
        parts: list[bytes] = []
        while True:
            b0, b1 = self._read_exact(2)
            fin, opcode, n = b0 & 0x80, b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read_exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read_exact(8))[0]
            mask = self._read_exact(4) if b1 & 0x80 else None
            payload = self._read_exact(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise ConnectionError("WebSocket closed by the browser")
            if opcode == 0x9:  # ping -> pong
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            parts.append(payload)
            if fin:
                return b"".join(parts).decode("utf-8")

    def close(self) -> None:
        try:
            self._send_frame(0x8, b"")
        except OSError:
            pass
        self.rfile.close()
        self.sock.close()


class DevTools:
    """DevTools protocol over one browser-level WebSocket, with flattened sessions for pages."""

    def __init__(self, ws: WebSocket):
        self.ws = ws
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60.0) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)
        raise TimeoutError(f"{method}: no reply in {timeout} s")

    def wait_for(self, method: str, session: str, timeout: float = 60.0) -> dict:
        for i, ev in enumerate(self.events):
            if ev["method"] == method and ev.get("sessionId") == session:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ev = json.loads(self.ws.recv())
            if ev.get("method") == method and ev.get("sessionId") == session:
                return ev
            if "method" in ev:
                self.events.append(ev)
        raise TimeoutError(f"no {method} within {timeout} s")


@pytest.fixture(scope="module")
def browser():
    exe = find_chromium()
    if exe is None:
        msg = "Chromium not found (Debian package `chromium`); install it to run the browser test"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg + " (CI=true: the CI script should have installed it)")
        pytest.skip(msg)
    profile = Path(tempfile.mkdtemp(prefix="tokenecon-chromium-"))
    log = open(profile / "chromium.log", "wb")
    proc = subprocess.Popen(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--no-first-run", "--no-default-browser-check", "--mute-audio",
         "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", "--remote-debugging-port=0",
         "about:blank"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    ws = None
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = (profile / "chromium.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"Chromium did not start (exit code {proc.poll()}):\n{tail}")
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        ws = WebSocket("127.0.0.1", int(port), path)
        yield DevTools(ws)
    finally:
        if ws is not None:
            ws.close()
        try:
            os.killpg(proc.pid, 15)  # our own Chromium and its children (new session started above)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)
        log.close()
        shutil.rmtree(profile, ignore_errors=True)


PAGE_PROBE = """
(async () => {
  const imgs = Array.from(document.images);
  const decoded = await Promise.all(imgs.map(i => i.decode().then(() => null, e => String(e))));
  return JSON.stringify({
    title: document.title,
    headings: Array.from(document.querySelectorAll('h1,h2,h3')).map(h => h.textContent.replace(/\\u00b6/g, '').trim()),
    ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
    images: imgs.map((i, k) => ({src: i.src.slice(0, 40), w: i.naturalWidth, h: i.naturalHeight,
                                 complete: i.complete, error: decoded[k]})),
    scripts: Array.from(document.scripts).map(s => s.src).filter(s => s),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  });
})()
"""


def open_page(dt: DevTools, url: str, width: int = 1200, height: int = 900) -> tuple[dict, list[str], str]:
    """Load ``url`` offline in a fresh tab; return (probe result, problems, session id)."""
    target = dt.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = dt.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        dt.call(f"{domain}.enable", session=session)
    dt.call("Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}, session=session)
    dt.call("Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}, session=session)
    dt.events.clear()
    dt.call("Page.navigate", {"url": url}, session=session)
    dt.wait_for("Page.loadEventFired", session)
    probe = json.loads(dt.call("Runtime.evaluate", {"expression": PAGE_PROBE, "awaitPromise": True,
                                                    "returnByValue": True}, session=session)["result"]["value"])
    problems = []
    for ev in dt.events:
        if ev.get("sessionId") != session:
            continue
        m, p = ev["method"], ev.get("params", {})
        if m == "Runtime.exceptionThrown":
            problems.append(f"uncaught exception: {p['exceptionDetails'].get('text')} "
                            f"{p['exceptionDetails'].get('exception', {}).get('description', '')}")
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            problems.append("console error: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            problems.append(f"browser log error: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        elif m == "Network.loadingFailed":
            problems.append(f"failed request: {p.get('errorText')} ({p.get('type')})")
        elif m == "Network.requestWillBeSent":
            req = p["request"]["url"]
            if not req.startswith(("file:", "data:", "about:", "blob:")):
                problems.append(f"request to the network: {req[:120]}")
    for img in probe["images"]:
        if img["error"] or not img["complete"] or img["w"] <= 0 or img["h"] <= 0:
            problems.append(f"image not decoded or empty: {img}")
    for s in probe["scripts"]:
        if not s.startswith(("file:", "data:")):
            problems.append(f"script from the network: {s}")
    return probe, problems, session


def close_page(dt: DevTools, session: str) -> None:
    dt.call("Page.close", session=session)


def screenshot(dt: DevTools, session: str, out: Path) -> Path:
    m = dt.call("Page.getLayoutMetrics", session=session)
    size = m.get("cssContentSize") or m["contentSize"]
    shot = dt.call("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 12000), "scale": 1},
    }, session=session)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base64.b64decode(shot["data"]))
    return out


# --------------------------------------------------------------------------- the reports


@pytest.fixture(scope="module")
def built_reports(tmp_path_factory) -> Path:
    given = os.environ.get("TOKENECON_REPORTS_DIR")
    if given:
        d = Path(given)
        if not (d / "index.html").exists():
            pytest.fail(f"TOKENECON_REPORTS_DIR={given}: no index.html there (run `make reports` first)")
        return d
    from tokenecon.report import runner as report

    out = tmp_path_factory.mktemp("browser-reports")
    results = report.run(out_dir=out, force=True, log=lambda *_: None)
    failed = [f"{r.name}: {r.error}" for r in results if r.status == "failed"]
    if failed:
        pytest.fail("reports failed to build:\n" + "\n".join(failed))
    return out


def _sidecars(d: Path) -> list[dict]:
    out = []
    for p in sorted(d.glob("*.json")):
        meta = json.loads(p.read_text(encoding="utf-8"))
        if isinstance(meta, dict) and "html" in meta and (d / meta["html"]).exists():
            out.append(meta)
    return out


def test_index_and_every_report_render_offline(browser, built_reports):
    d = built_reports
    sidecars = _sidecars(d)
    assert sidecars, f"no report sidecars in {d}"
    failures = []

    probe, problems, session = open_page(browser, (d / "index.html").resolve().as_uri())
    missing = [h for h in INDEX_HEADINGS if h not in probe["headings"]]
    titles = [sc["title"] for sc in sidecars]
    missing += [t for t in titles if t not in probe["headings"]]
    if missing:
        problems.append(f"headings missing: {missing}")
    screenshot(browser, session, paths.REPORTS_DIR / "index.png")
    close_page(browser, session)
    if problems:
        failures.append(("index.html", problems))

    # phone width: nothing wider than the screen
    probe, problems, session = open_page(browser, (d / "index.html").resolve().as_uri(), width=PHONE_WIDTH, height=800)
    if probe["scrollWidth"] > probe["innerWidth"] + 1:
        problems.append(f"page is {probe['scrollWidth']} px wide on a {probe['innerWidth']} px phone screen")
    screenshot(browser, session, paths.REPORTS_DIR / "index-phone.png")
    close_page(browser, session)
    if problems:
        failures.append(("index.html (phone)", problems))

    for sc in sidecars:
        probe, problems, session = open_page(browser, (d / sc["html"]).resolve().as_uri())
        close_page(browser, session)
        if sc["title"] not in probe["headings"]:
            problems.append(f"title heading {sc['title']!r} missing; headings: {probe['headings'][:8]}")
        if "About this report" not in " ".join(probe["headings"]):
            problems.append("no 'About this report' heading")
        if sc["name"] == "article_fact_check":
            from tokenecon.analysis.factcheck import SECTIONS

            lost = [a for a in SECTIONS if a not in probe["ids"]]
            if lost:
                problems.append(f"section anchors the verdict links point at are missing: {lost}")
        if problems:
            failures.append((sc["html"], problems))

    assert not failures, "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in failures)
    assert (paths.REPORTS_DIR / "index.png").stat().st_size > 10_000


def test_devtools_client_sees_a_broken_page(browser, tmp_path):
    """The checks can fail: a page with a console error, a missing image and a network script is caught."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><body><h1>Broken</h1><img src='missing.png'>"
        "<script src='https://cdn.example.com/x.js'></script><script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    probe, problems, session = open_page(browser, page.as_uri())
    close_page(browser, session)
    text = "\n".join(problems)
    assert "console error: boom" in text
    assert "image not decoded" in text
    assert "cdn.example.com" in text
    assert probe["headings"] == ["Broken"]
