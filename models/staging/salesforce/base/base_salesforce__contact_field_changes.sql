{{ landed_field_changes(
    'contact_history', 'contact_field_change_id', 'contact_id', 'base_salesforce__contacts',
    'stg_salesforce__contacts', var('contact_status_field'), [var('contact_status_field')]
) }}
