"""Population comparisons for the dashboard: a feature's values for all clients, a group chosen
with filters, or the similar clients, split by known outcome. All of it in SQL, parameterised."""

from __future__ import annotations

import duckdb

from kernel.jsonable import jsonable

OUTCOME_SQL = "case when f.is_train then case when f.target = 1 then 'defaulted' else 'repaid' end else 'new application' end"


def population_sql(columns: list[str], where: str, sample: int, seed: int = 42) -> str:
    cols = ", ".join(f'cast({c} as double) as "{n}"' for n, c in columns)
    return f"""
        select * from (
            select f.sk_id_curr, {OUTCOME_SQL} as outcome, {cols}
            from client_features f join client_profile p using (sk_id_curr)
            where {where}
        ) using sample reservoir({int(sample)} rows) repeatable ({int(seed)})
    """


def stats_sql(column: str, where: str) -> str:
    """Box-plot figures of one feature by outcome, over the whole population (not the sample)."""
    x = f"cast({column} as double)"
    return f"""
        select {OUTCOME_SQL} as outcome, count(*) as n, count({x}) as n_values,
               min({x}) as min, quantile_cont({x}, 0.25) as q1, median({x}) as median,
               quantile_cont({x}, 0.75) as q3, max({x}) as max, avg({x}) as mean
        from client_features f join client_profile p using (sk_id_curr)
        where {where}
        group by 1 order by 1
    """


def run_population(
    con: duckdb.DuckDBPyConnection, columns: list[tuple[str, str]], where: str, params: dict, sample: int, seed: int = 42
) -> dict:
    """columns: (output name, qualified SQL column) pairs already validated by the caller."""
    cur = con.execute(population_sql(columns, where, sample, seed), params)
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, map(jsonable, r))) for r in cur.fetchall()]
    stats = {}
    for name, col in columns:
        cur = con.execute(stats_sql(col, where), params)
        snames = [d[0] for d in cur.description]
        stats[name] = [dict(zip(snames, map(jsonable, r))) for r in cur.fetchall()]
    return {"rows": rows, "stats": stats}
