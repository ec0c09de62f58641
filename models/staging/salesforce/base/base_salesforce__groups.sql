{%- set landing = read_landed('group') %}

with

source as (
    select * from {{ landing.relation }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as group_id,
        {{ safe_cast('name', dbt.type_string()) }} as group_name,
        {{ safe_cast('developer_name', dbt.type_string()) }} as group_developer_name,
        {{ safe_cast('type', dbt.type_string()) }} as group_type,
        {{ landed_timestamp('created_date') }} as created_at,
        {{ landed_audit_columns() }}
    from source
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', 'group_id', 'modified_at', landing=landing) }}
),

latest as (
    {{ latest_versions('to_refresh', 'group_id', 'modified_at', landing) }}
),

checked as (
    select
        *,
        {{ quarantine_reason(
            'group_id', [['created_at is null and not is_deleted', 'missing_created_date']] + impossible_time_checks(['created_at', 'modified_at'])
        ) }} as quarantine_reason
    from latest
)

select * from checked
