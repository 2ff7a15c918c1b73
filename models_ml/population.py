"""Population comparisons for the dashboard: a feature's values for all clients, a group chosen
with filters, or the similar clients, split by known outcome. The population is chosen in SQL
(parameterised); its box-plot figures are computed from the rows read."""

from __future__ import annotations

import threading

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


def _figures(frame, names: list[str]) -> dict[str, list[dict]]:
    stats = {}
    for name in names:
        groups = frame.groupby("outcome", sort=True)[name] if len(frame) else []
        stats[name] = [
            {"outcome": outcome, "n": len(values), **box_stats(values.to_numpy(dtype=np.float64))} for outcome, values in groups
        ]
    return stats


def _sample(frame, n: int, seed: int):
    """A fixed random sample of at most n rows (the scatter plot's)."""
    return frame.sample(n=min(int(n), len(frame)), random_state=seed) if len(frame) else frame


def run_population(
    con: duckdb.DuckDBPyConnection, columns: list[tuple[str, str]], where: str, params: dict, sample: int, seed: int = 42
) -> dict:
    """columns: (output name, qualified SQL column) pairs already validated by the caller. One read of the
    population's columns (client_features is a view joining every per-client table: each query on it pays
    for the joins, ~0.5 s at full scale), then the box-plot figures by outcome over the whole population
    and a fixed random sample of its rows for the scatter plot."""
    frame = con.execute(population_sql(columns, where), params).df()
    picked = _sample(frame, sample, seed)
    rows = [{k: jsonable(v) for k, v in r.items()} for r in picked.to_dict("records")]
    return {"rows": rows, "stats": _figures(frame, [n for n, _ in columns])}


class AllClients:
    """The comparison with every train client, kept for one publication of the warehouse: its box figures do
    not depend on the client compared, so each feature's are computed once (one read of the column) and
    every later comparison with that feature is a lookup. The scatter's sample is one fixed set of clients,
    chosen at the first read, so any two features' sampled values belong to the same clients."""

    WHERE = "f.is_train"

    def __init__(self, sample: int, seed: int = 42) -> None:
        self.sample, self.seed = int(sample), seed
        self._stats: dict[str, list[dict]] = {}
        self._sampled: dict[str, list] = {}
        self._rows: list[dict] | None = None  # sk_id_curr and outcome of the sampled clients
        self._lock = threading.Lock()

    def figures(self, con: duckdb.DuckDBPyConnection, columns: list[tuple[str, str]]) -> dict:
        """run_population's answer for the population "all", reading only the columns not read before (outside
        the lock: a comparison never waits for another one's read; two may read the same column once)."""
        missing = [(n, c) for n, c in columns if n not in self._stats]
        if missing:
            frame = con.execute(population_sql(missing, self.WHERE)).df()
            stats = _figures(frame, [n for n, _ in missing])
            with self._lock:
                if self._rows is None:
                    picked = _sample(frame, self.sample, self.seed)
                    self._rows = [{"sk_id_curr": int(i), "outcome": o} for i, o in zip(picked["sk_id_curr"], picked["outcome"])]
                ids = [r["sk_id_curr"] for r in self._rows]
            indexed = frame.set_index("sk_id_curr")
            for name, _ in missing:
                self._sampled[name] = [jsonable(v) for v in indexed[name].reindex(ids).tolist()]
                self._stats[name] = stats[name]
        names = [n for n, _ in columns]
        rows = [{**r, **{n: self._sampled[n][i] for n in names}} for i, r in enumerate(self._rows or [])]
        return {"rows": rows, "stats": {n: self._stats[n] for n in names}}
