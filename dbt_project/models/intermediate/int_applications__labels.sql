-- The label side of each application, kept apart from every feature: train/test flag and target.
with applications as (
    select * from {{ ref('stg_applications') }}
),

labels as (
    select
        cast("SK_ID_CURR" as bigint) as sk_id_curr,
        is_train,
        cast("TARGET" as integer) as target
    from applications
)

select * from labels
