{# post-hook of client_features: each feature column carries its catalog label as a column comment,
   so `duckdb_columns()` and `dbt docs` describe all of them (hundreds; not hand-written in YAML). #}
{% macro comment_feature_columns(relation) -%}
  {%- set statements = [] -%}
  {%- for f in all_feature_specs() -%}
    {%- do statements.append("comment on column " ~ relation ~ "." ~ f.name ~ " is '" ~ (f.label ~ ' [' ~ f.source_table ~ ': ' ~ f.aggregation ~ ']') | replace("'", "''") ~ "'") -%}
  {%- endfor -%}
  {{ statements | join(';\n') }}
{%- endmacro %}
