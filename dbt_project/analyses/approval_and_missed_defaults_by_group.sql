-- Reads the model outputs, which exist on DuckDB only (not built on Spark).
{{ config(enabled=target.type != 'spark') }}
-- Approval rate and missed-default rate (defaulters accepted / defaulters) by group, at the threshold of
-- the run in service, on the out-of-fold decisions of the train applications (a model's decisions on
-- applications it learnt from would flatter it). Change `group_column` to any client_profile column.
{% set group_column = var('group_column', 'income_type') %}
with scored as (
    select p.{{ group_column }} as "group", p.target, s.oof_decision, s.run_id
    from {{ ref('client_scores') }} s
    join {{ ref('client_profile') }} p using (sk_id_curr)
    where s.is_train
)

select
    r.threshold,
    "group",
    count(*) as applications,
    avg(case when oof_decision = 'accepted' then 1.0 else 0.0 end) as approval_rate,
    sum(case when target = 1 and oof_decision = 'accepted' then 1 else 0 end) / nullif(sum(target), 0) as missed_default_rate
from scored
join {{ ref('model_runs') }} r using (run_id)
group by r.threshold, "group"
order by "group" nulls last
