-- A shared stage has one position, one type and one forecast category, whichever landed stage maps to it.
select shared_stage
from {{ ref('opportunity_stage_map') }}
group by shared_stage
having
    count(distinct stage_order) > 1
    or count(distinct stage_type) > 1
    or count(distinct forecast_category) > 1
