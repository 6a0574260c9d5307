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
def default_reports(reports_dir) -> Path:
    """Every notebook at its defaults, built once for the session into one folder (with the index), two at a
    time: the notebook tests, the consistency test and the browser test all read this one build."""
    from tokenecon.report import runner as report

    out = reports_dir / "defaults"
    results = report.run(out_dir=out, jobs=2, force=True, log=lambda *_: None)
    failed = [f"{r.name}: {r.error}" for r in results if r.status == "failed"]
    if failed:
        pytest.fail("reports failed to build:\n" + "\n".join(failed))
    for r in results:
        _no_stray_values(out / "_executed" / f"{r.name}.ipynb")
    return out


@pytest.fixture(scope="session")
def run_report(reports_dir, request):
    """``run_report(name, parameters=None) -> Path`` of the HTML; fails the test with the notebook's error.

    At the defaults it is the session's one build of every report (:func:`default_reports`); other parameters
    are built on their own, cached per (name, parameters), each in its own folder.
    """
    from tokenecon.report import runner as report

    cache: dict[str, Path] = {}

    def _run(name: str, parameters: dict | None = None) -> Path:
        key = name + json.dumps(parameters or {}, sort_keys=True)
        if not parameters:
            return request.getfixturevalue("default_reports") / f"{name}.html"
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
    """A cell ending in a bare expression echoes its value into the report: a repr (``np.float64(...)``,
    ``False``), a DataFrame shown a second time with its index, or a figure drawn twice."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"], start=1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "execute_result":
                text = "".join(out.get("data", {}).get("text/plain", ""))[:80]
                pytest.fail(f"{executed.name}: cell {i} echoes its last value into the report: {text!r}")


def _uses_default_build(item) -> bool:
    """Whether a test reads the session's one build of every report (``run_report(name)`` without parameters,
    ``default_reports`` or the browser test's ``built_reports``): those run on one worker, the rest anywhere."""
    import inspect
    import re

    names = set(getattr(item, "fixturenames", ()))
    if names & {"default_reports", "built_reports"}:
        return True
    if "run_report" not in names:
        return False
    try:
        src = inspect.getsource(item.function)
    except (OSError, TypeError):
        return True
    return bool(re.search(r"run_report\((\"[a-z_]+\"|name)\)", src))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook, which reads the groups into the test ids
def pytest_collection_modifyitems(config, items):
    # Tests that read the raw mirror skip when it is absent (it is present in CI). Tests of the reports at their
    # defaults share one session build, so under pytest-xdist (`make test` runs two workers) they go to one worker.
    for item in items:
        if _uses_default_build(item):
            item.add_marker(pytest.mark.xdist_group("reports"))
        if "needs_raw" in item.keywords and not HAVE_RAW:
            item.add_marker(pytest.mark.skip(reason=f"raw mirror not found at {paths.raw_dir()}"))


def _check_groups_took(config, items) -> None:
    """Under ``--dist loadgroup`` pytest-xdist puts a test's group into its id (``...@reports``); with a pytest
    whose ids it cannot change (pytest 9 with pytest-xdist 3.8) the groups are silently ignored and every worker
    builds every report. Refuse that instead of running twice as long."""
    if getattr(config.option, "loadgroup", False):
        lost = [i.nodeid for i in items if i.get_closest_marker("xdist_group") and "@" not in i.nodeid]
        if lost:
            raise pytest.UsageError(f"pytest-xdist did not group {len(lost)} tests (e.g. {lost[0]}): this pytest "
                                    "version and pytest-xdist disagree on test ids; install the versions in constraints.txt")


class _GroupCheck:
    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        _check_groups_took(config, items)


def pytest_configure(config):
    config.pluginmanager.register(_GroupCheck(), "tokenecon-group-check")
