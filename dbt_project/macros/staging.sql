{#
  Staging select list: every Kaggle column under its snake_case name; "no date" sentinels
  (365243) become NULL; placeholder levels (XNA, meaning unknown) become NULL; integer_columns
  (days, months and counts: whole numbers, written as floats when the column has NULLs, `I.` in
  kernel/kaggle_schema.py) become INTEGER: DuckDB's min/max on DOUBLE check for NaN at every row
  and cost 2.5x as much as on INTEGER (BENCHMARKS.md, build). flag_columns: sentinel columns whose
  365243 means something (a credit with no end date is still running) also get `<column>_is_sentinel`.
#}
{% macro staged_columns(columns, sentinel_columns=[], placeholder_columns=[], integer_columns=[], flag_columns=[]) -%}
  {%- set items = [] -%}
  {%- for c in columns.split() %}
    {%- set expr = adapter.quote(c) -%}
    {%- if c in sentinel_columns %}{% set expr = 'case when ' ~ expr ~ ' = 365243 then null else ' ~ expr ~ ' end' %}{% endif -%}
    {%- if c in placeholder_columns %}{% set expr = 'case when ' ~ expr ~ " = 'XNA' then null else " ~ expr ~ ' end' %}{% endif -%}
    {%- if c in integer_columns %}{% set expr = 'cast(' ~ expr ~ ' as integer)' %}{% endif -%}
    {%- do items.append(expr ~ ' as ' ~ (c | lower)) -%}
    {%- if c in flag_columns %}{% do items.append(as_flag(adapter.quote(c) ~ ' = 365243') ~ ' as ' ~ (c | lower) ~ '_is_sentinel') %}{% endif -%}
  {%- endfor %}
  {%- for item in items %}
    {{ item }}{{ ',' if not loop.last }}
  {%- endfor %}
{%- endmacro %}

{#
  post-hook of the staging views: every column that the model's YAML does not describe gets, as its
  comment (duckdb_columns().comment), Kaggle's description of the raw column it comes from (the source's
  YAML, generated from the descriptions seed), so that analysts see what each column means in SQL.
  Nothing on engines without column comments on views (column_comments_supported).
#}
{% macro comment_columns_from_sources() %}
  {%- if execute and column_comments_supported() -%}
    {%- set kaggle = {} -%}
    {%- for source_name, table in model.sources -%}
      {%- for node in graph.sources.values() if node.source_name == source_name and node.name == table -%}
        {%- for name, col in node.columns.items() if col.description -%}
          {%- do kaggle.setdefault(name | lower, col.description) -%}
        {%- endfor -%}
      {%- endfor -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for col in adapter.get_columns_in_relation(this) -%}
      {%- set documented = model.columns.get(col.name) -%}
      {%- if not (documented and documented.description) and col.name in kaggle -%}
        {%- do statements.append(comment_on_column(this, col.name, kaggle[col.name])) -%}
      {%- endif -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
  {%- endif -%}
{% endmacro %}
