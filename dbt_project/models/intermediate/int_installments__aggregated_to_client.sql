-- Instalments (payments already combined per instalment) -> one row per client: lateness, short
-- payments, paid/due ratio and difference, and the last year's instalments.
with instalments as (
    select * from {{ ref('int_installments__payments_to_instalment') }}
),

aggregated as (
    select
        sk_id_curr,
        {{- render_features(installments_feature_specs()) }}
    from instalments
    group by sk_id_curr
)

select * from aggregated
