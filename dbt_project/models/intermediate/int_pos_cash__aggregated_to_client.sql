-- Monthly point-of-sale / cash loan records -> one row per client, with a last-12-months window.
with pos as (
    select * from {{ ref('stg_pos_cash_balance') }}
),

enriched as (
    select
        *,
        1 - {{ safe_divide('cnt_instalment_future', 'cnt_instalment') }} as instalment_progress
    from pos
),

aggregated as (
    select
        sk_id_curr,
        {{- render_features(pos_cash_feature_specs()) }}
    from enriched
    group by sk_id_curr
)

select * from aggregated
