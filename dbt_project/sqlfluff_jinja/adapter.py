"""`adapter` for sqlfluff's jinja templater: dispatch as dbt-duckdb resolves it (duckdb__ macro, else default__)."""

from jinja2 import pass_context
from jinja2.utils import missing


@pass_context
def dispatch(context, name, macro_namespace=None):
    for candidate in (f"duckdb__{name}", f"default__{name}"):
        macro = context.resolve_or_missing(candidate)
        if macro is not missing:
            return macro
    raise LookupError(f"no duckdb__{name} or default__{name} macro")


def quote(identifier):
    """dbt-duckdb's identifier quoting."""
    return f'"{identifier}"'
