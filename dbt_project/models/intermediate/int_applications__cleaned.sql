{{ config(materialized="view") }}
-- Cleaned application columns (snake_case, sentinels and placeholders to NULL) from the warehouse's
-- own application_clean table function, with the train/test flag and the target kept apart.
with applications as (
    select * from {{ ref('stg_applications') }}
),

cleaned as (
    select * from {{ target.database }}.main.application_clean('{{ ref("stg_applications") }}')
),

final as (
    select
        applications.is_train,
        cast(applications."TARGET" as integer) as target,
        cleaned.*
    from cleaned
    inner join applications on applications."SK_ID_CURR" = cleaned.sk_id_curr
)

select * from final
