{#-
    A bound of the 95 % Wilson score interval of a proportion: `successes` of `trials`, `side` 'lower' or
    'upper'; null without trials. Wilson rather than the normal approximation: it stays inside [0, 1] and keeps
    its coverage for small counts and rates near 0 or 1, where leaders most often misread a rate. Kept between
    0 and the rate (lower) or the rate and 1 (upper), against floating-point rounding at 0 and n successes.
-#}
{% macro wilson_bound(successes, trials, side) -%}
    {%- set z = z_95() | trim | float -%}
    {%- set k = 'cast(' ~ successes ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set n = 'cast(' ~ trials ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set bound -%}
        ({{ k }} + {{ z * z / 2 }}) / ({{ n }} + {{ z * z }})
        {{ '-' if side == 'lower' else '+' }} {{ z }}
        * sqrt({{ k }} * ({{ n }} - {{ k }}) / {{ n }} + {{ z * z / 4 }}) / ({{ n }} + {{ z * z }})
    {%- endset -%}
    case
        when {{ trials }} > 0 then
            {%- if side == 'lower' %}
            greatest(0.0, least({{ k }} / {{ n }}, {{ bound }}))
            {%- else %}
            least(1.0, greatest({{ k }} / {{ n }}, {{ bound }}))
            {%- endif %}
    end
{%- endmacro %}


{#- The standard normal quantile of a two-sided 95 % interval. -#}
{% macro z_95() -%}
    1.959963984540054
{%- endmacro %}

{#-
    A rate and its 95 % Wilson interval as three columns: `name`, `name`_lower and `name`_upper. Null without
    trials.
-#}
{% macro rate_with_interval(successes, trials, name) -%}
    {{ ratio(successes, trials) }} as {{ name }},
    {{ wilson_bound(successes, trials, 'lower') }} as {{ name }}_lower,
    {{ wilson_bound(successes, trials, 'upper') }} as {{ name }}_upper
{%- endmacro %}
