-- Population stability index (PSI) of the score and of every model feature: the new applications
-- (application_test) against the train applications the model learnt from. Bins: the deciles of the
-- train side (fewer where values repeat) plus one bin (-1) for missing values; a bin empty on one side
-- counts as 0.0001 of it, so that the logarithm stays finite. Bands: < 0.1 stable, 0.1-0.25 watch, > 0.25 shifted.
-- Column-wise (edges, bins and one histogram per column, then an unpivot of two rows): unpivoting every
-- value first and grouping by feature took 170 s at scale 0.1, this a few seconds. The train side is a
-- fixed sample of at most 50,000 applications (deciles and shares from 50,000 rows are as good as from
-- 307,511 for a PSI), so the model's cost does not grow with the data: the edges alone took ~6 s per
-- 35,000 rows of 672 columns.
{{ config(materialized='model_output', model_output_as='table') }}
{%- set features = [] -%}
{%- if execute -%}
  {%- for c in adapter.get_columns_in_relation(ref('client_features')) if c.name not in ('sk_id_curr', 'is_train', 'target') -%}
    {%- do features.append(c.name) -%}
  {%- endfor -%}
{%- endif -%}
{%- do features.append('score') %}
with train_ids as (
    select sk_id_curr from {{ ref('client_features') }} where is_train order by hash(sk_id_curr) limit 50000
),

-- the sampled train rows and every new one, read once (the sample's ids first: sorting every train row's
-- ~670 columns to keep 50,000 cost a third of the model at full scale, 34.6 -> 22.0 s)
base as materialized (
    select f.is_train, columns(f.* exclude (sk_id_curr, is_train, target))::double, s.probability as score
    from {{ ref('client_features') }} f
    left join {{ source('model', 'client_scores') }} s using (sk_id_curr)
    where not f.is_train or f.sk_id_curr in (select sk_id_curr from train_ids)
),

edges as (
    select
    {%- for f in features %}
        list_distinct(
            quantile_disc("{{ f }}", [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
        ) as "{{ f }}"{{ ',' if not loop.last }}
    {%- endfor %}
    from base where is_train
),

-- each value's bin: -1 when missing, else the number of cuts below it
binned as (
    select
        b.is_train
    {%- for f in features %},
        case when b."{{ f }}" is null or isnan(b."{{ f }}") then -1 else 0
            {%- for k in range(1, 10) %}
            + coalesce((b."{{ f }}" > e."{{ f }}"[{{ k }}])::integer, 0)
            {%- endfor %}
        end as "{{ f }}"
    {%- endfor %}
    from base b cross join edges e
),

histograms as (
    select is_train{% for f in features %}, histogram("{{ f }}") as "{{ f }}"{% endfor %}
    from binned group by is_train
),

counts as (
    select feature, is_train, unnest(map_keys(h)) as bin, unnest(map_values(h)) as n
    from (unpivot histograms on columns(* exclude (is_train)) into name feature value h)
),

sides as (
    select count(*) filter (where is_train) as train_rows, count(*) filter (where not is_train) as new_rows from base
),

shares as (
    select
        c.feature,
        c.bin,
        greatest(coalesce(sum(c.n) filter (where c.is_train), 0) / nullif(any_value(s.train_rows), 0), 0.0001) as p_train,
        greatest(coalesce(sum(c.n) filter (where not c.is_train), 0) / nullif(any_value(s.new_rows), 0), 0.0001) as p_new,
        coalesce(sum(c.n) filter (where c.is_train and c.bin = -1), 0) as train_missing,
        coalesce(sum(c.n) filter (where not c.is_train and c.bin = -1), 0) as new_missing
    from counts c cross join sides s
    group by c.feature, c.bin
),

psi as (
    select
        feature,
        sum((p_new - p_train) * ln(p_new / p_train)) as psi,
        count(*) filter (where bin >= 0) as value_bins,
        sum(train_missing) as train_missing,
        sum(new_missing) as new_missing
    from shares group by feature
)

select
    p.feature,
    case when s.train_rows > 0 and s.new_rows > 0 then p.psi end as psi,
    case
        when not (s.train_rows > 0 and s.new_rows > 0) then null
        when p.psi < 0.1 then 'stable'
        when p.psi <= 0.25 then 'watch'
        else 'shifted'
    end as band,
    s.train_rows,
    s.new_rows,
    p.train_missing / nullif(s.train_rows, 0) as train_missing_share,
    p.new_missing / nullif(s.new_rows, 0) as new_missing_share,
    p.value_bins
from psi p cross join sides s
order by psi desc nulls last, p.feature
