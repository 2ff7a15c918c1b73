"""Prêt à dépenser credit scoring: raw Kaggle files -> dbt/DuckDB features -> LightGBM -> API and dashboard."""

import os

# Telemetry off everywhere, before any of these libraries is imported.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


class ScoringError(Exception):
    """An error meant for the user: printed as one line, exit status non-zero."""
