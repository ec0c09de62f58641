with

sla_by_lead as (
    select * from {{ ref('sales_sla_by_lead') }}
),

final as (
    select
        mql_week,
        mql_month,
        owner_user_id,
        owner_display_name,
        owner_team_name,
        segment,
        count(*) as received_mql_count,
        {{ count_where("first_touch_sla_status = 'met'") }} as first_touch_met_count,
        {{ count_where("first_touch_sla_status = 'missed'") }} as first_touch_missed_count,
        {{ count_where("first_touch_sla_status = 'pending'") }} as first_touch_pending_count,
        {{ rate_with_interval(count_where("first_touch_sla_status = 'met'"),
                              count_where("first_touch_sla_status <> 'pending'"),
                              'first_touch_within_target_rate') }},
        {{ count_where("attempts_sla_status = 'met'") }} as enough_attempts_count,
        {{ count_where("attempts_sla_status = 'pending'") }} as attempts_pending_count,
        {{ rate_with_interval(count_where("attempts_sla_status = 'met'"),
                              count_where("attempts_sla_status <> 'pending'"), 'enough_attempts_rate') }},
        {{ percentile('business_minutes_to_first_touch', 0.5) }} as median_business_minutes_to_first_touch,
        {{ count_where('is_never_touched') }} as never_touched_count
    from sla_by_lead
    group by mql_week, mql_month, owner_user_id, owner_display_name, owner_team_name, segment
)

select * from final
