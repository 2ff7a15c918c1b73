"""Neighbours: the service's KD-tree index, read from a real DuckDB client_vectors table, against a brute-force
numpy search and DuckDB's own array_distance (the analysts' way)."""

import duckdb
import numpy as np
import pyarrow as pa

from models_ml.neighbours import NeighbourIndex, NeighbourSpace


def _table(n=3000, d=8, seed=3, duplicates=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 20, d) + rng.uniform(-5, 5, d)
    X[rng.random(X.shape) < 0.05] = np.nan
    X[1 : 1 + duplicates] = X[0]  # clients whose vectors are identical: ties the id must break
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


def _brute_force(ids, V, pos, k):
    d = np.sqrt(((V.astype(np.float64) - V[pos].astype(np.float64)) ** 2).sum(axis=1))
    d[pos] = np.inf
    order = np.lexsort((ids, d))[:k]
    return order, d[order]


def test_index_matches_brute_force_and_excludes_client():
    con, ids, V, is_train, target = _table()
    index = NeighbourIndex.read(con, "client_vectors")
    assert len(index) == len(ids)
    for pos in (0, 17, 1234, 2999):
        got = index.nearest(int(ids[pos]), 20)
        order, dists = _brute_force(ids, V, pos, 20)
        assert [g["sk_id_curr"] for g in got] == [int(i) for i in ids[order]]
        assert np.allclose([g["distance"] for g in got], dists, rtol=1e-9, atol=1e-9)
        for g in got:
            i = int(g["sk_id_curr"] - ids[0])
            assert (
                g["probability"]
                == con.execute("select probability from client_vectors where sk_id_curr = ?", [g["sk_id_curr"]]).fetchone()[0]
            )
            if is_train[i]:
                assert g["outcome"] == ("defaulted" if target[i] == 1 else "repaid")
            else:
                assert g["outcome"] is None


def test_ties_are_broken_by_the_smaller_id_as_in_sql():
    con, ids, V, *_ = _table(n=800, duplicates=40)  # 41 clients share one vector: more than k at distance 0
    index = NeighbourIndex.read(con, "client_vectors")
    got = index.nearest(int(ids[5]), 20)
    assert [g["distance"] for g in got] == [0.0] * 20
    assert [g["sk_id_curr"] for g in got] == [int(i) for i in ids[[0, 1, 2, 3, 4] + list(range(6, 21))]]
    sql = con.execute(
        """with me as (select vec from client_vectors where sk_id_curr = $id)
           select v.sk_id_curr from client_vectors v, me where v.sk_id_curr <> $id
           order by array_distance(v.vec, me.vec), v.sk_id_curr limit 20""",
        {"id": int(ids[5])},
    ).fetchall()
    assert [g["sk_id_curr"] for g in got] == [r[0] for r in sql]


def test_more_neighbours_than_clients_and_unknown_client():
    con, ids, *_ = _table(n=6)
    index = NeighbourIndex.read(con, "client_vectors")
    assert len(index.nearest(int(ids[0]), 20)) == 5
    assert index.nearest(1, 5) == []
    assert index.position(1) is None


def test_ties_that_are_not_duplicates_stay_exact():
    """Sixteen clients exactly 1 away along ± each axis (the rotated tree sees them a rounding apart): the k
    nearest are the tied ones with the smallest ids, as `order by array_distance, sk_id_curr` gives."""
    d = 8
    rng = np.random.default_rng(5)
    far = rng.normal(size=(400, d))
    far = far / np.linalg.norm(far, axis=1, keepdims=True) * rng.uniform(3, 9, (400, 1))
    V = np.vstack([np.zeros((1, d)), np.eye(d), -np.eye(d), far]).astype(np.float32)
    ids = rng.permutation(np.arange(500000, 500000 + len(V)))
    con = duckdb.connect()
    con.register("v", pa.table({"sk_id_curr": ids, "vec": pa.FixedSizeListArray.from_arrays(pa.array(V.reshape(-1)), d)}))
    con.execute(
        f"create table client_vectors as select sk_id_curr, true as is_train, 0 as target, 0.5 as probability, "
        f"vec::FLOAT[{d}] as vec from v"
    )
    index = NeighbourIndex.read(con, "client_vectors")
    for k in (3, 5, 16, 20):
        got = index.nearest(int(ids[0]), k)
        sql = con.execute(
            """with me as (select vec from client_vectors where sk_id_curr = $id)
               select v.sk_id_curr from client_vectors v, me where v.sk_id_curr <> $id
               order by array_distance(v.vec, me.vec), v.sk_id_curr limit $k""",
            {"id": int(ids[0]), "k": k},
        ).fetchall()
        assert [g["sk_id_curr"] for g in got] == [r[0] for r in sql]
        assert [g["distance"] for g in got][: min(k, 16)] == [1.0] * min(k, 16)
