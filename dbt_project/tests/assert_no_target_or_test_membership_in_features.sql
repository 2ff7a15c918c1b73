{#
  No feature may use the TARGET or the train/test membership:
  1. no feature's SQL (nor the application_features function body) mentions target or is_train;
  2. no side-table model that produces features depends on the applications (where TARGET and is_train live);
  3. no feature column is named like the target.
  Returns one row per violation.
#}
{% set violations = [] %}
{% if execute %}
  {% set groups = side_table_feature_groups() %}
  {% for f in all_feature_specs(groups) %}
    {% if modules.re.search('target|is_train', f.sql | lower) %}
      {% do violations.append(f.name ~ ': its SQL mentions target/is_train') %}
    {% endif %}
  {% endfor %}
  {% if modules.re.search('target|is_train', application_features_select('rel') | lower) %}
    {% do violations.append('application_features(rel): its SQL mentions target/is_train') %}
  {% endif %}
  {% for model, _ in groups %}
    {% set node = graph.nodes['model.scoring.' ~ model] %}
    {% for upstream in node.depends_on.nodes %}
      {% if 'applications' in upstream and 'previous' not in upstream %}
        {% do violations.append(model ~ ': depends on ' ~ upstream) %}
      {% endif %}
    {% endfor %}
  {% endfor %}
{% endif %}

with static_violations as (
    select cast(null as varchar) as violation where false
    {%- for v in violations %}
    union all select '{{ v | replace("'", "''") }}'
    {%- endfor %}
),

column_violations as (
    select 'client_features.' || column_name || ': feature named like the target' as violation
    from information_schema.columns
    where table_catalog = '{{ target.database }}' and table_name = 'client_features'
      and column_name not in ('sk_id_curr', 'is_train', 'target')
      and (lower(column_name) like '%target%' or lower(column_name) like '%is_train%')
)

select * from static_violations
union all
select * from column_violations
