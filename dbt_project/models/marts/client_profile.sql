-- A readable description of each client for the dashboard (labels, years, amounts), one row per
-- application; the dashboard groups clients by income_type, age_band, contract_type and gender.
-- A view over the cleaned application table: labels and ratios cost less to compute on read than to write.
{{ config(materialized='view') }}
with applications as (
    select * from {{ ref('int_applications__cleaned') }}
),

described as (
    select
        sk_id_curr,
        is_train,
        target,
        name_contract_type as contract_type,
        case code_gender when 'F' then 'Female' when 'M' then 'Male' end as gender,
        cast(floor(-days_birth / 365.25) as integer) as age_years,
        -- An ENUM on DuckDB, so that `order by age_band` is age order ('<30' first), not text order ('<30' last).
        {{ ordered_levels("case
            when -days_birth / 365.25 < 30 then '<30'
            when -days_birth / 365.25 < 40 then '30-39'
            when -days_birth / 365.25 < 50 then '40-49'
            when -days_birth / 365.25 < 60 then '50-59'
            else '60+'
        end", ['<30', '30-39', '40-49', '50-59', '60+']) }} as age_band,
        amt_income_total as income_total,
        amt_credit as credit_amount,
        amt_annuity as annuity,
        amt_goods_price as goods_price,
        round(-days_employed / 365.25, 1) as employment_years,
        days_employed_is_sentinel = 1 as is_pensioner_or_unemployed,
        name_income_type as income_type,
        name_education_type as education,
        name_family_status as family_status,
        cast(cnt_children as integer) as children,
        cast(cnt_fam_members as integer) as family_members,
        name_housing_type as housing,
        occupation_type as occupation,
        organization_type as organization,
        flag_own_car = 'Y' as own_car,
        flag_own_realty = 'Y' as own_realty,
        cast(region_rating_client as integer) as region_rating,
        {{ safe_divide('amt_credit', 'amt_income_total') }} as credit_to_income_ratio,
        {{ safe_divide('amt_annuity', 'amt_income_total') }} as annuity_to_income_ratio
    from applications
)

select * from described
