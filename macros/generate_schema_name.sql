{#-
    Custom schemas are used exactly as named (staging, config, metrics), never prefixed with the target schema.
    A refresh on a server target builds them under their names plus SHARED_METRICS_SCHEMA_SUFFIX (candidates
    that become the published schemas only when every test passed: shared_metrics/engines/postgres.py).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
    {{- env_var('SHARED_METRICS_SCHEMA_SUFFIX', '') -}}
{%- endmacro %}
