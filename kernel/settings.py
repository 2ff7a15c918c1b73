"""One typed place for the settings every step shares."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

WAREHOUSE_ENV = "SCORING_WAREHOUSE"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Where the warehouse lives and how much of the machine DuckDB may use."""

    warehouse: Path = field(default_factory=lambda: Path(os.environ.get(WAREHOUSE_ENV, "warehouse")))
    duckdb_threads: int = int(os.environ.get("SCORING_DUCKDB_THREADS", "2"))
    duckdb_memory_limit: str = os.environ.get("SCORING_DUCKDB_MEMORY", "8GB")
    # The lender's currency, as amounts are labelled on the dashboard (read when Settings is built).
    currency: str = field(default_factory=lambda: os.environ.get("SCORING_CURRENCY", "€"))

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
