-- Train and test applications combined by column name (test has no TARGET: NULL there), with the
-- train/test flag, then cleaned: typed snake_case columns, DAYS_EMPLOYED 365243 (pensioners,
-- unemployed) -> NULL plus days_employed_is_sentinel, placeholder levels (XNA, Unknown) -> NULL.
-- The cleaning is the SQL of the warehouse's application_clean(rel) table function (same macro), which
-- the app's what-if applies to an edited application in Kaggle's columns.
with train as (
    select *, true as is_train from {{ source('raw', 'application_train') }}
),

test as (
    select *, false as is_train from {{ source('raw', 'application_test') }}
),

combined as (
    {{ union_by_name('train', application_raw_columns() + ['TARGET', 'is_train'],
                     'test', application_raw_columns() + ['is_train']) }}
),

cleaned as (
    {{ application_clean_select('combined', keep=['is_train', 'cast(' ~ adapter.quote('TARGET') ~ ' as integer) as target']) }}
)

select * from cleaned
