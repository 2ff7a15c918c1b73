"""The generator's guards, without generating a data set: a failed run leaves nothing, a directory it did not
write is refused, a bad scale is one line of error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kernel.errors import ScoringError
from pipeline.generate import generate


def test_a_failed_run_leaves_nothing_behind(tmp_path, monkeypatch):
    from pipeline.generator import history

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(history, "card_frame", broken)
    with pytest.raises(RuntimeError):
        generate(tmp_path / "data", scale=0.005, seed=1)
    assert list(tmp_path.iterdir()) == []


def test_refuses_a_directory_it_did_not_write(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(ScoringError, match="not a generated data set"):
        generate(tmp_path, scale=0.005)
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_cli_rejects_a_bad_scale_with_one_line(tmp_path):
    exe = Path(sys.executable).with_name("scoring")
    done = subprocess.run([exe, "generate", "--out", tmp_path / "d", "--scale", "huge"], capture_output=True, text=True)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    error = lines[0]
    assert error.startswith("error:") and "--scale" in error and "huge" in error
    assert not (tmp_path / "d").exists()


def test_past_the_real_size_ids_go_on_above_the_real_range():
    import numpy as np

    from pipeline.generator import ID_RANGE, Plan, _client_ids

    plan = Plan.of(3, seed=1, fmt="csv")
    assert (plan.n_train, plan.n_test) == (3 * 307_511, 3 * 48_744)
    ids = _client_ids(np.random.default_rng(0), plan.n_train + plan.n_test)
    assert len(np.unique(ids)) == len(ids) == 3 * 356_255
    assert ids[0] == ID_RANGE[0] and ids[-1] > ID_RANGE[1]
    small = _client_ids(np.random.default_rng(0), 1000)  # within the real size: a sample of the real range, as before
    assert small.min() >= ID_RANGE[0] and small.max() <= ID_RANGE[1] and len(np.unique(small)) == 1000


def test_cli_refuses_a_scale_past_the_limit_in_one_line(tmp_path):
    exe = Path(sys.executable).with_name("scoring")
    done = subprocess.run([exe, "generate", "--out", tmp_path / "d", "--scale", "50"], capture_output=True, text=True)
    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1 and "--scale" in done.stderr and "50" in done.stderr
    assert not (tmp_path / "d").exists()
