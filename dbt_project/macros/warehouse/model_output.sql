{#
  Materialization of the models that read what `scoring train` writes (model.duckdb, attached as
  `model` once it exists): when one of the model tables they select from is missing (no model trained
  yet), the node is skipped, saying why, instead of failing; otherwise it is built as the view (or
  table, `model_output_as='table'`) it is. A view left by an earlier run is dropped on a skip, so the
  published warehouse never holds a view over tables that are not there.
  `scoring train` builds these nodes (tag model_outputs) once it has written its tables.
#}
{% materialization model_output, adapter='duckdb' %}
  {%- set missing = missing_model_tables(model) -%}
  {%- if missing -%}
    {%- set existing = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) -%}
    {%- if existing is not none -%}{%- do adapter.drop_relation(existing) -%}{%- endif -%}
    {%- set why = 'skipped: no model table ' ~ missing | join(', ') ~ ' yet (`scoring train` writes it, then builds this model)' -%}
    {%- do log(this.identifier ~ ': ' ~ why, info=true) -%}
    {%- do store_raw_result(name='main', message='SKIP (no trained model)', code='SKIP', rows_affected='0') -%}
    {{ return({'relations': []}) }}
  {%- elif config.get('model_output_as', 'view') == 'table' -%}
    {{ return(materialization_table_duckdb()) }}
  {%- else -%}
    {{ return(materialization_view_default()) }}
  {%- endif -%}
{% endmaterialization %}

{# The tables of source `model` this node selects from that model.duckdb does not have (all of them
   when no model.duckdb is attached). #}
{% macro missing_model_tables(node) %}
  {%- set wanted = [] -%}
  {%- for source_name, table in node.sources if source_name == 'model' -%}{%- do wanted.append(table) -%}{%- endfor -%}
  {%- set present = run_query(
      "select table_name from duckdb_tables() where database_name = 'model' and schema_name = 'main'"
  ).columns[0].values() -%}
  {{ return(wanted | reject('in', present) | list) }}
{% endmacro %}

{# For the tests of model outputs: true when the tested relation is not in the target (its model was
   skipped, no model trained yet), so the test checks nothing and says so. #}
{% macro output_not_built(model) %}
  {%- if not execute -%}{{ return(false) }}{%- endif -%}
  {%- set relation = adapter.get_relation(database=model.database, schema=model.schema, identifier=model.identifier) -%}
  {%- if relation is none -%}{%- do log(model.identifier ~ ': not built (no trained model), its test checks nothing', info=true) -%}{%- endif -%}
  {{ return(relation is none) }}
{% endmacro %}
