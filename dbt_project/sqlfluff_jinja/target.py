"""`target` for sqlfluff's jinja templater: the profile's names (profiles.yml) that the tests render."""

database = "scoring"
schema = "main"
type = "duckdb"
