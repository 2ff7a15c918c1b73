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


# Reasons per client in model.client_reasons: the API's default number of listed contributions.
PRINCIPAL_REASONS = 10


def ranked(values: np.ndarray) -> np.ndarray:
    """Indices of contributions, strongest |value| first (ties in feature order): the order of a
    client's reasons, in the API and in client_reasons alike."""
    return np.argsort(-np.abs(values), kind="mergesort")


def principal_reasons(
    booster: lgb.Booster,
    X: np.ndarray,
    ids: np.ndarray,
    features: list[str],
    top: int = PRINCIPAL_REASONS,
    batch_rows: int = 20_000,
) -> pd.DataFrame:
    """Every client's `top` contributions in the API's order: sk_id_curr, rank (1 = strongest), feature,
    value (the client's), effect (log-odds). In batches: all contributions at once would be rows x features doubles."""
    top = min(top, len(features))
    names = np.asarray(features, dtype=object)
    parts = []
    for start in range(0, len(X), batch_rows):
        x = np.asarray(X[start : start + batch_rows], dtype=np.float64)
        contrib = contributions(booster, x)[:, :-1]
        order = np.argsort(-np.abs(contrib), axis=1, kind="mergesort")[:, :top]
        rows = np.arange(len(x))[:, None]
        parts.append(
            pd.DataFrame(
                {
                    "sk_id_curr": np.repeat(np.asarray(ids[start : start + batch_rows], dtype=np.int64), top),
                    "rank": np.tile(np.arange(1, top + 1, dtype=np.int64), len(x)),
                    "feature": names[order].reshape(-1),
                    "value": x[rows, order].reshape(-1),
                    "effect": contrib[rows, order].reshape(-1),
                }
            )
        )
    if not parts:
        return pd.DataFrame({"sk_id_curr": [], "rank": [], "feature": [], "value": [], "effect": []})
    return pd.concat(parts, ignore_index=True)


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
