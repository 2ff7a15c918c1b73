"""Who may use the API and the dashboard: a users file, password hashes, sessions, one ASGI gate.

`SCORING_USERS` names a JSON file `{"users": {NAME: {"algorithm": "scrypt", "salt": HEX, "n": .., "r": ..,
"p": .., "hash": HEX}}}` written by `scoring users add NAME` (mode 0600). When it is set, `AuthGate`
sits in front of the whole FastAPI application, so the REST API, the OpenAPI page and every Gradio route
(page, assets, queue) need either HTTP Basic credentials or the session cookie set by the login page.
Gradio's own `auth=` would only cover Gradio's routes, hence one gate for everything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import os
import secrets
import threading
import time
from collections import OrderedDict
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from kernel.errors import ScoringError

USERS_ENV = "SCORING_USERS"
SESSION_COOKIE = "scoring_session"
SESSION_SECONDS = 8 * 3600
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
# scrypt cost: ~16 MB and a few tens of ms per check, which is what makes guessing expensive.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


# --- password hashes -------------------------------------------------------------------------------


def hash_password(password: str, salt: bytes | None = None) -> dict:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, maxmem=64 * 2**20, **SCRYPT)
    return {"algorithm": "scrypt", "salt": salt.hex(), **SCRYPT, "hash": digest.hex()}


def verify_password(password: str, record: dict) -> bool:
    if record.get("algorithm") != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode(),
        salt=bytes.fromhex(record["salt"]),
        n=int(record["n"]),
        r=int(record["r"]),
        p=int(record["p"]),
        dklen=32,
        maxmem=64 * 2**20,
    )
    return hmac.compare_digest(digest.hex(), record["hash"])


# --- the users file --------------------------------------------------------------------------------


def users_path_from_env() -> Path | None:
    value = os.environ.get(USERS_ENV, "").strip()
    return Path(value).expanduser().absolute() if value else None


def read_users(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScoringError(f"{path}: users file ({USERS_ENV}) does not exist; create it with `scoring users add NAME`") from None
    except (OSError, ValueError) as exc:
        raise ScoringError(f"{path}: users file ({USERS_ENV}) is not readable JSON: {exc}") from None
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, dict):
        raise ScoringError(f'{path}: users file ({USERS_ENV}) has no "users" object')
    return users


def validate_name(name: str) -> str:
    if not name or name != name.strip() or ":" in name or any(c.isspace() or not c.isprintable() for c in name):
        raise ScoringError(f"NAME: {name!r} is not a valid user name (no spaces, no colon, not empty)")
    return name


def add_user(path: Path, name: str, password: str) -> None:
    """Add or replace one user; the file is rewritten atomically and stays readable by its owner only."""
    validate_name(name)
    if len(password) < 8:
        raise ScoringError("password: at least 8 characters")
    users = read_users(path) if path.exists() else {}
    users[name] = hash_password(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"users": users}, fh, indent=2, sort_keys=True)
            fh.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class UserStore:
    """The users file, re-read when it changes (a new user needs no restart), with checks cached.

    scrypt is slow on purpose; HTTP Basic sends the password on every request, so a successful check
    is remembered (keyed by a keyed hash of name and password, never the password itself).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._users: dict[str, dict] = {}
        self._key = secrets.token_bytes(32)
        self._verified: OrderedDict[bytes, str] = OrderedDict()
        self.users()  # fail at start-up, not at the first request

    @classmethod
    def from_env(cls) -> UserStore | None:
        path = users_path_from_env()
        return cls(path) if path else None

    def users(self) -> dict[str, dict]:
        try:
            st = self.path.stat()
            stamp = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp or stamp is None:
                self._users = read_users(self.path)
                self._stamp = stamp
                self._verified.clear()
            return self._users

    def exists(self, name: str) -> bool:
        return name in self.users()

    def verify(self, name: str, password: str) -> bool:
        record = self.users().get(name)
        if record is None:
            return False
        key = hmac.new(self._key, f"{name}\0{password}\0{record['hash']}".encode(), hashlib.sha256).digest()
        with self._lock:
            if key in self._verified:
                self._verified.move_to_end(key)
                return True
        if not verify_password(password, record):
            return False
        with self._lock:
            self._verified[key] = name
            while len(self._verified) > 1024:
                self._verified.popitem(last=False)
        return True


# --- sessions --------------------------------------------------------------------------------------


class Sessions:
    """Signed cookies `name.expiry.mac` (name in unpadded base64url, so the value needs no quoting);
    the key lives in memory, so a restart logs everyone out."""

    def __init__(self, key: bytes | None = None, seconds: int = SESSION_SECONDS) -> None:
        self._key = key or secrets.token_bytes(32)
        self.seconds = seconds

    def _mac(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()

    def issue(self, name: str) -> str:
        payload = f"{base64.urlsafe_b64encode(name.encode()).decode().rstrip('=')}.{int(time.time()) + self.seconds}"
        return f"{payload}.{self._mac(payload)}"

    def user(self, cookie: str) -> str | None:
        try:
            b64, expiry, mac = cookie.strip('"').split(".")
            if not hmac.compare_digest(mac, self._mac(f"{b64}.{expiry}")) or int(expiry) < time.time():
                return None
            return base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return None


# --- the gate --------------------------------------------------------------------------------------


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(";"):
        if "=" in part:
            k, v = part.strip().split("=", 1)
            out[k] = v
    return out


def safe_next(target: str | None) -> str:
    """Only local paths: the login form must not become an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "") if not parts.netloc else "/"


class AuthGate:
    """Pure ASGI middleware (Gradio streams server-sent events, which BaseHTTPMiddleware would buffer).

    Lets a request through with a valid session cookie or HTTP Basic credentials, and records the user
    in `scope["state"]["user"]`. Otherwise: browsers asking for a page are sent to the login page,
    everything else gets a JSON 401 with a Basic challenge.
    """

    def __init__(self, app, store: UserStore, sessions: Sessions) -> None:
        self.app = app
        self.store = store
        self.sessions = sessions

    def user_of(self, scope) -> str | None:
        headers = _headers(scope)
        cookie = _cookies(headers.get("cookie", "")).get(SESSION_COOKIE)
        if cookie:
            name = self.sessions.user(cookie)
            if name and self.store.exists(name):
                return name
        auth = headers.get("authorization", "")
        if auth[:6].lower() == "basic ":
            try:
                name, _, password = base64.b64decode(auth[6:].strip()).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
            if self.store.verify(name, password):
                return name
        return None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in (LOGIN_PATH, LOGOUT_PATH):
            await self.app(scope, receive, send)
            return
        user = self.user_of(scope)
        if user is not None:
            scope.setdefault("state", {})["user"] = user
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = _headers(scope)
        wants_page = scope["method"] == "GET" and "text/html" in headers.get("accept", "")
        if wants_page:
            target = scope["path"] + (f"?{scope['query_string'].decode()}" if scope.get("query_string") else "")
            await _send(send, 303, b"", [(b"location", f"{LOGIN_PATH}?next={quote(target)}".encode())])
        else:
            body = json.dumps({"detail": "authentication required: HTTP Basic credentials or a session from /login"}).encode()
            # A page's own script (the dashboard after its session ended) gets no Basic challenge: the browser
            # would hold the request behind a password dialog; a plain 401 lets the page go to the login page.
            from_page = headers.get("sec-fetch-mode", "navigate") != "navigate"
            challenge = [] if from_page else [(b"www-authenticate", b'Basic realm="scoring", charset="UTF-8"')]
            await _send(send, 401, body, [(b"content-type", b"application/json"), *challenge])


async def _send(send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {"type": "http.response.start", "status": status, "headers": headers + [(b"content-length", str(len(body)).encode())]}
    )
    await send({"type": "http.response.body", "body": body})


# --- the login page --------------------------------------------------------------------------------

LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in — Prêt à dépenser credit scoring</title>
<style>
 body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 1rem; color: #1a1a1a;
        background: #f5f5f5; display: flex; justify-content: center; padding-top: 10vh; margin: 0; }}
 main {{ background: #fff; padding: 2rem; border-radius: .5rem; box-shadow: 0 1px 4px #0003; width: min(22rem, 90vw); }}
 label {{ display: block; margin-top: 1rem; font-weight: 600; }}
 input {{ width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; border: 1px solid #595959; border-radius: .25rem; }}
 button {{ margin-top: 1.5rem; width: 100%; padding: .6rem; font-size: 1rem; background: #0060a0; color: #fff;
          border: 0; border-radius: .25rem; cursor: pointer; }}
 .error {{ color: #a4300b; margin-top: 1rem; }}
</style></head>
<body><main>
<h1>Credit scoring</h1>
<p>Sign in to the dashboard and the API.</p>
<form method="post" action="{login}">
 <input type="hidden" name="next" value="{next}">
 <label for="username">User name</label><input id="username" name="username" autocomplete="username" required autofocus>
 <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
 <button type="submit">Sign in</button>
 {error}
</form>
</main></body></html>
"""


def login_page(next_path: str, error: str = "") -> str:
    error_html = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return LOGIN_PAGE.format(login=LOGIN_PATH, next=html.escape(safe_next(next_path), quote=True), error=error_html)


def login_router(store: UserStore, sessions: Sessions):
    """GET/POST /login and POST /logout, as a FastAPI router (kept out of the OpenAPI schema)."""
    router = APIRouter(include_in_schema=False)

    @router.get(LOGIN_PATH, response_class=HTMLResponse)
    def show_login(next: str = "/") -> HTMLResponse:
        return HTMLResponse(login_page(next))

    @router.post(LOGIN_PATH)
    async def do_login(request: Request):
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        name = form.get("username", [""])[0]
        password = form.get("password", [""])[0]
        target = safe_next(form.get("next", ["/"])[0])
        if not store.verify(name, password):
            return HTMLResponse(login_page(target, "Unknown user name or wrong password."), status_code=401)
        response = RedirectResponse(target, status_code=303)
        secure = request.url.scheme == "https"
        response.set_cookie(
            SESSION_COOKIE, sessions.issue(name), max_age=sessions.seconds, httponly=True, samesite="lax", secure=secure, path="/"
        )
        return response

    @router.api_route(LOGOUT_PATH, methods=["GET", "POST"])
    def do_logout():
        response = RedirectResponse(LOGIN_PATH, status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router
