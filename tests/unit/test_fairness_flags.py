"""Fairness flags on crafted groups: the four-fifths rule on approval rates and the 5-point gap in
missed-default rate, each against the best group of the same attribute."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models_ml.fairness import fairness_table


def crafted(groups: dict[str, tuple[int, int, int, int]]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Per group: (good accepted, good refused, defaulters accepted, defaulters refused), as rows with
    probability 0.1 (accepted) or 0.9 (refused) at threshold 0.5."""
    labels, y, p = [], [], []
    for g, (ga, gr, da, dr) in groups.items():
        for count, target, prob in ((ga, 0, 0.1), (gr, 0, 0.9), (da, 1, 0.1), (dr, 1, 0.9)):
            labels += [g] * count
            y += [target] * count
            p += [prob] * count
    return pd.DataFrame({"gender": labels}), np.array(y), np.array(p)


def row(table: pd.DataFrame, group: str) -> pd.Series:
    return table.set_index("group").loc[group]


def test_a_group_approved_below_four_fifths_of_the_best_is_flagged():
    # A: approval 900/1000 = 0.90; B: 0.70 -> 0.70 / 0.90 = 0.78 < 0.8; C: 0.75 -> 0.83, not flagged
    groups, y, p = crafted({"A": (800, 0, 100, 100), "B": (600, 200, 100, 100), "C": (650, 150, 100, 100)})
    table = fairness_table(groups, y, p, 0.5, attributes=("gender",))
    assert row(table, "A")["approval_rate"] == pytest.approx(0.9)
    assert row(table, "B")["approval_ratio_to_best"] == pytest.approx(0.7 / 0.9)
    assert bool(row(table, "B")["flag_approval"]) and bool(row(table, "B")["flagged"])
    assert not row(table, "C")["flag_approval"] and not row(table, "A")["flag_approval"]
    assert "0.78 times the best gender group" in row(table, "B")["flag_reason"]
    assert pd.isna(row(table, "A")["flag_reason"])


def test_a_missed_default_rate_more_than_5_points_above_the_best_is_flagged():
    # missed-default rate (defaulters accepted): A 10/100, B 16/100 (+6 pp, flagged), C 14/100 (+4 pp, not)
    groups, y, p = crafted({"A": (500, 0, 10, 90), "B": (500, 0, 16, 84), "C": (500, 0, 14, 86)})
    table = fairness_table(groups, y, p, 0.5, attributes=("gender",))
    assert row(table, "B")["fnr_gap_to_best"] == pytest.approx(0.06)
    assert bool(row(table, "B")["flag_missed_default"])
    assert not row(table, "C")["flag_missed_default"] and not row(table, "A")["flag_missed_default"]
    assert "6.0 percentage points more" in row(table, "B")["flag_reason"]


def test_a_group_without_defaulters_has_no_missed_default_rate_and_sets_no_benchmark():
    groups, y, p = crafted({"A": (100, 0, 0, 0), "B": (100, 0, 10, 90), "C": (100, 0, 12, 88)})
    table = fairness_table(groups, y, p, 0.5, attributes=("gender",))
    assert np.isnan(row(table, "A")["fnr"])
    assert not row(table, "B")["flag_missed_default"] and not row(table, "C")["flag_missed_default"]


def test_small_groups_are_reported_but_neither_flagged_nor_the_benchmark():
    # "unknown": 2 applications, all approved, and 5 defaulters all accepted: reported, not compared
    groups, y, p = crafted({"F": (700, 300, 10, 90), "M": (650, 350, 10, 90), "unknown": (2, 0, 5, 0)})
    table = fairness_table(groups, y, p, 0.5, attributes=("gender",))
    assert row(table, "unknown")["n"] == 7 and row(table, "unknown")["fnr"] == 1.0
    assert not table["flagged"].any()
    assert row(table, "F")["approval_ratio_to_best"] == 1.0 and row(table, "M")["fnr_gap_to_best"] == 0.0


def test_each_attribute_is_compared_with_its_own_best_group_and_missing_values_are_a_group():
    groups = pd.DataFrame({"gender": ["F", "M", None, "M"] * 50, "age_band": ["<30", "<30", "60+", "60+"] * 50})
    y = np.tile([0, 1, 0, 1], 50)
    p = np.tile([0.1, 0.9, 0.9, 0.1], 50)
    table = fairness_table(groups, y, p, 0.5, attributes=("gender", "family_status", "age_band"))
    assert set(table["attribute"]) == {"gender", "age_band"}  # family_status absent from the frame: skipped
    # missing in client_profile: the group NULL, as in SQL
    assert set(table.loc[table["attribute"] == "gender", "group"].fillna("NULL")) == {"F", "M", "NULL"}
    assert table.groupby("attribute")["approval_ratio_to_best"].max().eq(1.0).all()
