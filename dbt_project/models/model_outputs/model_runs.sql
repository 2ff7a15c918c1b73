-- model.duckdb's model_runs as written by `scoring train`, documented and tested (_model_outputs.yml).
select * from {{ source('model', 'model_runs') }}
