"""The data layer: schema validation with precise messages, the catalogue, and the byte-identical rebuild."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tokenecon import cli, data, paths
from tokenecon.data import Column, DataValidationError, Source, Table

SRC = Source(title="test", retrieved="2026-11-01", licence="CC0", url="https://example.org")


def _toy(build=None, kind="derived") -> Table:
    build = build or (lambda raw: None)
    cols = (
        Column("country", "str", "ISO2 code", pattern=r"[A-Z]{2}"),
        Column("year", "int", "calendar year", unit="year", min=2000, max=2030),
        Column("price_usd_per_kwh", "float", "price", unit="USD/kWh", min=0),
        Column("bloc", "str", "bloc", allowed=("china", "us", "other")),
        Column("day", "date", "a day", nullable=True),
    )
    if kind == "hand-compiled":
        cols = cols + (Column("source", "str", "where the row comes from"),)
    return Table(
        name="toy", title="Toy", description="A toy table.", columns=cols, key=("country", "year"),
        sources=(SRC,), derivation="by hand", kind=kind, build=build, date_column="day",
    )


GOOD = "country,year,price_usd_per_kwh,bloc,day\nCN,2024,0.079,china,2024-01-31\nUS,2024,0.0813,us,\n"


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "toy.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_good_table_parses_with_types(tmp_path):
    df = data.parse_csv(_write(tmp_path, GOOD), _toy())
    assert list(df["country"]) == ["CN", "US"]
    assert df["year"].tolist() == [2024, 2024]
    assert df["price_usd_per_kwh"].tolist() == [0.079, 0.0813]
    assert df["day"].iloc[0] == pd.Timestamp("2024-01-31") and pd.isna(df["day"].iloc[1])


@pytest.mark.parametrize(
    "text, column, row, rule",
    [
        (GOOD.replace("0.0813", "cheap"), "price_usd_per_kwh", "row 2 (line 3", "not a valid float"),
        (GOOD.replace("0.0813", "-1"), "price_usd_per_kwh", "row 2 (line 3", "outside the allowed range"),
        (GOOD.replace(",us,", ",asia,"), "bloc", "row 2 (line 3", "is not one of"),
        (GOOD.replace("CN,", "China,"), "country", "row 1 (line 2", "does not match"),
        (GOOD.replace("2024,0.079", "2024.5,0.079"), "year", "row 1 (line 2", "not a valid int"),
        (GOOD.replace("2024-01-31", "31/01/2024"), "day", "row 1 (line 2", "not a valid date"),
        (GOOD.replace("US,2024,0.0813,us", "US,2024,,us"), "price_usd_per_kwh", "row 2 (line 3", "not nullable"),
    ],
)
def test_bad_cell_names_file_column_row_and_rule(tmp_path, text, column, row, rule):
    p = _write(tmp_path, text)
    with pytest.raises(DataValidationError) as err:
        data.parse_csv(p, _toy())
    msg = str(err.value)
    assert str(p) in msg and f"column {column!r}" in msg and row in msg and rule in msg


def test_messages_show_plain_numbers_and_every_problem(tmp_path):
    text = GOOD.replace("0.0813", "-5").replace("2024,0.079", "1999,0.079")
    p = _write(tmp_path, text)
    with pytest.raises(DataValidationError) as err:
        data.parse_csv(p, _toy())
    msg = str(err.value)
    assert "2 problem(s)" in msg and "np." not in msg and "float64" not in msg
    assert "column 'price_usd_per_kwh', row 2 (line 3; country=US, year=2024): -5 outside the allowed range (at least 0 USD/kWh)" in msg
    assert "column 'year', row 1 (line 2; country=CN, year=1999): 1999 outside the allowed range [2000, 2030] year" in msg


def test_line_numbers_count_quoted_newlines(tmp_path):
    # a quoted field spanning two lines: the next record starts on line 4, not line 3
    text = GOOD.replace("CN,2024", '"C\nN",2024').replace("US,2024,0.0813", "US,2024,bad")
    with pytest.raises(DataValidationError) as err:
        data.parse_csv(_write(tmp_path, text), _toy())
    assert "column 'price_usd_per_kwh', row 2 (line 4; country=US, year=2024): 'bad' is not a valid float" in str(err.value)


def test_generated_pandera_schema_follows_the_declaration():
    from tokenecon.data import validation

    tbl = _toy()
    schema = validation.pandera_schema(tbl)
    assert list(schema.columns) == [c.name for c in tbl.columns]
    assert schema.unique == ["country", "year"] and schema.strict and schema.ordered
    assert not schema.columns["price_usd_per_kwh"].nullable and schema.columns["day"].nullable
    assert validation.pandera_schema(tbl) is schema  # compiled once


def test_duplicate_key_and_schema_drift_are_refused(tmp_path):
    dup = GOOD + "CN,2024,0.09,china,\n"
    with pytest.raises(DataValidationError, match=r"key \['country', 'year'\], row 3 \(line 4; country=CN, year=2024\)"):
        data.parse_csv(_write(tmp_path, dup), _toy())
    extra = GOOD.replace("day\n", "day,note\n").replace("-31\n", "-31,x\n").replace("us,\n", "us,,y\n")
    with pytest.raises(DataValidationError, match=r"unexpected column\(s\) \['note'\]"):
        data.parse_csv(_write(tmp_path, extra), _toy())
    with pytest.raises(FileNotFoundError, match="no data file"):
        data.parse_csv(tmp_path / "absent.csv", _toy())


def test_serialisation_round_trips_byte_for_byte(tmp_path):
    tbl = _toy()
    df = data.parse_csv(_write(tmp_path, GOOD), tbl)
    assert data.to_csv_bytes(df, tbl).decode() == GOOD


def test_hand_compiled_table_must_have_a_source_column():
    with pytest.raises(ValueError, match="needs a 'source' column"):
        Table(name="x", title="x", description="x", columns=(Column("a", "str", "a"),), key=("a",),
              sources=(SRC,), derivation="x", kind="hand-compiled")


def test_build_failure_leaves_previous_outputs_intact(tmp_path, monkeypatch):
    good = _toy(build=lambda raw: data.parse_csv(_write(tmp_path, GOOD), _toy()))

    def broken(raw):
        raise ValueError("raw file changed shape")

    bad = Table(name="toy2", title="T", description="d", columns=good.columns, key=good.key, sources=(SRC,),
                derivation="x", build=broken)
    monkeypatch.setattr(data, "tables", lambda: {"toy": good, "toy2": bad})
    out = tmp_path / "out"
    out.mkdir()
    (out / "toy.csv").write_text("previous\n")
    with pytest.raises(ValueError, match="raw file changed shape"):
        data.build(out_dir=out, raw=tmp_path, names=["toy", "toy2"])
    assert (out / "toy.csv").read_text() == "previous\n"
    assert not (out / "catalog.yaml").exists() and not (out / "datapackage.json").exists()
    written = data.build(out_dir=out, raw=tmp_path, names=["toy"])
    assert (out / "toy.csv").read_text() == GOOD and set(written) == {"toy", "catalog", "datapackage"}


def test_unknown_table_lists_known_names():
    with pytest.raises(KeyError, match="unknown table 'nope'; known tables: .*article_claims"):
        data.load("nope")


# ------------------------------------------------------------------ the real tables in data/

def test_every_table_validates_and_check_counts_rows():
    summaries = data.check()
    assert {s.name for s in summaries} == set(data.tables())
    for s in summaries:
        path = paths.DATA_DIR / f"{s.name}.csv"
        # second method: count non-header records with the csv module
        import csv

        with open(path, newline="", encoding="utf-8") as fh:
            n = sum(1 for _ in csv.reader(fh)) - 1
        assert s.rows == n, s.name
        assert re.fullmatch(r"[0-9a-f]{64}", s.sha256)


def test_catalog_is_generated_from_the_declarations():
    assert paths.CATALOG_PATH.read_text(encoding="utf-8") == data.catalog_text(), (
        "data/catalog.yaml is stale: run `tokenecon data build`"
    )


def test_every_table_has_provenance_and_units():
    for name, tbl in data.tables().items():
        assert tbl.sources, name
        for s in tbl.sources:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", s.retrieved), (name, s.retrieved)
            assert s.licence.strip(), name
            # a URL, or a path (inside a named repository, or in the raw mirror for own measurements)
            assert s.url or s.path, f"{name}: source needs a URL or a repository path"
        if tbl.kind == "hand-compiled":
            df = data.load(name)
            assert df["source"].notna().all() and (df["source"].str.strip() != "").all(), name
        for c in tbl.columns:
            if c.dtype in ("int", "float"):
                assert c.unit, f"{name}.{c.name}: numeric columns state their unit"


def test_no_raw_file_is_committed_verbatim():
    raw = paths.raw_dir()
    if not raw.is_dir():
        pytest.skip("raw mirror absent")
    import hashlib

    raw_hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in raw.rglob("*") if p.is_file()}
    for p in paths.DATA_DIR.glob("*"):
        assert hashlib.sha256(p.read_bytes()).hexdigest() not in raw_hashes, f"{p} is a verbatim raw file"


@pytest.mark.needs_raw
def test_rebuild_from_raw_is_byte_identical(tmp_path):
    cli.build_data(out_dir=tmp_path)
    for name in list(data.tables()) + ["catalog", "datapackage"]:
        ext = {"catalog": "yaml", "datapackage": "json"}.get(name, "csv")
        built, committed = tmp_path / f"{name}.{ext}", paths.DATA_DIR / f"{name}.{ext}"
        assert built.read_bytes() == committed.read_bytes(), f"data/{name}.{ext} differs from a rebuild"


def test_datapackage_is_generated_from_the_declarations_and_files():
    assert (paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8") == data.datapackage_text(), (
        "data/datapackage.json is stale: run `tokenecon data build`"
    )


def test_datapackage_describes_every_table_with_schema_licence_and_hash():
    import hashlib
    import json

    pkg = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["name"]: r for r in pkg["resources"]}
    assert set(res) == set(data.tables())
    hw = res["hardware"]
    assert hw["path"] == "hardware.csv" and hw["type"] == "table" and hw["licenses"] and hw["sources"]
    # second method: the hash is the file's own sha256
    assert hw["hash"] == "sha256:" + hashlib.sha256((paths.DATA_DIR / "hardware.csv").read_bytes()).hexdigest()
    fields = {f["name"]: f for f in hw["schema"]["fields"]}
    tbl = data.table("hardware")
    assert [f["name"] for f in hw["schema"]["fields"]] == [c.name for c in tbl.columns]
    assert hw["schema"]["primaryKey"] == list(tbl.key)
    for c in tbl.columns:
        f = fields[c.name]
        assert f["type"] == {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "date": "date"}[c.dtype]
        assert f["description"] == c.description and f.get("unit") == c.unit
        assert f.get("constraints", {}).get("required", False) == (not c.nullable or c.name in tbl.key)
    cc0 = [r for r in res.values() if any(lic["name"] == "CC0-1.0" for lic in r["licenses"])]
    assert cc0 and all("CC0" in lic["title"] for r in cc0 for lic in r["licenses"] if lic["name"] == "CC0-1.0")


def test_frictionless_validates_the_package_and_catches_a_broken_copy(tmp_path):
    frictionless = pytest.importorskip("frictionless")
    import shutil

    report = frictionless.Package(str(paths.DATA_DIR / "datapackage.json")).validate()
    assert report.valid, [(t.name, [e.message for e in t.errors[:3]]) for t in report.tasks if not t.valid]
    assert report.stats["tasks"] == len(data.tables())
    # the check is not vacuous: a negative price in a copy is found, with its row and rule
    shutil.copytree(paths.DATA_DIR, tmp_path / "d")
    p = tmp_path / "d" / "electricity_prices.csv"
    df = data.load("electricity_prices")
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    value = repr(float(df["industrial_usd_per_kwh"].iloc[0]))
    assert f",{value}," in lines[1]
    lines[1] = lines[1].replace(f",{value},", ",-0.5,", 1)
    p.write_text("".join(lines), encoding="utf-8")
    report = frictionless.Package(str(tmp_path / "d" / "datapackage.json")).validate()
    errors = {(e.type, getattr(e, "row_number", None)) for t in report.tasks for e in t.errors}
    assert ("constraint-error", 2) in errors and ("hash-count", None) in errors


def test_write_catalogue_follows_a_table_written_outside_build(tmp_path):
    import json
    import shutil

    d = tmp_path / "d"
    shutil.copytree(paths.DATA_DIR, d)
    p = d / "electricity_prices.csv"
    p.write_text("".join(p.read_text(encoding="utf-8").splitlines(keepends=True)[:3]), encoding="utf-8")
    data.write_catalogue(d)
    res = {r["name"]: r for r in json.loads((d / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    assert res["electricity_prices"]["bytes"] == p.stat().st_size
    assert (d / "catalog.yaml").read_bytes() == paths.CATALOG_PATH.read_bytes()
    p.write_text(p.read_text(encoding="utf-8").replace(",2024,", ",1800,", 1), encoding="utf-8")
    before = (d / "datapackage.json").read_bytes()
    with pytest.raises(DataValidationError, match="1800 outside the allowed range"):
        data.write_catalogue(d)
    assert (d / "datapackage.json").read_bytes() == before


def test_load_is_memoised_and_a_changed_file_is_read_again(tmp_path, monkeypatch):
    from tokenecon.data import io as data_io

    calls = []
    real = data_io.read_blob
    monkeypatch.setattr(data_io, "read_blob", lambda *a, **k: calls.append(a[2]) or real(*a, **k))
    tbl = _toy()
    monkeypatch.setattr(data, "tables", lambda: {"toy": tbl})
    p = _write(tmp_path, GOOD)
    a = data.load("toy", path=p)
    b = data.load("toy", path=p)
    assert len(calls) == 1 and a.equals(b)
    a.loc[0, "price_usd_per_kwh"] = 99.0  # a caller changing its copy never changes the cache
    assert data.load("toy", path=p)["price_usd_per_kwh"].iloc[0] == 0.079
    p.write_text(GOOD.replace("0.079", "0.08"), encoding="utf-8")
    assert data.load("toy", path=p)["price_usd_per_kwh"].iloc[0] == 0.08 and len(calls) == 2
    data.cache_clear()
    data.load("toy", path=p)
    assert len(calls) == 3


def test_override_injects_a_table_for_lookups_and_is_validated():
    from tokenecon.data import lookup

    hw = data.load("hardware")
    one = hw[hw["hardware"] == "H200"].reset_index(drop=True)
    with data.override({"hardware": one}):
        assert lookup.known_hardware() == ["H200"]
        with pytest.raises(ValueError, match="unknown name 'A100'; known: H200"):
            lookup.hardware_name("A100")
    assert "A100" in lookup.known_hardware()
    broken = one.assign(tdp_w=-1.0)
    with pytest.raises(DataValidationError, match=r"(?s)override of table hardware: .*column 'tdp_w', row 1 \(hardware=H200\): -1 outside"):
        with data.override({"hardware": broken}):
            pass


def test_loading_validated_files_does_not_import_pandera():
    # data/datapackage.json pins each file's sha256 and declaration digest as validated by `data build`:
    # a report reading unchanged tables skips the second pandera run (and pandera's import)
    code = ("import sys; from tokenecon import data\n"
            "for n in data.tables(): data.load(n)\n"
            "print('pandera' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=paths.PROJ_ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False", "a table in data/ is not pinned as validated: run `tokenecon data build`"


def test_a_pinned_table_edited_by_hand_is_validated_again(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(paths.DATA_DIR, tmp_path / "d")
    tbl = data.table("electricity_prices")
    moved = Table(**{**tbl.__dict__})
    monkeypatch.setattr(Table, "path", property(lambda self: tmp_path / "d" / f"{self.name}.csv"))
    monkeypatch.setattr(data, "tables", lambda: {"electricity_prices": moved})
    data.cache_clear()
    assert len(data.load("electricity_prices")) == len(data.load("electricity_prices", path=tbl.path.parent / "electricity_prices.csv"))
    p = tmp_path / "d" / "electricity_prices.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(",2024,", ",1800,", 1), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"column 'year', row 1 .*1800 outside the allowed range"):
        data.load("electricity_prices")
    data.cache_clear()


def test_cli_data_check_prints_one_line_per_table():
    out = subprocess.run([sys.executable, "-m", "tokenecon.cli", "data", "check"], capture_output=True, text=True,
                         cwd=paths.PROJ_ROOT)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == len(data.tables())
    assert all(re.search(r"\d+ rows .* sha256 [0-9a-f]{12}$", line) for line in lines)


def test_cli_build_with_missing_raw_mirror_says_where(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "tokenecon.cli", "data", "build", "--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=paths.PROJ_ROOT,
    )
    assert out.returncode == 2 and "raw-source mirror not found" in out.stderr and "TOKENECON_RAW" in out.stderr


def test_derived_lookup_is_built_once_per_table_version_and_follows_overrides():
    calls = []

    def regions(df):
        calls.append(len(df))
        return sorted(set(df["region"]))

    base = data.load("electricity_prices")
    first = data.derived("electricity_prices", regions)
    assert first == sorted(set(base["region"])) and data.derived("electricity_prices", regions) is first
    assert calls == [len(base)]  # the second call is served from the cache
    small = base[base["region"] == base["region"].iloc[0]]
    with data.override({"electricity_prices": small}):
        assert data.derived("electricity_prices", regions) == [base["region"].iloc[0]]
    assert data.derived("electricity_prices", regions) is first  # back to the file's version
    assert calls == [len(base), len(small)]


def test_model_names_are_words_and_two_versions_stay_apart():
    from tokenecon.data.lookup import distinct_display_names, model_display_name

    assert model_display_name("minimax/minimax-m2.5-20260211") == model_display_name("minimax-m2.5")
    assert model_display_name("nvidia/nemotron-3-ultra-550b-a55b-20260604:free").endswith("(free)")
    a, b, c = distinct_display_names(["deepseek/deepseek-v4-flash-20260731", "deepseek/deepseek-v4-flash-20260423",
                                      "tencent/hy3-20260706"])
    assert a.endswith("(2026-07-31)") and b.endswith("(2026-04-23)") and a[:-13] == b[:-13] and "(" not in c
