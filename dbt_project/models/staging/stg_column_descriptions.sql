-- Kaggle's column descriptions with the known errors of the file fixed: SK_BUREAU_ID is spelled
-- SK_ID_BUREAU in the data, 'SK_ID_PREV ' has a trailing space, NFLAG_MICRO_CASH is in no file.
{%- set table, row = adapter.quote('Table'), adapter.quote('Row') %}
with seed as (
    select * from {{ ref('home_credit_columns_description') }}
),

renamed as (
    select
        case
            when {{ table }} = 'application_{train|test}.csv' then 'application'
            else lower(replace({{ table }}, '.csv', ''))
        end as source_table,
        case trim({{ row }}) when 'SK_BUREAU_ID' then 'SK_ID_BUREAU' else trim({{ row }}) end as source_column,
        {{ adapter.quote('Description') }} as description,
        {{ adapter.quote('Special') }} as special
    from seed
    where trim({{ row }}) <> 'NFLAG_MICRO_CASH'
)

select * from renamed
