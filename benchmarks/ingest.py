"""Benchmark `scoring ingest` at full scale (58 million rows, about 2.6 GB of CSV).

    .venv/bin/python benchmarks/ingest.py [--data DIR] [--scale full|FRACTION] [--resample]

The data comes from `pipeline.generate` (reused if DIR already holds it). `--resample` instead writes
real sample rows again and again with fresh keys (the fallback used before the generator existed).
The ingest runs as the real CLI in a child process, so its seconds and peak RSS are its own.
Prints seconds, rows/s and peak RSS; the target is at most 30 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.measure import in_fresh_process, run_measured  # noqa: E402
from kernel.kaggle_schema import FILES, SUBMISSION  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def resample_real(out: Path, scale: float) -> None:
    """Real rows from the random sample, repeated to the full data set's row counts, with unique keys."""
    profile = json.loads((SHARED / "homecredit_profile.json").read_text())["full_scale"]
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    fresh = {  # key columns that must stay unique: value from the row number
        "application_train": {"SK_ID_CURR": "100000 + i"},
        "application_test": {"SK_ID_CURR": "1000000 + i"},
        "bureau": {"SK_ID_BUREAU": "5000000 + i"},
        "bureau_balance": {"SK_ID_BUREAU": "5000000 + i // 20", "MONTHS_BALANCE": "-(i % 20)"},
        "previous_application": {"SK_ID_PREV": "1000000 + i"},
        "sample_submission": {"SK_ID_CURR": "1000000 + i"},
    }
    for spec in (*FILES.values(), SUBMISSION):
        src = SHARED / "real_random1500" / f"{spec.name}.csv"
        rows = int(profile.get(spec.name, profile.get("application_test"))["rows"] * scale)
        exprs = ", ".join(
            f'CAST({fresh.get(spec.table, {})[c]} AS VARCHAR) AS "{c}"' if c in fresh.get(spec.table, {}) else f'"{c}"'
            for c in spec.column_names
        )
        started = time.perf_counter()
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE sample AS SELECT row_number() OVER () - 1 AS rn, * "
            f"FROM read_csv('{src}', all_varchar=true, header=true)"
        )
        n = con.execute("SELECT count(*) FROM sample").fetchone()[0]
        con.execute(
            f"COPY (SELECT {exprs} FROM (SELECT range AS i FROM range({rows})) JOIN sample ON rn = i % {n} ORDER BY i) "
            f"TO '{out / (spec.name + '.csv')}' (HEADER, DELIMITER ',')"
        )
        print(f"resampled {spec.name}: {rows:,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    (out / ".complete").write_text("resampled\n")


def make_data(out: Path, scale: str | float, resample: bool) -> None:
    if resample:
        if not (out / ".complete").exists():
            resample_real(out, 1.0 if scale == "full" else float(scale))
        return
    from pipeline.generate import generate, is_complete

    if not is_complete(out):
        generate(out, scale=scale, seed=42, fmt="csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=None, help="data directory (made if missing)")
    parser.add_argument("--scale", default="full")
    parser.add_argument("--resample", action="store_true", help="resampled real rows instead of the generator")
    args = parser.parse_args()
    scale = args.scale if args.scale in ("full", "small") else float(args.scale)
    kind = "resampled" if args.resample else "generated"
    data = args.data or ROOT / "warehouse" / "bench" / f"{kind}_{args.scale}"
    # In its own interpreter: the generator's ~3 GB would otherwise be the ingest's peak RSS.
    in_fresh_process(make_data, data, scale, args.resample)
    csv_bytes = sum(p.stat().st_size for p in data.iterdir() if p.is_file())

    warehouse = Path(tempfile.mkdtemp(prefix="bench_ingest_", dir=ROOT / "warehouse"))
    try:
        measured = run_measured([sys.executable, "-m", "scoring", "--warehouse", str(warehouse), "ingest", str(data)])
        if measured.status != 0:
            sys.exit(f"ingest failed (exit {measured.status})")
        seconds, peak_mb, cpu = measured.seconds, measured.peak_mb, measured.cpu
        con = duckdb.connect(str(warehouse / "raw.duckdb"), read_only=True)
        rows = con.execute("SELECT sum(rows) FROM _ingest_log").fetchone()[0]
        db_bytes = (warehouse / "raw.duckdb").stat().st_size
        con.close()
    finally:
        shutil.rmtree(warehouse, ignore_errors=True)
    print(f"data: {data} ({kind}, {csv_bytes / 1e9:.2f} GB)")
    print(f"ingest: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s, {csv_bytes / 1e6 / seconds:,.0f} MB/s")
    print(f"CPU: {cpu:.1f} s (user + system; on a busy machine, CPU / 2 cores is what an idle one would take)")
    print(f"peak RSS: {peak_mb:,.0f} MB; raw.duckdb {db_bytes / 1e9:.2f} GB; target <= 30 s")


if __name__ == "__main__":
    main()
