"""dbt-duckdb plugin: the persistent dbt target, and the publication of a finished run.

dbt builds into one persistent file, `build/target.duckdb`, attached as catalog `scoring` for every
command (seed, run, test, build, show, compile, docs generate), as in any dbt project: seeds loaded once
stay loaded and `--select` builds against the rest. Readers never open it: they read the published
`scoring.duckdb`, a copy of the target renamed into place, so they never block dbt nor see a
half-built warehouse. The raw tables (`raw.duckdb`, `scoring ingest`) are attached read-only as `raw`
and, when they exist (`scoring train`), the model tables (`model.duckdb`) as `model` (the dbt source of
the model outputs). Writing commands take the warehouse's writer lock (one writer at a time: ingest,
build, train, dbt).

The on-run-end hook (dbt_project/macros/warehouse/publish.sql) checks that every selected node of a
`dbt run` or `dbt build` passed, checkpoints the target and calls
`adapter.store_relation('scoring_warehouse', ..., target_path, ...)`; dbt-duckdb hands that path to
this plugin's `store`, which copies the file beside the published one and renames the copy over it:
readers holding the old file keep their inode, new connections see the new build. (DuckDB SQL cannot
rename files, and renaming the target itself would take dbt's state away. A DuckDB Python function
could do the same, but its first call imports pandas: ~0.3 s of every run.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

from kernel.errors import ScoringError
from kernel.settings import Settings
from kernel.warehouse import (
    acquire_writer_lock,
    publish,
    release_writer_lock,
    remove_quietly,
    require_raw_tables,
    sql_literal,
)

PUBLISHED_NAME = "scoring.duckdb"
TARGET_NAME = "target.duckdb"
MODEL_NAME = "model.duckdb"
RAW_NAME = "raw.duckdb"
CATALOG = "scoring"
MODEL_CATALOG = "model"
RAW_CATALOG = "raw"
BUILDING_COMMANDS = {"build", "run", "seed", "snapshot", "run-operation"}

# The warehouse whose writer lock this plugin took (a bare `dbt build`); pipeline.build releases it after
# an in-process run, a dbt process releases it by ending.
LOCKED: Path | None = None

# Rows per row group in the target (DuckDB's default is 122,880). Each model's table is written by
# two threads, each leaving a partly filled row group that the checkpoint then merges and rewrites;
# with the default that rewrite was ~2.4 s of a full-scale build, with 32,768-row groups ~0.2 s
# (BENCHMARKS.md, build).
BUILD_ROW_GROUP_SIZE = 32_768


def target_path(warehouse: Path) -> Path:
    return warehouse / "build" / TARGET_NAME


def publish_target(target: Path, warehouse: Path) -> Path:
    """Copy the checkpointed target beside `warehouse/scoring.duckdb` and rename the copy over it.

    The copy lives in build/, inside the warehouse directory, so the rename stays on one file system
    (atomic). The replaced file keeps a second name in build/ until a background `rm` deletes it:
    freeing the blocks of a 0.8 GB file inside the rename took ~0.14 s of a full-scale build. (A
    reader that still has it open keeps it alive either way.)"""
    dest = warehouse / PUBLISHED_NAME
    build_dir = target.parent
    remove_old_copies(build_dir)
    copy = build_dir / f"publish-{uuid.uuid4().hex[:16]}.duckdb"
    try:
        # copy_file_range in the kernel; the target stays dbt's (attached, unchanged since the checkpoint).
        shutil.copyfile(target, copy)
        retired = build_dir / f"retired-{uuid.uuid4().hex[:16]}.duckdb"
        try:
            os.link(dest, retired)
        except OSError:  # nothing published yet, or no hard links here: the rename frees the old file itself
            retired = None
        publish(copy, dest)
    except BaseException:
        remove_quietly(copy)
        raise
    if retired is not None:
        subprocess.Popen(
            ["rm", "-f", "--", str(retired)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    return dest


def remove_old_copies(build_dir: Path) -> None:
    """Keep the disk bounded: copies left by interrupted publications, replaced warehouses a background
    removal missed, and build files of the per-run layout before the persistent target. Safe because
    the writer lock allows one writer at a time per warehouse."""
    for pattern in ("publish-*.duckdb", "retired-*.duckdb", "scoring-*.duckdb*"):
        for old in build_dir.glob(pattern):
            remove_quietly(old)


def remove_spill_files(build_dir: Path) -> None:
    """What a killed build left in DuckDB's temporary directory."""
    for spill in (build_dir / "tmp").glob("*"):
        remove_quietly(spill)


def lock_for_writing(warehouse: Path) -> None:
    """A writing dbt command takes the warehouse's writer lock (already held in `scoring build`)."""
    global LOCKED
    if LOCKED is None:
        acquire_writer_lock(warehouse)
        LOCKED = warehouse


def release_lock() -> None:
    global LOCKED
    if LOCKED is not None:
        release_writer_lock(LOCKED)
        LOCKED = None


def _dbt_command() -> str | None:
    try:
        from dbt.flags import get_flags

        return getattr(get_flags(), "WHICH", None)
    except Exception:  # not inside a dbt invocation
        return None


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        self.warehouse = Path(plugin_config.get("warehouse") or Settings().warehouse).absolute()
        if _dbt_command() in BUILDING_COMMANDS:
            # Here, as the profile loads, rather than after the project is parsed: refused at once.
            try:
                lock_for_writing(self.warehouse)
            except ScoringError as exc:
                raise DbtRuntimeError(str(exc)) from None  # dbt prints its own errors as one message

    def update_connection_config(self, creds, config: dict) -> None:
        # Spill files go beside the target; it can only be set when the database opens.
        (self.warehouse / "build" / "tmp").mkdir(parents=True, exist_ok=True)
        config["temp_directory"] = str(self.warehouse / "build" / "tmp")

    def configure_connection(self, conn) -> None:
        # Runs before the profile's `attach:` entries; its entry named `scoring` is then skipped.
        target = target_path(self.warehouse)
        target.parent.mkdir(parents=True, exist_ok=True)
        conn.execute(f"ATTACH {sql_literal(str(target))} AS {CATALOG} (ROW_GROUP_SIZE {BUILD_ROW_GROUP_SIZE})")
        # A plain ATTACH, not an `attach:` entry of the profile, which dbt-duckdb writes as ATTACH IF NOT EXISTS:
        # in DuckDB 1.5.6 that spins forever when another connection of the process has the file attached
        # read-only and an earlier connection that had attached it IF NOT EXISTS was closed. That is a second
        # dbt command in one process beside readers: `scoring run` and `scoring train` (the model outputs'
        # build after training read the warehouse), or a test (tests/integration/test_dbt_in_process.py).
        try:
            raw = require_raw_tables(self.warehouse / RAW_NAME)
        except ScoringError as exc:
            raise DbtRuntimeError(str(exc)) from None
        conn.execute(f"ATTACH {sql_literal(str(raw))} AS {RAW_CATALOG} (READ_ONLY)")
        model = self.warehouse / MODEL_NAME
        if model.exists():
            conn.execute(f"ATTACH {sql_literal(str(model))} AS {MODEL_CATALOG} (READ_ONLY)")

    def store(self, target_config) -> None:
        """Called by the publication hook with the checkpointed target as the location."""
        publish_target(Path(target_config.location.path), self.warehouse)
