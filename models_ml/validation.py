"""Uncertainty of the out-of-fold AUC: a bootstrap percentile interval over the applications."""

from __future__ import annotations

import numpy as np


def weighted_auc(y: np.ndarray, score: np.ndarray, weights: np.ndarray) -> float:
    """AUC where row i counts `weights[i]` times (ties count one half), in one pass over sorted scores."""
    order = np.argsort(score, kind="mergesort")
    return _sorted_auc(np.asarray(y)[order].astype(bool), _tie_starts(np.asarray(score)[order]), np.asarray(weights)[order])


def _tie_starts(sorted_score: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.r_[True, sorted_score[1:] != sorted_score[:-1]])


def _sorted_auc(y: np.ndarray, starts: np.ndarray, w: np.ndarray) -> float:
    pos = np.add.reduceat(np.where(y, w, 0), starts).astype(np.float64)
    neg = np.add.reduceat(np.where(y, 0, w), starts).astype(np.float64)
    below = np.cumsum(neg) - neg  # negatives with a strictly lower score
    total = pos.sum() * neg.sum()
    return float((pos * (below + 0.5 * neg)).sum() / total) if total else float("nan")


def bootstrap_auc_interval(
    y: np.ndarray, score: np.ndarray, resamples: int, seed: int, level: float = 0.95
) -> tuple[float, float]:
    """Percentile interval of the AUC over `resamples` bootstrap samples of the rows (drawn with
    replacement, as weights: the scores are sorted once). 200 resamples of 300k rows: ~6 s on a busy machine."""
    y, score = np.asarray(y), np.asarray(score)
    n = len(y)
    order = np.argsort(score, kind="mergesort")
    y_sorted, starts = y[order].astype(bool), _tie_starts(score[order])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)  # draws land directly in sorted positions
    rng = np.random.default_rng(seed)
    aucs = np.array(
        [_sorted_auc(y_sorted, starts, np.bincount(rank[rng.integers(0, n, n)], minlength=n)) for _ in range(resamples)]
    )
    tail = (1 - level) / 2
    lo, hi = np.nanquantile(aucs, [tail, 1 - tail])
    return float(lo), float(hi)
