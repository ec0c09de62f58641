{%- set kept_field_values -%}
    {{ safe_cast('source.field', dbt.type_string()) }} in (
        '{{ var("lead_history_fields_with_values") | join("', '") }}'
    )
{%- endset %}

with

source as (
    select * from {{ source('salesforce', 'lead_history') }}
),

leads as (
    select lead_id from {{ ref('stg_salesforce__leads') }}
),

known_statuses as (
    select
        lead_status,
        lower(trim(lead_status)) as status_key
    from {{ ref('funnel_stage_map') }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as lead_field_change_id,
        {{ safe_cast('lead_id', dbt.type_string()) }} as lead_id,
        {{ safe_cast('field', dbt.type_string()) }} as field_name,
        -- A status that differs from the map's only in case or surrounding spaces is the map's status. Values
        -- of fields off var lead_history_fields_with_values (an email, a phone, a name) stay behind.
        case
            when {{ kept_field_values }}
                then coalesce(old_status.lead_status, {{ safe_cast('old_value', dbt.type_string()) }})
        end as old_value,
        case
            when {{ kept_field_values }}
                then coalesce(new_status.lead_status, {{ safe_cast('new_value', dbt.type_string()) }})
        end as new_value,
        {{ safe_cast('created_by_id', dbt.type_string()) }} as changed_by_user_id,
        {{ landed_timestamp('created_date') }} as changed_at,
        coalesce({{ safe_cast('is_deleted', dbt.type_boolean()) }}, false) as is_deleted
    from source
    left join known_statuses as old_status
        on
            source.field = 'Status'
            and lower(trim({{ safe_cast('source.old_value', dbt.type_string()) }})) = old_status.status_key
    left join known_statuses as new_status
        on
            source.field = 'Status'
            and lower(trim({{ safe_cast('source.new_value', dbt.type_string()) }})) = new_status.status_key
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'lead_field_change_id', 'changed_at', [
        ['lead_id', 'base_salesforce__leads', 'lead_id'],
    ]) }}
),

latest as (
    -- History rows never change; several copies of one id are replays of the same row.
    {{ latest_versions('to_refresh', 'lead_field_change_id', 'changed_at') }}
),

checked as (
    select
        latest.*,
        {{ quarantine_reason('latest.lead_field_change_id', [
            ['leads.lead_id is null', 'orphan_lead_id'],
            ["latest.field_name = 'Status' and known_statuses.lead_status is null", 'unknown_status'],
        ] + impossible_time_checks(['latest.changed_at'])) }} as quarantine_reason
    from latest
    left join leads on latest.lead_id = leads.lead_id
    left join known_statuses on latest.new_value = known_statuses.lead_status
)

select * from checked
