"""SHAP explanations: exact TreeSHAP from LightGBM's own `pred_contrib`.

For one row, contributions (log-odds) plus the base value equal the model's raw score; the test
suite checks them against `shap.TreeExplainer`.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd

from kernel.jsonable import jsonable


def contributions(booster: lgb.Booster, X: np.ndarray) -> np.ndarray:
    """(n, n_features + 1): one column per feature, the last one is the base value."""
    return np.asarray(booster.predict(np.asarray(X, dtype=np.float64), pred_contrib=True))


def global_importance(booster: lgb.Booster, X_sample: np.ndarray, features: list[str], labels: dict[str, str]) -> pd.DataFrame:
    """Mean |SHAP| per feature over a sample, ranked (1 = most important)."""
    contrib = contributions(booster, X_sample)[:, :-1]
    mean_abs = np.abs(contrib).mean(axis=0)
    df = pd.DataFrame({"feature": features, "label": [labels.get(f, f) for f in features], "mean_abs_shap": mean_abs})
    df = df.sort_values(["mean_abs_shap", "feature"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    df["rank"] = np.arange(1, len(df) + 1, dtype="int64")
    return df


def ranked(values: np.ndarray) -> np.ndarray:
    """Indices of contributions, strongest |value| first (ties in feature order): the order of a
    client's listed contributions in the API."""
    return np.argsort(-np.abs(values), kind="mergesort")


def local_explanation(
    booster: lgb.Booster,
    features: list[str],
    labels: dict[str, str],
    row: np.ndarray,
    top: int = 10,
    contrib: np.ndarray | None = None,
) -> dict:
    """Contributions of one client's features to the raw score (log-odds), top N by |value| and the rest summed;
    `contrib`: the row's contributions when the caller has them already."""
    if contrib is None:
        contrib = contributions(booster, np.asarray(row, dtype=np.float64).reshape(1, -1))[0]
    values, base = contrib[:-1], float(contrib[-1])
    order = ranked(values)
    top_idx, rest_idx = order[:top], order[top:]
    items = [
        {
            "feature": features[i],
            "label": labels.get(features[i], features[i]),
            "value": jsonable(float(row[i])),
            "contribution": float(values[i]),
        }
        for i in top_idx
    ]
    return {
        "base_value": base,
        "raw_score": float(base + values.sum()),
        "contributions": items,
        "rest": {"count": int(len(rest_idx)), "contribution": float(values[rest_idx].sum())},
    }
