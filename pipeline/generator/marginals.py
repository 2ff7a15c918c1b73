"""Per-column statistics of the real files (marginals.json) and samplers that reproduce them.

A column is drawn from its marginal through a uniform `u`: passing a correlated `u` (from a latent
risk, or shared between related columns) keeps the marginal while adding the relations we want.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

SENTINEL = 365243  # the real files' "no date" / pensioner value in DAYS_* columns


@dataclass(frozen=True)
class Marginal:
    null_rate: float
    knots_p: np.ndarray | None  # quantile levels (0..1)
    knots_q: np.ndarray | None  # quantile values
    levels: tuple[str, ...]
    shares: np.ndarray | None
    sentinel_share: float
    mean: float | None
    target_rate_by_level: dict[str, float]

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF, piecewise linear between the profile's quantiles (sentinel rows excluded)."""
        return np.interp(u, self.knots_p, self.knots_q)

    def shares_of(self, levels: list[str] | tuple[str, ...]) -> np.ndarray:
        index = {lv: i for i, lv in enumerate(self.levels)}
        s = np.array([self.shares[index[lv]] for lv in levels], dtype=float)
        return s / s.sum()


@lru_cache(maxsize=1)
def _raw() -> dict:
    return json.loads(Path(__file__).with_name("marginals.json").read_text())


def full_scale() -> dict:
    return _raw()["full_scale"]


@cache
def marginal(table: str, column: str) -> Marginal:
    spec = _raw()["tables"][table][column]
    knots_p = knots_q = None
    sentinel_share = float(spec.get("share_365243", 0.0))
    if "quantiles" in spec:
        p = np.array([float(k) for k in spec["quantiles"]])
        q = np.array(list(spec["quantiles"].values()), dtype=float)
        if sentinel_share > 0:
            # The sentinel is the top of the distribution: keep the real values below it, rescaled to 0..1.
            keep = q < SENTINEL
            cap = max(q[keep].max(), 0.0)  # the largest real value below the sentinel
            p = np.append(p[keep], 1.0 - sentinel_share) / (1.0 - sentinel_share)
            q = np.append(q[keep], cap)
            p, idx = np.unique(np.minimum(p, 1.0), return_index=True)
            q = q[idx]
        knots_p, knots_q = p, np.maximum.accumulate(q)
    levels = tuple(spec.get("levels", {}).keys())
    shares = np.array(list(spec["levels"].values()), dtype=float) if levels else None
    if shares is not None:
        shares = np.maximum(shares, 2e-5)  # levels shown as 0.0 in the profile still occur
        shares = shares / shares.sum()
    return Marginal(
        null_rate=float(spec["null_rate"]),
        knots_p=knots_p,
        knots_q=knots_q,
        levels=levels,
        shares=shares,
        sentinel_share=sentinel_share,
        mean=spec.get("mean"),
        target_rate_by_level=spec.get("target_rate_by_level", {}),
    )


def columns(table: str) -> list[str]:
    return list(_raw()["tables"][table])


# ---- samplers: all take an explicit numpy Generator, so every table is reproducible from the seed ----


def draw_codes(rng: np.random.Generator, shares: np.ndarray, n: int, ensure_all: bool = True) -> np.ndarray:
    """Category codes drawn from `shares`; every level appears at least once if n allows it."""
    codes = np.searchsorted(np.cumsum(shares), rng.random(n) * shares.sum(), side="right").clip(0, len(shares) - 1)
    if ensure_all and n >= 4 * len(shares):
        counts = np.bincount(codes, minlength=len(shares))
        missing = np.flatnonzero(counts == 0)
        if len(missing):
            # Overwrite rows of the most common level, so its share barely moves.
            donors = np.flatnonzero(codes == counts.argmax())
            codes[rng.choice(donors, size=len(missing), replace=False)] = missing
    return codes.astype(np.int16)


def from_quantiles(m: Marginal, u: np.ndarray) -> np.ndarray:
    return m.quantile(np.clip(u, 0.0, 1.0))


def normal_to_uniform(z: np.ndarray) -> np.ndarray:
    """Standard normal CDF, vectorised without scipy."""
    from math import sqrt

    return 0.5 * (1.0 + _erf(z / sqrt(2.0)))


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7): plenty for drawing uniforms.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-x * x)
    return sign * y


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def draw_category(f, rng: np.random.Generator, table: str, col: str, n: int, null: np.ndarray | None = None) -> None:
    """Draw `col` of `table` at the profile's level shares (NULL at its null rate, or where `null` says)
    into the frame `f`."""
    m = marginal(table, col)
    codes = draw_codes(rng, m.shares, n)
    if null is None and m.null_rate > 0:
        null = rng.random(n) < m.null_rate
    if null is not None:
        codes[null] = -1
    f.set_category(col, codes, m.levels)


def ensure_every_level(rng: np.random.Generator, codes: np.ndarray, n_levels: int, min_rows: int = 1000) -> None:
    """From `min_rows` rows on, every level appears at least once (the level sets must equal the real ones)."""
    if len(codes) >= min_rows:
        for code in range(n_levels):
            if not (codes == code).any():
                codes[rng.integers(len(codes))] = code
