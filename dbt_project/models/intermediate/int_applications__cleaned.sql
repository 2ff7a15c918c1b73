-- Cleaned application columns (snake_case, sentinels and placeholders to NULL), with the train/test
-- flag and the target kept apart. The cleaning is the SQL of the warehouse's application_clean table
-- function (same macro), applied here to the combined applications in one pass.
-- The one materialised application table: app_* features, labels and client_profile are views over
-- it (row-wise expressions are cheaper to compute on read than to write ~90 M values at full scale).
with applications as (
    select * from {{ ref('stg_applications') }}
),

cleaned as (
    {{ application_clean_select('applications', keep=['is_train', 'cast("TARGET" as integer) as target']) }}
),

final as (
    select
        sk_id_curr,
        is_train,
        target,
        {%- for c in application_stored_columns() %}
        {{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
    from cleaned
)

select * from final
