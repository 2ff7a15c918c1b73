"""Benchmark `scoring build` (dbt build with all its tests, raw tables -> published marts) at full scale.

    .venv/bin/python benchmarks/build.py [--data DIR] [--scale full|FRACTION] [--runs N]

The generated data is made once and reused (default warehouse/bench/generated_<scale>, shared with
benchmarks/ingest.py), and ingested once into warehouse/bench/build_<scale>/raw.duckdb (reused).
Each build runs as the real CLI in a child process; prints wall seconds, the child's peak RSS and
seconds per model from the build's node report (build/last_build.json). The first run in a fresh
warehouse includes dbt's full parse (~7 s); later runs use partial parsing, as a user's repeated builds do.
Target (issue 3): at most 15 s and 3 GB on the 2-core machine.
First it prints benchmarks/machine.py's figures (--no-machine skips them): how fast this machine is today
at what the build depends on, so builds timed on different days can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.measure import Measured, in_fresh_process, run_measured  # noqa: E402


def generate_data(data: Path, scale: str | float) -> None:
    from pipeline.generate import generate, is_complete

    if not is_complete(data):
        generate(data, scale=scale, seed=42, fmt="csv")


def make_raw(data: Path, warehouse: Path, scale: str | float) -> None:
    # In its own interpreter: the generator's ~3 GB would otherwise be every timed build's peak RSS.
    in_fresh_process(generate_data, data, scale)
    if not (warehouse / "raw.duckdb").exists():
        subprocess.run([sys.executable, "-m", "scoring", "--warehouse", str(warehouse), "ingest", str(data)], check=True)


def timed_build(warehouse: Path) -> Measured:
    """One `scoring build` as the real CLI in a child process."""
    return run_measured([sys.executable, "-m", "scoring", "--warehouse", str(warehouse), "build"], cwd=ROOT)


def per_node_seconds(warehouse: Path) -> list[tuple[str, float]]:
    """(kind.name, seconds) of every node of the last build, slowest first."""
    from pipeline.build import LAST_BUILD_REPORT

    nodes = json.loads((warehouse / "build" / LAST_BUILD_REPORT).read_text())["nodes"]
    return sorted(((f"{n['kind']}.{n['name']}", n["seconds"]) for n in nodes), key=lambda x: -x[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--scale", default="full")
    parser.add_argument("--runs", type=int, default=2, help="builds to time (the first includes dbt's full parse)")
    parser.add_argument("--no-machine", action="store_true", help="skip benchmarks/machine.py's probes")
    args = parser.parse_args()
    scale = args.scale if args.scale in ("full", "small") else float(args.scale)
    data = args.data or ROOT / "warehouse" / "bench" / f"generated_{args.scale}"
    warehouse = ROOT / "warehouse" / "bench" / f"build_{args.scale}"
    make_raw(data, warehouse, scale)

    import duckdb

    con = duckdb.connect(str(warehouse / "raw.duckdb"), read_only=True)
    rows = con.execute("select sum(rows) from _ingest_log").fetchone()[0]
    con.close()
    print(f"raw: {rows:,} rows in {warehouse / 'raw.duckdb'} (from {data})")
    if not args.no_machine:
        # In its own interpreter, so that its 1 GiB probes never count in a build's figures.
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "machine.py")], check=True)
    for run in range(1, args.runs + 1):
        measured = timed_build(warehouse)
        if measured.status != 0:
            sys.exit(f"build failed (exit {measured.status})")
        seconds, cpu, peak_mb = measured.seconds, measured.cpu, measured.peak_mb
        nodes = per_node_seconds(warehouse)
        models = [(n, s) for n, s in nodes if n.startswith(("model.", "seed."))]
        tests = sum(s for n, s in nodes if n.startswith(("test.", "unit_test.")))
        hooks = sum(s for n, s in nodes if n.startswith("operation."))
        size = (warehouse / "scoring.duckdb").stat().st_size / 1e9
        print(
            f"run {run}: scoring build {seconds:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak_mb:,.0f} MB; "
            f"scoring.duckdb {size:.2f} GB; load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"  models {sum(s for _, s in models):.1f} s, tests {tests:.1f} s, hooks (incl. publication) {hooks:.1f} s, "
            f"dbt start-up/parse/other {seconds - sum(s for _, s in nodes):.1f} s"
        )
        for name, s in models:
            print(f"  {s:6.2f} s  {name.split('.', 2)[-1]}")
    print("target: <= 15 s wall and <= 3 GB peak (issue 3); machine shared with other work, see load average:", os.getloadavg())


if __name__ == "__main__":
    main()
