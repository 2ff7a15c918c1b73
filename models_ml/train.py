"""`scoring train`: cross-validated LightGBM on the mart, calibration, business-cost threshold,
baselines, fairness, SHAP importance, neighbour vectors; then the model directory, the model tables
and, only when all of that succeeded, the switch of `models/CURRENT`.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.model_selection import StratifiedKFold

from kernel.progress import log
from kernel.settings import Settings
from models_ml import registry
from models_ml.baselines import run_baselines
from models_ml.calibration import Calibrator, brier, reliability_table
from models_ml.config import TrainConfig
from models_ml.costs import accept_all_cost, best_threshold, confusion, threshold_curve, threshold_grid
from models_ml.data import (
    TrainingData,
    feature_columns,
    feature_labels,
    load_training,
    load_unlabelled,
    open_features,
    train_profile,
)
from models_ml.explain import global_importance, principal_reasons
from models_ml.fairness import fairness_table
from models_ml.neighbours import NeighbourSpace
from models_ml.tables import warehouse_build_id, write_model_db
from pipeline.build import build_model_outputs


@dataclass
class TrainResult:
    run_id: str
    rows: int
    n_features: int
    oof_auc: float
    brier: float
    threshold: float
    cost_per_client: dict
    baseline_auc: dict
    seconds: float
    baseline_cost_per_client: dict = field(default_factory=dict)
    best_iteration: int = 0
    data_fingerprint: str = ""

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class CrossValidation:
    oof_raw: np.ndarray
    best_iterations: list[int]
    fold_auc: list[float]


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


def cross_validate(data: TrainingData, config: TrainConfig, folds: list, params: dict) -> tuple[CrossValidation, lgb.Dataset]:
    """Out-of-fold raw scores with early stopping per fold. Bins are computed once on the features
    (never the target) and shared by the folds through `Dataset.subset`."""
    full = lgb.Dataset(
        data.X,
        label=data.y,
        feature_name=data.features,
        free_raw_data=False,
        params={"max_bin": params["max_bin"], "verbosity": -1, "num_threads": params["num_threads"], "seed": params["seed"]},
    )
    full.construct()
    oof = np.zeros(data.rows)
    best, aucs = [], []
    for k, (tr, va) in enumerate(folds, start=1):
        started = time.perf_counter()
        booster = lgb.train(
            params,
            full.subset(np.sort(tr)),
            num_boost_round=config.max_rounds,
            valid_sets=[full.subset(np.sort(va))],
            callbacks=[lgb.early_stopping(config.early_stopping_rounds, verbose=False)],
        )
        it = booster.best_iteration or booster.current_iteration()
        oof[va] = booster.predict(data.X[va], num_iteration=it, raw_score=True)
        best.append(int(it))
        aucs.append(float(roc_auc_score(data.y[va], oof[va])))
        log(f"train: fold {k}/{len(folds)} AUC {aucs[-1]:.4f}, {it} rounds, {time.perf_counter() - started:.1f} s")
    return CrossValidation(oof, best, aucs), full


def _roc_table(y: np.ndarray, score: np.ndarray, max_points: int = 400) -> pd.DataFrame:
    fpr, tpr, _ = roc_curve(y, score, drop_intermediate=True)
    if len(fpr) > max_points:
        keep = np.unique(np.linspace(0, len(fpr) - 1, max_points).round().astype(int))
        fpr, tpr = fpr[keep], tpr[keep]
    return pd.DataFrame({"fpr": fpr, "tpr": tpr})


def _jsonable(x):
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.floating, float)):
        return None if not np.isfinite(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


def reasons_table(booster, data: TrainingData, test_ids, X_test, labels: dict[str, str], describe) -> pd.DataFrame:
    """client_reasons: every client's principal reasons in the API's order and words (`describe(feature,
    value)` is the API's wording; without it, the feature's label)."""
    parts = [principal_reasons(booster, data.X, data.ids, data.features)]
    if len(test_ids):
        parts.append(principal_reasons(booster, X_test, test_ids, data.features))
    df = pd.concat(parts, ignore_index=True)
    values = [None if np.isnan(v) else float(v) for v in df["value"]]
    words = describe or (lambda feature, value: labels.get(feature, feature))
    df.insert(2, "reason", [words(f, v) for f, v in zip(df["feature"], values)])
    # One feature per reason today; a list, because a reason may come to group several.
    df.insert(3, "features", [[f] for f in df.pop("feature")])
    return df.sort_values(["sk_id_curr", "rank"], kind="mergesort", ignore_index=True)


def train(
    settings: Settings, config: TrainConfig | None = None, describe: Callable[[str, float | None], str] | None = None
) -> TrainResult:
    """`describe(feature, value)`: the API's wording of a reason, for client_reasons (the CLI passes it)."""
    config = config or TrainConfig()
    started = time.perf_counter()
    con = open_features(settings)
    try:
        features = feature_columns(con)
        log(f"train: reading {len(features)} features of the train rows from {settings.features_db}")
        data = load_training(con, features)
        labels = feature_labels(con)
        profile = train_profile(con)
        test_ids, X_test = load_unlabelled(con, features)
        build_id = warehouse_build_id(con)
    finally:
        con.close()
    fingerprint = data.fingerprint()
    positives = int(data.y.sum())
    log(f"train: {data.rows:,} train rows ({positives:,} defaults), {len(test_ids):,} new applications, {len(features)} features")

    params = config.lgb_params(data.rows, positives)
    skf = StratifiedKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
    folds = list(skf.split(np.zeros(data.rows), data.y))
    cv, full = cross_validate(data, config, folds, params)
    oof_auc = float(roc_auc_score(data.y, cv.oof_raw))

    # Calibrate the (imbalance-weighted) out-of-fold probabilities, then pick the threshold on them.
    calibrator = Calibrator.fit(sigmoid(cv.oof_raw), data.y, config.calibration)
    oof_p = calibrator.transform(sigmoid(cv.oof_raw))
    grid = threshold_grid(config.threshold_grid_step)
    curve = threshold_curve(data.y, oof_p, config.costs, grid)
    threshold = best_threshold(curve)
    cost = {
        "model": confusion(data.y, oof_p, threshold).cost_per_client(config.costs),
        "accept_all": accept_all_cost(data.y, config.costs),
        "threshold_0_5": confusion(data.y, oof_p, 0.5).cost_per_client(config.costs),
    }
    t0 = time.perf_counter()
    baselines = run_baselines(data.X, data.y, features, folds, config)
    log(f"train: baselines in {time.perf_counter() - t0:.1f} s")
    log(
        f"train: OOF AUC {oof_auc:.4f} (logistic {baselines['logistic'].auc:.4f}); threshold {threshold:.3f}, "
        f"cost/client {cost['model']:.4f} vs accept-all {cost['accept_all']:.4f}"
    )

    # Final model on every train row, with the folds' average best iteration.
    n_rounds = max(1, int(round(float(np.mean(cv.best_iterations)))))
    t0 = time.perf_counter()
    final = lgb.train(params, full, num_boost_round=n_rounds)
    del full
    log(f"train: final model ({n_rounds} rounds on all rows) in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()

    rng = np.random.default_rng(config.seed)
    sample = np.sort(rng.choice(data.rows, size=min(config.shap_sample_rows, data.rows), replace=False))
    importance = global_importance(final, data.X[sample], features, labels)
    top = [f for f in importance.loc[importance["mean_abs_shap"] > 0, "feature"]][: config.n_neighbour_features]
    if not top:
        top = list(importance["feature"][: config.n_neighbour_features])
    top_idx = [features.index(f) for f in top]
    space = NeighbourSpace.fit(data.X[:, top_idx], top)
    log(f"train: SHAP importance on {len(sample):,} rows in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()

    # Every client: train rows and new applications, scored by the final model.
    all_ids = np.concatenate([data.ids, test_ids])
    is_train = np.concatenate([np.ones(data.rows, bool), np.zeros(len(test_ids), bool)])
    raw = np.concatenate(
        [final.predict(data.X, raw_score=True), final.predict(X_test, raw_score=True) if len(test_ids) else np.zeros(0)]
    )
    proba = calibrator.transform(sigmoid(raw))
    vectors = np.vstack(
        [
            space.vectors(data.X[:, top_idx]),
            space.vectors(X_test[:, top_idx]) if len(test_ids) else np.zeros((0, len(top)), np.float32),
        ]
    )
    target = pd.array(np.concatenate([data.y.astype("int64"), np.zeros(len(test_ids), "int64")]), dtype="Int64")
    target[data.rows :] = pd.NA

    # Only the features the trees split on matter for scores and SHAP (the others contribute 0).
    used_idx = [j for j, c in enumerate(final.feature_importance("split")) if c > 0] or [0]
    row_values = np.vstack([data.X[:, used_idx], X_test[:, used_idx]])
    log(f"train: scored {len(all_ids):,} clients in {time.perf_counter() - t0:.1f} s")
    now = datetime.now(UTC)
    run_id = registry.new_run_id(fingerprint, config.seed, now)
    oof_full = np.full(len(all_ids), np.nan)
    oof_full[: data.rows] = oof_p
    client_scores = pd.DataFrame(
        {
            "sk_id_curr": all_ids,
            "is_train": is_train,
            "probability": proba,
            "raw_score": raw,
            "decision": np.where(proba >= threshold, "refused", "accepted"),
            "run_id": run_id,
            "oof_probability": oof_full,
            "oof_decision": np.where(np.isnan(oof_full), None, np.where(oof_full >= threshold, "refused", "accepted")),
        }
    ).sort_values("sk_id_curr", kind="mergesort")
    fair = fairness_table(
        pd.DataFrame({"sk_id_curr": data.ids}).merge(profile, on="sk_id_curr", how="left"), data.y, oof_p, threshold
    )
    reliability = reliability_table(data.y, oof_p, config.reliability_bins)
    brier_score = brier(data.y, oof_p)
    seconds = time.perf_counter() - started

    result = TrainResult(
        run_id=run_id,
        rows=data.rows,
        n_features=len(features),
        oof_auc=oof_auc,
        brier=brier_score,
        threshold=threshold,
        cost_per_client=cost,
        baseline_auc={k: b.auc for k, b in baselines.items()},
        seconds=round(seconds, 2),
        baseline_cost_per_client={k: b.cost_per_client for k, b in baselines.items()},
        best_iteration=n_rounds,
        data_fingerprint=fingerprint,
    )
    record = _jsonable(
        {
            "run_id": run_id,
            "trained_at": now.isoformat(),
            "features": features,
            "config": config.to_dict(),
            "lgb_params": params,
            "num_rounds": n_rounds,
            "data": {
                "fingerprint": fingerprint,
                "rows": data.rows,
                "positives": positives,
                "new_applications": int(len(test_ids)),
                "features_db": str(settings.features_db),
            },
            "metrics": {
                "oof_auc": oof_auc,
                "oof_auc_calibrated": float(roc_auc_score(data.y, oof_p)),
                "brier": brier_score,
                "fold_auc": cv.fold_auc,
                "best_iterations": cv.best_iterations,
            },
            "threshold": threshold,
            "costs": asdict(config.costs),
            "cost_per_client": cost,
            "baselines": {k: asdict(b) for k, b in baselines.items()},
            "calibration": calibrator.to_dict(),
            "neighbour_space": space.to_dict(),
            "row_features": [features[j] for j in used_idx],
            "seconds": seconds,
        }
    )
    run_row = {
        "run_id": run_id,
        "trained_at": now.replace(tzinfo=None),
        "rows": data.rows,
        "n_features": len(features),
        "oof_auc": oof_auc,
        "brier": brier_score,
        "threshold": threshold,
        "cost_model": cost["model"],
        "cost_accept_all": cost["accept_all"],
        "cost_threshold_0_5": cost["threshold_0_5"],
        "baseline_auc_dummy": baselines["dummy"].auc,
        "baseline_auc_logistic": baselines["logistic"].auc,
        "fn_cost": config.costs.fn,
        "fp_cost": config.costs.fp,
        "seed": config.seed,
        "folds": config.folds,
        "num_rounds": n_rounds,
        "data_fingerprint": fingerprint,
        "seconds": seconds,
        "config_json": json.dumps(record["config"], sort_keys=True),
        "warehouse_build_id": build_id,
    }
    tables = {
        "client_scores": client_scores,
        "global_importance": importance,
        "threshold_curve": curve,
        "calibration": reliability,
        "fairness": fair,
        "roc_curve": _roc_table(data.y, cv.oof_raw),
        "client_reasons": reasons_table(final, data, test_ids, X_test, labels, describe),
    }
    vectors_frame = pd.DataFrame({"sk_id_curr": all_ids, "is_train": is_train, "target": target, "probability": proba})

    # Order matters: model directory, then model.duckdb, then CURRENT. Any failure before the
    # last step leaves the previous model and tables in service.
    t0 = time.perf_counter()
    model_dir = registry.save_run(settings, run_id, final, record)
    try:
        write_model_db(settings, run_row, tables, vectors_frame, vectors, row_values)
        log(f"train: model directory and model tables written in {time.perf_counter() - t0:.1f} s")
        registry.set_current(settings, run_id)
    except BaseException:
        shutil.rmtree(model_dir, ignore_errors=True)
        raise
    log(f"train: run {run_id} in service")
    # The model is in service; dbt now builds and tests what reads its tables (and publishes them).
    build_model_outputs(settings)
    result.seconds = round(time.perf_counter() - started, 2)
    log(f"train: run {run_id} in service, model outputs built ({result.seconds:.1f} s)")
    return result


def train_cli(
    settings: Settings, as_json: bool = False, seed: int | None = None, describe: Callable[[str, float | None], str] | None = None
) -> int:
    config = TrainConfig().with_seed(seed)
    result = train(settings, config, describe)
    if as_json:
        print(json.dumps(_jsonable(result.to_json())), file=sys.stdout, flush=True)
    else:
        c = result.cost_per_client
        print(
            f"run {result.run_id}: {result.rows:,} rows, {result.n_features} features, OOF AUC {result.oof_auc:.4f}, "
            f"Brier {result.brier:.4f}, threshold {result.threshold:.3f}, cost/client {c['model']:.4f} "
            f"(accept all {c['accept_all']:.4f}, at 0.5 {c['threshold_0_5']:.4f}), "
            f"logistic AUC {result.baseline_auc['logistic']:.4f}, {result.seconds:.1f} s"
        )
    return 0
