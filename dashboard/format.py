"""Readable units for people. The rules live in `service.wording` (shared with the API's
explanation summary); the dashboard imports them from here under its own short names."""

from __future__ import annotations

from service.wording import is_missing, money, number, percent, years

format_value = number

__all__ = ["format_value", "is_missing", "money", "percent", "years"]
