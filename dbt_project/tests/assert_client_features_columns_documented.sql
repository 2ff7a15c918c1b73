-- Every column of client_features is described in dbt's docs (models/marts/_client_features.yml), and a
-- feature column says what feature_catalog says: a feature added to the specs without regenerating the
-- YAML fails the build here, naming the columns (a failing row count alone would not name them).
-- depends_on: {{ ref('client_features') }} {{ ref('feature_catalog') }}
{%- set documented = {} %}
{%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == 'client_features' %}
    {%- for name, column in node.columns.items() %}{% do documented.update({name | lower: column.description}) %}{% endfor %}
{%- endfor %}
{#- only when tests run: `dbt show` (scripts/generate_client_features_yml.py) compiles this node too -#}
{%- if execute and flags.WHICH in ('build', 'test') %}
    {#- the table's columns from the adapter (information_schema is DuckDB's, Spark has none) -#}
    {%- set catalog = {} %}
    {%- for feature, description in run_query('select feature, description from ' ~ ref('feature_catalog')).rows %}
        {%- do catalog.update({feature: description}) %}
    {%- endfor %}
    {%- set undocumented, stale, built = [], [], [] %}
    {%- for column in adapter.get_columns_in_relation(ref('client_features')) %}
        {%- set name, catalog_text = column.name | lower, catalog.get(column.name | lower) %}
        {%- do built.append(name) %}
        {%- if not (documented.get(name) or '') | trim %}{% do undocumented.append(name) %}
        {%- elif catalog_text is not none and documented[name] != catalog_text %}{% do stale.append(name) %}{% endif %}
    {%- endfor %}
    {%- set gone = documented.keys() | reject('in', built) | list %}
    {%- if undocumented or stale or gone %}
        {{ exceptions.raise_compiler_error(
            ('no description: ' ~ undocumented | join(', ') ~ '; ' if undocumented else '')
            ~ ('description differs from feature_catalog: ' ~ stale | join(', ') ~ '; ' if stale else '')
            ~ ('documented but not in the table: ' ~ gone | join(', ') ~ '; ' if gone else '')
            ~ 'run scripts/generate_client_features_yml.py') }}
    {%- endif %}
{%- endif %}
select 1 as documented where false
