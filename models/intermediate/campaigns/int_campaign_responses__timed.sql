with

members as (
    select * from {{ ref('stg_salesforce__campaign_members') }}
    where has_responded
),

final as (
    select
        campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,
        -- Salesforce keeps only the date of the first response; when it is the day the member was
        -- added, the member's creation is the response (a form fill adds and responds at once).
        case
            when first_responded_date = cast(created_at as date) then created_at
            else cast(coalesce(first_responded_date, cast(created_at as date)) as {{ dbt.type_timestamp() }})
        end as responded_at
    from members
)

select * from final
