{#-
    The newest version of each row of `relation` (landed_rows_to_refresh: renamed rows with their
    row_fingerprint), ranked by `version_column` (deletions win ties, so a
    deleted row never comes back); a version stamped impossibly far ahead never beats a possible one (it is
    kept, and quarantined, only when it is the only one). Adds is_missing_version: landed without a version
    stamp (quarantined as missing_version_stamp: when it changed, and so which version is newest, is unknown).
    Rows landed without an id cannot be versioned: all of them are kept, to
    be quarantined as null_id. Adds version_rank (always 1 in the result) for auditing,
    has_conflicting_versions: two different rows landed for the id with the same version (quarantined as
    conflicting_versions, since which one is right cannot be told; exact duplicates are not conflicts),
    and for incremental refreshes landed_row_key (the id, or the row's fingerprint without one) and
    refreshed_by (the refresh that wrote the row). `landing` (read_landed): when only the files not read yet
    are read, a conflict among the files read before is known from the built row.
-#}
{% macro latest_versions(relation, key, version_column, landing=none) -%}
    {%- set reads_new_files = is_incremental() and landing is not none and landing.reads == 'new_files' -%}
    select
        *,
        {{ landed_row_key(key, 'row_fingerprint') }} as landed_row_key,
        {{ refresh_id() }} as refreshed_by,
        {{ version_column }} is null as is_missing_version
    from (
        select
            *,
            case
                when {{ key }} is null then 1
                else row_number() over (
                    partition by {{ key }}
                    order by
                        {{ version_column }} > {{ latest_possible_timestamp() }},
                        {{ version_column }} desc,
                        is_deleted desc
                )
            end as version_rank,
            {{ key }} is not null and (
                min(row_fingerprint) over (
                    partition by {{ key }}, {{ version_column }}, is_deleted
                ) <> max(row_fingerprint) over (
                    partition by {{ key }}, {{ version_column }}, is_deleted
                )
                {%- if reads_new_files %}
                {#- Only the built row stands for the files read before: it carries their conflict. #}
                or exists (
                    select 1 from {{ this }} as built
                    where
                        built.has_conflicting_versions
                        and built.{{ key }} = versions.{{ key }}
                        and built.{{ version_column }} is not distinct from versions.{{ version_column }}
                        and built.is_deleted = versions.is_deleted
                )
                {%- endif %}
            ) as has_conflicting_versions
        from {{ relation }} as versions
    ) as ranked
    where version_rank = 1
{%- endmacro %}

{#- Identifies a landed row for incremental rewrites: its id, or its fingerprint without one. -#}
{% macro landed_row_key(key, fingerprint) -%}
    coalesce(
        {{ safe_cast(key, dbt.type_string()) }}, 'null_id:' || {{ safe_cast(fingerprint, dbt.type_string()) }}
    )
{%- endmacro %}

{#- A hash of every column of the row of `alias` (a table or CTE name in the from clause). -#}
{% macro row_fingerprint(alias) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'shared_metrics')(alias)) }}
{%- endmacro %}

{% macro default__row_fingerprint(alias) -%}
    md5(cast({{ alias }} as {{ dbt.type_string() }}))
{%- endmacro %}

{% macro duckdb__row_fingerprint(alias) -%}
    hash({{ alias }})
{%- endmacro %}

{% macro spark__row_fingerprint(alias) -%}
    hash(*)
{%- endmacro %}
