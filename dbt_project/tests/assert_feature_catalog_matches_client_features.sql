-- The catalog and the table agree exactly: same feature columns, same order. Returns every mismatch.
-- The table's columns come from the adapter (information_schema is DuckDB's, Spark has none).
-- depends_on: {{ ref('client_features') }}
{%- set table_columns = [] %}
{%- if execute %}
    {%- for c in adapter.get_columns_in_relation(ref('client_features')) %}
        {%- if c.name | lower not in ('sk_id_curr', 'is_train', 'target') %}{% do table_columns.append((c.name | lower, loop.index - 3)) %}{% endif %}
    {%- endfor %}
{%- endif %}
with table_columns as (
    {%- if table_columns %}
    select * from (values
        {%- for name, position in table_columns %}
        ({{ sql_string(name) }}, {{ position }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as t (feature, position)  -- noqa: AL05
    {%- else %}
    select cast(null as {{ string_type() }}) as feature, 0 as position where false
    {%- endif %}
),

catalog as (
    select feature, position from {{ ref('feature_catalog') }}
)

select
    coalesce(table_columns.feature, catalog.feature) as feature,
    table_columns.position as position_in_table,
    catalog.position as position_in_catalog
from table_columns
full outer join catalog on catalog.feature = table_columns.feature
where table_columns.feature is null
   or catalog.feature is null
   or table_columns.position <> catalog.position
