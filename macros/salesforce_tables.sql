{#-
    Every landed Salesforce table with its base model, key and change timestamp, so the models that cover
    all tables (quarantine list, data quality) stay in step when a table is added.
-#}
{% macro salesforce_tables() -%}
    {{ return([
        ('user', 'base_salesforce__users', 'user_id', 'modified_at'),
        ('group', 'base_salesforce__groups', 'group_id', 'modified_at'),
        ('account', 'base_salesforce__accounts', 'account_id', 'modified_at'),
        ('contact', 'base_salesforce__contacts', 'contact_id', 'modified_at'),
        ('lead', 'base_salesforce__leads', 'lead_id', 'modified_at'),
        ('lead_history', 'base_salesforce__lead_field_changes', 'lead_field_change_id', 'changed_at'),
        ('contact_history', 'base_salesforce__contact_field_changes', 'contact_field_change_id', 'changed_at'),
        ('campaign', 'base_salesforce__campaigns', 'campaign_id', 'modified_at'),
        ('campaign_member', 'base_salesforce__campaign_members', 'campaign_member_id', 'modified_at'),
        ('task', 'base_salesforce__tasks', 'task_id', 'modified_at'),
        ('event', 'base_salesforce__events', 'event_id', 'modified_at'),
        ('opportunity', 'base_salesforce__opportunities', 'opportunity_id', 'modified_at'),
        ('opportunity_history', 'base_salesforce__opportunity_stage_changes', 'opportunity_stage_change_id', 'changed_at'),
        ('opportunity_contact_role', 'base_salesforce__opportunity_contact_roles', 'opportunity_contact_role_id', 'modified_at'),
    ]) }}
{%- endmacro %}
