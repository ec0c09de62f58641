{#- The attribution models every campaign table offers (see campaign_attribution.attribution_model). -#}
{% macro attribution_models() -%}
    {{ return(['first_touch', 'last_touch', 'linear', 'u_shaped', 'w_shaped', 'time_decay']) }}
{%- endmacro %}
