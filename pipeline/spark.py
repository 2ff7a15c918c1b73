"""The feature build on Apache Spark (dbt target `spark`, the optional extra `spark`): the same dbt project,
the raw tables handed over as Parquet, the marts handed back as Parquet and published into the DuckDB
warehouse that `scoring train` and the app read as always. Training, neighbours, the what-if and serving
stay on DuckDB; only the feature build moves (README, "Feature build on Spark").

    raw.duckdb --export_raw--> spark/raw/<table>/ --dbt build --target spark--> spark/marts/<mart>/
    --dbt build (DuckDB, client_features read from spark/marts/)--> scoring.duckdb (pipeline/build.py)

The marts the Spark build writes as Parquet: spark_published_marts in dbt_project/macros/adapter/engine.sql.
Spark's own files stay under $SCORING_WAREHOUSE/spark/: its metastore (Derby, one process at a time), its
tables, derby.log and event logs (profiles.yml pins them there).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from kernel.kaggle_schema import FILES
from kernel.settings import Settings
from kernel.warehouse import require_raw_tables, sql_literal

SPARK_DIR = "spark"


def spark_dir(settings: Settings) -> Path:
    return settings.warehouse / SPARK_DIR


def export_raw(settings: Settings) -> list[str]:
    """Every raw table as one Parquet file in spark/raw/<table>/ (the location of Spark's table raw.<table>).
    Skipped when the export is newer than raw.duckdb. Returns the tables written."""
    require_raw_tables(settings.raw_db)
    out = spark_dir(settings) / "raw"
    stamp = out / ".exported"
    if stamp.exists() and stamp.stat().st_mtime_ns >= settings.raw_db.stat().st_mtime_ns:
        return []
    tables = [f.table for f in FILES.values()]
    con = duckdb.connect(str(settings.raw_db), read_only=True)
    try:
        for table in tables:
            folder = out / table
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            con.execute(f"COPY {table} TO {sql_literal(str(folder / 'part-0.parquet'))} (FORMAT parquet)")
    finally:
        con.close()
    stamp.touch()
    return tables


def stop_spark() -> None:
    """End this process's Spark session and the JVM it started (dbt-spark's session method keeps both for the
    process's life, shared by its dbt commands): for tests and benchmarks that go on without Spark."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()
    gateway = SparkContext._gateway
    if gateway is not None:
        gateway.shutdown()
        gateway.proc.stdin.close()  # the JVM pyspark launched ends when its standard input closes
        gateway.proc.wait(timeout=60)
        SparkContext._gateway = None
        SparkContext._jvm = None


# The marts compared value for value, with their key (rows are matched on it).
COMPARED_MARTS = {"client_features": "sk_id_curr", "client_profile": "sk_id_curr", "feature_catalog": "position"}
TOLERANCE = 1e-9  # doubles equal within this, relative or absolute


def mart_differences(settings: Settings, duckdb_file: Path | None = None) -> list[str]:
    """What differs between the DuckDB marts (the published scoring.duckdb, or a copy of it) and the Parquet marts
    of the last Spark build: column names and order, rows (by key), then every column whose values differ (doubles within a relative
    or an absolute 1e-9, NULL equal to NULL, the rest compared as text), naming its first differing key. Empty when
    the marts are equal."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {sql_literal(str(duckdb_file or settings.features_db))} AS scoring (READ_ONLY)")
        return [d for mart, key in COMPARED_MARTS.items() for d in _mart_differences(con, settings, mart, key)]
    finally:
        con.close()


def _mart_differences(con: duckdb.DuckDBPyConnection, settings: Settings, mart: str, key: str) -> list[str]:
    files = sql_literal(str(spark_dir(settings) / "marts" / mart / "*.parquet"))
    con.execute(f"CREATE OR REPLACE TEMP VIEW spark_mart AS SELECT * FROM read_parquet({files})")
    types = "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND table_name = ? ORDER BY column_index"
    duck = con.execute(types, ["scoring", mart]).fetchall()
    spark = con.execute(types, ["temp", "spark_mart"]).fetchall()
    if [c for c, _ in duck] != [c for c, _ in spark]:
        only_duck = [c for c, _ in duck if c not in {s for s, _ in spark}]
        only_spark = [c for c, _ in spark if c not in {d for d, _ in duck}]
        return [f"{mart}: columns differ (DuckDB only: {only_duck}, Spark only: {only_spark}, or their order)"]
    rows = con.execute(
        f"SELECT count(*) FILTER (WHERE d.{key} IS NULL), count(*) FILTER (WHERE s.{key} IS NULL), min(coalesce(d.{key}, s.{key})) "
        f"FILTER (WHERE d.{key} IS NULL OR s.{key} IS NULL) FROM scoring.main.{mart} d FULL JOIN spark_mart s USING ({key})"
    ).fetchone()
    if rows[0] or rows[1]:
        return [f"{mart}: {rows[0]} rows only on Spark, {rows[1]} only on DuckDB (first {key} {rows[2]})"]
    checks = []
    for column, data_type in duck:
        d, s = f'd."{column}"', f's."{column}"'
        if data_type in ("DOUBLE", "FLOAT") or data_type.startswith("DECIMAL"):
            equal = f"abs({d} - {s}) <= {TOLERANCE} OR abs({d} - {s}) <= {TOLERANCE} * greatest(abs({d}), abs({s})) OR {d} = {s}"
            equal = f"({d} IS NULL AND {s} IS NULL) OR coalesce({equal}, false)"
        else:
            equal = f"CAST({d} AS VARCHAR) IS NOT DISTINCT FROM CAST({s} AS VARCHAR)"
        checks.append(f"min(d.{key}) FILTER (WHERE NOT ({equal}))")
    firsts = con.execute(f"SELECT {', '.join(checks)} FROM scoring.main.{mart} d JOIN spark_mart s USING ({key})").fetchone()
    return [
        f"{mart}.{column}: differs, first at {key} {first}"
        for (column, _), first in zip(duck, firsts, strict=True)
        if first is not None
    ]
