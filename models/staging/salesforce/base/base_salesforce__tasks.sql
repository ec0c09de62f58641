{%- set landing = read_landed('task') %}

with

source as (
    select * from {{ landing.relation }}
),

people as (
    {{ staged_person_ids() }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as task_id,
        {{ safe_cast('who_id', dbt.type_string()) }} as lead_or_contact_id,
        {{ safe_cast('what_id', dbt.type_string()) }} as related_record_id,
        {{ safe_cast('owner_id', dbt.type_string()) }} as owner_user_id,
        {{ safe_cast('type', dbt.type_string()) }} as task_type,
        {{ safe_cast('task_subtype', dbt.type_string()) }} as task_subtype,
        {{ safe_cast('status', dbt.type_string()) }} as task_status,
        coalesce({{ safe_cast('is_closed', dbt.type_boolean()) }}, false) as is_closed,
        {{ safe_cast('activity_date', 'date') }} as activity_date,
        {{ landed_timestamp('completed_date_time') }} as completed_at,
        {{ landed_timestamp('created_date') }} as created_at,
        {{ landed_audit_columns() }}
    from source
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'task_id', 'modified_at', [
        ['lead_or_contact_id', 'base_salesforce__leads', 'lead_id'],
        ['lead_or_contact_id', 'base_salesforce__contacts', 'contact_id'],
    ], landing=landing) }}
),

latest as (
    {{ latest_versions('to_refresh', 'task_id', 'modified_at', landing) }}
),

checked as (
    select
        latest.*,
        {{ quarantine_reason('latest.task_id', [
            ['latest.lead_or_contact_id is not null and people.person_id is null', 'orphan_who_id'],
            ['latest.created_at is null and not latest.is_deleted', 'missing_created_date'],
        ] + impossible_time_checks(
            ['latest.completed_at', 'latest.created_at', 'latest.modified_at'], planned=['latest.activity_date']
        )) }} as quarantine_reason
    from latest
    left join people on latest.lead_or_contact_id = people.person_id
)

select * from checked
