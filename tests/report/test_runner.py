"""The report runner: parameter contract, failure path, skip-when-unchanged, byte-identical HTML."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tokenecon import paths
from tokenecon.report import runner as report
from tokenecon.report.runner import ReportError
from toy_notebooks import toy_notebook as _notebook  # tests/report/toy_notebooks.py

# A resource the browser would fetch: <script src>, <link href>, <img src>, CSS url() or @import over http(s).
EXTERNAL = re.compile(
    r"<(?:script|img|iframe|source|video|audio)[^>]+src=[\"']https?://|<link[^>]+href=[\"']https?://"
    r"|url\(\s*[\"']?https?://|@import\s+[\"']?(?:url\()?\s*[\"']?https?://",
    re.I,
)


@pytest.fixture
def toy_dir(tmp_path) -> Path:
    d = tmp_path / "notebooks"
    d.mkdir()
    _notebook(
        d / "toy.ipynb",
        "n: int = 3  # how many squares\nlabel: str = 'sq'  # a label\nfail: bool = False  # raise on purpose",
        "from tokenecon.report import notebook as reporting\n"
        "if fail:\n    raise RuntimeError('asked to fail')\n"
        "reporting.takeaway(f'{label}: the sum of the first {n} squares is {sum(i * i for i in range(1, n + 1))}')",
    )
    _notebook(d / "other.ipynb", "k: float = 1.5  # a factor", "print(k * 2)", title="Other report")
    return d


# ------------------------------------------------------------------ contract (nothing executes)

def test_parameters_are_parsed_with_types_defaults_and_help(toy_dir):
    params = report.parse_parameters(toy_dir / "toy.ipynb")
    assert [(p.name, p.type, p.default, p.help) for p in params.values()] == [
        ("n", "int", 3, "how many squares"), ("label", "str", "sq", "a label"), ("fail", "bool", False, "raise on purpose"),
    ]


def test_cli_values_are_typed_by_the_declaration(toy_dir):
    jobs = report.plan(["toy"], {"n": "5", "fail": "false"}, notebooks_dir=toy_dir)
    assert jobs[0].parameters == {"n": 5, "label": "sq", "fail": False}
    jobs = report.plan(["other"], {"k": "2"}, notebooks_dir=toy_dir)
    assert jobs[0].parameters == {"k": 2.0} and isinstance(jobs[0].parameters["k"], float)


@pytest.mark.parametrize(
    "names, params, scenario, message",
    [
        (["nope"], None, None, "unknown notebook 'nope'; known notebooks: other, toy"),
        (["toy"], {"m": "1"}, None, "notebook 'toy' has no parameter 'm'; its parameters: n, label, fail"),
        (["toy"], {"n": "three"}, None, "parameter 'n' of notebook 'toy' expects int, got 'three'"),
        (["toy"], {"fail": "maybe"}, None, "parameter 'fail' of notebook 'toy' expects bool, got 'maybe'"),
        (None, {"zzz": "1"}, None, "no notebook declares parameter 'zzz'"),
        (None, None, {"toy": {"n": "x"}}, "parameter 'n' of notebook 'toy' expects int, got 'x'"),
        (None, None, {"ghost": {}}, "scenario names unknown notebook 'ghost'"),
    ],
)
def test_bad_requests_are_refused_before_anything_runs(toy_dir, names, params, scenario, message):
    with pytest.raises(ReportError) as err:
        report.plan(names, params, scenario, notebooks_dir=toy_dir)
    assert message in str(err.value)


def test_parameter_without_names_applies_to_the_notebooks_declaring_it(toy_dir):
    jobs = {j.notebook.name: j for j in report.plan(None, {"k": "4"}, notebooks_dir=toy_dir)}
    assert jobs["other"].parameters == {"k": 4.0} and "k" not in jobs["toy"].parameters


def test_cli_refuses_unknown_notebook_with_exit_code_2():
    out = subprocess.run([sys.executable, "-m", "tokenecon.cli", "reports", "no_such_report"],
                         capture_output=True, text=True, cwd=paths.PROJ_ROOT)
    assert out.returncode == 2 and "unknown notebook 'no_such_report'" in out.stderr


# ------------------------------------------------------------------ committed notebooks

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebooks_carry_no_outputs_and_declare_parameters(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None, f"{path.name} has outputs"
    assert nb["cells"][0]["cell_type"] == "markdown" and "".join(nb["cells"][0]["source"]).startswith("# ")
    report.parse_parameters(path)  # raises on an ill-formed parameters cell
    assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"]), path.name


# ------------------------------------------------------------------ execution

@pytest.mark.slow
def test_failure_keeps_previous_html_and_names_the_cell(toy_dir, tmp_path):
    out = tmp_path / "reports"
    ok = report.run(["toy"], out_dir=out, notebooks_dir=toy_dir, jobs=1, log=lambda *_: None)
    assert ok[0].status == "ok"
    before = (out / "toy.html").read_bytes()
    assert b"the sum of the first 3 squares is 14" in before  # 1 + 4 + 9
    bad = report.run(["toy"], {"fail": "true"}, out_dir=out, notebooks_dir=toy_dir, jobs=1, log=lambda *_: None)
    assert bad[0].status == "failed"
    assert "cell 3" in bad[0].error and "RuntimeError: asked to fail" in bad[0].error
    assert (out / "toy.html").read_bytes() == before
    assert (out / "_failed" / "toy.ipynb").exists()
    index = (out / "index.html").read_text()
    assert "failed" in index.lower() and "asked to fail" in index


@pytest.mark.slow
def test_unchanged_inputs_are_skipped_and_changes_rebuild(toy_dir, tmp_path):
    out = tmp_path / "reports"
    first = report.run(None, out_dir=out, notebooks_dir=toy_dir, jobs=2, log=lambda *_: None)
    assert [r.status for r in first] == ["ok", "ok"]  # two notebooks at once, each in its own kernel
    again = report.run(None, out_dir=out, notebooks_dir=toy_dir, jobs=2, log=lambda *_: None)
    assert [r.status for r in again] == ["skipped", "skipped"]
    changed = report.run(["toy"], {"n": "4"}, out_dir=out, notebooks_dir=toy_dir, jobs=1, log=lambda *_: None)
    assert changed[0].status == "ok" and b"is 30" in (out / "toy.html").read_bytes()  # 1+4+9+16
    side = json.loads((out / "toy.json").read_text())
    assert side["parameters"] == {"n": 4, "label": "sq", "fail": False}
    assert side["summary"] == "sq: the sum of the first 4 squares is 30"
    index = (out / "index.html").read_text()
    assert "toy.html" in index and "other.html" in index


@pytest.mark.slow
def test_catalogue_report_end_to_end_is_self_contained_and_reproducible(tmp_path, default_reports):
    """Built on its own, the catalogue is byte-identical to the session's build of every report (a second build,
    in another folder, alongside other notebooks)."""
    a = report.run(["data_catalog"], out_dir=tmp_path / "a", jobs=1, force=True, log=lambda *_: None)[0]
    assert a.status == "ok", a.error
    html = a.html.read_text(encoding="utf-8")
    for heading in ("Data catalogue", "Coverage", "Tables, one by one", "About this report"):
        assert f">{heading}<" in html or f">{heading}<a" in html, heading
    assert not EXTERNAL.findall(html), EXTERNAL.findall(html)[:3]
    assert "data:image/svg+xml;base64," in html and 'alt="Chart: ' in html
    assert re.search(r'<img alt="Chart: Time coverage of the dated tables\. Takeaway: [^"]+"', html)  # screen readers
    side = json.loads((tmp_path / "a" / "data_catalog.json").read_text())
    for name, sha in side["tables"].items():  # every table read is listed with its checksum
        assert sha[:12] in html and f"data/{name}.csv" in html
    assert a.html.read_bytes() == (default_reports / "data_catalog.html").read_bytes(), "two builds from the same inputs differ"


def test_the_runner_can_be_called_from_inside_a_running_event_loop():
    """JupyterLab and browser-automation libraries run an event loop in the caller's thread."""
    import asyncio

    async def inside():
        return report._run_coroutine(asyncio.sleep(0, result="done"))

    assert asyncio.run(inside()) == "done"
    assert report._run_coroutine(asyncio.sleep(0, result=7)) == 7


def test_build_order_is_longest_first_and_never_built_largest_first():
    from types import SimpleNamespace as NS

    jobs = [NS(notebook=report.discover()[n]) for n in ("data_catalog", "token_cost", "tracker", "token_share")]
    order = [j.notebook.name for j in report.longest_first(jobs, {"tracker": 5.0, "data_catalog": 9.0})]
    # never built (token_cost, token_share: by notebook size), then by the last build's time
    assert order == ["token_cost", "token_share", "data_catalog", "tracker"]
