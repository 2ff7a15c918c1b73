{#
  on-run-end: publish the dbt target as the served warehouse when every selected node of a `dbt run`
  or `dbt build` passed (a `dbt run` publishes untested models on purpose: it is the refresh command;
  `dbt build` and `scoring build` are the tested path). Anything failed or skipped: nothing is published,
  the served file stays as it was. `--select` publishes too: the target holds the rest of the warehouse.
#}
{% macro publish_if_all_passed(results) %}
  {% if execute %}
    {% set bad = [] %}
    {% for res in results %}
      {% if res.status not in ('success', 'pass', 'warn', 'no-op') %}
        {% do bad.append(res.node.unique_id ~ ': ' ~ res.status) %}
      {% endif %}
    {% endfor %}
    {% if flags.WHICH not in ('build', 'run') %}
      {% do log('publish: nothing to publish after `' ~ flags.WHICH ~ '` (`dbt run` and `dbt build` publish)', info=true) %}
    {% elif bad %}
      {% do log('publish: NOT published, ' ~ bad | length ~ ' node(s) did not pass: ' ~ bad | join('; '), info=true) %}
    {% elif not results %}
      {% do log('publish: nothing selected, nothing published', info=true) %}
    {% else %}
      {% do stamp_warehouse_build(target.database) %}
      {% do publish_build_database(target.database) %}
      {% do log('publish: all ' ~ results | length ~ ' nodes passed; published '
                ~ env_var('SCORING_WAREHOUSE', 'warehouse') ~ published_location(), info=true) %}
    {% endif %}
  {% endif %}
  select 1
{% endmacro %}

{# Every publication says which dbt invocation made it, including a `dbt run --select` that did not
   rebuild warehouse_build itself: readers tell publications apart, `scoring train` records the id. #}
{% macro default__stamp_warehouse_build(database) %}
  {% set relation = adapter.get_relation(database=database, schema=target.schema, identifier='warehouse_build') %}
  {% if relation is not none %}
    {% do run_query("update " ~ relation ~ " set invocation_id = '" ~ invocation_id ~ "', built_at = cast('"
                    ~ run_started_at.strftime("%Y-%m-%d %H:%M:%S") ~ "' as timestamp), dbt_version = '" ~ dbt_version ~ "'") %}
  {% endif %}
{% endmacro %}
