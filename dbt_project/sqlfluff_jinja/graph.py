"""dbt's `graph` at parse time, for sqlfluff: no nodes (the singular test that reads it renders its parse-time form)."""

nodes: dict = {}
