{#-
    What the router gave each rep, per fiscal quarter of assignment: the leads that came out of a queue to the rep
    (the first active rep to own them), their quality (lead score; expected SQLs from the quarter's rate for each
    lead's segment × sourced-by × score band), and the rep's SQL rate raw and adjusted for that mix.
-#}

with

routed_leads as (
    select
        routing.lead_id,
        routing.assigned_user_id,
        routing.assigned_team_name,
        {{ fiscal_quarter_start('routing.assigned_at') }} as fiscal_quarter_start,
        routing.segment,
        routing.sourced_by,
        scored.lead_score,
        scored.score_band_floor,
        case when sqls.lead_id is not null then 1 else 0 end as is_sql
    from {{ ref('lead_routing') }} as routing
    inner join {{ ref('int_leads__scored') }} as scored on routing.lead_id = scored.lead_id
    left join {{ ref('int_leads__stages_reached') }} as sqls
        on
            routing.lead_id = sqls.lead_id
            and sqls.funnel_stage = 'SQL'
    where routing.is_queue_routed and routing.assigned_user_id is not null
),

stratum_rates as (
    select
        fiscal_quarter_start,
        segment,
        sourced_by,
        score_band_floor,
        avg(cast(is_sql as {{ type_double() }})) as stratum_sql_rate
    from routed_leads
    group by fiscal_quarter_start, segment, sourced_by, score_band_floor
),

quarter_rates as (
    select
        fiscal_quarter_start,
        avg(cast(is_sql as {{ type_double() }})) as quarter_sql_rate
    from routed_leads
    group by fiscal_quarter_start
),

per_rep as (
    select
        routed_leads.fiscal_quarter_start,
        routed_leads.assigned_user_id,
        routed_leads.assigned_team_name,
        count(*) as routed_lead_count,
        sum(cast(routed_leads.lead_score as {{ type_double() }})) as lead_score_sum,
        sum(cast(routed_leads.lead_score as {{ type_double() }}) * routed_leads.lead_score) as lead_score_square_sum,
        sum(routed_leads.is_sql) as sql_count,
        sum(stratum_rates.stratum_sql_rate) as expected_sql_count
    from routed_leads
    inner join stratum_rates
        on
            routed_leads.fiscal_quarter_start = stratum_rates.fiscal_quarter_start
            and routed_leads.segment = stratum_rates.segment
            and routed_leads.sourced_by = stratum_rates.sourced_by
            and routed_leads.score_band_floor = stratum_rates.score_band_floor
    group by routed_leads.fiscal_quarter_start, routed_leads.assigned_user_id, routed_leads.assigned_team_name
),

final as (
    select
        per_rep.fiscal_quarter_start,
        per_rep.assigned_user_id as user_id,
        rep_users.user_display_name,
        per_rep.assigned_team_name as team_name,
        rep_users.is_active,
        per_rep.routed_lead_count,
        per_rep.lead_score_sum / per_rep.routed_lead_count as mean_lead_score,
        per_rep.lead_score_square_sum,
        cast(per_rep.sql_count as {{ dbt.type_bigint() }}) as sql_count,
        per_rep.expected_sql_count,
        {{ rate_with_interval('per_rep.sql_count', 'per_rep.routed_lead_count', 'raw_sql_rate') }},
        per_rep.expected_sql_count / per_rep.routed_lead_count as expected_sql_rate,
        -- Indirect standardisation: the rep's observed-to-expected ratio times the quarter's rate.
        {{ ratio('per_rep.sql_count', 'per_rep.expected_sql_count') }}
        * quarter_rates.quarter_sql_rate as mix_adjusted_sql_rate
    from per_rep
    inner join quarter_rates on per_rep.fiscal_quarter_start = quarter_rates.fiscal_quarter_start
    left join {{ ref('stg_salesforce__users') }} as rep_users on per_rep.assigned_user_id = rep_users.user_id
)

select * from final
