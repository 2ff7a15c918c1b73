{{ config(materialized='view') }}
-- The label side of each application, kept apart from every feature: train/test flag and target.
with applications as (
    select * from {{ ref('int_applications__cleaned') }}
),

labels as (
    select
        sk_id_curr,
        is_train,
        target
    from applications
)

select * from labels
