"""Similar clients: nearest neighbours in a standardised space of the most important features.

The space (features, means, standard deviations) is fitted on train rows and kept in the run record;
every client's vector is stored as a FLOAT[n] array in `model.client_vectors`, and the search is one
DuckDB query with `array_distance`.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np


@dataclass(frozen=True)
class NeighbourSpace:
    features: tuple[str, ...]
    means: tuple[float, ...]
    stds: tuple[float, ...]

    @classmethod
    def fit(cls, X: np.ndarray, features: list[str]) -> NeighbourSpace:
        X = np.asarray(X, dtype=np.float64)
        means = np.nanmean(X, axis=0) if len(X) else np.zeros(X.shape[1])
        stds = np.nanstd(X, axis=0) if len(X) else np.ones(X.shape[1])
        means = np.where(np.isfinite(means), means, 0.0)
        stds = np.where(np.isfinite(stds) & (stds > 0), stds, 1.0)
        return cls(tuple(features), tuple(map(float, means)), tuple(map(float, stds)))

    def vectors(self, X: np.ndarray) -> np.ndarray:
        """Standardised float32 vectors; a missing value sits at the mean (0)."""
        Z = (np.asarray(X, dtype=np.float64) - np.asarray(self.means)) / np.asarray(self.stds)
        return np.nan_to_num(Z, nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)

    @property
    def dim(self) -> int:
        return len(self.features)

    def to_dict(self) -> dict:
        return {"features": list(self.features), "means": list(self.means), "stds": list(self.stds)}

    @classmethod
    def from_dict(cls, d: dict) -> NeighbourSpace:
        return cls(tuple(d["features"]), tuple(d["means"]), tuple(d["stds"]))


def nearest_sql(table: str = "client_vectors") -> str:
    # The client's own vector is read in the same query; the client itself is excluded.
    return f"""
        with me as (select vec from {table} where sk_id_curr = $id)
        select v.sk_id_curr, v.is_train, v.target, v.probability,
               array_distance(v.vec, me.vec) as distance
        from {table} v, me
        where v.sk_id_curr <> $id
        order by distance, v.sk_id_curr
        limit $k
    """


def nearest(con: duckdb.DuckDBPyConnection, client_id: int, k: int, table: str = "client_vectors") -> list[dict]:
    rows = con.execute(nearest_sql(table), {"id": int(client_id), "k": int(k)}).fetchall()
    out = []
    for sk, is_train, target, proba, dist in rows:
        item = {"sk_id_curr": int(sk), "is_train": bool(is_train), "distance": float(dist), "probability": float(proba)}
        if is_train and target is not None:
            item["outcome"] = "defaulted" if int(target) == 1 else "repaid"
        else:
            item["outcome"] = None
        out.append(item)
    return out
