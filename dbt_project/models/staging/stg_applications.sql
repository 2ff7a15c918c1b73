-- Train and test applications combined by column name (test has no TARGET), Kaggle column names
-- kept: this is the input contract of the application_clean / application_features table functions.
with train as (
    select *, true as is_train from {{ source('raw', 'application_train') }}
),

test as (
    select *, false as is_train from {{ source('raw', 'application_test') }}
),

combined as (
    {{ union_by_name('select * from train', 'select * from test') }}
)

select * from combined
