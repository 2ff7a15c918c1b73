{#
  dbt-spark's seed loader binds each value as '<value>' with no escaping (a quote in a description breaks the
  insert) and an empty cell as the text 'None'. This one writes SQL literals: NULL for an empty cell, text
  escaped by sql_string. (Overrides dbt-spark's macro of the same name: the project's macros come first.)
#}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set types = [] -%}
  {%- for col_name in agate_table.column_names -%}
    {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) -%}
  {%- endfor -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
    {%- set sql -%}
      insert into {{ this.render() }} values
      {%- for row in chunk %}
      ({%- for value in row -%}
        {%- if value is none %}cast(null as {{ types[loop.index0] }})
        {%- elif value is sameas true or value is sameas false %}{{ 'true' if value else 'false' }}
        {%- elif value is number %}cast({{ value }} as {{ types[loop.index0] }})
        {%- else %}cast({{ sql_string(value) }} as {{ types[loop.index0] }}){% endif %}{{ ', ' if not loop.last }}
      {%- endfor -%}){{ ',' if not loop.last }}
      {%- endfor %}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- do statements.append(sql) -%}
  {%- endfor -%}
  {{ return(statements[0]) }}
{% endmacro %}
