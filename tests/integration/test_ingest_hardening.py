"""Issue 18: no row lost silently (a damaged .csv.gz is refused), impossible values refused at the door with
file, line and column, rows per file and a missing application_test in the summary, one writer at a time,
leftovers of killed runs removed. Real DuckDB files on the real samples."""

from __future__ import annotations

import csv
import gzip
import os
import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import duckdb
import pytest
from real_data import FIXTURES, REPO

from kernel.errors import ScoringError
from kernel.settings import Settings
from kernel.warehouse import LOCK_NAME
from pipeline.ingest import gzip_damage, ingest

SAMPLE = FIXTURES / "real_random1500"


@pytest.fixture
def data(tmp_path) -> Path:
    out = tmp_path / "data"
    shutil.copytree(SAMPLE, out)
    return out


@pytest.fixture
def warehouse(tmp_path) -> Settings:
    return Settings(warehouse=tmp_path / "warehouse")


def refused(data: Path, settings: Settings) -> str:
    """Ingest must fail with one line and publish nothing."""
    with pytest.raises(ScoringError) as info:
        ingest(data, settings)
    msg = str(info.value)
    assert "\n" not in msg
    assert not settings.raw_db.exists()
    return msg


def set_value(path: Path, column: str, line: int, value: str) -> None:
    """Write `value` into `column` on file line `line` (the header is line 1)."""
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    rows[line - 1][rows[0].index(column)] = value
    with open(path, "w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


# --- damaged gzip -------------------------------------------------------------------------------------


def flushed_gzip(raw: bytes, every: int) -> tuple[bytes, list[int]]:
    """gzip `raw` with a full flush after every `every` lines; return it and the flush offsets. A file cut at
    such an offset inflates cleanly up to a line end: DuckDB's reader took it as complete."""
    lines = raw.splitlines(keepends=True)
    comp = zlib.compressobj(6, zlib.DEFLATED, 31)
    out, offsets = bytearray(), []
    for i in range(0, len(lines), every):
        out += comp.compress(b"".join(lines[i : i + every]))
        out += comp.flush(zlib.Z_FULL_FLUSH)
        offsets.append(len(out))
    out += comp.flush()
    return bytes(out), offsets


@pytest.mark.parametrize("cut", [0.25, 0.5, 0.835, 0.999, -4, "flush"])
def test_a_truncated_gzip_is_refused_as_damaged(data, warehouse, cut):
    raw = (data / "bureau.csv").read_bytes()
    (data / "bureau.csv").unlink()
    packed, offsets = flushed_gzip(raw, every=100)
    if cut == "flush":
        end = offsets[len(offsets) // 2]  # rows 1..~700 intact, no end marker
    elif isinstance(cut, float):
        end = int(len(packed) * cut)
    else:
        end = len(packed) + cut  # the trailer's length field missing
    (data / "bureau.csv.gz").write_bytes(packed[:end])
    msg = refused(data, warehouse)
    assert msg.startswith("bureau.csv.gz: damaged or truncated gzip file"), msg


def test_a_gzip_with_a_wrong_crc_is_refused(data, warehouse):
    packed = bytearray(gzip.compress((data / "bureau.csv").read_bytes()))
    packed[-8] ^= 0xFF  # first byte of the CRC-32 in the trailer
    (data / "bureau.csv").unlink()
    (data / "bureau.csv.gz").write_bytes(bytes(packed))
    assert "damaged or truncated" in refused(data, warehouse)


def test_whole_gzip_files_ingest_with_their_rows(data, warehouse):
    """The check refuses nothing sound: whole files, flushed ones, two concatenated members."""
    raw = (data / "bureau.csv").read_bytes()
    (data / "bureau.csv").unlink()
    (data / "bureau.csv.gz").write_bytes(flushed_gzip(raw, every=100)[0])
    (data / "previous_application.csv.gz").write_bytes(gzip.compress((data / "previous_application.csv").read_bytes()))
    (data / "previous_application.csv").unlink()
    assert gzip_damage(data / "bureau.csv.gz") is None
    report = ingest(data, warehouse)
    rows = raw.count(b"\n") - 1  # the excerpt's, or the whole sample's
    assert report.tables["bureau"] == rows
    assert f"bureau: {rows:,} rows from bureau.csv.gz" in report.summary()
    with duckdb.connect(str(warehouse.raw_db), read_only=True) as con:
        logged = dict(con.execute('SELECT "table", rows FROM _ingest_log').fetchall())
    assert logged == report.tables


def test_concatenated_gzip_members_are_one_sound_file(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(gzip.compress(b"a,b\n1,2\n") + gzip.compress(b"3,4\n"))
    assert gzip_damage(path) is None
    path.write_bytes(gzip.compress(b"a,b\n1,2\n") + gzip.compress(b"3,4\n")[:-3])
    assert "ends early" in gzip_damage(path)


# --- impossible values --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "-inf", "Infinity", "NaN", "nan", "1e309", "1e308"])
def test_non_finite_or_absurd_amounts_are_refused(data, warehouse, value):
    set_value(data / "application_train.csv", "AMT_CREDIT", 17, value)
    msg = refused(data, warehouse)
    assert msg.startswith("application_train.csv line 17, column AMT_CREDIT: "), msg
    assert msg.endswith("is not a finite number") or "outside the possible range [0, 1e+10]" in msg


def test_an_infinite_value_in_an_integer_column_names_its_line(data, warehouse):
    set_value(data / "application_train.csv", "DAYS_BIRTH", 30, "inf")
    assert refused(data, warehouse) == "application_train.csv line 30, column DAYS_BIRTH: inf is not a finite number"


@pytest.mark.parametrize(
    "table,column,value,expected",
    [
        ("application_train", "CNT_CHILDREN", "-1", "-1.0 is outside the possible range [0, 1e+06]"),
        ("application_train", "TARGET", "2", "2.0 is outside the possible range [0, 1]"),
        ("previous_application", "CNT_PAYMENT", "-12.0", "-12.0 is outside the possible range [0, 1e+06]"),
        ("application_train", "EXT_SOURCE_2", "1.5", "1.5 is outside the possible range [0, 1]"),
    ],
)
def test_values_outside_the_possible_range_are_refused(data, warehouse, table, column, value, expected):
    set_value(data / f"{table}.csv", column, 12, value)
    assert refused(data, warehouse) == f"{table}.csv line 12, column {column}: {expected}"


def test_real_negative_amounts_are_kept(data, warehouse):
    """Bureau debt and card receivables below zero mean something (the real files have them)."""
    set_value(data / "bureau.csv", "AMT_CREDIT_SUM_DEBT", 5, "-4705600.32")
    set_value(data / "credit_card_balance.csv", "AMT_RECIVABLE", 5, "-420250.185")
    ingest(data, warehouse)
    with duckdb.connect(str(warehouse.raw_db), read_only=True) as con:
        assert con.execute("SELECT min(AMT_CREDIT_SUM_DEBT) FROM bureau").fetchone()[0] == -4705600.32


def test_parquet_values_outside_the_range_name_their_row(data, warehouse):
    set_value(data / "bureau.csv", "CNT_CREDIT_PROLONG", 8, "-3")
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM read_csv('{data / 'bureau.csv'}')) TO '{data / 'bureau.parquet'}' (FORMAT parquet)")
    (data / "bureau.csv").unlink()
    msg = refused(data, warehouse)
    assert msg == "bureau.parquet row 7, column CNT_CREDIT_PROLONG: -3 is outside the possible range [0, 1e+06]", msg


# --- summary, warnings ----------------------------------------------------------------------------------


def test_a_missing_application_test_is_a_warning(data, warehouse, capsys):
    (data / "application_test.csv").unlink()
    report = ingest(data, warehouse)
    assert report.tables["application_test"] == 0
    err = capsys.readouterr().err
    assert "ingest: warning: no application_test file" in err and "0 new applications" in err


# --- one writer at a time, leftovers --------------------------------------------------------------------

HOLD_LOCK = (
    "import sys, time; from kernel.warehouse import acquire_writer_lock; "
    "acquire_writer_lock(sys.argv[1]); print('held', flush=True); time.sleep(120)"
)


def hold_lock(warehouse: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(warehouse)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_is_refused_at_once_and_a_killed_ones_lock_is_stale(data, warehouse):
    holder = hold_lock(warehouse.warehouse)
    try:
        started = time.perf_counter()
        with pytest.raises(ScoringError, match=rf"a build is already running \(pid {holder.pid}\)"):
            ingest(data, warehouse)
        assert time.perf_counter() - started < 2
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (warehouse.warehouse / LOCK_NAME).read_text().strip() == str(holder.pid)  # the dead holder's pid
    ingest(data, warehouse)  # the OS released the lock of the killed process
    assert warehouse.raw_db.exists()


def test_leftovers_of_a_killed_ingest_are_removed(data, warehouse):
    warehouse.warehouse.mkdir(parents=True)
    left = [warehouse.warehouse / ".raw.duckdb.0123456789ab.tmp", warehouse.warehouse / ".raw.duckdb.0123456789ab.tmp.wal"]
    for p in left:
        p.write_bytes(b"x" * 1000)
    other = warehouse.warehouse / ".model.duckdb.0123456789ab.tmp"  # another step's: not ingest's to remove
    other.write_bytes(b"x")
    ingest(data, warehouse)
    assert not any(p.exists() for p in left)
    assert other.exists()


def test_kill_9_during_ingest_then_the_next_ingest_cleans_up(tmp_path):
    """A real kill -9 mid-load (a big enough gzip file to be caught loading), then a clean run."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    with gzip.open(data / "bureau_balance.csv.gz", "wt", compresslevel=1) as fh:
        fh.write("SK_ID_BUREAU,MONTHS_BALANCE,STATUS\n")
        fh.writelines(f"{5000000 + i // 40},{-(i % 40)},C\n" for i in range(3_000_000))
    (data / "bureau_balance.csv").unlink()
    wh = tmp_path / "wh"
    proc = subprocess.Popen(
        [sys.executable, "-m", "scoring.cli", "--warehouse", str(wh), "ingest", str(data)],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    deadline = time.time() + 120
    while not list(wh.glob(".raw.duckdb.*.tmp")) and time.time() < deadline:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    assert list(wh.glob(".raw.duckdb.*.tmp*")), "the kill came too late to leave a scratch file"
    settings = Settings(warehouse=wh)
    (data / "bureau_balance.csv.gz").unlink()
    shutil.copy(SAMPLE / "bureau_balance.csv", data)
    ingest(data, settings)
    assert not list(wh.glob(".raw.duckdb.*"))
