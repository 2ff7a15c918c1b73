{#
  A key column: unique and never NULL, checked in one pass (dbt's unique + not_null would be two
  nodes, each with its own scan and ~25 ms of dbt's own cost). Returns each NULL or repeated key
  with the number of rows that have it.
#}
{% test primary_key(model, column_name) %}
select {{ column_name }} as key_value, count(*) as rows_with_key
from {{ model }}
group by {{ column_name }}
having count(*) > 1 or {{ column_name }} is null
{% endtest %}
