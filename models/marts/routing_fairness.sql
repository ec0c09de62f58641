{#-
    Routing fairness per fiscal quarter and team: how evenly the router spread lead volume and lead quality over
    the team's reps (Gini coefficients, max ÷ min ratios), and whether the reps' mean lead scores differ by more
    than chance (between-rep chi-square of a one-way analysis of variance, as a normal score by Wilson–Hilferty).
-#}

with

reps as (
    select * from {{ ref('routing_rep_mix') }}
),

teams as (
    select
        reps.fiscal_quarter_start,
        reps.team_name,
        count(*) as rep_count,
        sum(reps.routed_lead_count) as routed_lead_count,
        sum(reps.routed_lead_count * reps.mean_lead_score) / sum(reps.routed_lead_count) as mean_lead_score,
        sum(
            reps.lead_score_square_sum - reps.routed_lead_count * reps.mean_lead_score * reps.mean_lead_score
        ) as within_rep_square_sum,
        avg(cast(reps.routed_lead_count as {{ type_double() }})) as mean_leads_per_rep,
        avg(reps.mean_lead_score) as mean_of_rep_scores,
        cast(max(reps.routed_lead_count) as {{ type_double() }})
        / min(reps.routed_lead_count) as lead_volume_max_min_ratio,
        max(reps.mean_lead_score) / nullif(min(reps.mean_lead_score), 0) as mean_lead_score_max_min_ratio,
        max(reps.expected_sql_rate) / nullif(min(reps.expected_sql_rate), 0) as expected_sql_rate_max_min_ratio,
        max(reps.raw_sql_rate) / nullif(min(reps.raw_sql_rate), 0) as raw_sql_rate_max_min_ratio,
        max(reps.mix_adjusted_sql_rate)
        / nullif(min(reps.mix_adjusted_sql_rate), 0) as mix_adjusted_sql_rate_max_min_ratio
    from reps
    group by reps.fiscal_quarter_start, reps.team_name
),

rep_pairs as (
    -- Gini: the mean absolute difference over all ordered pairs of reps, over twice the mean.
    select
        first_reps.fiscal_quarter_start,
        first_reps.team_name,
        sum(abs(first_reps.routed_lead_count - second_reps.routed_lead_count)) as lead_volume_difference_sum,
        sum(abs(first_reps.mean_lead_score - second_reps.mean_lead_score)) as mean_lead_score_difference_sum
    from reps as first_reps
    inner join reps as second_reps
        on
            first_reps.fiscal_quarter_start = second_reps.fiscal_quarter_start
            and first_reps.team_name = second_reps.team_name
    group by first_reps.fiscal_quarter_start, first_reps.team_name
),

between_reps as (
    select
        reps.fiscal_quarter_start,
        reps.team_name,
        sum(reps.routed_lead_count * power(reps.mean_lead_score - teams.mean_lead_score, 2)) as between_rep_square_sum
    from reps
    inner join teams
        on
            reps.fiscal_quarter_start = teams.fiscal_quarter_start
            and reps.team_name = teams.team_name
    group by reps.fiscal_quarter_start, reps.team_name
),

tested as (
    select
        teams.*,
        rep_pairs.lead_volume_difference_sum,
        rep_pairs.mean_lead_score_difference_sum,
        -- Between-rep sum of squares over the within-rep variance: chi-square with rep_count - 1 degrees of
        -- freedom when the router ignores quality.
        case
            when
                teams.rep_count > 1
                and teams.routed_lead_count > teams.rep_count
                and teams.within_rep_square_sum > 0
                then between_reps.between_rep_square_sum
                    / (teams.within_rep_square_sum / (teams.routed_lead_count - teams.rep_count))
        end as score_chi_square,
        nullif(teams.rep_count - 1, 0) as degrees_of_freedom
    from teams
    inner join rep_pairs
        on
            teams.fiscal_quarter_start = rep_pairs.fiscal_quarter_start
            and teams.team_name = rep_pairs.team_name
    inner join between_reps
        on
            teams.fiscal_quarter_start = between_reps.fiscal_quarter_start
            and teams.team_name = between_reps.team_name
),

skew as (
    select
        tested.*,
        -- Fractions as doubles: Spark divides decimal literals to six places.
        (
            power(tested.score_chi_square / tested.degrees_of_freedom, cast(1 as {{ type_double() }}) / 3)
            - (1 - cast(2 as {{ type_double() }}) / (9 * tested.degrees_of_freedom))
        ) / sqrt(cast(2 as {{ type_double() }}) / (9 * tested.degrees_of_freedom)) as score_skew_z
    from tested
),

final as (
    select
        fiscal_quarter_start,
        team_name,
        rep_count,
        cast(routed_lead_count as {{ dbt.type_bigint() }}) as routed_lead_count,
        mean_lead_score,
        lead_volume_difference_sum / (2.0 * rep_count * rep_count * mean_leads_per_rep) as lead_volume_gini,
        lead_volume_max_min_ratio,
        mean_lead_score_difference_sum
        / nullif(2.0 * rep_count * rep_count * mean_of_rep_scores, 0) as mean_lead_score_gini,
        mean_lead_score_max_min_ratio,
        expected_sql_rate_max_min_ratio,
        raw_sql_rate_max_min_ratio,
        mix_adjusted_sql_rate_max_min_ratio,
        score_chi_square,
        score_skew_z,
        coalesce(score_skew_z > {{ var('routing_skew_z_threshold') }}, false) as is_quality_skewed
    from skew
)

select * from final
