{#
  Staging select list: every Kaggle column under its snake_case name; "no date" sentinels
  (365243) become NULL; placeholder levels (XNA, meaning unknown) become NULL; integer_columns
  (whole numbers the raw file writes as floats, `I.` in scoring/kaggle_schema.py) become INTEGER.
#}
{% macro staged_columns(columns, sentinel_columns=[], placeholder_columns=[], integer_columns=[]) -%}
  {%- for c in columns.split() %}
    {%- if c in integer_columns %}
    cast("{{ c }}" as integer) as {{ c | lower }}
    {%- elif c in sentinel_columns %}
    case when "{{ c }}" = 365243 then null else "{{ c }}" end as {{ c | lower }}
    {%- elif c in placeholder_columns %}
    case when "{{ c }}" = 'XNA' then null else "{{ c }}" end as {{ c | lower }}
    {%- else %}
    "{{ c }}" as {{ c | lower }}
    {%- endif %}{{ ',' if not loop.last }}
  {%- endfor %}
{%- endmacro %}
