"""`scoring run`, the main job, end to end: on the embedded default and on real Kaggle samples.

Both runs are the session's (tests/conftest.py), reused by the other tests: `default_run` on generated data,
`real_sample_run` on the excerpts in tests/fixtures/. A second run that reuses the generated data is the
refresh test of test_dashboard.py (it publishes while the server answers)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow


def published_counts(warehouse: Path) -> dict[str, int]:
    con = duckdb.connect(str(warehouse / "scoring.duckdb"), read_only=True)
    try:
        con.execute(f"ATTACH '{warehouse / 'model.duckdb'}' AS model (READ_ONLY)")
        return {
            "features": con.execute("select count(*) from client_features").fetchone()[0],
            "scores": con.execute("select count(*) from model.client_scores").fetchone()[0],
            "refused_or_accepted": con.execute(
                "select count(*) from model.client_scores where decision in ('accepted', 'refused')"
            ).fetchone()[0],
        }
    finally:
        con.close()


def test_run_generates_the_default_then_builds_and_trains(default_run):
    warehouse, done = default_run
    summary = done.stderr.strip().splitlines()[-1]
    assert summary.startswith("run: generated") and "trained model" in summary
    assert (warehouse / "data").is_dir() and (warehouse / "models" / "CURRENT").is_file()
    counts = published_counts(warehouse)
    assert counts["features"] == counts["scores"] == counts["refused_or_accepted"] > 3000


@pytest.mark.parametrize("sample", ["real_head199", "real_random1500"])
def test_run_on_real_kaggle_samples(real_sample_run, sample):
    data, warehouse = real_sample_run(sample)
    counts = published_counts(warehouse)
    train_rows = sum(1 for _ in open(data / "application_train.csv", newline="")) - 1
    test_rows = sum(1 for _ in open(data / "application_test.csv", newline="")) - 1
    assert counts["features"] == counts["scores"] == train_rows + test_rows
    assert counts["refused_or_accepted"] == counts["scores"]
