{#
  Everything engine-specific lives here, behind adapter.dispatch: the models call these macros only.
  The default__ versions are plain SQL where one exists; duckdb__ versions use DuckDB's own syntax,
  spark__ versions Spark SQL's (dbt-spark, target `spark`). Identifiers are quoted with adapter.quote:
  on Spark "COL" is a string literal (dbt-spark turns ANSI mode off), `COL` the column.
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

{# Two relations combined by column name (a column missing on one side is NULL there); `*_columns` are the
   column names of each (the default version lists them, in the first relation's order then the second's rest) #}
{% macro union_by_name(first, first_columns, second, second_columns) %}{{ return(adapter.dispatch('union_by_name', 'scoring')(first, first_columns, second, second_columns)) }}{% endmacro %}
{% macro default__union_by_name(first, first_columns, second, second_columns) %}
  {%- set lowered = {'first': first_columns | map('lower') | list, 'second': second_columns | map('lower') | list} -%}
  {%- set all_columns = first_columns + (second_columns | reject('in', first_columns) | list) -%}
  {%- for side, relation in [('first', first), ('second', second)] %}
select
    {%- for c in all_columns %}
    {{ adapter.quote(c) if c | lower in lowered[side] else 'null' }} as {{ adapter.quote(c) }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ relation }}
{{ 'union all' if side == 'first' }}
  {%- endfor %}
{% endmacro %}
{% macro duckdb__union_by_name(first, first_columns, second, second_columns) %}
select * from {{ first }}
union all by name
select * from {{ second }}
{% endmacro %}

{# The text type in casts: Spark has no varchar without a length #}
{% macro string_type() %}{{ return(adapter.dispatch('string_type', 'scoring')()) }}{% endmacro %}
{% macro default__string_type() %}varchar{% endmacro %}
{% macro spark__string_type() %}string{% endmacro %}

{# A SQL string literal of `value`. Spark escapes with backslashes, and reads 'a''b' as two adjacent literals, "ab" #}
{% macro sql_string(value) %}{{ return(adapter.dispatch('sql_string', 'scoring')(value)) }}{% endmacro %}
{% macro default__sql_string(value) %}'{{ value | string | replace("'", "''") }}'{% endmacro %}
{% macro spark__sql_string(value) %}'{{ value | string | replace('\\', '\\\\') | replace("'", "\\'") }}'{% endmacro %}

{# `expr` with the trailing characters in `characters` removed (Spark's rtrim takes its arguments the other way round) #}
{% macro rtrim_chars(expr, characters) %}{{ return(adapter.dispatch('rtrim_chars', 'scoring')(expr, characters)) }}{% endmacro %}
{% macro default__rtrim_chars(expr, characters) %}rtrim({{ expr }}, {{ characters }}){% endmacro %}
{% macro spark__rtrim_chars(expr, characters) %}trim(trailing {{ characters }} from {{ expr }}){% endmacro %}

{# A text value whose order is the order of `levels` (DuckDB: an ENUM; elsewhere the text itself) #}
{% macro ordered_levels(expr, levels) %}{{ return(adapter.dispatch('ordered_levels', 'scoring')(expr, levels)) }}{% endmacro %}
{% macro default__ordered_levels(expr, levels) %}{{ expr }}{% endmacro %}
{% macro duckdb__ordered_levels(expr, levels) %}cast({{ expr }} as enum({% for v in levels %}'{{ v }}'{{ ', ' if not loop.last }}{% endfor %})){% endmacro %}

{# Lists: the non-NULL values of `exprs` (a list of text), a list's length, a list joined, an empty list of text #}
{% macro non_null_list(exprs) %}{{ return(adapter.dispatch('non_null_list', 'scoring')(exprs)) }}{% endmacro %}
{% macro default__non_null_list(exprs) %}filter(array({{ exprs | join(', ') }}), x -> x is not null){% endmacro %}
{% macro duckdb__non_null_list(exprs) %}list_filter([{{ exprs | join(', ') }}], x -> x is not null){% endmacro %}
{% macro list_length(expr) %}{{ return(adapter.dispatch('list_length', 'scoring')(expr)) }}{% endmacro %}
{% macro default__list_length(expr) %}size({{ expr }}){% endmacro %}
{% macro duckdb__list_length(expr) %}len({{ expr }}){% endmacro %}
{% macro list_join(expr, separator) %}{{ return(adapter.dispatch('list_join', 'scoring')(expr, separator)) }}{% endmacro %}
{% macro default__list_join(expr, separator) %}array_join({{ expr }}, {{ separator }}){% endmacro %}
{% macro duckdb__list_join(expr, separator) %}array_to_string({{ expr }}, {{ separator }}){% endmacro %}
{% macro empty_string_list() %}{{ return(adapter.dispatch('empty_string_list', 'scoring')()) }}{% endmacro %}
{% macro default__empty_string_list() %}cast(array() as array<string>){% endmacro %}
{% macro duckdb__empty_string_list() %}cast([] as varchar[]){% endmacro %}

{# The materialization of the wide marts (client_features: ~670 columns over the per-client tables). DuckDB:
   a view (lookups push the key into each table). Spark: a table, because the Hive metastore truncates a
   view's SQL (51 KB here) at 32,700 characters. #}
{% macro wide_view_materialization() %}{{ return(adapter.dispatch('wide_view_materialization', 'scoring')()) }}{% endmacro %}
{% macro default__wide_view_materialization() %}{{ 'table' if client_features_from_spark() else 'view' }}{% endmacro %}
{% macro spark__wide_view_materialization() %}table{% endmacro %}

{# `scoring build --target spark`, its second step (var marts_from_spark, pipeline/build.py): the DuckDB build
   takes client_features from the Parquet files the Spark build wrote (a table: the files may be replaced)
   instead of aggregating the side tables itself; everything else (applications, policy, table functions,
   client_profile, feature_catalog) is built by DuckDB as always, and the tests run on the result. #}
{% macro client_features_from_spark() %}{{ return(target.type == 'duckdb' and var('marts_from_spark', false) is sameas true) }}{% endmacro %}
{% macro spark_mart(name) %}read_parquet({{ sql_string(env_var('SCORING_WAREHOUSE', 'warehouse') ~ '/spark/marts/' ~ name ~ '/*.parquet') }}){% endmacro %}

{# Column comments: Spark keeps them only on Delta or Hudi tables, whose jars come from Maven (not reachable
   from every machine): the documentation stays on DuckDB's side. #}
{% macro column_comments_supported() %}{{ return(adapter.dispatch('column_comments_supported', 'scoring')()) }}{% endmacro %}
{% macro default__column_comments_supported() %}{{ return(true) }}{% endmacro %}
{% macro spark__column_comments_supported() %}{{ return(false) }}{% endmacro %}

{# on-run-start: make the raw tables readable as source `raw`. DuckDB: raw.duckdb is attached by the profile.
   Spark: schema `raw`, one table over each table's Parquet files, which `scoring build --target spark`
   exports from raw.duckdb into $SCORING_WAREHOUSE/spark/raw/ (pipeline/spark.py); recreated on every run,
   so a new export is read (Spark caches a table's file list). #}
{% macro create_raw_sources() %}{{ return(adapter.dispatch('create_raw_sources', 'scoring')()) }}{% endmacro %}
{% macro default__create_raw_sources() %}select 1{% endmacro %}
{% macro spark__create_raw_sources() %}
  {%- if execute -%}
    {%- set location = env_var('SCORING_WAREHOUSE', 'warehouse') ~ '/spark/raw/' -%}
    {%- do run_query('create schema if not exists raw') -%}
    {%- for node in graph.sources.values() if node.source_name == 'raw' -%}
      {%- do run_query('drop table if exists raw.' ~ node.name) -%}
      {%- do run_query('create table raw.' ~ node.name ~ ' using parquet location ' ~ sql_string(location ~ node.name)) -%}
    {%- endfor -%}
  {%- endif -%}
  select 1
{% endmacro %}

{# A table-valued SQL function over "a relation named by a string" (the what-if endpoint passes a
   registered DataFrame). DuckDB: table macro + query_table. #}
{% macro create_table_function(name, parameter, body) %}{{ return(adapter.dispatch('create_table_function', 'scoring')(name, parameter, body)) }}{% endmacro %}
{#- Spark has no table function over a relation given as an argument (its SQL table functions take scalars):
    none is created; the what-if (an edited application) stays on DuckDB, which serves the app. -#}
{% macro default__create_table_function(name, parameter, body) %}{% endmacro %}
{% macro duckdb__create_table_function(name, parameter, body) %}
create or replace macro {{ name }}({{ parameter }}) as table
{{ body }}
{% endmacro %}

{% macro relation_named_by(parameter) %}{{ return(adapter.dispatch('relation_named_by', 'scoring')(parameter)) }}{% endmacro %}
{% macro default__relation_named_by(parameter) %}{{ parameter }}{% endmacro %}
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
{#- Spark (4.2+: max_by with a count): the same heap of named structs and packed key; the mean of the
    non-NULL values folded with aggregate (Spark has no list average). -#}
{% macro spark__mean_of_latest(fields, field, order_by, n) -%}
{%- set key, tie_break = order_by -%}
aggregate(max_by(named_struct({%- for name, expr in fields.items() %}'{{ name }}', {{ expr }}{{ ', ' if not loop.last }}{% endfor -%}), ({{ key }}) * 10000000000 + ({{ tie_break }}), {{ n }}),
  named_struct('s', cast(0 as double), 'n', 0),
  (acc, x) -> named_struct('s', acc.s + coalesce(cast(x.{{ field }} as double), 0), 'n', acc.n + case when x.{{ field }} is null then 0 else 1 end),
  acc -> acc.s / nullif(acc.n, 0))
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
  {%- do run_query('checkpoint ' ~ database) -%}
  {%- do adapter.store_relation('scoring_warehouse', none, [], build_path, 'duckdb', none) -%}
{% endmacro %}

{#- Spark: the marts the app and `scoring train` read are written as Parquet under
    $SCORING_WAREHOUSE/spark/marts/<name>/; `scoring build --target spark` then publishes them into the DuckDB
    warehouse (pipeline/spark.py). -#}
{% macro spark__publish_build_database(database) %}
  {%- set location = env_var('SCORING_WAREHOUSE', 'warehouse') ~ '/spark/marts/' -%}
  {%- for name in spark_published_marts() -%}
    {%- do run_query('insert overwrite directory ' ~ sql_string(location ~ name) ~ ' using parquet select * from ' ~ target.schema ~ '.' ~ name) -%}
  {%- endfor -%}
{% endmacro %}
{% macro published_location() %}{{ return(adapter.dispatch('published_location', 'scoring')()) }}{% endmacro %}
{% macro default__published_location() %}/scoring.duckdb{% endmacro %}
{% macro spark__published_location() %}/spark/marts (Parquet){% endmacro %}
{% macro spark_published_marts() %}{{ return(['client_features', 'client_profile', 'feature_catalog', 'warehouse_build']) }}{% endmacro %}

{# Every publication says which dbt invocation made it. Spark cannot update a table that is not Delta or
   Hudi: there warehouse_build says the run that built it (every full build does). #}
{% macro stamp_warehouse_build(database) %}{{ return(adapter.dispatch('stamp_warehouse_build', 'scoring')(database)) }}{% endmacro %}
{% macro spark__stamp_warehouse_build(database) %}{% endmacro %}
