"""Neighbours: DuckDB's array_distance search against a brute-force numpy check."""

import duckdb
import numpy as np
import pyarrow as pa

from models_ml.neighbours import NeighbourSpace, nearest


def _table(n=3000, d=8, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 20, d) + rng.uniform(-5, 5, d)
    X[rng.random(X.shape) < 0.05] = np.nan
    space = NeighbourSpace.fit(X, [f"f{i}" for i in range(d)])
    V = space.vectors(X)
    ids = np.arange(200000, 200000 + n)
    is_train = rng.random(n) < 0.8
    target = [int(t) if tr else None for t, tr in zip(rng.random(n) < 0.1, is_train)]
    con = duckdb.connect()
    con.register(
        "a",
        pa.table(
            {
                "sk_id_curr": ids,
                "is_train": is_train,
                "target": pa.array(target, pa.int32()),
                "probability": rng.random(n),
                "vec": pa.FixedSizeListArray.from_arrays(pa.array(V.reshape(-1)), d),
            }
        ),
    )
    con.execute(f"create table client_vectors as select sk_id_curr, is_train, target, probability, vec::FLOAT[{d}] as vec from a")
    return con, ids, V, is_train, target


def test_space_standardises_and_imputes_mean():
    X = np.array([[1.0, 10.0], [3.0, np.nan], [5.0, 30.0]])
    space = NeighbourSpace.fit(X, ["a", "b"])
    V = space.vectors(X)
    assert np.allclose(V[:, 0], [-1.2247449, 0, 1.2247449], atol=1e-6)
    assert V[1, 1] == 0.0  # missing -> mean -> 0
    assert NeighbourSpace.from_dict(space.to_dict()) == space


def test_nearest_matches_brute_force_and_excludes_client():
    con, ids, V, is_train, target = _table()
    for pos in (0, 17, 1234, 2999):
        got = nearest(con, int(ids[pos]), 20)
        assert len(got) == 20
        assert all(g["sk_id_curr"] != ids[pos] for g in got)
        dists = [g["distance"] for g in got]
        assert dists == sorted(dists)
        d = np.sqrt(((V.astype(np.float64) - V[pos].astype(np.float64)) ** 2).sum(axis=1))
        d[pos] = np.inf
        order = np.lexsort((ids, d))[:20]
        assert [g["sk_id_curr"] for g in got] == [int(i) for i in ids[order]]
        assert np.allclose(dists, d[order], rtol=1e-5, atol=1e-5)
        for g in got:
            i = int(g["sk_id_curr"] - ids[0])
            if is_train[i]:
                assert g["outcome"] == ("defaulted" if target[i] == 1 else "repaid")
            else:
                assert g["outcome"] is None


def test_unknown_client_has_no_neighbours():
    con, *_ = _table(n=50)
    assert nearest(con, 1, 5) == []
