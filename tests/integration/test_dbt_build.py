"""`scoring build` / `dbt build`: the feature warehouse built from real DuckDB files by the real dbt.

Generated data (joins everywhere: the session's warehouse of conftest.py, copied where a test rebuilds it)
and both real-sample excerpts (sparse: most clients have no history; the warehouses `scoring run` built on
them for test_pipeline_run.py); the what-if table function; a reader holding the published file during a
rebuild; a failing build publishes nothing; `dbt docs generate` offline. The checks that need no dbt are in
tests/unit/test_build_helpers.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from kernel.errors import ScoringError
from kernel.settings import PROJECT_ROOT, Settings
from pipeline.build import build, run_dbt

MARTS = ("client_features", "client_profile", "feature_catalog", "warehouse_build")
# Feature prefix -> the raw table whose rows (by SK_ID_CURR) the features summarise.
SIDE_TABLES = {
    "bureau_": "bureau",
    "bb_": "bureau",
    "prev_": "previous_application",
    "pos_": "pos_cash_balance",
    "inst_": "installments_payments",
    "cc_": "credit_card_balance",
}
SIDE_PREFIXES = tuple(SIDE_TABLES)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def published_wh(pipeline_warehouse) -> Settings:
    """The session's warehouse as `scoring build` published it (read only)."""
    return Settings(warehouse=pipeline_warehouse)


@pytest.fixture(scope="module")
def generated_wh(warehouse_copy) -> Settings:
    """A copy of the session's built warehouse, for the tests that rebuild it."""
    return Settings(warehouse=warehouse_copy("dbt_generated"))


@pytest.fixture(scope="session", params=["real_random1500", "real_head199"])
def real_wh(request, real_sample_run) -> Settings:
    return Settings(warehouse=real_sample_run(request.param)[1])


def _ro(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def _columns(con, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() where table_name = ? order by column_index", [table]
    ).fetchall()


def _check_marts(settings: Settings) -> dict:
    """Contracts shared by every build; returns a few figures for the caller's own checks."""
    raw = _ro(settings.raw_db)
    n_train = raw.execute("select count(*) from application_train").fetchone()[0]
    n_test = raw.execute("select count(*) from application_test").fetchone()[0]
    raw.close()
    con = _ro(settings.features_db)  # opens standalone: no raw attached
    cols = _columns(con, "client_features")
    names = [c for c, _ in cols]
    assert names[:3] == ["sk_id_curr", "is_train", "target"]
    assert dict(cols)["sk_id_curr"] == "BIGINT" and dict(cols)["is_train"] == "BOOLEAN" and dict(cols)["target"] == "INTEGER"
    features = names[3:]
    assert len(features) > 500
    assert all(t in ("DOUBLE", "BIGINT", "INTEGER") for c, t in cols[3:]), {
        c: t for c, t in cols[3:] if t not in ("DOUBLE", "BIGINT", "INTEGER")
    }
    assert all(f.startswith(("app_",) + SIDE_PREFIXES) and f == f.lower() and f.replace("_", "").isalnum() for f in features)
    assert not any("target" in f for f in features)
    catalog = con.execute(
        "select feature, label, source_table, aggregation, description, kind, unit, family from feature_catalog order by position"
    ).fetchall()
    assert [r[0] for r in catalog] == features
    assert all(all(v for v in r) for r in catalog)
    # the spec format: one-hot features, and only they and shares of a level, name a level; derived ones a formula
    assert (
        con.execute(
            "select count(*) from feature_catalog where (kind = 'one-hot') and (level is null or level_label is null) "
            "or kind not in ('one-hot', 'share', 'flag') and level is not null "
            "or source_column is null and kind <> 'count' and formula is null"
        ).fetchone()[0]
        == 0
    )
    rows, train, test, distinct = con.execute(
        "select count(*), count(*) filter (where is_train), count(*) filter (where not is_train), count(distinct sk_id_curr) from client_features"
    ).fetchone()
    assert (rows, train, test, distinct) == (n_train + n_test, n_train, n_test, n_train + n_test)
    assert (
        con.execute(
            "select count(*) from client_features where is_train and target is null or not is_train and target is not null"
        ).fetchone()[0]
        == 0
    )
    assert con.execute("select count(*) from client_profile").fetchone()[0] == rows
    bands = {b for (b,) in con.execute("select distinct age_band from client_profile").fetchall()}
    assert bands <= {"<30", "30-39", "40-49", "50-59", "60+"}
    non_null = con.execute("select " + ", ".join(f"count({f})" for f in features) + " from client_features").fetchone()
    con.close()
    return {"rows": rows, "features": features, "non_null": dict(zip(features, non_null))}


def test_build_on_generated_data_computes_every_feature(published_wh):
    figures = _check_marts(published_wh)
    # Generated data links every table, so every family has values somewhere.
    for prefix in ("app_",) + SIDE_PREFIXES:
        fam = {f: n for f, n in figures["non_null"].items() if f.startswith(prefix)}
        assert fam and sum(1 for n in fam.values() if n > 0) > 0.5 * len(fam), prefix
    assert published_wh.build_dir.is_dir()
    assert list(published_wh.build_dir.glob("scoring-*.duckdb")) == []  # build files removed after publication


def test_build_on_real_sample_is_null_without_history(real_wh):
    figures = _check_marts(real_wh)
    con = _ro(real_wh.features_db)
    con.execute(f"ATTACH '{real_wh.raw_db}' AS raw (READ_ONLY)")
    # Clients without rows in a side table: every feature of that table is NULL (not 0, not a default).
    columns = [c for c, _ in _columns(con, "client_features")]
    for prefix, table in SIDE_TABLES.items():
        family = [c for c in columns if c.startswith(prefix)]
        without, with_values = con.execute(
            f"select count(*), count(*) filter (where coalesce({', '.join(family)}) is not null) from client_features f "
            f"where not exists (select 1 from raw.{table} s where s.SK_ID_CURR = f.sk_id_curr)"
        ).fetchone()
        assert family and without > 0 and with_values == 0, (prefix, without, with_values)
    # With bureau rows: the count is right.
    mismatches = con.execute(
        "select count(*) from client_features f join (select SK_ID_CURR, count(*) n from raw.bureau group by 1) b "
        "on b.SK_ID_CURR = f.sk_id_curr where f.bureau_credit_count <> b.n"
    ).fetchone()[0]
    assert mismatches == 0
    # Every application feature is computed for somebody; sentinels are NULL with a flag.
    app = {f: n for f, n in figures["non_null"].items() if f.startswith("app_") and "_is_" not in f}
    assert sum(1 for n in app.values() if n > 0) > 0.6 * len(app)
    flagged, employed_null = con.execute(
        "select count(*) filter (where app_days_employed_is_sentinel = 1), "
        "count(*) filter (where app_days_employed_is_sentinel = 1 and app_days_employed is null) from client_features"
    ).fetchone()
    raw_sentinels = con.execute(
        "select (select count(*) from raw.application_train where DAYS_EMPLOYED = 365243) + (select count(*) from raw.application_test where DAYS_EMPLOYED = 365243)"
    ).fetchone()[0]
    assert flagged == employed_null == raw_sentinels > 0
    assert con.execute("select count(*) from client_features where app_days_employed > 0").fetchone()[0] == 0
    con.close()


def test_what_if_uses_the_warehouse_application_features(published_wh):
    raw = _ro(published_wh.raw_db)
    df = raw.execute("select * from application_train order by SK_ID_CURR limit 1 offset 5").df()
    raw.close()
    cid = int(df["SK_ID_CURR"].iloc[0])
    con = _ro(published_wh.features_db)
    app_cols = [c for c, _ in _columns(con, "client_features") if c.startswith("app_")]
    stored = con.execute(f"select {', '.join(app_cols)} from client_features where sk_id_curr = ?", [cid]).fetchone()
    con.register("edited", df)
    computed = con.execute(f"select {', '.join(app_cols)} from application_features('edited')").fetchall()
    assert len(computed) == 1
    _assert_same_values(computed[0], stored)
    edited = df.copy()
    edited["AMT_INCOME_TOTAL"] = edited["AMT_INCOME_TOTAL"] * 2
    con.register("edited2", edited)
    new = dict(zip(app_cols, con.execute(f"select {', '.join(app_cols)} from application_features('edited2')").fetchone()))
    old = dict(zip(app_cols, stored))
    assert new["app_credit_to_income_ratio"] == pytest.approx(old["app_credit_to_income_ratio"] / 2)
    assert new["app_annuity_to_income_ratio"] == pytest.approx(old["app_annuity_to_income_ratio"] / 2)
    assert new["app_amt_income_total"] == pytest.approx(old["app_amt_income_total"] * 2)
    assert new["app_annuity_to_credit_ratio"] == pytest.approx(old["app_annuity_to_credit_ratio"])
    con.close()


def _assert_same_values(a, b) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert (x is None and y is None) or x == pytest.approx(y), (x, y)


def _fingerprint(path: Path) -> tuple[int, str]:
    return path.stat().st_ino, hashlib.sha256(path.read_bytes()).hexdigest()


def test_failing_build_publishes_nothing(generated_wh):
    before = _fingerprint(generated_wh.features_db)
    with pytest.raises(ScoringError, match="assert_failure_injection_is_off"):
        build(generated_wh, extra_args=["--vars", "{scoring_fail_build: true}"])
    assert _fingerprint(generated_wh.features_db) == before
    assert list(generated_wh.build_dir.glob("scoring-*.duckdb")) == []


def test_key_tests_fail_the_build_on_bad_keys(generated_wh, tmp_path):
    """The one-pass key tests (primary_key, not_null_columns) catch a repeated application and a
    payment row without its client: the build fails, nothing is published, last_build.json names both."""
    settings = Settings(warehouse=tmp_path / "warehouse")
    settings.warehouse.mkdir()
    shutil.copy(generated_wh.raw_db, settings.raw_db)
    raw = duckdb.connect(str(settings.raw_db))
    raw.execute("insert into application_test select * from application_test limit 1")
    raw.execute("update installments_payments set SK_ID_CURR = null where rowid = 0")
    raw.close()
    # Through the program (as a user runs it): exit status 1, one error line, nothing published.
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "--warehouse", str(settings.warehouse), "build"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 1 and len(errors) == 1 and done.stderr.splitlines()[-1] == errors[0], done.stderr[-2000:]
    assert "primary_key" in errors[0] or "not_null_columns" in errors[0]
    assert "resource_tracker" not in done.stderr  # the fast exit still ran the exit handlers
    assert not settings.features_db.exists()
    report = json.loads((settings.build_dir / "last_build.json").read_text())
    failed = {n["name"] for n in report["nodes"] if n["status"] == "fail"}
    assert "primary_key_stg_applications_sk_id_curr" in failed
    assert any(name.startswith("not_null_columns_stg_installments_payments") for name in failed), failed


def test_interrupted_build_says_so_and_publishes_nothing(generated_wh):
    """Ctrl-C while dbt runs the models: exit 130 and "interrupted", like ingest and train."""
    before = _fingerprint(generated_wh.features_db)
    cmd = [sys.executable, "-m", "scoring", "--warehouse", str(generated_wh.warehouse), "build"]
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
    lines, sent = [], False
    for line in proc.stderr:
        lines.append(line.rstrip("\n"))
        if line.startswith("build: model ") and not sent:  # dbt is running the models
            proc.send_signal(signal.SIGINT)
            sent = True
    assert proc.wait(timeout=300) == 130, lines[-5:]
    assert lines[-1] == "error: interrupted; nothing published"
    assert _fingerprint(generated_wh.features_db) == before


def test_reader_keeps_working_while_bare_dbt_build_publishes(generated_wh):
    """A reader holds the published file open and queries in a loop while a bare `dbt build`
    (another process) rebuilds and publishes; the reader never errors, a new connection sees the new build."""
    old_build = _ro(generated_wh.features_db).execute("select invocation_id from warehouse_build").fetchone()[0]
    reader = duckdb.connect(str(generated_wh.features_db), read_only=True)
    errors: list[BaseException] = []
    queries = 0
    stop = threading.Event()

    def loop():
        nonlocal queries
        cur = reader.cursor()
        while not stop.is_set():
            try:
                cur.execute("select count(*), sum(app_amt_credit) from client_features").fetchone()
                queries += 1
            except BaseException as exc:
                errors.append(exc)
                return
            time.sleep(0.01)

    thread = threading.Thread(target=loop)
    thread.start()
    env = dict(
        os.environ, SCORING_WAREHOUSE=str(generated_wh.warehouse), DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="False"
    )
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--project-dir",
            str(PROJECT_ROOT),
            "--profiles-dir",
            str(PROJECT_ROOT),
            "--target-path",
            str(generated_wh.build_dir / "target-bare"),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    stop.set()
    thread.join()
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "publish: all" in proc.stdout
    assert errors == [] and queries > 0
    assert reader.execute("select invocation_id from warehouse_build").fetchone()[0] == old_build  # old file, still fine
    # The replaced file's second name in build/ goes in the background; the reader keeps the file itself.
    deadline = time.monotonic() + 10
    while list(generated_wh.build_dir.glob("retired-*.duckdb")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(generated_wh.build_dir.glob("retired-*.duckdb")) == []
    assert reader.execute("select invocation_id from warehouse_build").fetchone()[0] == old_build
    reader.close()
    fresh = _ro(generated_wh.features_db)
    assert fresh.execute("select invocation_id from warehouse_build").fetchone()[0] != old_build
    fresh.close()
    assert len(list(generated_wh.build_dir.glob("scoring-*.duckdb"))) <= 1  # the bare run's own file, removed next time


def test_dbt_docs_generate_works_offline(generated_wh):
    res = run_dbt(generated_wh, "docs generate")
    assert res.success, res.exception
    catalog = json.loads((generated_wh.build_dir / "target" / "catalog.json").read_text())
    nodes = {n["metadata"]["name"]: n for n in catalog["nodes"].values()}
    assert {"client_features", "client_profile", "feature_catalog"} <= set(nodes)
    assert len(nodes["client_features"]["columns"]) > 500
    manifest = json.loads((generated_wh.build_dir / "target" / "manifest.json").read_text())
    assert {e["name"] for e in manifest["exposures"].values()} == {"scoring_dashboard", "default_risk_model"}
    source_cols = [c for s in manifest["sources"].values() for c in s["columns"].values()]
    assert source_cols and all(c["description"] for c in source_cols if c["name"] != "NFLAG_MICRO_CASH")
    # Every column of every mart is described in dbt's docs; client_features' feature columns say what
    # feature_catalog says (the generated _client_features.yml has not drifted from the features).
    mart_nodes = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["name"] in MARTS}
    for name in MARTS:
        built = {c.lower() for c in nodes[name]["columns"]}
        described = {c.lower() for c, col in mart_nodes[name]["columns"].items() if col["description"].strip()}
        assert built - described == set(), f"{name}: columns without a description"
        assert {c.lower() for c in mart_nodes[name]["columns"]} - built == set(), f"{name}: documented columns it does not have"
    with _ro(generated_wh.features_db) as con:
        catalog_docs = dict(con.execute("select feature, description from feature_catalog").fetchall())
    documented = mart_nodes["client_features"]["columns"]
    stale = [f for f, text in catalog_docs.items() if documented.get(f, {}).get("description") != text]
    assert stale == [], f"re-run scripts/generate_client_features_yml.py: {stale[:5]}"


def test_wording_reads_the_built_catalog(real_wh):
    """The service's words for every feature come from the catalog's kind, unit and level."""
    from service.wording import FeatureInfo, describe, short

    with _ro(real_wh.features_db) as con:
        res = con.execute("select * from feature_catalog")
        names = [d[0] for d in res.description]
        catalog = {i.feature: i for i in (FeatureInfo.from_row(dict(zip(names, r))) for r in res.fetchall())}
        row = con.execute(
            "select * from client_features where app_days_birth is not null and app_name_income_type_working = 1 limit 1"
        ).fetchone()
        columns = [d[0] for d in con.description]
    client = dict(zip(columns, row))
    texts = {f: describe(info, client[f]) for f, info in catalog.items()}
    assert texts["app_days_birth"] == f"Age — {abs(client['app_days_birth']) / 365.25:.0f} years"
    assert texts["app_amt_income_total"] == f"Annual income — {client['app_amt_income_total']:,.0f}"
    assert texts["app_name_income_type_working"] == "Income type: Working — yes"
    assert short(catalog["app_name_income_type_pensioner"], 0) == "Income type: not Pensioner"
    assert texts["app_code_gender_f"].startswith("Gender: female — ")
    assert not [t for t in texts.values() if "Application:" in t or "NULL" in t]
