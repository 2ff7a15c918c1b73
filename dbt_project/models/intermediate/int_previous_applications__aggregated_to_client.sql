-- Previous Home Credit applications -> one row per client: all, approved and refused splits, the last
-- year (DAYS_DECISION >= -365), the 3 most recent applications, and category shares.
with previous as (
    select * from {{ ref('stg_previous_applications') }}
),

-- The recency rank on three columns only: a window over all 37 columns would sort them all.
ranked as (
    select
        sk_id_prev,
        {{ row_number_desc('sk_id_curr', 'days_decision') }} as recency_rank
    from previous
),

enriched as (
    select
        previous.*,
        {{ safe_divide('amt_application', 'amt_credit') }} as application_to_credit_ratio,
        {{ safe_divide('amt_credit', 'amt_goods_price') }} as credit_to_goods_ratio,
        {{ safe_divide('amt_annuity', 'amt_credit') }} as annuity_to_credit_ratio,
        {{ safe_divide('amt_down_payment', 'amt_credit') }} as down_payment_to_credit_ratio,
        {{ safe_divide('amt_annuity * cnt_payment', 'amt_credit') }} - 1 as simple_interest_rate,
        days_last_due_1st_version - days_first_due as planned_duration_days,
        days_last_due - days_last_due_1st_version as due_delay_days,
        ranked.recency_rank
    from previous
    inner join ranked on ranked.sk_id_prev = previous.sk_id_prev
),

aggregated as (
    select
        sk_id_curr,
        {{- render_features(previous_application_feature_specs()) }}
    from enriched
    group by sk_id_curr
)

select * from aggregated
