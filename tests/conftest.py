"""Shared fixtures, built once per test session and reused by every test whose point allows it: the embedded
default generated and published by one `scoring run` (generate -> ingest -> build -> train), private copies of
that warehouse for the tests that change it, one live server with authentication, the real-sample excerpts run
by `scoring run`, and a raw.duckdb ingested from the head excerpt for the ingest tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_support import copy_sample
from live_server import run_scoring, start_server
from real_data import FIXTURES

from kernel.settings import Settings

PIPELINE_SCALE = "0.02"  # ~6,000 applicants: every table non-empty, the whole pipeline in a minute or two
PIPELINE_SEED = "7"
TEST_USER, TEST_PASSWORD = "rm", "a long password"


def run_default(warehouse: Path) -> subprocess.CompletedProcess:
    """`scoring run --no-serve` on the embedded default at the session's scale and seed, as `make run` does:
    generate (unless that data is already in the warehouse) -> ingest -> build -> train."""
    return run_scoring("--warehouse", str(warehouse), "run", "--scale", PIPELINE_SCALE, "--seed", PIPELINE_SEED, "--no-serve")


@pytest.fixture(scope="session")
def default_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The session's one end-to-end run on generated data, into a fresh warehouse: (warehouse, what it printed)."""
    warehouse = tmp_path_factory.mktemp("warehouse")
    return warehouse, run_default(warehouse)


@pytest.fixture(scope="session")
def pipeline_warehouse(default_run) -> Path:
    """A warehouse directory with data/, raw.duckdb, scoring.duckdb, model.duckdb and models/CURRENT, built by the CLI.
    Read-only for tests: one that rebuilds, retrains or edits it works on `warehouse_copy(name)`."""
    return default_run[0]


@pytest.fixture(scope="session")
def generated_data(pipeline_warehouse) -> Path:
    """The data set `scoring run` generated for the session (CSV). Read-only: a test that changes files copies them."""
    from scoring.run import default_data_dir

    return default_data_dir(Settings(warehouse=pipeline_warehouse), PIPELINE_SCALE, int(PIPELINE_SEED))


@pytest.fixture(scope="session")
def generated_parquet(tmp_path_factory) -> Path:
    """A small generated data set written as Parquet."""
    from pipeline.generate import generate

    out = tmp_path_factory.mktemp("generated_parquet") / "data"
    generate(out, scale=0.005, seed=3, fmt="parquet")
    return out


@pytest.fixture(scope="session")
def warehouse_copy(pipeline_warehouse, tmp_path_factory) -> Callable[[str], Path]:
    """A private copy of the session's published warehouse, for a test that changes it."""

    def copy(name: str) -> Path:
        warehouse = tmp_path_factory.mktemp(name) / "warehouse"
        shutil.copytree(pipeline_warehouse, warehouse, ignore=shutil.ignore_patterns("build", "*.tmp", "*.wal"))
        return warehouse

    return copy


@pytest.fixture(scope="session")
def client_id(pipeline_warehouse) -> int:
    """A historical client of the pipeline warehouse (the smallest train id)."""
    con = duckdb.connect(str(pipeline_warehouse / "scoring.duckdb"), read_only=True)
    try:
        return int(con.execute("select min(sk_id_curr) from client_features where is_train").fetchone()[0])
    finally:
        con.close()


@pytest.fixture(scope="session")
def auth_server(pipeline_warehouse, tmp_path_factory):
    """A live `scoring serve` on the session's warehouse with authentication on (one user, TEST_USER), shared by
    the dashboard and browser tests."""
    users = tmp_path_factory.mktemp("users") / "users.json"
    run_scoring("users", "add", TEST_USER, "--password-stdin", env={"SCORING_USERS": str(users)}, input=TEST_PASSWORD + "\n")
    live = start_server(pipeline_warehouse, tmp_path_factory.mktemp("logs") / "auth-server.log", users_file=users)
    yield live
    live.stop()


@pytest.fixture(scope="session")
def real_sample_run(tmp_path_factory) -> Callable[[str], tuple[Path, Path]]:
    """`scoring run --data <excerpt> --no-serve` on a real-sample excerpt of tests/fixtures/, once per sample
    and session: sample -> (data directory, warehouse). Shared by the end-to-end and the dbt tests."""
    done: dict[str, tuple[Path, Path]] = {}

    def get(sample: str) -> tuple[Path, Path]:
        if sample not in done:
            data = FIXTURES / sample
            warehouse = tmp_path_factory.mktemp(f"run_{sample}") / "wh"
            run_scoring("--warehouse", str(warehouse), "run", "--data", str(data), "--no-serve")
            done[sample] = (data, warehouse)
        return done[sample]

    return get


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """A raw.duckdb published by ingesting the real head excerpt; copied by the tests that need a warehouse."""
    from pipeline.ingest import ingest

    settings = Settings(warehouse=tmp_path_factory.mktemp("published") / "warehouse")
    ingest(FIXTURES / "real_head199", settings)
    return settings.raw_db


@pytest.fixture
def warehouse(tmp_path, published) -> Settings:
    """A warehouse that already holds a published raw.duckdb (from the head sample)."""
    settings = Settings(warehouse=tmp_path / "warehouse")
    settings.warehouse.mkdir()
    shutil.copyfile(published, settings.raw_db)
    return settings


@pytest.fixture
def data(tmp_path) -> Path:
    """A writable copy of the head sample, to be broken by the test."""
    return copy_sample(FIXTURES / "real_head199", tmp_path / "data")
