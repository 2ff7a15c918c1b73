-- One row saying which dbt run built this warehouse file: readers can tell a new publication apart.
select
    '{{ invocation_id }}' as invocation_id,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at,
    '{{ dbt_version }}' as dbt_version
