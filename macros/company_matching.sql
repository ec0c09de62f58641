{#-
    The normalisations lead-to-account matching compares (int_leads__matched_to_accounts): the domain of an
    email address or a website, and a company name without case, punctuation or a trailing legal form.
-#}

{#- Every match of a regular expression replaced (patterns avoid backslashes: Spark reads them as escapes). -#}
{% macro replace_all_matches(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('replace_all_matches', 'shared_metrics')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__replace_all_matches(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__replace_all_matches(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{#- The part of an email address after the @, lower case; null without one. -#}
{% macro email_domain(expression) -%}
    nullif(lower(trim({{ dbt.split_part(expression, "'@'", 2) }})), '')
{%- endmacro %}

{#- A website's host without scheme, www. or path (https://www.Example.com/about -> example.com). -#}
{% macro website_domain(expression) -%}
    nullif({{ dbt.split_part(replace_all_matches('lower(trim(' ~ expression ~ '))', '^([a-z]+://)?(www[.])?', ''), "'/'", 1) }}, '')
{%- endmacro %}

{#- A company name in lower case, punctuation as single spaces, without a trailing legal form (Inc, GmbH, ...). -#}
{% macro normalised_company_name(expression) -%}
    nullif(trim({{ replace_all_matches(
        'trim(' ~ replace_all_matches('lower(' ~ expression ~ ')', '[^a-z0-9]+', ' ') ~ ')',
        ' (inc|incorporated|llc|ltd|limited|gmbh|ag|kk|pty ltd|sa|sas|bv|nv|plc|corp|corporation|co)$',
        ''
    ) }}), '')
{%- endmacro %}
