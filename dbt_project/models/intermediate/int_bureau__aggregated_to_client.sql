-- Bureau credits (with their monthly history summary) -> one row per client: all / active / closed
-- / recent families, category shares and the bb_* history features, in one GROUP BY pass.
with bureau as (
    select * from {{ ref('stg_bureau') }}
),

balance_per_credit as (
    select * from {{ ref('int_bureau_balance__aggregated_to_credit') }}
),

credits as (
    select
        bureau.*,
        bureau.days_credit_enddate - bureau.days_credit as credit_duration_days,
        {{ safe_divide('bureau.amt_credit_sum_debt', 'bureau.amt_credit_sum') }} as debt_to_credit_ratio,
        bureau.days_enddate_fact - bureau.days_credit_enddate as enddate_gap_days,
        coalesce(balance_per_credit.months_count, 0) as bb_months_count,
        balance_per_credit.months_count,
        balance_per_credit.months_balance_min,
        balance_per_credit.dpd_months,
        balance_per_credit.recent_dpd_months,
        balance_per_credit.worst_status
        {%- for s in ['0', '1', '2', '3', '4', '5', 'c', 'x'] %},
        balance_per_credit.status_{{ s }}_share
        {%- endfor %}
    from bureau
    left join balance_per_credit on balance_per_credit.sk_id_bureau = bureau.sk_id_bureau
),

aggregated as (
    select
        sk_id_curr,
        {{- render_features(bureau_feature_specs()) }}
    from credits
    group by sk_id_curr
)

select * from aggregated
