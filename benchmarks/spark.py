"""The feature build on Spark against the same build on DuckDB, on the same generated data, at each scale given.

    .venv/bin/python benchmarks/spark.py [--scales 0.1,1]

For each scale: the data is generated and ingested once (warehouse/bench/spark_<scale>, reused), then
  DuckDB  `scoring build`                       (dbt build on DuckDB, all tests, publication)
  Spark   `scoring build --target spark`        (Parquet export, dbt build on Spark with all tests, then the
                                                 DuckDB build that takes client_features from Spark)
each as the real CLI in a child process. Printed: wall and CPU seconds, the peak memory of the process tree
(Python and, for Spark, its JVM: sampled every 0.2 s, since the JVM is not reaped by the CLI), the ratio, the
Spark dbt build alone (spark/last_build.json) and the session start-up, then Spark's stages from its event log,
summed by the table the statement writes, with their task counts (a stage of N tasks spreads over up to N
executor cores on a cluster; a stage of one task stays serial wherever it runs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
    """(the application's start, epoch seconds, or None; the completed stages) from the newest event log: Spark 4
    writes a directory of rolled files (eventlog_v2_<app>/events_<n>_...), read as far as they were flushed (the CLI
    exits without stopping Spark)."""
    logs = sorted(event_dir.glob("*"), key=lambda p: p.stat().st_mtime)
    if not logs:
        return None, []
    files = sorted(logs[-1].glob("events_*"), key=lambda p: int(p.name.split("_")[1])) if logs[-1].is_dir() else [logs[-1]]
    lines = [line for f in files for line in f.read_text().splitlines()]
    out, app_start, statement_of_execution, execution_of_stage = [], None, {}, {}
    for line in lines:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:  # the last line of a log cut short
            continue
        kind = event.get("Event", "")
        if kind == "SparkListenerApplicationStart":
            app_start = event["Timestamp"]
        elif kind.endswith("SparkListenerSQLExecutionStart"):
            # the table a statement writes, from its plan (tests and checks write none); a statement's nested
            # executions (adaptive query execution) are named after their root
            plan = event.get("physicalPlanDescription", "")
            table = re.search(r"Arguments: `spark_catalog`\.`(\w+)`\.`(\w+)`", plan)
            name = "query (a test or a check)"
            if table:
                name = f"{table.group(1)}.{table.group(2)}"
            elif "InsertIntoDataSourceDirCommand" in plan:
                name = "marts written as Parquet"
            root = event.get("rootExecutionId", event["executionId"])
            statement_of_execution[event["executionId"]] = statement_of_execution.get(root, name)
        elif kind == "SparkListenerJobStart":
            execution = (event.get("Properties") or {}).get("spark.sql.execution.id")
            for stage in event.get("Stage IDs", []):
                execution_of_stage[stage] = int(execution) if execution is not None else None
        elif kind == "SparkListenerStageCompleted":
            info = event["Stage Info"]
            if info.get("Completion Time") and info.get("Submission Time"):
                out.append(
                    {
                        "name": statement_of_execution.get(execution_of_stage.get(info["Stage ID"]), "?"),
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
    print(f"\nscale {scale}")
    print(
        f"  DuckDB  scoring build:                {duck.seconds:7.1f} s wall, {duck.cpu:7.1f} s CPU, peak {duck.peak_mb:7.0f} MB"
    )
    print(
        f"  Spark   scoring build --target spark: {spark.seconds:7.1f} s wall, {spark.cpu:7.1f} s CPU, peak {spark.peak_mb:7.0f} MB"
    )
    print(f"          of which export + dbt build on Spark: {spark_dbt:.1f} s")
    print(f"  ratio Spark / DuckDB (wall): {spark.seconds / duck.seconds:.1f}x")
    app_start, done = stages(events)
    if app_start:
        print(f"  Spark application started {app_start - launched:.1f} s after the CLI was launched")
    if done:
        total = sum(s["seconds"] for s in done)
        multi = sum(s["seconds"] for s in done if s["tasks"] > 1)
        print(f"  Spark stages: {len(done)}, {total:.1f} s in stages, {multi:.1f} s of it in stages of more than one task")
        by_statement: dict[str, list[dict]] = {}
        for s in done:
            by_statement.setdefault(s["name"], []).append(s)
        print("  seconds in stages by what the statement writes (stages, most tasks in one stage):")
        for name, parts in sorted(by_statement.items(), key=lambda kv: -sum(s["seconds"] for s in kv[1]))[:10]:
            seconds = sum(s["seconds"] for s in parts)
            print(f"    {seconds:7.1f} s  {len(parts):3d} stages, up to {max(s['tasks'] for s in parts):3d} tasks  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="0.1,1", help="comma-separated fractions of the full data (default 0.1,1)")
    args = parser.parse_args()
    for scale in args.scales.split(","):
        bench_scale(scale.strip())


if __name__ == "__main__":
    main()
