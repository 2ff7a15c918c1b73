"""One typed place for the settings every step shares."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

WAREHOUSE_ENV = "SCORING_WAREHOUSE"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Host names a server without authentication answers to (DNS rebinding: a page on evil.example that
# re-resolves to 127.0.0.1 still sends `Host: evil.example`). `testserver` is what test clients send.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "testserver")


def _env_list(name: str) -> tuple[str, ...] | None:
    value = os.environ.get(name)
    return None if value is None else tuple(v.strip() for v in value.split(",") if v.strip())


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


@dataclass(frozen=True)
class Settings:
    """Where the warehouse lives, how much of the machine DuckDB may use, and what the server trusts."""

    warehouse: Path = field(default_factory=lambda: Path(os.environ.get(WAREHOUSE_ENV, "warehouse")))
    duckdb_threads: int = int(os.environ.get("SCORING_DUCKDB_THREADS", "2"))
    duckdb_memory_limit: str = os.environ.get("SCORING_DUCKDB_MEMORY", "8GB")
    # The server. Host names answered to: None = the loopback names without authentication, any with it;
    # "*" in the list = any. Proxies (addresses or networks) whose X-Forwarded-For/-Proto are believed.
    allowed_hosts: tuple[str, ...] | None = field(default_factory=lambda: _env_list("SCORING_ALLOWED_HOSTS"))
    trusted_proxies: tuple[str, ...] = field(default_factory=lambda: _env_list("SCORING_TRUSTED_PROXIES") or ())
    # Seconds before a failed or throttled login is answered.
    login_failure_delay: float = field(default_factory=lambda: float(os.environ.get("SCORING_LOGIN_FAILURE_DELAY", "1")))
    # One line per request, and failed logins: on stderr unless a file is named.
    access_log: Path | None = field(default_factory=lambda: _env_path("SCORING_ACCESS_LOG"))
    security_log: Path | None = field(default_factory=lambda: _env_path("SCORING_SECURITY_LOG"))

    def __post_init__(self) -> None:
        object.__setattr__(self, "warehouse", Path(self.warehouse).absolute())

    # The files of the warehouse directory (see warehouse/README.md).
    @property
    def raw_db(self) -> Path:
        return self.warehouse / "raw.duckdb"

    @property
    def features_db(self) -> Path:
        return self.warehouse / "scoring.duckdb"

    @property
    def model_db(self) -> Path:
        return self.warehouse / "model.duckdb"

    @property
    def models_dir(self) -> Path:
        return self.warehouse / "models"

    @property
    def build_dir(self) -> Path:
        return self.warehouse / "build"

    def export_env(self) -> None:
        """Make child processes (dbt) and the dbt profile see this warehouse."""
        os.environ[WAREHOUSE_ENV] = str(self.warehouse)
