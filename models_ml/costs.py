"""Business cost of decisions and the threshold that minimises it.

A client is refused when the calibrated probability of default is >= the threshold (`decision.py`). A refused
defaulter is a true positive, an accepted defaulter a false negative (cost `fn`), a refused good
client a false positive (cost `fp`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models_ml.config import Costs
from models_ml.decision import is_refused


@dataclass(frozen=True)
class Confusion:
    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    def cost_per_client(self, costs: Costs) -> float:
        return (costs.fn * self.fn + costs.fp * self.fp) / max(self.n, 1)

    @property
    def approval_rate(self) -> float:
        return (self.tn + self.fn) / max(self.n, 1)

    @property
    def fnr(self) -> float:
        """Share of defaulters we accept."""
        return self.fn / max(self.fn + self.tp, 1)

    @property
    def fpr(self) -> float:
        """Share of good clients we refuse."""
        return self.fp / max(self.fp + self.tn, 1)


def confusion(y: np.ndarray, proba: np.ndarray, threshold: float) -> Confusion:
    y = np.asarray(y).astype(bool)
    refused = is_refused(proba, threshold)
    return Confusion(
        tp=int(np.sum(refused & y)),
        fp=int(np.sum(refused & ~y)),
        tn=int(np.sum(~refused & ~y)),
        fn=int(np.sum(~refused & y)),
    )


def threshold_grid(step: float) -> np.ndarray:
    n = int(round(1.0 / step))
    return np.round(np.arange(1, n) * step, 10)


def threshold_curve(y: np.ndarray, proba: np.ndarray, costs: Costs, grid: np.ndarray) -> pd.DataFrame:
    """Confusion counts and cost per client for every threshold of `grid` (vectorised)."""
    y = np.asarray(y).astype(bool)
    proba = np.asarray(proba, dtype=float)
    pos = np.sort(proba[y])
    neg = np.sort(proba[~y])
    # is_refused(proba, t) is proba >= t: the count of values >= t is len - searchsorted(left)
    tp = len(pos) - np.searchsorted(pos, grid, side="left")
    fp = len(neg) - np.searchsorted(neg, grid, side="left")
    fn = len(pos) - tp
    tn = len(neg) - fp
    n = max(len(proba), 1)
    return pd.DataFrame(
        {
            "threshold": grid,
            "cost_per_client": (costs.fn * fn + costs.fp * fp) / n,
            "fn": fn.astype("int64"),
            "fp": fp.astype("int64"),
            "tp": tp.astype("int64"),
            "tn": tn.astype("int64"),
            "approval_rate": (tn + fn) / n,
        }
    )


def best_threshold(curve: pd.DataFrame) -> float:
    """The threshold of least cost; among ties the lowest one (the most prudent)."""
    i = int(np.argmin(curve["cost_per_client"].to_numpy()))
    return float(curve["threshold"].iloc[i])


def accept_all_cost(y: np.ndarray, costs: Costs) -> float:
    y = np.asarray(y).astype(bool)
    return costs.fn * float(y.sum()) / max(len(y), 1)
