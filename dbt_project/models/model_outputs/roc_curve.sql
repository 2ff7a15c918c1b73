-- model.duckdb's roc_curve as written by `scoring train`, documented and tested (_model_outputs.yml).
select * from {{ source('model', 'roc_curve') }}
