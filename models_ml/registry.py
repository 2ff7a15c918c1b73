"""The model registry: one directory per run under `models/`, and `models/CURRENT` naming the one in service.

models/<run_id>/model.txt   LightGBM's own text format (loading it runs no code)
models/<run_id>/run.json    features, parameters, data fingerprint, metrics, threshold, costs,
                            calibration breakpoints, neighbour space, fairness, policy rules in force
models/<run_id>/model_card.md  the run's model card (models_ml/model_card.py), from run.json
models/CURRENT              the run id in service, replaced atomically after a successful run
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import lightgbm as lgb

from kernel.errors import ScoringError
from kernel.settings import Settings
from kernel.warehouse import scratch_path

CURRENT = "CURRENT"
MODEL_CARD = "model_card.md"


def new_run_id(fingerprint: str, seed: int, now: datetime | None = None) -> str:
    """Sortable: UTC timestamp first, then a short hash of the data and the seed."""
    now = now or datetime.now(UTC)
    short = hashlib.sha256(f"{fingerprint}:{seed}:{now.isoformat()}".encode()).hexdigest()[:8]
    return f"{now:%Y%m%dT%H%M%S%fZ}-{short}"


def run_dir(settings: Settings, run_id: str) -> Path:
    return settings.models_dir / run_id


def save_run(settings: Settings, run_id: str, booster: lgb.Booster, record: dict, files: dict[str, str] | None = None) -> Path:
    """Write model.txt, run.json and `files` (name -> text) into a scratch directory, then rename it into place."""
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    dest = run_dir(settings, run_id)
    tmp = scratch_path(dest)
    tmp.mkdir()
    try:
        booster.save_model(str(tmp / "model.txt"))
        (tmp / "run.json").write_text(json.dumps(record, indent=1, sort_keys=True, allow_nan=False))
        for name, text in (files or {}).items():
            (tmp / name).write_text(text)
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def set_current(settings: Settings, run_id: str) -> None:
    pointer = settings.models_dir / CURRENT
    tmp = scratch_path(pointer)
    tmp.write_text(run_id + "\n")
    os.replace(tmp, pointer)


def remove_leftovers(settings: Settings) -> list[Path]:
    """What a killed `train` left in models/ (call with the writer lock held): scratch directories and
    pointers, and run directories newer than CURRENT (a run is written just before CURRENT names it)."""
    models = settings.models_dir
    if not models.is_dir():
        return []
    current = current_run_id(settings)
    removed = []
    for entry in models.iterdir():
        scratch = entry.name.startswith(".") and ".tmp" in entry.name
        orphan = entry.is_dir() and not entry.name.startswith(".") and current is not None and entry.name > current
        if scratch or orphan:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def current_run_id(settings: Settings) -> str | None:
    try:
        text = (settings.models_dir / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    return text or None


@dataclass(frozen=True)
class LoadedModel:
    run_id: str
    booster: lgb.Booster
    record: dict

    @property
    def features(self) -> list[str]:
        return self.record["features"]

    @property
    def threshold(self) -> float:
        return float(self.record["threshold"])


def load_run(settings: Settings, run_id: str) -> LoadedModel:
    d = run_dir(settings, run_id)
    try:
        record = json.loads((d / "run.json").read_text())
        booster = lgb.Booster(model_file=str(d / "model.txt"))
    except FileNotFoundError as exc:
        raise ScoringError(f"{d}: model run is incomplete or missing ({exc.filename})") from None
    return LoadedModel(run_id, booster, record)


class ModelCache:
    """The model in service: follows `models/CURRENT`, keeps loaded boosters per run id."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._loaded: dict[str, LoadedModel] = {}
        self._current_path = str(settings.models_dir / CURRENT)
        self._run_id: tuple[tuple, str | None] | None = None  # (CURRENT's stat stamp, its run id)

    def _current_run_id(self) -> str | None:
        """models/CURRENT's run id, read again only when the file changes (a publication replaces it): a stat
        per request instead of an open and a read."""
        try:
            st = os.stat(self._current_path)
        except FileNotFoundError:
            return None
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if self._run_id is None or self._run_id[0] != stamp:
            self._run_id = (stamp, current_run_id(self.settings))
        return self._run_id[1]

    def current(self) -> LoadedModel:
        run_id = self._current_run_id()
        if run_id is None:
            raise ScoringError(f"{self.settings.models_dir / CURRENT}: no model in service; run `scoring train` first")
        with self._lock:
            model = self._loaded.get(run_id)
            if model is None:
                model = load_run(self.settings, run_id)
                # keep the previous one too: requests in flight may still use it
                self._loaded = {k: v for k, v in list(self._loaded.items())[-1:]}
                self._loaded[run_id] = model
            return model
