"""Shared fixtures. ``run_report`` executes one notebook through the real runner into a temp folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tokenecon import paths

HAVE_RAW = paths.raw_dir().is_dir()


@pytest.fixture(scope="session")
def reports_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="session")
def run_report(reports_dir):
    """``run_report(name, parameters=None) -> Path`` of the HTML; fails the test with the notebook's error.

    Builds are cached per (name, parameters) for the session; each distinct call gets its own folder.
    """
    from tokenecon.report import runner as report

    cache: dict[str, Path] = {}

    def _run(name: str, parameters: dict | None = None) -> Path:
        key = name + json.dumps(parameters or {}, sort_keys=True)
        if key not in cache:
            out = reports_dir / f"{name}-{len(cache)}"
            results = report.run([name], parameters=parameters, out_dir=out, jobs=1, force=True, log=lambda *_: None)
            res = results[0]
            if res.status != "ok":
                pytest.fail(f"notebook {name} failed: {res.error}")
            _no_stray_values(out / "_executed" / f"{name}.ipynb")
            cache[key] = res.html
        return cache[key]

    return _run


def _no_stray_values(executed: Path) -> None:
    """A cell ending in a bare expression echoes its repr (``np.float64(...)``, ``False``) into the report."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"], start=1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "execute_result" and set(out.get("data", {})) == {"text/plain"}:
                text = "".join(out["data"]["text/plain"])[:80]
                pytest.fail(f"{executed.name}: cell {i} prints a stray value into the report: {text!r}")


def pytest_collection_modifyitems(config, items):
    # Tests that read the raw mirror skip when it is absent (it is present in CI).
    for item in items:
        if "needs_raw" in item.keywords and not HAVE_RAW:
            item.add_marker(pytest.mark.skip(reason=f"raw mirror not found at {paths.raw_dir()}"))
