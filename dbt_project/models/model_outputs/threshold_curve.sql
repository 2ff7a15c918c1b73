-- model.duckdb's threshold_curve as written by `scoring train`, documented and tested (_model_outputs.yml).
select * from {{ source('model', 'threshold_curve') }}
