"""The counterfactual's grid: only the loan moves, steps from small to large, the smallest accepted change wins."""

import numpy as np

from models_ml.counterfactual import (
    CHEAPER_GOODS,
    LESS_CREDIT,
    LONGER_TERM,
    MAX_TERM_MONTHS,
    candidates,
    smallest,
)

APPLICATION = {"AMT_CREDIT": 450_000.0, "AMT_ANNUITY": 25_000.0, "AMT_GOODS_PRICE": 400_000.0, "AMT_INCOME_TOTAL": 90_000.0}


def test_only_the_loan_changes():
    plan = candidates(APPLICATION)
    assert {k for c in plan for k in c.changes} == {"AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"}
    for c in plan:
        if c.lever == LESS_CREDIT:  # same goods, same term
            assert c.changes["AMT_CREDIT"] < APPLICATION["AMT_CREDIT"] and "AMT_GOODS_PRICE" not in c.changes
            assert np.isclose(c.changes["AMT_CREDIT"] / c.changes["AMT_ANNUITY"], 18.0, rtol=1e-3)
        if c.lever == CHEAPER_GOODS:
            assert np.isclose(c.changes["AMT_GOODS_PRICE"] / c.changes["AMT_CREDIT"], 400 / 450, rtol=1e-3)
        if c.lever == LONGER_TERM:  # same credit, lower annuity, within the longest term
            assert set(c.changes) == {"AMT_ANNUITY"} and c.changes["AMT_ANNUITY"] < APPLICATION["AMT_ANNUITY"]
            assert APPLICATION["AMT_CREDIT"] / c.changes["AMT_ANNUITY"] <= MAX_TERM_MONTHS + 1e-6
        assert 0 < c.size < 1


def test_no_goods_no_goods_lever_and_no_annuity_no_plan():
    assert not any(c.lever == CHEAPER_GOODS for c in candidates(APPLICATION | {"AMT_GOODS_PRICE": float("nan")}))
    assert candidates(APPLICATION | {"AMT_ANNUITY": float("nan")}) == []
    assert not any(c.lever == LONGER_TERM for c in candidates(APPLICATION | {"AMT_ANNUITY": 7_000.0}))  # already 64 months


def test_smallest_accepted_change_wins():
    plan = candidates(APPLICATION)
    sizes = np.array([c.size for c in plan])
    assert smallest(plan, np.zeros(len(plan), bool)) is None
    accepted = sizes >= 0.3
    best = smallest(plan, accepted)
    assert accepted[best] and plan[best].size == sizes[accepted].min()
