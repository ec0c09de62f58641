{#-
    Pooled quantiles of stage durations without the person-level rows: readers sum the counts of any slice and
    interpolate within a bin (shared_metrics.readouts.stage_durations). Bins are geometric in 1 + hours, var
    duration_bins_per_octave to a doubling, so a bin's width is a fixed share of the duration it holds.
-#}
{%- set stage_pairs = [
    ['Lead', 'MQL', 'days_lead_to_mql'],
    ['MQL', 'SAL', 'days_mql_to_sal'],
    ['SAL', 'SQL', 'days_sal_to_sql'],
    ['SQL', 'Opportunity', 'days_sql_to_opportunity'],
    ['Opportunity', 'Won', 'days_opportunity_to_won'],
] %}

with

lead_funnel as (
    select * from {{ ref('lead_funnel') }}
),

durations as (
    {% for from_stage, to_stage, days in stage_pairs %}
        select
            cohort_month,
            person_type,
            sourced_by,
            lead_source,
            segment,
            territory,
            '{{ from_stage }}' as from_stage,
            '{{ to_stage }}' as to_stage,
            {{ loop.index }} as stage_pair_order,
            -- A skipped stage is reached with the next one: zero days.
            greatest({{ days }}, 0) as duration_days
        from lead_funnel
        where {{ days }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

binned as (
    select
        cohort_month,
        person_type,
        sourced_by,
        lead_source,
        segment,
        territory,
        from_stage,
        to_stage,
        stage_pair_order,
        cast(
            floor({{ var('duration_bins_per_octave') }} * ln(1 + duration_days * 24) / ln(2)) as integer
        ) as duration_bin
    from durations
),

final as (
    select
        cohort_month,
        person_type,
        sourced_by,
        lead_source,
        segment,
        territory,
        from_stage,
        to_stage,
        stage_pair_order,
        duration_bin,
        (power(2, cast(duration_bin as {{ type_double() }}) / {{ var('duration_bins_per_octave') }}) - 1) / 24
            as bin_lower_days,
        (power(2, cast(duration_bin + 1 as {{ type_double() }}) / {{ var('duration_bins_per_octave') }}) - 1) / 24
            as bin_upper_days,
        count(*) as person_count
    from binned
    group by
        cohort_month, person_type, sourced_by, lead_source, segment, territory, from_stage, to_stage,
        stage_pair_order, duration_bin
)

select * from final
