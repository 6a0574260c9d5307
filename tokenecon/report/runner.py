"""The report runner: notebooks/*.ipynb → papermill → normalise → nbconvert → reports/<name>.html.

Everything runs in-process through the libraries' Python APIs (one process per worker, not one CLI
per step), in parallel over notebooks. Guarantees:

* parameters are checked against each notebook's ``parameters`` cell before anything runs
  (unknown notebook, unknown parameter or wrong type → :class:`ReportError`, nothing executed);
* a notebook whose inputs (notebook file, parameters, package code, data tables it read last time)
  are unchanged since its last good build is skipped (content-hash stamp in ``reports/<name>.json``);
* HTML is self-contained (no script, style or font from the network) and byte-reproducible
  (papermill/nbclient timing metadata dropped, deterministic cell ids, fixed SOURCE_DATE_EPOCH);
* each report ends with "About this report": parameters, package version and git commit, and the
  sha256 of every data table it read;
* a failing notebook leaves the previous HTML intact; its executed copy goes to ``reports/_failed/``.
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import hashlib
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tokenecon import __version__, paths

#: Fixed epoch for everything that stamps a date (matplotlib SVG metadata and friends).
SOURCE_DATE_EPOCH = "946684800"
PARAM_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict}
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
KERNEL_START_ERRORS = ("Kernel didn't respond", "Address already in use", "Kernel died before replying")


class ReportError(ValueError):
    """A report request that cannot be honoured (bad name, parameter or value); nothing has run."""


# --------------------------------------------------------------------------- notebook discovery

@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: object
    help: str


@dataclass(frozen=True)
class Notebook:
    name: str
    path: Path
    title: str
    parameters: dict  # name -> Parameter


def _read_nb_json(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except Exception as exc:
        raise ReportError(f"{path}: not a readable notebook: {exc}") from exc


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def parse_parameters(path: Path) -> dict[str, Parameter]:
    """Parse the cell tagged ``parameters``: one ``name: type = value  # help`` per line."""
    nb = _read_nb_json(path)
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    src = _source(cells[0])
    comments = {}
    for lineno, line in enumerate(src.splitlines(), start=1):
        if "#" in line:
            comments[lineno] = line.split("#", 1)[1].strip()
    try:
        tree = ast.parse(src)
    except SyntaxError as exc:
        raise ReportError(f"{path}: the parameters cell is not valid Python: {exc}") from exc
    out = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, ann = node.target.id, ast.unparse(node.annotation)
            value_node = node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, ann, value_node = node.targets[0].id, None, node.value
        else:
            raise ReportError(f"{path}: parameters cell line {node.lineno}: only `name: type = value` assignments allowed")
        try:
            default = ast.literal_eval(value_node) if value_node is not None else None
        except ValueError as exc:
            raise ReportError(f"{path}: parameter {name!r}: default must be a literal (no derived values)") from exc
        ann = ann or type(default).__name__
        if ann not in PARAM_TYPES:
            raise ReportError(f"{path}: parameter {name!r}: type {ann!r} not one of {sorted(PARAM_TYPES)}")
        out[name] = Parameter(name, ann, default, comments.get(node.lineno, ""))
    return out


def _title(nb: dict, fallback: str) -> str:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            m = re.search(r"^#\s+(.+)$", _source(cell), flags=re.M)
            if m:
                return m.group(1).strip()
    return fallback


def discover(notebooks_dir: Path | None = None) -> dict[str, Notebook]:
    nb_dir = Path(notebooks_dir or paths.NOTEBOOKS_DIR)
    found = {}
    for p in sorted(nb_dir.glob("*.ipynb")):
        found[p.stem] = Notebook(p.stem, p, _title(_read_nb_json(p), p.stem), parse_parameters(p))
    return found


# --------------------------------------------------------------------------- parameter checking

def coerce(notebook: str, param: Parameter, value):
    """Turn a CLI string or a YAML value into the parameter's declared type, or refuse clearly."""
    want = param.type
    bad = ReportError(f"parameter {param.name!r} of notebook {notebook!r} expects {want}, got {value!r}")
    if isinstance(value, str) and want != "str":
        text = value.strip()
        try:
            if want == "int":
                return int(text)
            if want == "float":
                return float(text)
            if want == "bool":
                low = text.lower()
                if low in ("true", "yes", "1"):
                    return True
                if low in ("false", "no", "0"):
                    return False
                raise bad
            import yaml

            value = yaml.safe_load(text)
        except (ValueError, TypeError) as exc:
            raise bad from exc
        except Exception as exc:  # yaml errors
            raise bad from exc
    if want == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if want == "int" and isinstance(value, bool):
        raise bad
    if not isinstance(value, PARAM_TYPES[want]):
        raise bad
    return value


@dataclass
class Job:
    notebook: Notebook
    parameters: dict  # fully resolved: defaults + overrides
    out_dir: Path
    with_code: bool


def plan(
    names: list[str] | None = None,
    parameters: dict | None = None,
    scenario: dict | None = None,
    out_dir: Path | None = None,
    with_code: bool = False,
    notebooks_dir: Path | None = None,
) -> list[Job]:
    """Resolve and check every request before anything runs.

    ``parameters`` (from ``-p``) apply to every named notebook, each of which must declare them; with
    no names they apply to the notebooks that declare them (at least one must). ``scenario`` maps
    notebook name → {parameter: value} (from a YAML file).
    """
    known = discover(notebooks_dir)
    if not known:
        raise ReportError(f"no notebooks found in {notebooks_dir or paths.NOTEBOOKS_DIR}")
    for n in names or []:
        if n not in known:
            raise ReportError(f"unknown notebook {n!r}; known notebooks: {', '.join(known)}")
    selected = list(dict.fromkeys(names)) if names else list(known)
    parameters = dict(parameters or {})
    scenario = dict(scenario or {})
    for n, vals in scenario.items():
        if n not in known:
            raise ReportError(f"scenario names unknown notebook {n!r}; known notebooks: {', '.join(known)}")
        if not isinstance(vals, dict):
            raise ReportError(f"scenario entry for {n!r} must map parameter names to values, got {vals!r}")
    for key in parameters:
        holders = [n for n in selected if key in known[n].parameters]
        if names:
            missing = [n for n in selected if key not in known[n].parameters]
            if missing:
                nb = known[missing[0]]
                raise ReportError(
                    f"notebook {nb.name!r} has no parameter {key!r}; its parameters: {', '.join(nb.parameters) or 'none'}"
                )
        elif not holders:
            raise ReportError(f"no notebook declares parameter {key!r}")
    jobs = []
    for n in selected:
        nb = known[n]
        resolved = {k: p.default for k, p in nb.parameters.items()}
        overrides = {k: v for k, v in parameters.items() if k in nb.parameters}
        for k, v in scenario.get(n, {}).items():
            if k not in nb.parameters:
                raise ReportError(
                    f"notebook {n!r} has no parameter {k!r} (scenario); its parameters: {', '.join(nb.parameters) or 'none'}"
                )
            overrides[k] = v
        for k, v in overrides.items():
            resolved[k] = coerce(n, nb.parameters[k], v)
        jobs.append(Job(nb, resolved, Path(out_dir or paths.REPORTS_DIR), with_code))
    return jobs


# --------------------------------------------------------------------------- stamps

def _code_hash() -> str:
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]
    for p in sorted(list(pkg.rglob("*.py")) + list(TEMPLATE_DIR.rglob("*.j2"))):
        h.update(str(p.relative_to(pkg)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _table_sha(name: str) -> str | None:
    p = paths.DATA_DIR / f"{name}.csv"
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None


def inputs_hash(job: Job, tables_read: dict | None, code_hash: str | None = None) -> str:
    h = hashlib.sha256()
    h.update(job.notebook.path.read_bytes())
    h.update(json.dumps(job.parameters, sort_keys=True).encode())
    h.update(b"code" if job.with_code else b"nocode")
    h.update((code_hash or _code_hash()).encode())
    for name in sorted(tables_read or {}):
        h.update(f"{name}={_table_sha(name)}".encode())
    return h.hexdigest()


def sidecar_path(out_dir: Path, name: str) -> Path:
    return Path(out_dir) / f"{name}.json"


def is_up_to_date(job: Job, code_hash: str | None = None) -> bool:
    side = sidecar_path(job.out_dir, job.notebook.name)
    html = Path(job.out_dir) / f"{job.notebook.name}.html"
    if not (side.exists() and html.exists()):
        return False
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return meta.get("status") == "ok" and meta.get("inputs_sha256") == inputs_hash(job, meta.get("tables"), code_hash)


# --------------------------------------------------------------------------- execution (in a worker)

@dataclass
class Result:
    name: str
    status: str  # "ok" | "failed" | "skipped"
    seconds: float = 0.0
    html: Path | None = None
    error: str | None = None
    sidecar: dict = field(default_factory=dict)


def git_commit() -> str | None:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=paths.PROJ_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=paths.PROJ_ROOT, capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return sha + ("+uncommitted changes" if dirty else "") if sha else None


def normalize(nb) -> None:
    """Drop run-dependent metadata and give cells stable ids, so two runs give identical bytes."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell.id = f"c{i:03d}-" + hashlib.sha1(f"{i}:{cell.source}".encode()).hexdigest()[:8]


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _fmt_value(v) -> str:
    return json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v


def about_markdown(job: Job, tables: dict, commit: str | None) -> str:
    nb = job.notebook
    rows = [
        f"| `{k}` | `{_fmt_value(v)}` | `{_fmt_value(nb.parameters[k].default)}` | {nb.parameters[k].help} |"
        for k, v in job.parameters.items()
    ]
    params = (
        "| parameter | value | default | meaning |\n|---|---|---|---|\n" + "\n".join(rows)
        if rows else "This report has no parameters."
    )
    trows = [f"| `{t}` | `{sha[:12]}` | `data/{t}.csv` |" for t, sha in sorted(tables.items())]
    tbl = (
        "| table | sha256 (short) | file |\n|---|---|---|\n" + "\n".join(trows)
        if trows else "This report read no data table."
    )
    commit_txt = f"git commit `{commit}`" if commit else "no git checkout"
    return (
        "## About this report\n\n"
        f"Built by tokenecon {__version__} ({commit_txt}) from `notebooks/{nb.name}.ipynb` with "
        "`tokenecon reports`. The same inputs give a byte-identical file. Provenance of every table "
        "(source, licence, derivation) is in `data/catalog.yaml` and the data catalogue report.\n\n"
        f"**Parameters**\n\n{params}\n\n**Data tables read**\n\n{tbl}\n"
    )


def _export_html(nb, title: str, with_code: bool) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="tokenecon",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=not with_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    nb.metadata["title"] = title
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return html


def _atomic_write(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)


def _failure_message(nb, exc) -> str:
    # Name the failing cell by its 1-based position in the source notebook (papermill's injected
    # parameter and error-banner cells are not counted) and by its first line.
    papermill_tags = {"injected-parameters", "papermill-error-cell-tag"}
    source_cells = [c for c in (nb.cells if nb is not None else []) if not papermill_tags & set(c.metadata.get("tags", []))]
    for i, cell in enumerate(source_cells, start=1):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                head = cell.source.strip().splitlines()[0][:80] if cell.source.strip() else ""
                return f"cell {i} (`{head}`) raised {out.get('ename')}: {out.get('evalue')}"
    return f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"


def _kernel_manager_class(socket_dir: Path):
    """A kernel manager that talks to its kernel over local IPC sockets in ``socket_dir``.

    Sockets in a folder of the run's own cannot collide the way kernels started together race for
    TCP ports ("Address already in use", papermill #511), and nothing listens on the network.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            return str(Path(socket_dir) / "kernel")

    return IPCKernelManager


def execute(job: Job, code_hash: str | None = None) -> Result:
    """Run one notebook and write its HTML, executed notebook and sidecar (in this process)."""
    import nbformat
    import papermill as pm

    name, out_dir = job.notebook.name, Path(job.out_dir)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"tokenecon-{name}-") as tmp:
        tmp = Path(tmp)
        env_before = {k: os.environ.get(k) for k in ("TOKENECON_READLOG", "TOKENECON_RECORDS", "SOURCE_DATE_EPOCH", "PYTHONHASHSEED")}
        os.environ.update(
            TOKENECON_READLOG=str(tmp / "reads.jsonl"),
            TOKENECON_RECORDS=str(tmp / "records.jsonl"),
            SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH,
            PYTHONHASHSEED="0",
        )
        executed = tmp / f"{name}.ipynb"
        try:
            for attempt in (1, 2):
                try:
                    pm.execute_notebook(
                        str(job.notebook.path), str(executed), parameters=job.parameters,
                        kernel_name="python3", cwd=str(paths.PROJ_ROOT), progress_bar=False,
                        start_timeout=60, execution_timeout=600, log_output=False,
                        kernel_manager_class=_kernel_manager_class(tmp),
                    )
                    break
                except Exception as exc:
                    retry = attempt == 1 and any(s in str(exc) for s in KERNEL_START_ERRORS)
                    if retry:
                        continue
                    nb = nbformat.read(executed, as_version=4) if executed.exists() else None
                    message = _failure_message(nb, exc)
                    if nb is not None:
                        failed = out_dir / "_failed" / f"{name}.ipynb"
                        failed.parent.mkdir(parents=True, exist_ok=True)
                        nbformat.write(nb, str(failed))
                    return Result(name, "failed", time.perf_counter() - t0, error=message)
        finally:
            for k, v in env_before.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        nb = nbformat.read(executed, as_version=4)
        tables = {r["table"]: r["sha256"] for r in _read_jsonl(tmp / "reads.jsonl")}
        records = {}
        for r in _read_jsonl(tmp / "records.jsonl"):
            records[r["key"]] = {k: v for k, v in r.items() if k != "key"}
    normalize(nb)
    commit = git_commit()
    nb.cells.append(nbformat.v4.new_markdown_cell(about_markdown(job, tables, commit)))
    normalize(nb)
    html = _export_html(nb, job.notebook.title, job.with_code)
    summary = records.get("takeaway", {}).get("value")
    sidecar = {
        "name": name,
        "title": job.notebook.title,
        "html": f"{name}.html",
        "summary": summary,
        "parameters": job.parameters,
        "records": records,
        "tables": tables,
        "version": __version__,
        "commit": commit,
        "status": "ok",
        "inputs_sha256": inputs_hash(job, tables, code_hash),
    }
    html_path = out_dir / f"{name}.html"
    _atomic_write(out_dir / "_executed" / f"{name}.ipynb", nbformat.writes(nb))
    _atomic_write(html_path, html)
    _atomic_write(sidecar_path(out_dir, name), json.dumps(sidecar, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    failed = out_dir / "_failed" / f"{name}.ipynb"
    if failed.exists():
        failed.unlink()
    return Result(name, "ok", time.perf_counter() - t0, html_path, sidecar=sidecar)


def _worker(job: Job, code_hash: str) -> Result:
    print(f"[{job.notebook.name}] started", flush=True)
    return execute(job, code_hash)


# --------------------------------------------------------------------------- orchestration

def write_index(out_dir: Path, failures: dict[str, str] | None = None) -> Path:
    """Render ``index.html`` from the sidecars; reports that just failed are shown as failed.

    A failed report keeps its previous sidecar and HTML on disk (its last good build), but the index
    says that the latest build failed and why.
    """
    from tokenecon.report.landing import render_index

    by_name = {}
    for p in sorted(Path(out_dir).glob("*.json")):
        try:
            meta = json.loads(p.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(meta, dict) and {"name", "html"} <= set(meta) and (Path(out_dir) / meta["html"]).exists():
            by_name[meta["name"]] = meta
    for name, error in (failures or {}).items():
        previous = by_name.get(
            name, {"name": name, "title": name, "html": f"{name}.html", "summary": None, "parameters": {}, "records": {}}
        )
        by_name[name] = {**previous, "status": "failed", "error": error}
    index = Path(out_dir) / "index.html"
    _atomic_write(index, render_index([by_name[n] for n in sorted(by_name)]))
    return index


def run(
    names: list[str] | None = None,
    parameters: dict | None = None,
    scenario: dict | None = None,
    out_dir: Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    with_code: bool = False,
    notebooks_dir: Path | None = None,
    log=print,
) -> list[Result]:
    """Build the requested reports (all by default) and the index; return one Result per notebook."""
    todo = plan(names, parameters, scenario, out_dir, with_code, notebooks_dir)
    out = Path(out_dir or paths.REPORTS_DIR)
    out.mkdir(parents=True, exist_ok=True)
    code_hash = _code_hash()
    results: list[Result] = []
    pending = []
    for job in todo:
        if not force and is_up_to_date(job, code_hash):
            results.append(Result(job.notebook.name, "skipped"))
            log(f"[{job.notebook.name}] up to date (skipped)")
        else:
            pending.append(job)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(pending) or 1))

    def report(res: Result) -> None:
        results.append(res)
        if res.status == "ok":
            log(f"[{res.name}] done in {res.seconds:.1f} s -> {res.html}")
        else:
            log(f"[{res.name}] FAILED: {res.error} (executed notebook kept in {out / '_failed' / (res.name + '.ipynb')})")

    if workers == 1:
        for job in pending:
            log(f"[{job.notebook.name}] started")
            report(execute(job, code_hash))
    elif pending:
        ctx = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures = {pool.submit(_worker, job, code_hash): job for job in pending}
            for fut in cf.as_completed(futures):
                try:
                    report(fut.result())
                except Exception as exc:  # a crash outside the notebook (e.g. export)
                    report(Result(futures[fut].notebook.name, "failed", error=f"{type(exc).__name__}: {exc}"))
    if pending or not (out / "index.html").exists():
        write_index(out, {r.name: r.error for r in results if r.status == "failed"})
    order = {j.notebook.name: i for i, j in enumerate(todo)}
    return sorted(results, key=lambda r: order[r.name])


def describe(notebooks_dir: Path | None = None) -> str:
    """Human listing of the notebooks and their parameters (``tokenecon reports --list``)."""
    lines = []
    for nb in discover(notebooks_dir).values():
        lines.append(f"{nb.name}: {nb.title}")
        for p in nb.parameters.values():
            lines.append(f"    {p.name} ({p.type}) = {p.default!r}  {p.help}")
    return "\n".join(lines)

