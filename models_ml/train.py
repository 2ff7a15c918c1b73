"""`scoring train`: cross-validated LightGBM on the mart, calibration, business-cost threshold,
baselines, fairness, SHAP importance, neighbour vectors; then the model directory, the model tables
and, only when all of that succeeded, the switch of `models/CURRENT`.

`train()` is the sequence of named steps below; each takes data and returns data.
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

from kernel.jsonable import jsonable
from kernel.progress import log
from kernel.settings import Settings
from kernel.warehouse import remove_leftovers, writer_lock
from models_ml import registry
from models_ml.baselines import BaselineResult, run_baselines
from models_ml.calibration import Calibrator, brier, reliability_table
from models_ml.config import TrainConfig
from models_ml.costs import accept_all_cost, best_threshold, confusion, threshold_curve, threshold_grid
from models_ml.data import (
    TrainingData,
    feature_columns,
    feature_directions,
    feature_labels,
    load_training,
    load_unlabelled,
    open_features,
    policy_in_force,
    protected_features,
    train_profile,
    warehouse_built_at,
)
from models_ml.decision import decisions, probability
from models_ml.explain import contributions, global_importance
from models_ml.fairness import fairness_table
from models_ml.model_card import render as render_model_card
from models_ml.neighbours import NeighbourSpace
from models_ml.reasons import Typical, principal_reasons, typical_values
from models_ml.tables import warehouse_build_id, write_model_db
from models_ml.validation import bootstrap_auc_interval
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
    oof_auc_ci: list[float] = field(default_factory=list)  # 95 % bootstrap interval of oof_auc
    excluded_features: list[str] = field(default_factory=list)  # protected: never model inputs
    model_card: str = ""  # path of the run's model_card.md

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Mart:
    """What training reads from the feature warehouse."""

    data: TrainingData
    labels: dict[str, str]
    profile: pd.DataFrame  # gender, family status and age band of the train rows
    test_ids: np.ndarray
    X_test: np.ndarray
    build_id: str | None  # warehouse_build.invocation_id of the warehouse read
    directions: list[int]  # feature_catalog.risk_direction per feature (0: not declared)
    protected: dict[str, str] = field(default_factory=dict)  # features left out -> the protected attribute
    policy: pd.DataFrame | None = None  # the policy rules in force and the share each refuses
    built_at: str | None = None


@dataclass
class CrossValidation:
    oof_raw: np.ndarray
    best_iterations: list[int]
    fold_auc: list[float]


@dataclass
class Threshold:
    value: float
    curve: pd.DataFrame
    cost: dict[str, float]  # per client: the model at `value`, accepting everyone, the model at 0.5


@dataclass
class Evaluation:
    oof_auc: float
    oof_auc_ci: tuple[float, float]
    oof_auc_calibrated: float
    brier: float
    baselines: dict[str, BaselineResult]
    reliability: pd.DataFrame
    fairness: pd.DataFrame
    roc: pd.DataFrame


@dataclass
class Scores:
    """Every client, train rows first, then new applications, scored by the final model."""

    ids: np.ndarray
    is_train: np.ndarray
    raw: np.ndarray
    probability: np.ndarray
    target: pd.arrays.IntegerArray  # NA for new applications
    vectors: np.ndarray  # in the neighbour space
    row_features: list[str]  # the features the trees split on
    row_values: np.ndarray  # those features' values


def read_mart(settings: Settings) -> Mart:
    con = open_features(settings)
    try:
        features = feature_columns(con)
        log(f"train: reading {len(features)} features of the train rows from {settings.features_db}")
        data = load_training(con, features)
        labels = feature_labels(con)
        directions = feature_directions(con, features)
        profile = train_profile(con)
        test_ids, X_test = load_unlabelled(con, features)
        build_id = warehouse_build_id(con)
        protected, policy, built_at = protected_features(con), policy_in_force(con), warehouse_built_at(con)
    finally:
        con.close()
    if protected:
        log(f"train: {len(protected)} protected features left out ({', '.join(sorted(set(protected.values())))})")
    return Mart(data, labels, profile, test_ids, X_test, build_id, directions, protected, policy, built_at)


def make_folds(y: np.ndarray, config: TrainConfig) -> list:
    skf = StratifiedKFold(n_splits=config.folds, shuffle=True, random_state=config.seed)
    return list(skf.split(np.zeros(len(y)), y))


def cross_validate(data: TrainingData, config: TrainConfig, folds: list, params: dict) -> tuple[CrossValidation, lgb.Dataset]:
    """Out-of-fold raw scores with early stopping per fold. Bins are computed once on the features
    (never the target) and shared by the folds through `Dataset.subset`, which the final model reuses."""
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


def calibrate(oof_raw: np.ndarray, y: np.ndarray, config: TrainConfig) -> tuple[Calibrator, np.ndarray]:
    """Calibrate the (imbalance-weighted) out-of-fold probabilities; returns the calibrator and them calibrated."""
    calibrator = Calibrator.fit(probability(oof_raw), y, config.calibration)
    return calibrator, calibrator.transform(probability(oof_raw))


def choose_threshold(y: np.ndarray, oof_p: np.ndarray, config: TrainConfig) -> Threshold:
    """The least-cost threshold on the calibrated out-of-fold probabilities, and what it costs."""
    curve = threshold_curve(y, oof_p, config.costs, threshold_grid(config.threshold_grid_step))
    threshold = best_threshold(curve)
    cost = {
        "model": confusion(y, oof_p, threshold).cost_per_client(config.costs),
        "accept_all": accept_all_cost(y, config.costs),
        "threshold_0_5": confusion(y, oof_p, 0.5).cost_per_client(config.costs),
    }
    return Threshold(threshold, curve, cost)


def evaluate(
    data: TrainingData,
    folds: list,
    cv: CrossValidation,
    oof_p: np.ndarray,
    threshold: float,
    profile: pd.DataFrame,
    config: TrainConfig,
) -> Evaluation:
    """Out-of-fold quality: AUC with its bootstrap interval, Brier, reliability, fairness by group, and the
    baselines on the same folds."""
    t0 = time.perf_counter()
    baselines = run_baselines(data.X, data.y, data.features, folds, config)
    log(f"train: baselines in {time.perf_counter() - t0:.1f} s")
    groups = pd.DataFrame({"sk_id_curr": data.ids}).merge(profile, on="sk_id_curr", how="left")
    return Evaluation(
        oof_auc=float(roc_auc_score(data.y, cv.oof_raw)),
        oof_auc_ci=bootstrap_auc_interval(data.y, cv.oof_raw, config.auc_bootstrap_resamples, config.seed),
        oof_auc_calibrated=float(roc_auc_score(data.y, oof_p)),
        brier=brier(data.y, oof_p),
        baselines=baselines,
        reliability=reliability_table(data.y, oof_p, config.reliability_bins),
        fairness=fairness_table(groups, data.y, oof_p, threshold),
        roc=_roc_table(data.y, cv.oof_raw),
    )


def _roc_table(y: np.ndarray, score: np.ndarray, max_points: int = 400) -> pd.DataFrame:
    fpr, tpr, _ = roc_curve(y, score, drop_intermediate=True)
    if len(fpr) > max_points:
        keep = np.unique(np.linspace(0, len(fpr) - 1, max_points).round().astype(int))
        fpr, tpr = fpr[keep], tpr[keep]
    return pd.DataFrame({"fpr": fpr, "tpr": tpr})


def fit_final(params: dict, full: lgb.Dataset, cv: CrossValidation) -> tuple[lgb.Booster, int]:
    """The final model on every train row, with the folds' average best iteration."""
    n_rounds = max(1, int(round(float(np.mean(cv.best_iterations)))))
    t0 = time.perf_counter()
    booster = lgb.train(params, full, num_boost_round=n_rounds)
    log(f"train: final model ({n_rounds} rounds on all rows) in {time.perf_counter() - t0:.1f} s")
    return booster, n_rounds


def explain(booster: lgb.Booster, data: TrainingData, labels: dict[str, str], config: TrainConfig) -> pd.DataFrame:
    """Global importance: mean |SHAP| on a seeded sample of the train rows."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(config.seed)
    sample = np.sort(rng.choice(data.rows, size=min(config.shap_sample_rows, data.rows), replace=False))
    importance = global_importance(booster, data.X[sample], data.features, labels)
    log(f"train: SHAP importance on {len(sample):,} rows in {time.perf_counter() - t0:.1f} s")
    return importance


def neighbour_space(data: TrainingData, importance: pd.DataFrame, config: TrainConfig) -> NeighbourSpace:
    """The space similar clients are found in: the most important features the trees use, standardised."""
    top = [f for f in importance.loc[importance["mean_abs_shap"] > 0, "feature"]][: config.n_neighbour_features]
    if not top:
        top = list(importance["feature"][: config.n_neighbour_features])
    return NeighbourSpace.fit(data.X[:, [data.features.index(f) for f in top]], top)


def score_clients(booster: lgb.Booster, calibrator: Calibrator, mart: Mart, space: NeighbourSpace) -> Scores:
    """Train rows and new applications: raw score, calibrated probability, neighbour vector, model row."""
    t0 = time.perf_counter()
    data, X_test, n_test = mart.data, mart.X_test, len(mart.test_ids)
    raw = np.concatenate(
        [booster.predict(data.X, raw_score=True), booster.predict(X_test, raw_score=True) if n_test else np.zeros(0)]
    )
    top_idx = [data.features.index(f) for f in space.features]
    vectors = np.vstack(
        [
            space.vectors(data.X[:, top_idx]),
            space.vectors(X_test[:, top_idx]) if n_test else np.zeros((0, len(top_idx)), np.float32),
        ]
    )
    target = pd.array(np.concatenate([data.y.astype("int64"), np.zeros(n_test, "int64")]), dtype="Int64")
    target[data.rows :] = pd.NA
    # Only the features the trees split on matter for scores and SHAP (the others contribute 0).
    used_idx = [j for j, c in enumerate(booster.feature_importance("split")) if c > 0] or [0]
    scores = Scores(
        ids=np.concatenate([data.ids, mart.test_ids]),
        is_train=np.concatenate([np.ones(data.rows, bool), np.zeros(n_test, bool)]),
        raw=raw,
        probability=calibrator.transform(probability(raw)),
        target=target,
        vectors=vectors,
        row_features=[data.features[j] for j in used_idx],
        row_values=np.vstack([data.X[:, used_idx], X_test[:, used_idx]]),
    )
    log(f"train: scored {len(scores.ids):,} clients in {time.perf_counter() - t0:.1f} s")
    return scores


# describe(contributions, values, calibrator, threshold, typical) -> the API's reasons of those clients,
# one row per reason (service/reasons.py `reasons_frame`, passed by the CLI: the words are the service layer's).
Describe = Callable[[pd.DataFrame, pd.DataFrame, Calibrator, float, Typical], pd.DataFrame]
REASON_COLUMNS = ["sk_id_curr", "rank", "family", "reason", "features", "client_value", "typical_value", "effect_pp"]


def explain_clients(
    booster: lgb.Booster,
    mart: Mart,
    calibrator: Calibrator,
    threshold: float,
    typical: Typical,
    describe: Describe | None,
    batch_rows: int = 20_000,
) -> pd.DataFrame:
    """client_reasons: every client's principal reasons exactly as the API gives them (`describe`, the API's
    own function, passed by the CLI); without it, the same reasons worded by the feature's label."""
    t0 = time.perf_counter()
    data = mart.data
    names = [*data.features, "base_value"]
    parts = []
    for X, ids in ((data.X, data.ids), (mart.X_test, mart.test_ids)):
        for start in range(0, len(ids), batch_rows):
            x = np.asarray(X[start : start + batch_rows], dtype=np.float64)
            index = pd.Index(np.asarray(ids[start : start + batch_rows], dtype=np.int64), name="sk_id_curr")
            contrib = pd.DataFrame(contributions(booster, x), index=index, columns=names)
            values = pd.DataFrame(x, index=index, columns=data.features)
            if describe is not None:
                rows = describe(contrib, values, calibrator, threshold, typical).rename(columns={"sentence": "reason"})
            else:
                families = {f: None for f in data.features}
                rows = principal_reasons(contrib, values, families, calibrator, threshold)
                none = pd.Series([None] * len(rows), index=rows.index, dtype="string")
                rows = rows.assign(reason=[mart.labels.get(f, f) for f in rows["feature"]], client_value=none, typical_value=none)
            parts.append(rows[REASON_COLUMNS])
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=REASON_COLUMNS)
    log(f"train: reasons of {len(data.ids) + len(mart.test_ids):,} clients in {time.perf_counter() - t0:.1f} s")
    return df.sort_values(["sk_id_curr", "rank"], kind="mergesort", ignore_index=True)


@dataclass
class Run:
    """Everything one training run produced; its record (run.json) and model tables are read from here."""

    run_id: str
    trained_at: datetime
    settings: Settings
    config: TrainConfig
    params: dict
    mart: Mart
    fingerprint: str
    cv: CrossValidation
    calibrator: Calibrator
    oof_p: np.ndarray
    threshold: Threshold
    evaluation: Evaluation
    booster: lgb.Booster
    n_rounds: int
    importance: pd.DataFrame
    space: NeighbourSpace
    scores: Scores
    reasons: pd.DataFrame
    typical: Typical
    seconds: float

    def record(self) -> dict:
        data, ev = self.mart.data, self.evaluation
        return jsonable(
            {
                "run_id": self.run_id,
                "trained_at": self.trained_at.isoformat(),
                "features": data.features,
                "config": self.config.to_dict(),
                "lgb_params": self.params,
                # the constraints in force, readable: feature -> +1 (risk rises with it) / -1 (falls)
                "monotone_constraints": {f: d for f, d in zip(data.features, self.mart.directions) if d}
                if "monotone_constraints" in self.params
                else {},
                "num_rounds": self.n_rounds,
                "data": {
                    "fingerprint": self.fingerprint,
                    "rows": data.rows,
                    "positives": int(data.y.sum()),
                    "new_applications": int(len(self.mart.test_ids)),
                    "features_db": str(self.settings.features_db),
                    "warehouse_built_at": self.mart.built_at,
                },
                "protected_features": self.mart.protected,
                "metrics": {
                    "oof_auc": ev.oof_auc,
                    "oof_auc_ci": list(ev.oof_auc_ci),
                    "oof_auc_ci_resamples": self.config.auc_bootstrap_resamples,
                    "oof_auc_calibrated": ev.oof_auc_calibrated,
                    "brier": ev.brier,
                    "fold_auc": self.cv.fold_auc,
                    "best_iterations": self.cv.best_iterations,
                },
                "threshold": self.threshold.value,
                "costs": asdict(self.config.costs),
                "cost_per_client": self.threshold.cost,
                "baselines": {k: asdict(b) for k, b in ev.baselines.items()},
                "calibration": self.calibrator.to_dict(),
                "neighbour_space": self.space.to_dict(),
                "row_features": self.scores.row_features,
                "typical_values": self.typical,
                "top_features": list(self.importance["feature"][:10]),
                "reliability": ev.reliability.to_dict("records"),
                "fairness": ev.fairness.to_dict("records"),
                "policy_rules": [] if self.mart.policy is None else self.mart.policy.to_dict("records"),
                "seconds": self.seconds,
            }
        )

    def run_row(self) -> dict:
        """The run's row of model.model_runs."""
        cost, baselines = self.threshold.cost, self.evaluation.baselines
        return {
            "run_id": self.run_id,
            "trained_at": self.trained_at.replace(tzinfo=None),
            "rows": self.mart.data.rows,
            "n_features": len(self.mart.data.features),
            "oof_auc": self.evaluation.oof_auc,
            "brier": self.evaluation.brier,
            "threshold": self.threshold.value,
            "cost_model": cost["model"],
            "cost_accept_all": cost["accept_all"],
            "cost_threshold_0_5": cost["threshold_0_5"],
            "baseline_auc_dummy": baselines["dummy"].auc,
            "baseline_auc_logistic": baselines["logistic"].auc,
            "fn_cost": self.config.costs.fn,
            "fp_cost": self.config.costs.fp,
            "seed": self.config.seed,
            "folds": self.config.folds,
            "num_rounds": self.n_rounds,
            "data_fingerprint": self.fingerprint,
            "seconds": self.seconds,
            "config_json": json.dumps(jsonable(self.config.to_dict()), sort_keys=True),
            "warehouse_build_id": self.mart.build_id,
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        s, rows = self.scores, self.mart.data.rows
        oof = np.full(len(s.ids), np.nan)
        oof[:rows] = self.oof_p
        client_scores = pd.DataFrame(
            {
                "sk_id_curr": s.ids,
                "is_train": s.is_train,
                "probability": s.probability,
                "raw_score": s.raw,
                "decision": decisions(s.probability, self.threshold.value),
                "run_id": self.run_id,
                "oof_probability": oof,
                # the decision the threshold, calibration and fairness tables count (train rows only)
                "oof_decision": np.where(np.isnan(oof), None, decisions(np.nan_to_num(oof), self.threshold.value)),
            }
        ).sort_values("sk_id_curr", kind="mergesort")
        return {
            "client_scores": client_scores,
            "global_importance": self.importance,
            "threshold_curve": self.threshold.curve,
            "calibration": self.evaluation.reliability,
            "fairness": self.evaluation.fairness,
            "roc_curve": self.evaluation.roc,
            "client_reasons": self.reasons,
        }

    def result(self) -> TrainResult:
        baselines = self.evaluation.baselines
        return TrainResult(
            run_id=self.run_id,
            rows=self.mart.data.rows,
            n_features=len(self.mart.data.features),
            oof_auc=self.evaluation.oof_auc,
            brier=self.evaluation.brier,
            threshold=self.threshold.value,
            cost_per_client=self.threshold.cost,
            baseline_auc={k: b.auc for k, b in baselines.items()},
            seconds=round(self.seconds, 2),
            baseline_cost_per_client={k: b.cost_per_client for k, b in baselines.items()},
            best_iteration=self.n_rounds,
            data_fingerprint=self.fingerprint,
            oof_auc_ci=list(self.evaluation.oof_auc_ci),
            excluded_features=sorted(self.mart.protected),
            model_card=str(registry.run_dir(self.settings, self.run_id) / registry.MODEL_CARD),
        )


def persist(run: Run) -> None:
    """Model directory, then model.duckdb, then CURRENT. Any failure before the last step leaves the
    previous model and tables in service."""
    t0 = time.perf_counter()
    settings, s = run.settings, run.scores
    record = run.record()
    model_dir = registry.save_run(settings, run.run_id, run.booster, record, {registry.MODEL_CARD: render_model_card(record)})
    try:
        vectors_frame = pd.DataFrame(
            {"sk_id_curr": s.ids, "is_train": s.is_train, "target": s.target, "probability": s.probability}
        )
        write_model_db(settings, run.run_row(), run.tables(), vectors_frame, s.vectors, s.row_values)
        log(f"train: model directory and model tables written in {time.perf_counter() - t0:.1f} s")
        registry.set_current(settings, run.run_id)
    except BaseException:
        shutil.rmtree(model_dir, ignore_errors=True)
        raise


def train(settings: Settings, config: TrainConfig | None = None, describe: Describe | None = None) -> TrainResult:
    """Train and publish a model, then build its outputs with dbt; one writer at a time per warehouse, and
    a killed run's leftovers go first. `describe`: the API's reasons, for client_reasons (the CLI passes
    service.reasons.batch_reasons)."""
    with writer_lock(settings):
        remove_leftovers(settings.model_db)
        registry.remove_leftovers(settings)
        return _train(settings, config, describe)


def _train(settings: Settings, config: TrainConfig | None, describe: Describe | None) -> TrainResult:
    config = config or TrainConfig()
    started = time.perf_counter()
    mart = read_mart(settings)
    data = mart.data
    fingerprint = data.fingerprint()
    positives = int(data.y.sum())
    log(
        f"train: {data.rows:,} train rows ({positives:,} defaults), {len(mart.test_ids):,} new applications, {len(data.features)} features"
    )

    params = config.lgb_params(data.rows, positives, mart.directions)
    folds = make_folds(data.y, config)
    cv, full = cross_validate(data, config, folds, params)
    calibrator, oof_p = calibrate(cv.oof_raw, data.y, config)
    threshold = choose_threshold(data.y, oof_p, config)
    evaluation = evaluate(data, folds, cv, oof_p, threshold.value, mart.profile, config)
    log(
        f"train: OOF AUC {evaluation.oof_auc:.4f} (95 % {evaluation.oof_auc_ci[0]:.4f}-{evaluation.oof_auc_ci[1]:.4f}; logistic {evaluation.baselines['logistic'].auc:.4f}); "
        f"threshold {threshold.value:.3f}, cost/client {threshold.cost['model']:.4f} vs accept-all {threshold.cost['accept_all']:.4f}"
    )
    booster, n_rounds = fit_final(params, full, cv)
    del full  # the binned copy of the train rows is not needed any more
    importance = explain(booster, data, mart.labels, config)
    space = neighbour_space(data, importance, config)
    scores = score_clients(booster, calibrator, mart, space)
    # what "most clients" have, for the principal reasons' sentences (features the trees use)
    typical = typical_values(data.X[:, [data.features.index(f) for f in scores.row_features]], scores.row_features)
    reasons = explain_clients(booster, mart, calibrator, threshold.value, typical, describe)

    now = datetime.now(UTC)
    run = Run(
        run_id=registry.new_run_id(fingerprint, config.seed, now),
        trained_at=now,
        settings=settings,
        config=config,
        params=params,
        mart=mart,
        fingerprint=fingerprint,
        cv=cv,
        calibrator=calibrator,
        oof_p=oof_p,
        threshold=threshold,
        evaluation=evaluation,
        booster=booster,
        n_rounds=n_rounds,
        importance=importance,
        space=space,
        scores=scores,
        reasons=reasons,
        typical=typical,
        seconds=time.perf_counter() - started,
    )
    persist(run)
    log(f"train: run {run.run_id} in service")
    # The model is in service; dbt now builds and tests what reads its tables (and publishes them).
    build_model_outputs(settings)
    result = run.result()
    result.seconds = round(time.perf_counter() - started, 2)
    log(f"train: run {run.run_id} in service, model outputs built ({result.seconds:.1f} s)")
    return result


def train_cli(settings: Settings, as_json: bool = False, seed: int | None = None, describe: Describe | None = None) -> int:
    config = TrainConfig().with_seed(seed)
    result = train(settings, config, describe)
    if as_json:
        print(json.dumps(jsonable(result.to_json())), file=sys.stdout, flush=True)
    else:
        c = result.cost_per_client
        print(
            f"run {result.run_id}: {result.rows:,} rows, {result.n_features} features, OOF AUC {result.oof_auc:.4f}, "
            f"Brier {result.brier:.4f}, threshold {result.threshold:.3f}, cost/client {c['model']:.4f} "
            f"(accept all {c['accept_all']:.4f}, at 0.5 {c['threshold_0_5']:.4f}), "
            f"logistic AUC {result.baseline_auc['logistic']:.4f}, {result.seconds:.1f} s"
        )
    return 0
