"""Generator speed and memory: seconds, rows/s and peak RSS for one run.

    .venv/bin/python benchmarks/generate.py [--scale full|small|FRACTION] [--seed 42] [--format csv]

Aims (issue 2): full scale in at most 90 s and 4 GB peak RSS on 2 cores; small in at most 10 s.
Writes into a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from pipeline.generate import generate
from pipeline.generator import MARKER


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="full")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", default="csv", choices=("csv", "parquet"))
    args = parser.parse_args()
    scale = args.scale if args.scale in ("small", "full") else float(args.scale)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "data"
        started = time.perf_counter()
        generate(out, scale=scale, seed=args.seed, fmt=args.format)
        seconds = time.perf_counter() - started
        summary = json.loads((out / MARKER).read_text())
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    rows = sum(summary["rows"].values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB -> GiB
    print(
        f"scale {summary['scale']:g} ({args.format}): {rows:,} rows, {size / 1e9:.2f} GB in {seconds:.1f} s "
        f"= {rows / seconds:,.0f} rows/s; peak RSS {peak:.2f} GiB"
    )
    for name, n in summary["rows"].items():
        print(f"  {name:32s} {n:>12,}")
    print(f"  train TARGET rate {summary['train_target_rate']:.4f}, oracle AUC {summary['oracle_auc']:.4f}")


if __name__ == "__main__":
    main()
