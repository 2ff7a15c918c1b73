"""`scoring build`: build, test and publish the feature warehouse with dbt (programmatically).

dbt does everything itself (profiles.yml + pipeline/dbt_plugin.py): it builds into its persistent
target `build/target.duckdb`, runs every test and unit test, and its on-run-end hook publishes a copy as
`scoring.duckdb` only if all passed (exactly what a bare `dbt build` does). This module checks the inputs, points dbt at the warehouse, shows progress on stderr and
turns a failure into one ScoringError line naming the failing model or test.
"""

from __future__ import annotations

import json
import re
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from kernel.errors import ScoringError
from kernel.progress import log
from kernel.settings import PROJECT_ROOT, Settings
from kernel.warehouse import require_raw_tables, writer_lock

FAILED = {"error", "fail", "runtime error", "skipped"}
_ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
# Per-node status and seconds of the latest `scoring build`, in the warehouse's build/ directory.
LAST_BUILD_REPORT = "last_build.json"


@dataclass(frozen=True)
class NodeResult:
    name: str
    kind: str  # model, seed, test, unit_test, operation
    status: str
    seconds: float
    message: str


@dataclass(frozen=True)
class BuildReport:
    published: Path
    seconds: float
    nodes: tuple[NodeResult, ...] = field(default_factory=tuple)

    def count(self, kind: str) -> int:
        return sum(1 for n in self.nodes if n.kind == kind)

    def summary(self) -> str:
        return (
            f"build: {self.count('model')} models, {self.count('seed')} seed, {self.count('test')} tests and "
            f"{self.count('unit_test')} unit tests passed in {self.seconds:.1f} s; published {self.published}"
        )


class _Progress:
    """dbt event callback: one stderr line per model or seed, and per failing test."""

    def __init__(self) -> None:
        self.done = 0

    def __call__(self, event) -> None:
        if event.info.name != "NodeFinished":
            return
        info, result = event.data.node_info, event.data.run_result
        kind = info.resource_type
        if kind in ("model", "seed") or result.status in FAILED:
            self.done += 1
            log(f"build: {kind} {info.node_name}: {result.status} in {result.execution_time:.1f} s")


def dbt_args(settings: Settings, command: str = "build", extra: list[str] | None = None, target: str = "build") -> list[str]:
    """dbt CLI arguments for this warehouse; target/ and logs/ live in its build/ directory (spark/ for the
    Spark target), so concurrent builds of different warehouses do not share dbt's state files."""
    build_dir = settings.build_dir if target == "build" else settings.warehouse / "spark"
    return [
        *command.split(),
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(PROJECT_ROOT),
        "--target-path",
        str(build_dir / "target"),
        "--log-path",
        str(build_dir / "logs"),
        "--log-level",
        "none",
        "--target",
        target,
        *(extra or []),
    ]


def run_dbt(settings: Settings, command: str = "build", extra: list[str] | None = None, target: str = "build"):
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner

    settings.export_env()  # the profile reads the warehouse and DuckDB's limits from the environment
    settings.build_dir.mkdir(parents=True, exist_ok=True)
    # The Kaggle descriptions seed has an unnamed first column; agate names it `a` (documented).
    warnings.filterwarnings("ignore", message="Column 0 has no name")
    # dbt-duckdb keeps its DuckDB connection in a class attribute across invocations in one process;
    # close it so that no file stays locked afterwards (and a new run sees a new model.duckdb).
    _close_dbt_duckdb(DuckDBConnectionManager)
    try:
        return dbtRunner(callbacks=[_Progress()]).invoke(dbt_args(settings, command, extra, target))
    finally:
        _close_dbt_duckdb(DuckDBConnectionManager)
        from pipeline import dbt_plugin

        dbt_plugin.release_lock()


def _close_dbt_duckdb(manager) -> None:
    env = manager._ENV
    if env is not None and hasattr(env, "close"):
        env.close()
    manager.close_all_connections()


def _nodes(result) -> tuple[NodeResult, ...]:
    out = []
    for r in getattr(result, "results", None) or []:
        node = r.node
        out.append(NodeResult(node.name, str(node.resource_type), str(r.status), float(r.execution_time or 0), r.message or ""))
    return tuple(out)


def _first_line(text: str, lines_kept: int = 3) -> str:
    """dbt messages span lines (error, location, detail) and colour unit-test diffs; one plain line for
    the user, trimmed."""
    text = _ANSI_COLOUR.sub("", str(text))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not set(ln.strip()) <= {"-"}]
    return " | ".join(lines[:lines_kept])[:500] if lines else "failed"


def build(settings: Settings, extra_args: list[str] | None = None, target: str = "build") -> BuildReport:
    """Run `dbt build` on the warehouse; raise ScoringError (nothing published) if anything fails.
    target "spark": the features are built on Spark first (build_on_spark)."""
    require_raw_tables(settings.raw_db)
    with writer_lock(settings):
        from pipeline.dbt_plugin import remove_old_copies, remove_spill_files

        remove_old_copies(settings.build_dir)  # what a killed build left
        remove_spill_files(settings.build_dir)
        if target == "spark":
            return build_on_spark(settings, extra_args)
        return _build(settings, extra_args)


# The side-table models the DuckDB build leaves out when client_features comes from Spark: every input of
# the side-table families (their unit tests and data tests ran on Spark).
SPARK_ONLY_MODELS = (
    "int_bureau_balance__aggregated_to_credit",
    "int_bureau__aggregated_to_client",
    "int_previous_applications__aggregated_to_client",
    "int_pos_cash__aggregated_to_client",
    "int_installments__payments_to_instalment",
    "int_installments__aggregated_to_client",
    "int_credit_card__aggregated_to_client",
)


def build_on_spark(settings: Settings, extra_args: list[str] | None = None) -> BuildReport:
    """`scoring build --target spark`: the raw tables exported as Parquet, the whole dbt project built and tested
    on Spark (which writes its marts as Parquet), then the DuckDB build that serves the app and `scoring
    train`, with client_features taken from Spark's Parquet instead of aggregated again (var
    marts_from_spark); DuckDB publishes scoring.duckdb as always."""
    from pipeline.spark import export_raw

    started = time.perf_counter()
    exported = export_raw(settings)
    log(f"build: {len(exported)} raw tables exported as Parquet for Spark" if exported else "build: Parquet export up to date")
    log(f"build: dbt build --target spark on {settings.warehouse} ...")
    res = run_dbt(settings, "build", ["--no-write-json", *(extra_args or [])], target="spark")
    nodes = _nodes(res.result)
    write_node_report(settings.warehouse / "spark" / LAST_BUILD_REPORT, nodes, time.perf_counter() - started)
    _raise_on_failure(res, nodes, "spark: ")
    log(f"build: Spark build passed in {time.perf_counter() - started:.1f} s; the DuckDB build takes its client_features")
    _drop_spark_only_relations(settings)
    extra = ["--vars", "{marts_from_spark: true}", "--exclude", *SPARK_ONLY_MODELS, *(extra_args or [])]
    report = _build(settings, extra)
    return BuildReport(report.published, time.perf_counter() - started, nodes + report.nodes)


def _drop_spark_only_relations(settings: Settings) -> None:
    """What an earlier DuckDB build left of the side-table models in the persistent target: the published file
    would otherwise carry stale tables beside Spark's client_features."""
    import duckdb

    from pipeline.dbt_plugin import target_path

    target = target_path(settings.warehouse)
    if not target.exists():
        return
    con = duckdb.connect(str(target))
    try:
        for schema, name, kind in con.execute(
            "select schema_name, table_name, 'TABLE' from duckdb_tables() where table_name in ? "
            "union all select schema_name, view_name, 'VIEW' from duckdb_views() where view_name in ?",
            [list(SPARK_ONLY_MODELS), list(SPARK_ONLY_MODELS)],
        ).fetchall():
            con.execute(f'DROP {kind} "{schema}"."{name}"')
    finally:
        con.close()


def _build(settings: Settings, extra_args: list[str] | None) -> BuildReport:
    published = settings.features_db
    before = published.stat().st_mtime_ns if published.exists() else None
    started = time.perf_counter()
    log(f"build: dbt build on {settings.warehouse} ...")
    # dbt's own JSON artifacts (manifest.json, run_results.json with every node's compiled SQL, ~2 MB)
    # cost ~0.35 s a build; the one-line summary and last_build.json say what a user needs.
    res = run_dbt(settings, "build", ["--no-write-json", *(extra_args or [])])
    seconds = time.perf_counter() - started
    nodes = _nodes(res.result)
    write_node_report(settings.build_dir / LAST_BUILD_REPORT, nodes, seconds)
    _raise_on_failure(res, nodes)
    after = published.stat().st_mtime_ns if published.exists() else None
    if after is None or after == before:
        raise ScoringError(f"{published}: dbt build passed but did not publish the warehouse")
    report = BuildReport(published, seconds, nodes)
    log(report.summary())
    return report


def _raise_on_failure(res, nodes: tuple[NodeResult, ...], context: str = "") -> None:
    failed = [n for n in nodes if n.status in FAILED and n.status != "skipped"]
    if failed:
        first = failed[0]
        raise ScoringError(
            f"{context}dbt {first.kind} {first.name}: {first.status}: {_first_line(first.message)} (nothing published)"
        )
    if isinstance(res.exception, KeyboardInterrupt):
        raise KeyboardInterrupt  # Ctrl-C: the CLI says "interrupted; nothing published" and exits 130
    if res.exception is not None:
        raise ScoringError(f"{context}dbt build: {_first_line(res.exception)} (nothing published)")
    if not res.success:
        raise ScoringError(f"{context}dbt build: did not succeed (nothing published)")


MODEL_OUTPUTS = "tag:model_outputs"


def build_model_outputs(settings: Settings) -> None:
    """After `scoring train` published model.duckdb: `dbt build --select tag:model_outputs` (the
    documented views of the model tables, client_reasons, feature_drift and their tests), which
    publishes the warehouse with them. Skipped, saying why, on a warehouse dbt did not build."""
    from pipeline.dbt_plugin import target_path

    if not target_path(settings.warehouse).exists() or not settings.raw_db.exists():
        log(f"train: model outputs not built: {settings.warehouse} has no dbt target (run `scoring build` to build it)")
        return
    started = time.perf_counter()
    res = run_dbt(settings, "build", ["--select", MODEL_OUTPUTS, "--no-write-json"])
    nodes = _nodes(res.result)
    _raise_on_failure(res, nodes, "model outputs: ")
    log(
        f"train: model outputs: {sum(1 for n in nodes if n.kind == 'model')} models and their tests built and published "
        f"in {time.perf_counter() - started:.1f} s"
    )


def write_node_report(path: Path, nodes: tuple[NodeResult, ...], seconds: float) -> None:
    """Status and seconds of every node of the last build (passed or not), for users and benchmarks."""
    rows = [{"name": n.name, "kind": n.kind, "status": n.status, "seconds": round(n.seconds, 3)} for n in nodes]
    path.write_text(json.dumps({"seconds": round(seconds, 3), "nodes": rows}, indent=1) + "\n")
