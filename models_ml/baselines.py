"""Baselines beside the model in every report: the class prior, and a logistic regression on a
handful of standard features (imputation and scaling fitted inside each fold)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from models_ml.config import TrainConfig
from models_ml.costs import best_threshold, threshold_curve, threshold_grid


@dataclass(frozen=True)
class BaselineResult:
    name: str
    features: tuple[str, ...]
    auc: float
    cost_per_client: float  # at the baseline's own least-cost threshold
    threshold: float


def pick_features(features: list[str], patterns: tuple[str, ...]) -> list[str]:
    chosen: list[str] = []
    for pat in patterns:
        rx = re.compile(pat)
        hit = next((f for f in features if rx.search(f) and f not in chosen), None)
        if hit:
            chosen.append(hit)
    return chosen


def _evaluate(name: str, feats: list[str], y: np.ndarray, proba: np.ndarray, config: TrainConfig) -> BaselineResult:
    curve = threshold_curve(y, proba, config.costs, threshold_grid(config.threshold_grid_step))
    t = best_threshold(curve)
    cost = float(curve.loc[curve["threshold"] == t, "cost_per_client"].iloc[0])
    auc = float(roc_auc_score(y, proba)) if len(np.unique(proba)) > 1 else 0.5
    return BaselineResult(name, tuple(feats), auc, cost, t)


def run_baselines(X: np.ndarray, y: np.ndarray, features: list[str], folds, config: TrainConfig) -> dict[str, BaselineResult]:
    dummy = cross_val_predict(DummyClassifier(strategy="prior"), X[:, :1], y, cv=folds, method="predict_proba")[:, 1]
    out = {"dummy": _evaluate("dummy", [], y, dummy, config)}
    feats = pick_features(features, config.baseline_feature_patterns)
    if not feats:  # no standard feature in this mart: fall back to the first few app_ columns
        feats = [f for f in features if f.startswith("app_")][:6] or features[:6]
    idx = [features.index(f) for f in feats]
    logistic = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    proba = cross_val_predict(logistic, X[:, idx], y, cv=folds, method="predict_proba")[:, 1]
    out["logistic"] = _evaluate("logistic", feats, y, proba, config)
    return out
