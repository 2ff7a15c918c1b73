-- model.duckdb's global_importance as written by `scoring train`, documented and tested (_model_outputs.yml).
select * from {{ source('model', 'global_importance') }}
