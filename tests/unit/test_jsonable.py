"""The one numpy / pandas -> JSON conversion (kernel/jsonable.py)."""

import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from kernel.jsonable import jsonable


def test_numbers_become_python_numbers_and_non_finite_ones_none():
    assert jsonable(np.float32(0.5)) == 0.5 and type(jsonable(np.float32(0.5))) is float
    assert jsonable(np.int64(7)) == 7 and type(jsonable(np.int64(7))) is int
    assert jsonable(np.bool_(True)) is True
    assert [jsonable(v) for v in (float("nan"), np.nan, np.inf, -np.inf, np.float64("nan"))] == [None] * 5
    assert jsonable(3) == 3 and jsonable(True) is True and jsonable(2.5) == 2.5


def test_missing_values_and_timestamps():
    assert jsonable(None) is None and jsonable(pd.NA) is None and jsonable(pd.NaT) is None
    assert jsonable(pd.Timestamp("2026-12-02 10:30")) == "2026-12-02T10:30:00"
    assert jsonable(datetime(2026, 12, 2, tzinfo=UTC)) == "2026-12-02T00:00:00+00:00"
    assert jsonable("text") == "text"


def test_nested_structures_are_converted_item_by_item_and_dump_strictly():
    value = {
        "metrics": {"auc": np.float64(0.81), "folds": (np.int64(1), np.int64(2))},
        "rows": [{"p": np.float32(0.25), "q": np.nan, "flag": np.bool_(False), "at": pd.NA}],
    }
    out = jsonable(value)
    assert out == {"metrics": {"auc": 0.81, "folds": [1, 2]}, "rows": [{"p": 0.25, "q": None, "flag": False, "at": None}]}
    json.dumps(out, allow_nan=False)  # what the registry writes: would raise on NaN or numpy types


def test_a_frame_row_as_the_service_returns_it():
    df = pd.DataFrame({"a": [1, 2], "b": [0.5, np.nan], "c": pd.array([1, None], dtype="Int64"), "d": ["x", None]})
    rows = [jsonable(r) for r in df.to_dict("records")]
    assert rows == [{"a": 1, "b": 0.5, "c": 1, "d": "x"}, {"a": 2, "b": None, "c": None, "d": None}]
    json.dumps(rows, allow_nan=False)
