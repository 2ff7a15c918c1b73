"""Where the tests find real Kaggle material: the excerpts shipped in tests/fixtures/ (always there),
and the fuller samples of ../shared/data beside the repository (on CI; absent from a fresh clone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
# SCORING_SHARED_DATA points elsewhere, e.g. from a git worktree that does not sit beside ../shared.
SHARED = Path(os.environ.get("SCORING_SHARED_DATA") or REPO.parent / "shared" / "data")


def shared(name: str, why: str) -> Path:
    """A path under ../shared/data, or skip the test saying what it needs beyond the fixtures."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"needs {path} ({why}); the fixtures in tests/fixtures/ are excerpts")
    return path
