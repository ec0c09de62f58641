{#- Every staged lead and contact id: what an activity's WhoId may point at. -#}
{% macro staged_person_ids() -%}
    select lead_id as person_id from {{ ref('stg_salesforce__leads') }}
    union all
    select contact_id as person_id from {{ ref('stg_salesforce__contacts') }}
{%- endmacro %}
