"""The feature build on Spark against the same build on DuckDB, on the same generated data, at each scale given.

    .venv/bin/python benchmarks/spark.py [--scales 0.1,1]

For each scale: the data is generated and ingested once (warehouse/bench/spark_<scale>, reused), then
  DuckDB  `scoring build`                       (dbt build on DuckDB, all tests, publication)
  Spark   `scoring build --target spark`        (Parquet export, dbt build on Spark with all tests, then the
                                                 DuckDB build that takes client_features from Spark)
each as the real CLI in a child process. Printed: wall and CPU seconds, the peak memory of the process tree
(Python and, for Spark, its JVM: sampled every 0.2 s, since the JVM is not reaped by the CLI), the ratio, the
Spark dbt build alone (spark/last_build.json) and the session start-up, then Spark's stages from its event log:
the slowest, with their task counts (a stage of N tasks spreads over up to N executor cores on a cluster; one
task per stage stays serial wherever it runs).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.build import make_raw  # noqa: E402
from kernel.settings import SPARK_EVENT_LOG_ENV  # noqa: E402


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float  # user + system of the whole tree, as last sampled
    peak_mb: float  # the process tree's largest summed RSS
    status: int


def run_tree_measured(cmd: list[str], env: dict) -> Run:
    """Run cmd; sample the summed RSS and CPU of it and its descendants (the JVM pyspark starts)."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    root = psutil.Process(proc.pid)
    peak, cpu_seen = 0, {}
    while proc.poll() is None:
        rss = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                try:
                    rss += p.memory_info().rss
                    t = p.cpu_times()
                    cpu_seen[p.pid] = t.user + t.system
                except psutil.NoSuchProcess:
                    pass
        except psutil.NoSuchProcess:
            break
        peak = max(peak, rss)
        time.sleep(0.2)
    return Run(time.perf_counter() - started, sum(cpu_seen.values()), peak / 2**20, proc.wait())


def stages(event_dir: Path) -> tuple[float | None, list[dict]]:
    """(the application's start, epoch seconds, or None; the completed stages) from the newest event log (named
    .inprogress when the CLI exits without stopping Spark: read as far as it was flushed)."""
    logs = sorted(event_dir.glob("*"), key=lambda p: p.stat().st_mtime)
    if not logs:
        return None, []
    out, app_start = [], None
    for line in logs[-1].read_text().splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:  # the last line of a log cut short
            continue
        kind = event.get("Event")
        if kind == "SparkListenerApplicationStart":
            app_start = event["Timestamp"]
        elif kind == "SparkListenerStageCompleted":
            info = event["Stage Info"]
            if info.get("Completion Time") and info.get("Submission Time"):
                out.append(
                    {
                        "name": info["Stage Name"].split(" at ")[0],
                        "tasks": info["Number of Tasks"],
                        "seconds": (info["Completion Time"] - info["Submission Time"]) / 1000,
                    }
                )
    return (app_start / 1000 if app_start else None), out


def bench_scale(scale: str) -> None:
    data = ROOT / "warehouse" / "bench" / f"generated_{scale}"
    warehouse = ROOT / "warehouse" / "bench" / f"spark_{scale}"
    make_raw(data, warehouse, float(scale))
    env = {**os.environ, SPARK_EVENT_LOG_ENV: "true"}
    events = warehouse / "spark" / "events"
    events.mkdir(parents=True, exist_ok=True)
    scoring = [sys.executable, "-m", "scoring", "--warehouse", str(warehouse), "build"]

    duck = run_tree_measured(scoring, env)
    launched = time.time()
    spark = run_tree_measured([*scoring, "--target", "spark"], env)
    if duck.status or spark.status:
        raise SystemExit(f"scale {scale}: a build failed (DuckDB exit {duck.status}, Spark exit {spark.status})")
    spark_dbt = json.loads((warehouse / "spark" / "last_build.json").read_text())["seconds"]
    app_start, done = stages(events)
    print(f"\nscale {scale}")
    print(
        f"  DuckDB  scoring build:                {duck.seconds:7.1f} s wall, {duck.cpu:7.1f} s CPU, peak {duck.peak_mb:7.0f} MB"
    )
    print(
        f"  Spark   scoring build --target spark: {spark.seconds:7.1f} s wall, {spark.cpu:7.1f} s CPU, peak {spark.peak_mb:7.0f} MB"
    )
    print(f"          of which export + dbt build on Spark: {spark_dbt:.1f} s")
    if app_start:
        print(f"          Spark application started {app_start - launched:.1f} s after the CLI was launched")
    print(f"  ratio Spark / DuckDB (wall): {spark.seconds / duck.seconds:.1f}x")
    if done:
        total = sum(s["seconds"] for s in done)
        multi = sum(s["seconds"] for s in done if s["tasks"] > 1)
        print(f"  Spark stages: {len(done)}, {total:.1f} s in stages, {multi:.1f} s of it in stages of more than one task")
        for s in sorted(done, key=lambda s: -s["seconds"])[:10]:
            print(f"    {s['seconds']:6.2f} s  {s['tasks']:4d} tasks  {s['name']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="0.1,1", help="comma-separated fractions of the full data (default 0.1,1)")
    args = parser.parse_args()
    for scale in args.scales.split(","):
        bench_scale(scale.strip())


if __name__ == "__main__":
    main()
