"""SHAP: LightGBM's pred_contrib is additive and identical to shap.TreeExplainer."""

import lightgbm as lgb
import numpy as np
import pytest
import shap
from sklearn.datasets import make_classification

from models_ml.explain import global_importance, local_explanation


@pytest.fixture(scope="module")
def booster_and_data():
    X, y = make_classification(n_samples=2000, n_features=12, n_informative=6, weights=[0.85], random_state=1)
    X[np.random.default_rng(1).random(X.shape) < 0.1] = np.nan  # missing values take the default branch
    params = {"objective": "binary", "num_leaves": 15, "learning_rate": 0.1, "verbosity": -1, "num_threads": 2, "seed": 1}
    booster = lgb.train(params, lgb.Dataset(X, y, feature_name=[f"f{i}" for i in range(12)]), num_boost_round=60)
    return booster, X


def test_additivity(booster_and_data):
    booster, X = booster_and_data
    features = booster.feature_name()
    for i in range(25):
        exp = local_explanation(booster, features, {}, X[i], top=5)
        raw = booster.predict(X[i : i + 1], raw_score=True)[0]
        total = exp["base_value"] + sum(c["contribution"] for c in exp["contributions"]) + exp["rest"]["contribution"]
        assert np.isclose(total, raw, atol=1e-9)
        assert np.isclose(exp["raw_score"], raw, atol=1e-9)
        assert len(exp["contributions"]) == 5 and exp["rest"]["count"] == 7
        mags = [abs(c["contribution"]) for c in exp["contributions"]]
        assert mags == sorted(mags, reverse=True)


def test_equal_to_shap_tree_explainer(booster_and_data):
    booster, X = booster_and_data
    ours = booster.predict(X[:200], pred_contrib=True)
    explainer = shap.TreeExplainer(booster)
    theirs = explainer.shap_values(X[:200])
    theirs = theirs[1] if isinstance(theirs, list) else theirs
    assert np.allclose(ours[:, :-1], theirs, rtol=1e-6, atol=1e-9)
    assert np.allclose(ours[:, -1], np.ravel(explainer.expected_value)[-1], atol=1e-9)


def test_global_importance_ranks(booster_and_data):
    booster, X = booster_and_data
    imp = global_importance(booster, X[:500], booster.feature_name(), {"f0": "Feature zero"})
    assert list(imp["rank"]) == list(range(1, 13))
    assert np.all(np.diff(imp["mean_abs_shap"]) <= 0)
    assert imp.loc[imp["feature"] == "f0", "label"].iloc[0] == "Feature zero"
