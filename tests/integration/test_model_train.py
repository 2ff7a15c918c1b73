"""Training runs on a synthetic mart (the contract's columns, no dbt): what a run leaves behind,
what a failed run leaves alone, reproducibility and the CLI's JSON."""

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest

from kernel.errors import ClientNotFound, InvalidField, ScoringError
from models_ml import registry, tables
from models_ml.config import TrainConfig
from models_ml.train import train
from service.scoring_service import ScoringService

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from model_synthetic import make_synthetic_warehouse

FAST = TrainConfig(max_rounds=300, early_stopping_rounds=30, learning_rate=0.1, shap_sample_rows=1000, n_neighbour_features=8)
MODEL_TABLES = {
    "model_runs",
    "client_scores",
    "global_importance",
    "threshold_curve",
    "calibration",
    "fairness",
    "roc_curve",
    "client_vectors",
    "client_rows",
    "client_reasons",
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    settings = make_synthetic_warehouse(tmp_path_factory.mktemp("synthetic_wh"), n_train=2000, n_test=300, n_features=15)
    result = train(settings, FAST)
    return settings, result


def _model_con(settings):
    # attach (not connect): a fresh view of the file as published now, never a cached instance
    con = duckdb.connect()
    con.execute(f"attach '{settings.model_db}' as m (read_only)")
    con.execute("use m")
    return con


def test_run_writes_model_directory_and_every_table(trained):
    settings, result = trained
    assert registry.current_run_id(settings) == result.run_id
    d = settings.models_dir / result.run_id
    assert sorted(p.name for p in d.iterdir()) == ["model.txt", "model_card.md", "run.json"]
    record = json.loads((d / "run.json").read_text())
    assert record["threshold"] == result.threshold
    assert record["costs"] == {"fn": 10.0, "fp": 1.0}
    assert record["config"]["seed"] == 42 and record["config"]["folds"] == 5
    assert len(record["features"]) == result.n_features == 16
    assert record["calibration"]["method"] == "isotonic" and len(record["calibration"]["x"]) > 1
    assert len(record["neighbour_space"]["features"]) == 8
    con = _model_con(settings)
    assert {t for (t,) in con.execute("show tables").fetchall()} == MODEL_TABLES
    # every client's principal reasons (at most four families), strongest first, the run in service
    n, clients, runs, ranks = con.execute(
        "select count(*), count(distinct sk_id_curr), count(distinct run_id), max(rank) from client_reasons"
    ).fetchone()
    assert clients > 2000 and runs == 1 and ranks <= 4 and n <= 4 * clients
    assert (
        con.execute(
            "select count(*) from (select sk_id_curr, bool_and(abs_effect >= next_abs) as ok from (select sk_id_curr, "
            "abs(effect_pp) abs_effect, lead(abs(effect_pp), 1, 0) over (partition by sk_id_curr order by rank) as next_abs "
            "from client_reasons) group by 1) where not ok"
        ).fetchone()[0]
        == 0
    )
    # per-run tables keyed by run; the warehouse build is recorded when there is one (none in this synthetic file)
    for table in ("global_importance", "fairness", "threshold_curve", "calibration", "roc_curve"):
        assert con.execute(f"select count(*) from {table} where run_id = ?", [result.run_id]).fetchone()[0] > 0, table
    assert con.execute("select count(*) from fairness where \"group\" = 'unknown'").fetchone()[0] == 0
    assert con.execute("select count(*), count(distinct sk_id_curr), sum(is_train::int) from client_scores").fetchone() == (
        2300,
        2300,
        2000,
    )
    assert (
        con.execute(
            "select count(*) from client_scores where decision <> case when probability >= ? then 'refused' else 'accepted' end",
            [result.threshold],
        ).fetchone()[0]
        == 0
    )
    assert con.execute("select distinct run_id from client_scores").fetchall() == [(result.run_id,)]
    assert con.execute("select typeof(vec) from client_vectors limit 1").fetchone()[0] == "FLOAT[8]"
    best = con.execute(
        "select threshold from threshold_curve where run_id = ? order by cost_per_client, threshold limit 1", [result.run_id]
    ).fetchone()[0]
    assert np.isclose(best, result.threshold)
    assert con.execute("select count(distinct attribute) from fairness").fetchone()[0] == 3  # gender, family status, age band
    assert con.execute("select count(*) from model_runs where run_id = ?", [result.run_id]).fetchone()[0] == 1


def test_metrics_are_sane(trained):
    _, r = trained
    assert 0.5 < r.oof_auc <= 1 and r.oof_auc > r.baseline_auc["dummy"]
    assert abs(r.baseline_auc["dummy"] - 0.5) < 0.05
    assert r.cost_per_client["model"] <= r.cost_per_client["accept_all"]
    assert r.cost_per_client["model"] <= r.cost_per_client["threshold_0_5"]
    assert 0 < r.brier < 0.25


def test_service_agrees_with_batch_scores(trained):
    settings, result = trained
    svc = ScoringService(settings)
    con = _model_con(settings)
    for cid, p, raw in con.execute(
        "select sk_id_curr, probability, raw_score from client_scores using sample 20 rows"
    ).fetchall():
        s = svc.score(cid)
        assert np.isclose(s["probability"], p, atol=1e-12) and np.isclose(s["raw_score"], raw, atol=1e-9)
        e = svc.explanation(cid, top=5)
        assert np.isclose(
            e["base_value"] + sum(c["contribution"] for c in e["contributions"]) + e["rest"]["contribution"], raw, atol=1e-9
        )
        assert e["run_id"] == result.run_id and e["summary"]
    n = svc.neighbors(100001, k=7)["neighbors"]
    assert len(n) == 7 and 100001 not in [x["sk_id_curr"] for x in n]
    found = svc.search_clients("10001", limit=5)
    assert found["total"] == 10 and [i["sk_id_curr"] for i in found["items"]] == [100010, 100011, 100012, 100013, 100014]
    assert svc.search_clients("1023")["items"][0]["kind"] == "new application"
    with pytest.raises(ClientNotFound):
        svc.score(999)
    with pytest.raises(InvalidField):
        svc.search_clients("12a")
    pop = svc.population(["app_ext_source_1"], "group", {"gender": "F"}, client_id=100001, sample=100)
    assert len(pop["rows"]) == 100 and {r["outcome"] for r in pop["rows"]} <= {"repaid", "defaulted"}
    assert "app_ext_source_1" in pop["client"]["values"]
    with pytest.raises(InvalidField):
        svc.population(["nope"])
    info = svc.model_info()
    assert info["threshold"] == result.threshold and len(info["threshold_curve"]) == 999
    assert svc.importance()[0]["rank"] == 1
    assert svc.health()["model"]["run_id"] == result.run_id


def test_failed_run_leaves_current_model_and_tables(trained, monkeypatch):
    settings, result = trained
    before_db = settings.model_db.stat().st_ino
    runs_before = sorted(p.name for p in settings.models_dir.iterdir())

    def boom(*a, **k):
        raise RuntimeError("injected failure while writing the model tables")

    monkeypatch.setattr(tables, "_fixed_size_list", boom)
    with pytest.raises(RuntimeError, match="injected"):
        train(settings, FAST)
    assert registry.current_run_id(settings) == result.run_id
    assert settings.model_db.stat().st_ino == before_db
    assert sorted(p.name for p in settings.models_dir.iterdir()) == runs_before
    assert not list(settings.warehouse.glob(".*.tmp"))
    assert _model_con(settings).execute("select distinct run_id from client_scores").fetchall() == [(result.run_id,)]


def test_unreadable_mart_is_a_user_error_and_changes_nothing(tmp_path):
    settings = make_synthetic_warehouse(tmp_path / "wh", n_train=400, n_test=50, n_features=6)
    first = train(settings, FAST)
    con = duckdb.connect(str(settings.features_db))
    con.execute("alter table client_features rename to client_features_gone")
    con.close()
    with pytest.raises(ScoringError, match="client_features"):
        train(settings, FAST)
    assert registry.current_run_id(settings) == first.run_id


def test_same_data_and_seed_same_model_and_scores(tmp_path, trained):
    settings, result = trained
    again = train(settings, FAST)
    assert again.run_id != result.run_id
    a = (settings.models_dir / result.run_id / "model.txt").read_text()
    b = (settings.models_dir / again.run_id / "model.txt").read_text()
    assert a == b
    con = _model_con(settings)
    # model_runs carries the previous run forward
    assert con.execute("select count(*) from model_runs").fetchone()[0] >= 2
    assert again.oof_auc == result.oof_auc and again.threshold == result.threshold


def test_cli_json_keys(tmp_path):
    settings = make_synthetic_warehouse(tmp_path / "wh", n_train=600, n_test=60, n_features=6)
    env = {**os.environ, "SCORING_WAREHOUSE": str(settings.warehouse)}
    out = subprocess.run(
        [sys.executable, "-m", "scoring", "train", "--json", "--seed", "7"], capture_output=True, text=True, env=env, check=True
    )
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    payload = json.loads(lines[0])
    for key in ("run_id", "rows", "n_features", "oof_auc", "brier", "threshold", "cost_per_client", "baseline_auc", "seconds"):
        assert key in payload
    assert set(payload["cost_per_client"]) >= {"model", "accept_all", "threshold_0_5"}
    assert set(payload["baseline_auc"]) >= {"dummy", "logistic"}
    assert payload["rows"] == 600
    assert "train:" in out.stderr
    assert json.loads((settings.models_dir / payload["run_id"] / "run.json").read_text())["config"]["seed"] == 7
