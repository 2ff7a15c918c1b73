-- model.duckdb's calibration as written by `scoring train`, documented and tested (_model_outputs.yml).
select * from {{ source('model', 'calibration') }}
