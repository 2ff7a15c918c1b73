-- The cleaned applications (stg_applications) stored once, with the train/test flag and the target
-- kept apart: only the columns that features and client_profile read (the _MODE/_MEDI building
-- columns that no feature uses are left out).
-- The one materialised application table: app_* features, labels and client_profile are views over
-- it (row-wise expressions are cheaper to compute on read than to write ~90 M values at full scale).
with applications as (
    select * from {{ ref('stg_applications') }}
),

final as (
    select
        sk_id_curr,
        is_train,
        target,
        {%- for c in application_stored_columns() %}
        {{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    from applications
)

select * from final
