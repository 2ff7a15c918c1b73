"""The data steps: make the embedded default (`generator/`), ingest raw files, build the features with dbt.

raw files --ingest--> warehouse/raw.duckdb --build (dbt)--> warehouse/scoring.duckdb
"""
