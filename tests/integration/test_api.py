"""The REST API on a warehouse built by the real pipeline, in-process through FastAPI's TestClient on
`create_app(settings, service=...)`: the app `scoring serve` runs, without a server or a port. The live
server is exercised by tests/e2e (dashboard events, browser, refresh under load)."""

from __future__ import annotations

import json
import os
import re
import stat
import time

import duckdb
import httpx
import pytest
from fastapi.testclient import TestClient
from live_server import free_port, run_scoring, start_server

from api.security import UserStore
from app import create_app
from kernel.settings import Settings
from service.scoring_service import ScoringService

pytestmark = pytest.mark.slow


def in_process(warehouse, users: UserStore | None = None) -> TestClient:
    """The app `scoring serve` runs, in-process; redirects are left to the test, as a browser's first answer."""
    settings = Settings(warehouse=warehouse)
    return TestClient(create_app(settings, users=users, service=ScoringService(settings)), follow_redirects=False)


@pytest.fixture(scope="module")
def api(pipeline_warehouse):
    with in_process(pipeline_warehouse) as client:
        yield client


@pytest.fixture(scope="module")
def ids(pipeline_warehouse) -> dict[str, int]:
    """One historical client and one new application, read straight from the published mart."""
    con = duckdb.connect(str(pipeline_warehouse / "scoring.duckdb"), read_only=True)
    try:
        train = con.execute("select min(sk_id_curr) from client_features where is_train").fetchone()[0]
        test = con.execute("select min(sk_id_curr) from client_features where not is_train").fetchone()[0]
        unknown = con.execute("select max(sk_id_curr) + 1000 from client_features").fetchone()[0]
    finally:
        con.close()
    assert train is not None and test is not None
    return {"train": int(train), "test": int(test), "unknown": int(unknown)}


def test_health_names_the_model_in_service(api, pipeline_warehouse):
    r = api.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["model"]["run_id"] == (pipeline_warehouse / "models" / "CURRENT").read_text().strip()
    assert body["warehouse"]["built_at"] and body["model_tables"]["built_at"]


def test_search_by_prefix_is_paginated_and_labelled(api, ids):
    prefix = str(ids["train"])[:3]
    first = api.get("/api/v1/clients", params={"q": prefix, "limit": 5}).json()
    second = api.get("/api/v1/clients", params={"q": prefix, "limit": 5, "offset": 5}).json()
    assert first["total"] > 10 and len(first["items"]) == 5 and len(second["items"]) == 5
    assert all(str(hit["sk_id_curr"]).startswith(prefix) for hit in first["items"] + second["items"])
    assert max(h["sk_id_curr"] for h in first["items"]) < min(h["sk_id_curr"] for h in second["items"])
    exact = api.get("/api/v1/clients", params={"q": str(ids["test"])}).json()
    assert exact["items"][0] == {"sk_id_curr": ids["test"], "is_train": False, "kind": "new application"}
    exact = api.get("/api/v1/clients", params={"q": str(ids["train"])}).json()
    assert exact["items"][0]["kind"] == "historical client"


@pytest.mark.parametrize("q", ["0", "000" + "100", "1" * 19, "9" * 20])
def test_search_never_matches_what_no_id_can_start_with(api, q):
    """No id starts with 0; 19 and 20 digits are past every id here (and were a 500 before)."""
    r = api.get("/api/v1/clients", params={"q": q})
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 0 and r.json()["items"] == []


def test_search_offset_past_the_end_is_empty_and_a_huge_one_is_422(api, ids):
    far = api.get("/api/v1/clients", params={"q": "1", "offset": 10**9})
    assert far.status_code == 200 and far.json()["items"] == []
    huge = api.get("/api/v1/clients", params={"q": "1", "offset": 10**20})
    assert huge.status_code == 422 and "offset" in huge.json()["detail"]


def test_client_data_has_the_raw_application_and_a_readable_profile(api, ids):
    body = api.get(f"/api/v1/clients/{ids['train']}").json()
    assert body["application"]["SK_ID_CURR"] == ids["train"]
    assert "AMT_INCOME_TOTAL" in body["application"]
    assert 18 <= body["profile"]["age_years"] <= 80
    test = api.get(f"/api/v1/clients/{ids['test']}").json()
    assert test["kind"] == "new application" and "TARGET" not in test["application"]


def test_score_decision_follows_the_threshold(api, ids, pipeline_warehouse):
    for cid in (ids["train"], ids["test"]):
        s = api.get(f"/api/v1/clients/{cid}/score").json()
        assert 0 <= s["probability"] <= 1
        assert s["model_decision"] == ("refused" if s["probability"] >= s["threshold"] else "accepted")
        assert s["decision"] == ("refused" if s["policy"]["refused"] else s["model_decision"])
        assert s["distance_to_threshold"] == pytest.approx(s["probability"] - s["threshold"])
        assert s["run_id"] == (pipeline_warehouse / "models" / "CURRENT").read_text().strip()


def test_explanation_adds_up_to_the_raw_score(api, ids):
    e = api.get(f"/api/v1/clients/{ids['train']}/explanation", params={"top": 5}).json()
    assert len(e["contributions"]) == 5
    total = e["base_value"] + sum(c["contribution"] for c in e["contributions"]) + e["rest"]["contribution"]
    assert total == pytest.approx(e["raw_score"], abs=1e-6)
    sizes = [abs(c["contribution"]) for c in e["contributions"]]
    assert sizes == sorted(sizes, reverse=True)
    assert e["summary"].endswith(".") and e["decision"] in e["summary"]
    # Plain language: the decision against the bank's limit, readable labels and values (no SQL-ish "= 0").
    if e["policy"]["refused"]:
        assert e["decision_text"].startswith("Refused by policy: ")
    else:
        assert e["decision_text"].startswith(e["decision"].capitalize() + ": the estimated risk of default")
    assert "bank's limit" in e["summary"]
    for c in e["contributions"]:
        assert c["text"] == f"{c['label']} — {c['value_text']}"
        assert not c["label"].startswith("Application:") and '"' not in c["label"] and "NULL" not in c["label"]
        assert (c["value_text"] == "no data") == (c["value"] is None)
    score = api.get(f"/api/v1/clients/{ids['train']}/score").json()
    assert e["probability"] == pytest.approx(score["probability"])


def test_explanation_summary_does_not_depend_on_how_many_are_listed(api, ids):
    short = api.get(f"/api/v1/clients/{ids['train']}/explanation", params={"top": 1}).json()
    long = api.get(f"/api/v1/clients/{ids['train']}/explanation", params={"top": 20}).json()
    assert len(short["contributions"]) == 1 and short["summary"] == long["summary"]
    assert short["rest"]["count"] == long["rest"]["count"] + 19
    for e in (short, long):
        total = e["base_value"] + sum(c["contribution"] for c in e["contributions"]) + e["rest"]["contribution"]
        assert total == pytest.approx(e["raw_score"], abs=1e-6)


def test_neighbours_exclude_the_client_and_come_nearest_first(api, ids):
    body = api.get(f"/api/v1/clients/{ids['train']}/neighbors", params={"k": 7}).json()
    items = body["neighbors"]
    assert len(items) == 7 and body["k"] == 7
    assert ids["train"] not in {n["sk_id_curr"] for n in items}
    assert [n["distance"] for n in items] == sorted(n["distance"] for n in items)
    for n in items:
        assert (n["outcome"] in ("repaid", "defaulted")) if n["is_train"] else n["outcome"] is None
    assert len(api.get(f"/api/v1/clients/{ids['train']}/neighbors").json()["neighbors"]) == 20


def test_model_and_importance(api):
    m = api.get("/api/v1/model").json()
    assert 0 < m["threshold"] < 1 and m["costs"]["fn"] > m["costs"]["fp"]
    assert m["roc_curve"] and m["threshold_curve"] and m["calibration"] and m["fairness"]
    imp = api.get("/api/v1/model/importance").json()
    assert all(not r["label"].startswith("Application:") for r in imp)
    assert [r["rank"] for r in imp] == list(range(1, len(imp) + 1))
    assert all(a["mean_abs_shap"] >= b["mean_abs_shap"] for a, b in zip(imp, imp[1:]))
    assert len(api.get("/api/v1/model/importance", params={"limit": 3}).json()) == 3


def test_what_if_rescores_the_edited_application(api, ids):
    cid = ids["train"]
    app = api.get(f"/api/v1/clients/{cid}").json()["application"]
    changes = {"AMT_INCOME_TOTAL": float(app["AMT_INCOME_TOTAL"]) * 3, "AMT_CREDIT": float(app["AMT_CREDIT"]) / 2}
    r = api.post(f"/api/v1/clients/{cid}/what-if", json=changes)
    assert r.status_code == 200, r.text
    body = r.json()
    score = api.get(f"/api/v1/clients/{cid}/score").json()
    assert body["current"]["probability"] == pytest.approx(score["probability"])
    assert body["changes"] == changes
    assert body["changed_features"], "tripling the income must change some app_* feature"
    assert body["probability_change"] == pytest.approx(body["edited"]["probability"] - body["current"]["probability"])
    # An edit that changes nothing gives the same score.
    same = api.post(f"/api/v1/clients/{cid}/what-if", json={"AMT_INCOME_TOTAL": app["AMT_INCOME_TOTAL"]}).json()
    assert same["edited"]["probability"] == pytest.approx(same["current"]["probability"])


@pytest.mark.parametrize("path", ["", "/score", "/explanation", "/neighbors"])
def test_unknown_client_is_404(api, ids, path):
    r = api.get(f"/api/v1/clients/{ids['unknown']}{path}")
    assert r.status_code == 404
    assert str(ids["unknown"]) in r.json()["detail"]


def test_what_if_on_unknown_client_is_404(api, ids):
    assert api.post(f"/api/v1/clients/{ids['unknown']}/what-if", json={"AMT_INCOME_TOTAL": 1}).status_code == 404


@pytest.mark.parametrize(
    "method,path,kwargs,needle",
    [
        ("get", "/api/v1/clients/abc/score", {}, "client_id"),
        ("get", "/api/v1/clients/12.5", {}, "client_id"),
        ("get", "/api/v1/clients?q=abc", {}, "q"),
        ("get", "/api/v1/clients?limit=0", {}, "limit"),
        ("get", "/api/v1/clients/{train}/neighbors?k=0", {}, "k"),
        ("post", "/api/v1/clients/{train}/what-if", {"json": {"AMT_INCOME_TOTAL": -5}}, "AMT_INCOME_TOTAL"),
        ("post", "/api/v1/clients/{train}/what-if", {"json": {"NOT_A_COLUMN": 1}}, "NOT_A_COLUMN"),
        ("post", "/api/v1/clients/{train}/what-if", {"json": {"AMT_CREDIT": "lots"}}, "AMT_CREDIT"),
        ("post", "/api/v1/clients/{train}/what-if", {"json": {}}, "changes"),
        ("post", "/api/v1/clients/{train}/what-if", {"json": [1, 2]}, "body"),
        ("post", "/api/v1/clients/{train}/what-if", {"json": {"AMT_INCOME_TOTAL": True}}, "AMT_INCOME_TOTAL"),
        ("post", "/api/v1/clients/{train}/what-if", {"json": {"NAME_EDUCATION_TYPE": "PhD in Astrology"}}, "Higher education"),
        ("post", "/api/v1/clients/{train}/what-if", {"json": {"DAYS_BIRTH": 5000}}, "18 to 100 years"),
        ("post", "/api/v1/clients/{train}/what-if", {"json": {"EXT_SOURCE_2": 7}}, "EXT_SOURCE_2"),
        ("post", "/api/v1/clients/{train}/what-if", {"json": {"CNT_CHILDREN": 2**70}}, "CNT_CHILDREN"),
    ],
)
def test_invalid_input_is_422_json_naming_the_field(api, ids, method, path, kwargs, needle):
    r = getattr(api, method)(path.format(**ids), **kwargs)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert needle in r.text
    assert "Traceback" not in r.text


def test_invalid_input_is_one_line_without_echoing_the_request(api, ids):
    bad = {"AMT_INCOME_TOTAL": ["x" * 40] * 1000, "AMT_CREDIT": "lots", "DAYS_BIRTH": None}  # ~50 KB
    r = api.post(f"/api/v1/clients/{ids['train']}/what-if", json=bad)
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)
    assert "AMT_INCOME_TOTAL" in r.json()["detail"] and len(r.content) < 500


def test_oversized_body_is_413_before_it_is_read(api, ids):
    big = json.dumps({"AMT_INCOME_TOTAL": 1, "padding": "x" * 200_000})
    r = api.post(f"/api/v1/clients/{ids['train']}/what-if", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "larger than" in r.json()["detail"]

    def chunks():  # no content-length: refused once the limit is passed
        yield b'{"AMT_INCOME_TOTAL": 1, "padding": "'
        for _ in range(100):
            yield b"x" * 4096
        yield b'"}'

    r = api.post(f"/api/v1/clients/{ids['train']}/what-if", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_openapi_documents_every_route(api):
    spec = api.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/v1/clients",
        "/api/v1/clients/{client_id}",
        "/api/v1/clients/{client_id}/score",
        "/api/v1/clients/{client_id}/explanation",
        "/api/v1/clients/{client_id}/neighbors",
        "/api/v1/clients/{client_id}/what-if",
        "/api/v1/model",
        "/api/v1/model/importance",
        "/healthz",
    } <= paths
    score = spec["paths"]["/api/v1/clients/{client_id}/score"]["get"]["responses"]
    assert {"200", "404", "422"} <= set(score)
    assert "Score" in spec["components"]["schemas"] and "WhatIf" in spec["components"]["schemas"]
    assert api.get("/docs").status_code == 200


def test_dashboard_page_has_a_title_and_no_external_resources(api):
    page = api.get("/", headers={"accept": "text/html"})
    assert page.status_code == 200
    # WCAG 2.4.2: the title is in the HTML as served, not only set later by the page's JavaScript.
    assert "<title>Credit scoring dashboard — Prêt à dépenser</title>" in page.text
    assert int(page.headers["content-length"]) == len(page.content)
    assert "fonts.googleapis" not in page.text and "fonts.gstatic" not in page.text
    config = api.get("/config").json()  # the page sets document.title from here (checked in the browser test)
    assert config["title"] == "Credit scoring dashboard — Prêt à dépenser"
    assert "googleapis" not in json.dumps(config)


# --- authentication ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("users") / "users.json"
    run_scoring("users", "add", "alice", "--password-stdin", env={"SCORING_USERS": str(path)}, input="correct horse battery\n")
    return path


@pytest.fixture(scope="module")
def auth_app(pipeline_warehouse, users_file):
    with in_process(pipeline_warehouse, UserStore(users_file)) as client:
        yield client


def test_users_file_is_private_and_hashed(users_file):
    assert stat.S_IMODE(os.stat(users_file).st_mode) == 0o600
    text = users_file.read_text()
    assert "alice" in text and "correct horse battery" not in text


def test_users_add_needs_the_env_var():
    env = {k: v for k, v in os.environ.items() if k != "SCORING_USERS"}
    proc = run_scoring(
        "users", "add", "bob", "--password-stdin", env={**env, "SCORING_USERS": ""}, input="long enough pw\n", check=False
    )
    assert proc.returncode == 1 and "SCORING_USERS" in proc.stderr


@pytest.mark.parametrize("path", ["/api/v1/model", "/healthz", "/docs", "/openapi.json", "/config", "/gradio_api/info"])
def test_auth_on_every_route_needs_credentials(auth_app, path):
    r = auth_app.get(path)
    assert r.status_code == 401
    assert r.json()["detail"].startswith("authentication required")
    assert r.headers["www-authenticate"].startswith("Basic")


def test_auth_with_basic_credentials(auth_app, ids):
    ok = auth_app.get(f"/api/v1/clients/{ids['train']}/score", auth=("alice", "correct horse battery"))
    assert ok.status_code == 200 and ok.json()["sk_id_curr"] == ids["train"]
    bad = auth_app.get(f"/api/v1/clients/{ids['train']}/score", auth=("alice", "wrong password"))
    assert bad.status_code == 401


def test_auth_login_page_gives_a_session_for_the_dashboard_and_the_api(pipeline_warehouse, users_file):
    with in_process(pipeline_warehouse, UserStore(users_file)) as browser:  # its own cookie jar
        first = browser.get("/", headers={"accept": "text/html"})
        assert first.status_code == 303 and first.headers["location"].startswith("/login")
        login = browser.get(first.headers["location"])
        assert login.status_code == 200 and "<title>Sign in" in login.text
        wrong = browser.post("/login", data={"username": "alice", "password": "nope", "next": "/"})
        assert wrong.status_code == 401
        right = browser.post("/login", data={"username": "alice", "password": "correct horse battery", "next": "/"})
        assert right.status_code == 303 and right.headers["location"] == "/"
        assert browser.get("/", headers={"accept": "text/html"}).status_code == 200
        assert browser.get("/api/v1/model").status_code == 200
        browser.get("/logout")
        assert browser.get("/api/v1/model").status_code == 401


def test_api_alone_in_worker_processes_answers_as_the_app_does(pipeline_warehouse, users_file, api, ids, tmp_path):
    """`scoring api --workers 2`: the same answers as the app `scoring serve` runs, from two processes sharing
    the port; no dashboard and no login page (a session would live in one process): HTTP Basic only."""
    log = tmp_path / "api.log"
    server = start_server(pipeline_warehouse, log, users_file=users_file, command=("api", "--workers", "2"))
    try:
        deadline = time.monotonic() + 60
        while len(set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))) < 2:
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.2)
        with httpx.Client(base_url=server.url, auth=("alice", "correct horse battery"), timeout=60) as http:
            for path in (f"/api/v1/clients/{ids['train']}/explanation", f"/api/v1/clients/{ids['test']}/neighbors"):
                for _ in range(4):  # connections go to either worker
                    assert http.get(path).json() == api.get(path).json()
            assert http.get(f"/api/v1/clients/{ids['unknown']}/score").status_code == 404
            assert http.get("/").status_code == 404 and http.get("/login").status_code == 404
            assert http.get("/docs").status_code == 200
        page = httpx.get(server.url + "/docs", headers={"accept": "text/html"})
        assert page.status_code == 401 and page.headers["www-authenticate"].startswith("Basic")
    finally:
        server.stop()
    assert "Traceback" not in log.read_text()


def test_api_workers_out_of_range_is_one_line():
    proc = run_scoring("api", "--workers", "0", check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: scoring api: argument --workers: between 1 and 64, got 0 (see --help)"


def test_refuses_a_public_address_without_users(pipeline_warehouse):
    env = {k: v for k, v in os.environ.items() if k != "SCORING_USERS"}
    env["SCORING_WAREHOUSE"] = str(pipeline_warehouse)
    proc = run_scoring("serve", "--host", "0.0.0.0", "--port", str(free_port()), env={**env, "SCORING_USERS": ""}, check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --host 0.0.0.0") and "SCORING_USERS" in lines[0]


# --- a rebuild that changes the feature columns before the model is retrained ----------------------


def test_features_rebuilt_before_retraining(warehouse_copy, ids):
    """The model keeps serving the clients it has stored rows for (model.duckdb); for any other it
    answers 503 naming the run and the fix, never a 500."""
    warehouse = warehouse_copy("stale")
    run_id = (warehouse / "models" / "CURRENT").read_text().strip()
    feature = json.loads((warehouse / "models" / run_id / "run.json").read_text())["row_features"][0]  # one the trees use
    con = duckdb.connect(str(warehouse / "scoring.duckdb"))
    try:  # what a rebuild with a renamed feature publishes
        con.execute("alter view client_features rename to client_features_before")
        con.execute(f'create view client_features as select * rename ("{feature}" as "{feature}_v2") from client_features_before')
        other = con.execute(
            "select min(sk_id_curr) from client_features where is_train and sk_id_curr > ?", [ids["train"]]
        ).fetchone()[0]
    finally:
        con.close()
    con = duckdb.connect(str(warehouse / "model.duckdb"))
    try:  # a client the model has no stored row for (e.g. a new application the rebuild added)
        con.execute("delete from client_rows where sk_id_curr = ?", [other])
    finally:
        con.close()
    with in_process(warehouse) as http:
        for path in ("score", "explanation"):
            ok = http.get(f"/api/v1/clients/{ids['train']}/{path}")
            assert ok.status_code == 200 and ok.json()["run_id"] == run_id, ok.text
            stale = http.get(f"/api/v1/clients/{other}/{path}")
            assert stale.status_code == 503, stale.text
            assert stale.json() == {"detail": f"model {run_id} was trained on another feature set; run scoring train"}
        stale = http.post(f"/api/v1/clients/{other}/what-if", json={"AMT_INCOME_TOTAL": 100000})
        assert stale.status_code == 503 and "run scoring train" in stale.json()["detail"]
        assert http.get(f"/api/v1/clients/{other}").status_code == 200
    # The dashboard's pickers follow the published warehouse: the renamed feature is no longer offered,
    # and the group filters are read from the profile mart as it is now.
    service = ScoringService(Settings(warehouse=warehouse))
    offered = {r["feature"] for r in service.comparable_features(limit=1000)}
    assert feature not in offered and offered
    filters = service.population_filters()
    assert set(filters) == {"gender", "age_band", "income_type", "contract_type"} and all(filters.values())
