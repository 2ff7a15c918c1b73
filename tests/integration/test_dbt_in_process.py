"""dbt commands run one after another inside one Python process that also reads the warehouse, as `scoring run`
and `scoring train` do (the model outputs' `dbt build` runs after training has read the warehouse).

DuckDB 1.5.6 spins forever on `ATTACH IF NOT EXISTS f AS x (READ_ONLY)` when another connection of the process
has `f` attached and an earlier connection that attached it IF NOT EXISTS was closed (dbt-duckdb writes a
profile's `attach:` entries that way). The raw tables are therefore attached by the plugin with a plain ATTACH.
Before that, the script below hung within a dozen commands in each of two tries (and a CI run hung there).
It runs in a child process with a time limit, so that a hang fails this test instead of stopping the suite."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from kernel.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow
COMMANDS = 12

SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from kernel.settings import Settings
    from kernel.warehouse import WarehouseReader
    from pipeline.build import run_dbt

    if __name__ == "__main__":  # dbt's multiprocessing context re-imports __main__
        settings = Settings(warehouse=Path(sys.argv[1]))
        reader = WarehouseReader(settings)
        reader.cursor().execute("select count(*) from raw.application_train").fetchone()  # raw held open
        for i in range(int(sys.argv[2])):
            res = run_dbt(settings, "compile", ["--select", "similar_clients", "--quiet"])
            print(i, res.success, flush=True)
    """
)


def test_a_dozen_dbt_commands_in_a_process_that_reads_the_warehouse(warehouse_copy):
    warehouse = warehouse_copy("dbt_in_process")
    try:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(warehouse), str(COMMANDS)],
            cwd=PROJECT_ROOT,
            env=dict(os.environ, DO_NOT_TRACK="1", PYTHONPATH=str(PROJECT_ROOT)),
            capture_output=True,
            text=True,
            timeout=300,  # 12 commands take ~20 s here
        )
    except subprocess.TimeoutExpired as exc:
        printed = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        pytest.fail(f"in-process dbt commands hung after: {printed.split()[-2:]}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [w for i in range(COMMANDS) for w in (str(i), "True")]


def test_dbt_without_raw_tables_says_to_ingest_first(tmp_path):
    env = dict(os.environ, SCORING_WAREHOUSE=str(tmp_path / "warehouse"), DO_NOT_TRACK="1")
    done = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "dbt"),
            "compile",
            "--select",
            "client_profile",
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert f"{tmp_path / 'warehouse' / 'raw.duckdb'}: no raw tables; run `scoring ingest DIR` first" in done.stdout
