"""Threshold and cost arithmetic against a confusion matrix computed by hand."""

import numpy as np

from models_ml.config import Costs
from models_ml.costs import accept_all_cost, best_threshold, confusion, threshold_curve, threshold_grid

# 10 clients, 3 defaulters.
Y = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
P = np.array([0.90, 0.40, 0.05, 0.60, 0.30, 0.20, 0.10, 0.05, 0.02, 0.01])


def test_confusion_by_hand():
    # threshold 0.3: refused = p >= 0.3 -> clients 0, 1, 3, 4
    c = confusion(Y, P, 0.3)
    assert (c.tp, c.fp, c.tn, c.fn) == (2, 2, 5, 1)
    assert c.cost_per_client(Costs(fn=10, fp=1)) == (10 * 1 + 1 * 2) / 10
    assert c.approval_rate == 6 / 10
    assert c.fnr == 1 / 3
    assert c.fpr == 2 / 7


def test_threshold_exactly_on_a_probability_refuses_it():
    c = confusion(Y, P, 0.05)  # p >= 0.05 refused: clients 0..7
    assert (c.tp, c.fp, c.tn, c.fn) == (3, 5, 2, 0)


def test_curve_matches_confusion_at_every_threshold():
    costs = Costs(fn=10, fp=1)
    grid = threshold_grid(0.01)
    curve = threshold_curve(Y, P, costs, grid)
    assert len(curve) == 99
    for t in (0.01, 0.05, 0.1, 0.3, 0.41, 0.6, 0.95):
        row = curve.loc[np.isclose(curve["threshold"], t)].iloc[0]
        c = confusion(Y, P, row["threshold"])
        assert (row["tp"], row["fp"], row["tn"], row["fn"]) == (c.tp, c.fp, c.tn, c.fn)
        assert np.isclose(row["cost_per_client"], c.cost_per_client(costs))
        assert np.isclose(row["approval_rate"], c.approval_rate)


def test_best_threshold_minimises_cost_by_hand():
    # With fn=10, fp=1 missing any defaulter costs 10: catching all 3 means refusing p >= 0.05
    # (5 false positives, cost 0.5); 0.06..0.40 misses one (cost >= 1.0).
    curve = threshold_curve(Y, P, Costs(fn=10, fp=1), threshold_grid(0.01))
    t = best_threshold(curve)
    assert np.isclose(t, 0.03)  # 0.03, 0.04 and 0.05 tie at 0.5; the lowest (most prudent) wins
    assert np.isclose(curve["cost_per_client"].min(), 0.5)
    # With costs reversed, refusing good clients is the expensive error: accept more.
    curve2 = threshold_curve(Y, P, Costs(fn=1, fp=10), threshold_grid(0.01))
    assert best_threshold(curve2) > 0.6
    assert np.isclose(curve2["cost_per_client"].min(), 0.2)  # two defaulters missed, no good client refused


def test_accept_all_cost():
    assert accept_all_cost(Y, Costs(fn=10, fp=1)) == 3.0
