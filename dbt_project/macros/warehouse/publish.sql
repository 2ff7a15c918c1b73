{#
  on-run-end: publish the build file as the served warehouse, only if every node passed.
  A failed (or skipped) model, test, seed or unit test publishes nothing; the served file stays as it was.
#}
{% macro publish_if_all_passed(results) %}
  {% if execute %}
    {% set bad = [] %}
    {% for res in results %}
      {% if res.status not in ('success', 'pass', 'warn', 'no-op') %}
        {% do bad.append(res.node.unique_id ~ ': ' ~ res.status) %}
      {% endif %}
    {% endfor %}
    {% if flags.WHICH not in ('build', 'run', 'seed') %}
      {% do log('publish: nothing to publish after `' ~ flags.WHICH ~ '`', info=true) %}
    {% elif bad %}
      {% do log('publish: NOT published, ' ~ bad | length ~ ' node(s) did not pass: ' ~ bad | join('; '), info=true) %}
    {% elif flags.WHICH != 'build' %}
      {% do log('publish: only `dbt build` (models and their tests) publishes the warehouse', info=true) %}
    {% elif invocation_args_dict.get('select') or invocation_args_dict.get('exclude') or invocation_args_dict.get('selector') %}
      {% do log('publish: NOT published, a partial build (--select/--exclude) is not a whole warehouse', info=true) %}
    {% else %}
      {% do publish_build_database(target.database) %}
      {% do log('publish: all ' ~ results | length ~ ' nodes passed; published '
                ~ env_var('SCORING_WAREHOUSE', 'warehouse') ~ '/scoring.duckdb', info=true) %}
    {% endif %}
  {% endif %}
  select 1
{% endmacro %}
