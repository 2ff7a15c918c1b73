{#
  The credit policy: hard rules applied before the model (seed policy_rules: rule_id, text, condition,
  source). A rule's condition is a SQL boolean expression over the cleaned application columns
  (snake_case Kaggle names: amt_income_total, amt_credit, amt_annuity, days_birth, ...); a rule fires
  when its condition is true (NULL does not fire). The seed is read when the SQL is compiled
  (run_query) and the conditions inlined, so editing the seed and running `dbt build` changes the
  rules without retraining. The same SQL serves the warehouse (application_policy) and the what-if
  (the table function application_policy_of(rel), created by application_policy's post-hook).
#}

{# The rules in force: [{rule_id, text, condition}], by rule_id; none while dbt parses #}
{% macro policy_rules() -%}
  {%- if not execute %}{{ return([]) }}{% endif -%}
  {%- set table = run_query('select rule_id, text, condition from ' ~ ref('policy_rules') ~ ' order by rule_id') -%}
  {%- set rules = [] -%}
  {%- for row in table.rows %}{% do rules.append({'rule_id': row[0], 'text': row[1], 'condition': row[2]}) %}{% endfor -%}
  {{ return(rules) }}
{%- endmacro %}

{# sk_id_curr, the ids and texts of the rules that fire, refused_by_policy and the sentence, for the rows of
   `cleaned_relation` (application_clean's columns) #}
{% macro policy_select(cleaned_relation, rules, keep=[]) -%}
  {%- set fired_ids, fired_texts = [], [] -%}
  {%- for r in rules -%}
    {%- set fires = 'coalesce((' ~ r.condition ~ '), false)' -%}
    {%- do fired_ids.append('case when ' ~ fires ~ ' then ' ~ sql_string(r.rule_id) ~ ' end') -%}
    {%- do fired_texts.append('case when ' ~ fires ~ ' then ' ~ sql_string(r.text) ~ ' end') -%}
  {%- endfor %}
  select
    *,
    {{ list_length('rules_fired') }} > 0 as refused_by_policy,
    case when {{ list_length('rules_fired') }} > 0 then 'Refused by policy: ' || {{ list_join('rule_texts', "'; '") }} end as policy_text
  from (
    select
      sk_id_curr,
      {%- for c in keep %}
      {{ c }},
      {%- endfor %}
      {%- if rules %}
      {{ non_null_list(fired_ids) }} as rules_fired,
      {{ non_null_list(fired_texts) }} as rule_texts
      {%- else %}
      {{ empty_string_list() }} as rules_fired,
      {{ empty_string_list() }} as rule_texts
      {%- endif %}
    from {{ cleaned_relation }}
  ) as evaluated
{%- endmacro %}

{# post-hook of application_policy: the table function application_policy_of(rel) over a relation in Kaggle's
   application columns (the what-if's edited application), with the rules of this build #}
{% macro create_policy_function() -%}
  {%- set body -%}
    with cleaned as (
      {{ application_clean_select(relation_named_by('rel')) }}
    )
    {{ policy_select('cleaned', policy_rules()) }}
  {%- endset -%}
  {{ create_table_function(target.database ~ '.main.application_policy_of', 'rel', body) }}
{%- endmacro %}

{# True when model.duckdb is attached (as `model`, pipeline/dbt_plugin.py) with its client_scores #}
{% macro model_scores_available() -%}
  {%- if not execute %}{{ return(false) }}{% endif -%}
  {%- set found = run_query(
      "select count(*) from duckdb_tables() where database_name = 'model' and schema_name = 'main' and table_name = 'client_scores'"
  ).columns[0].values()[0] -%}
  {{ return(found > 0) }}
{%- endmacro %}
