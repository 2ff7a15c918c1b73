"""Issue 16, items 3-5, on a warehouse built and trained by the real pipeline: the model moves the way people
expect (monotone in the credit amount, through the what-if's SQL), four principal reasons in words and points,
and what would change a refusal (service and REST route)."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.routes import api_router, install_error_handlers
from kernel.settings import Settings
from models_ml.decision import probability
from models_ml.whatif import WhatIf
from service.reasons import API_KEYS
from service.scoring_service import ScoringService

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def service(pipeline_warehouse):
    return ScoringService(Settings(warehouse=pipeline_warehouse))


@pytest.fixture(scope="module")
def api(service):
    app = FastAPI()
    app.include_router(api_router(service))
    install_error_handlers(app)
    with TestClient(app) as client:
        yield client


def _ids(warehouse, where: str, n: int) -> list[int]:
    con = duckdb.connect(str(warehouse / "model.duckdb"), read_only=True)
    try:
        return [
            r[0]
            for r in con.execute(
                f"select sk_id_curr from client_scores where {where} order by hash(sk_id_curr) limit {n}"
            ).fetchall()
        ]
    finally:
        con.close()


def test_the_run_records_its_monotone_constraints(pipeline_warehouse, service):
    record = json.loads(
        (Settings(warehouse=pipeline_warehouse).models_dir / service.models.current().run_id / "run.json").read_text()
    )
    constraints = record["monotone_constraints"]
    assert constraints["app_credit_to_income_ratio"] == 1 and constraints["app_annuity_to_income_ratio"] == 1
    assert constraints["app_ext_source_mean"] == -1 and constraints["inst_late_share"] == 1
    assert record["lgb_params"]["monotone_constraints"].count(0) < len(record["features"])


def test_more_credit_with_the_annuity_fixed_never_lowers_the_probability(pipeline_warehouse, service):
    """200 sampled clients, the credit raised step by step (annuity and everything else fixed), features
    recomputed by the warehouse's SQL; the calibrated probability never falls."""
    model, cal = service._model()
    used = set(model.record["row_features"])
    whatif = WhatIf(service._cur())
    checked = 0
    for cid in _ids(pipeline_warehouse, "is_train", 200):
        is_train, x = service._model_row(cid, model)
        raw_app = service._raw_application(cid, is_train)
        credit = float(raw_app["AMT_CREDIT"].iloc[0])
        edits = [{"AMT_CREDIT": credit * f} for f in (1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0)]
        X = whatif.edited_rows(raw_app, edits, model.features, x, only=used)
        p = cal.transform(probability(model.booster.predict(X, raw_score=True)))
        assert np.all(np.diff(p) >= -1e-12), (cid, p)
        checked += 1
    assert checked == 200


def test_explanation_gives_at_most_four_reasons_in_words_and_points(api, pipeline_warehouse):
    for decision in ("refused", "accepted"):
        for cid in _ids(pipeline_warehouse, f"decision = '{decision}'", 5):
            body = api.get(f"/api/v1/clients/{cid}/explanation").json()
            reasons = body["reasons"]
            assert body["decision"] == decision and "contributions" in body and "summary" in body  # existing keys stay
            assert 1 <= len(reasons) <= 4
            assert [r["rank"] for r in reasons] == list(range(1, len(reasons) + 1))
            for r in reasons:
                assert list(r) == API_KEYS
                assert (r["effect_pp"] >= 0) if decision == "refused" else (r["effect_pp"] <= 0)
                if "% of clients)" not in r["sentence"]:  # yes/no features name the level and its share instead
                    quoted = "not known for this client" if r["client_value"] == "no data" else r["client_value"]
                    assert quoted in r["sentence"] and "most clients" in r["sentence"], r
                assert "other features" not in r["sentence"] and "log-odds" not in r["sentence"]
            assert len({r["family"] for r in reasons}) == len(reasons)  # one reason per family


def test_counterfactual_of_a_refusal_is_accepted_by_the_model(api, service, pipeline_warehouse):
    model, cal = service._model()
    found = 0
    for cid in _ids(pipeline_warehouse, "decision = 'refused'", 8):
        body = api.get(f"/api/v1/clients/{cid}/counterfactual").json()
        assert body["decision"] == "refused" and body["candidates_scored"] > 0
        if not body["found"]:
            assert body["sentence"].startswith("No change within these limits")
            continue
        found += 1
        change = body["change"]
        assert set(change["changes"]) <= {"AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"}
        assert change["probability"] < body["threshold"]
        # the same edit through the public what-if gives the same accepted score
        edited = api.post(f"/api/v1/clients/{cid}/what-if", json=change["changes"]).json()["edited"]
        assert edited["decision"] == "accepted" and np.isclose(edited["probability"], change["probability"])
    assert found, "no refusal in the sample could be turned into an acceptance"
    accepted = _ids(pipeline_warehouse, "decision = 'accepted'", 1)[0]
    body = api.get(f"/api/v1/clients/{accepted}/counterfactual").json()
    assert body["found"] is False and body["change"] is None and body["sentence"].startswith("Already accepted")


def test_counterfactual_respects_the_policy_predicate(pipeline_warehouse):
    """A policy that refuses every credit above 100,000 forces the search past that amount."""
    strict = ScoringService(Settings(warehouse=pipeline_warehouse), policy_accepts=lambda app: app["AMT_CREDIT"] <= 100_000)
    for cid in _ids(pipeline_warehouse, "decision = 'refused'", 5):
        result = strict.counterfactual(cid)
        if result["found"]:
            assert result["change"]["changes"].get("AMT_CREDIT", result["change"]["before"].get("AMT_CREDIT", np.inf)) <= 100_000
