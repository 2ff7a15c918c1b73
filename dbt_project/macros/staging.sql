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
    {%- set expr = '"' ~ c ~ '"' -%}
    {%- if c in sentinel_columns %}{% set expr = 'case when ' ~ expr ~ ' = 365243 then null else ' ~ expr ~ ' end' %}{% endif -%}
    {%- if c in placeholder_columns %}{% set expr = 'case when ' ~ expr ~ " = 'XNA' then null else " ~ expr ~ ' end' %}{% endif -%}
    {%- if c in integer_columns %}{% set expr = 'cast(' ~ expr ~ ' as integer)' %}{% endif -%}
    {%- do items.append(expr ~ ' as ' ~ (c | lower)) -%}
    {%- if c in flag_columns %}{% do items.append(as_flag('"' ~ c ~ '" = 365243') ~ ' as ' ~ (c | lower) ~ '_is_sentinel') %}{% endif -%}
  {%- endfor %}
  {%- for item in items %}
    {{ item }}{{ ',' if not loop.last }}
  {%- endfor %}
{%- endmacro %}
