"""Model benchmark: training time, OOF AUC against the generator's oracle AUC, batch scoring of
every client, and the service's latency for score, explanation and neighbours.

    .venv/bin/python benchmarks/train.py [--scale small|full|FRACTION] [--seed 42]
    .venv/bin/python benchmarks/train.py --warehouse DIR --data DIR   # reuse a built warehouse

Without --warehouse, generates the data set, ingests and builds it in a temporary warehouse first
(those steps are not timed here: benchmarks/generate.py, ingest.py and build.py do that).
The oracle AUC is the AUC of the generator's true probability of default (DATA/truth/true_pd.csv)
on the train rows; the quality aim is OOF AUC >= 97% of it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb
import numpy as np
from sklearn.metrics import roc_auc_score

import models_ml  # noqa: F401  (sets OpenMP's passive waiting before LightGBM loads)
from kernel.settings import Settings
from models_ml.batch import score_all
from models_ml.data import feature_columns, open_features
from models_ml.train import train
from service.scoring_service import ScoringService


def oracle_auc(data: Path) -> float:
    truth = duckdb.sql(f"select SK_ID_CURR, TRUE_PD, TARGET from read_csv('{data}/truth/true_pd.csv') where IS_TRAIN = 1").df()
    return float(roc_auc_score(truth["TARGET"], truth["TRUE_PD"]))


def batch_score(settings: Settings) -> tuple[int, float]:
    """Read every client's model features from the mart and score them with the model in service."""
    started = time.perf_counter()
    scores = score_all(settings)
    return len(scores), time.perf_counter() - started


def latencies(settings: Settings, n: int = 200, seed: int = 0) -> dict[str, tuple[float, float]]:
    svc = ScoringService(settings)
    ids = [
        i
        for (i,) in svc._cur()
        .execute(f"select sk_id_curr from client_features using sample reservoir({n} rows) repeatable ({seed})")
        .fetchall()
    ]
    out = {}
    for name, fn in (("score", svc.score), ("explanation", svc.explanation), ("neighbours (k=20)", svc.neighbors)):
        fn(ids[0])  # warm: model load, column caches
        ts = []
        for i in ids:
            t = time.perf_counter()
            fn(i)
            ts.append((time.perf_counter() - t) * 1000)
        out[name] = (float(np.percentile(ts, 50)), float(np.percentile(ts, 95)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="small")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, default=None, help="generated data set (for the oracle AUC)")
    parser.add_argument("--warehouse", type=Path, default=None, help="a warehouse already built from --data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_train_") as tmp:
        data, warehouse = args.data, args.warehouse
        if warehouse is None:
            from pipeline.build import build
            from pipeline.generate import generate
            from pipeline.ingest import ingest

            warehouse = Path(tmp) / "warehouse"
            settings = Settings(warehouse=warehouse)
            settings.export_env()
            if data is None:
                data = Path(tmp) / "data"
                scale = args.scale if args.scale in ("small", "full") else float(args.scale)
                generate(data, scale=scale, seed=args.seed)
            ingest(data, settings)
            build(settings)
        settings = Settings(warehouse=warehouse)
        con = open_features(settings)
        n_feat = len(feature_columns(con))
        con.close()
        started = time.perf_counter()
        result = train(settings)
        train_s = time.perf_counter() - started
        n_scored, score_s = batch_score(settings)
        lat = latencies(settings)
        oracle = oracle_auc(data) if data is not None and (data / "truth" / "true_pd.csv").exists() else None

    print(f"machine: {os.cpu_count()} cores, shared with other work while measuring")
    print(f"train rows: {result.rows:,}   features: {n_feat}   folds: 5")
    print(f"training (5-fold CV + calibration + baselines + final model + SHAP + tables): {train_s:.1f} s")
    print(
        f"OOF AUC: {result.oof_auc:.4f}   logistic baseline: {result.baseline_auc['logistic']:.4f}   dummy: {result.baseline_auc['dummy']:.4f}"
    )
    if oracle is not None:
        print(f"oracle AUC (true PD): {oracle:.4f}   OOF / oracle: {result.oof_auc / oracle:.1%}   (aim >= 97%)")
    c = result.cost_per_client
    print(
        f"threshold: {result.threshold:.3f}   cost/client: model {c['model']:.4f}, accept all {c['accept_all']:.4f}, at 0.5 {c['threshold_0_5']:.4f}   Brier: {result.brier:.4f}"
    )
    print(f"batch scoring of every client (read mart + predict + calibrate): {n_scored:,} clients in {score_s:.1f} s")
    for name, (p50, p95) in lat.items():
        print(f"{name} latency over 200 clients: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
