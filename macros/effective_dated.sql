{#-
    Effective-dated seeds (targets): a row is in force from its effective_from until the next row for the same
    keys. effective_dated_rows(seed, keys) selects the seed with each row's effective_until (null for the
    latest); in_force_on(alias, date) is the join condition that picks the row in force on a date.
-#}
{% macro effective_dated_rows(seed, keys) -%}
    select
        *,
        lead(effective_from) over (partition by {{ keys | join(', ') }} order by effective_from) as effective_until
    from {{ ref(seed) }}
{%- endmacro %}

{% macro in_force_on(alias, date_expression) -%}
    {{ date_expression }} >= {{ alias }}.effective_from
    and ({{ alias }}.effective_until is null or {{ date_expression }} < {{ alias }}.effective_until)
{%- endmacro %}
