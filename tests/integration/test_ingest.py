"""`scoring ingest`: real samples and their re-saved variants load faithfully; bad files are rejected
with a one-line message, and the previously published raw.duckdb stays exactly as it was."""

from __future__ import annotations

import csv
import gzip
import hashlib
import shutil
import signal
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from kernel.errors import ScoringError
from kernel.kaggle_schema import FILES, SUBMISSION
from kernel.settings import Settings
from kernel.warehouse import LOCK_NAME
from pipeline.ingest import ingest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
SAMPLES = ("real_head199", "real_random1500")
SPECS = {spec.table: spec for spec in (*FILES.values(), SUBMISSION)}


# --- helpers -----------------------------------------------------------------------------------------


def read_expected(path: Path, spec) -> list[tuple]:
    """The file parsed independently (Python's csv module), typed as the schema says."""
    types = {c.name: c.sql_type for c in spec.columns}
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.upper() for h in next(reader)]
        rows = []
        for record in reader:
            value = dict(zip(header, record))
            row = []
            for name in spec.column_names:
                raw = value[name.upper()]
                if raw == "":
                    row.append(None)
                elif types[name] == "BIGINT":
                    row.append(int(raw))
                elif types[name] == "DOUBLE":
                    row.append(float(raw))
                else:
                    row.append(raw)
            rows.append(tuple(row))
    return rows


def table_rows(db: Path, table: str) -> Counter:
    """The rows of a table, as a multiset: ingest does not promise to keep the file's row order."""
    with duckdb.connect(str(db), read_only=True) as con:
        return Counter(con.execute(f"SELECT * FROM {table}").fetchall())


def snapshot(warehouse: Path) -> dict:
    """What must not change when an ingest fails: the bytes of raw.duckdb, and the directory listing."""
    db = warehouse / "raw.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for (t,) in con.execute("SHOW TABLES").fetchall()}
    return {
        "sha256": hashlib.sha256(db.read_bytes()).hexdigest(),
        # The writer lock file appears with the first write and stays (removing it would race with a waiter).
        "listing": sorted(p.name for p in warehouse.iterdir() if p.name != LOCK_NAME),
        "tables": tables,
    }


def copy_sample(src: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        shutil.copyfile(f, dest / f.name)
    return dest


def edit_lines(path: Path, edit) -> None:
    """Rewrite a CSV file line by line (keeping its line ends): edit(index, fields) -> fields or None."""
    text = path.read_bytes().decode("utf-8")
    eol = "\r\n" if "\r\n" in text else "\n"
    out = []
    for i, line in enumerate(text.split(eol)):
        if line == "":
            out.append(line)
            continue
        fields = next(csv.reader([line]))
        fields = edit(i, fields)
        if fields is not None:
            buf = []
            for f in fields:
                buf.append(f'"{f}"' if "," in f else f)
            out.append(",".join(buf))
    path.write_text(eol.join(out), encoding="utf-8", newline="")


def column_index(path: Path, name: str) -> int:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh)).index(name)


# --- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def ingested(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    """Each real sample ingested once into its own warehouse: name -> (raw.duckdb, report)."""
    out = {}
    for sample in SAMPLES:
        settings = Settings(warehouse=tmp_path_factory.mktemp(f"wh_{sample}"))
        out[sample] = (settings.raw_db, ingest(SHARED / sample, settings))
    return out


@pytest.fixture(scope="session")
def published(ingested) -> Path:
    return ingested["real_head199"][0]


@pytest.fixture
def warehouse(tmp_path, published) -> Settings:
    """A warehouse that already holds a published raw.duckdb (from the head sample)."""
    settings = Settings(warehouse=tmp_path / "warehouse")
    settings.warehouse.mkdir()
    shutil.copyfile(published, settings.raw_db)
    return settings


@pytest.fixture
def data(tmp_path) -> Path:
    """A writable copy of the head sample, to be broken by the test."""
    return copy_sample(SHARED / "real_head199", tmp_path / "data")


def assert_rejected(settings: Settings, data: Path, *fragments: str) -> str:
    before = snapshot(settings.warehouse)
    with pytest.raises(ScoringError) as err:
        ingest(data, settings)
    message = str(err.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    assert snapshot(settings.warehouse) == before  # same bytes, same tables, no scratch file left
    return message


# --- the real samples --------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES)
def test_real_sample_loads_every_value(ingested, sample):
    db, report = ingested[sample]
    for table, spec in SPECS.items():
        path = SHARED / sample / f"{spec.name}.csv"
        lines = path.read_bytes().count(b"\n")
        expected = read_expected(path, spec)
        assert len(expected) == lines - 1
        assert report.tables[table] == lines - 1
        assert table_rows(db, table) == Counter(expected), table


@pytest.mark.parametrize("sample", SAMPLES)
def test_real_sample_columns_and_types_follow_the_schema(ingested, sample):
    db, _ = ingested[sample]
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
    db, _ = ingested[sample]
    path = SHARED / sample / "application_train.csv"
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
    db, report = ingested["real_random1500"]
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
    for src in sorted((SHARED / "real_random1500").iterdir()):
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
    assert_same_tables(settings.raw_db, ingested["real_random1500"][0])


def test_gzipped_files(tmp_path, ingested):
    def rewrite(src: Path, out: Path) -> None:
        (out / (src.name + ".gz")).write_bytes(gzip.compress(src.read_bytes()))

    settings = Settings(warehouse=tmp_path / "wh")
    report = ingest(variant(tmp_path, "gz", rewrite), settings)
    assert_same_tables(settings.raw_db, ingested["real_random1500"][0])
    with duckdb.connect(str(settings.raw_db), read_only=True) as con:
        assert set(con.execute("SELECT DISTINCT format FROM _ingest_log").fetchall()) == {("csv.gz",)}
    assert report.rows == ingested["real_random1500"][1].rows


def test_parquet_files_with_columns_in_another_order(tmp_path, ingested):
    """Parquet written by pandas (integers with NULLs as floats), columns reversed: read by name."""
    import pandas as pd

    def rewrite(src: Path, out: Path) -> None:
        frame = pd.read_csv(src)
        frame[list(reversed(frame.columns))].to_parquet(out / (src.name[: -len(".csv")] + ".parquet"), index=False)

    settings = Settings(warehouse=tmp_path / "wh")
    ingest(variant(tmp_path, "parquet", rewrite), settings)
    assert_same_tables(settings.raw_db, ingested["real_random1500"][0])


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
    assert_same_tables(settings.raw_db, ingested["real_random1500"][0])


def test_optional_files_and_unknown_files(tmp_path, data, capsys):
    (data / "application_test.csv").unlink()
    (data / "sample_submission.csv").unlink()
    shutil.copyfile(SHARED / "HomeCredit_columns_description.csv", data / "HomeCredit_columns_description.csv")
    (data / "README").write_text("not data\n")
    settings = Settings(warehouse=tmp_path / "new" / "warehouse")  # created if missing
    report = ingest(data, settings)
    err = capsys.readouterr().err
    assert "ignoring HomeCredit_columns_description.csv" in err
    assert "ignoring README" in err
    assert "ingest: 8 tables, " in err and str(settings.raw_db) in err
    assert report.tables["application_test"] == 0 and "sample_submission" not in report.tables
    with duckdb.connect(str(settings.raw_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM application_test").fetchone() == (0,)
        cols = con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'application_test' ORDER BY ordinal_position"
        ).fetchall()
        assert [c for (c,) in cols] == FILES["application_test"].column_names
        tables = {t for (t,) in con.execute("SHOW TABLES").fetchall()}
    assert "sample_submission" not in tables and "TARGET" not in [c for (c,) in cols]
    assert sorted(p.name for p in settings.warehouse.iterdir()) == [LOCK_NAME, "raw.duckdb"]  # no scratch file left


# --- rejections: message, and the previous warehouse untouched ----------------------------------------


def test_missing_required_file(warehouse, data):
    (data / "bureau.csv").unlink()
    assert_rejected(warehouse, data, "bureau.csv: missing from")


def test_missing_column(warehouse, data):
    idx = column_index(data / "bureau.csv", "AMT_CREDIT_SUM")
    edit_lines(data / "bureau.csv", lambda i, f: f[:idx] + f[idx + 1 :])
    msg = assert_rejected(warehouse, data, "bureau.csv: missing column AMT_CREDIT_SUM")
    assert "unexpected" not in msg


def test_renamed_column(warehouse, data):
    edit_lines(
        data / "bureau.csv", lambda i, f: [("AMT_CREDIT_SUMM" if v == "AMT_CREDIT_SUM" else v) for v in f] if i == 0 else f
    )
    assert_rejected(warehouse, data, "bureau.csv: unexpected column 'AMT_CREDIT_SUMM'", "missing column AMT_CREDIT_SUM")


def test_test_file_with_a_target_column(warehouse, data):
    edit_lines(data / "application_test.csv", lambda i, f: f + (["TARGET"] if i == 0 else ["0"]))
    assert_rejected(warehouse, data, "application_test.csv: unexpected column 'TARGET'")


def test_wrong_type_names_line_and_column(warehouse, data):
    idx = column_index(data / "application_train.csv", "AMT_CREDIT")
    edit_lines(data / "application_train.csv", lambda i, f: f[:idx] + ["abc"] + f[idx + 1 :] if i == 16 else f)
    msg = assert_rejected(warehouse, data)
    assert msg == "application_train.csv line 17, column AMT_CREDIT: 'abc' is not a number"


def test_wrong_type_in_an_integer_column_of_a_crlf_file(warehouse, tmp_path):
    data = copy_sample(SHARED / "real_random1500", tmp_path / "crlf")
    idx = column_index(data / "bureau.csv", "DAYS_CREDIT")
    edit_lines(data / "bureau.csv", lambda i, f: f[:idx] + ["12 days"] + f[idx + 1 :] if i == 1200 else f)
    msg = assert_rejected(warehouse, data)
    assert msg == "bureau.csv line 1201, column DAYS_CREDIT: '12 days' is not an integer"


@pytest.mark.parametrize("table,column,value", [("application_train", "TARGET", "0.4"), ("bureau", "DAYS_CREDIT", "-160.5")])
def test_decimals_in_an_integer_column_are_refused_not_rounded(warehouse, data, table, column, value):
    """DuckDB reads "0.4" into a BIGINT as 0: a label flipped without a word. The load refuses it."""
    idx = column_index(data / f"{table}.csv", column)
    edit_lines(data / f"{table}.csv", lambda i, f: f[:idx] + [value] + f[idx + 1 :] if i == 20 else f)
    msg = assert_rejected(warehouse, data)
    assert msg == f"{table}.csv line 21, column {column}: {value} is not an integer (no decimals expected)"


def test_whole_numbers_written_with_a_decimal_point_are_integers(warehouse, data):
    idx = column_index(data / "bureau.csv", "DAYS_CREDIT")
    edit_lines(data / "bureau.csv", lambda i, f: f[:idx] + [f[idx] + ".0"] + f[idx + 1 :] if i >= 1 else f)
    ingest(data, warehouse)
    con = duckdb.connect(str(warehouse.raw_db), read_only=True)
    try:
        assert con.execute("select typeof(DAYS_CREDIT), count(*) from bureau group by 1").fetchall()[0][0] == "BIGINT"
    finally:
        con.close()


@pytest.mark.parametrize(
    "args", [["--warehouse", "{file}", "ingest", "{data}"], ["generate", "--out", "{file}", "--scale", "0.001"]]
)
def test_file_system_errors_are_one_line(tmp_path, data, args):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a directory")
    cmd = [sys.executable, "-m", "scoring", *(a.format(file=a_file, data=data) for a in args)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith(f"error: {a_file}: ") and "Traceback" not in done.stderr, done.stderr


def test_duplicate_key(warehouse, data):
    lines = (data / "bureau.csv").read_text().splitlines(keepends=True)
    key = lines[5].split(",")[1]
    (data / "bureau.csv").write_text("".join(lines + [lines[5]]))
    assert_rejected(warehouse, data, f"bureau.csv: duplicate SK_ID_BUREAU {key} (2 rows)")


def test_duplicate_composite_key(warehouse, data):
    lines = (data / "bureau_balance.csv").read_text().splitlines(keepends=True)
    bureau, month = lines[3].split(",")[:2]
    (data / "bureau_balance.csv").write_text("".join(lines[:7] + [lines[3]] + lines[7:]))
    assert_rejected(warehouse, data, f"bureau_balance.csv: duplicate key SK_ID_BUREAU={bureau}, MONTHS_BALANCE={month}")


def test_empty_key(warehouse, data):
    edit_lines(data / "previous_application.csv", lambda i, f: [""] + f[1:] if i == 9 else f)
    assert_rejected(warehouse, data, "previous_application.csv: column SK_ID_PREV is empty in 1 row")


def test_applicant_in_both_train_and_test(warehouse, data):
    train_id = (data / "application_train.csv").read_text().splitlines()[7].split(",")[0]
    edit_lines(data / "application_test.csv", lambda i, f: [train_id] + f[1:] if i == 3 else f)
    assert_rejected(warehouse, data, f"application_test.csv: SK_ID_CURR {train_id} is also in application_train.csv")


def test_empty_file(warehouse, data):
    (data / "bureau.csv").write_bytes(b"")
    assert_rejected(warehouse, data, "bureau.csv: empty file")


def test_header_only_file(warehouse, data):
    header = (data / "bureau.csv").read_text().splitlines()[0]
    (data / "bureau.csv").write_text(header + "\n")
    assert_rejected(warehouse, data, "bureau.csv: no rows after the header")


def test_truncated_file(warehouse, data):
    raw = (data / "installments_payments.csv").read_bytes()
    (data / "installments_payments.csv").write_bytes(raw[: raw.rindex(b",", 0, len(raw) - 30)])
    lines = raw.count(b"\n")
    assert_rejected(warehouse, data, f"installments_payments.csv line {lines}: ", "where 8 are expected (truncated file")


def test_zip_archive_named_csv(warehouse, data, tmp_path):
    with zipfile.ZipFile(tmp_path / "bureau.zip", "w") as zf:
        zf.write(data / "bureau.csv", "bureau.csv")
    shutil.copyfile(tmp_path / "bureau.zip", data / "bureau.csv")
    assert_rejected(warehouse, data, "bureau.csv: not a CSV file: a zip archive")


def test_binary_garbage(warehouse, data):
    (data / "previous_application.csv").write_bytes(bytes(range(256)) * 64)
    assert_rejected(warehouse, data, "previous_application.csv: not a CSV file")


def test_text_that_is_not_this_file(warehouse, data):
    shutil.copyfile(SHARED / "README.md", data / "credit_card_balance.csv")
    assert_rejected(warehouse, data, "credit_card_balance.csv: not a credit_card_balance file")


def test_same_file_twice(warehouse, data):
    (data / "bureau.csv.gz").write_bytes(gzip.compress((data / "bureau.csv").read_bytes()))
    assert_rejected(warehouse, data, "bureau.csv", "given twice")


def test_unterminated_quote(warehouse, data):
    edit_lines(data / "application_train.csv", lambda i, f: f[:11] + ['"' + f[11]] + f[12:] if i == 40 else f)
    msg = assert_rejected(warehouse, data)
    assert msg == "application_train.csv line 41: Value with unterminated quote found."


def test_text_not_utf8(warehouse, data):
    """A file re-saved by a Windows tool in cp1252."""
    path = data / "previous_application.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[8] = lines[8].replace(",XNA,", ",Déjà vu,", 1)
    assert "Déjà" in lines[8]
    path.write_bytes("".join(lines).encode("cp1252"))
    assert_rejected(warehouse, data, "previous_application.csv line 9: not UTF-8 text (byte 0xe9)")


def test_semicolon_separated(warehouse, data):
    path = data / "bureau.csv"
    path.write_text(path.read_text().replace(",", ";"))
    assert_rejected(warehouse, data, "bureau.csv: fields are separated by ';'")


def test_truncated_gzip(warehouse, data):
    raw = gzip.compress((data / "bureau.csv").read_bytes())
    (data / "bureau.csv").unlink()
    (data / "bureau.csv.gz").write_bytes(raw[: len(raw) // 2])
    assert_rejected(warehouse, data, "bureau.csv.gz: damaged or truncated gzip file")


@pytest.mark.parametrize("bad", ["abc", -160.5])
def test_parquet_value_of_the_wrong_type(warehouse, data, bad):
    import pandas as pd

    frame = pd.read_csv(data / "bureau.csv", dtype={"DAYS_CREDIT": str if isinstance(bad, str) else float})
    frame.loc[16, "DAYS_CREDIT"] = bad
    frame.to_parquet(data / "bureau.parquet", index=False)
    (data / "bureau.csv").unlink()
    msg = assert_rejected(warehouse, data)
    assert msg == f"bureau.parquet row 17, column DAYS_CREDIT: '{bad}' is not an integer"


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
    data2 = copy_sample(SHARED / "real_head199", tmp_path / "data2")
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
def test_generated_data_ingests(tmp_path, fmt, capsys):
    from pipeline.generate import generate

    data = tmp_path / "generated"
    generate(data, scale=0.01, seed=7, fmt=fmt)
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
    data = copy_sample(SHARED / "real_head199", tmp_path_factory.mktemp("long") / "data")
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
