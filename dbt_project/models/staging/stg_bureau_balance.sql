with source as (
    select * from {{ source('raw', 'bureau_balance') }}
),

staged as (
    select {{- staged_columns('SK_ID_BUREAU MONTHS_BALANCE STATUS') }}
    from source
)

select * from staged
