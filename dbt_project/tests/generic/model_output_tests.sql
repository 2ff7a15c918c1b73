{#
  Tests of the model outputs (models/model_outputs/). They pass, saying so, when the tested model was
  skipped because no model has been trained yet (see the model_output materialization).
#}

{# The columns are a key: unique together and never NULL (on a column: that column) #}
{% test output_key(model, columns=none, column_name=none) %}
{% set columns = columns or [column_name] %}
{% if output_not_built(model) %}select 1 as not_built where false{% else %}
select {{ columns | join(', ') }}, count(*) as rows_with_key
from {{ model }}
group by all
having count(*) > 1 or {% for c in columns %}{{ c }} is null{{ ' or ' if not loop.last }}{% endfor %}
{% endif %}
{% endtest %}

{# Every non-NULL value is one of `values` (not_null: also no NULL) #}
{% test output_values_in(model, column_name, values, not_null=false) %}
{% if output_not_built(model) %}select 1 as not_built where false{% else %}
select {{ column_name }} as value, count(*) as n
from {{ model }}
where {{ column_name }} not in ({% for v in values %}'{{ v }}'{{ ', ' if not loop.last }}{% endfor %})
{%- if not_null %} or {{ column_name }} is null{% endif %}
group by 1
{% endif %}
{% endtest %}

{# Every non-NULL value lies in [min_value, max_value] (a probability: 0 and 1; not_null: also no NULL) #}
{% test output_between(model, column_name, min_value=0, max_value=1, not_null=false) %}
{% if output_not_built(model) %}select 1 as not_built where false{% else %}
select {{ column_name }} as value
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }} or isnan({{ column_name }})
{%- if not_null %} or {{ column_name }} is null{% endif %}
{% endif %}
{% endtest %}
