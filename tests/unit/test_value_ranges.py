"""The possible ranges of kernel/kaggle_schema.py: every numeric column has one, and the real data's extremes
(the profile of real samples) sit well inside it, so a real file never meets a bound."""

from __future__ import annotations

import json

import pytest
from real_data import FIXTURES

from kernel.kaggle_schema import FILES, SUBMISSION, value_range

PROFILE = FIXTURES / "homecredit_profile.json"


def test_every_numeric_column_has_a_range():
    for spec in (*FILES.values(), SUBMISSION):
        for c in spec.columns:
            if c.numeric:
                assert c.low < c.high and (c.low, c.high) == value_range(c.name), c.name


def test_real_extremes_are_inside_the_ranges():
    tables = json.loads(PROFILE.read_text())["tables"]
    specs = {spec.name: spec for spec in (*FILES.values(), SUBMISSION)}
    checked = 0
    for table, stats in tables.items():
        columns = {c.name: c for c in specs[table].columns}
        for name, s in stats["columns"].items():
            if "quantiles" not in s:
                continue
            low, high = s["quantiles"]["0"], s["quantiles"]["1"]
            c = columns[name]
            assert c.low <= low and high <= c.high, (table, name, low, high, c.low, c.high)
            checked += 1
    assert checked > 150


@pytest.mark.parametrize("name,value", [("CNT_CHILDREN", -1), ("TARGET", 2), ("AMT_CREDIT", 1e308), ("CNT_PAYMENT", -12)])
def test_impossible_values_are_outside(name, value):
    low, high = value_range(name)
    assert not low <= value <= high
