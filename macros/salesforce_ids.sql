{#-
    Whether a text is a Salesforce id of a user (key prefix 005) or a group (00G, queues among them): 15 or 18
    characters. Lead history writes each owner change twice, once with ids and once with display names; this
    tells the two apart.
-#}
{% macro is_owner_id(expression) -%}
    (
        substring({{ expression }}, 1, 3) in ('005', '00G')
        and length({{ expression }}) in (15, 18)
    )
{%- endmacro %}
