"""Principal reasons: families add up, at most four, the decision's side only, effects in percentage points."""

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from models_ml.calibration import Calibrator
from models_ml.decision import probability
from models_ml.explain import contributions
from models_ml.reasons import principal_reasons, typical_values
from service import wording
from service.reasons import API_KEYS, as_items, reasons_frame

FEATURES = [f"f{i}" for i in range(10)]
FAMILIES = {
    "f0": "scores",
    "f1": "scores",
    "f2": "scores",
    "f3": "loan",
    "f4": "loan",
    "f5": "age",
    "f6": "region",
    "f7": "bureau",
}


@pytest.fixture(scope="module")
def fitted():
    X, y = make_classification(n_samples=3000, n_features=10, n_informative=8, n_redundant=0, weights=[0.9], random_state=3)
    params = {"objective": "binary", "num_leaves": 7, "learning_rate": 0.1, "verbosity": -1, "num_threads": 1, "seed": 1}
    booster = lgb.train(params, lgb.Dataset(X, y, feature_name=FEATURES), num_boost_round=80)
    raw = booster.predict(X, raw_score=True)
    cal = Calibrator.fit(probability(raw), y, "isotonic")
    threshold = float(np.quantile(cal.transform(probability(raw)), 0.8))
    C = contributions(booster, X[:300])
    frame = pd.DataFrame(C, columns=[*FEATURES, "base_value"], index=np.arange(1000, 1300))
    values = pd.DataFrame(X[:300], columns=FEATURES, index=frame.index)
    return frame, values, cal, threshold


def test_families_add_up_and_effect_is_the_calibrated_difference(fitted):
    frame, values, cal, threshold = fitted
    rows = principal_reasons(frame, values, FAMILIES, cal, threshold)
    assert rows.groupby("sk_id_curr")["rank"].max().max() <= 4
    for r in rows.sample(40, random_state=0).itertuples():
        c = frame.loc[r.sk_id_curr]
        members = [f for f in FEATURES if FAMILIES.get(f, f) == r.family]
        assert np.isclose(r.effect_log_odds, c[members].sum())
        raw = c.sum()  # base + every contribution
        expected = 100 * (cal.transform(probability(raw)) - cal.transform(probability(raw - c[members].sum())))
        assert np.isclose(r.effect_pp, expected)
        assert set(r.features) <= set(members) and r.feature == r.features[0]


def test_refusals_list_what_raises_the_risk_acceptances_what_lowers_it(fitted):
    frame, values, cal, threshold = fitted
    rows = principal_reasons(frame, values, FAMILIES, cal, threshold)
    p = cal.transform(probability(frame.sum(axis=1).to_numpy()))
    refused = dict(zip(frame.index, p >= threshold))
    assert any(refused.values()) and not all(refused.values())
    for cid, group in rows.groupby("sk_id_curr"):
        sign = 1 if refused[cid] else -1
        assert (sign * group["effect_log_odds"] > 0).all()
        assert (sign * group["effect_pp"] >= 0).all()
        assert list(group["rank"]) == list(range(1, len(group) + 1))
        # ranked by effect on the probability
        assert list(sign * group["effect_pp"]) == sorted(sign * group["effect_pp"], reverse=True)


def test_reasons_frame_gives_the_api_items_with_sentences(fitted):
    frame, values, cal, threshold = fitted
    catalog = {
        f: wording.FeatureInfo(f, label=f"Feature {f}", kind="ratio", family=FAMILIES.get(f), risk_direction=1) for f in FEATURES
    }
    typical = typical_values(values.to_numpy(), FEATURES)
    out = reasons_frame(frame.iloc[:20], values.iloc[:20], catalog, cal, threshold, typical)
    items = as_items(out[out["sk_id_curr"] == out["sk_id_curr"].iloc[0]])
    assert items and all(list(i) == API_KEYS for i in items)
    first = items[0]
    assert first["sentence"].startswith(f"Feature {first['features'][0]} is {first['client_value']}")
    assert first["typical_value"].endswith("or less")  # direction +1: most clients are at or under the 3rd quartile
    assert "log" not in first["sentence"] and "other features" not in first["sentence"]


def test_typical_wording_follows_the_direction():
    late = wording.FeatureInfo("inst_late_share", label="Instalments: share paid late", kind="share", risk_direction=1)
    ext = wording.FeatureInfo("app_ext_source_mean", label="External scores: average", kind="score", risk_direction=-1)
    flag = wording.FeatureInfo("app_flag_own_car_y", label="Owns a car", kind="flag")
    assert wording.typical(late, (0.0, 0.02, 0.05)) == "5.0 % or less"
    assert (
        wording.reason_sentence(late, 0.4, "5.0 % or less")
        == "Instalments: share paid late is 40 % (most clients: 5.0 % or less)"
    )
    assert wording.typical(ext, (0.35, 0.5, 0.65)) == "0.35 or more"
    assert wording.typical(flag, None, 0.34) == "34 % of clients"
    assert wording.typical(late, (0.0, 0.0, 0.0)) == "0.0 %"


def test_a_family_that_does_not_move_the_probability_is_not_a_reason():
    # A calibration flat below 0.2: every client here sits in it, so no push changes the probability, and the
    # strongest push alone is given; above it, families under 0.05 points are dropped.
    flat = Calibrator.fit(np.array([0.0, 0.1, 0.2, 0.5, 0.9, 1.0]), np.array([0, 0, 0, 0, 1, 1]), "isotonic")
    contributions = pd.DataFrame(
        {"f0": [-1.0, 2.0], "f3": [-0.5, 0.001], "f5": [-0.2, 1.5], "base_value": [-4.0, -1.0]}, index=[1, 2]
    )
    values = pd.DataFrame({"f0": [0.1, 0.9], "f3": [1.0, 2.0], "f5": [3.0, 4.0]}, index=[1, 2])
    rows = principal_reasons(contributions, values, FAMILIES, flat, threshold=0.5)
    low = rows[rows["sk_id_curr"] == 1]
    assert list(low["family"]) == ["scores"] and abs(low["effect_pp"].iloc[0]) < 0.05
    high = rows[rows["sk_id_curr"] == 2]
    assert (high["effect_pp"] >= 0.05).all() and "loan" not in set(high["family"])


def test_a_missing_value_is_worded_not_quoted():
    years = wording.FeatureInfo("app_years_employed", label="Years employed", kind="years")
    assert (
        wording.reason_sentence(years, None, "2 to 8 years")
        == "Years employed: not known for this client (most clients: 2 to 8 years)"
    )
    assert "no data" not in wording.reason_sentence(years, float("nan"), "2 to 8 years")


def test_effects_read_in_points_never_plus_zero():
    from dashboard.format import effect_points

    assert [effect_points(v) for v in (12.34, -3.0, 0.01, -0.04)] == [
        "+12.3 points",
        "-3.0 points",
        "+under 0.1 points",
        "-under 0.1 points",
    ]
