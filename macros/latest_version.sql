{#-
    The newest version of each row of `relation`, ranked by `version_column` (deletions win ties, so a
    deleted row never comes back). Rows landed without an id cannot be versioned: all of them are kept, to
    be quarantined as null_id. Adds version_rank (always 1 in the result) for auditing.
-#}
{% macro latest_versions(relation, key, version_column) -%}
    select *
    from (
        select
            *,
            case
                when {{ key }} is null then 1
                else row_number() over (
                    partition by {{ key }}
                    order by {{ version_column }} desc, is_deleted desc
                )
            end as version_rank
        from {{ relation }}
    ) as ranked
    where version_rank = 1
{%- endmacro %}
