{#- The two bookkeeping columns every versioned Salesforce table lands with, renamed and cast. -#}
{% macro landed_audit_columns() -%}
    coalesce({{ safe_cast('is_deleted', dbt.type_boolean()) }}, false) as is_deleted,
        {{ landed_timestamp('system_modstamp') }} as modified_at
{%- endmacro %}
