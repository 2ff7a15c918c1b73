"""The same dbt project on Apache Spark (target `spark`, dbt-spark's session method, local Spark): equal marts on
both engines, and `scoring build --target spark` publishing a DuckDB warehouse whose client_features Spark built.

Each data set (the real-sample excerpt real_random1500 and generated data at scale 0.01) is ingested once, built
by DuckDB (the reference, set aside), then by `build(target="spark")`: the whole project built and tested on
Spark (seeds, models, data tests, unit tests), its marts written as Parquet, then the DuckDB build that takes
client_features from them. Spark's marts are compared value for value with the reference. One Spark session
(one JVM start-up) serves the module: dbt runs in this process, and the session method shares it.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb
import pytest
from real_data import FIXTURES

from kernel.settings import Settings
from pipeline.build import SPARK_ONLY_MODELS, build
from pipeline.generate import generate
from pipeline.ingest import ingest
from pipeline.spark import mart_differences, stop_spark

pytest.importorskip("pyspark", reason="the `spark` extra is not installed (make test installs it)")
pytestmark = [pytest.mark.slow, pytest.mark.spark]

REAL_SAMPLE = "real_random1500"
GENERATED_SCALE = 0.01


@pytest.fixture(scope="module")
def spark_warehouse(tmp_path_factory):
    """One warehouse for every data set: Spark's Derby metastore, pinned under the warehouse by the profile, is
    fixed when the session starts, so the module's builds share it. Stops Spark at the end."""
    settings = Settings(warehouse=tmp_path_factory.mktemp("spark") / "warehouse")
    yield settings
    stop_spark()


@pytest.fixture(scope="module")
def built(spark_warehouse, tmp_path_factory):
    """data set -> (DuckDB-only reference file, the two builds' reports, Spark's differences from the reference)."""
    generated = tmp_path_factory.mktemp("generated") / "data"
    generate(generated, scale=GENERATED_SCALE, seed=11)
    settings, out = spark_warehouse, {}
    for name, data in ((REAL_SAMPLE, FIXTURES / REAL_SAMPLE), ("generated", generated)):
        ingest(data, settings)
        build(settings)
        reference = settings.warehouse.parent / f"duckdb-{name}.duckdb"
        shutil.copyfile(settings.features_db, reference)
        started = time.perf_counter()
        report = build(settings, target="spark")
        seconds = time.perf_counter() - started
        out[name] = {
            "reference": reference,
            "report": report,
            "seconds": seconds,
            "differences": mart_differences(settings, reference),
        }
        print(f"{name}: DuckDB build then Spark + DuckDB build in {seconds:.1f} s")  # shown by pytest -s
    return out


@pytest.mark.parametrize("data_set", [REAL_SAMPLE, "generated"])
def test_marts_equal_on_both_engines(built, data_set):
    assert built[data_set]["differences"] == []


@pytest.mark.parametrize("data_set", [REAL_SAMPLE, "generated"])
def test_spark_ran_the_whole_project_with_its_tests(built, data_set):
    nodes = built[data_set]["report"].nodes
    spark_nodes = [n for n in nodes if n.name in SPARK_ONLY_MODELS]
    # built once, by Spark (the DuckDB build leaves the side-table models out)
    assert sorted(n.name for n in spark_nodes) == sorted(SPARK_ONLY_MODELS)
    kinds = {n.kind for n in nodes}
    assert {"model", "seed", "test", "unit_test"} <= kinds
    assert sum(1 for n in nodes if n.kind == "unit_test") >= 8  # every unit test on Spark, some again on DuckDB


def test_the_app_reads_spark_client_features_from_duckdb(built, spark_warehouse):
    """`scoring build --target spark` publishes scoring.duckdb as always; its client_features is a table holding
    exactly Spark's rows, and DuckDB did not aggregate the side tables."""
    spark_rows = spark_warehouse.warehouse / "spark" / "marts" / "client_features" / "*.parquet"
    con = duckdb.connect(str(spark_warehouse.features_db), read_only=True)
    try:
        kind = con.execute("select table_type from information_schema.tables where table_name = 'client_features'").fetchone()
        assert kind == ("BASE TABLE",)
        con.execute(f"create temp view spark_rows as select * from read_parquet('{spark_rows}')")
        counts = con.execute("select (select count(*) from client_features), (select count(*) from spark_rows)").fetchone()
        assert counts[0] == counts[1] > 0
        unmatched = "select count(*) from (select * from client_features except all select * from spark_rows)"
        assert con.execute(unmatched).fetchone() == (0,)
        side_tables = "select count(*) from duckdb_tables() where table_name like 'int_%aggregated_to_client'"
        assert con.execute(side_tables).fetchone() == (0,)
    finally:
        con.close()


def test_a_planted_difference_is_named(built, spark_warehouse, tmp_path):
    """The comparison can fail: a reference whose client_features differs in one value names the column and the client."""
    changed = tmp_path / "changed.duckdb"
    shutil.copyfile(built["generated"]["reference"], changed)
    con = duckdb.connect()
    try:
        # attached under the catalog name its views use; client_features (a view) becomes a table with one value changed
        con.execute(f"attach '{changed}' as scoring")
        first = con.execute("select min(sk_id_curr) from scoring.client_features").fetchone()[0]
        con.execute("create table scoring.main.changed as select * from scoring.client_features")
        con.execute("update scoring.main.changed set app_amt_credit = app_amt_credit * (1 + 1e-6) where sk_id_curr = ?", [first])
        con.execute("drop view scoring.main.client_features")
        con.execute("alter table scoring.main.changed rename to client_features")
    finally:
        con.close()
    assert mart_differences(spark_warehouse, changed) == [f"client_features.app_amt_credit: differs, first at sk_id_curr {first}"]


def test_spark_files_stay_under_the_warehouse(built, spark_warehouse):
    spark_dir = spark_warehouse.warehouse / "spark"
    assert (spark_dir / "metastore_db").is_dir()
    assert (spark_dir / "derby.log").exists()
    for leftover in ("metastore_db", "spark-warehouse", "derby.log"):
        assert not (Path.cwd() / leftover).exists()
