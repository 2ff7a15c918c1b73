"""The app: one FastAPI application serving the REST API under /api/v1 and the Gradio dashboard at /.

    ScoringService (service/scoring_service.py)  <-  REST routes (api/routes.py)
                                           <-  dashboard callbacks (dashboard/ui.py)

Both front ends translate HTTP or UI events into the same service calls. When `SCORING_USERS` names a
users file, one gate (api/security.py) guards every route, Gradio's included; without it the server
only listens on loopback.
"""

from __future__ import annotations

import html
import ipaddress
import os

import gradio as gr
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from api.routes import BodyLimit, api_router, install_error_handlers
from api.security import AuthGate, Sessions, UserStore, login_router
from dashboard.ui import CSS, HEAD, PAGE_TITLE, build_dashboard, theme
from kernel.errors import ScoringError
from kernel.progress import log
from kernel.settings import Settings
from service.scoring_service import ScoringService

# Gradio's queue runs this many dashboard events at once (DuckDB cursors are per thread).
DASHBOARD_CONCURRENCY = int(os.environ.get("SCORING_DASHBOARD_CONCURRENCY", "8"))


class PageTitle:
    """Puts `<title>` into the dashboard's HTML as served (WCAG 2.4.2): Gradio's page template has
    none and sets document.title from /config only once its JavaScript runs."""

    def __init__(self, app, title: str) -> None:
        self.app = app
        self.tag = f"<title>{html.escape(title)}</title>".encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET":
            return await self.app(scope, receive, send)
        start: dict = {}
        body: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    return await send(message)
                start.update(message)
            elif start:
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return None
                page = b"".join(body)
                if b"<title>" not in page and b"<head>" in page:
                    page = page.replace(b"<head>", b"<head>\n\t\t" + self.tag, 1)
                headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                await send({**start, "headers": [*headers, (b"content-length", str(len(page)).encode())]})
                await send({"type": "http.response.body", "body": page})
            else:
                await send(message)

        await self.app(scope, receive, capture)


def create_app(settings: Settings, users: UserStore | None = None, service: ScoringService | None = None) -> FastAPI:
    service = service or ScoringService(settings)
    app = FastAPI(
        title="Prêt à dépenser credit scoring API",
        version="1.0",
        description="Scores, explanations and similar clients for credit applications. The dashboard is served at `/`.",
        docs_url=None,
        redoc_url=None,
    )
    install_api_docs(app)
    install_error_handlers(app)
    app.add_middleware(PageTitle, title=PAGE_TITLE)
    app.add_middleware(BodyLimit)
    app.include_router(api_router(service))
    if users is not None:
        app.include_router(login_router(users, sessions := Sessions()))
        app.add_middleware(AuthGate, store=users, sessions=sessions)
    blocks = build_dashboard(service)
    blocks.queue(default_concurrency_limit=DASHBOARD_CONCURRENCY)
    return gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        theme=theme(),
        css=CSS,
        head=HEAD,
        ssr_mode=False,
        show_error=False,
        footer_links=["api"],
        mcp_server=False,
    )


DOCS_ASSETS = "/docs-assets"
SWAGGER_SCHEMA = "/docs/openapi-3.0.json"


def install_api_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) from assets the app serves itself (the swagger-ui-bundle package),
    so the API's documentation works offline; FastAPI's defaults load them from a CDN (so /redoc, CDN-only, is off)."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger():
        return get_swagger_ui_html(
            openapi_url=SWAGGER_SCHEMA,
            title=f"{app.title} — documentation",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )

    @app.get(SWAGGER_SCHEMA, include_in_schema=False)
    def swagger_schema():
        # The packaged Swagger UI (4.x) refuses the "openapi: 3.1.0" label of FastAPI's schema though it renders
        # the schema itself; /openapi.json stays as it is for every other client.
        return {**app.openapi(), "openapi": "3.0.3"}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, users: UserStore | None) -> None:
    if users is None and not is_loopback(host):
        raise ScoringError(
            f"--host {host}: refusing to serve beyond this machine without authentication; "
            "set SCORING_USERS to a users file (create it with `scoring users add NAME`) or use --host 127.0.0.1"
        )


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    import uvicorn

    users = UserStore.from_env()
    check_bind(host, users)
    app = create_app(settings, users)
    log(f"serve: http://{host}:{port}/ (dashboard), /api/v1 (API), /docs; authentication {'on' if users else 'off'}")
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, timeout_graceful_shutdown=3)
