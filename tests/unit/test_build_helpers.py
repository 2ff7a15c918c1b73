"""The build's checks that need no dbt run: its refusal without raw tables, its one-line failure messages,
and the generated dbt sources kept up to date with Kaggle's column descriptions."""

from __future__ import annotations

import pytest
from real_data import FIXTURES

from kernel.errors import ScoringError
from kernel.settings import PROJECT_ROOT, Settings
from pipeline.build import build


def test_build_without_raw_tables_is_a_clear_error(tmp_path):
    with pytest.raises(ScoringError, match=r"raw\.duckdb: no raw tables"):
        build(Settings(warehouse=tmp_path / "empty"))


def test_failure_message_is_one_plain_line():
    from pipeline.build import _first_line

    coloured = "\x1b[32mactual\x1b[0m differs from \x1b[31mexpected\x1b[0m:\n\n\x1b[0;1m@@\x1b[0m,sk_id_curr\n-----\n,1"
    assert _first_line(coloured) == "actual differs from expected: | @@,sk_id_curr | ,1"


def test_descriptions_seed_and_sources_are_up_to_date():
    """The seed is Kaggle's cp1252 file as UTF-8 (dbt reads seeds as UTF-8), and _sources.yml is what
    scripts/generate_sources_yml.py makes of it and of kernel/kaggle_schema.py today."""
    import importlib.util

    kaggle = (FIXTURES / "HomeCredit_columns_description.csv").read_bytes().decode("cp1252")
    seed = PROJECT_ROOT / "dbt_project" / "seeds" / "home_credit_columns_description.csv"
    assert seed.read_text(encoding="utf-8") == kaggle
    spec = importlib.util.spec_from_file_location("generate_sources_yml", PROJECT_ROOT / "scripts" / "generate_sources_yml.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.OUT.read_text(encoding="utf-8") == script.render(), "re-run scripts/generate_sources_yml.py"
