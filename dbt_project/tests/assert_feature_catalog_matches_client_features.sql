-- The catalog and the table agree exactly: same feature columns, same order. Returns every mismatch.
with table_columns as (
    select column_name as feature, ordinal_position - 3 as position
    from information_schema.columns
    where table_catalog = '{{ target.database }}' and table_schema = '{{ ref("client_features").schema }}'
      and table_name = 'client_features'
      and column_name not in ('sk_id_curr', 'is_train', 'target')
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
