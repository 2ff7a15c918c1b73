"""Similar clients: nearest neighbours in a standardised space of the most important features.

The space (features, means, standard deviations) is fitted on train rows and kept in the run record;
every client's vector is stored as a FLOAT[n] array in `model.client_vectors` (analysts can search it with
DuckDB's `array_distance`); the service searches a KD-tree built over that table once per published model.
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


EXTRA = 10  # neighbours fetched beyond k, to see whether the k-th distance is tied


class NeighbourIndex:
    """A KD-tree over every client's vector, built once per published model: a query visits a few leaves
    instead of measuring the distance to every client.
    Exact: the k nearest by (distance, id), the client itself excluded, ties at the k-th distance broken by
    the smaller id as an `order by distance, sk_id_curr` would."""

    def __init__(self, ids, is_train, target, probability, vectors) -> None:
        from scipy.spatial import cKDTree  # scipy comes with scikit-learn; imported where used (start-up time)

        order = np.argsort(ids, kind="stable")
        self.ids = np.asarray(ids, dtype=np.int64)[order]
        self.is_train = np.asarray(is_train, dtype=bool)[order]
        self.target = np.asarray(target, dtype=np.float64)[order]  # NaN for a new application
        self.probability = np.asarray(probability, dtype=np.float64)[order]
        self.vectors = np.asarray(vectors, dtype=np.float64)[order]
        # scipy's tree: built in a fraction of scikit-learn KDTree's time, queried ~5x faster (less Python per query)
        self.tree = cKDTree(self.vectors, leafsize=16)

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, table: str = "client_vectors") -> NeighbourIndex:
        t = con.execute(f"select sk_id_curr, is_train, target, probability, vec from {table}").to_arrow_table()
        vec = t.column("vec").combine_chunks()
        dim = vec.type.list_size
        vectors = vec.flatten().to_numpy(zero_copy_only=False).reshape(-1, dim)
        target = t.column("target").to_numpy(zero_copy_only=False).astype(np.float64)
        return cls(
            t.column("sk_id_curr").to_numpy(),
            t.column("is_train").to_numpy(zero_copy_only=False),
            target,
            t.column("probability").to_numpy(zero_copy_only=False),
            vectors,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, client_id: int) -> int | None:
        pos = int(np.searchsorted(self.ids, client_id))
        return pos if pos < len(self.ids) and self.ids[pos] == client_id else None

    def nearest(self, client_id: int, k: int) -> list[dict]:
        pos = self.position(int(client_id))
        if pos is None or len(self.ids) < 2:
            return []
        q = self.vectors[pos]
        # A few more than k: when the farthest of them is farther than the k-th, every client as near as the
        # k-th is among them, and ties are broken by id, not by the tree's leaf order; else ask for all of those.
        dist, idx = self.tree.query(q, k=min(k + 1 + EXTRA, len(self.ids)))
        dist, idx = np.atleast_1d(dist), np.atleast_1d(idx)
        keep = idx != pos
        dist, idx = dist[keep], idx[keep]
        if len(idx) >= k and not dist[k - 1] < dist[-1]:
            kth = dist[k - 1]
            idx = np.asarray(self.tree.query_ball_point(q, r=kth + 1e-9 * max(1.0, kth)), dtype=np.int64)
            idx = idx[idx != pos]
            dist = np.sqrt(((self.vectors[idx] - q) ** 2).sum(axis=1))
        chosen = np.lexsort((self.ids[idx], dist))[:k]
        return [self._item(int(idx[i]), float(dist[i])) for i in chosen]

    def _item(self, i: int, distance: float) -> dict:
        known = bool(self.is_train[i]) and not np.isnan(self.target[i])
        return {
            "sk_id_curr": int(self.ids[i]),
            "is_train": bool(self.is_train[i]),
            "distance": distance,
            "probability": float(self.probability[i]),
            "outcome": ("defaulted" if self.target[i] == 1 else "repaid") if known else None,
        }
