-- model.duckdb's fairness as written by `scoring train`, documented and tested (_model_outputs.yml).
select * from {{ source('model', 'fairness') }}
