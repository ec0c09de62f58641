{#- Join the segment band (seed segment_bands, bounds inclusive) that an employee count falls in, as `alias`. -#}
{% macro join_segment_band(alias, employee_count) -%}
    left join {{ ref('segment_bands') }} as {{ alias }}
        on
            {{ employee_count }} >= {{ alias }}.min_employees
            and ({{ alias }}.max_employees is null or {{ employee_count }} <= {{ alias }}.max_employees)
{%- endmacro %}
