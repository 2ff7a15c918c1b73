-- One row per feature column of client_features, generated from the same specs that generate the
-- features (dbt_project/macros/features/), so it cannot drift from the table.
with specs as (
    select * from (values
    {%- for f in all_feature_specs() %}
        ({{ loop.index }}, '{{ f.name }}', '{{ f.label | replace("'", "''") }}', '{{ f.source_table }}',
         {{ "'" ~ f.source_column ~ "'" if f.source_column else 'cast(null as varchar)' }},
         '{{ f.aggregation | replace("'", "''") }}',
         {{ 'true' if f.derived else 'false' }}){{ ',' if not loop.last }}
    {%- endfor %}
    ) as t(position, feature, label, source_table, source_column, aggregation, derived)  -- noqa: AL05, LT01
),

column_descriptions as (
    select * from {{ ref('stg_column_descriptions') }}
),

final as (
    select
        specs.position,
        specs.feature,
        specs.label,
        specs.source_table,
        specs.source_column,
        specs.aggregation,
        case
            when specs.derived then specs.label || coalesce(' (computed from ' || specs.source_column || ')', '') || '.'
            when column_descriptions.description is null then specs.label || '.'
            else rtrim(column_descriptions.description, '. ') || '. Feature: ' || specs.aggregation || '.'
        end as description
    from specs
    left join column_descriptions
        on column_descriptions.source_table = specs.source_table
        and column_descriptions.source_column = specs.source_column
)

select * from final order by position
