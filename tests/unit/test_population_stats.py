"""The comparison's box figures, computed from the population's rows, equal DuckDB's own aggregates
(quantile_cont, min, max, avg, count) on the same values, missing ones left out."""

import duckdb
import numpy as np

from models_ml.population import box_stats


def test_box_figures_equal_duckdb_quantile_cont():
    rng = np.random.default_rng(4)
    values = rng.lognormal(size=997)
    values[rng.random(997) < 0.1] = np.nan
    con = duckdb.connect()
    con.execute("create table t as select unnest($v) as x", {"v": [None if np.isnan(v) else float(v) for v in values]})
    expected = con.execute(
        "select count(x), min(x), quantile_cont(x, 0.25), median(x), quantile_cont(x, 0.75), max(x), avg(x) from t"
    ).fetchone()
    got = box_stats(values)
    assert got["n_values"] == expected[0]
    assert np.allclose([got[k] for k in ("min", "q1", "median", "q3", "max", "mean")], expected[1:], rtol=1e-12)


def test_no_values_gives_no_figures():
    assert box_stats(np.array([np.nan, np.nan]))["median"] is None
    assert box_stats(np.array([]))["n_values"] == 0
