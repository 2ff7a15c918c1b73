-- Every app_* feature, computed by the warehouse's application_features table function: the app's
-- what-if endpoint calls the same function on an edited application.
-- depends_on: {{ ref('stg_applications') }}
with features as (
    select * from {{ target.database }}.main.application_features('{{ ref("stg_applications") }}')
)

select * from features
