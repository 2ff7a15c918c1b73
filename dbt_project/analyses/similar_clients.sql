-- Which past clients look most like this one, and how did they do? The 20 nearest in the model's
-- neighbour space (client_vectors: the most important features, standardised), as the API's
-- /clients/{id}/neighbors gives them (the service searches the same vectors with a KD-tree).
-- `dbt compile --select similar_clients --vars '{client: 100086}'`. Reads the model outputs, which exist
-- on DuckDB only (not built on Spark).
{{ config(enabled=target.type != 'spark') }}

with me as (
    select vec from {{ ref('client_vectors') }}
    where sk_id_curr = {{ var('client', 100086) }}
)

select
    v.sk_id_curr,
    v.is_train,
    v.target,
    v.probability,
    array_distance(v.vec, me.vec) as distance
from {{ ref('client_vectors') }} as v, me
where v.sk_id_curr <> {{ var('client', 100086) }}
order by distance, v.sk_id_curr
limit 20
