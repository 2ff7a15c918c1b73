"""One typed place for the settings every step shares, and for every `SCORING_*` environment variable.

Each variable is read when a `Settings` is made, not when this module is imported, so a `Settings` made
after the environment changed sees the change. `DEFAULTS` holds the only default of each; profiles.yml
falls back to the same values for a bare `dbt build` (tests/unit/test_settings.py checks that), and
`export_env` hands dbt the values in force.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Host names a server without authentication answers to (DNS rebinding: a page on evil.example that
# re-resolves to 127.0.0.1 still sends `Host: evil.example`). `testserver` is what test clients send.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "testserver")

WAREHOUSE_ENV = "SCORING_WAREHOUSE"
THREADS_ENV = "SCORING_DUCKDB_THREADS"
MEMORY_ENV = "SCORING_DUCKDB_MEMORY"
BUILD_MEMORY_ENV = "SCORING_BUILD_MEMORY"
USERS_ENV = "SCORING_USERS"
CONCURRENCY_ENV = "SCORING_DASHBOARD_CONCURRENCY"
ALLOWED_HOSTS_ENV = "SCORING_ALLOWED_HOSTS"
TRUSTED_PROXIES_ENV = "SCORING_TRUSTED_PROXIES"
LOGIN_DELAY_ENV = "SCORING_LOGIN_FAILURE_DELAY"
ACCESS_LOG_ENV = "SCORING_ACCESS_LOG"
SECURITY_LOG_ENV = "SCORING_SECURITY_LOG"
DEBUG_ENV = "SCORING_DEBUG"
CURRENCY_ENV = "SCORING_CURRENCY"
# The dbt target `spark` (profiles.yml; README, "Feature build on Spark"), read by the profile only.
SPARK_METHOD_ENV = "SCORING_SPARK_METHOD"
SPARK_HOST_ENV = "SCORING_SPARK_HOST"
SPARK_PORT_ENV = "SCORING_SPARK_PORT"
SPARK_USER_ENV = "SCORING_SPARK_USER"
SPARK_SCHEMA_ENV = "SCORING_SPARK_SCHEMA"
SPARK_MASTER_ENV = "SCORING_SPARK_MASTER"
SPARK_DRIVER_MEMORY_ENV = "SCORING_SPARK_DRIVER_MEMORY"
SPARK_SHUFFLE_PARTITIONS_ENV = "SCORING_SPARK_SHUFFLE_PARTITIONS"
SPARK_LOG_LEVEL_ENV = "SCORING_SPARK_LOG_LEVEL"
SPARK_EVENT_LOG_ENV = "SCORING_SPARK_EVENT_LOG"

DEFAULTS = {
    WAREHOUSE_ENV: "warehouse",
    THREADS_ENV: "2",
    # The project's own DuckDB connections (ingest, training, serving): training reads the whole mart
    # (full scale: 307,511 x 672 doubles, ~1.65 GB) before any join state.
    MEMORY_ENV: "8GB",
    # dbt's connection (profiles.yml): the full-scale build peaks at ~2.3 GB RSS with it and spills
    # beyond (BENCHMARKS.md, build).
    BUILD_MEMORY_ENV: "2GB",
    USERS_ENV: "",  # no users file: no authentication, and the server listens on loopback only
    CONCURRENCY_ENV: "8",  # dashboard events Gradio's queue runs at once (DuckDB cursors are per thread)
    # Host names answered to, comma-separated ("*" = any); empty: the loopback names without a users
    # file, any host with one.
    ALLOWED_HOSTS_ENV: "",
    TRUSTED_PROXIES_ENV: "",  # proxies (addresses or networks) whose X-Forwarded-For/-Proto are believed
    LOGIN_DELAY_ENV: "1",  # seconds before a failed or throttled login is answered
    ACCESS_LOG_ENV: "",  # one line per request: stderr unless a file is named
    SECURITY_LOG_ENV: "",  # failed and throttled logins: stderr unless a file is named
    CURRENCY_ENV: "€",  # the lender's currency, as the dashboard labels amounts
    DEBUG_ENV: "",  # set (to anything) to see the traceback of an unexpected CLI error
    # Spark: a local session in the process (2 cores at most, the machine's), or a Thrift server of a cluster.
    SPARK_METHOD_ENV: "session",  # session, or thrift / http to a cluster
    SPARK_HOST_ENV: "localhost",
    SPARK_PORT_ENV: "10000",
    SPARK_USER_ENV: "",
    SPARK_SCHEMA_ENV: "main",
    SPARK_MASTER_ENV: "local[2]",
    SPARK_DRIVER_MEMORY_ENV: "2g",
    SPARK_SHUFFLE_PARTITIONS_ENV: "4",  # Spark's default 200 tasks per shuffle cost more than they spread here
    SPARK_LOG_LEVEL_ENV: "ERROR",
    SPARK_EVENT_LOG_ENV: "false",  # true: Spark's event log in spark/events/ (benchmarks/spark.py)
}


def env(name: str) -> str:
    """The value of one of the variables above, or its default."""
    return os.environ.get(name, DEFAULTS[name])


def _path(name: str) -> Path | None:
    value = env(name).strip()
    return Path(value).expanduser().absolute() if value else None


def _names(name: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in env(name).split(",") if v.strip())


@dataclass(frozen=True)
class Settings:
    """Where the warehouse lives, how much of the machine DuckDB may use, who may sign in, how many
    dashboard events run at once, and what the server trusts."""

    warehouse: Path = field(default_factory=lambda: Path(env(WAREHOUSE_ENV)))
    duckdb_threads: int = field(default_factory=lambda: int(env(THREADS_ENV)))
    duckdb_memory_limit: str = field(default_factory=lambda: env(MEMORY_ENV))
    build_memory_limit: str = field(default_factory=lambda: env(BUILD_MEMORY_ENV))
    users_file: Path | None = field(default_factory=lambda: _path(USERS_ENV))
    dashboard_concurrency: int = field(default_factory=lambda: int(env(CONCURRENCY_ENV)))
    # None: the loopback names without a users file, any host with one; "*" in the list = any.
    allowed_hosts: tuple[str, ...] | None = field(default_factory=lambda: _names(ALLOWED_HOSTS_ENV) or None)
    trusted_proxies: tuple[str, ...] = field(default_factory=lambda: _names(TRUSTED_PROXIES_ENV))
    login_failure_delay: float = field(default_factory=lambda: float(env(LOGIN_DELAY_ENV)))
    access_log: Path | None = field(default_factory=lambda: _path(ACCESS_LOG_ENV))
    security_log: Path | None = field(default_factory=lambda: _path(SECURITY_LOG_ENV))
    # The lender's currency, as amounts are labelled on the dashboard.
    currency: str = field(default_factory=lambda: env(CURRENCY_ENV))

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
        """Make child processes and the dbt profile (profiles.yml) see this warehouse and these DuckDB limits."""
        os.environ[WAREHOUSE_ENV] = str(self.warehouse)
        os.environ[THREADS_ENV] = str(self.duckdb_threads)
        os.environ[MEMORY_ENV] = self.duckdb_memory_limit
        os.environ[BUILD_MEMORY_ENV] = self.build_memory_limit
