-- Previous Home Credit applications -> one row per client: all, approved and refused splits, the last
-- year (DAYS_DECISION >= -365), the 3 most recent applications (a top-3 per client in the same GROUP BY
-- pass, no window), and category shares.
with previous as (
    select * from {{ ref('stg_previous_applications') }}
),

enriched as (
    select
        previous.*,
        {{ safe_divide('amt_application', 'amt_credit') }} as application_to_credit_ratio,
        {{ safe_divide('amt_credit', 'amt_goods_price') }} as credit_to_goods_ratio,
        {{ safe_divide('amt_annuity', 'amt_credit') }} as annuity_to_credit_ratio,
        {{ safe_divide('amt_down_payment', 'amt_credit') }} as down_payment_to_credit_ratio,
        {#- revolving loans have CNT_PAYMENT 0: no repayment plan, no rate #}
        {{ safe_divide('amt_annuity * nullif(cnt_payment, 0)', 'amt_credit') }} - 1 as simple_interest_rate,
        days_last_due_1st_version - days_first_due as planned_duration_days,
        days_last_due - days_last_due_1st_version as due_delay_days
    from previous
),

aggregated as (
    select
        sk_id_curr,
        {{- render_features(previous_application_feature_specs()) }}
    from enriched
    group by sk_id_curr
)

select * from aggregated
