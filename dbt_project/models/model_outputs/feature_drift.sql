-- Population stability index (PSI) of the score and of every model feature: the new applications
-- (application_test) against the train applications the model learnt from. Bins: the deciles of the
-- train side (fewer where values repeat) plus one bin (-1) for missing values; a bin empty on one side
-- counts as 0.0001 of it, so that the logarithm stays finite. Bands: < 0.1 stable, 0.1-0.25 watch, > 0.25 shifted.
{{ config(materialized='model_output', model_output_as='table') }}
{%- set features = [] -%}
{%- if execute -%}
  {%- for c in adapter.get_columns_in_relation(ref('client_features')) if c.name not in ('sk_id_curr', 'is_train', 'target') -%}
    {%- do features.append(c.name) -%}
  {%- endfor -%}
{%- endif %}
with sides as (
    select count(*) filter (where is_train) as train_rows, count(*) filter (where not is_train) as new_rows
    from {{ ref('client_features') }}
),

every_feature as (
    select unnest([{% for f in features %}'{{ f }}', {% endfor %}'score']) as feature
),

-- one row per non-missing value (UNPIVOT leaves NULLs out: the missing bin is what is left of each side)
long as (
    unpivot (
        select is_train, columns(* exclude (sk_id_curr, is_train, target))::double
        from {{ ref('client_features') }}
    ) on columns(* exclude (is_train)) into name feature value value
    union all
    select is_train, 'score' as feature, probability as value
    from {{ source('model', 'client_scores') }} where probability is not null
),

edges as (
    select feature, list_distinct(quantile_disc(value, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])) as cuts
    from long where is_train group by feature
),

value_counts as (
    select
        l.feature,
        -- the number of cuts below the value: nine vectorised comparisons (a list lambda per value was 3x slower)
        {% for i in range(1, 10) %}coalesce((l.value > e.cuts[{{ i }}])::integer, 0){{ ' + ' if not loop.last }}{% endfor %} as bin,
        count(*) filter (where l.is_train) as n_train,
        count(*) filter (where not l.is_train) as n_new
    from long l left join edges e using (feature)
    group by all
),

missing_counts as (
    select f.feature, -1 as bin, s.train_rows - coalesce(sum(v.n_train), 0) as n_train, s.new_rows - coalesce(sum(v.n_new), 0) as n_new
    from every_feature f cross join sides s left join value_counts v using (feature)
    group by f.feature, s.train_rows, s.new_rows
),

shares as (
    select
        feature,
        bin,
        n_train,
        n_new,
        greatest(n_train / nullif(s.train_rows, 0), 0.0001) as p_train,
        greatest(n_new / nullif(s.new_rows, 0), 0.0001) as p_new
    from (select * from value_counts union all select * from missing_counts) cross join sides s
    where n_train > 0 or n_new > 0
),

psi as (
    select
        feature,
        sum((p_new - p_train) * ln(p_new / p_train)) as psi,
        count(*) filter (where bin >= 0) as value_bins,
        sum(n_train) filter (where bin = -1) as train_missing,
        sum(n_new) filter (where bin = -1) as new_missing
    from shares group by feature
)

select
    f.feature,
    case when s.train_rows > 0 and s.new_rows > 0 then p.psi end as psi,
    case
        when not (s.train_rows > 0 and s.new_rows > 0) then null
        when p.psi < 0.1 then 'stable'
        when p.psi <= 0.25 then 'watch'
        else 'shifted'
    end as band,
    s.train_rows,
    s.new_rows,
    coalesce(p.train_missing, 0) / nullif(s.train_rows, 0) as train_missing_share,
    coalesce(p.new_missing, 0) / nullif(s.new_rows, 0) as new_missing_share,
    coalesce(p.value_bins, 0) as value_bins
from every_feature f cross join sides s left join psi p using (feature)
order by psi desc nulls last, f.feature
