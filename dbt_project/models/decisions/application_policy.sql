-- The credit policy on every application (train and new): which rules of the seed policy_rules fire.
-- The rules are compiled from the seed (macros/policy.sql); the post-hook creates the table function
-- application_policy_of(rel), the same SQL for the what-if's edited application.
{{ config(materialized='table', post_hook="{{ create_policy_function() }}") }}
-- depends_on: {{ ref('policy_rules') }}
with applications as (
    select * from {{ ref('int_applications__cleaned') }}
),

policy as (
    {{ policy_select('applications', policy_rules(), keep=['is_train']) }}
)

select * from policy
