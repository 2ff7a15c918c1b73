-- client_features has exactly one row per application of stg_applications (train and test), and the
-- same is_train flag (never NULL there): any application missing, extra or duplicated, or with another or
-- a NULL flag, is returned.
with applications as (
    select sk_id_curr, is_train from {{ ref('stg_applications') }}
),

features as (
    select sk_id_curr, is_train, count(*) over (partition by sk_id_curr) as rows_per_client
    from {{ ref('client_features') }}
)

select
    coalesce(applications.sk_id_curr, features.sk_id_curr) as sk_id_curr,
    applications.sk_id_curr is null as extra_in_features,
    features.sk_id_curr is null as missing_in_features,
    features.rows_per_client
from applications
full outer join features on features.sk_id_curr = applications.sk_id_curr
where applications.sk_id_curr is null
   or features.sk_id_curr is null
   or features.rows_per_client > 1
   or features.is_train is distinct from applications.is_train
