"""`scoring ingest` refuses bad files with a one-line message, and the previously published raw.duckdb stays
exactly as it was. Each case breaks a copy of the real head excerpt (tests/fixtures/real_head199)."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
import zipfile

import duckdb
import pytest
from ingest_support import assert_rejected, column_index, copy_sample, edit_lines, sample_dir
from real_data import FIXTURES

from kernel.kaggle_schema import FILES
from kernel.settings import Settings
from kernel.warehouse import LOCK_NAME
from pipeline.ingest import ingest


def test_optional_files_and_unknown_files(tmp_path, data, capsys):
    (data / "application_test.csv").unlink()
    (data / "sample_submission.csv").unlink()
    shutil.copyfile(FIXTURES / "HomeCredit_columns_description.csv", data / "HomeCredit_columns_description.csv")
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


@pytest.mark.parametrize(("sample", "line"), [("real_random1500", 151), ("full/real_random1500", 1201)])
def test_wrong_type_in_an_integer_column_of_a_crlf_file(warehouse, tmp_path, sample, line):
    data = copy_sample(sample_dir(sample), tmp_path / "crlf")
    idx = column_index(data / "bureau.csv", "DAYS_CREDIT")
    edit_lines(data / "bureau.csv", lambda i, f: f[:idx] + ["12 days"] + f[idx + 1 :] if i == line - 1 else f)
    msg = assert_rejected(warehouse, data)
    assert msg == f"bureau.csv line {line}, column DAYS_CREDIT: '12 days' is not an integer"


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
    shutil.copyfile(FIXTURES / "README.md", data / "credit_card_balance.csv")
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
