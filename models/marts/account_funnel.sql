{#-
    The account funnel (buying groups), one row per account and month with any activity: the account's people
    (its contacts, and the leads it created or that belong to it; a converted lead is its contact, so one
    person) that engaged with a campaign and that became MQLs, whether the account was an MQA (at least one MQL
    person), the opportunities created on it by sales motion (new business, expansion, renewal), those sourced
    by the account's MQLs, pipeline created and bookings won.
-#}

with

accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

lead_people as (
    -- Which person a lead is and which account it belongs to: once converted its contact and that account,
    -- else itself and the account it was matched to.
    select
        leads.lead_id,
        coalesce(leads.converted_contact_id, leads.lead_id) as person_id,
        coalesce(leads.converted_account_id, matches.account_id) as account_id
    from {{ ref('stg_salesforce__leads') }} as leads
    left join {{ ref('int_leads__matched_to_accounts') }} as matches on leads.lead_id = matches.lead_id
    where coalesce(leads.converted_account_id, matches.account_id) is not null
),

engagements as (
    select
        responses.responded_at as happened_at,
        coalesce(lead_people.account_id, contacts.account_id) as account_id,
        coalesce(lead_people.person_id, responses.contact_id) as person_id
    from {{ ref('int_campaign_responses__timed') }} as responses
    left join lead_people on responses.lead_id = lead_people.lead_id
    left join {{ ref('stg_salesforce__contacts') }} as contacts on responses.contact_id = contacts.contact_id
),

qualifications as (
    select
        lead_people.account_id,
        lead_people.person_id,
        mqls.reached_at as happened_at
    from {{ ref('int_leads__stages_reached') }} as mqls
    inner join lead_people on mqls.lead_id = lead_people.lead_id
    where mqls.funnel_stage = 'MQL'
),

opportunities as (
    select
        sourced.opportunity_id,
        sourced.account_id,
        sourced.created_at,
        sourced.opportunity_amount,
        sourced.is_won,
        sourced.close_date,
        coalesce(motions.sales_motion, 'unknown') as sales_motion
    from {{ ref('int_opportunities__sourced') }} as sourced
    inner join {{ ref('stg_salesforce__opportunities') }} as staged
        on sourced.opportunity_id = staged.opportunity_id
    left join {{ ref('opportunity_type_map') }} as motions on staged.opportunity_type = motions.opportunity_type
),

mqa_sourced as (
    -- An opportunity created within var mqa_sourcing_days after an MQL of one of the account's people.
    select distinct opportunities.opportunity_id
    from opportunities
    inner join qualifications
        on
            opportunities.account_id = qualifications.account_id
            and opportunities.created_at >= qualifications.happened_at
            and opportunities.created_at
            <= {{ dbt.dateadd('day', var('mqa_sourcing_days'), 'qualifications.happened_at') }}
),

events as (
    select
        account_id,
        cast({{ dbt.date_trunc('month', 'happened_at') }} as date) as activity_month,
        person_id,
        'engaged' as counted_as,
        null as sales_motion,
        0 as amount
    from engagements
    union all
    select
        account_id,
        cast({{ dbt.date_trunc('month', 'happened_at') }} as date) as activity_month,
        person_id,
        'mql' as counted_as,
        null as sales_motion,
        0 as amount
    from qualifications
    union all
    select
        opportunities.account_id,
        cast({{ dbt.date_trunc('month', 'opportunities.created_at') }} as date) as activity_month,
        null as person_id,
        case
            when mqa_sourced.opportunity_id is not null then 'created_mqa_sourced' else 'created'
        end as counted_as,
        opportunities.sales_motion,
        opportunities.opportunity_amount as amount
    from opportunities
    left join mqa_sourced on opportunities.opportunity_id = mqa_sourced.opportunity_id
    union all
    select
        account_id,
        cast({{ dbt.date_trunc('month', 'close_date') }} as date) as activity_month,
        null as person_id,
        'won' as counted_as,
        sales_motion,
        opportunity_amount as amount
    from opportunities
    where is_won
),

per_month as (
    select
        account_id,
        activity_month,
        count(distinct case when counted_as = 'engaged' then person_id end) as engaged_person_count,
        count(distinct case when counted_as = 'mql' then person_id end) as mql_person_count,
        {{ count_where("counted_as in ('created', 'created_mqa_sourced')") }} as created_opportunity_count,
        {{ count_where("counted_as = 'created_mqa_sourced'") }} as mqa_sourced_opportunity_count,
        {% for motion in ['new_business', 'expansion', 'renewal'] %}
            {{ count_where("counted_as like 'created%' and sales_motion = '" ~ motion ~ "'") }}
                as {{ motion }}_opportunity_count,
        {% endfor %}
        sum(
            case when counted_as in ('created', 'created_mqa_sourced') then amount else 0 end
        ) as pipeline_created_amount,
        sum(case when counted_as = 'won' then amount else 0 end) as won_amount,
        {{ count_where("counted_as = 'won'") }} as won_opportunity_count
    from events
    where account_id is not null
    group by account_id, activity_month
),

final as (
    select
        per_month.account_id,
        per_month.activity_month,
        coalesce(segments.segment, 'Unknown') as account_segment,
        coalesce(territories.territory, 'Unassigned') as account_territory,
        accounts.owner_user_id as account_owner_user_id,
        per_month.engaged_person_count,
        per_month.mql_person_count,
        per_month.mql_person_count > 0 as is_mqa,
        per_month.created_opportunity_count,
        per_month.mqa_sourced_opportunity_count,
        per_month.new_business_opportunity_count,
        per_month.expansion_opportunity_count,
        per_month.renewal_opportunity_count,
        cast(per_month.pipeline_created_amount as {{ dbt.type_numeric() }}) as pipeline_created_amount,
        per_month.won_opportunity_count,
        cast(per_month.won_amount as {{ dbt.type_numeric() }}) as won_amount
    from per_month
    inner join accounts on per_month.account_id = accounts.account_id
    {{ join_segment_band('segments', 'accounts.employee_count') }}
    left join {{ ref('territory_map') }} as territories on accounts.billing_country = territories.country
)

select * from final
