-- Kaggle's column descriptions with the known errors of the file fixed: SK_BUREAU_ID is spelled
-- SK_ID_BUREAU in the data, 'SK_ID_PREV ' has a trailing space, NFLAG_MICRO_CASH is in no file.
with seed as (
    select * from {{ ref('home_credit_columns_description') }}
),

renamed as (
    select
        case
            when "Table" = 'application_{train|test}.csv' then 'application'
            else lower(replace("Table", '.csv', ''))
        end as source_table,
        case trim("Row") when 'SK_BUREAU_ID' then 'SK_ID_BUREAU' else trim("Row") end as source_column,
        "Description" as description,
        "Special" as special
    from seed
    where trim("Row") <> 'NFLAG_MICRO_CASH'
)

select * from renamed
