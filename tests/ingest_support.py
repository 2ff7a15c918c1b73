"""Helpers of the ingest tests (tests/unit/test_ingest_rejections.py, tests/integration/test_ingest.py): the files
parsed independently, the warehouse's state before and after, and CSV files edited line by line."""

from __future__ import annotations

import csv
import gzip
import hashlib
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from real_data import FIXTURES, shared

from kernel.errors import ScoringError
from kernel.kaggle_schema import FILES, SUBMISSION
from kernel.settings import Settings
from kernel.warehouse import LOCK_NAME
from pipeline.ingest import ingest

SPECS = {spec.table: spec for spec in (*FILES.values(), SUBMISSION)}


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


def sample_dir(sample: str) -> Path:
    """An excerpt of tests/fixtures/, or with the prefix "full/" the whole sample of ../shared/data (else skip)."""
    if sample.startswith("full/"):
        return shared(sample.removeprefix("full/"), "the whole real sample, beyond the excerpt")
    return FIXTURES / sample


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
