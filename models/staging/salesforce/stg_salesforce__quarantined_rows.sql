{%- set checked_tables = [
    ('user', 'base_salesforce__users', 'user_id'),
    ('account', 'base_salesforce__accounts', 'account_id'),
    ('contact', 'base_salesforce__contacts', 'contact_id'),
    ('lead', 'base_salesforce__leads', 'lead_id'),
    ('lead_history', 'base_salesforce__lead_field_changes', 'lead_field_change_id'),
    ('campaign', 'base_salesforce__campaigns', 'campaign_id'),
    ('campaign_member', 'base_salesforce__campaign_members', 'campaign_member_id'),
    ('task', 'base_salesforce__tasks', 'task_id'),
    ('event', 'base_salesforce__events', 'event_id'),
    ('opportunity', 'base_salesforce__opportunities', 'opportunity_id'),
    ('opportunity_history', 'base_salesforce__opportunity_stage_changes', 'opportunity_stage_change_id'),
    ('opportunity_contact_role', 'base_salesforce__opportunity_contact_roles', 'opportunity_contact_role_id'),
] -%}

with

final as (
    {% for source_table, base_model, key in checked_tables %}
        select
            '{{ source_table }}' as source_table,
            {{ key }} as record_id,
            quarantine_reason
        from {{ ref(base_model) }}
        where not is_deleted and quarantine_reason is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
