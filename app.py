"""The app: one FastAPI application serving the REST API under /api/v1 and the Gradio dashboard at /.

    ScoringService (service/scoring_service.py)  <-  REST routes (api/routes.py)
                                           <-  dashboard callbacks (dashboard/ui.py)

Both front ends translate HTTP or UI events into the same service calls. When `SCORING_USERS` names a
users file, one gate (api/security.py) guards every route, Gradio's included; without it the server
only listens on loopback and only answers to loopback host names.

Around the application, outermost first: access log, proxy headers (from configured proxies only),
Host allow-list, the gate, body limits, then the routes.

`scoring api` serves the same API without the dashboard (`api_app`), in several worker processes.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import sys
import threading
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from api.routes import AccessLog, BodyLimit, access_log, api_router, install_error_handlers
from api.security import Authenticator, AuthGate, HostAllowList, ProxyHeaders, Sessions, UserStore, login_router, security_log
from kernel.errors import ScoringError
from kernel.progress import log
from kernel.settings import LOOPBACK_HOSTS, Settings
from service.scoring_service import ScoringService


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


def configure_log(logger: logging.Logger, path: Path | None) -> None:
    """INFO and up to `path` (appended) or stderr; replaces what an earlier app of this process set."""
    for handler in [h for h in logger.handlers if getattr(h, "scoring", False)]:
        logger.removeHandler(handler)
        handler.close()
    handler = logging.FileHandler(path, encoding="utf-8") if path else logging.StreamHandler(sys.stderr)
    handler.scoring = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%S%z"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def create_app(
    settings: Settings, users: UserStore | None = None, service: ScoringService | None = None, dashboard: bool = True
) -> FastAPI:
    """The API (/api/v1, /healthz, /docs) and, with `dashboard`, the Gradio dashboard at / and the login page.
    Without it (`scoring api`): the API alone, which any number of worker processes can serve side by side
    (HTTP Basic only: a session from /login would live in one process)."""
    if dashboard:  # imported here: the API's worker processes never load Gradio (seconds of start-up, ~200 MB each)
        import gradio as gr

        from dashboard.ui import CSS, HEAD, PAGE_TITLE, build_dashboard, theme
    service = service or ScoringService(settings)
    configure_log(access_log, settings.access_log)
    configure_log(security_log, settings.security_log)
    app = FastAPI(
        title="Prêt à dépenser credit scoring API",
        version="1.0",
        description="Scores, explanations and similar clients for credit applications."
        + (" The dashboard is served at `/`." if dashboard else ""),
        docs_url=None,
        redoc_url=None,
    )
    install_api_docs(app)
    install_error_handlers(app)
    # add_middleware wraps what is there: the last added runs first.
    if dashboard:
        app.add_middleware(PageTitle, title=PAGE_TITLE)
    app.add_middleware(BodyLimit)
    app.include_router(api_router(service))
    if users is not None:
        auth, sessions = Authenticator(users, failure_delay=settings.login_failure_delay), Sessions()
        if dashboard:
            app.include_router(login_router(auth, sessions))
        app.add_middleware(AuthGate, auth=auth, sessions=sessions, login_page=dashboard)
    # Without authentication only loopback names: a DNS-rebinding page must not reach the API.
    hosts = settings.allowed_hosts if settings.allowed_hosts is not None else (LOOPBACK_HOSTS if users is None else ("*",))
    app.add_middleware(HostAllowList, hosts=hosts)
    app.add_middleware(ProxyHeaders, proxies=settings.trusted_proxies)
    app.add_middleware(AccessLog)
    # The dashboard warms the explanation path itself (build_dashboard); the API alone asks the service to.
    threading.Thread(target=service.warm, args=(not dashboard,), name="warm-caches", daemon=True).start()
    if not dashboard:
        return app
    blocks = build_dashboard(service)
    blocks.queue(default_concurrency_limit=settings.dashboard_concurrency)
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


def api_app() -> FastAPI:
    """The API alone, built in each of `scoring api`'s worker processes (uvicorn imports it by name), from the
    settings the parent exported to the environment."""
    settings = Settings()
    return create_app(settings, UserStore.from_settings(settings), dashboard=False)


def serve_api(settings: Settings, host: str = "127.0.0.1", port: int = 7861, workers: int = 2) -> None:
    """The REST API alone in `workers` processes sharing one port: a request runs in one Python process at a
    time (the GIL), so integrators' traffic scales with processes; the dashboard stays on `scoring serve`."""
    import uvicorn

    users = UserStore.from_settings(settings)
    check_bind(host, users)
    settings.export_env()
    auth = "on (HTTP Basic)" if users else "off"
    log(f"api: http://{host}:{port}/api/v1 (API), /docs; {workers} worker processes; authentication {auth}")
    uvicorn.run(
        "app:api_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        proxy_headers=False,
        timeout_graceful_shutdown=3,
    )


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    import uvicorn

    users = UserStore.from_settings(settings)
    check_bind(host, users)
    app = create_app(settings, users)
    log(f"serve: http://{host}:{port}/ (dashboard), /api/v1 (API), /docs; authentication {'on' if users else 'off'}")
    # uvicorn's own proxy handling would trust X-Forwarded-* from 127.0.0.1; ProxyHeaders follows SCORING_TRUSTED_PROXIES.
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, proxy_headers=False, timeout_graceful_shutdown=3)
