"""Population comparisons for the dashboard: a feature's values for all clients, a group chosen
with filters, or the similar clients, split by known outcome. The population is chosen in SQL
(parameterised); its box-plot figures are computed from the rows read."""

from __future__ import annotations

import duckdb
import numpy as np

from kernel.jsonable import jsonable

OUTCOME_SQL = "case when f.is_train then case when f.target = 1 then 'defaulted' else 'repaid' end else 'new application' end"


def population_sql(columns: list[tuple[str, str]], where: str) -> str:
    cols = ", ".join(f'cast({c} as double) as "{n}"' for n, c in columns)
    return f"""
        select f.sk_id_curr, {OUTCOME_SQL} as outcome, {cols}
        from client_features f join client_profile p using (sk_id_curr)
        where {where}
    """


def box_stats(values: np.ndarray) -> dict:
    """min, quartiles (linear interpolation, as SQL's quantile_cont), max and mean of the non-missing values."""
    v = values[~np.isnan(values)]
    if len(v) == 0:
        return {"n_values": 0, "min": None, "q1": None, "median": None, "q3": None, "max": None, "mean": None}
    q1, median, q3 = np.quantile(v, [0.25, 0.5, 0.75])
    return {
        "n_values": len(v),
        "min": float(v.min()),
        "q1": float(q1),
        "median": float(median),
        "q3": float(q3),
        "max": float(v.max()),
        "mean": float(v.mean()),
    }


def run_population(
    con: duckdb.DuckDBPyConnection, columns: list[tuple[str, str]], where: str, params: dict, sample: int, seed: int = 42
) -> dict:
    """columns: (output name, qualified SQL column) pairs already validated by the caller. One read of the
    population's columns (client_features is a view joining every per-client table: each query on it pays
    for the joins, ~0.5 s at full scale), then the box-plot figures by outcome over the whole population
    and a fixed random sample of its rows for the scatter plot."""
    frame = con.execute(population_sql(columns, where), params).df()
    names = [n for n, _ in columns]
    stats = {}
    for name in names:
        groups = frame.groupby("outcome", sort=True)[name] if len(frame) else []
        stats[name] = [
            {"outcome": outcome, "n": len(values), **box_stats(values.to_numpy(dtype=np.float64))} for outcome, values in groups
        ]
    picked = frame.sample(n=min(int(sample), len(frame)), random_state=seed) if len(frame) else frame
    rows = [{k: jsonable(v) for k, v in r.items()} for r in picked.to_dict("records")]
    return {"rows": rows, "stats": stats}
