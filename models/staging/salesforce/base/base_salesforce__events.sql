{%- set landing = read_landed('event') %}

with

source as (
    select * from {{ landing.relation }}
),

people as (
    {{ staged_person_ids() }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as event_id,
        {{ safe_cast('who_id', dbt.type_string()) }} as lead_or_contact_id,
        {{ safe_cast('what_id', dbt.type_string()) }} as related_record_id,
        {{ safe_cast('owner_id', dbt.type_string()) }} as owner_user_id,
        {{ safe_cast('type', dbt.type_string()) }} as event_type,
        {{ safe_cast('event_subtype', dbt.type_string()) }} as event_subtype,
        {{ safe_cast('activity_date', 'date') }} as activity_date,
        {{ landed_timestamp('start_date_time') }} as starts_at,
        {{ landed_timestamp('end_date_time') }} as ends_at,
        {{ safe_cast('duration_in_minutes', dbt.type_bigint()) }} as duration_minutes,
        {{ landed_timestamp('created_date') }} as created_at,
        {{ landed_audit_columns() }}
    from source
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'event_id', 'modified_at', [
        ['lead_or_contact_id', 'base_salesforce__leads', 'lead_id'],
        ['lead_or_contact_id', 'base_salesforce__contacts', 'contact_id'],
    ], landing=landing) }}
),

latest as (
    {{ latest_versions('to_refresh', 'event_id', 'modified_at', landing) }}
),

checked as (
    select
        latest.*,
        {{ quarantine_reason('latest.event_id', [
            ['latest.lead_or_contact_id is not null and people.person_id is null', 'orphan_who_id'],
            ['latest.created_at is null and not latest.is_deleted', 'missing_created_date'],
        ] + impossible_time_checks(
            ['latest.created_at', 'latest.modified_at'], planned=['latest.starts_at', 'latest.ends_at']
        )) }} as quarantine_reason
    from latest
    left join people on latest.lead_or_contact_id = people.person_id
)

select * from checked
