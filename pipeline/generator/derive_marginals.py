"""Rebuild `marginals.json` from the real data's profile (a maintainer's step, not run by the generator).

    .venv/bin/python -m pipeline.generator.derive_marginals ../shared/data/homecredit_profile.json

The generator ships only these statistics (null rates, quantiles, level shares, sentinel shares, default
rates by level), never real rows, so the embedded default works on a machine without the profile.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KEEP = ("null_rate", "dtype", "quantiles", "mean", "levels", "share_365243", "target_rate_by_level")


def derive(profile: dict) -> dict:
    tables = {}
    for table, spec in profile["tables"].items():
        tables[table] = {col: {k: v for k, v in stats.items() if k in KEEP} for col, stats in spec["columns"].items()}
    return {"full_scale": profile["full_scale"], "tables": tables}


if __name__ == "__main__":
    src = Path(sys.argv[1])
    out = Path(__file__).with_name("marginals.json")
    out.write_text(json.dumps(derive(json.loads(src.read_text())), indent=0, sort_keys=True) + "\n")
    print(f"wrote {out}")
