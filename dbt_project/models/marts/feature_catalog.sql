-- One row per feature column of client_features, generated from the same specs that generate the
-- features (dbt_project/macros/features/, format in specs.sql), so it cannot drift from the table.
with specs as (
    select * from (values
    {%- for f in all_feature_specs() %}
        {%- set t = [] %}
        {%- for v in [f.label, f.source_column, f.aggregation, f.level, f.level_label, f.family, f.formula, f.protected] %}
            {%- do t.append(sql_string(v) if v is not none else 'cast(null as ' ~ string_type() ~ ')') %}
        {%- endfor %}
        ({{ loop.index }}, '{{ f.name }}', '{{ f.source_table }}', '{{ f.kind }}', '{{ f.unit }}', {{ t | join(', ') }},
         {{ f.risk_direction if f.risk_direction is not none else 'cast(null as integer)' }}){{ ',' if not loop.last }}
    {%- endfor %}
    ) as t(  -- noqa: AL05, LT01
        position, feature, source_table, kind, unit, label, source_column, aggregation, level, level_label, family, formula,
        protected, risk_direction
    )
),

column_descriptions as (
    select * from {{ ref('stg_column_descriptions') }}
),

final as (
    select
        specs.position,
        specs.feature,
        specs.label,
        specs.kind,
        specs.unit,
        specs.level,
        specs.level_label,
        specs.family,
        cast(specs.risk_direction as integer) as risk_direction,
        specs.formula,
        specs.protected,
        specs.source_table,
        specs.source_column,
        specs.aggregation,
        case
            when specs.formula is not null then specs.label || '. Formula: ' || specs.formula || ' (' || specs.aggregation || ').'
            when column_descriptions.description is null then specs.label || '.'
            else {{ rtrim_chars('column_descriptions.description', "'. '") }} || '. Feature: ' || specs.aggregation || '.'
        end as description
    from specs
    left join column_descriptions
        on column_descriptions.source_table = specs.source_table
        and column_descriptions.source_column = specs.source_column
)

select * from final order by position
