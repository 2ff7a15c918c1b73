"""`run_started_at` for sqlfluff's jinja templater: a fixed time in place of dbt's datetime."""

from datetime import datetime


def strftime(fmt):
    return datetime(2000, 1, 1).strftime(fmt)
