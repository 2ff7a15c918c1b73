{{ config(materialized="view") }}
-- Payment rows -> one row per due instalment. An instalment paid in several parts has several rows:
-- the amounts add up, and the instalment is late if its last payment came after the due date.
with payments as (
    select * from {{ ref('stg_installments_payments') }}
),

instalments as (
    select
        sk_id_curr,
        sk_id_prev,
        num_instalment_version,
        num_instalment_number,
        max(days_instalment) as days_instalment,
        max(amt_instalment) as amt_instalment,
        sum(amt_payment) as amt_paid,
        max(days_entry_payment) as days_last_payment,
        cast(count(amt_payment) as bigint) as payment_rows
    from payments
    group by sk_id_curr, sk_id_prev, num_instalment_version, num_instalment_number
),

final as (
    select
        *,
        -- An instalment with no payment is late by the days from its due date to the application
        -- (day 0), and was not paid before its due date (NULL: nothing to count).
        {{ greatest_of(['coalesce(days_last_payment, 0) - days_instalment', '0']) }} as days_past_due,
        case
            when days_last_payment is not null then {{ greatest_of(['days_instalment - days_last_payment', '0']) }}
        end as days_before_due,
        {{ safe_divide('coalesce(amt_paid, 0)', 'amt_instalment') }} as paid_ratio,
        amt_instalment - coalesce(amt_paid, 0) as paid_diff
    from instalments
)

select * from final
