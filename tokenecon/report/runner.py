"""The report runner: notebooks/*.ipynb → nbclient (one fresh kernel each) → normalise → nbconvert → reports/<name>.html.

Everything runs in one process: the notebooks of a build execute concurrently (``-j``) in one asyncio
loop, each in its own kernel process (so notebooks stay isolated from each other and from the runner),
and the runner converts and writes each one as it finishes. Guarantees:

* parameters are checked before anything runs: against each notebook's ``parameters`` cell (unknown
  notebook, unknown parameter, wrong type) and against the data (:mod:`tokenecon.report.params`:
  unknown model, country, year ...); a refused request runs nothing and writes nothing;
* the output folder is checked before anything runs (a file in the way, not writable, too little free
  space); files are written only when a notebook has finished, each to a temporary name first, and a
  failed write removes its temporary files and leaves the previous report intact;
* a notebook whose inputs (notebook file, parameters, package code, data tables it read last time)
  are unchanged since its last good build is skipped (content-hash stamp in ``reports/<name>.json``);
* SIGINT and SIGTERM stop a build within seconds: no new notebook starts, running kernels are killed,
  their temporary folders (partial notebooks, IPC sockets, connection files) are removed, and
  :class:`Interrupted` names what was left unbuilt; the next build resumes where this one stopped;
* HTML is self-contained (no script, style or font from the network), byte-reproducible (timing
  metadata dropped, deterministic cell ids, fixed SOURCE_DATE_EPOCH) and free of this machine's paths;
* each report ends with "About this report": parameters and the command that rebuilds this page,
  package version and git commit, the sha256 and as-of date of every data table it read;
* a failing notebook leaves the previous HTML intact; its executed copy goes to ``reports/_failed/``
  and the index shows the failure until a later build of that report succeeds or is found up to date.
"""

from __future__ import annotations

import ast
import asyncio
import csv
import errno
import hashlib
import json
import math
import os
import re
import shlex
import shutil
import signal
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
#: Free space asked of the output folder per notebook that has never been built there (bytes).
FIRST_BUILD_BYTES = 4 * 1024 * 1024
#: Tags of the cells the runner adds (papermill's names, so papermill-aware tools recognise them).
INJECTED_TAG = "injected-parameters"
EXECUTION_TIMEOUT_S = 600
STARTUP_TIMEOUT_S = 60


class ReportError(ValueError):
    """A report request that cannot be honoured (bad name, parameter, value or output folder); nothing has run."""


class Interrupted(Exception):
    """The build was stopped by SIGINT or SIGTERM. ``built`` finished before the signal, ``unbuilt`` did not."""

    def __init__(self, signum: int, built: list[str], unbuilt: list[str]):
        self.signum, self.built, self.unbuilt = signum, built, unbuilt
        name = signal.Signals(signum).name
        left = ", ".join(unbuilt) if unbuilt else "nothing"
        super().__init__(f"interrupted by {name}: left unbuilt: {left}" + (f" (built: {', '.join(built)})" if built else ""))

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


# --------------------------------------------------------------------------- notebook discovery

@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: object
    help: str
    #: Declared ``type | None``: ``None`` is the one "not set" value (tokenecon.units.NOT_SET), meaning the
    #: library's documented default; on the command line "none" or "" sets it.
    optional: bool = False


@dataclass(frozen=True)
class Notebook:
    name: str
    path: Path
    title: str
    parameters: dict  # name -> Parameter


def _read_nb_json(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{display_path(path)}: not a readable notebook: {exc}") from exc


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
        optional = ann.endswith(" | None")
        ann = ann[: -len(" | None")] if optional else ann
        if ann not in PARAM_TYPES:
            raise ReportError(f"{path}: parameter {name!r}: type {ann!r} not one of {sorted(PARAM_TYPES)}")
        if default is None and not optional:
            raise ReportError(f"{path}: parameter {name!r}: default None needs the type `{ann} | None`")
        out[name] = Parameter(name, ann, default, comments.get(node.lineno, ""), optional)
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
    bad = ReportError(f"parameter {param.name!r} of notebook {notebook!r} expects {want}"
                      f"{' or none' if param.optional else ''}, got {value!r}")
    if param.optional and (value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null"))):
        return None
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
    if want == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
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
        raise ReportError(f"no notebooks found in {display_path(notebooks_dir or paths.NOTEBOOKS_DIR)}")
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


def check_values(jobs: list[Job]) -> None:
    """Check every job's parameter values against the data (:mod:`tokenecon.report.params`); raise ReportError."""
    if not jobs:
        return
    from tokenecon.report import params

    for job in jobs:
        try:
            params.validate(job.notebook.name, job.parameters)
        except params.ParameterError as exc:
            raise ReportError(str(exc)) from exc


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


def failure_path(out_dir: Path, name: str) -> Path:
    """Where the latest failure of ``name`` is recorded (read by the index until the report is good again)."""
    return Path(out_dir) / "_failed" / f"{name}.json"


def is_up_to_date(job: Job, code_hash: str | None = None) -> bool:
    side = sidecar_path(job.out_dir, job.notebook.name)
    html = Path(job.out_dir) / f"{job.notebook.name}.html"
    if not (side.is_file() and html.is_file()):
        return False
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("status") == "ok" and meta.get("inputs_sha256") == inputs_hash(job, meta.get("tables"), code_hash)


# --------------------------------------------------------------------------- messages without machine paths

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_NUMPY_REPR = re.compile(r"\bnp\.(?:float|int|uint|complex|bool|str)_?\d*\(([^()]*)\)")
_KERNEL_CELL_FILE = re.compile(r"(?:/[^\s'\"<>]*)?/ipykernel_\d+/\d+\.py")


def display_path(p) -> str:
    """``p`` relative to the working directory or the project when inside them, else as given."""
    p = Path(p)
    for base in (Path.cwd(), paths.PROJ_ROOT):
        try:
            return str(p.resolve().relative_to(base.resolve())) or "."
        except (ValueError, OSError):
            continue
    return str(p)


def _machine_roots() -> list[tuple[str, str]]:
    roots = [(str(paths.PROJ_ROOT) + os.sep, ""), (str(paths.PROJ_ROOT), ".")]
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        roots.append((prefix + os.sep, "<python>/"))
    home = os.path.expanduser("~")
    if home not in ("", "/"):
        roots.append((home + os.sep, "~/"))
    return sorted(roots, key=lambda r: -len(r[0]))


#: An embedded base64 data: URI (a chart's SVG, a table's CSV): left as it is by :func:`scrub`, whose plain-text
#: replacements cannot see into base64 and could only corrupt it.
_DATA_URI = re.compile(r"(data:[\w/+.-]+(?:;[\w=.-]+)*;base64,[A-Za-z0-9+/=]+)")


def scrub(text: str, extra_roots: tuple[str, ...] = ()) -> str:
    """``text`` without this machine's paths (project, Python, home, temporary folders) or numpy reprs; embedded
    base64 data: URIs pass through untouched."""
    if not isinstance(text, str) or not text:
        return text
    if "base64," in text:
        parts = _DATA_URI.split(text)  # odd positions are the URIs
        return "".join(p if i % 2 else _scrub_text(p, extra_roots) for i, p in enumerate(parts))
    return _scrub_text(text, extra_roots)


def _scrub_text(text: str, extra_roots: tuple[str, ...]) -> str:
    if not text:
        return text
    text = _KERNEL_CELL_FILE.sub("<cell>", text)
    for root in sorted(extra_roots, key=len, reverse=True):
        text = text.replace(root.rstrip(os.sep) + os.sep, "").replace(root.rstrip(os.sep), ".")
    for root, repl in _machine_roots():
        text = text.replace(root, repl)
    return _NUMPY_REPR.sub(r"\1", text)


# --------------------------------------------------------------------------- executed notebook → page

@dataclass
class Result:
    name: str
    status: str  # "ok" | "failed" | "skipped"
    seconds: float = 0.0
    html: Path | None = None
    error: str | None = None
    sidecar: dict = field(default_factory=dict)
    kept: Path | None = None  # executed copy of a failed notebook, when one could be written


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


_TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex")


def normalize(nb, extra_roots: tuple[str, ...] = ()) -> None:
    """Drop run-dependent metadata, give cells stable ids and strip this machine's paths from the outputs."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell.id = f"c{i:03d}-" + hashlib.sha1(f"{i}:{cell.source}".encode()).hexdigest()[:8]
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if "text" in out:
                out["text"] = scrub(out["text"], extra_roots)
            if "evalue" in out:
                out["evalue"] = scrub(out["evalue"], extra_roots)
            if "traceback" in out:
                out["traceback"] = [scrub(t, extra_roots) for t in out["traceback"]]
            for mime in _TEXT_MIMES:
                if mime in out.get("data", {}):
                    val = out["data"][mime]
                    out["data"][mime] = [scrub(v, extra_roots) for v in val] if isinstance(val, list) else scrub(val, extra_roots)


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _fmt_value(v) -> str:
    return json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v


def _cli_value(v) -> str:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def rebuild_command(job: Job) -> str:
    """The command that rebuilds exactly this page (parameters that differ from the defaults)."""
    parts = ["tokenecon", "reports", job.notebook.name]
    for k, v in job.parameters.items():
        if v != job.notebook.parameters[k].default or type(v) is not type(job.notebook.parameters[k].default):
            parts += ["-p", k, _cli_value(v)]
    if job.with_code:
        parts.append("--with-code")
    return " ".join(shlex.quote(p) for p in parts)


_CATALOG_DATES: dict[str, str | None] | None = None


def _date_columns() -> dict[str, str | None]:
    """Table name → its declared date column, from data/catalog.yaml (read once per run)."""
    global _CATALOG_DATES
    if _CATALOG_DATES is None:
        import yaml

        try:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            cat = yaml.load(paths.CATALOG_PATH.read_text(encoding="utf-8"), Loader=loader) or {}
            _CATALOG_DATES = {n: (t or {}).get("date_column") for n, t in (cat.get("tables") or {}).items()}
        except (OSError, yaml.YAMLError):
            _CATALOG_DATES = {}
    return _CATALOG_DATES


_AS_OF: dict[tuple[str, int, int], str | None] = {}


def table_as_of(name: str, column: str | None = None) -> str | None:
    """The latest value of a table's date column (ISO dates sort as text), None for undated tables; with
    ``column``, the latest value of that column instead (e.g. ``retrieved_at`` of fetched rows)."""
    col = column or _date_columns().get(name)
    path = paths.DATA_DIR / f"{name}.csv"
    if not col or not path.is_file():
        return None
    st = path.stat()
    key = (name, col, st.st_mtime_ns, st.st_size)
    if key not in _AS_OF:  # several reports read the same table: read its column once per build
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            i = header.index(col) if col in header else None
            values = [row[i] for row in reader if i is not None and i < len(row) and row[i]]
        _AS_OF[key] = max(values) if values else None
    return _AS_OF[key]


#: Tables that `tokenecon data fetch` extends: the About section says when their rows were fetched.
FETCHED_TABLES = ("openrouter_daily_top50",)


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
    trows = []
    for t, sha in sorted(tables.items()):
        as_of = table_as_of(t)
        col = _date_columns().get(t)
        dated = f"{as_of} (latest `{col}`)" if as_of else "no date column"
        fetched = table_as_of(t, "retrieved_at") if t in FETCHED_TABLES else None
        if t in FETCHED_TABLES:
            dated += (f"; rows fetched from OpenRouter's Data API up to {fetched[:10]}" if fetched
                      else "; committed rows only (`make fetch` extends them)")
        trows.append(f"| `{t}` | {dated} | `{sha[:12]}` | `data/{t}.csv` |")
    tbl = (
        "| table | as of | sha256 (short) | file |\n|---|---|---|---|\n" + "\n".join(trows)
        if trows else "This report read no data table."
    )
    commit_txt = f"git commit `{commit}`" if commit else "no git checkout"
    return (
        "## About this report\n\n"
        f"Built by tokenecon {__version__} ({commit_txt}) from `notebooks/{nb.name}.ipynb`. "
        f"To rebuild exactly this page, run `{rebuild_command(job)}` in the project folder: the same inputs "
        "give a byte-identical file. Provenance of every table (source, licence, derivation) is in "
        "`data/catalog.yaml` and the data catalogue report.\n\n"
        f"**Parameters**\n\n{params}\n\n**Data tables read** (as of: the latest date in the table)\n\n{tbl}\n"
    )


_EXPORTERS: dict[bool, object] = {}


def _export_html(nb, title: str, with_code: bool) -> str:
    exporter = _EXPORTERS.get(with_code)
    if exporter is None:  # one per run and kind: building the Jinja environment is most of its cost
        from nbconvert import HTMLExporter

        exporter = _EXPORTERS[with_code] = HTMLExporter(
            template_name="tokenecon",
            extra_template_basedirs=[str(TEMPLATE_DIR)],
            exclude_input=not with_code,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
    nb.metadata["title"] = title
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return html


def _write_all(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary name, then move them into place; on any error remove the temporaries.

    A full disk or a read-only folder thus leaves the previous files as they were.
    """
    tmps = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmps.append(tmp)
            try:
                with open(tmp, "wb") as fh:
                    fh.write(data)
                    fh.flush()
            except OSError as exc:  # a full disk says so without naming the file: name the one it was for
                if exc.filename is None:
                    raise OSError(exc.errno, exc.strerror, str(path)) from exc
                raise
        for (path, _), tmp in zip(files.items(), tmps):
            os.replace(tmp, path)
    except BaseException:
        for tmp in tmps:
            try:
                tmp.unlink()
            except OSError:
                pass
        raise


def _atomic_write(path: Path, data: str) -> None:
    _write_all({Path(path): data.encode("utf-8")})


def _os_error_text(exc: OSError) -> str:
    what = exc.strerror or str(exc)
    where = exc.filename
    if where and Path(str(where)).name.startswith("."):  # a temporary name: report the file it stands for
        where = Path(str(where)).with_name(Path(str(where)).name[1:].rsplit(".", 2)[0])
    return f"could not write {display_path(where)}: {what}" if where else f"could not write: {what}"


# --------------------------------------------------------------------------- failure messages

def _cell_line(cell, lineno: int) -> str:
    lines = cell.source.splitlines()
    text = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
    return text if len(text) <= 100 else text[:97] + "..."


def _failure_message(nb, exc) -> str:
    """Name the failing cell by its 1-based position in the source notebook (the runner's injected cell not
    counted) and the line that raised: the innermost notebook frame of the traceback."""
    source_cells = [c for c in (nb.cells if nb is not None else []) if INJECTED_TAG not in c.metadata.get("tags", [])]
    for i, cell in enumerate(source_cells, start=1):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") != "error":
                continue
            tb = _ANSI.sub("", "\n".join(out.get("traceback", [])))
            where = f"cell {i}"
            frames = re.findall(r"Cell In\[(\d+)\], line (\d+)", tb)
            if frames:
                count, lineno = int(frames[-1][0]), int(frames[-1][1])
                hit = next((j for j, c in enumerate(source_cells, start=1)
                            if c.cell_type == "code" and c.get("execution_count") == count), None)
                if hit is not None:
                    line = _cell_line(source_cells[hit - 1], lineno)
                    where = f"cell {hit}, line {lineno}" + (f" (`{line}`)" if line else "")
            evalue = str(out.get("evalue", "")).strip()
            return scrub(f"{where} raised {out.get('ename')}: {evalue}")
    text = str(exc).strip()
    return scrub(f"{type(exc).__name__}: {text.splitlines()[-1] if text else ''}")


# --------------------------------------------------------------------------- execution

def _kernel_manager_class():
    """A kernel manager that talks to its kernel over IPC sockets in the job's temporary folder.

    Sockets in a folder of the job's own cannot collide the way kernels started together race for
    TCP ports, and nothing listens on the network. Shutting down does not interrupt the kernel first
    (jupyter_client does, which makes every kernel log "KeyboardInterrupt caught in kernel").
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        async def _async_interrupt_kernel(self):
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return IPCKernelManager


def _literal(v) -> str:
    """Python source for a parameter value (non-finite floats included)."""
    if isinstance(v, float) and not math.isfinite(v):
        return f"float({str(v)!r})"
    if isinstance(v, list):
        return "[" + ", ".join(_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(x)}" for k, x in v.items()) + "}"
    return repr(v)


def _inject_parameters(nb, parameters: dict):
    """The notebook parameterised by papermill (its Python translator writes the ``injected-parameters`` cell
    after the ``parameters`` cell); returns the new notebook. Execution then goes through nbclient, papermill's
    own engine, driven here so that several notebooks run at once in one process."""
    from papermill.parameterize import parameterize_notebook

    for c in nb.cells:  # papermill expects every cell to carry a tags list, and its own metadata block
        c.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    out = parameterize_notebook(nb, parameters, kernel_name="python3", language="python")
    for c in out.cells:
        if c.metadata.get("tags") == []:
            del c.metadata["tags"]
    return out


class _Build:
    """State shared by the jobs of one build: code hash, commit, and the running kernels' folders."""

    def __init__(self, code_hash: str, commit: str | None):
        self.code_hash = code_hash
        self.commit = commit
        self.stopping = False  # set on SIGINT/SIGTERM: a kernel killed by the stop is not a notebook failure


async def _execute_async(job: Job, build: _Build, executed=lambda: None) -> Result:
    """Run one notebook in a fresh kernel, then convert and write it; ``executed()`` is called once its
    kernel is gone (so the next notebook's kernel can start while this one is converted)."""
    import nbformat
    from jupyter_core.utils import ensure_async
    from nbclient import NotebookClient

    name, out_dir = job.notebook.name, Path(job.out_dir)
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f"tokenecon-{name}-"))
    # IPC socket paths are limited to about 100 bytes: a deep temporary folder gets its sockets in a short one
    sock = tmp if len(str(tmp)) <= SOCKET_DIR_MAX_LEN else Path(tempfile.mkdtemp(prefix="tokenecon-k-", dir="/tmp"))
    km = client = log_fh = None
    try:
        nb = nbformat.reads(job.notebook.path.read_text(encoding="utf-8"), as_version=4)
        nb = _inject_parameters(nb, job.parameters)
        env = dict(os.environ)
        env.update(
            TOKENECON_READLOG=str(tmp / "reads.jsonl"),
            TOKENECON_RECORDS=str(tmp / "records.jsonl"),
            SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH,
            PYTHONHASHSEED="0",
            TMPDIR=str(tmp),  # whatever the kernel puts in a temporary folder goes with this one
            PYDEVD_DISABLE_FILE_VALIDATION="1",
        )
        log_fh = open(tmp / "kernel.log", "wb")
        error: BaseException | None = None
        for attempt in (1, 2):
            km = _kernel_manager_class()(
                kernel_name="python3", transport="ipc", ip=str(sock / f"kernel{attempt}"),
                connection_file=str(tmp / f"kernel{attempt}.json"),
            )
            client = NotebookClient(
                nb, km=km, timeout=EXECUTION_TIMEOUT_S, startup_timeout=STARTUP_TIMEOUT_S, kernel_name="python3",
                resources={"metadata": {"path": str(paths.PROJ_ROOT)}}, shutdown_kernel="immediate",
            )
            try:
                await client.async_start_new_kernel(env=env, stdout=log_fh, stderr=log_fh)
                await client.async_start_new_kernel_client()
                break
            except Exception as exc:
                await _stop_kernel(client, km)
                km = client = None
                if attempt == 2 or not any(s in str(exc) for s in KERNEL_START_ERRORS):
                    raise
        try:
            msg_id = await ensure_async(client.kc.kernel_info())
            info = await client.async_wait_for_reply(msg_id)
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            client.reset_execution_trackers()
            for index, cell in enumerate(nb.cells):
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = exc
        finally:
            await _stop_kernel(client, km)
            km = client = None
        executed()
        if build.stopping:
            raise asyncio.CancelledError
        if error is not None:
            message = _failure_message(nb, error)
            if not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", [])):
                log_fh.flush()
                tail = scrub((tmp / "kernel.log").read_text(encoding="utf-8", errors="replace"), (str(tmp),))
                last = [ln for ln in tail.splitlines() if ln.strip()][-1:] or []
                if last:
                    message += f" (kernel said: {last[0].strip()[:200]})"
            return _record_failure(job, nb, message, t0, (str(tmp),))
        tables = {r["table"]: r["sha256"] for r in _read_jsonl(tmp / "reads.jsonl")}
        records = {}
        for r in _read_jsonl(tmp / "records.jsonl"):
            records[r["key"]] = {k: v for k, v in r.items() if k != "key"}
        roots = (str(tmp),)
    finally:
        if km is not None:
            await _stop_kernel(client, km)
        if log_fh is not None:
            log_fh.close()
        shutil.rmtree(tmp, ignore_errors=True)
        if sock != tmp:
            shutil.rmtree(sock, ignore_errors=True)
    return _write_report(job, nb, tables, records, build, t0, roots)


#: Longest temporary folder the kernels' IPC sockets are put in (a Unix socket path holds at most 107 bytes,
#: and the socket's own name adds about 20).
SOCKET_DIR_MAX_LEN = 80


def _run_coroutine(coro):
    """``asyncio.run(coro)``, or, when this thread already runs an event loop (JupyterLab, a browser-automation
    library), the same in a helper thread, so the runner can be called from anywhere."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _stop_kernel(client, km) -> None:
    """Kill the kernel, close its channels, remove its connection file and sockets (never raises)."""
    if km is None:
        return
    try:
        if client is not None and client.kc is not None:
            client.kc.stop_channels()
    except Exception:
        pass
    try:
        if km.has_kernel:
            km.shutting_down = True
            await km.shutdown_kernel(now=True)
    except Exception:
        pass
    try:
        await km.cleanup_resources()
    except Exception:
        pass


def _record_failure(job: Job, nb, message: str, t0: float, roots: tuple[str, ...]) -> Result:
    """Keep the executed copy in ``_failed/`` (when it can be written) and record the failure for the index."""
    import nbformat

    out_dir, name = Path(job.out_dir), job.notebook.name
    kept = None
    if nb is not None:
        normalize(nb, roots)
        target = out_dir / "_failed" / f"{name}.ipynb"
        try:
            _write_all({target: nbformat.writes(nb).encode("utf-8")})
            kept = target
        except OSError:
            kept = None
    try:
        _write_all({failure_path(out_dir, name): (json.dumps(
            {"name": name, "title": job.notebook.title, "error": message, "parameters": job.parameters}, indent=2,
            sort_keys=True, ensure_ascii=False,
        ) + "\n").encode("utf-8")})
    except OSError:
        pass
    return Result(name, "failed", time.perf_counter() - t0, error=message, kept=kept)


def _write_report(job: Job, nb, tables: dict, records: dict, build: _Build, t0: float, roots: tuple[str, ...]) -> Result:
    import nbformat

    name, out_dir = job.notebook.name, Path(job.out_dir)
    normalize(nb, roots)
    nb.cells.append(nbformat.v4.new_markdown_cell(about_markdown(job, tables, build.commit)))
    normalize(nb, roots)
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
        "commit": build.commit,
        "status": "ok",
        "inputs_sha256": inputs_hash(job, tables, build.code_hash),
    }
    html_path = out_dir / f"{name}.html"
    try:
        _write_all({
            out_dir / "_executed" / f"{name}.ipynb": nbformat.writes(nb).encode("utf-8"),
            html_path: html.encode("utf-8"),
            sidecar_path(out_dir, name): (json.dumps(sidecar, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(),
        })
    except OSError as exc:
        return Result(name, "failed", time.perf_counter() - t0, error=_os_error_text(exc))
    _clear_failure(out_dir, name)
    return Result(name, "ok", time.perf_counter() - t0, html_path, sidecar=sidecar)


def _clear_failure(out_dir: Path, name: str) -> bool:
    """Forget the recorded failure of ``name`` (its report is good again); True if there was one."""
    had = False
    for p in (failure_path(out_dir, name), Path(out_dir) / "_failed" / f"{name}.ipynb"):
        try:
            p.unlink()
            had = True
        except FileNotFoundError:
            pass
        except OSError:
            pass
    return had


def execute(job: Job, code_hash: str | None = None) -> Result:
    """Run one notebook and write its HTML, executed notebook and sidecar (blocking)."""
    build = _Build(code_hash or _code_hash(), git_commit())
    return _run_coroutine(_execute_async(job, build))


# --------------------------------------------------------------------------- orchestration

def write_index(out_dir: Path, failures: dict[str, str] | None = None) -> Path:
    """Render ``index.html`` from the sidecars and the recorded failures (``_failed/<name>.json``).

    A failed report keeps its previous sidecar and HTML on disk (its last good build); the index says
    that its latest build failed and why, until a build of it succeeds or finds it up to date. The file
    is rewritten only when its bytes change.
    """
    from tokenecon.report.landing import render_index

    out_dir = Path(out_dir)
    by_name = {}
    for p in sorted(out_dir.glob("*.json")):
        try:
            meta = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and {"name", "html"} <= set(meta) and (out_dir / str(meta["html"])).is_file():
            by_name[meta["name"]] = meta
    recorded, titles = {}, {}
    for p in sorted((out_dir / "_failed").glob("*.json")):
        try:
            meta = json.loads(p.read_text(encoding="utf-8"))
            recorded[meta["name"]] = scrub(str(meta["error"]))
            titles[meta["name"]] = str(meta.get("title") or meta["name"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    recorded.update({k: scrub(v) for k, v in (failures or {}).items()})
    for name, error in recorded.items():
        previous = by_name.get(
            name, {"name": name, "title": titles.get(name, name), "html": f"{name}.html", "summary": None,
                   "parameters": {}, "records": {}}
        )
        by_name[name] = {**previous, "status": "failed", "error": error}
    index = out_dir / "index.html"
    page = render_index([by_name[n] for n in sorted(by_name)]).encode("utf-8")
    try:
        same = index.read_bytes() == page
    except OSError:
        same = False
    if not same:
        _write_all({index: page})
    return index


def preflight(out: Path, pending: list[Job]) -> None:
    """Refuse an output folder that cannot take the build, before anything runs (one line naming it)."""
    shown = display_path(out)
    if out.exists() and not out.is_dir():
        raise ReportError(f"output folder {shown} is a file, expected a folder (--out)")
    for parent in [out, *out.parents]:
        if parent.exists():
            if not parent.is_dir():
                raise ReportError(f"output folder {shown}: {display_path(parent)} is a file, expected a folder")
            break
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"output folder {shown} cannot be created: {exc.strerror or exc}") from exc
    for sub in ("_executed", "_failed"):
        if (out / sub).exists() and not (out / sub).is_dir():
            raise ReportError(f"{display_path(out / sub)} is a file, expected a folder (the runner keeps executed notebooks there)")
    for job in pending:
        for p in (out / f"{job.notebook.name}.html", sidecar_path(out, job.notebook.name),
                  out / "_executed" / f"{job.notebook.name}.ipynb"):
            if p.exists() and not p.is_file():
                raise ReportError(f"{display_path(p)} is in the way: a folder where the report file goes")
    for folder in [out] + [out / s for s in ("_executed", "_failed") if (out / s).is_dir()]:
        try:
            fd, probe = tempfile.mkstemp(prefix=".tokenecon-probe-", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            what = "not writable" if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) else (exc.strerror or str(exc))
            raise ReportError(f"output folder {display_path(folder)} is {what}" if what == "not writable"
                              else f"output folder {display_path(folder)}: {what}") from exc
    need = 0
    for job in pending:
        sizes = [p.stat().st_size for p in (out / f"{job.notebook.name}.html", out / "_executed" / f"{job.notebook.name}.ipynb")
                 if p.is_file()]
        need += 2 * sum(sizes) if sizes else FIRST_BUILD_BYTES
    free = shutil.disk_usage(out).free
    if free < need:
        raise ReportError(
            f"output folder {shown}: not enough free space ({free / 1e6:.1f} MB free, about {need / 1e6:.1f} MB needed "
            f"for {len(pending)} report{'s' if len(pending) != 1 else ''})"
        )


async def _run_jobs(pending: list[Job], workers: int, build: _Build, report, log=print,
                    early: list[int] | None = None) -> tuple[int | None, list[str]]:
    """Run the jobs, at most ``workers`` at a time; on SIGINT/SIGTERM cancel them all and return the signal."""
    loop = asyncio.get_running_loop()
    sem = asyncio.Semaphore(workers)
    stop: list[int] = []
    done: list[str] = []
    tasks: list[asyncio.Task] = []

    async def one(job: Job) -> None:
        await sem.acquire()
        held = [True]

        def release() -> None:
            if held:
                held.clear()
                sem.release()

        try:
            if stop:
                return
            log(f"[{job.notebook.name}] started")
            res = await _execute_async(job, build, release)
            done.append(job.notebook.name)
            report(res)
        finally:
            release()

    def on_signal(signum: int) -> None:
        if stop:
            return
        stop.append(signum)
        build.stopping = True
        for t in tasks:
            t.cancel()

    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, on_signal, sig)
            installed.append(sig)
        except (RuntimeError, ValueError, NotImplementedError):  # not the main thread
            pass
    try:
        tasks.extend(asyncio.ensure_future(one(j)) for j in pending)
        if early:  # arrived between the check in run() and the handlers above
            on_signal(early[0])
        results = await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
    for job, res in zip(pending, results):
        if isinstance(res, BaseException) and not isinstance(res, asyncio.CancelledError):
            name = job.notebook.name
            if name not in done:
                done.append(name)
                report(Result(name, "failed", error=scrub(f"{type(res).__name__}: {res}")))
    return (stop[0] if stop else None), done


DURATIONS_FILE = Path("_executed") / ".durations.json"


def longest_first(jobs: list, durations: dict[str, float]) -> list:
    """Jobs in build order: the longest first (as long as the last build took; never built: first of all, the
    largest notebook file first), so that with -j N a build does not end with one long notebook running alone."""
    def key(j):
        took = durations.get(j.notebook.name)
        return (0, -_file_size(j.notebook.path)) if took is None else (1, -took)

    return sorted(jobs, key=key)


def _file_size(p: Path) -> int:
    try:
        return Path(p).stat().st_size
    except OSError:
        return 0


def _read_durations(out: Path) -> dict[str, float]:
    """Seconds each report took in its last good build here (only to order the next build; not part of any page)."""
    try:
        data = json.loads((out / DURATIONS_FILE).read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}
    except (OSError, ValueError, TypeError):
        return {}


def _write_durations(out: Path, durations: dict[str, float], results: list[Result]) -> None:
    new = {**durations, **{r.name: round(r.seconds, 1) for r in results if r.status == "ok"}}
    if new != durations:
        try:
            _write_all({out / DURATIONS_FILE: (json.dumps(new, indent=1, sort_keys=True) + "\n").encode()})
        except OSError:
            pass


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
    """Build the requested reports (all by default) and the index; return one Result per notebook.

    Raises :class:`ReportError` (nothing run, nothing written) for a bad request or output folder, and
    :class:`Interrupted` when SIGINT or SIGTERM stopped the build.
    """
    with _signals_recorded() as early:
        return _run(early, names, parameters, scenario, out_dir, jobs, force, with_code, notebooks_dir, log)


class _signals_recorded:
    """Record SIGINT/SIGTERM from the start of a build (before the event loop takes them over), so a
    signal that arrives while the build is being planned stops it as cleanly as one during execution."""

    def __enter__(self) -> list[int]:
        self.received: list[int] = []
        self.previous = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self.previous[sig] = signal.signal(sig, lambda signum, _frame: self.received.append(signum))
            except ValueError:  # not the main thread: leave signals alone
                pass
        return self.received

    def __exit__(self, *exc) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def _run(early: list[int], names, parameters, scenario, out_dir, jobs, force, with_code, notebooks_dir, log) -> list[Result]:
    todo = plan(names, parameters, scenario, out_dir, with_code, notebooks_dir)
    out = Path(out_dir or paths.REPORTS_DIR)
    if out.exists() and not out.is_dir():
        raise ReportError(f"output folder {display_path(out)} is a file, expected a folder (--out)")
    code_hash = _code_hash()
    results: list[Result] = []
    pending = []
    skipped = []
    for job in todo:
        if not force and is_up_to_date(job, code_hash):
            skipped.append(job)
        else:
            pending.append(job)
    check_values(pending)
    if pending:
        preflight(out, pending)
    cleared = False
    for job in skipped:
        results.append(Result(job.notebook.name, "skipped"))
        cleared |= _clear_failure(out, job.notebook.name)
        log(f"[{job.notebook.name}] up to date (skipped)")
    workers = max(1, min(jobs or os.cpu_count() or 1, len(pending) or 1))

    def report(res: Result) -> None:
        results.append(res)
        if res.status == "ok":
            log(f"[{res.name}] done in {res.seconds:.1f} s -> {display_path(res.html)}")
        else:
            kept = f" (executed notebook kept in {display_path(res.kept)})" if res.kept and res.kept.exists() else ""
            log(f"[{res.name}] FAILED: {res.error}{kept}")

    signum = early[0] if early else None
    if pending and signum is None:
        build = _Build(code_hash, git_commit())
        durations = _read_durations(out)
        ordered = longest_first(pending, durations)
        signum, _ = _run_coroutine(_run_jobs(ordered, workers, build, report, log, early))
        _write_durations(out, durations, results)
    if pending or cleared or not (out / "index.html").exists():
        try:
            write_index(out)
        except OSError as exc:
            log(f"index not updated: {_os_error_text(exc)}")
    if signum is not None:
        built = [r.name for r in results if r.status == "ok"]
        finished = {r.name for r in results}
        raise Interrupted(signum, built, [j.notebook.name for j in pending if j.notebook.name not in finished])
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
