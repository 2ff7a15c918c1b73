"""The warehouse as analysts and BI tools see it, on the pipeline warehouse (generate -> ingest -> build
-> train through the CLI): the model outputs in dbt's lineage (built by `scoring train`), client_reasons
as the API gives them, feature_drift, column comments, and the SQLAlchemy door (kernel.warehouse.engine)
answering an analysis while a `dbt run` publishes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlalchemy

from kernel.settings import PROJECT_ROOT, Settings
from kernel.warehouse import engine
from pipeline.build import run_dbt
from service.scoring_service import ScoringService

pytestmark = pytest.mark.slow
MARTS = ("client_features", "client_profile", "feature_catalog", "warehouse_build")
MODEL_VIEWS = ("model_runs", "client_scores", "client_reasons", "global_importance", "threshold_curve", "calibration", "fairness")


@pytest.fixture(scope="module")
def settings(pipeline_warehouse) -> Settings:
    return Settings(warehouse=pipeline_warehouse)


def _con(settings: Settings) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"attach '{settings.features_db}' as scoring (read_only)")
    con.execute(f"attach '{settings.model_db}' as model (read_only)")
    con.execute("use scoring")
    return con


def test_train_built_the_model_outputs_into_the_published_warehouse(settings):
    con = _con(settings)
    run_id, build_id = con.execute(
        "select run_id, warehouse_build_id from model_runs order by trained_at desc limit 1"
    ).fetchone()
    assert build_id is not None and len(build_id) > 10
    assert con.execute("select distinct run_id from client_scores").fetchall() == [(run_id,)]
    for table in ("global_importance", "threshold_curve", "calibration", "fairness", "roc_curve"):
        assert con.execute(f"select count(*) from {table} where run_id = ?", [run_id]).fetchone()[0] > 0, table
    # fairness says NULL where client_profile has NULL, never 'unknown'
    assert con.execute("select count(*) from fairness where \"group\" = 'unknown'").fetchone()[0] == 0
    # in-sample and out-of-fold side by side: out-of-fold only for train rows
    assert (
        con.execute(
            "select count(*) from client_scores where (oof_probability is null) = is_train or (oof_decision is null) = is_train"
        ).fetchone()[0]
        == 0
    )
    drift = dict(con.execute("select feature, band from feature_drift").fetchall())
    features = [c for (c,) in con.execute("select feature from feature_catalog").fetchall()]
    assert set(drift) == {*features, "score"} and set(drift.values()) <= {"stable", "watch", "shifted"}
    assert con.execute("select count(*) from feature_drift where train_missing_share not between 0 and 1").fetchone()[0] == 0


def test_client_reasons_are_the_api_reasons(settings, client_id):
    api = ScoringService(settings).explanation(client_id)
    con = _con(settings)
    rows = con.execute(
        "select rank, family, reason, features, client_value, typical_value, effect_pp from client_reasons "
        "where sk_id_curr = ? order by rank",
        [client_id],
    ).fetchall()
    assert 1 <= len(rows) == len(api["reasons"]) <= 4
    for (rank, family, reason, features, client_value, typical_value, effect_pp), r in zip(rows, api["reasons"]):
        assert (rank, family, reason, features) == (r["rank"], r["family"], r["sentence"], r["features"]), rank
        assert (client_value, typical_value) == (r["client_value"], r["typical_value"])
        assert effect_pp == pytest.approx(r["effect_pp"], abs=1e-9)


def test_every_column_analysts_see_has_a_comment(settings):
    con = _con(settings)
    missing = con.execute(
        "select table_name, column_name from duckdb_columns() where database_name = 'scoring' and schema_name = 'main' "
        "and (comment is null or comment = '')"
    ).fetchall()
    assert missing == []
    # client_features' comments are its YAML descriptions, the feature's catalog description among them
    comment, description = con.execute(
        "select c.comment, f.description from duckdb_columns() c join feature_catalog f on f.feature = c.column_name "
        "where c.database_name = 'scoring' and c.table_name = 'client_features' and c.column_name = 'app_amt_credit'"
    ).fetchone()
    assert description in comment
    raw_missing = con.execute(
        "select table_name, count(*) from duckdb_columns() where database_name = 'scoring' and schema_name = 'staging' "
        "and (comment is null or comment = '') group by 1"
    ).fetchall()
    assert raw_missing == []
    # and the raw tables themselves, from Kaggle's descriptions (written by `scoring ingest`)
    raw = duckdb.connect(str(settings.raw_db), read_only=True)
    undescribed = raw.execute(
        "select table_name, column_name from duckdb_columns() where not internal and (comment is null or comment = '')"
    ).fetchall()
    assert undescribed == []
    assert (
        raw.execute("select comment from duckdb_columns() where table_name = 'bureau' and column_name = 'CREDIT_DAY_OVERDUE'")
        .fetchone()[0]
        .startswith("Number of days past due")
    )
    assert all(c for (c,) in raw.execute("select comment from duckdb_tables() where not internal").fetchall())


def test_age_bands_sort_in_age_order(settings):
    con = _con(settings)
    bands = [b for (b,) in con.execute("select distinct age_band from client_profile order by age_band").fetchall()]
    assert bands == [b for b in ["<30", "30-39", "40-49", "50-59", "60+"] if b in bands] and len(bands) >= 3


def _compiled(settings: Settings, analysis: str) -> str:
    res = run_dbt(settings, "compile", ["--select", analysis])
    assert res.success, res.exception
    return _compiled_file(settings, analysis)


def _compiled_file(settings: Settings, analysis: str) -> str:
    return next((settings.build_dir / "target").rglob(f"analyses/{analysis}.sql")).read_text()


def test_sqlalchemy_reflects_marts_views_and_model_tables_with_comments(settings):
    inspector = sqlalchemy.inspect(engine(settings))
    names = set(inspector.get_table_names()) | set(inspector.get_view_names())
    assert {*MARTS, *MODEL_VIEWS, "feature_drift"} <= names
    for name in ("client_profile", "feature_catalog", "client_scores", "client_reasons", "feature_drift"):
        columns = inspector.get_columns(name)
        assert columns and all(c["comment"] for c in columns), name
    meta = sqlalchemy.MetaData()
    meta.reflect(engine(settings), only=["client_scores", "feature_catalog"], views=True)
    assert "out-of-fold" in meta.tables["client_scores"].c.oof_probability.comment


def test_read_sql_answers_an_analysis_while_dbt_run_publishes(settings):
    sql = _compiled(settings, "approval_and_missed_defaults_by_group")
    eng = engine(settings)
    first = pd.read_sql(sqlalchemy.text(sql), eng)
    assert len(first) >= 2 and first["approval_rate"].between(0, 1).all()
    answers, errors, stop = [], [], threading.Event()

    def ask():
        while not stop.is_set():
            try:
                answers.append(pd.read_sql(sqlalchemy.text(sql), eng))
            except BaseException as exc:
                errors.append(exc)
                return

    thread = threading.Thread(target=ask)
    thread.start()
    env = dict(os.environ, SCORING_WAREHOUSE=str(settings.warehouse), DO_NOT_TRACK="1")
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "run",
            "--select",
            "client_profile",
            "--target-path",
            str(settings.build_dir / "t-sql"),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    stop.set()
    thread.join()
    assert done.returncode == 0 and "publish: all" in done.stdout, done.stdout[-2000:]
    assert errors == [] and answers
    assert all(a.equals(first) for a in answers)  # the same data, rebuilt: every answer whole and the same
    assert pd.read_sql(sqlalchemy.text(sql), eng).equals(first)


def test_analyses_compile(settings):
    res = run_dbt(settings, "compile", ["--select", "resource_type:analysis"])
    assert res.success, res.exception
    compiled = {p.stem for p in (settings.build_dir / "target").rglob("analyses/*.sql")}
    assert {
        "default_rate_by_contract_type_and_age_band",
        "approval_and_missed_defaults_by_group",
        "one_client_reasons",
        "drift",
        "similar_clients",
    } <= compiled
    manifest_path = settings.build_dir / "target" / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        assert any(n["resource_type"] == "analysis" for n in manifest["nodes"].values())


def test_similar_clients_analysis_finds_the_api_neighbours(settings):
    """The analysts' SQL (array_distance over client_vectors) and the service's KD-tree agree."""
    con = _con(settings)
    for (cid,) in con.execute("select sk_id_curr from client_vectors order by sk_id_curr limit 2").fetchall():
        res = run_dbt(settings, "compile", ["--select", "similar_clients", "--vars", json.dumps({"client": cid})])
        assert res.success, res.exception
        sql = _compiled_file(settings, "similar_clients")
        rows = con.execute(sql).fetchall()
        api = ScoringService(settings).neighbors(cid)["neighbors"]
        assert [r[0] for r in rows] == [n["sk_id_curr"] for n in api]
        assert all(abs(r[4] - n["distance"]) < 1e-4 for r, n in zip(rows, api))
