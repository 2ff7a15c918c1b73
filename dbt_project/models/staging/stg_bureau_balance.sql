with source as (
    select * from {{ source('raw', 'bureau_balance') }}
),

staged as (
    select {{- staged_columns('SK_ID_BUREAU MONTHS_BALANCE STATUS', integer_columns=['MONTHS_BALANCE']) }}
    from source
)

select * from staged
