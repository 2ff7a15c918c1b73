"""kernel/settings.py: every SCORING_* variable is read when a Settings is made, with one default each."""

import os
import re
from pathlib import Path

from kernel.settings import (
    BUILD_MEMORY_ENV,
    CONCURRENCY_ENV,
    DEFAULTS,
    MEMORY_ENV,
    PROJECT_ROOT,
    THREADS_ENV,
    USERS_ENV,
    WAREHOUSE_ENV,
    Settings,
)

# The application's code and dbt files (tests and benchmarks may name variables of their own).
APP_SOURCES = ["kernel", "pipeline", "models_ml", "service", "api", "dashboard", "scoring", "dbt_project"]
APP_FILES = ["app.py", "profiles.yml", "dbt_project.yml"]


def _sources() -> list[Path]:
    files = [PROJECT_ROOT / f for f in APP_FILES]
    for d in APP_SOURCES:
        files += [p for p in (PROJECT_ROOT / d).rglob("*") if p.suffix in (".py", ".sql", ".yml")]
    return files


def test_a_settings_made_after_the_environment_changed_sees_the_change(monkeypatch, tmp_path):
    before = Settings()
    monkeypatch.setenv(WAREHOUSE_ENV, str(tmp_path / "wh"))
    monkeypatch.setenv(THREADS_ENV, "5")
    monkeypatch.setenv(MEMORY_ENV, "3GB")
    monkeypatch.setenv(BUILD_MEMORY_ENV, "1500MB")
    monkeypatch.setenv(USERS_ENV, str(tmp_path / "users.json"))
    monkeypatch.setenv(CONCURRENCY_ENV, "3")
    after = Settings()
    assert after.warehouse == tmp_path / "wh"
    assert after.duckdb_threads == 5 and after.duckdb_memory_limit == "3GB" and after.build_memory_limit == "1500MB"
    assert after.users_file == tmp_path / "users.json" and after.dashboard_concurrency == 3
    assert before != after  # the earlier one keeps what it read


def test_defaults_when_nothing_is_set(monkeypatch, tmp_path):
    for name in DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert s.warehouse == tmp_path / "warehouse"
    assert (s.duckdb_threads, s.duckdb_memory_limit, s.build_memory_limit, s.users_file, s.dashboard_concurrency) == (
        2,
        "8GB",
        "2GB",
        None,
        8,
    )
    monkeypatch.setenv(USERS_ENV, "  ")  # blank: no users file, as when unset
    assert Settings().users_file is None


def test_explicit_values_win_and_export_env_hands_them_to_dbt(monkeypatch, tmp_path):
    for name in DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    s = Settings(warehouse=tmp_path, duckdb_threads=1, duckdb_memory_limit="1GB", build_memory_limit="512MB")
    s.export_env()
    assert os.environ[WAREHOUSE_ENV] == str(tmp_path)
    assert os.environ[THREADS_ENV] == "1" and os.environ[MEMORY_ENV] == "1GB" and os.environ[BUILD_MEMORY_ENV] == "512MB"


def test_the_dbt_profile_falls_back_to_the_same_defaults():
    profile = (PROJECT_ROOT / "profiles.yml").read_text()
    fallbacks = re.findall(r"env_var\('(SCORING_\w+)', '([^']*)'\)", profile)
    spark = {name for name in DEFAULTS if name.startswith("SCORING_SPARK_")}
    assert {name for name, _ in fallbacks} == {WAREHOUSE_ENV, THREADS_ENV, BUILD_MEMORY_ENV, *spark}
    for name, default in fallbacks:
        assert default == DEFAULTS[name], name


def test_every_scoring_variable_is_listed_in_settings_and_read_only_there():
    named, read_elsewhere = set(), []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(r"\bSCORING_[A-Z_]+\b", text))
        if path.suffix == ".py" and path.name != "settings.py" and re.search(r"environ[^\n]*SCORING_", text):
            read_elsewhere.append(path.relative_to(PROJECT_ROOT))
    assert named <= set(DEFAULTS), named - set(DEFAULTS)
    assert read_elsewhere == []
