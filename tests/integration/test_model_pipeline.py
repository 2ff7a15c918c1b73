"""The model on a warehouse built by the real pipeline (generate -> ingest -> build -> train, the
session fixture `pipeline_warehouse` of conftest.py): tables, what-if through the warehouse's own
SQL, SHAP against `shap` on the real model, and an analyst's question answered with SQL alone."""

import json

import duckdb
import numpy as np
import pytest
import shap

from kernel.errors import ClientNotFound, InvalidField
from kernel.settings import Settings
from models_ml import registry
from models_ml.whatif import WhatIf
from service.scoring_service import ScoringService


@pytest.fixture(scope="module")
def service(pipeline_warehouse):
    return ScoringService(Settings(warehouse=pipeline_warehouse))


def test_run_left_model_and_every_table(pipeline_warehouse):
    s = Settings(warehouse=pipeline_warehouse)
    run_id = registry.current_run_id(s)
    record = json.loads((s.models_dir / run_id / "run.json").read_text())
    assert (s.models_dir / run_id / "model.txt").read_text().startswith("tree")
    con = duckdb.connect(str(s.features_db), read_only=True)
    con.execute(f"attach '{s.model_db}' as model (read_only)")
    n_clients, n_train = con.execute("select count(*), count(*) filter (where is_train) from client_features").fetchone()
    assert record["data"]["rows"] == n_train and len(record["features"]) > 300
    for table, expected in (
        ("client_scores", n_clients),
        ("client_vectors", n_clients),
        ("client_rows", n_clients),
        ("global_importance", len(record["features"])),
        ("threshold_curve", 999),
    ):
        assert con.execute(f"select count(*) from model.{table}").fetchone()[0] == expected, table
    for table in ("model_runs", "calibration", "fairness", "roc_curve"):
        assert con.execute(f"select count(*) from model.{table}").fetchone()[0] > 0, table
    # one row per client, found through a unique index (a request reads one client's row)
    indexed = con.execute("select table_name from duckdb_indexes() where database_name = 'model' and is_unique").fetchall()
    assert {"client_scores", "client_rows"} <= {t for (t,) in indexed}
    # every client of the mart is scored by this run; labels come from the feature catalog
    assert (
        con.execute("select count(*) from client_features f anti join model.client_scores s using (sk_id_curr)").fetchone()[0]
        == 0
    )
    assert con.execute(
        "select count(*) from model.global_importance g join feature_catalog c using (feature) where g.label = c.label"
    ).fetchone()[0] == len(record["features"])
    # the analyst's question, SQL only: refusals at the current threshold by contract type
    by_type = con.execute("""
        select p.contract_type, count(*) filter (where s.decision = 'refused') as refused, count(*) as n
        from model.client_scores s join client_profile p using (sk_id_curr) where not s.is_train group by 1 order by 1
    """).fetchall()
    assert sum(n for _, _, n in by_type) == n_clients - n_train and len(by_type) >= 1


def test_scores_and_shap_on_the_real_model(service, pipeline_warehouse):
    s = Settings(warehouse=pipeline_warehouse)
    model = registry.load_run(s, registry.current_run_id(s))
    con = duckdb.connect(str(s.model_db), read_only=True)
    ids = [i for (i,) in con.execute("select sk_id_curr from client_scores order by sk_id_curr limit 5").fetchall()]
    X = np.vstack([service._feature_row(i, model.features)[1] for i in ids])
    ours = model.booster.predict(X, pred_contrib=True)
    theirs = shap.TreeExplainer(model.booster).shap_values(X)
    theirs = theirs[1] if isinstance(theirs, list) else theirs
    assert np.allclose(ours[:, :-1], theirs, rtol=1e-6, atol=1e-9)
    for i, x in zip(ids, X):
        e = service.explanation(i)
        raw = con.execute("select raw_score from client_scores where sk_id_curr = ?", [i]).fetchone()[0]
        assert np.isclose(e["raw_score"], raw, atol=1e-9)
        assert np.isclose(model.booster.predict(x.reshape(1, -1), raw_score=True)[0], raw, atol=1e-9)


def test_application_features_reproduce_the_mart(service):
    cur = service._cur()
    raw = cur.execute("select * from raw.application_train order by SK_ID_CURR limit 20").df()
    recomputed = WhatIf(cur).app_features(raw).sort_values("sk_id_curr").reset_index(drop=True)
    cols = [c for c in recomputed.columns if c != "sk_id_curr"]
    mart = cur.execute(
        f"select sk_id_curr, {', '.join(cols)} from client_features where sk_id_curr in ({', '.join(map(str, raw['SK_ID_CURR']))}) order by sk_id_curr"
    ).df()
    assert np.allclose(recomputed[cols].to_numpy(float), mart[cols].to_numpy(float), equal_nan=True)


def test_what_if(service):
    cid = service.search_clients("1", limit=1)["items"][0]["sk_id_curr"]
    app = service.client(cid)["application"]
    same = service.what_if(cid, {"AMT_INCOME_TOTAL": app["AMT_INCOME_TOTAL"]})
    assert same["changed_features"] == [] and np.isclose(same["edited"]["probability"], same["current"]["probability"])
    assert np.isclose(same["current"]["probability"], service.score(cid)["probability"])
    richer = service.what_if(cid, {"AMT_INCOME_TOTAL": app["AMT_INCOME_TOTAL"] * 10, "EXT_SOURCE_3": 0.95, "CODE_GENDER": "M"})
    moved = {c["feature"] for c in richer["changed_features"]}
    used = set(service.models.current().record["row_features"])
    assert moved and moved <= used  # only features the trees use can move the score
    assert {"app_amt_income_total", "app_credit_to_income_ratio", "app_ext_source_3", "app_ext_source_mean"} & used <= moved
    assert richer["edited"]["raw_score"] != richer["current"]["raw_score"]
    for bad in ({"AMT_INCOME_TOTAL": -5}, {"NOT_A_FIELD": 1}, {"AMT_CREDIT": "a lot"}, {"CODE_GENDER": 3}, {"SK_ID_CURR": 1}, {}):
        with pytest.raises(InvalidField):
            service.what_if(cid, bad)
    with pytest.raises(ClientNotFound):
        service.what_if(1, {"AMT_CREDIT": 1.0})
