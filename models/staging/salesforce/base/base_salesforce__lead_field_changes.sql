{{ landed_field_changes(
    'lead_history', 'lead_field_change_id', 'lead_id', 'base_salesforce__leads', 'stg_salesforce__leads',
    'Status', var('lead_history_fields_with_values')
) }}
