"""dashboard/charts.py writes Plotly figures as JSON dicts by hand: the parts plotly.py used to work out (subplot
axes and domains, NaN in JSON) are checked here; the browser tests check that the figures draw."""

from __future__ import annotations

import json
import math

import numpy as np

from dashboard import charts
from dashboard.panels import plot

STATS = {
    f: [
        {"outcome": "defaulted", "n_values": 40, "min": 0.0, "q1": 1.0, "median": 2.0, "q3": 3.0, "max": 9.0, "mean": 2.5},
        {"outcome": "repaid", "n_values": 60, "min": 0.0, "q1": 0.5, "median": 1.0, "q3": 2.0, "max": 8.0, "mean": None},
    ]
    for f in ("a", "b", "c")
}
LABELS = {"a": "Feature A", "b": "Feature B", "c": "Feature C"}


def test_box_panels_stack_top_down_each_on_its_own_axes():
    spec, alt = charts.box_by_class(STATS, {"a": 1.5, "b": None, "c": float("nan")}, ["a", "b", "c"], LABELS)
    layout = spec["layout"]
    domains = [layout[f"yaxis{s}"]["domain"] for s in ("", "2", "3")]
    assert domains[0][1] == 1.0 and math.isclose(domains[2][0], 0.0, abs_tol=1e-12)
    assert all(upper[0] > lower[1] for upper, lower in zip(domains, domains[1:])), "panels overlap or are out of order"
    # every trace on its panel's axes, and each axis anchored to its partner
    assert [(t["xaxis"], t["yaxis"]) for t in spec["data"]] == [("x", "y")] * 2 + [("x2", "y2")] * 2 + [("x3", "y3")] * 2
    assert layout["yaxis3"]["anchor"] == "x3" and layout["xaxis2"]["anchor"] == "y2"
    # the panels' titles first, then one "this client" note, for the one feature with a value
    texts = [a["text"] for a in layout["annotations"]]
    assert texts == ["Feature A", "Feature B", "Feature C", "this client: 1.5"]
    assert [s["y0"] for s in layout["shapes"]] == [1.5]
    assert "mean" in spec["data"][0] and "mean" not in spec["data"][1]
    assert "Feature A: this client 1.5" in alt


def test_scatter_one_trace_per_outcome_and_the_client_as_a_star():
    rows = [{"outcome": "repaid", "a": 1.0, "b": 2.0}, {"outcome": "defaulted", "a": 3.0, "b": 4.0}]
    rows += [{"outcome": "repaid", "a": None, "b": 5.0}, {"outcome": None, "a": 6.0, "b": 7.0}]
    spec, alt = charts.scatter_by_class(rows, {"a": 2.0, "b": 3.0}, "a", "b", LABELS)
    traces = {t["name"]: t for t in spec["data"]}
    assert list(traces) == ["repaid", "defaulted", "unknown", "this client"]
    assert traces["repaid"]["x"] == [1.0] and traces["unknown"]["y"] == [7.0]  # a row without x is left out
    assert traces["this client"]["marker"]["symbol"] == "star"
    assert spec["layout"]["xaxis"]["title"]["text"] == "Feature A"
    assert "1 repaid, 1 defaulted, 1 unknown" in alt


def test_json_has_no_nan_and_takes_numpy_values():
    spec = charts.figure({"type": "scatter", "x": np.array([1.0, np.nan]), "y": [np.float64(2.0), float("inf")]})
    text = charts.to_json(spec)
    assert json.loads(text)["data"][0] == {"type": "scatter", "x": [1.0, None], "y": [2.0, None]}
    value = plot(spec)
    assert value.type == "plotly" and json.loads(value.plot) == json.loads(text)


def test_every_axis_gets_the_shared_style():
    spec, _ = charts.roc([{"fpr": 0.0, "tpr": 0.0}, {"fpr": 1.0, "tpr": 1.0}], 0.5)
    for axis in ("xaxis", "yaxis"):
        assert spec["layout"][axis]["gridcolor"] == "#e5e5e5" and spec["layout"][axis]["range"] == [0, 1]
        assert spec["layout"][axis]["title"]["standoff"] == 15 and spec["layout"][axis]["title"]["text"]
