{#
  Everything engine-specific lives here, behind adapter.dispatch: the models call these macros only.
  The default__ versions are plain SQL where one exists; duckdb__ versions use DuckDB's own syntax.
#}

{# a / b, NULL when b is 0 or NULL (DuckDB returns inf for x / 0.0) #}
{% macro safe_divide(numerator, denominator) %}
  {{ return(adapter.dispatch('safe_divide', 'scoring')(numerator, denominator)) }}
{% endmacro %}
{% macro default__safe_divide(numerator, denominator) %}(cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0)){% endmacro %}

{# Sample variance (NULL with fewer than two values) #}
{% macro variance(expr) %}{{ return(adapter.dispatch('variance', 'scoring')(expr)) }}{% endmacro %}
{% macro default__variance(expr) %}var_samp({{ expr }}){% endmacro %}

{# Number of rows where a condition holds #}
{% macro count_where(condition) %}{{ return(adapter.dispatch('count_where', 'scoring')(condition)) }}{% endmacro %}
{% macro default__count_where(condition) %}sum(case when {{ condition }} then 1 else 0 end){% endmacro %}
{#- DuckDB's count_if is NULL, not 0, when the condition is NULL on every row of the group -#}
{% macro duckdb__count_where(condition) %}coalesce(count_if({{ condition }}), 0){% endmacro %}

{# Smallest / largest of several expressions, ignoring NULLs (DuckDB and Postgres least/greatest do) #}
{% macro least_of(exprs) %}{{ return(adapter.dispatch('least_of', 'scoring')(exprs)) }}{% endmacro %}
{% macro default__least_of(exprs) %}least({{ exprs | join(', ') }}){% endmacro %}
{% macro greatest_of(exprs) %}{{ return(adapter.dispatch('greatest_of', 'scoring')(exprs)) }}{% endmacro %}
{% macro default__greatest_of(exprs) %}greatest({{ exprs | join(', ') }}){% endmacro %}

{# Two relations combined by column name (a column missing on one side is NULL there) #}
{% macro union_by_name(first_select, second_select) %}{{ return(adapter.dispatch('union_by_name', 'scoring')(first_select, second_select)) }}{% endmacro %}
{% macro duckdb__union_by_name(first_select, second_select) %}
{{ first_select }}
union all by name
{{ second_select }}
{% endmacro %}

{# A table-valued SQL function over "a relation named by a string" (the what-if endpoint passes a
   registered DataFrame). DuckDB: table macro + query_table. #}
{% macro create_table_function(name, parameter, body) %}{{ return(adapter.dispatch('create_table_function', 'scoring')(name, parameter, body)) }}{% endmacro %}
{% macro duckdb__create_table_function(name, parameter, body) %}
create or replace macro {{ name }}({{ parameter }}) as table
{{ body }}
{% endmacro %}

{% macro relation_named_by(parameter) %}{{ return(adapter.dispatch('relation_named_by', 'scoring')(parameter)) }}{% endmacro %}
{% macro duckdb__relation_named_by(parameter) %}query_table({{ parameter }}){% endmacro %}

{# Integer 0/1 from a boolean condition; NULL stays NULL #}
{% macro as_flag(condition) %}{{ return(adapter.dispatch('as_flag', 'scoring')(condition)) }}{% endmacro %}
{% macro default__as_flag(condition) %}cast(({{ condition }}) as integer){% endmacro %}

{# Aggregate: average of `fields[field]` over the group's `n` latest rows, by `order_by` = [key, tie-break id]
   (so the choice does not depend on row order). `fields` (name -> expression) are all the values one family
   takes from those rows; every feature of the family passes the same `fields`, so the engine keeps one top-n
   per group for all of them. The rows are chosen whatever their values; NULL values among them are then
   ignored, as avg does. DuckDB: one max_by heap of structs in the same GROUP BY pass (identical aggregates
   are computed once; a row_number() window sorted the whole table and cost a join back), the two keys
   packed into one BIGINT (key * 10^10 + id, ids below 10^10): a list key made the model 2.3x slower. #}
{% macro mean_of_latest(fields, field, order_by, n) %}{{ return(adapter.dispatch('mean_of_latest', 'scoring')(fields, field, order_by, n)) }}{% endmacro %}
{% macro duckdb__mean_of_latest(fields, field, order_by, n) -%}
{%- set key, tie_break = order_by -%}
list_avg(list_transform(max_by({ {%- for name, expr in fields.items() %}'{{ name }}': {{ expr }}{{ ', ' if not loop.last }}{% endfor -%} }, ({{ key }}) * 10000000000 + ({{ tie_break }}), {{ n }}), x -> x.{{ field }}))
{%- endmacro %}

{# Standard deviation of a few expressions in one row (sample, NULL with fewer than two non-NULL) #}
{% macro row_stddev(exprs) %}
  {%- set n -%}({% for e in exprs %}(case when {{ e }} is null then 0 else 1 end){{ ' + ' if not loop.last }}{% endfor %}){%- endset -%}
  {%- set s -%}({% for e in exprs %}coalesce({{ e }}, 0){{ ' + ' if not loop.last }}{% endfor %}){%- endset -%}
  {%- set ss -%}({% for e in exprs %}coalesce({{ e }} * {{ e }}, 0){{ ' + ' if not loop.last }}{% endfor %}){%- endset -%}
  case when {{ n }} > 1 then sqrt(greatest(({{ ss }} - {{ s }} * {{ s }} / {{ n }}) / ({{ n }} - 1), 0)) end
{%- endmacro %}

{# on-run-end, once everything passed: make the dbt target the database readers open.
   DuckDB: checkpoint the target (everything is in the file, the write-ahead log is empty), then the
   plugin (pipeline/dbt_plugin.py, alias scoring_warehouse) copies it and renames the copy over the
   published file. dbt-duckdb hands a plugin's `store` the path given here, in Python (a SQL function
   would cost a pandas import). #}
{% macro publish_build_database(database) %}{{ return(adapter.dispatch('publish_build_database', 'scoring')(database)) }}{% endmacro %}
{% macro duckdb__publish_build_database(database) %}
  {%- set build_path = run_query(
      "select path from duckdb_databases() where database_name = '" ~ database ~ "'"
  ).columns[0].values()[0] -%}
  {%- do run_query(checkpoint_database(database)) -%}
  {%- do adapter.store_relation('scoring_warehouse', none, [], build_path, 'duckdb', none) -%}
{% endmacro %}

{# Database-specific CHECKPOINT of the target, before it is published #}
{% macro checkpoint_database(database) %}{{ return(adapter.dispatch('checkpoint_database', 'scoring')(database)) }}{% endmacro %}
{% macro duckdb__checkpoint_database(database) %}checkpoint {{ database }}{% endmacro %}
