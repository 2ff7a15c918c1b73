"""The REST API: typed HTTP in front of `service.scoring_service.ScoringService`, nothing more.

Routes translate a request into one service call and its result into a response model; errors become
JSON with the right status (404 unknown client, 422 invalid input, 503 no warehouse, 500 without a
trace as a last resort).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Body, FastAPI, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from kernel.errors import ClientNotFound, InvalidField, ScoringError
from service.scoring_service import ScoringService

log = logging.getLogger("scoring.api")
access_log = logging.getLogger("scoring.access")

# A what-if value as sent: strict, so that `true` is refused rather than read as 1.
WhatIfValue = StrictInt | StrictFloat | StrictStr | None
# Request bodies are refused (413) past these sizes before they are read: the API's are a few fields, the
# login form three short ones, the dashboard's (Gradio events: the inputs' values, no uploads) a few KB.
MAX_BODY_BYTES = 64 * 1024
BODY_LIMITS = (("/api/", MAX_BODY_BYTES), ("/login", 16 * 1024))
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
ClientId = Path(..., description="SK_ID_CURR of the application", ge=0, examples=[100002])


# --- response models -------------------------------------------------------------------------------


class Model(BaseModel):
    model_config = ConfigDict(extra="allow")  # the service may add fields; the documented ones are guaranteed


class ErrorBody(BaseModel):
    detail: Any = Field(description="what is wrong, naming the field or the client")


Kind = Literal["new application", "historical client"]


class ClientHit(Model):
    sk_id_curr: int
    is_train: bool
    kind: Kind


class ClientPage(Model):
    query: str
    total: int = Field(description="number of clients whose id starts with the query")
    limit: int
    offset: int
    items: list[ClientHit]


class ClientData(Model):
    sk_id_curr: int
    is_train: bool
    kind: Kind
    application: dict[str, Any] | None = Field(description="raw application fields, Kaggle column names")
    profile: dict[str, Any] = Field(description="descriptive profile in readable units (age in years, amounts)")


class PolicyRule(Model):
    rule_id: str
    text: str = Field(description="the rule in plain language: 'Refused by policy: <text>'")


class Policy(Model):
    refused: bool = Field(description="true when at least one rule of the credit policy fires")
    rules: list[PolicyRule] = Field(description="the rules that fire (empty when none does)")


class Score(Model):
    sk_id_curr: int
    kind: Kind
    probability: float = Field(description="calibrated probability of default (the model's, reported after the policy)")
    raw_score: float = Field(description="the model's raw score (log-odds, before calibration)")
    decision: Literal["accepted", "refused"] = Field(description="the final decision: the credit policy first, then the model")
    decided_by: Literal["policy", "model"]
    model_decision: Literal["accepted", "refused"] = Field(description="the model's own decision at the threshold")
    policy: Policy
    threshold: float = Field(description="threshold in force: refused when probability >= threshold")
    distance_to_threshold: float = Field(description="probability - threshold (negative: accepted)")
    run_id: str


class Contribution(Model):
    feature: str
    label: str
    value: float | None = Field(description="the client's value of the feature")
    contribution: float = Field(description="SHAP contribution to the raw score (log-odds)")


class Rest(Model):
    count: int = Field(description="features not listed one by one")
    contribution: float = Field(description="their summed contribution")


class Reason(Model):
    rank: int = Field(description="1 = the strongest")
    family: str = Field(description="the group of related features that makes one reason (e.g. external scores)")
    sentence: str = Field(description="the reason as said to the client: the client's value and what most clients have")
    effect_pp: float = Field(
        description="percentage points of probability of default the family adds (a refusal) or removes (an acceptance, negative)"
    )
    features: list[str] = Field(description="the family's features that pushed the decision's way, strongest first")
    client_value: str
    typical_value: str


class Explanation(Score):
    base_value: float = Field(description="the model's average raw score; base + contributions + rest = raw_score")
    contributions: list[Contribution] = Field(description="the largest contributions by absolute value")
    rest: Rest
    summary: str = Field(description="one plain-language sentence")
    units: str
    reasons: list[Reason] = Field(
        description="at most four principal reasons: what raised the risk for a refusal, what lowered it for an acceptance"
    )


class Neighbour(Model):
    sk_id_curr: int
    is_train: bool
    distance: float
    outcome: Literal["repaid", "defaulted"] | None = Field(
        description="known outcome of a historical client; null for new applications"
    )
    probability: float = Field(description="the model's probability of default")


class Neighbours(Model):
    sk_id_curr: int
    k: int
    features: list[str] = Field(description="the standardised features the distance is computed on")
    neighbors: list[Neighbour]


class ModelInfo(Model):
    run_id: str
    trained_at: str
    rows: int
    n_features: int
    threshold: float
    costs: dict[str, Any]
    cost_per_client: dict[str, Any]
    metrics: dict[str, Any]
    baselines: dict[str, Any]
    roc_curve: list[dict[str, Any]]
    threshold_curve: list[dict[str, Any]]
    calibration: list[dict[str, Any]]
    fairness: list[dict[str, Any]]


class ModelCard(Model):
    run_id: str
    markdown: str = Field(description="the run's model card (models/<run_id>/model_card.md)")


class Importance(Model):
    feature: str
    label: str
    mean_abs_shap: float
    rank: int


class ChangedFeature(Model):
    feature: str
    before: float | None
    after: float | None


class WhatIf(Model):
    sk_id_curr: int
    changes: dict[str, Any] = Field(description="the edits applied, Kaggle column names")
    current: Explanation
    edited: Explanation
    changed_features: list[ChangedFeature] = Field(description="model features whose value the edits changed")
    probability_change: float


class LoanChange(Model):
    lever: Literal["less credit", "cheaper goods", "longer term"]
    changes: dict[str, float] = Field(description="the application fields changed (Kaggle names) and their new values")
    before: dict[str, float | None] = Field(description="the same fields as they are")
    size: float = Field(description="relative fall of the credit (or of the annuity, for a longer term), 0-1")
    probability: float = Field(description="the calibrated probability of default with the change")


class Counterfactual(Model):
    sk_id_curr: int
    probability: float
    threshold: float
    decision: Literal["accepted", "refused"]
    found: bool = Field(description="a change within the limits gets the application accepted")
    change: LoanChange | None = Field(description="the smallest such change; null when none, or when already accepted")
    candidates_scored: int = Field(0, description="changes tried (0 for an accepted application)")
    sentence: str


class Health(Model):
    status: Literal["ok", "degraded"]
    warehouse: dict[str, Any]
    model_tables: dict[str, Any]
    model: dict[str, Any]


# --- routes ----------------------------------------------------------------------------------------

NOT_FOUND = {404: {"model": ErrorBody, "description": "unknown client"}}
INVALID = {422: {"model": ErrorBody, "description": "invalid field or value"}}
WHAT_IF_EXAMPLE = {"AMT_INCOME_TOTAL": 180000, "AMT_CREDIT": 500000}


def api_router(service: ScoringService) -> APIRouter:
    router = APIRouter()
    v1 = APIRouter(prefix="/api/v1", tags=["scoring"])

    @v1.get("/clients", response_model=ClientPage, responses=INVALID, summary="Search clients by id prefix")
    def clients(
        q: str = Query("", max_length=20, description="the start of an SK_ID_CURR (digits)"),
        limit: int = Query(20, ge=1, le=100),
        offset: int = Query(0, ge=0, le=1_000_000_000),
    ):
        return service.search_clients(q, limit=limit, offset=offset)

    @v1.get("/clients/{client_id}", response_model=ClientData, responses=NOT_FOUND, summary="A client's application and profile")
    def client(client_id: int = ClientId):
        return service.client(client_id)

    @v1.get(
        "/clients/{client_id}/score", response_model=Score, responses=NOT_FOUND, summary="Probability of default and decision"
    )
    def score(client_id: int = ClientId):
        return service.score(client_id)

    @v1.get("/clients/{client_id}/explanation", response_model=Explanation, responses=NOT_FOUND, summary="Local SHAP explanation")
    def explanation(client_id: int = ClientId, top: int = Query(10, ge=1, le=50, description="contributions listed one by one")):
        return service.explanation(client_id, top=top)

    @v1.get("/clients/{client_id}/neighbors", response_model=Neighbours, responses=NOT_FOUND, summary="Similar clients")
    def neighbors(client_id: int = ClientId, k: int = Query(20, ge=1, le=200)):
        return service.neighbors(client_id, k=k)

    @v1.post(
        "/clients/{client_id}/what-if",
        response_model=WhatIf,
        responses={**NOT_FOUND, **INVALID},
        summary="Score an edited application",
    )
    def what_if(
        client_id: int = ClientId,
        changes: dict[str, WhatIfValue] = Body(
            ..., description="application columns (Kaggle names) and their new values", examples=[WHAT_IF_EXAMPLE]
        ),
    ):
        return service.what_if(client_id, changes)

    @v1.get(
        "/clients/{client_id}/counterfactual",
        response_model=Counterfactual,
        responses=NOT_FOUND,
        summary="The smallest change of the loan that would get a refused application accepted",
    )
    def counterfactual(client_id: int = ClientId):
        return service.counterfactual(client_id)

    @v1.get("/model", response_model=ModelInfo, summary="The model in service: metrics, threshold, costs")
    def model():
        return service.model_info()

    @v1.get("/model/card", response_model=ModelCard, summary="The model card of the run in service (Markdown)")
    def model_card():
        return service.model_card()

    @v1.get("/model/importance", response_model=list[Importance], summary="Global feature importance (mean |SHAP|)")
    def importance(limit: int | None = Query(None, ge=1, le=1000)):
        return service.importance(limit=limit)

    @router.get(
        "/healthz",
        response_model=Health,
        tags=["health"],
        responses={503: {"model": Health, "description": "no model or warehouse"}},
        summary="Warehouse and model in service, their build times",
    )
    def healthz(response: Response):
        health = service.health()
        # No file paths in responses: the files are named, the directories stay on the server.
        for part in health.values():
            if isinstance(part, dict):
                part.update({k: redact_paths(v) for k, v in part.items() if k in ("path", "error") and isinstance(v, str)})
        if health["status"] != "ok":
            response.status_code = 503
        return health

    router.include_router(v1)
    return router


# --- errors ----------------------------------------------------------------------------------------


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return JSONResponse({"detail": validation_message(exc.errors())}, status_code=422)

    @app.exception_handler(ClientNotFound)
    async def not_found(request: Request, exc: ClientNotFound):
        return JSONResponse({"detail": _message(exc)}, status_code=404)

    @app.exception_handler(InvalidField)
    async def invalid(request: Request, exc: InvalidField):
        return JSONResponse({"detail": _message(exc)}, status_code=422)

    @app.exception_handler(ScoringError)
    async def unavailable(request: Request, exc: ScoringError):
        log.error("%s %s: %s", request.method, request.url.path, exc)
        return JSONResponse({"detail": redact_paths(_message(exc))}, status_code=503)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        log.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)


def validation_message(errors: list[dict]) -> str:
    """FastAPI's validation errors as one line naming each bad field (at most three), without echoing
    the request back (the default does, so a large bad body came back larger)."""
    by_field: dict[str, list[str]] = {}
    for err in errors:
        # ("query", "offset") -> offset; ("body", "AMT_CREDIT", "int") -> AMT_CREDIT (a union member's type
        # is not part of the name); ("body",) -> body, the whole body is wrong
        loc = [str(p) for p in err.get("loc", ())] or ["body"]
        by_field.setdefault(loc[1] if len(loc) > 1 else loc[0], []).append(str(err.get("msg", "invalid")))
    parts = []
    for field, messages in list(by_field.items())[:3]:
        text = messages[0] if len(messages) == 1 else "expected a number, a text or null"
        parts.append(f"{field}: {text}")
    more = len(by_field) - 3
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


class BodyLimit:
    """ASGI middleware: a request whose body is over the limit of its path (the first prefix of `limits`
    that matches, else `default`) gets a 413 JSON error, whether it says its length up front or sends
    chunks (then it is refused as soon as the limit is passed)."""

    def __init__(self, app, limits: tuple[tuple[str, int], ...] = BODY_LIMITS, default: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app, self.limits, self.default = app, limits, default

    def limit(self, path: str) -> int:
        return next((size for prefix, size in self.limits if path.startswith(prefix)), self.default)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        max_bytes = self.limit(scope["path"])
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > max_bytes:
            return await self._too_large(scope, send, max_bytes)
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):  # bodies nobody reads
            return await self.app(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # client gone
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > max_bytes:
                return await self._too_large(scope, send, max_bytes)
            if not message.get("more_body"):
                break
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope, send, max_bytes: int) -> None:
        response = JSONResponse({"detail": f"request body: larger than {max_bytes // 1024} KB"}, status_code=413)
        await response(scope, None, send)


class AccessLog:
    """ASGI middleware: one line per request once its response is done, on the `scoring.access` log:
    client, user (set by the gate, "-" without one), method, path (percent-encoded, no query string:
    nothing typed into a form or a header is written), status, duration."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start, status = time.perf_counter(), 500  # an exception before any response is a 500

        async def record(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            client = scope.get("client")
            access_log.info(
                "%s %s %s %s %d %.1fms",
                client[0] if client else "-",
                scope.get("state", {}).get("user", "-"),
                scope["method"],
                quote(scope["path"], safe="/-._~!$&'()*+,;=:@%"),
                status,
                (time.perf_counter() - start) * 1000,
            )


# A file path in an error message (the warehouse, a model run): the client gets its last part only.
_PATH = re.compile(r"(?<![\w.])/(?:[^\s/:'\"()]+/)+([^\s/:'\"()]+)")


def redact_paths(text: str) -> str:
    return _PATH.sub(r"\1", text)


def _message(exc: BaseException) -> str:
    # KeyError's str() quotes its argument; show the plain message.
    return str(exc.args[0]) if exc.args else type(exc).__name__
