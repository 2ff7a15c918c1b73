"""Who may use the API and the dashboard: a users file, password hashes, sessions, one ASGI gate.

`SCORING_USERS` names a JSON file `{"users": {NAME: {"algorithm": "scrypt", "salt": HEX, "n": .., "r": ..,
"p": .., "hash": HEX}}}` written by `scoring users add NAME` (mode 0600). When it is set, `AuthGate`
sits in front of the whole FastAPI application, so the REST API, the OpenAPI page and every Gradio route
(page, assets, queue) need either HTTP Basic credentials or the session cookie set by the login page.
Gradio's own `auth=` would only cover Gradio's routes, hence one gate for everything.

Against guessing: failed logins are throttled per account and per address (`Throttle`), an unknown
name costs the same scrypt as a known one, and hashing runs in a small thread pool, never on the event
loop. Sessions live on the server (`Sessions`), so logout and a password change end them. Failed and
refused logins go to the `scoring.security` log, never with the password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import ipaddress
import json
import logging
import math
import os
import secrets
import threading
import time
from collections import OrderedDict
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from kernel.errors import ScoringError
from kernel.settings import USERS_ENV, Settings

SESSION_COOKIE = "scoring_session"
SESSION_SECONDS = 8 * 3600
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
# scrypt cost: ~16 MB and a few tens of ms per check, which is what makes guessing expensive.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# Password checks at once (each a core and 16 MB): the rest wait their turn, the event loop never does.
# One, so that on a 2-core machine guessers from many addresses leave a core to the scoring requests.
HASHING_THREADS = 1
# Throttling: after FAILURES_ALLOWED failures within FAILURE_WINDOW seconds, each attempt waits
# FIRST_DELAY seconds after the last failure, doubling with each further failure up to MAX_DELAY.
FAILURES_ALLOWED = 5
FAILURE_WINDOW = 15 * 60
FIRST_DELAY = 2.0
MAX_DELAY = 60.0

security_log = logging.getLogger("scoring.security")


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
    """The users file, re-read when it changes (a new user or password needs no restart), with checks cached.

    scrypt is slow on purpose; HTTP Basic sends the password on every request, so a successful check
    is remembered (keyed by a keyed hash of name and password, never the password itself). A name not
    in the file is checked against a dummy record, so that it costs the same as a wrong password.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._users: dict[str, dict] = {}
        self._key = secrets.token_bytes(32)
        self._verified: OrderedDict[bytes, str] = OrderedDict()
        self._dummy = hash_password(secrets.token_hex(16))
        self.users()  # fail at start-up, naming the file, not at the first request

    @classmethod
    def from_settings(cls, settings: Settings) -> UserStore | None:
        return cls(settings.users_file) if settings.users_file else None

    def users(self) -> dict[str, dict]:
        try:
            st = self.path.stat()
            stamp = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp or stamp is None:
                try:
                    self._users = read_users(self.path)
                except ScoringError as exc:
                    if self._stamp is None and not self._users:
                        raise  # start-up: the operator sees the path
                    # Serving: the path goes to the server log, not to whoever is at the login page.
                    security_log.error("users file: %s", exc)
                    raise ScoringError("users file: cannot be read; the server log has the details") from None
                self._stamp = stamp
                self._verified.clear()
            return self._users

    def exists(self, name: str) -> bool:
        return name in self.users()

    def fingerprint(self, name: str) -> str | None:
        """Changes when the user's password does (new salt and hash); None once the user is gone."""
        record = self.users().get(name)
        if record is None:
            return None
        return hmac.new(self._key, f"{record.get('salt')}\0{record.get('hash')}".encode(), hashlib.sha256).hexdigest()

    def verify(self, name: str, password: str) -> bool:
        """Blocking (scrypt): call it from a worker thread."""
        record = self.users().get(name)
        if record is None:
            verify_password(password, self._dummy)  # same work as for a known name: names cannot be told apart
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


# --- throttling ------------------------------------------------------------------------------------


class Throttle:
    """Failed logins per key (an account, an address): after FAILURES_ALLOWED within FAILURE_WINDOW,
    the next attempt must wait FIRST_DELAY s after the last failure, doubling up to MAX_DELAY; a success
    clears the key. Attempts refused while waiting do not count (nothing was checked). Bounded memory:
    the least recently failed keys are forgotten first."""

    def __init__(self, clock=time.monotonic, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._lock = threading.Lock()
        self._failures: OrderedDict[tuple[str, str], list[float]] = OrderedDict()

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        times = [t for t in self._failures.get(key, ()) if now - t < FAILURE_WINDOW]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def wait(self, keys) -> float:
        """Seconds before another attempt on any of `keys` is allowed (0: now)."""
        now = self._clock()
        longest = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= FAILURES_ALLOWED:
                    delay = min(FIRST_DELAY * 2 ** (len(times) - FAILURES_ALLOWED), MAX_DELAY)
                    longest = max(longest, times[-1] + delay - now)
        return longest

    def failed(self, keys) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                # Failures past the point where the delay stops growing need not be kept.
                times = [*self._recent(key, now), now][-FAILURES_ALLOWED - 8 :]
                self._failures[key] = times
                self._failures.move_to_end(key)
            while len(self._failures) > self._max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, keys) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def _printable(text: str, limit: int = 64) -> str:
    """A user-typed value fit for one log line: quoted, escaped, cut."""
    return json.dumps(text[:limit] + ("…" if len(text) > limit else ""))


class Authenticator:
    """Checks a name and password for the login form and for HTTP Basic alike: throttled, hashed in a
    thread pool, failures logged."""

    def __init__(self, store: UserStore, throttle: Throttle | None = None, failure_delay: float = 1.0) -> None:
        self.store = store
        self.throttle = throttle or Throttle()
        # A failed or throttled attempt is answered after this pause (a sleep, no thread held): a guesser
        # waiting for each answer is slowed to about one try a second, and a flood of cheap 429s is not.
        self.failure_delay = failure_delay
        self._limiter: anyio.CapacityLimiter | None = None

    async def check(self, name: str, password: str, client: str, via: str) -> tuple[bool, int]:
        """(True, 0) for a match, (False, 0) for a failure, (False, seconds) while throttled."""
        keys = (("user", name[:256]), ("address", client))
        wait = self.throttle.wait(keys)
        if wait > 0:
            seconds = math.ceil(wait)
            security_log.warning(
                "login throttled: user=%s client=%s via=%s retry_after=%ds", _printable(name), client, via, seconds
            )
            await anyio.sleep(self.failure_delay)
            return False, seconds
        if self._limiter is None:  # created on the event loop that uses it
            self._limiter = anyio.CapacityLimiter(HASHING_THREADS)
        if await anyio.to_thread.run_sync(self.store.verify, name, password, limiter=self._limiter):
            self.throttle.succeeded(keys)
            return True, 0
        self.throttle.failed(keys)
        reason = "wrong password" if self.store.exists(name) else "unknown user"
        security_log.warning("login failed: user=%s client=%s via=%s reason=%s", _printable(name), client, via, reason)
        await anyio.sleep(self.failure_delay)
        return False, 0


# --- sessions --------------------------------------------------------------------------------------


class Sessions:
    """Server-side sessions: the cookie is a random id, the server keeps its user, expiry and the user's
    password fingerprint. Logout forgets the id; a changed password (a new record in the users file) no
    longer matches the fingerprint, so every earlier session of that user ends. In memory: a restart logs
    everyone out."""

    def __init__(self, seconds: int = SESSION_SECONDS, max_sessions: int = 10_000) -> None:
        self.seconds = seconds
        self._max = max_sessions
        self._lock = threading.Lock()
        # keyed by a hash of the id, so that a lookup's timing says nothing about the ids held
        self._by_id: OrderedDict[bytes, tuple[str, float, str]] = OrderedDict()

    @staticmethod
    def _key(cookie: str) -> bytes:
        return hashlib.sha256(cookie.strip('"').encode("utf-8", "replace")).digest()

    def issue(self, name: str, fingerprint: str) -> str:
        cookie = secrets.token_urlsafe(32)
        now = time.time()
        with self._lock:
            for key in [k for k, (_, expiry, _) in self._by_id.items() if expiry < now]:
                del self._by_id[key]
            self._by_id[self._key(cookie)] = (name, now + self.seconds, fingerprint)
            while len(self._by_id) > self._max:
                self._by_id.popitem(last=False)
        return cookie

    def lookup(self, cookie: str) -> tuple[str, str] | None:
        """(user, password fingerprint at login) of a live session."""
        with self._lock:
            hit = self._by_id.get(self._key(cookie))
        if hit is None or hit[1] < time.time():
            return None
        return hit[0], hit[2]

    def revoke(self, cookie: str) -> None:
        with self._lock:
            self._by_id.pop(self._key(cookie), None)


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


def client_address(scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "-"


def safe_next(target: str | None) -> str:
    """Only local paths: the login form must not become an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "") if not parts.netloc else "/"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


class ProxyHeaders:
    """Pure ASGI middleware: when the peer is one of the configured proxies (addresses or networks), the
    request's scheme and client address are taken from its X-Forwarded-Proto and X-Forwarded-For
    (the nearest address not itself a proxy); from anyone else those headers are ignored."""

    def __init__(self, app, proxies: tuple[str, ...]) -> None:
        self.app = app
        self.networks = [ipaddress.ip_network(p, strict=False) for p in proxies]

    def trusted(self, address: str) -> bool:
        return _is_ip(address) and any(ipaddress.ip_address(address.strip("[]")) in net for net in self.networks)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket") and self.networks and self.trusted(client_address(scope)):
            headers = _headers(scope)
            proto = headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                scope["scheme"] = ("wss" if proto == "https" else "ws") if scope["type"] == "websocket" else proto
            hops = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
            while hops and self.trusted(hops[-1]):
                hops.pop()
            if hops and _is_ip(hops[-1]):  # anything else is not an address to throttle or log
                scope["client"] = (hops[-1].strip("[]"), 0)
        await self.app(scope, receive, send)


def host_name(header: str) -> str:
    """`Host:` without the port, lower case: "[::1]:7860" -> "::1", "LocalHost.:80" -> "localhost"."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else ""
    return header.rsplit(":", 1)[0].rstrip(".") if header.count(":") == 1 else header.rstrip(".")


class HostAllowList:
    """Pure ASGI middleware: a request naming another host is refused (400) before anything else runs,
    so that a page on evil.example that re-resolves its name to 127.0.0.1 cannot read the API."""

    def __init__(self, app, hosts: tuple[str, ...]) -> None:
        self.app = app
        self.hosts = {host_name(h) for h in hosts}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket") or "*" in self.hosts:
            await self.app(scope, receive, send)
            return
        if host_name(_headers(scope).get("host", "")) in self.hosts:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            body = json.dumps({"detail": "Host header: not a name this server answers to"}).encode()
            await _send(send, 400, body, [(b"content-type", b"application/json")])


class AuthGate:
    """Pure ASGI middleware (Gradio streams server-sent events, which BaseHTTPMiddleware would buffer).

    Lets a request through with a live session cookie or HTTP Basic credentials, and records the user
    in `scope["state"]["user"]`. Otherwise: browsers asking for a page are sent to the login page,
    everything else gets a JSON 401 with a Basic challenge (429 with Retry-After while throttled).
    """

    def __init__(self, app, auth: Authenticator, sessions: Sessions, login_page: bool = True) -> None:
        self.app = app
        self.auth = auth
        self.sessions = sessions
        self.login_page = login_page  # False (the API alone): a browser gets the Basic challenge, not /login

    def session_user(self, headers: dict[str, str]) -> str | None:
        cookie = _cookies(headers.get("cookie", "")).get(SESSION_COOKIE)
        hit = self.sessions.lookup(cookie) if cookie else None
        if hit is None:
            return None
        name, fingerprint = hit
        current = self.auth.store.fingerprint(name)
        return name if current is not None and hmac.compare_digest(current, fingerprint) else None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in (LOGIN_PATH, LOGOUT_PATH):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        user, wait = self.session_user(headers), 0
        auth = headers.get("authorization", "")
        if user is None and auth[:6].lower() == "basic ":
            try:
                name, _, password = base64.b64decode(auth[6:].strip(), validate=True).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                name, password = "", ""
            ok, wait = await self.auth.check(name, password, client_address(scope), "basic")
            user = name if ok else None
        if user is not None:
            scope.setdefault("state", {})["user"] = user
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if wait:
            body = json.dumps({"detail": f"too many failed sign-ins; retry in {wait} s"}).encode()
            await _send(send, 429, body, [(b"content-type", b"application/json"), (b"retry-after", str(wait).encode())])
            return
        wants_page = self.login_page and scope["method"] == "GET" and "text/html" in headers.get("accept", "")
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


def login_router(auth: Authenticator, sessions: Sessions):
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
        ok, wait = await auth.check(name, password, client_address(request.scope), "form")
        if wait:
            page = login_page(target, f"Too many failed sign-ins. Try again in {wait} seconds.")
            return HTMLResponse(page, status_code=429, headers={"Retry-After": str(wait)})
        fingerprint = auth.store.fingerprint(name) if ok else None
        if fingerprint is None:
            return HTMLResponse(login_page(target, "Unknown user name or wrong password."), status_code=401)
        request.scope.setdefault("state", {})["user"] = name
        response = RedirectResponse(target, status_code=303)
        # The scheme is https when the connection was, or a configured proxy says it was (ProxyHeaders).
        secure = request.url.scheme == "https"
        response.set_cookie(
            SESSION_COOKIE,
            sessions.issue(name, fingerprint),
            max_age=sessions.seconds,
            httponly=True,
            samesite="lax",
            secure=secure,
            path="/",
        )
        return response

    @router.api_route(LOGOUT_PATH, methods=["GET", "POST"])
    def do_logout(request: Request):
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            sessions.revoke(cookie)
        response = RedirectResponse(LOGIN_PATH, status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router
