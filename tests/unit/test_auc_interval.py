"""The out-of-fold AUC's bootstrap interval: the weighted AUC it resamples with is sklearn's AUC, and the
interval is around the AUC and narrows with more rows."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from models_ml.validation import bootstrap_auc_interval, weighted_auc


def data(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.1
    score = np.round(rng.normal(size=n) + 0.8 * y, 1)  # rounded: many ties
    return y.astype(int), score


def test_weighted_auc_is_sklearns_with_and_without_weights_and_ties():
    y, s = data(5000)
    assert weighted_auc(y, s, np.ones(len(y))) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    w = np.random.default_rng(1).integers(0, 4, len(y))
    assert weighted_auc(y, s, w) == pytest.approx(roc_auc_score(y, s, sample_weight=w), abs=1e-12)


def test_interval_holds_the_auc_and_narrows_with_more_rows():
    y, s = data(2000)
    lo, hi = bootstrap_auc_interval(y, s, 200, seed=3)
    assert lo < roc_auc_score(y, s) < hi
    y_big, s_big = data(50_000)
    lo_big, hi_big = bootstrap_auc_interval(y_big, s_big, 200, seed=3)
    assert hi_big - lo_big < (hi - lo) / 2
    assert bootstrap_auc_interval(y, s, 200, seed=3) == (lo, hi)  # seeded: reproducible
