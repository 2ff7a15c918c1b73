"""`scoring ingest`: real samples and their re-saved variants load faithfully, through the CLI too; generated
data goes through the same door; an interrupted load publishes nothing. The rejections of bad files are in
tests/unit/test_ingest_rejections.py."""

from __future__ import annotations

import csv
import gzip
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from ingest_support import SPECS, column_index, copy_sample, edit_lines, read_expected, sample_dir, snapshot, table_rows
from real_data import FIXTURES

from kernel.settings import Settings
from pipeline.ingest import ingest

# The excerpts in tests/fixtures/, and the full samples of ../shared/data (the 48,744-id submission, all
# 1,500 random rows) when they are there.
SAMPLES = ("real_head199", "real_random1500", "full/real_head199", "full/real_random1500")


@pytest.fixture(scope="session")
def ingested(tmp_path_factory):
    """Each real sample ingested once into its own warehouse, on first use: name -> (raw.duckdb, report)."""
    done: dict[str, tuple[Path, object]] = {}

    def get(sample: str) -> tuple[Path, object]:
        if sample not in done:
            data = sample_dir(sample)
            settings = Settings(warehouse=tmp_path_factory.mktemp("wh_" + sample.replace("/", "_")))
            done[sample] = (settings.raw_db, ingest(data, settings))
        return done[sample]

    return get


# --- the real samples --------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES)
def test_real_sample_loads_every_value(ingested, sample):
    db, report = ingested(sample)
    for table, spec in SPECS.items():
        path = sample_dir(sample) / f"{spec.name}.csv"
        lines = path.read_bytes().count(b"\n")
        expected = read_expected(path, spec)
        assert len(expected) == lines - 1
        assert report.tables[table] == lines - 1
        assert table_rows(db, table) == Counter(expected), table


@pytest.mark.parametrize("sample", SAMPLES)
def test_real_sample_columns_and_types_follow_the_schema(ingested, sample):
    db, _ = ingested(sample)
    with duckdb.connect(str(db), read_only=True) as con:
        for table, spec in SPECS.items():
            got = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()
            assert got == [(c.name, c.sql_type) for c in spec.columns], table
        assert con.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'application_train'"
        ).fetchone() == (122,)
        assert con.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'application_test'"
        ).fetchone() == (121,)


@pytest.mark.parametrize("sample", SAMPLES)
def test_real_sample_quirks_survive(ingested, sample):
    """Quoted commas intact, empty fields NULL, sentinels and odd spellings kept as they are."""
    db, _ = ingested(sample)
    path = sample_dir(sample) / "application_train.csv"
    raw = path.read_text(encoding="utf-8")
    with duckdb.connect(str(db), read_only=True) as con:
        spouse = con.execute("SELECT count(*) FROM application_train WHERE NAME_TYPE_SUITE = 'Spouse, partner'").fetchone()[0]
        assert spouse == raw.count('"Spouse, partner"') > 0
        idx = column_index(path, "EXT_SOURCE_1")
        with open(path, encoding="utf-8", newline="") as fh:
            empty = sum(1 for rec in list(csv.reader(fh))[1:] if rec[idx] == "")
        assert empty > 0
        assert con.execute("SELECT count(*) - count(EXT_SOURCE_1) FROM application_train").fetchone()[0] == empty
        assert con.execute("SELECT count(*) FROM credit_card_balance WHERE AMT_RECIVABLE IS NOT NULL").fetchone()[0] > 0


def test_ingest_log_records_sources(ingested):
    db, report = ingested("real_random1500")
    with duckdb.connect(str(db), read_only=True) as con:
        log = con.execute('SELECT file, "table", rows, bytes, format, ingested_at FROM _ingest_log ORDER BY "table"').fetchall()
    assert {row[1] for row in log} == set(SPECS)
    for file, table, rows, size, fmt, at in log:
        assert Path(file).name == f"{SPECS[table].name}.csv"
        assert size == Path(file).stat().st_size
        assert (rows, fmt) == (report.tables[table], "csv")
        assert at is not None
    assert report.rows == sum(row[2] for row in log)


# --- re-saved variants -------------------------------------------------------------------------------


def variant(tmp_path: Path, name: str, rewrite) -> Path:
    """The random sample re-saved: rewrite(src, dest_dir) writes each file as the variant would."""
    out = tmp_path / name
    out.mkdir()
    for src in sorted((FIXTURES / "real_random1500").iterdir()):
        rewrite(src, out)
    return out


def assert_same_tables(db: Path, reference: Path) -> None:
    for table in SPECS:
        assert table_rows(db, table) == table_rows(reference, table), table


def test_bom_and_lower_case_names(tmp_path, ingested):
    def rewrite(src: Path, out: Path) -> None:
        (out / src.name.lower()).write_bytes(b"\xef\xbb\xbf" + src.read_bytes())

    data = variant(tmp_path, "bom_lower", rewrite)
    assert (data / "pos_cash_balance.csv").exists()
    settings = Settings(warehouse=tmp_path / "wh")
    ingest(data, settings)
    assert_same_tables(settings.raw_db, ingested("real_random1500")[0])


def test_gzipped_files(tmp_path, ingested):
    def rewrite(src: Path, out: Path) -> None:
        (out / (src.name + ".gz")).write_bytes(gzip.compress(src.read_bytes()))

    settings = Settings(warehouse=tmp_path / "wh")
    report = ingest(variant(tmp_path, "gz", rewrite), settings)
    assert_same_tables(settings.raw_db, ingested("real_random1500")[0])
    with duckdb.connect(str(settings.raw_db), read_only=True) as con:
        assert set(con.execute("SELECT DISTINCT format FROM _ingest_log").fetchall()) == {("csv.gz",)}
    assert report.rows == ingested("real_random1500")[1].rows


def test_parquet_files_with_columns_in_another_order(tmp_path, ingested):
    """Parquet written by pandas (integers with NULLs as floats), columns reversed: read by name."""
    import pandas as pd

    def rewrite(src: Path, out: Path) -> None:
        frame = pd.read_csv(src)
        frame[list(reversed(frame.columns))].to_parquet(out / (src.name[: -len(".csv")] + ".parquet"), index=False)

    settings = Settings(warehouse=tmp_path / "wh")
    ingest(variant(tmp_path, "parquet", rewrite), settings)
    assert_same_tables(settings.raw_db, ingested("real_random1500")[0])


def test_train_and_test_columns_read_by_name(tmp_path, ingested):
    """Columns shuffled in the CSV files: the tables still come out in Kaggle order with the same values."""

    def rewrite(src: Path, out: Path) -> None:
        with open(src, encoding="utf-8", newline="") as fh:
            records = list(csv.reader(fh))
        order = list(range(len(records[0])))[::-1]
        with open(out / src.name, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows([[rec[i] for i in order] for rec in records])

    settings = Settings(warehouse=tmp_path / "wh")
    ingest(variant(tmp_path, "shuffled", rewrite), settings)
    assert_same_tables(settings.raw_db, ingested("real_random1500")[0])


def test_cli_reports_one_error_line(tmp_path, published, data):
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    shutil.copyfile(published, warehouse / "raw.duckdb")
    before = snapshot(warehouse)
    edit_lines(
        data / "bureau.csv", lambda i, f: [("AMT_CREDIT_SUMM" if v == "AMT_CREDIT_SUM" else v) for v in f] if i == 0 else f
    )
    cmd = [sys.executable, "-m", "scoring", "--warehouse", str(warehouse), "ingest", str(data)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.splitlines() == ["error: bureau.csv: unexpected column 'AMT_CREDIT_SUMM'; missing column AMT_CREDIT_SUM"]
    assert snapshot(warehouse) == before

    # A bad value deep in a later file: progress lines first, then exactly one error line.
    data2 = copy_sample(FIXTURES / "real_head199", tmp_path / "data2")
    idx = column_index(data2 / "credit_card_balance.csv", "AMT_BALANCE")
    edit_lines(data2 / "credit_card_balance.csv", lambda i, f: f[:idx] + ["1,5"] + f[idx + 1 :] if i == 150 else f)
    done = subprocess.run([*cmd[:-1], str(data2)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: credit_card_balance.csv line 151, column AMT_BALANCE: '1,5' is not a number"]
    assert done.stderr.splitlines()[-1] == errors[0]
    assert snapshot(warehouse) == before


# --- generated data: the same door ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_generated_data_ingests(tmp_path, fmt, capsys, request):
    # The session's generated data sets (tests/conftest.py), one per format.
    data = request.getfixturevalue("generated_data" if fmt == "csv" else "generated_parquet")
    settings = Settings(warehouse=tmp_path / "wh")
    report = ingest(data, settings)
    assert "ignoring" not in capsys.readouterr().err  # the generator's marker and truth/ are expected
    assert set(report.tables) == set(SPECS)
    for table, spec in SPECS.items():
        path = data / f"{spec.name}.{fmt}"
        if fmt == "csv":
            assert report.tables[table] == path.read_bytes().count(b"\n") - 1, table
        else:
            with duckdb.connect() as con:
                assert (
                    report.tables[table]
                    == con.execute("SELECT num_rows FROM parquet_file_metadata(?)", [str(path)]).fetchone()[0]
                )
        assert report.tables[table] > 0, table
    if fmt == "csv":
        for table in ("application_train", "bureau", "credit_card_balance"):
            assert table_rows(settings.raw_db, table) == Counter(read_expected(data / f"{SPECS[table].name}.csv", SPECS[table]))


# --- interruption -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_data(tmp_path_factory) -> Path:
    """The head sample with a bureau_balance of 4 million rows, so the load lasts long enough to interrupt."""
    data = copy_sample(FIXTURES / "real_head199", tmp_path_factory.mktemp("long") / "data")
    duckdb.sql(
        "COPY (SELECT 5000000 + i // 20 AS SK_ID_BUREAU, -(i % 20) AS MONTHS_BALANCE, 'C' AS STATUS "
        f"FROM (SELECT range AS i FROM range(4000000))) TO '{data / 'bureau_balance.csv'}' (HEADER)"
    )
    return data


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_ingest_publishes_nothing(tmp_path, published, long_data, signum):
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    shutil.copyfile(published, warehouse / "raw.duckdb")
    before = snapshot(warehouse)
    cmd = [sys.executable, "-m", "scoring", "--warehouse", str(warehouse), "ingest", str(long_data)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in proc.stderr:  # signal as soon as the big table starts loading
        lines.append(line.rstrip("\n"))
        if line.startswith("ingest bureau:"):
            proc.send_signal(signum)
    assert proc.wait(timeout=120) == 130
    assert lines[-1] == "error: interrupted; nothing published"
    assert snapshot(warehouse) == before
