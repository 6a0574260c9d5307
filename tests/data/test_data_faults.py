"""Fault injection on the data layer: changed raw files, empty and malformed CSVs, several broken tables.

Each test asserts that the message names the culprit (file, line, table) and that ``data/`` is
byte-identical afterwards. Builds and checks run on copies in ``tmp_path``.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from tokenecon import cli, data, paths
from tokenecon.data import catalog

WEEKLY = "tokens/openrouter_weekly_top10_johnbean393.csv"


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def data_untouched():
    """Fails the test if data/'s catalogue, Data Package or a table the test names changed while it ran.

    The test adds the tables it builds or reads to the yielded set. (Only those: other work in the same
    checkout may edit other tables meanwhile.)
    """
    before = _snapshot(paths.DATA_DIR)
    watched: set[str] = set()
    yield watched
    files = {"catalog.yaml", "datapackage.json"} | {f"{n}.csv" for n in watched}
    after = _snapshot(paths.DATA_DIR)
    changed = sorted(f for f in files if before.get(f) != after.get(f))
    assert not changed, f"data/ changed during a fault-injection test: {changed}"


def _records(path: Path) -> int:
    with open(path, newline="", encoding="utf-8") as fh:
        return sum(1 for rec in csv.reader(fh) if rec) - 1


def _raw_copy(tmp_path: Path, raw_file: str) -> tuple[Path, list[str]]:
    """A raw mirror in tmp_path with every file read by the tables built from ``raw_file``."""
    readers = catalog.raw_readers(data.tables())[raw_file]
    raw = tmp_path / "raw"
    for t in readers:
        for rf in data.table(t).raw_files:
            (raw / rf).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(paths.raw_dir() / rf, raw / rf)
    return raw, readers


def _cut_to_half(path: Path) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[: len(lines) // 2]))


@pytest.mark.needs_raw
def test_truncated_raw_file_is_refused_then_accepted_as_a_new_version(tmp_path, data_untouched, capsys, monkeypatch):
    raw, readers = _raw_copy(tmp_path, WEEKLY)
    data_untouched.update(readers)
    # Only the weekly table is declared here: its sibling readers take seconds to build, and the rebuild of
    # every reader on --accept-new-raw is tested on toy tables below.
    tbl = data.table("openrouter_weekly_top10")
    monkeypatch.setattr(data, "tables", lambda: {tbl.name: tbl})
    readers = [tbl.name]
    out = tmp_path / "out"
    pinned = yaml.safe_load(paths.CATALOG_PATH.read_text(encoding="utf-8"))["raw_inputs"][WEEKLY]
    assert pinned["rows"] == _records(paths.raw_dir() / WEEKLY)  # the pin counts data rows (csv module)
    _cut_to_half(raw / WEEKLY)
    half = _records(raw / WEEKLY)
    assert 0 < half < pinned["rows"]

    rc = cli.main(["data", "build", "openrouter_weekly_top10", "--raw", str(raw), "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and WEEKLY in err and f"now {half} rows" in err and f"pinned {pinned['rows']} rows" in err
    assert f"--accept-new-raw {WEEKLY}" in err and "nothing was built or written" in err
    assert not out.exists() or not any(out.iterdir())

    rc = cli.main(["data", "build", "openrouter_weekly_top10", "--raw", str(raw), "--out", str(out),
                   "--accept-new-raw", WEEKLY])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert f"new version of raw input {WEEKLY}: {half} rows" in captured.err
    for t in readers:  # every table read from the file was rebuilt from the new version
        assert (out / f"{t}.csv").is_file(), t
    new_pin = yaml.safe_load((out / "catalog.yaml").read_text(encoding="utf-8"))["raw_inputs"][WEEKLY]
    assert new_pin["sha256"] == hashlib.sha256((raw / WEEKLY).read_bytes()).hexdigest() and new_pin["rows"] == half
    assert _records(out / "openrouter_weekly_top10.csv") < _records(paths.DATA_DIR / "openrouter_weekly_top10.csv")

    # the catalogue beside the output now pins the new version: a plain rebuild there passes
    assert cli.main(["data", "build", "openrouter_weekly_top10", "--raw", str(raw), "--out", str(out)]) == 0
    # while data/'s catalogue still pins the old one
    with pytest.raises(data.RawInputChanged, match="differs from its pin"):
        data.build(out_dir=tmp_path / "out2", raw=raw, names=["openrouter_weekly_top10"])


@pytest.mark.needs_raw
def test_changed_raw_file_of_the_same_length_is_refused(tmp_path, data_untouched):
    raw, readers = _raw_copy(tmp_path, WEEKLY)
    data_untouched.update(readers)
    blob = (raw / WEEKLY).read_bytes()
    i = blob.index(b"1", blob.index(b"\n"))  # one digit in the first data line
    (raw / WEEKLY).write_bytes(blob[:i] + b"2" + blob[i + 1:])
    with pytest.raises(data.RawInputChanged) as err:
        data.build(out_dir=tmp_path / "out", raw=raw, names=["openrouter_weekly_top10"])
    assert WEEKLY in str(err.value) and str(paths.CATALOG_PATH) in str(err.value)
    assert not (tmp_path / "out").exists()


def test_accepting_a_new_raw_version_rebuilds_every_table_read_from_it(tmp_path, monkeypatch):
    src = data.Source(title="t", retrieved="2026-11-01", licence="CC0", url="https://example.org")
    col = (data.Column("file", "str", "raw file"), data.Column("n", "int", "data rows", unit="count"))

    def reader(name, files):
        def build(raw):
            return __import__("pandas").DataFrame({"file": list(files), "n": [_records(Path(raw) / f) for f in files]})
        return data.Table(name=name, title=name, description="d", columns=col, key=("file",), sources=(src,),
                          derivation="x", build=build, raw_files=files)

    toys = {"a": reader("a", ("r.csv",)), "b": reader("b", ("r.csv", "s.csv")), "c": reader("c", ("s.csv",))}
    monkeypatch.setattr(data, "tables", lambda: toys)
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "r.csv").write_text("x\n1\n2\n", encoding="utf-8")
    (raw / "s.csv").write_text("y\n1\n", encoding="utf-8")
    notes: list[str] = []
    data.build(out_dir=out, raw=raw, notify=notes.append)  # first build: every raw file is pinned
    assert sorted(notes) == ["pinned raw input r.csv: 2 rows, 6 bytes, sha256 " + hashlib.sha256(b"x\n1\n2\n").hexdigest()[:12],
                             "pinned raw input s.csv: 1 rows, 4 bytes, sha256 " + hashlib.sha256(b"y\n1\n").hexdigest()[:12]]
    (raw / "r.csv").write_text("x\n1\n", encoding="utf-8")
    with pytest.raises(data.RawInputChanged, match=r"raw file r.csv .*now 1 rows.*pinned 2 rows.*\(rebuilds a, b\)"):
        data.build(out_dir=out, raw=raw, names=["b"])
    assert set(data.build(out_dir=out, raw=raw, names=["c"])) == {"c", "catalog", "datapackage"}  # c does not read it
    written = data.build(out_dir=out, raw=raw, names=["a"], accept_new_raw=["r.csv"])
    assert {"a", "b"} <= set(written) and "c" not in written
    assert (out / "b.csv").read_text() == "file,n\nr.csv,1\ns.csv,1\n"


def test_accepting_a_file_no_table_reads_is_refused(tmp_path, data_untouched, capsys):
    rc = cli.main(["data", "build", "--raw", str(tmp_path), "--out", str(tmp_path / "o"), "--accept-new-raw", "x.csv"])
    err = capsys.readouterr().err
    assert rc == 2 and "--accept-new-raw x.csv: no table is built from it" in err and WEEKLY in err


def _copy_of(tmp_path: Path, name: str, watched: set | None = None) -> Path:
    if watched is not None:
        watched.add(name)
    dst = tmp_path / f"{name}.csv"
    shutil.copyfile(data.table(name).path, dst)
    return dst


def test_header_only_csv_fails_unless_the_schema_allows_an_empty_table(tmp_path, data_untouched):
    dst = _copy_of(tmp_path, "electricity_prices", data_untouched)
    dst.write_text(dst.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(data.DataValidationError) as err:
        data.load("electricity_prices", path=dst)
    msg = str(err.value)
    assert str(dst) in msg and "no rows" in msg and "'electricity_prices' does not allow an empty table" in msg
    tbl = data.table("electricity_prices")
    allowed = data.Table(**{**tbl.__dict__, "allow_empty": True})
    assert len(data.parse_csv(dst, allowed)) == 0


def test_empty_file_names_the_file(tmp_path, data_untouched):
    dst = _copy_of(tmp_path, "electricity_prices", data_untouched)
    dst.write_bytes(b"")
    with pytest.raises(data.DataValidationError, match=rf"{dst}: the file is empty \(no header line\)"):
        data.load("electricity_prices", path=dst)


@pytest.mark.parametrize("where", ["end", "middle"])
def test_unclosed_quote_names_file_and_line(tmp_path, data_untouched, where):
    dst = _copy_of(tmp_path, "hardware", data_untouched)
    lines = dst.read_text(encoding="utf-8").splitlines(keepends=True)
    n = len(lines) - 1 if where == "end" else 3  # 0-based index of the line broken
    lines[n] = lines[n].replace(",", ',"', 1)
    dst.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(data.DataValidationError) as err:
        data.load("hardware", path=dst)
    msg = str(err.value)
    assert str(dst) in msg and f"line {n + 1}" in msg, msg
    assert "Location based indexing" not in msg and "Traceback" not in msg


def test_row_with_an_extra_field_names_its_line(tmp_path, data_untouched):
    dst = _copy_of(tmp_path, "electricity_prices", data_untouched)
    lines = dst.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].rstrip("\n") + ",extra\n"
    dst.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(data.DataValidationError, match=rf"{dst}: line 5: 8 field\(s\), the header has 7"):
        data.load("electricity_prices", path=dst)


def test_non_utf8_file_names_the_line(tmp_path, data_untouched):
    dst = _copy_of(tmp_path, "electricity_prices", data_untouched)
    lines = dst.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"a", b"\xe9", 1)
    dst.write_bytes(b"".join(lines))
    with pytest.raises(data.DataValidationError, match=rf"{dst}: line 3: not UTF-8"):
        data.load("electricity_prices", path=dst)


def test_check_reports_every_broken_table_then_fails(tmp_path, data_untouched, capsys):
    d = tmp_path / "d"
    shutil.copytree(paths.DATA_DIR, d)
    data_untouched.update(data.tables())
    # three faults in three tables: header only, unclosed quote, a value out of range
    p = d / "electricity_prices.csv"
    p.write_text(p.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    p = d / "hardware.csv"
    p.write_text(p.read_text(encoding="utf-8").rstrip("\n") + ',"\n', encoding="utf-8")
    p = d / "grid_carbon.csv"
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    g = data.load("grid_carbon")
    num = next(c.name for c in data.table("grid_carbon").columns if c.dtype == "float" and c.min is not None)
    value = repr(float(g[num].iloc[0]))
    assert value in lines[1]
    lines[1] = lines[1].replace(value, "-7.5", 1)
    p.write_text("".join(lines), encoding="utf-8")

    rc = cli.main(["data", "check", "--out", str(d)])
    out, err = capsys.readouterr()
    assert rc == 1
    broken = err.strip().splitlines()
    assert len(broken) == 3, err
    assert broken[0].startswith("tokenecon data check: broken table electricity_prices: ") and "no rows" in broken[0]
    assert broken[1].startswith("tokenecon data check: broken table grid_carbon: ")
    assert f"column '{num}', row 1 (line 2" in broken[1] and "-7.5 outside the allowed range" in broken[1]
    assert broken[2].startswith("tokenecon data check: broken table hardware: ") and str(d / "hardware.csv") in broken[2]
    assert len(out.strip().splitlines()) == len(data.tables()) - 3  # the good tables are still summarised
    assert "np." not in err
