"""dbt-duckdb plugin: gives dbt's DuckDB connection a `publish_warehouse(build_path)` SQL function.

DuckDB SQL cannot rename files, yet publication has to happen inside `dbt build` itself (a bare
`dbt build` must publish too). The on-run-end hook (dbt_project/macros/warehouse/publish.sql) checks
that every model and test passed, checkpoints the build file and calls this function.

The build file stays open in dbt, so it is copied (not renamed) to a temp file beside the published
one, which then replaces it with one atomic rename: readers holding the old file keep their inode,
and new connections see the new build. Renaming the open build file itself would let dbt's writer
lock follow it and block readers.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin

from scoring.warehouse import publish, remove_quietly, scratch_path

PUBLISHED_NAME = "scoring.duckdb"


def publish_build(build_path: Path, warehouse: Path) -> Path:
    """Copy a checkpointed build file over `warehouse/scoring.duckdb` atomically; drop older builds."""
    dest = warehouse / PUBLISHED_NAME
    tmp = scratch_path(dest)
    try:
        shutil.copyfile(build_path, tmp)
        publish(tmp, dest)
    except BaseException:
        remove_quietly(tmp)
        raise
    remove_old_builds(build_path)
    return dest


def remove_old_builds(current: Path) -> None:
    """Keep the disk bounded: every build file but the one dbt still has open goes."""
    for old in current.parent.glob("scoring-*.duckdb*"):
        if old.name not in (current.name, current.name + ".wal"):
            remove_quietly(old)


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        self.warehouse = Path(plugin_config.get("warehouse") or os.environ.get("SCORING_WAREHOUSE", "warehouse")).absolute()

    def configure_connection(self, conn) -> None:
        (self.warehouse / "build" / "tmp").mkdir(parents=True, exist_ok=True)
        warehouse = self.warehouse

        def publish_warehouse(build_path: str) -> str:
            return str(publish_build(Path(build_path), warehouse))

        conn.create_function(
            "publish_warehouse", publish_warehouse, ["VARCHAR"], "VARCHAR", side_effects=True
        )
