{#
  Several columns of a model that must never be NULL, in one scan (one not_null node per column would
  each cost a scan and ~25 ms of dbt's own time). Returns the offending rows with the NULL columns named.
#}
{% test not_null_columns(model, columns) %}
select *
from (
    select
        {%- for c in columns %}
        case when {{ c }} is null then '{{ c }}' end as null_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
)
where {% for c in columns %}null_{{ loop.index }} is not null{{ ' or ' if not loop.last }}{% endfor %}
{% endtest %}
