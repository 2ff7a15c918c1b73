-- Default rate of the train applications by contract type and age band (age bands sort in age order).
select
    contract_type,
    age_band,
    count(*) as applications,
    avg(target) as default_rate
from {{ ref('client_profile') }}
where is_train
group by contract_type, age_band
order by contract_type, age_band
