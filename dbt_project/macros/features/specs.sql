{#
  Feature specs: every feature of client_features is a dict made here, and the same dict gives
  both its SQL (models) and its catalog row (feature_catalog). Nothing is listed twice; adding a
  feature is one spec entry (the catalog, the docs of client_features and their tests follow).
    name            column name in client_features (snake_case, source prefix)
    sql             expression over the model's input rows (an aggregate for side tables)
    source_table    raw table the value comes from
    source_column   Kaggle column it is computed from (NULL for combinations of columns)
    aggregation     how it is computed, in words
    label           plain-language label for relationship managers ("Annual income", "Gender: female")
    kind            what the value is, which says how to show it:
                      amount         money (unit currency)
                      ratio          one quantity over another, no unit
                      share          a proportion 0-1 (shown as %)
                      count          a number of things (credits, months, people)
                      days           a number of days: a length or a lateness (unit days), or a date as days
                                     from the application, negative before it (unit days from application)
                      months         a date as months from the application (MONTHS_BALANCE)
                      years          a length in years
                      flag           0/1 (yes/no)
                      one-hot        0/1: the category column is at `level`
                      score          a rating or a normalised number (external scores, region rating)
                      category_code  a number that names a category (hour of the day, calendar version)
                      variance       a variance (squared units of the column)
    unit            currency, days, days from application, months from application, years, share 0-1,
                    count, score 0-1, rating 1-3, hour, none
    level           the category level of a one-hot or share-of-level feature (as in the data); NULL otherwise
    level_label     the level in words ("female" for F); NULL when level is NULL
    family          the group of features a relationship manager would give as one reason ("external scores",
                    "credit bureau", "affordability", ...)
    risk_direction  expected direction of the risk as the value grows: 1, -1, or NULL when not known
    formula         for a feature computed from several values (a ratio, a lateness), how, over Kaggle
                    columns; per row of the source table when `aggregation` then summarises the rows
    protected       the protected attribute the feature is or encodes ("gender", "family status"), NULL otherwise.
                    Protected features stay in client_features and client_profile (fairness reporting) but
                    training leaves them out of the model: they are never inputs, nor reasons (models_ml/data.py).
  Columns are named, never picked by position: `derived(...)` dicts are bound to names before use.
#}

{% macro slug(text) -%}
  {{ return(modules.re.sub('[^a-z0-9]+', '_', (text | string | lower)).strip('_')) }}
{%- endmacro %}

{% macro feature(name, sql, source_table, source_column, aggregation, label, kind, unit, family, level=none, level_label=none,
                 formula=none, risk_direction=none, protected=none) -%}
  {{ return({'name': name, 'sql': sql, 'source_table': source_table, 'source_column': source_column,
             'aggregation': aggregation, 'label': label, 'kind': kind, 'unit': unit, 'family': family, 'level': level,
             'level_label': level_label if level_label is not none else level, 'formula': formula,
             'risk_direction': risk_direction, 'protected': protected}) }}
{%- endmacro %}

{# The family of every side-table feature: the table a relationship manager would name #}
{% macro table_family(source_table) -%}
  {{ return({'bureau': 'credit bureau', 'bureau_balance': 'credit bureau', 'previous_application': 'previous applications',
             'pos_cash_balance': 'POS/cash loans', 'installments_payments': 'instalment payments',
             'credit_card_balance': 'card use'}[source_table]) }}
{%- endmacro %}

{# kind and unit of a Kaggle numeric column's values #}
{% macro column_kind(column) -%}
  {%- set explicit = {
      'DAYS_BIRTH': ('days', 'days'), 'DAYS_EMPLOYED': ('days', 'days'), 'CREDIT_DAY_OVERDUE': ('days', 'days'),
      'SK_DPD': ('days', 'days'), 'SK_DPD_DEF': ('days', 'days'),
      'MONTHS_BALANCE': ('months', 'months from application'), 'OWN_CAR_AGE': ('years', 'years'),
      'HOUR_APPR_PROCESS_START': ('category_code', 'hour'), 'NUM_INSTALMENT_VERSION': ('category_code', 'none'),
      'REGION_RATING_CLIENT': ('score', 'rating 1-3'), 'REGION_RATING_CLIENT_W_CITY': ('score', 'rating 1-3'),
      'REGION_POPULATION_RELATIVE': ('score', 'none'), 'RATE_DOWN_PAYMENT': ('share', 'share 0-1'),
      'NFLAG_INSURED_ON_APPROVAL': ('flag', 'none'),
  } -%}
  {%- if column in explicit %}{{ return(explicit[column]) }}{% endif -%}
  {%- if column.startswith(('CNT_', 'AMT_REQ_')) or column.endswith('_CNT_SOCIAL_CIRCLE') %}{{ return(('count', 'count')) }}{% endif -%}
  {%- if column.startswith(('FLAG_', 'REG_', 'LIVE_')) %}{{ return(('flag', 'none')) }}{% endif -%}
  {%- if column.startswith('AMT_') %}{{ return(('amount', 'currency')) }}{% endif -%}
  {%- if column.startswith('DAYS_') %}{{ return(('days', 'days from application')) }}{% endif -%}
  {#- the rest: EXT_SOURCE_* and the normalised building information -#}
  {{ return(('score', 'score 0-1')) }}
{%- endmacro %}

{# Expected direction of the risk as a side-table column grows: lateness and overdue amounts raise it. A min,
   max, mean or total of such values moves the same way (a variance does not, numeric_family leaves it out). #}
{% macro column_risk_direction(column) -%}
  {{ return(1 if column in ('CREDIT_DAY_OVERDUE', 'AMT_CREDIT_MAX_OVERDUE', 'AMT_CREDIT_SUM_OVERDUE', 'SK_DPD', 'SK_DPD_DEF') else none) }}
{%- endmacro %}

{# kind and unit of an aggregate of values of a kind: a mean of 0/1 is a share, a total of dates a
   number of days, a variance has squared units #}
{% macro aggregate_kind(kind, unit, agg) -%}
  {%- if agg == 'var' %}{{ return(('variance', 'none')) }}{% endif -%}
  {%- if kind == 'flag' and agg == 'mean' %}{{ return(('share', 'share 0-1')) }}{% endif -%}
  {%- if kind == 'flag' and agg == 'sum' %}{{ return(('count', 'count')) }}{% endif -%}
  {%- if unit == 'days from application' and agg == 'sum' %}{{ return(('days', 'days')) }}{% endif -%}
  {{ return((kind, unit)) }}
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
  columns: Kaggle column names, or derived(...) dicts {name, sql, label, kind, unit, formula} for
  values computed per row.
#}
{% macro numeric_family(prefix, source_table, columns, aggs, scope_label, scope=none, when=none) -%}
  {#- words and SQL of each aggregate once per family, not per feature: a dbt macro call costs ~40 µs and
      the specs are rendered by several nodes of every build -#}
  {%- set words, templates, family = {}, {}, table_family(source_table) -%}
  {%- for agg in aggs -%}
    {%- do words.update({agg: agg_words(agg)}) -%}
    {%- do templates.update({agg: agg_sql(agg, '__EXPR__')}) -%}
  {%- endfor -%}
  {%- set specs = [] -%}
  {%- for c in columns -%}
    {%- if c is mapping -%}
      {%- set col_name, col_sql, col_label, source_column = c.name, c.sql, c.label, c.get('source_column') -%}
      {%- set col_kind, formula, direction = (c.kind, c.unit), c.formula, c.get('risk_direction') -%}
    {%- else -%}
      {%- set col_name, col_sql, col_label, source_column = c | lower, c | lower, column_words(c), c -%}
      {%- set col_kind, formula, direction = column_kind(c), none, column_risk_direction(c) -%}
    {%- endif -%}
    {%- set expr = col_sql if when is none else 'case when ' ~ when ~ ' then ' ~ col_sql ~ ' end' -%}
    {%- for agg in aggs -%}
      {%- set name = prefix ~ ('_' ~ scope if scope else '') ~ '_' ~ col_name ~ '_' ~ agg -%}
      {%- set sql = templates[agg] | replace('__EXPR__', expr) -%}
      {#- a total over a split with no rows (a client whose credits are all closed) is 0, not unknown -#}
      {%- set sql = 'coalesce(' ~ sql ~ ', 0)' if when is not none and agg == 'sum' else sql -%}
      {%- set kind, unit = aggregate_kind(col_kind[0], col_kind[1], agg) -%}
      {%- do specs.append(feature(name, sql, source_table, source_column,
            words[agg] ~ (' over ' ~ scope_label if scope_label else ''),
            scope_label ~ ': ' ~ col_label ~ ' (' ~ words[agg] ~ ')', kind, unit, family, formula=formula,
            risk_direction=direction if agg != 'var' else none)) -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(specs) }}
{%- endmacro %}

{# Averages over the `n` most recent rows of the group (`order_by`: [key, tie-break id]): <prefix>_<scope>_<column>_mean.
   `fields` (see mean_of_latest) holds every value the family reads from those rows, these columns included. #}
{% macro latest_family(prefix, source_table, columns, fields, order_by, n, scope, scope_label) -%}
  {%- set specs = [] -%}
  {%- for c in columns -%}
    {%- set base = column_kind(c) -%}
    {%- set kind, unit = aggregate_kind(base[0], base[1], 'mean') -%}
    {%- do specs.append(feature(prefix ~ '_' ~ scope ~ '_' ~ (c | lower) ~ '_mean', mean_of_latest(fields, c | lower, order_by, n),
          source_table, c, 'average over ' ~ scope_label, scope_label ~ ': ' ~ column_words(c) ~ ' (average)',
          kind, unit, table_family(source_table))) -%}
  {%- endfor -%}
  {{ return(specs) }}
{%- endmacro %}

{# Share of rows at each level of a category: <prefix>_<column>_<level>_share (over DOUBLE values: Spark's avg of
   1.0/0.0 literals is a DECIMAL) #}
{% macro share_family(prefix, source_table, column, levels, scope_label) -%}
  {%- set specs, words, family = [], column_words(column), table_family(source_table) -%}
  {%- for level in levels -%}
    {%- set name = prefix ~ '_' ~ (column | lower) ~ '_' ~ slug(level) ~ '_share' -%}
    {%- do specs.append(feature(name,
          'avg(case when ' ~ (column | lower) ~ " = '" ~ level ~ "' then cast(1 as double) else cast(0 as double) end)",
          source_table, column, 'share of records with level "' ~ level ~ '"',
          scope_label ~ ': share with ' ~ words ~ ' "' ~ level ~ '"', 'share', 'share 0-1', family, level=level)) -%}
  {%- endfor -%}
  {{ return(specs) }}
{%- endmacro %}

{# Count of rows (optionally where a condition holds) #}
{% macro count_feature(name, source_table, label, when=none) -%}
  {%- set sql = 'count(*)' if when is none else count_where(when) -%}
  {{ return(feature(name, 'cast(' ~ sql ~ ' as bigint)', source_table, none,
        'number of records' ~ (' where ' ~ when if when else ''), label, 'count', 'count', table_family(source_table))) }}
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
