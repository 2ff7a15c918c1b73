"""dbt as its documentation says, from the repository root, on a warehouse after `scoring ingest`:
the persistent target (seed then run, `--select` against the rest, show, ls, compile, docs generate),
and publication that follows dbt (a `dbt run` refreshes what the app serves; a failing run publishes
nothing; a reader holding the published file is never blocked and sees one consistent state)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from kernel.settings import PROJECT_ROOT, Settings
from pipeline.generate import generate
from pipeline.ingest import ingest
from service.scoring_service import ScoringService

pytestmark = pytest.mark.slow


def dbt(settings: Settings, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """The `dbt` command a user types in the repository root (only the warehouse and dbt's own state dir differ)."""
    env = dict(os.environ, SCORING_WAREHOUSE=str(settings.warehouse), DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="False")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--target-path", str(settings.build_dir / "target-cli")],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if check:
        assert done.returncode == 0, f"dbt {' '.join(args)}:\n{done.stdout[-3000:]}"
    return done


def _bytes(path: Path) -> tuple[int, str]:
    return path.stat().st_ino, hashlib.sha256(path.read_bytes()).hexdigest()


def _edit_raw(settings: Settings, sql: str) -> None:
    """Change the raw tables as a new ingest would, in another process: this one may hold raw.duckdb
    attached read-only (the service), and DuckDB allows one open mode per file in a process."""
    code = f"import duckdb; duckdb.connect({str(settings.raw_db)!r}).execute({sql!r}).close()"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def _income(settings: Settings, cid: int) -> float:
    with duckdb.connect(str(settings.features_db), read_only=True) as con:
        return con.execute("select app_amt_income_total from client_features where sk_id_curr = ?", [cid]).fetchone()[0]


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Settings:
    """Ingested only: no dbt command has run yet. `dbt seed` then `dbt run` make the first publication."""
    data = tmp_path_factory.mktemp("dbt_cmd_data") / "data"
    generate(data, scale=0.01, seed=5, fmt="csv")
    settings = Settings(warehouse=tmp_path_factory.mktemp("dbt_cmd") / "warehouse")
    ingest(data, settings)
    seeded = dbt(settings, "seed")
    assert not settings.features_db.exists(), "a seed alone publishes nothing"
    assert "nothing to publish after `seed`" in seeded.stdout
    ran = dbt(settings, "run")  # reads the seed loaded by the previous command
    assert "publish: all" in ran.stdout and settings.features_db.exists()
    return settings


def _a_client(settings: Settings) -> int:
    with duckdb.connect(str(settings.features_db), read_only=True) as con:
        return con.execute("select min(sk_id_curr) from client_features where is_train").fetchone()[0]


def test_dbt_run_alone_refreshes_what_the_app_serves_while_a_reader_holds_the_old_file(wh):
    cid = _a_client(wh)
    old = _income(wh, cid)
    _edit_raw(wh, f"update application_train set AMT_INCOME_TOTAL = AMT_INCOME_TOTAL * 3 where SK_ID_CURR = {cid}")
    service = ScoringService(wh)
    assert service.client(cid)["profile"]["income_total"] == pytest.approx(old)  # published, not raw
    held = service.reader.cursor()  # the app's connection, open during the whole run

    seen, errors, stop = [], [], threading.Event()

    def read_in_a_loop():
        cur = held.cursor()
        cur.execute("use scoring")  # as the reader's own cursors do
        while not stop.is_set():
            try:
                seen.append(cur.execute("select income_total from client_profile where sk_id_curr = ?", [cid]).fetchone()[0])
            except BaseException as exc:  # a blocked or broken reader
                errors.append(exc)
                return
            stop.wait(0.02)

    thread = threading.Thread(target=read_in_a_loop)
    thread.start()
    ran = dbt(wh, "run")
    stop.set()
    thread.join()
    assert "publish: all" in ran.stdout
    assert errors == [] and len(seen) > 0 and set(seen) == {old}  # never blocked, always the old state
    assert service.client(cid)["profile"]["income_total"] == pytest.approx(old * 3)  # the next query sees the run
    assert _income(wh, cid) == pytest.approx(old * 3)


def test_failing_dbt_run_select_publishes_nothing(wh):
    before = _bytes(wh.features_db)
    _edit_raw(wh, "alter table application_train rename to application_train_gone")
    try:
        done = dbt(wh, "run", "--select", "stg_applications+", check=False)
    finally:
        _edit_raw(wh, "alter table application_train_gone rename to application_train")
    assert done.returncode != 0 and "publish: NOT published" in done.stdout, done.stdout[-2000:]
    assert _bytes(wh.features_db) == before


def test_build_select_downstream_builds_against_the_rest_and_publishes(wh):
    with duckdb.connect(str(wh.features_db), read_only=True) as con:
        old_build = con.execute("select invocation_id from warehouse_build").fetchone()[0]
    done = dbt(wh, "build", "--select", "client_profile+")
    assert "publish: all" in done.stdout
    with duckdb.connect(str(wh.features_db), read_only=True) as con:
        assert con.execute("select invocation_id from warehouse_build").fetchone()[0] != old_build  # a new publication
        assert (
            con.execute("select count(*) from client_profile").fetchone()[0]
            == con.execute("select count(*) from client_features").fetchone()[0]
        )


def test_read_only_commands_work_on_the_target(wh):
    before = _bytes(wh.features_db)
    shown = dbt(wh, "show", "--select", "client_profile", "--limit", "3", "--output", "json")
    rows = json.loads(shown.stdout[shown.stdout.index("{") : shown.stdout.rindex("}") + 1])["show"]
    assert len(rows) == 3 and {"sk_id_curr", "age_band"} <= set(rows[0])
    listed = dbt(wh, "ls", "--select", "marts", "--output", "name").stdout.split()
    assert {"client_features", "client_profile", "feature_catalog", "warehouse_build"} <= set(listed)
    dbt(wh, "compile")
    assert list((wh.build_dir / "target-cli" / "compiled" / "scoring" / "dbt_project" / "analyses").glob("*.sql"))
    dbt(wh, "test")
    dbt(wh, "docs", "generate")
    catalog = json.loads((wh.build_dir / "target-cli" / "catalog.json").read_text())
    assert {"client_features", "client_profile"} <= {n["metadata"]["name"] for n in catalog["nodes"].values()}
    assert _bytes(wh.features_db) == before  # none of these publishes


def test_build_before_any_model_skips_the_model_outputs_saying_why(wh):
    assert not wh.model_db.exists()
    done = dbt(wh, "build", "--select", "tag:model_outputs")
    assert "client_reasons: skipped: no model table client_reasons yet" in done.stdout, done.stdout[-3000:]
    assert "feature_drift: skipped" in done.stdout and "publish: all" in done.stdout
    with duckdb.connect(str(wh.features_db), read_only=True) as con:
        names = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() union all select view_name from duckdb_views()"
            ).fetchall()
        }
    assert {"client_scores", "client_reasons", "feature_drift"} & names == set()
