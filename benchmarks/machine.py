"""How fast this machine is today, in the terms the build's speed depends on.

    .venv/bin/python benchmarks/machine.py [--json]

Machines of the project's kind differ from one day to the next: the same `scoring build` took 14.5-16.1 s
on 2026-11-25 and 20.7-44 s on 2026-11-29 (BENCHMARKS.md). The build's cost is dbt's Python (allocation-heavy)
and DuckDB's grouped aggregation (random memory access over large hash tables); a plain arithmetic loop was
as fast on both days. So these probes separate arithmetic from memory, and each figure recorded beside a
build's time says which kind of machine it came from. About 10-15 s in all.

- python_loop_s: a pure-Python integer loop (no allocation): the CPU's speed.
- python_alloc_s: building and dropping 2 M small dicts: CPython's allocator, as dbt uses it.
- first_touch_s_per_gib: the extra cost of writing 1 GiB of memory the process has never touched over
  writing it again (page faults, in the guest and, on a VM, in the host).
- gather_ns_cache / gather_ns_memory: one random 8-byte read, from an array that fits in the CPU's cache
  (256 KiB) and from one that does not (1 GiB), best of 3: the second is what hash tables pay.
- duckdb_group_by_s: 20 M rows grouped into 339 k groups with 16 aggregates, in memory, on DuckDB's two
  threads, best of 2: a small copy of the build's per-client work.
- dbt_import_s: importing dbt's CLI in a fresh interpreter (best of 2): the fixed start of every build.
- steal_share: the share of CPU time the hypervisor gave to others during the probes.
"""

from __future__ import annotations

import argparse
import json
import mmap
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GIB = 1 << 30


def _seconds(func) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def python_loop() -> float:
    def loop() -> None:
        total = 0
        for i in range(10_000_000):
            total += i & 7

    return _seconds(loop)


def python_alloc() -> float:
    def churn() -> None:
        for _ in range(4):
            rows = [{"id": i, "name": "x", "value": i * 0.5} for i in range(500_000)]
            del rows

    return _seconds(churn)


def first_touch_per_gib() -> float:
    area = mmap.mmap(-1, GIB, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    page = b"\x01"

    def touch() -> None:
        for offset in range(0, GIB, mmap.PAGESIZE):
            area[offset : offset + 1] = page

    first = _seconds(touch)
    again = _seconds(touch)
    area.close()
    return first - again


def gather_ns(n_bytes: int, reads: int = 20_000_000) -> float:
    import numpy as np

    rng = np.random.default_rng(0)
    values = np.arange(n_bytes // 8, dtype=np.int64)
    index = rng.integers(0, values.size, size=reads)
    np.take(values, index)  # warm: the first pass pays for the index's and the result's first touch
    return min(_seconds(lambda: np.take(values, index)) for _ in range(3)) / reads * 1e9


def duckdb_group_by() -> float:
    import duckdb

    con = duckdb.connect(config={"threads": 2, "preserve_insertion_order": False})
    aggregates = ", ".join(f"min(v + {k}), max(v * {k}), avg(v - {k}), sum(v / {k + 1})" for k in range(4))
    query = f"""
        select count(*) from (
            select g, {aggregates}
            from (select hash(i) % 339000 as g, (i % 1000)::double as v from range(20000000) t(i))
            group by g
        )
    """
    con.execute(query).fetchall()  # warm: DuckDB's first query pays for its own set-up
    return min(_seconds(lambda: con.execute(query).fetchall()) for _ in range(2))


def dbt_import() -> float:
    cmd = [sys.executable, "-c", "import dbt.cli.main"]
    return min(_seconds(lambda: subprocess.run(cmd, check=True, cwd=ROOT)) for _ in range(2))


def _cpu_ticks() -> tuple[int, int]:
    """(all ticks, steal ticks) from /proc/stat's cpu line."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[:8]), fields[7]


def probe() -> dict[str, float]:
    total_before, steal_before = _cpu_ticks()
    figures = {
        "python_loop_s": python_loop(),
        "python_alloc_s": python_alloc(),
        "first_touch_s_per_gib": first_touch_per_gib(),
        "gather_ns_cache": gather_ns(256 * 1024),
        "gather_ns_memory": gather_ns(GIB),
        "duckdb_group_by_s": duckdb_group_by(),
        "dbt_import_s": dbt_import(),
    }
    total_after, steal_after = _cpu_ticks()
    figures["steal_share"] = (steal_after - steal_before) / max(total_after - total_before, 1)
    return figures


def report(figures: dict[str, float]) -> str:
    return (
        f"machine: python loop {figures['python_loop_s']:.2f} s, dict churn {figures['python_alloc_s']:.2f} s, "
        f"first touch {figures['first_touch_s_per_gib']:.2f} s/GiB, random read {figures['gather_ns_cache']:.1f} ns "
        f"(cache) / {figures['gather_ns_memory']:.1f} ns (memory), DuckDB group-by {figures['duckdb_group_by_s']:.2f} s, "
        f"dbt import {figures['dbt_import_s']:.2f} s, steal {figures['steal_share']:.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    figures = probe()
    print(json.dumps(figures) if args.json else report(figures))


if __name__ == "__main__":
    main()
