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


EXTRA = 10  # candidates fetched beyond k, to prove that none nearer than the k-th was left out


class NeighbourIndex:
    """A KD-tree over every client's vector, built once per published model: a query visits a few leaves
    instead of measuring the distance to every client.
    Exact: the k nearest by (distance, id), the client itself excluded, ties at the k-th distance broken by
    the smaller id as an `order by distance, sk_id_curr` would.

    The tree holds the vectors turned onto their principal axes (a rotation: distances are kept): its splits then
    follow the directions in which clients differ most, which halves a query's cost at full scale (16
    features, 356 k clients: 5.6 -> 2.8 ms). Distances are measured again on the stored vectors, so rounding in
    the rotation can change neither the order nor the distances reported."""

    def __init__(self, ids, is_train, target, probability, vectors) -> None:
        from scipy.spatial import cKDTree  # scipy comes with scikit-learn; imported where used (start-up time)

        order = np.argsort(ids, kind="stable")
        self.ids = np.asarray(ids, dtype=np.int64)[order]
        self.is_train = np.asarray(is_train, dtype=bool)[order]
        self.target = np.asarray(target, dtype=np.float64)[order]  # NaN for a new application
        self.probability = np.asarray(probability, dtype=np.float64)[order]
        self.vectors = np.asarray(vectors, dtype=np.float64)[order]
        centred = self.vectors - (self.vectors.mean(axis=0) if len(self.vectors) else 0.0)
        _, self.axes = np.linalg.eigh(centred.T @ centred)  # orthonormal columns: the principal axes
        self.rotated = centred @ self.axes
        # scipy's tree: built in a fraction of scikit-learn KDTree's time, queried ~5x faster (less Python per query)
        self.tree = cKDTree(self.rotated, leafsize=16)

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
        q, r = self.vectors[pos], self.rotated[pos]
        n = min(k + 1 + EXTRA, len(self.ids))
        # A few more than k. Every client left out is at least as far as the farthest fetched (less the
        # rotation's rounding): when the k-th nearest fetched is nearer than that, the k nearest and every client
        # tied with the k-th are among them, and ties are broken by id, not by the tree's leaf order; else fetch
        # every client within the k-th distance.
        far, idx = self.tree.query(r, k=n)
        far, idx = float(np.max(far)), np.atleast_1d(idx)
        idx = idx[idx != pos]
        dist = self._distances(idx, q)
        kth = np.sort(dist)[k - 1] if len(idx) >= k else np.inf
        slack = 1e-9 * max(1.0, far)
        if n < len(self.ids) and not kth < far - slack:
            idx = np.asarray(self.tree.query_ball_point(r, r=kth + 2 * slack), dtype=np.int64)
            idx = idx[idx != pos]
            dist = self._distances(idx, q)
        chosen = np.lexsort((self.ids[idx], dist))[:k]
        return [self._item(int(idx[i]), float(dist[i])) for i in chosen]

    def _distances(self, idx: np.ndarray, q: np.ndarray) -> np.ndarray:
        return np.sqrt(((self.vectors[idx] - q) ** 2).sum(axis=1))

    def _item(self, i: int, distance: float) -> dict:
        known = bool(self.is_train[i]) and not np.isnan(self.target[i])
        return {
            "sk_id_curr": int(self.ids[i]),
            "is_train": bool(self.is_train[i]),
            "distance": distance,
            "probability": float(self.probability[i]),
            "outcome": ("defaulted" if self.target[i] == 1 else "repaid") if known else None,
        }
