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
