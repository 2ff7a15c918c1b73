"""One conversion of numpy / pandas values into what `json.dumps` writes, for the model's record and
every answer of the service."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pandas as pd


def jsonable(value):
    """Dicts and lists item by item; numpy numbers to Python ones; NaN, infinities, NA and NaT to None
    (JSON has no such numbers); timestamps to ISO text. Anything else is returned as it is."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, datetime):  # pd.Timestamp included
        return value.isoformat()
    return value
