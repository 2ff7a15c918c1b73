"""Fairness check: approval rate, false-negative and false-positive rates by group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.costs import confusion


def fairness_table(
    groups: pd.DataFrame, y: np.ndarray, proba: np.ndarray, threshold: float, attributes: tuple[str, ...] = ("gender", "age_band")
) -> pd.DataFrame:
    """One row per (attribute, group); `groups` is aligned with y and proba."""
    rows = []
    for attr in attributes:
        values = groups[attr].astype("object").where(groups[attr].notna(), "unknown").astype(str).to_numpy()
        for g in sorted(set(values)):
            mask = values == g
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
