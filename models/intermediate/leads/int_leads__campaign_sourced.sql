{{ incremental_per_key('lead_id', 'int_leads__changed') }}

with

leads as (
    select * from {{ ref('stg_salesforce__leads') }}
    where {{ to_refresh('lead_id', 'int_leads__changed') }}
),

responses as (
    select * from {{ ref('int_campaign_responses__timed') }}
    where lead_id is not null and {{ to_refresh('lead_id', 'int_leads__changed') }}
),

before_creation as (
    -- The response that created the lead is its latest one at or before the lead's creation.
    select
        leads.lead_id,
        responses.campaign_id,
        row_number() over (
            partition by leads.lead_id order by responses.responded_at desc, responses.campaign_member_id desc
        ) as recency
    from leads
    inner join responses on leads.lead_id = responses.lead_id
    where responses.responded_at <= leads.created_at
),

final as (
    select
        lead_id,
        campaign_id as sourcing_campaign_id
    from before_creation
    where recency = 1
)

select * from final
