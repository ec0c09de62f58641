{#-
    A base model of a Salesforce field-history table (LeadHistory, ContactHistory): renamed, typed, the latest
    copy of each row, with the reason it breaks the landing contract. `status_field`: the field whose values
    are funnel statuses (mapped through seed funnel_stage_map, spelled as the map spells them); values of
    fields off `fields_with_values` stay behind (an email, a phone, a name).
-#}
{% macro landed_field_changes(
    source_table, change_key, parent_key, parent_base_model, parent_staged_model, status_field, fields_with_values
) -%}
{%- set kept_field_values -%}
    {{ safe_cast('source.field', dbt.type_string()) }} in ('{{ fields_with_values | join("', '") }}')
{%- endset %}
{%- set landing = read_landed(source_table, 'created_date') %}

with

source as (
    select * from {{ landing.relation }}
),

parents as (
    select {{ parent_key }} from {{ ref(parent_staged_model) }}
),

known_statuses as (
    select
        lead_status,
        lower(trim(lead_status)) as status_key
    from {{ ref('funnel_stage_map') }}
),

renamed as (
    select
        {{ safe_cast('id', dbt.type_string()) }} as {{ change_key }},
        {{ safe_cast(parent_key, dbt.type_string()) }} as {{ parent_key }},
        {{ safe_cast('field', dbt.type_string()) }} as field_name,
        -- A status that differs from the map's only in case or surrounding spaces is the map's status.
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
            source.field = '{{ status_field }}'
            and lower(trim({{ safe_cast('source.old_value', dbt.type_string()) }})) = old_status.status_key
    left join known_statuses as new_status
        on
            source.field = '{{ status_field }}'
            and lower(trim({{ safe_cast('source.new_value', dbt.type_string()) }})) = new_status.status_key
),

to_refresh as (
    {{ landed_rows_to_refresh('renamed', change_key, 'changed_at', [
        [parent_key, parent_base_model, parent_key],
    ], landing=landing) }}
),

latest as (
    -- History rows never change; several copies of one id are replays of the same row.
    {{ latest_versions('to_refresh', change_key, 'changed_at', landing) }}
),

checked as (
    select
        latest.*,
        {{ quarantine_reason('latest.' ~ change_key, [
            ['parents.' ~ parent_key ~ ' is null', 'orphan_' ~ parent_key],
            ["latest.field_name = '" ~ status_field ~ "' and known_statuses.lead_status is null", 'unknown_status'],
        ] + impossible_time_checks(['latest.changed_at'])) }} as quarantine_reason
    from latest
    left join parents on latest.{{ parent_key }} = parents.{{ parent_key }}
    left join known_statuses on latest.new_value = known_statuses.lead_status
)

select * from checked
{%- endmacro %}
