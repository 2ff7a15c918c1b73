{#
  Feature specs: every feature of client_features is a dict made here, and the same dict gives
  both its SQL (models) and its catalog row (feature_catalog). Nothing is listed twice.
    name           column name in client_features (snake_case, source prefix)
    sql            expression over the model's input rows (an aggregate for side tables)
    source_table   raw table the value comes from
    source_column  Kaggle column it is computed from (NULL for ratios and combinations of columns)
    aggregation    how it is computed, in words
    label          plain-language label for relationship managers
    derived        true when the aggregated value is computed per row first (a lateness, a ratio): the
                   source column's Kaggle description would not describe it
#}

{% macro slug(text) -%}
  {{ return(modules.re.sub('[^a-z0-9]+', '_', (text | string | lower)).strip('_')) }}
{%- endmacro %}

{% macro feature(name, sql, source_table, source_column, aggregation, label, derived=false) -%}
  {{ return({'name': name, 'sql': sql, 'source_table': source_table, 'source_column': source_column,
             'aggregation': aggregation, 'label': label, 'derived': derived}) }}
{%- endmacro %}

{# Readable words for a Kaggle column: a phrase for the columns the families aggregate and the social
   circle counts, else word by word (AMT_REQ_CREDIT_BUREAU_MON -> "amount enquiries credit bureau month"). #}
{% macro column_words(column) -%}
  {%- set phrases = {
      'DAYS_CREDIT': 'credit opened (days before the application)', 'CREDIT_DAY_OVERDUE': 'days overdue',
      'DAYS_CREDIT_ENDDATE': 'planned end (days from the application)', 'DAYS_ENDDATE_FACT': 'actual end (days before the application)',
      'AMT_CREDIT_MAX_OVERDUE': 'largest amount overdue', 'CNT_CREDIT_PROLONG': 'prolongations',
      'AMT_CREDIT_SUM': 'credit amount', 'AMT_CREDIT_SUM_DEBT': 'current debt', 'AMT_CREDIT_SUM_LIMIT': 'card limit',
      'AMT_CREDIT_SUM_OVERDUE': 'amount overdue', 'DAYS_CREDIT_UPDATE': 'last update (days before the application)',
      'AMT_ANNUITY': 'annuity', 'AMT_APPLICATION': 'amount asked', 'AMT_CREDIT': 'credit amount',
      'AMT_DOWN_PAYMENT': 'down payment', 'AMT_GOODS_PRICE': 'goods price', 'RATE_DOWN_PAYMENT': 'down payment rate',
      'HOUR_APPR_PROCESS_START': 'hour of the application', 'DAYS_DECISION': 'decision (days before the application)',
      'CNT_PAYMENT': 'number of payments', 'DAYS_FIRST_DRAWING': 'first drawing (days from the application)',
      'DAYS_FIRST_DUE': 'first due date (days from the application)', 'DAYS_LAST_DUE_1ST_VERSION': 'planned last due date (days from the application)',
      'DAYS_LAST_DUE': 'last due date (days from the application)', 'DAYS_TERMINATION': 'planned end (days from the application)',
      'NFLAG_INSURED_ON_APPROVAL': 'insurance asked', 'MONTHS_BALANCE': 'month (before the application)',
      'CNT_INSTALMENT': 'term in instalments', 'CNT_INSTALMENT_FUTURE': 'instalments left to pay',
      'SK_DPD': 'days past due', 'SK_DPD_DEF': 'days past due (beyond the tolerance)',
      'NUM_INSTALMENT_VERSION': 'instalment calendar version', 'DAYS_INSTALMENT': 'due date (days before the application)',
      'AMT_INSTALMENT': 'amount due', 'AMT_BALANCE': 'balance', 'AMT_CREDIT_LIMIT_ACTUAL': 'credit limit',
      'AMT_DRAWINGS_ATM_CURRENT': 'cash withdrawals', 'AMT_DRAWINGS_CURRENT': 'drawings', 'AMT_DRAWINGS_POS_CURRENT': 'shop purchases',
      'AMT_INST_MIN_REGULARITY': 'minimum instalment', 'AMT_PAYMENT_CURRENT': 'payment',
      'CNT_DRAWINGS_ATM_CURRENT': 'number of cash withdrawals', 'CNT_DRAWINGS_CURRENT': 'number of drawings',
      'CNT_DRAWINGS_POS_CURRENT': 'number of shop purchases', 'CNT_INSTALMENT_MATURE_CUM': 'instalments paid so far',
      'OBS_30_CNT_SOCIAL_CIRCLE': 'people around the client observed 30 days past due',
      'DEF_30_CNT_SOCIAL_CIRCLE': 'people around the client who defaulted (30 days past due)',
      'OBS_60_CNT_SOCIAL_CIRCLE': 'people around the client observed 60 days past due',
      'DEF_60_CNT_SOCIAL_CIRCLE': 'people around the client who defaulted (60 days past due)',
  } -%}
  {%- if column in phrases %}{{ return(phrases[column]) }}{% endif -%}
  {%- set words = {
      'AMT': 'amount', 'CNT': 'number of', 'DAYS': 'days', 'DPD': 'days past due', 'SK': '', 'DEF': 'beyond the tolerance',
      'CURR': 'current', 'PREV': 'previous', 'INST': 'instalment', 'APPR': 'application', 'REQ': 'enquiries',
      'FAM': 'family', 'OBS': 'observed', 'MEDI': 'median', 'AVG': 'average', 'MODE': 'mode',
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

{#- Means and sums are taken over DOUBLE: DuckDB sums integers as HUGEINT (features are DOUBLE/BIGINT/
    INTEGER), and its avg of integers costs 1.7x its avg of doubles (BENCHMARKS.md, build). -#}
{% macro agg_sql(agg, expr) -%}
  {%- if agg == 'mean' -%}{{ return('avg(cast(' ~ expr ~ ' as double))') }}
  {%- elif agg == 'var' -%}{{ return(variance(expr)) }}
  {%- elif agg == 'sum' -%}{{ return('sum(cast(' ~ expr ~ ' as double))') }}
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
      {%- set sql = templates[agg] | replace('__EXPR__', expr) -%}
      {#- a total over a split with no rows (a client whose credits are all closed) is 0, not unknown -#}
      {%- set sql = 'coalesce(' ~ sql ~ ', 0)' if when is not none and agg == 'sum' else sql -%}
      {%- do specs.append(feature(name, sql, source_table, source_column,
            words[agg] ~ (' over ' ~ scope_label if scope_label else ''),
            scope_label ~ ': ' ~ col_label ~ ' (' ~ words[agg] ~ ')', derived=c is mapping)) -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(specs) }}
{%- endmacro %}

{# Averages over the `n` most recent rows of the group (`order_by`: [key, tie-break id]): <prefix>_<scope>_<column>_mean.
   `fields` (see mean_of_latest) holds every value the family reads from those rows, these columns included. #}
{% macro latest_family(prefix, source_table, columns, fields, order_by, n, scope, scope_label) -%}
  {%- set specs = [] -%}
  {%- for c in columns -%}
    {%- do specs.append(feature(prefix ~ '_' ~ scope ~ '_' ~ (c | lower) ~ '_mean', mean_of_latest(fields, c | lower, order_by, n),
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
