"""Fault injection for the report runner: interruption, bad parameters, a hostile output folder.

Every refusal must be one line naming the culprit (parameter, file, folder), come before anything runs,
and leave earlier outputs byte-identical. Toy notebooks stand in for the real ones where the check is
about the runner; the parameter checks use the real notebooks' declarations (nothing executes).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tokenecon import paths
from tokenecon.cli import main as cli_main
from tokenecon.report import params
from tokenecon.report import runner as report
from tokenecon.report.runner import ReportError
from toy_notebooks import toy_notebook as _notebook  # tests/report/toy_notebooks.py


SLEEPER = (
    "wait: float = 0.0  # seconds to sleep\nmarker: str = ''  # folder where the notebook says it started",
    "import pathlib, time\nfrom tokenecon.report import notebook as reporting\n"
    "if marker:\n    (pathlib.Path(marker) / 'NAME').write_text('started')\n"
    "time.sleep(wait)\nreporting.takeaway('slept ' + str(wait) + ' s')",
)


@pytest.fixture
def toy_dir(tmp_path) -> Path:
    d = tmp_path / "notebooks"
    d.mkdir()
    for name in ("alpha", "beta", "gamma", "delta"):
        _notebook(d / f"{name}.ipynb", SLEEPER[0], SLEEPER[1].replace("NAME", name), title=f"Toy {name}")
    return d


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def earlier(tmp_path) -> Path:
    """An output folder holding a previous build (stand-in bytes: the runner must not touch them)."""
    out = tmp_path / "reports"
    (out / "_executed").mkdir(parents=True)
    for name in ("article_fact_check", "token_cost", "alpha"):
        (out / f"{name}.html").write_bytes(f"<html>{name}: last good build</html>".encode())
        (out / f"{name}.json").write_text(json.dumps({"name": name, "html": f"{name}.html", "status": "ok"}))
        (out / "_executed" / f"{name}.ipynb").write_text("{}")
    (out / "index.html").write_bytes(b"<html>index of the last good build</html>")
    return out


# ------------------------------------------------------------------ parameters (nothing executes)

NOTEBOOKS = report.discover()


def test_every_parameter_of_every_notebook_has_a_validator():
    for nb in NOTEBOOKS.values():
        missing = sorted(set(nb.parameters) - set(params.SPECS.get(nb.name, {})))
        assert not missing, f"{nb.name}: parameters without a validator in tokenecon.report.params.SPECS: {missing}"
        defaults = {k: p.default for k, p in nb.parameters.items()}
        assert params.problems(nb.name, defaults) == [], nb.name  # the defaults themselves are accepted


def _wrong_value(p: report.Parameter):
    """A value of the declared type that no parameter of this project accepts."""
    return {
        "int": "-1000000000",
        "float": "-1e9",
        "str": "no-such-value-99",
        "bool": "maybe",
        "list": '["no-such-value-99"]',
        "dict": '{"no-such-key-99": 1}',
    }[p.type]


CASES = [(nb.name, p) for nb in NOTEBOOKS.values() for p in nb.parameters.values()]


@pytest.mark.parametrize("name, param", CASES, ids=[f"{n}-{p.name}" for n, p in CASES])
def test_a_wrong_value_of_any_parameter_is_refused_naming_it(name, param, earlier, monkeypatch):
    before = _snapshot(earlier)
    started = []
    monkeypatch.setattr(report, "_execute_async", lambda *a, **k: started.append(a))  # must never be reached
    with pytest.raises(ReportError) as err:
        report.run([name], {param.name: _wrong_value(param)}, out_dir=earlier, jobs=1, log=lambda *_: None)
    msg = str(err.value)
    assert f"parameter {param.name!r} of notebook {name!r}" in msg, msg
    assert "\n" not in msg and "np.float64" not in msg and "Traceback" not in msg
    assert not started
    assert _snapshot(earlier) == before


@pytest.mark.parametrize(
    "key, value, words",
    [("model", "gpt-99", "unknown name 'gpt-99'"), ("country", "XX", "unknown country or region 'XX'"),
     ("btc_year", "1990", "1990"), ("draws", str(10**8), "[1, 1000000]"), ("tolerance", "1e999", "inf"),
     ("large_dc_gpus", str(10**400), "too large")],
)
def test_fact_check_refuses_bad_parameters_on_the_command_line(key, value, words, earlier, capsys):
    before = _snapshot(earlier)
    rc = cli_main(["reports", "article_fact_check", "-p", key, value, "--out", str(earlier)])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.count("\n") == 0, err
    assert f"parameter {key!r} of notebook 'article_fact_check'" in err and words in err, err
    assert _snapshot(earlier) == before  # last good HTML and the index untouched


def test_validation_in_the_notebook_itself_refuses_the_same_values():
    with pytest.raises(params.ParameterError, match=r"parameter 'model' of notebook 'token_cost': unknown name 'gpt-99'"):
        params.validate("token_cost", {"model": "gpt-99", "hardware": "H100", "unrelated_global": object()})
    params.validate("token_cost", {"model": "deepseek-v3", "life_years": -1.0})  # -1: the table's default
    with pytest.raises(params.ParameterError, match="life_years.*got 1e-300"):
        params.validate("token_cost", {"life_years": 1e-300})


def test_numbers_are_checked_without_overflow_and_without_numpy_reprs():
    import numpy as np

    check = params.number(1, 10)
    assert check(np.float64(5.0)) is None
    assert check(np.float64(50.0)) == "expected a number in [1, 10], got 50.0"
    assert "too large" in check(10**400)
    assert check(float("nan")) == "expected a number in [1, 10], got nan"
    assert report.scrub("expected >= 1, got np.float64(0.5) and np.int64(3)") == "expected >= 1, got 0.5 and 3"
    # an embedded image or CSV passes untouched (base64 can hold any letters, a path's among them); text around it
    # is scrubbed
    root = "/tmp/scrubTest0/"  # a temporary folder of the run, written only with base64's own letters
    uri = "data:text/csv;charset=utf-8;base64,QUJD" + root + "QUJD=="
    page = f'<a href="{uri}">csv</a> from {root}data/x.csv, np.float64(2.0)'
    assert report.scrub(page, (root,)) == f'<a href="{uri}">csv</a> from data/x.csv, 2.0'


# ------------------------------------------------------------------ scenario files and output folders

def test_scenario_file_faults_are_one_line_each(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("token_cost: {model: [unclosed\n")
    cases = {
        str(bad): "not valid YAML at line",
        str(tmp_path): "is a folder, expected a YAML file",
        str(tmp_path / "missing.yaml"): "does not exist",
    }
    lst = tmp_path / "list.yaml"
    lst.write_text("- token_cost\n")
    cases[str(lst)] = "expected a mapping of notebook name -> parameters, got a list"
    for path, words in cases.items():
        rc = cli_main(["reports", "-f", path, "--out", str(tmp_path / "out")])
        err = capsys.readouterr().err.strip()
        assert rc == 2 and words in err and path in err and "\n" not in err, err
    assert not (tmp_path / "out").exists()


def test_out_pointing_at_a_file_is_refused(tmp_path, capsys):
    f = tmp_path / "reports.html"
    f.write_text("not a folder")
    rc = cli_main(["reports", "data_catalog", "--force", "--out", str(f)])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and "is a file, expected a folder" in err and "\n" not in err, err
    assert f.read_text() == "not a folder"


def test_a_file_in_the_way_of_the_executed_folder_is_refused_before_running(toy_dir, earlier, monkeypatch):
    shutil.rmtree(earlier / "_executed")
    (earlier / "_executed").write_text("in the way")
    before = _snapshot(earlier)
    monkeypatch.setattr(report, "_execute_async", lambda *a, **k: pytest.fail("executed"))
    with pytest.raises(ReportError, match=r"_executed is a file, expected a folder"):
        report.run(["alpha"], out_dir=earlier, notebooks_dir=toy_dir, log=lambda *_: None)
    assert _snapshot(earlier) == before


def test_too_little_free_space_is_refused_before_running(toy_dir, earlier, monkeypatch):
    before = _snapshot(earlier)
    usage = shutil._ntuple_diskusage(total=10**6, used=10**6 - 10, free=10)
    monkeypatch.setattr(report.shutil, "disk_usage", lambda _path: usage)
    monkeypatch.setattr(report, "_execute_async", lambda *a, **k: pytest.fail("executed"))
    with pytest.raises(ReportError, match=r"not enough free space \(0\.0 MB free, about 0\.0 MB needed for 1 report\)"):
        report.run(["alpha"], out_dir=earlier, notebooks_dir=toy_dir, force=True, log=lambda *_: None)
    assert _snapshot(earlier) == before


@pytest.fixture
def small_mount(tmp_path):
    """A 256 kB tmpfs (root with mount rights only); yields a mounter ``(options) -> Path``."""
    mounted = []

    def mount(options: str = "") -> Path:
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs needs root (a full or read-only filesystem cannot be made otherwise)")
        d = tmp_path / f"mnt{len(mounted)}"
        d.mkdir()
        opts = "size=256k" + (f",{options}" if options else "")
        res = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(d)], capture_output=True, text=True)
        if res.returncode != 0:
            pytest.skip(f"this machine does not allow a tmpfs mount: {res.stderr.strip()}")
        mounted.append(d)
        return d

    yield mount
    for d in mounted:
        subprocess.run(["umount", "-l", str(d)], capture_output=True)


def test_read_only_output_folder_is_refused_before_running(toy_dir, small_mount, monkeypatch):
    ro = small_mount("ro")
    monkeypatch.setattr(report, "_execute_async", lambda *a, **k: pytest.fail("executed"))
    with pytest.raises(ReportError) as err:
        report.run(["alpha"], out_dir=ro, notebooks_dir=toy_dir, log=lambda *_: None)
    assert "is not writable" in str(err.value) and str(ro.name) in str(err.value)
    assert list(ro.iterdir()) == []


def test_a_full_filesystem_leaves_the_previous_files_and_no_temporary_file(small_mount):
    disk = small_mount()
    old = {disk / "r.html": b"old html", disk / "r.json": b"old json"}
    for p, data in old.items():
        p.write_bytes(data)
    with pytest.raises(OSError) as err:
        report._write_all({disk / "r.html": b"x" * 100_000, disk / "r.json": b"y" * 300_000})
    assert err.value.errno == errno.ENOSPC
    assert {p.name for p in disk.iterdir()} == {"r.html", "r.json"}  # no .r.html.<pid>.tmp left
    assert all(p.read_bytes() == data for p, data in old.items())
    assert report._os_error_text(err.value).startswith("could not write ")
    assert ".tmp" not in report._os_error_text(err.value)


# ------------------------------------------------------------------ the index follows the latest state

def _good_build(out: Path, toy_dir: Path, name: str = "alpha") -> None:
    """Write a sidecar/HTML pair that is up to date for ``name`` with its defaults (no kernel)."""
    job = report.plan([name], out_dir=out, notebooks_dir=toy_dir)[0]
    (out / "_executed").mkdir(parents=True, exist_ok=True)
    (out / f"{name}.html").write_text(f"<html>{name}</html>")
    (out / f"{name}.json").write_text(json.dumps({
        "name": name, "title": f"Toy {name}", "html": f"{name}.html", "summary": "slept 0.0 s", "parameters": job.parameters,
        "records": {}, "tables": {}, "status": "ok", "inputs_sha256": report.inputs_hash(job, {}),
    }))


def test_index_shows_a_failure_until_the_report_is_good_again_without_machine_paths(toy_dir, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    _good_build(out, toy_dir)
    (out / "_failed").mkdir()
    (out / "_failed" / "alpha.json").write_text(json.dumps({
        "name": "alpha", "error": f"cell 3, line 2 raised FileNotFoundError: {paths.PROJ_ROOT}/data/x.csv is missing"}))
    report.write_index(out)
    index = (out / "index.html").read_text()
    assert "data/x.csv is missing" in index and str(paths.PROJ_ROOT) not in index
    res = report.run(["alpha"], out_dir=out, notebooks_dir=toy_dir, log=lambda *_: None)  # now up to date
    assert [r.status for r in res] == ["skipped"]
    index = (out / "index.html").read_text()
    assert "x.csv" not in index and not (out / "_failed" / "alpha.json").exists()


def test_a_failing_cell_is_named_by_the_line_that_raised():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# T"),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}, execution_count=1),
        nbformat.v4.new_code_cell("# Parameters\nx = 2\n", metadata={"tags": ["injected-parameters"]}, execution_count=2),
        nbformat.v4.new_code_cell("import math\n\ny = math.sqrt(-x)\n", execution_count=3),
    ]
    nb.cells[3].outputs = [nbformat.v4.new_output(
        "error", ename="ValueError", evalue="math domain error",
        traceback=["\x1b[0;31mValueError\x1b[0m Traceback", "Cell \x1b[0;32mIn[3], line 3\x1b[0m\n----> 3 y = math.sqrt(-x)"],
    )]
    assert report._failure_message(nb, RuntimeError("x")) == "cell 3, line 3 (`y = math.sqrt(-x)`) raised ValueError: math domain error"


def test_about_states_the_rebuild_command_and_the_as_of_dates(toy_dir, tmp_path):
    job = report.plan(["alpha"], {"wait": "2.5"}, out_dir=tmp_path, notebooks_dir=toy_dir)[0]
    assert report.rebuild_command(job) == "tokenecon reports alpha -p wait 2.5"
    dated = next(n for n, c in report._date_columns().items() if c)
    col = report._date_columns()[dated]
    import csv

    with (paths.DATA_DIR / f"{dated}.csv").open(encoding="utf-8") as fh:
        latest = max(r[col] for r in csv.DictReader(fh) if r[col])
    text = report.about_markdown(job, {dated: "0" * 64}, "abc")
    assert f"`tokenecon reports alpha -p wait 2.5`" in text and f"{latest} (latest `{col}`)" in text


# ------------------------------------------------------------------ interruption (real kernels)

BUILD = """
import sys
from pathlib import Path
from tokenecon import paths
paths.NOTEBOOKS_DIR = Path(sys.argv[1])
from tokenecon.cli import main
sys.exit(main(["reports", "--out", sys.argv[2], "-j", "2"] + sys.argv[3:]))
"""


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmd and str(os.getpid()) != proc.name:
            found.append(f"{proc.name}: {cmd[:120]}")
    return found


def _same_build(a: Path, b: Path, name: str) -> bool:
    """Byte-identical pages, up to the git commit they state when other work was committed in between."""
    pa, pb = (a / f"{name}.html").read_bytes(), (b / f"{name}.html").read_bytes()
    if pa == pb:
        return True
    commits = {json.loads(p.read_text())["commit"] or "" for d in (a, b) for p in d.glob("*.json")} - {""}
    if len(commits) < 2:
        return False  # same commit everywhere: the pages must be identical
    import re

    def mask(page: bytes) -> bytes:  # the About cell states the commit, and its id hashes its text
        for c in sorted(commits, key=len, reverse=True):
            page = page.replace(c.encode(), b"COMMIT")
        return re.sub(rb'id="cell-id=c\d{3}-[0-9a-f]{8}"', b"ID", page)

    return mask(pa) == mask(pb)


@pytest.fixture(scope="module")
def toy_builds(tmp_path_factory):
    """Shared by both signals: the toy notebooks and a build of all four from scratch (the reference a resumed
    build must equal; its alpha is also the good earlier build an interrupted build must leave as it is)."""
    root = tmp_path_factory.mktemp("toy-builds")
    toys = root / "notebooks"
    toys.mkdir()
    for name in ("alpha", "beta", "gamma", "delta"):
        _notebook(toys / f"{name}.ipynb", SLEEPER[0], SLEEPER[1].replace("NAME", name), title=f"Toy {name}")
    script = root / "build.py"
    script.write_text(BUILD)
    env = {**os.environ, "TMPDIR": str(root)}
    r = subprocess.run([sys.executable, str(script), str(toys), str(root / "ref")], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and "KeyboardInterrupt caught in kernel" not in r.stderr, r.stderr
    return toys, script, root / "ref"


@pytest.mark.slow
@pytest.mark.xdist_group("toy-builds")  # one worker: both signals share the module's toy builds
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_build_cleanly_and_the_next_build_resumes(sig, toy_builds, tmp_path):
    toy_dir, script, ref = toy_builds
    tmp, marks, out = (tmp_path / d for d in ("tmp", "marks", "out"))
    for d in (tmp, marks, out / "_executed"):
        d.mkdir(parents=True)
    env = {**os.environ, "TMPDIR": str(tmp)}
    for f in ("alpha.html", "alpha.json", "_executed/alpha.ipynb"):  # a good earlier build of alpha
        shutil.copy2(ref / f, out / f)
    earlier_alpha = (out / "alpha.html").read_bytes()
    proc = subprocess.Popen(
        [sys.executable, str(script), str(toy_dir), str(out), "--force", "-p", "wait", "60", "-p", "marker", str(marks)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while len(list(marks.iterdir())) < 2:  # two kernels running their notebooks
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.1)
    t0 = time.monotonic()
    os.killpg(proc.pid, sig)
    stdout, stderr = proc.communicate(timeout=30)
    took = time.monotonic() - t0
    assert proc.returncode == 128 + sig, (stdout, stderr)
    assert took < 5, f"stopping took {took:.1f} s"
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert f"interrupted by {sig.name}: left unbuilt: alpha, beta, delta, gamma" in lines[0]
    assert "Traceback" not in stdout + stderr and "KeyboardInterrupt" not in stdout + stderr
    assert list(tmp.iterdir()) == [], "temporary files left behind"
    time.sleep(0.5)
    assert _processes_mentioning(str(tmp)) == [], "kernel processes left behind"
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)
    assert (out / "alpha.html").read_bytes() == earlier_alpha
    assert not (out / "beta.html").exists() and not list(out.rglob("*.tmp"))
    # the next build resumes: it builds what was left, byte-identical to a build from scratch
    again = subprocess.run([sys.executable, str(script), str(toy_dir), str(out)], env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "1 up to date" in again.stdout  # alpha was not rebuilt
    assert "KeyboardInterrupt caught in kernel" not in again.stderr
    for name in ("alpha", "beta", "gamma", "delta", "index"):
        assert _same_build(out, ref, name), name
    assert list(tmp.iterdir()) == []
