-- Reads the model outputs, which exist on DuckDB only (not built on Spark).
{{ config(enabled=target.type != 'spark') }}
-- Why was this client refused (or accepted)? Score, decision and principal reasons, strongest first,
-- exactly as the API explains them. `dbt compile --select one_client_reasons --vars '{client: 100086}'`.
select
    s.sk_id_curr,
    s.probability,
    s.decision,
    r.threshold,
    c.rank,
    c.reason,
    c.effect_pp
from {{ ref('client_scores') }} s
join {{ ref('model_runs') }} r using (run_id)
join {{ ref('client_reasons') }} c using (sk_id_curr, run_id)
where s.sk_id_curr = {{ var('client', 100086) }}
order by c.rank
