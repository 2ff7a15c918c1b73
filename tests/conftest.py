"""Shared fixtures: a warehouse published by the real pipeline (generate -> ingest -> build -> train)
on a small generated data set, built once per test session."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from live_server import run_scoring

PIPELINE_SCALE = "0.02"  # ~6,000 applicants: every table non-empty, the whole pipeline in a minute or two


@pytest.fixture(scope="session")
def generated_data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "data"
    run_scoring("generate", "--out", str(out), "--scale", PIPELINE_SCALE, "--seed", "7")
    return out


@pytest.fixture(scope="session")
def pipeline_warehouse(tmp_path_factory, generated_data) -> Path:
    """A warehouse directory with raw.duckdb, scoring.duckdb, model.duckdb and models/CURRENT, built by the CLI."""
    warehouse = tmp_path_factory.mktemp("warehouse")
    run_scoring("--warehouse", str(warehouse), "ingest", str(generated_data))
    run_scoring("--warehouse", str(warehouse), "build")
    run_scoring("--warehouse", str(warehouse), "train")
    return warehouse


@pytest.fixture(scope="session")
def client_id(pipeline_warehouse) -> int:
    """A historical client of the pipeline warehouse (the smallest train id)."""
    con = duckdb.connect(str(pipeline_warehouse / "scoring.duckdb"), read_only=True)
    try:
        return int(con.execute("select min(sk_id_curr) from client_features where is_train").fetchone()[0])
    finally:
        con.close()
