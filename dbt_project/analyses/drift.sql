-- Reads the model outputs, which exist on DuckDB only (not built on Spark).
{{ config(enabled=target.type != 'spark') }}
-- What moved between the train applications and the new ones: the score and the features whose
-- population stability index is not stable, with their missing-value shares on each side.
select feature, psi, band, train_missing_share, new_missing_share
from {{ ref('feature_drift') }}
where band <> 'stable'
order by psi desc
