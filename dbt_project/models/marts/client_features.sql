-- One row per application (train and test): the key, the train/test flag, the target (NULL for test
-- rows, the only target column), then every feature: app_* from the application_features table
-- function, then the per-client side-table families. Clients without history get NULL there.
-- Every feature column is described in feature_catalog and, as its column comment, from _client_features.yml.
--
-- A view over the per-client tables (all in this file, so it opens standalone): writing the same
-- ~670 columns a second time cost more than half of a full-scale build, while DuckDB answers
-- lookups and narrow queries on the view by pushing the key filter and the column list into each table.
-- A table on Spark, whose metastore truncates long view SQL (wide_view_materialization).
{{ config(materialized=wide_view_materialization(), post_hook="{{ comment_columns_from_yaml() }}") }}
{%- if client_features_from_spark() %}
-- depends_on: {{ ref('int_applications__labels') }} {{ ref('int_applications__features') }}
select * from {{ spark_mart('client_features') }}
{%- else %}
{#- rendering the specs is most of this model's compile time: once, not once per loop #}
{%- set side_table_groups = side_table_feature_groups() %}

with applications as (
    select * from {{ ref('int_applications__labels') }}
),

application_features as (
    select * from {{ ref('int_applications__features') }}
),
{% for model, _ in side_table_groups %}
{{ model }} as (
    select * from {{ ref(model) }}
),
{% endfor %}

final as (
    select
        applications.sk_id_curr,
        applications.is_train,
        applications.target,
        {%- for f in application_feature_specs() %}
        application_features.{{ f.name }},
        {%- endfor %}
        {%- for model, specs in side_table_groups %}
        {%- set outer_last = loop.last %}
        {%- for f in specs %}
        {{ model }}.{{ f.name }}{{ ',' if not (outer_last and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    from applications
    inner join application_features on application_features.sk_id_curr = applications.sk_id_curr
    {%- for model, _ in side_table_groups %}
    left join {{ model }} on {{ model }}.sk_id_curr = applications.sk_id_curr
    {%- endfor %}
)

select * from final
{%- endif %}
