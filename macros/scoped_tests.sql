{#-
    Scoped data tests. In an incremental refresh (the refresh sets SHARED_METRICS_TEST_SCOPE=refreshed) the
    generic data tests of a model whose meta names a `test_scope` run on the rows this refresh rewrote, not on
    every row: the rows built before passed the same tests when they were built. A full rebuild (at least every
    var full_rebuild_every_days, the refresh decides) runs every test on every row; singular tests (the
    aggregates' identities, tests/dbt/) and the tests of models without a scope always do.

    meta.test_scope is one of
    - 'refreshed_by': the model's rows carry the refresh that wrote them (the base models);
    - {'column': c, 'keys_model': m}: rows whose c is among the keys listed by model m (column keys_column,
      by default named c (the per-key models: incremental_per_key sets it);
    - {'column': c, 'keys_model': m, 'refreshed_only': true}: the same, over m's rows this refresh wrote
      (a staging view over its base model).
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set scope = refreshed_rows_condition() if execute else '' -%}
    {%- set conditions = [where, scope] | select | list -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where ({{ conditions | join(') and (') }})) as dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{#- The condition that keeps the tested model's refreshed rows, or '' to test every row. -#}
{% macro refreshed_rows_condition() -%}
    {%- if env_var('SHARED_METRICS_TEST_SCOPE', 'all') != 'refreshed' or not model.attached_node -%}
        {{ return('') }}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.attached_node) -%}
    {%- set scope = (tested.config.meta or {}).get('test_scope') if tested else none -%}
    {%- if not scope -%}
        {{ return('') }}
    {%- elif scope == 'refreshed_by' -%}
        {{ return('refreshed_by = ' ~ refresh_id()) }}
    {%- endif -%}
    {%- set keys = model_relation(scope['keys_model']) -%}
    {%- set key_column = scope.get('keys_column', scope['column']) -%}
    {%- set keys_query -%}
        select {{ key_column }} from {{ keys }}
        {%- if scope.get('refreshed_only') %} where refreshed_by = {{ refresh_id() }}{% endif %}
    {%- endset -%}
    {{ return(scope['column'] ~ ' in (' ~ keys_query ~ ')') }}
{%- endmacro %}

{#- The relation of a model by name, from the graph (no ref(): a test must not grow dependencies at run time). -#}
{% macro model_relation(name) -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == name -%}
        {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error('test_scope names an unknown model: ' ~ name) }}
{%- endmacro %}

{#-
    Records when the warehouse was last rebuilt in full (meta.last_full_rebuild, DuckDB), so that the refresh
    rebuilds it again after var full_rebuild_every_days (shared_metrics/refresh_mode.py). A failed build is
    never published, so what it records is discarded with it.
-#}
{% macro record_full_rebuild() -%}
    {{ return(adapter.dispatch('record_full_rebuild', 'shared_metrics')()) }}
{%- endmacro %}

{% macro default__record_full_rebuild() -%}
{%- endmacro %}

{% macro duckdb__record_full_rebuild() -%}
    {%- if execute and flags.FULL_REFRESH and flags.WHICH in ('build', 'run') -%}
        create schema if not exists meta;
        create or replace table meta.last_full_rebuild as
        select {{ refresh_started_at() }} as rebuilt_at;
    {%- endif -%}
{%- endmacro %}
