-- model.duckdb's client_reasons as written by `scoring train`, documented and tested (_model_outputs.yml).
select * from {{ source('model', 'client_reasons') }}
