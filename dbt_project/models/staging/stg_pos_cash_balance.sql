with source as (
    select * from {{ source('raw', 'pos_cash_balance') }}
),

staged as (
    select
    {{- staged_columns(
        'SK_ID_PREV SK_ID_CURR MONTHS_BALANCE CNT_INSTALMENT CNT_INSTALMENT_FUTURE NAME_CONTRACT_STATUS SK_DPD SK_DPD_DEF',
        placeholder_columns=['NAME_CONTRACT_STATUS'],
        integer_columns=['MONTHS_BALANCE', 'CNT_INSTALMENT', 'CNT_INSTALMENT_FUTURE', 'SK_DPD', 'SK_DPD_DEF']) }}
    from source
)

select * from staged
