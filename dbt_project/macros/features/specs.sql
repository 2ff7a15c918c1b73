{#
  Feature specs: every feature of client_features is a dict made here, and the same dict gives
  both its SQL (models) and its catalog row (feature_catalog). Nothing is listed twice.
    name           column name in client_features (snake_case, source prefix)
    sql            expression over the model's input rows (an aggregate for side tables)
    source_table   raw table the value comes from
    source_column  Kaggle column it is computed from (NULL for derived features)
    aggregation    how it is computed, in words
    label          plain-language label for relationship managers
#}

{% macro slug(text) -%}
  {{ return(modules.re.sub('[^a-z0-9]+', '_', (text | string | lower)).strip('_')) }}
{%- endmacro %}

{% macro feature(name, sql, source_table, source_column, aggregation, label) -%}
  {{ return({'name': name, 'sql': sql, 'source_table': source_table, 'source_column': source_column,
             'aggregation': aggregation, 'label': label}) }}
{%- endmacro %}

{# Readable words for Kaggle column names: AMT_CREDIT_SUM_DEBT -> "amount credit sum debt" etc. #}
{% macro column_words(column) -%}
  {%- set words = {
      'AMT': 'amount', 'CNT': 'number of', 'DAYS': 'days', 'DPD': 'days past due', 'SK': '', 'DEF': 'with tolerance',
      'CURR': 'current', 'PREV': 'previous', 'INST': 'instalment', 'APPR': 'application', 'REQ': 'enquiries',
      'FAM': 'family', 'OBS': 'observed', 'CNT_SOCIAL': 'social', 'MEDI': 'median', 'AVG': 'average', 'MODE': 'mode',
      'ENDDATE': 'end date', 'FACT': 'actual', 'NUM': 'number', 'RECIVABLE': 'receivable', 'ATM': 'cash machine',
      'POS': 'shop', 'MIN': 'minimum', 'MAX': 'maximum', 'ID': 'id', 'EXT': 'external', 'FLAG': 'flag', 'NFLAG': 'flag',
      'MON': 'month', 'QRT': 'quarter', 'WEEK': 'week', 'YEAR': 'year', 'HOUR': 'hour', 'DAY': 'day',
  } -%}
  {%- set out = [] -%}
  {%- for token in column.split('_') -%}
    {%- set w = words.get(token, token | lower) -%}
    {%- if w %}{% do out.append(w) %}{% endif -%}
  {%- endfor -%}
  {{ return(out | join(' ')) }}
{%- endmacro %}

{% macro agg_words(agg) -%}
  {{ return({'mean': 'average', 'min': 'minimum', 'max': 'maximum', 'sum': 'total', 'var': 'variance'}[agg]) }}
{%- endmacro %}

{% macro agg_sql(agg, expr) -%}
  {%- if agg == 'mean' -%}{{ return('avg(' ~ expr ~ ')') }}
  {%- elif agg == 'var' -%}{{ return(variance(expr)) }}
  {#- sums of integers would be HUGEINT in DuckDB; features are DOUBLE/BIGINT/INTEGER -#}
  {%- elif agg == 'sum' -%}{{ return('cast(sum(' ~ expr ~ ') as double)') }}
  {%- else -%}{{ return(agg ~ '(' ~ expr ~ ')') }}
  {%- endif -%}
{%- endmacro %}

{#
  Numeric family: aggs over columns, optionally only over rows where `when` holds (a split or a
  window); `scope` (e.g. 'active') goes into the name, `scope_label` into the label.
  columns: Kaggle column names, or dicts {name, sql, label} for derived per-row values.
#}
{% macro numeric_family(prefix, source_table, columns, aggs, scope_label, scope=none, when=none) -%}
  {#- words and SQL of each aggregate once per family, not per feature: a dbt macro call costs ~40 µs and
      the specs are rendered by several nodes of every build -#}
  {%- set words, templates = {}, {} -%}
  {%- for agg in aggs -%}
    {%- do words.update({agg: agg_words(agg)}) -%}
    {%- do templates.update({agg: agg_sql(agg, '__EXPR__')}) -%}
  {%- endfor -%}
  {%- set specs = [] -%}
  {%- for c in columns -%}
    {%- if c is mapping -%}
      {%- set col_name, col_sql, col_label, source_column = c.name, c.sql, c.label, c.get('source_column') -%}
    {%- else -%}
      {%- set col_name, col_sql, col_label, source_column = c | lower, c | lower, column_words(c), c -%}
    {%- endif -%}
    {%- set expr = col_sql if when is none else 'case when ' ~ when ~ ' then ' ~ col_sql ~ ' end' -%}
    {%- for agg in aggs -%}
      {%- set name = prefix ~ ('_' ~ scope if scope else '') ~ '_' ~ col_name ~ '_' ~ agg -%}
      {%- do specs.append(feature(name, templates[agg] | replace('__EXPR__', expr), source_table, source_column,
            words[agg] ~ (' over ' ~ scope_label if scope_label else ''),
            scope_label ~ ': ' ~ col_label ~ ' (' ~ words[agg] ~ ')')) -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(specs) }}
{%- endmacro %}

{# Averages over the `n` most recent rows of the group (by `order_by`): <prefix>_<scope>_<column>_mean #}
{% macro latest_family(prefix, source_table, columns, order_by, n, scope, scope_label) -%}
  {%- set specs = [] -%}
  {%- for c in columns -%}
    {%- do specs.append(feature(prefix ~ '_' ~ scope ~ '_' ~ (c | lower) ~ '_mean', mean_of_latest(c | lower, order_by, n),
          source_table, c, 'average over ' ~ scope_label, scope_label ~ ': ' ~ column_words(c) ~ ' (average)')) -%}
  {%- endfor -%}
  {{ return(specs) }}
{%- endmacro %}

{# Share of rows at each level of a category: <prefix>_<column>_<level>_share #}
{% macro share_family(prefix, source_table, column, levels, scope_label) -%}
  {%- set specs, words = [], column_words(column) -%}
  {%- for level in levels -%}
    {%- set name = prefix ~ '_' ~ (column | lower) ~ '_' ~ slug(level) ~ '_share' -%}
    {%- do specs.append(feature(name,
          'avg(case when ' ~ (column | lower) ~ " = '" ~ level ~ "' then 1.0 else 0.0 end)",
          source_table, column, 'share of records with level "' ~ level ~ '"',
          scope_label ~ ': share with ' ~ words ~ ' "' ~ level ~ '"')) -%}
  {%- endfor -%}
  {{ return(specs) }}
{%- endmacro %}

{# Count of rows (optionally where a condition holds) #}
{% macro count_feature(name, source_table, label, when=none) -%}
  {%- set sql = 'count(*)' if when is none else count_where(when) -%}
  {{ return(feature(name, 'cast(' ~ sql ~ ' as bigint)', source_table, none,
        'number of records' ~ (' where ' ~ when if when else ''), label)) }}
{%- endmacro %}

{# select-list rendering of specs #}
{% macro render_features(specs, indent='    ') -%}
  {%- for f in specs %}
{{ indent }}{{ f.sql }} as {{ f.name }}{{ ',' if not loop.last }}
  {%- endfor %}
{%- endmacro %}

{# The specs of every side-table family, in client_features column order after the app_ columns #}
{% macro side_table_feature_groups() -%}
  {{ return([
      ('int_bureau__aggregated_to_client', bureau_feature_specs()),
      ('int_previous_applications__aggregated_to_client', previous_application_feature_specs()),
      ('int_pos_cash__aggregated_to_client', pos_cash_feature_specs()),
      ('int_installments__aggregated_to_client', installments_feature_specs()),
      ('int_credit_card__aggregated_to_client', credit_card_feature_specs()),
  ]) }}
{%- endmacro %}

{# Every spec in client_features column order; pass `groups` (side_table_feature_groups()) when the
   caller has them already: rendering the specs is most of a model's compile time. #}
{% macro all_feature_specs(groups=none) -%}
  {%- set specs = application_feature_specs() -%}
  {%- for _, group in (groups or side_table_feature_groups()) %}{% do specs.extend(group) %}{% endfor -%}
  {{ return(specs) }}
{%- endmacro %}
