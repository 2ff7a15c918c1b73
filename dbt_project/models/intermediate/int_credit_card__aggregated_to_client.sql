-- Monthly credit card records -> one row per client: utilisation, drawings, payments, days past due,
-- with a last-12-months window.
with cards as (
    select * from {{ ref('stg_credit_card_balance') }}
),

enriched as (
    select
        *,
        {{ safe_divide('amt_balance', 'amt_credit_limit_actual') }} as utilisation,
        {{ safe_divide('amt_drawings_current', 'amt_credit_limit_actual') }} as drawings_to_limit_ratio,
        {{ safe_divide('amt_payment_current', 'amt_inst_min_regularity') }} as payment_to_minimum_ratio
    from cards
),

aggregated as (
    select
        sk_id_curr,
        {{- render_features(credit_card_feature_specs()) }}
    from enriched
    group by sk_id_curr
)

select * from aggregated
