{#
  No feature may use the TARGET or the train/test membership:
  1. no feature's SQL (nor the application_features function body) mentions target or is_train;
  2. no side-table model that produces features depends on the applications (where TARGET and is_train live);
  3. no feature column is named like the target (columns from the adapter: information_schema is DuckDB's).
  Returns one row per violation.
#}
-- depends_on: {{ ref('client_features') }}
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
  {% for column in adapter.get_columns_in_relation(ref('client_features')) %}
    {% set name = column.name | lower %}
    {% if name not in ('sk_id_curr', 'is_train', 'target') and ('target' in name or 'is_train' in name) %}
      {% do violations.append('client_features.' ~ name ~ ': feature named like the target') %}
    {% endif %}
  {% endfor %}
  {% for model, _ in groups %}
    {% set node = graph.nodes['model.scoring.' ~ model] %}
    {% for upstream in node.depends_on.nodes %}
      {% if 'applications' in upstream and 'previous' not in upstream %}
        {% do violations.append(model ~ ': depends on ' ~ upstream) %}
      {% endif %}
    {% endfor %}
  {% endfor %}
{% endif %}

with violations as (
    select cast(null as {{ string_type() }}) as violation where false
    {%- for v in violations %}
    union all select {{ sql_string(v) }}
    {%- endfor %}
)

select * from violations
