"""Fairness check: approval rate, false-negative and false-positive rates by group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.costs import confusion


def fairness_table(
    groups: pd.DataFrame, y: np.ndarray, proba: np.ndarray, threshold: float, attributes: tuple[str, ...] = ("gender", "age_band")
) -> pd.DataFrame:
    """One row per (attribute, group); `groups` is aligned with y and proba. Clients whose group is NULL
    in client_profile form the group NULL (None), as in SQL."""
    rows = []
    for attr in attributes:
        missing = groups[attr].isna().to_numpy()
        values = groups[attr].astype("object").where(~missing, "").astype(str).to_numpy()
        for g in sorted(set(values[~missing])) + ([None] if missing.any() else []):
            mask = missing if g is None else (values == g) & ~missing
            c = confusion(y[mask], proba[mask], threshold)
            rows.append(
                {
                    "attribute": attr,
                    "group": g,
                    "n": int(mask.sum()),
                    "approval_rate": c.approval_rate,
                    "fnr": c.fnr,
                    "fpr": c.fpr,
                }
            )
    return pd.DataFrame(rows, columns=["attribute", "group", "n", "approval_rate", "fnr", "fpr"])
