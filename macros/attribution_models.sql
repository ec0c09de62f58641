{#- The attribution models every campaign table offers (see campaign_attribution.attribution_model). -#}
{% macro attribution_models() -%}
    {{ return(['first_touch', 'last_touch', 'linear', 'u_shaped', 'w_shaped', 'time_decay']) }}
{%- endmacro %}

{#- The attribution models as rows (column attribution_model), to cross join with campaigns. -#}
{% macro attribution_model_rows() -%}
    {% for attribution_model in attribution_models() %}
        select '{{ attribution_model }}' as attribution_model
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{%- endmacro %}
