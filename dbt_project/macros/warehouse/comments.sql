{#
  post-hook of client_features: every column's YAML description as its comment (duckdb_columns().comment),
  in one batch of statements. dbt's persist_docs sends one statement per column (~12 s for ~670 columns);
  the batch costs about a second, whatever the data's size (a comment is a change of the catalog only).
  Nothing on engines without column comments on views (column_comments_supported).
#}
{% macro comment_columns_from_yaml() %}
  {%- if execute and column_comments_supported() -%}
    {%- set statements = [] -%}
    {%- for name, col in model.columns.items() if col.description -%}
      {%- do statements.append(comment_on_column(this, name, col.description)) -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
  {%- endif -%}
{% endmacro %}

{# One column's comment statement; the text quoted as a SQL literal. #}
{% macro comment_on_column(relation, column, text) -%}
  comment on column {{ relation }}."{{ column }}" is '{{ text | replace("'", "''") }}'
{%- endmacro %}
