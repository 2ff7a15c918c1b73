{{ config(materialized='view') }}
-- The final decision on every scored application: the credit policy first (a rule that fires refuses),
-- then the model at the threshold in force (model.duckdb's client_scores, written by `scoring train`).
-- A view: it follows a new model and a new build of the policy at once. Before any model is trained
-- (no model.duckdb) it is an empty view, and the build says why.
{%- set scores = source('model', 'client_scores') %}
{%- set available = model_scores_available() %}
{%- if execute and not available %}
    {%- do log('final_decision: empty, no model.duckdb with client_scores yet (run `scoring train`, then `scoring build`)', info=true) %}
{%- endif %}
{%- if available %}
with scores as (
    select * from {{ scores }}
),

policy as (
    select * from {{ ref('application_policy') }}
),

final as (
    select
        scores.sk_id_curr,
        scores.is_train,
        case when policy.refused_by_policy then 'refused' else scores.decision end as decision,
        case when policy.refused_by_policy then 'policy' else 'model' end as decided_by,
        coalesce(policy.refused_by_policy, false) as refused_by_policy,
        coalesce(policy.rules_fired, cast([] as varchar[])) as rules_fired,
        policy.policy_text,
        scores.decision as model_decision,
        scores.probability,
        scores.run_id
    from scores
    left join policy on policy.sk_id_curr = scores.sk_id_curr
)

select * from final
{%- else %}
-- depends_on: {{ ref('application_policy') }}
select
    cast(null as bigint) as sk_id_curr,
    cast(null as boolean) as is_train,
    cast(null as varchar) as decision,
    cast(null as varchar) as decided_by,
    cast(null as boolean) as refused_by_policy,
    cast(null as varchar[]) as rules_fired,
    cast(null as varchar) as policy_text,
    cast(null as varchar) as model_decision,
    cast(null as double) as probability,
    cast(null as varchar) as run_id
where false
{%- endif %}
