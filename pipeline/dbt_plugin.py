"""dbt-duckdb plugin: the build file, and the publication of a finished build.

Builds never touch the published file: for `dbt build` (and run/seed) the plugin attaches a fresh
`build/scoring-<random>.duckdb` as catalog `scoring`; other commands (docs generate, test, show,
compile) attach the published `scoring.duckdb` read-only under the same name.

Publication has to happen inside `dbt build` itself (a bare `dbt build` must publish too), and DuckDB
SQL cannot rename files. So the on-run-end hook (dbt_project/macros/warehouse/publish.sql) checks
that every model and test passed, checkpoints the build file, DETACHes it (dbt's in-memory main
database stays; the file is closed and its writer lock released) and calls
`adapter.store_relation('scoring_warehouse', ..., build_path, ...)`: dbt-duckdb hands that path to this
plugin's `store`, which renames the file over the published one atomically: readers holding the old
file keep their inode, new connections see the new build. (Renaming a file still attached would carry
the writer's lock along and block readers; copying it instead costs seconds per GB. A DuckDB Python
function did the same, but its first call imports pandas: ~0.3 s of every build.)
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

from kernel.errors import ScoringError
from kernel.settings import Settings
from kernel.warehouse import acquire_writer_lock, publish, release_writer_lock, remove_quietly, sql_literal

PUBLISHED_NAME = "scoring.duckdb"
CATALOG = "scoring"
MODEL_NAME = "model.duckdb"  # what `scoring train` writes; attached read-only as `model` when it exists
MODEL_CATALOG = "model"
BUILDING_COMMANDS = {"build", "run", "seed", "snapshot", "run-operation"}

# The build file of the latest connection in this process (pipeline.build removes it after the run).
LAST_BUILD: Path | None = None
# The warehouse whose writer lock this plugin took (a bare `dbt build`); pipeline.build releases it after
# an in-process run, a dbt process releases it by ending.
LOCKED: Path | None = None

# Rows per row group in the build file (DuckDB's default is 122,880). Each model's table is written by
# two threads, each leaving a partly filled row group that the publication checkpoint then merges and
# rewrites; with the default that rewrite was ~2.4 s of a full-scale build (about a third of every
# per-client table), with 32,768-row groups it is ~0.2 s (BENCHMARKS.md, build).
BUILD_ROW_GROUP_SIZE = 32_768


def new_build_path(warehouse: Path) -> Path:
    build_dir = warehouse / "build"
    build_dir.mkdir(parents=True, exist_ok=True)
    return build_dir / f"scoring-{uuid.uuid4().hex[:16]}.duckdb"


def publish_build(build_path: Path, warehouse: Path) -> Path:
    """Rename a closed, checkpointed build file over `warehouse/scoring.duckdb`; drop older builds.

    build/ is inside the warehouse directory, so the rename stays on one file system (atomic).
    The replaced file keeps a second name in build/ until a background `rm` deletes it: freeing the
    blocks of a 0.8 GB file inside the rename took ~0.14 s of every full-scale build. (A reader that
    still has it open keeps it alive either way.)"""
    dest = warehouse / PUBLISHED_NAME
    remove_old_builds(build_path)
    retired = build_path.parent / f"retired-{uuid.uuid4().hex[:16]}.duckdb"
    try:
        os.link(dest, retired)
    except OSError:  # nothing published yet, or no hard links here: the rename frees the old file itself
        retired = None
    # DuckDB's checkpoint has already synced the file; only the rename needs to reach the disk.
    publish(build_path, dest, sync_file=False)
    if retired is not None:
        subprocess.Popen(
            ["rm", "-f", "--", str(retired)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    return dest


def remove_old_builds(current: Path | None, build_dir: Path | None = None) -> None:
    """Keep the disk bounded: build files left by failed or killed builds go, and replaced warehouses a
    background removal missed. Safe because the writer lock allows one build at a time per warehouse."""
    build_dir = build_dir or current.parent
    keep = (current.name, current.name + ".wal") if current else ()
    for old in [*build_dir.glob("scoring-*.duckdb*"), *build_dir.glob("retired-*.duckdb")]:
        if old.name not in keep:
            remove_quietly(old)
    if current is None:  # spill files of a killed build
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
        # Spill files go beside the build; it can only be set when the database opens.
        (self.warehouse / "build" / "tmp").mkdir(parents=True, exist_ok=True)
        config["temp_directory"] = str(self.warehouse / "build" / "tmp")

    def configure_connection(self, conn) -> None:
        (self.warehouse / "build" / "tmp").mkdir(parents=True, exist_ok=True)
        published = self.warehouse / PUBLISHED_NAME
        # Runs before the profile's `attach:` entries; its entry named `scoring` is then skipped.
        global LAST_BUILD
        if _dbt_command() in BUILDING_COMMANDS or not published.exists():
            LAST_BUILD = new_build_path(self.warehouse)
            conn.execute(f"ATTACH {sql_literal(str(LAST_BUILD))} AS {CATALOG} (ROW_GROUP_SIZE {BUILD_ROW_GROUP_SIZE})")
        else:
            conn.execute(f"ATTACH {sql_literal(str(published))} AS {CATALOG} (READ_ONLY)")
        # The final decision (policy, then the model) reads the model's scores: source `trained_model`.
        model = self.warehouse / MODEL_NAME
        if model.exists():
            conn.execute(f"ATTACH {sql_literal(str(model))} AS {MODEL_CATALOG} (READ_ONLY)")

    def store(self, target_config) -> None:
        """Called by the publication hook with the closed build file as the location."""
        publish_build(Path(target_config.location.path), self.warehouse)
