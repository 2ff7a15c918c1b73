{{ config(materialized="view") }}
-- Monthly bureau history summarised per bureau credit (27M rows -> one row per SK_ID_BUREAU), before
-- anything is joined to it. STATUS: C closed, X unknown, 0 on time, 1-5 growing lateness.
with balance as (
    select * from {{ ref('stg_bureau_balance') }}
),

aggregated as (
    select
        sk_id_bureau,
        cast(count(*) as bigint) as months_count,
        min(months_balance) as months_balance_min,
        cast({{ count_where("status in ('1', '2', '3', '4', '5')") }} as bigint) as dpd_months,
        cast({{ count_where("status in ('1', '2', '3', '4', '5') and months_balance >= -12") }} as bigint) as recent_dpd_months,
        max(case when status in ('0', '1', '2', '3', '4', '5') then cast(status as integer) else 0 end) as worst_status
        {%- for s in ['0', '1', '2', '3', '4', '5', 'C', 'X'] %},
        avg(case when status = '{{ s }}' then 1.0 else 0.0 end) as status_{{ s | lower }}_share
        {%- endfor %}
    from balance
    group by sk_id_bureau
)

select * from aggregated
