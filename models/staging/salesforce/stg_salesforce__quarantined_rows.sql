{#- A table, not a view: the data-quality page reads it, and the rows it lists are few (12 scans otherwise). -#}
{{ config(materialized='table') }}

with

final as (
    {% for source_table, base_model, key, changed_at in salesforce_tables() %}
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
