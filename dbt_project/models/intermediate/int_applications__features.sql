{{ config(materialized='view') }}
-- Every app_* feature, computed on read from the cleaned application table. The same expressions
-- (one Jinja macro) make the warehouse's application_features(rel) table function, which the app's
-- what-if endpoint calls on an edited application, so both give the same values.
with cleaned as (
    select * from {{ ref('int_applications__cleaned') }}
),

features as (
    {{ application_features_from('cleaned') }}
)

select * from features
