{%- set landing = read_landed('user') %}

with

source as (
    select * from {{ landing.relation }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as user_id,
        {{ safe_cast('name', dbt.type_string()) }} as user_display_name,
        {{ safe_cast('manager_id', dbt.type_string()) }} as manager_user_id,
        {{ safe_cast('user_role', dbt.type_string()) }} as user_role,
        {{ safe_cast('team', dbt.type_string()) }} as team_name,
        {{ safe_cast('territory', dbt.type_string()) }} as territory,
        {{ safe_cast('time_zone_sid_key', dbt.type_string()) }} as time_zone,
        {{ safe_cast('is_active', dbt.type_boolean()) }} as is_active,
        {{ landed_timestamp('created_date') }} as created_at,
        {{ landed_audit_columns() }}
    from source
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'user_id', 'modified_at', landing=landing) }}
),

latest as (
    {{ latest_versions('to_refresh', 'user_id', 'modified_at', landing) }}
),

checked as (
    select
        *,
        {{ quarantine_reason(
            'user_id', [['created_at is null and not is_deleted', 'missing_created_date']] + impossible_time_checks(['created_at', 'modified_at'])
        ) }} as quarantine_reason
    from latest
)

select * from checked
