"""Calibration of out-of-fold scores into honest probabilities, stored as plain JSON numbers.

Isotonic regression is kept as its breakpoints and applied with linear interpolation, which is
exactly what scikit-learn's `IsotonicRegression.predict` does; Platt scaling is two numbers.
Nothing is pickled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression


@dataclass(frozen=True)
class Calibrator:
    method: str  # "isotonic" or "platt"
    x: tuple[float, ...] = ()  # isotonic breakpoints (raw probability)
    y: tuple[float, ...] = ()  # calibrated probability at each breakpoint
    a: float = 0.0  # platt: p = 1 / (1 + exp(-(a * logit(raw) + b)))
    b: float = 0.0

    @classmethod
    def fit(cls, raw_proba: np.ndarray, target: np.ndarray, method: str = "isotonic") -> Calibrator:
        raw_proba = np.asarray(raw_proba, dtype=float)
        target = np.asarray(target, dtype=float)
        if method == "isotonic":
            iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
            iso.fit(raw_proba, target)
            return cls("isotonic", x=tuple(map(float, iso.X_thresholds_)), y=tuple(map(float, iso.y_thresholds_)))
        if method == "platt":
            lr = LogisticRegression(C=1e6, max_iter=1000)
            lr.fit(_logit(raw_proba).reshape(-1, 1), target)
            return cls("platt", a=float(lr.coef_[0, 0]), b=float(lr.intercept_[0]))
        raise ValueError(f"calibration: unknown method {method!r}")

    def transform(self, raw_proba: np.ndarray) -> np.ndarray:
        raw_proba = np.asarray(raw_proba, dtype=float)
        if self.method == "isotonic":
            return np.interp(raw_proba, np.asarray(self.x), np.asarray(self.y))
        return 1.0 / (1.0 + np.exp(-(self.a * _logit(raw_proba) + self.b)))

    def to_dict(self) -> dict:
        return {"method": self.method, "x": list(self.x), "y": list(self.y), "a": self.a, "b": self.b}

    @classmethod
    def from_dict(cls, d: dict) -> Calibrator:
        return cls(d["method"], x=tuple(d.get("x", ())), y=tuple(d.get("y", ())), a=d.get("a", 0.0), b=d.get("b", 0.0))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


def brier(target: np.ndarray, proba: np.ndarray) -> float:
    return float(np.mean((np.asarray(proba, dtype=float) - np.asarray(target, dtype=float)) ** 2))


def reliability_table(target: np.ndarray, proba: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Mean predicted against observed default rate, by quantile bin of the predicted probability."""
    df = pd.DataFrame({"p": np.asarray(proba, dtype=float), "y": np.asarray(target, dtype=float)})
    ranks = df["p"].rank(method="first")
    df["bin"] = np.minimum((ranks - 1) * bins // len(df), bins - 1).astype(int) + 1
    out = df.groupby("bin").agg(mean_predicted=("p", "mean"), observed_rate=("y", "mean"), count=("y", "size")).reset_index()
    out["count"] = out["count"].astype("int64")
    return out
