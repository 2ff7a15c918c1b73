"""What checking a .csv.gz whole costs ingest (issue 18): the check alone, the load alone, and the load with
the check running beside it, as `pipeline.ingest.load_file` does.

    .venv/bin/python benchmarks/gzip_check.py FILE.csv.gz [--rounds 3]

FILE is a Kaggle file gzipped (e.g. `gzip -k bureau_balance.csv` from `scoring generate --scale 0.1`).
Rounds alternate the two loads, so a slow minute of a shared machine hits both.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kernel.settings import Settings  # noqa: E402
from kernel.warehouse import duckdb_config  # noqa: E402
from pipeline import ingest as ing  # noqa: E402


def load_seconds(source: ing.SourceFile, columns: list[str], settings: Settings, check: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "x.duckdb"), config=duckdb_config(settings))
        con.execute("SET preserve_insertion_order = false")
        original = ing._GzipCheck
        if not check:
            ing._GzipCheck = _NoCheck
        try:
            started = time.perf_counter()
            ing.load_file(con, source, columns, settings)
            return time.perf_counter() - started
        finally:
            ing._GzipCheck = original
            con.close()


class _NoCheck:
    def __init__(self, source) -> None:
        pass

    def result(self) -> None:
        return None

    def cancel(self) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    stem = args.file.name.split(".")[0].lower()
    spec = next(s for s in ing.SPECS if s.table == stem)
    source = ing.SourceFile(spec, args.file, "csv.gz")
    columns = ing.match_columns(source, ing.csv_header(source)[0])
    settings = Settings()
    for r in range(args.rounds):
        started = time.perf_counter()
        assert ing.gzip_damage(args.file) is None
        alone = time.perf_counter() - started
        plain = load_seconds(source, columns, settings, check=False)
        checked = load_seconds(source, columns, settings, check=True)
        print(f"round {r + 1}: check alone {alone:.2f} s; load {plain:.2f} s; load with the check beside it {checked:.2f} s")


if __name__ == "__main__":
    main()
