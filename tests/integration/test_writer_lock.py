"""Issue 18: one writer at a time per warehouse (`scoring build`, `train`, a bare writing `dbt` command),
stale locks, leftovers of killed builds and trains, a quote in the warehouse path (ingest, build, read),
one-line CLI errors. The real CLI, dbt and DuckDB files on `scoring generate --scale 0.005`."""

from __future__ import annotations

import argparse
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from kernel.errors import ScoringError
from kernel.settings import Settings
from kernel.warehouse import LOCK_NAME, WarehouseReader
from models_ml import registry
from models_ml.data import _finite
from models_ml.train import train
from scoring.cli import _one_line

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def scoring(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "scoring.cli", *args],
        cwd=REPO,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def scoring_run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring.cli", *args], cwd=REPO, env=ENV, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def small_data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "data"
    proc = scoring_run("generate", "--out", str(out), "--scale", "0.005", "--seed", "5")
    assert proc.returncode == 0, proc.stderr
    return out


HOLD_LOCK = (
    "import sys, time; from kernel.warehouse import acquire_writer_lock; "
    "acquire_writer_lock(sys.argv[1]); print('held', flush=True); time.sleep(300)"
)


def hold_lock(warehouse: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(warehouse)], cwd=REPO, stdout=subprocess.PIPE, text=True, env=ENV
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_quoted_path_two_builds_at_once_and_leftovers(tmp_path, small_data):
    warehouse = tmp_path / "o'brien's warehouse"
    proc = scoring_run("--warehouse", str(warehouse), "ingest", str(small_data))
    assert proc.returncode == 0, proc.stderr
    leftover = warehouse / "build" / "scoring-0123456789abcdef.duckdb"  # what a killed build left
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"x" * 4096)

    first = scoring("--warehouse", str(warehouse), "build")
    deadline = time.time() + 60
    while time.time() < deadline and (warehouse / LOCK_NAME).read_text().strip() != str(first.pid):
        time.sleep(0.05)
    started = time.perf_counter()
    second = scoring_run("--warehouse", str(warehouse), "build")
    elapsed = time.perf_counter() - started
    assert first.poll() is None, "the first build ended before the second started"
    assert second.returncode == 1
    assert second.stderr == f"error: {warehouse}: a build is already running (pid {first.pid}); try again when it ends\n"
    assert elapsed < 10  # interpreter start-up only, not a build
    out, err = first.communicate(timeout=900)
    assert first.returncode == 0, err[-3000:]
    assert not leftover.exists()
    assert not list((warehouse / "build").glob("scoring-*.duckdb*"))

    reader = WarehouseReader(Settings(warehouse=warehouse))  # ATTACH of a path with quotes
    assert reader.cursor().execute("select count(*) from client_features").fetchone()[0] > 0
    assert reader.cursor().execute("select count(*) from raw.application_train").fetchone()[0] > 0


def test_a_bare_writing_dbt_command_is_refused_while_a_build_runs(tmp_path):
    warehouse = tmp_path / "wh"
    holder = hold_lock(warehouse)
    try:
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "dbt"), "run", "--select", "stg_bureau"],
            cwd=REPO,
            env={**ENV, "SCORING_WAREHOUSE": str(warehouse)},
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode != 0
    assert f"a build is already running (pid {holder.pid})" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not list((warehouse / "build").glob("scoring-*.duckdb"))


def test_train_is_refused_while_another_writer_runs_and_not_after_it_was_killed(tmp_path):
    warehouse = tmp_path / "wh"
    holder = hold_lock(warehouse)
    settings = Settings(warehouse=warehouse)
    try:
        with pytest.raises(ScoringError, match=rf"a build is already running \(pid {holder.pid}\)"):
            train(settings)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with pytest.raises(ScoringError, match="no published warehouse|scoring build"):  # past the lock now
        train(settings)


def test_leftovers_of_a_killed_train_are_removed(tmp_path):
    settings = Settings(warehouse=tmp_path / "wh")
    models = settings.models_dir
    for run_id in ("20260101T000000000000Z-aaaaaaaa", "20260102T000000000000Z-bbbbbbbb", "20260103T000000000000Z-cccccccc"):
        (models / run_id).mkdir(parents=True)
        (models / run_id / "model.txt").write_text("x")
    registry.set_current(settings, "20260102T000000000000Z-bbbbbbbb")
    scratch = models / ".20260104T000000000000Z-dddddddd.0123456789ab.tmp"
    scratch.mkdir()
    removed = registry.remove_leftovers(settings)
    assert sorted(p.name for p in removed) == sorted([scratch.name, "20260103T000000000000Z-cccccccc"])
    assert sorted(p.name for p in models.iterdir()) == [
        "20260101T000000000000Z-aaaaaaaa",
        "20260102T000000000000Z-bbbbbbbb",
        "CURRENT",
    ]


@pytest.mark.parametrize("seed", ["-1", "abc", str(2**32)])
def test_an_invalid_seed_is_one_line(tmp_path, seed):
    proc = scoring_run("--warehouse", str(tmp_path), "train", "--seed", seed, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: scoring train: argument --seed:"), proc.stderr


def test_disk_full_names_the_warehouse(tmp_path):
    args = argparse.Namespace(warehouse=tmp_path)
    msg = _one_line(OSError(errno.ENOSPC, "No space left on device"), args)
    assert msg == f"{tmp_path}: no space left on device; nothing published (free some space and run again)"
    msg = _one_line(RuntimeError('IO Error: Could not write file "x": No space left on device'), args)
    assert msg.startswith(f"{tmp_path}: no space left on device")


def test_infinite_features_stop_training_with_one_line():
    X = np.array([[1.0, np.nan], [2.0, np.inf]])
    with pytest.raises(ScoringError, match=r"client_features.b: 1 infinite value\(s\), e.g. client 12"):
        _finite(X, ["a", "b"], np.array([11, 12]))
    assert _finite(X[:1], ["a", "b"], np.array([11])) is not None  # NaN is a missing value, allowed
