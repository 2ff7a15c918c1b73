{#
  Application features: the cleaning of the application columns, the domain ratios and the one-hot
  columns. They exist once, as two table functions persisted in the warehouse (created on run start):
    application_clean(rel)     raw Kaggle application columns -> cleaned snake_case columns
    application_features(rel)  raw Kaggle application columns -> sk_id_curr + every app_* feature
  `rel` names any relation with the Kaggle application columns (TARGET optional, ignored), e.g. a
  DataFrame registered by the app's what-if endpoint. The dbt models select from these functions,
  so the app and client_features compute the same values with the same SQL.
#}

{% macro application_numeric_columns() -%}
  {{ return(application_raw_numeric_columns() | reject('in', application_dropped_columns()) | list) }}
{%- endmacro %}

{# Columns left out of the features: the _MODE and _MEDI copies of the building information (the
   _AVG ones are kept) and the rarely set document flags (their count is a feature). #}
{% macro application_dropped_columns() -%}
  {%- set dropped = [] -%}
  {%- for c in application_raw_numeric_columns() -%}
    {%- if (c.endswith('_MODE') and c != 'TOTALAREA_MODE') or c.endswith('_MEDI')
          or (c.startswith('FLAG_DOCUMENT_') and c not in ('FLAG_DOCUMENT_3', 'FLAG_DOCUMENT_6', 'FLAG_DOCUMENT_8')) -%}
      {%- do dropped.append(c) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(dropped) }}
{%- endmacro %}

{# The Kaggle application columns the cleaning reads (application_test's; application_train adds TARGET) #}
{% macro application_raw_columns() -%}
  {{ return(['SK_ID_CURR'] + application_raw_numeric_columns() + (application_category_levels().keys() | list)) }}
{%- endmacro %}

{% macro application_raw_numeric_columns() -%}
  {{ return((
    "CNT_CHILDREN AMT_INCOME_TOTAL AMT_CREDIT AMT_ANNUITY AMT_GOODS_PRICE REGION_POPULATION_RELATIVE "
    "DAYS_BIRTH DAYS_EMPLOYED DAYS_REGISTRATION DAYS_ID_PUBLISH OWN_CAR_AGE FLAG_MOBIL FLAG_EMP_PHONE "
    "FLAG_WORK_PHONE FLAG_CONT_MOBILE FLAG_PHONE FLAG_EMAIL CNT_FAM_MEMBERS REGION_RATING_CLIENT "
    "REGION_RATING_CLIENT_W_CITY HOUR_APPR_PROCESS_START REG_REGION_NOT_LIVE_REGION REG_REGION_NOT_WORK_REGION "
    "LIVE_REGION_NOT_WORK_REGION REG_CITY_NOT_LIVE_CITY REG_CITY_NOT_WORK_CITY LIVE_CITY_NOT_WORK_CITY "
    "EXT_SOURCE_1 EXT_SOURCE_2 EXT_SOURCE_3 "
    "APARTMENTS_AVG BASEMENTAREA_AVG YEARS_BEGINEXPLUATATION_AVG YEARS_BUILD_AVG COMMONAREA_AVG ELEVATORS_AVG "
    "ENTRANCES_AVG FLOORSMAX_AVG FLOORSMIN_AVG LANDAREA_AVG LIVINGAPARTMENTS_AVG LIVINGAREA_AVG "
    "NONLIVINGAPARTMENTS_AVG NONLIVINGAREA_AVG APARTMENTS_MODE BASEMENTAREA_MODE YEARS_BEGINEXPLUATATION_MODE "
    "YEARS_BUILD_MODE COMMONAREA_MODE ELEVATORS_MODE ENTRANCES_MODE FLOORSMAX_MODE FLOORSMIN_MODE LANDAREA_MODE "
    "LIVINGAPARTMENTS_MODE LIVINGAREA_MODE NONLIVINGAPARTMENTS_MODE NONLIVINGAREA_MODE APARTMENTS_MEDI "
    "BASEMENTAREA_MEDI YEARS_BEGINEXPLUATATION_MEDI YEARS_BUILD_MEDI COMMONAREA_MEDI ELEVATORS_MEDI "
    "ENTRANCES_MEDI FLOORSMAX_MEDI FLOORSMIN_MEDI LANDAREA_MEDI LIVINGAPARTMENTS_MEDI LIVINGAREA_MEDI "
    "NONLIVINGAPARTMENTS_MEDI NONLIVINGAREA_MEDI TOTALAREA_MODE "
    "OBS_30_CNT_SOCIAL_CIRCLE DEF_30_CNT_SOCIAL_CIRCLE OBS_60_CNT_SOCIAL_CIRCLE DEF_60_CNT_SOCIAL_CIRCLE "
    "DAYS_LAST_PHONE_CHANGE FLAG_DOCUMENT_2 FLAG_DOCUMENT_3 FLAG_DOCUMENT_4 FLAG_DOCUMENT_5 FLAG_DOCUMENT_6 "
    "FLAG_DOCUMENT_7 FLAG_DOCUMENT_8 FLAG_DOCUMENT_9 FLAG_DOCUMENT_10 FLAG_DOCUMENT_11 FLAG_DOCUMENT_12 "
    "FLAG_DOCUMENT_13 FLAG_DOCUMENT_14 FLAG_DOCUMENT_15 FLAG_DOCUMENT_16 FLAG_DOCUMENT_17 FLAG_DOCUMENT_18 "
    "FLAG_DOCUMENT_19 FLAG_DOCUMENT_20 FLAG_DOCUMENT_21 AMT_REQ_CREDIT_BUREAU_HOUR AMT_REQ_CREDIT_BUREAU_DAY "
    "AMT_REQ_CREDIT_BUREAU_WEEK AMT_REQ_CREDIT_BUREAU_MON AMT_REQ_CREDIT_BUREAU_QRT AMT_REQ_CREDIT_BUREAU_YEAR"
  ).split()) }}
{%- endmacro %}

{# Category levels (all levels of the full Kaggle data); placeholders XNA become NULL in cleaning #}
{% macro application_category_levels() -%}
  {{ return({
    'NAME_CONTRACT_TYPE': ['Cash loans', 'Revolving loans'],
    'CODE_GENDER': ['F', 'M'],
    'FLAG_OWN_CAR': ['Y'],
    'FLAG_OWN_REALTY': ['Y'],
    'NAME_TYPE_SUITE': ['Unaccompanied', 'Family', 'Spouse, partner', 'Children', 'Other_A', 'Other_B', 'Group of people'],
    'NAME_INCOME_TYPE': ['Working', 'Commercial associate', 'Pensioner', 'State servant', 'Unemployed', 'Student', 'Businessman', 'Maternity leave'],
    'NAME_EDUCATION_TYPE': ['Secondary / secondary special', 'Higher education', 'Incomplete higher', 'Lower secondary', 'Academic degree'],
    'NAME_FAMILY_STATUS': ['Married', 'Single / not married', 'Civil marriage', 'Separated', 'Widow'],
    'NAME_HOUSING_TYPE': ['House / apartment', 'With parents', 'Municipal apartment', 'Rented apartment', 'Office apartment', 'Co-op apartment'],
    'OCCUPATION_TYPE': ['Laborers', 'Sales staff', 'Core staff', 'Managers', 'Drivers', 'High skill tech staff', 'Accountants',
                        'Medicine staff', 'Security staff', 'Cooking staff', 'Cleaning staff', 'Private service staff',
                        'Low-skill Laborers', 'Waiters/barmen staff', 'Secretaries', 'Realty agents', 'HR staff', 'IT staff'],
    'WEEKDAY_APPR_PROCESS_START': ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'],
    'ORGANIZATION_TYPE': ['Business Entity Type 3', 'Self-employed', 'Other', 'Medicine', 'Business Entity Type 2', 'Government',
                          'School', 'Trade: type 7', 'Kindergarten', 'Construction', 'Business Entity Type 1', 'Transport: type 4',
                          'Trade: type 3', 'Industry: type 9', 'Industry: type 3', 'Security', 'Housing', 'Industry: type 11',
                          'Military', 'Bank', 'Agriculture', 'Police', 'Transport: type 2', 'Postal', 'Security Ministries',
                          'Trade: type 2', 'Restaurant', 'Services', 'University', 'Industry: type 7', 'Transport: type 3',
                          'Industry: type 1', 'Hotel', 'Electricity', 'Industry: type 4', 'Trade: type 6', 'Industry: type 5',
                          'Insurance', 'Telecom', 'Emergency', 'Industry: type 2', 'Advertising', 'Realtor', 'Culture',
                          'Industry: type 12', 'Trade: type 1', 'Mobile', 'Legal Services', 'Cleaning', 'Transport: type 1',
                          'Industry: type 6', 'Industry: type 10', 'Religion', 'Industry: type 13', 'Trade: type 4',
                          'Trade: type 5', 'Industry: type 8'],
    'FONDKAPREMONT_MODE': ['reg oper account', 'reg oper spec account', 'org spec account', 'not specified'],
    'HOUSETYPE_MODE': ['block of flats', 'specific housing', 'terraced house'],
    'WALLSMATERIAL_MODE': ['Panel', 'Stone, brick', 'Block', 'Wooden', 'Mixed', 'Monolithic', 'Others'],
    'EMERGENCYSTATE_MODE': ['Yes'],
  }) }}
{%- endmacro %}

{# Cleaning: typed snake_case columns; DAYS_EMPLOYED 365243 (pensioners, unemployed) -> NULL + flag;
   placeholder levels (XNA, Unknown) -> NULL. `source` is what follows FROM; `keep` lists source
   columns passed through unchanged ahead of the cleaned ones. #}
{% macro application_clean_select(source, keep=[]) -%}
  select
    cast({{ adapter.quote('SK_ID_CURR') }} as bigint) as sk_id_curr,
  {%- for c in keep %}
    {{ c }},
  {%- endfor %}
  {%- for c in application_raw_numeric_columns() %}
    {%- if c == 'DAYS_EMPLOYED' %}
    {%- set days_employed = adapter.quote('DAYS_EMPLOYED') %}
    cast(case when {{ days_employed }} = 365243 then null else {{ days_employed }} end as double) as days_employed,
    {{ as_flag(days_employed ~ ' = 365243') }} as days_employed_is_sentinel,
    {%- else %}
    cast({{ adapter.quote(c) }} as double) as {{ c | lower }},
    {%- endif %}
  {%- endfor %}
  {%- for c in application_category_levels() %}
    cast(case when {{ adapter.quote(c) }} in ('XNA', 'Unknown') then null else {{ adapter.quote(c) }} end as {{ string_type() }}) as {{ c | lower }}{{ ',' if not loop.last }}
  {%- endfor %}
  from {{ source }}
{%- endmacro %}

{# Application columns as a relationship manager says them (the rest: column_words, capitalised) #}
{% macro application_column_names() -%}
  {{ return({
    'AMT_INCOME_TOTAL': 'Annual income', 'AMT_CREDIT': 'Credit amount', 'AMT_ANNUITY': 'Loan annuity',
    'AMT_GOODS_PRICE': 'Price of the goods', 'CNT_CHILDREN': 'Children', 'CNT_FAM_MEMBERS': 'Family members',
    'CODE_GENDER': 'Gender', 'DAYS_BIRTH': 'Age', 'DAYS_EMPLOYED': 'Time employed',
    'DAYS_ID_PUBLISH': 'ID document last changed', 'DAYS_REGISTRATION': 'Registration last changed',
    'DAYS_LAST_PHONE_CHANGE': 'Phone number last changed', 'EXT_SOURCE_1': 'External score 1',
    'EXT_SOURCE_2': 'External score 2', 'EXT_SOURCE_3': 'External score 3', 'FLAG_OWN_CAR': 'Owns a car',
    'FLAG_OWN_REALTY': 'Owns a home', 'OWN_CAR_AGE': 'Age of the car', 'NAME_CONTRACT_TYPE': 'Contract',
    'NAME_EDUCATION_TYPE': 'Education', 'NAME_FAMILY_STATUS': 'Family status', 'NAME_HOUSING_TYPE': 'Housing',
    'NAME_INCOME_TYPE': 'Income type', 'NAME_TYPE_SUITE': 'Accompanied by', 'OCCUPATION_TYPE': 'Occupation',
    'ORGANIZATION_TYPE': 'Employer type', 'REGION_RATING_CLIENT': 'Region rating',
    'REGION_RATING_CLIENT_W_CITY': 'Region rating (with city)', 'REGION_POPULATION_RELATIVE': 'Region population (relative)',
    'WEEKDAY_APPR_PROCESS_START': 'Day the application was made', 'HOUR_APPR_PROCESS_START': 'Hour the application was made',
    'FLAG_MOBIL': 'Gave a mobile phone', 'FLAG_EMP_PHONE': 'Gave an employer phone', 'FLAG_WORK_PHONE': 'Gave a work phone',
    'FLAG_CONT_MOBILE': 'Mobile phone reachable', 'FLAG_PHONE': 'Gave a home phone', 'FLAG_EMAIL': 'Gave an e-mail',
    'REG_REGION_NOT_LIVE_REGION': 'Lives outside the registered region',
    'REG_REGION_NOT_WORK_REGION': 'Works outside the registered region',
    'LIVE_REGION_NOT_WORK_REGION': 'Works outside the home region',
    'REG_CITY_NOT_LIVE_CITY': 'Lives outside the registered city', 'REG_CITY_NOT_WORK_CITY': 'Works outside the registered city',
    'LIVE_CITY_NOT_WORK_CITY': 'Works outside the home city',
    'OBS_30_CNT_SOCIAL_CIRCLE': 'Social circle observed (30 days)', 'OBS_60_CNT_SOCIAL_CIRCLE': 'Social circle observed (60 days)',
    'DEF_30_CNT_SOCIAL_CIRCLE': 'Social circle defaulted (30 days)', 'DEF_60_CNT_SOCIAL_CIRCLE': 'Social circle defaulted (60 days)',
    'AMT_REQ_CREDIT_BUREAU_HOUR': 'Credit bureau enquiries (last hour)', 'AMT_REQ_CREDIT_BUREAU_DAY': 'Credit bureau enquiries (last day)',
    'AMT_REQ_CREDIT_BUREAU_WEEK': 'Credit bureau enquiries (last week)', 'AMT_REQ_CREDIT_BUREAU_MON': 'Credit bureau enquiries (last month)',
    'AMT_REQ_CREDIT_BUREAU_QRT': 'Credit bureau enquiries (last quarter)', 'AMT_REQ_CREDIT_BUREAU_YEAR': 'Credit bureau enquiries (last year)',
    'FLAG_DOCUMENT_3': 'Gave document 3', 'FLAG_DOCUMENT_6': 'Gave document 6', 'FLAG_DOCUMENT_8': 'Gave document 8',
    'EMERGENCYSTATE_MODE': 'Building in an emergency state', 'FONDKAPREMONT_MODE': 'Building repair fund',
    'HOUSETYPE_MODE': 'Building type', 'WALLSMATERIAL_MODE': 'Wall material',
  }) }}
{%- endmacro %}

{# The family (one reason, for a relationship manager) of each application column; the building
   information (*_AVG, *_MODE) is "housing" #}
{% macro application_column_family(column) -%}
  {%- set families = {
    'AMT_INCOME_TOTAL': 'income', 'AMT_CREDIT': 'loan', 'AMT_ANNUITY': 'loan', 'AMT_GOODS_PRICE': 'loan', 'NAME_CONTRACT_TYPE': 'loan',
    'CNT_CHILDREN': 'family situation', 'CNT_FAM_MEMBERS': 'family situation', 'NAME_FAMILY_STATUS': 'family situation',
    'CODE_GENDER': 'gender', 'DAYS_BIRTH': 'age', 'NAME_EDUCATION_TYPE': 'education',
    'DAYS_EMPLOYED': 'employment', 'NAME_INCOME_TYPE': 'employment', 'OCCUPATION_TYPE': 'employment', 'ORGANIZATION_TYPE': 'employment',
    'DAYS_REGISTRATION': 'identity and registration', 'DAYS_ID_PUBLISH': 'identity and registration',
    'DAYS_LAST_PHONE_CHANGE': 'contact details', 'FLAG_OWN_CAR': 'assets', 'FLAG_OWN_REALTY': 'assets', 'OWN_CAR_AGE': 'assets',
    'REGION_POPULATION_RELATIVE': 'region', 'REGION_RATING_CLIENT': 'region', 'REGION_RATING_CLIENT_W_CITY': 'region',
    'HOUR_APPR_PROCESS_START': 'application circumstances', 'WEEKDAY_APPR_PROCESS_START': 'application circumstances',
    'NAME_TYPE_SUITE': 'application circumstances', 'NAME_HOUSING_TYPE': 'housing',
  } -%}
  {%- if column in families %}{{ return(families[column]) }}{% endif -%}
  {%- if column.startswith('EXT_SOURCE_') %}{{ return('external scores') }}{% endif -%}
  {%- if column.startswith('FLAG_DOCUMENT_') %}{{ return('documents') }}{% endif -%}
  {%- if column.startswith('FLAG_') %}{{ return('contact details') }}{% endif -%}
  {%- if column.startswith(('REG_', 'LIVE_')) %}{{ return('address') }}{% endif -%}
  {%- if column.endswith('_CNT_SOCIAL_CIRCLE') %}{{ return('social circle') }}{% endif -%}
  {%- if column.startswith('AMT_REQ_') %}{{ return('credit bureau enquiries') }}{% endif -%}
  {{ return('housing') }}
{%- endmacro %}

{# Expected direction of the risk as an application column grows, everything else on the application fixed
   (the model is trained under these monotone constraints): a higher external score is a lower risk; a
   larger credit or annuity for the same income and goods is a larger exposure. #}
{% macro application_column_risk_direction(column) -%}
  {%- if column.startswith('EXT_SOURCE_') %}{{ return(-1) }}{% endif -%}
  {{ return({'AMT_CREDIT': 1, 'AMT_ANNUITY': 1}.get(column)) }}
{%- endmacro %}

{# The protected attribute an application column is or encodes (NULL for the others). CODE_GENDER and
   NAME_FAMILY_STATUS are protected in US credit law (ECOA, Regulation B) and gender in EU practice.
   CNT_FAM_MEMBERS encodes the family status: family members minus children is 2 for every married or
   civil-marriage applicant and 1 for every other one, in the real data as in the generated one. #}
{% macro application_column_protected(column) -%}
  {{ return({'CODE_GENDER': 'gender', 'NAME_FAMILY_STATUS': 'family status', 'CNT_FAM_MEMBERS': 'family status'}.get(column)) }}
{%- endmacro %}

{# An application feature computed from several columns; `formula` says how, over Kaggle columns;
   `protected` when one of them is protected (application_column_protected) #}
{% macro combined(name, sql, label, kind, unit, family, formula, risk_direction=none, protected=none) -%}
  {{ return(feature(name, sql, 'application', none, 'computed on the application', label, kind, unit, family,
        formula=formula, risk_direction=risk_direction, protected=protected)) }}
{%- endmacro %}

{% macro application_feature_specs() -%}
  {%- set t = 'application' -%}
  {%- set names = application_column_names() -%}
  {%- set specs = [] -%}
  {%- for c in application_numeric_columns() -%}
    {%- set kind, unit = column_kind(c) -%}
    {%- do specs.append(feature('app_' ~ (c | lower), c | lower, t, c,
          'value on the application' ~ (' (NULL for pensioners and unemployed)' if c == 'DAYS_EMPLOYED' else ''),
          names.get(c) or (column_words(c) | capitalize), kind, unit, application_column_family(c),
          risk_direction=application_column_risk_direction(c), protected=application_column_protected(c))) -%}
  {%- endfor -%}
  {%- do specs.append(feature('app_days_employed_is_sentinel', 'days_employed_is_sentinel', t, 'DAYS_EMPLOYED',
        'flag: DAYS_EMPLOYED was the 365243 placeholder', 'No employment period (pensioner or unemployed)', 'flag', 'none', 'employment')) -%}
  {%- set level_words = {('CODE_GENDER', 'F'): 'female', ('CODE_GENDER', 'M'): 'male'} -%}
  {%- for c, levels in application_category_levels().items() -%}
    {%- set column_name = names.get(c) or (column_words(c) | capitalize) -%}
    {%- for level in levels -%}
      {%- set words = level_words.get((c, level), level) -%}
      {#- the one level of a yes/no column (FLAG_OWN_CAR = 'Y') is a flag: "Owns a car — yes" -#}
      {%- set yes_no = levels | length == 1 -%}
      {%- do specs.append(feature('app_' ~ (c | lower) ~ '_' ~ slug(level),
            'case when ' ~ (c | lower) ~ " = '" ~ level ~ "' then 1 else 0 end", t, c,
            'one-hot: 1 if the level is "' ~ level ~ '"', column_name if yes_no else column_name ~ ': ' ~ words,
            'flag' if yes_no else 'one-hot', 'none', application_column_family(c), level=level, level_label=words,
            protected=application_column_protected(c))) -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- set ext = ['ext_source_1', 'ext_source_2', 'ext_source_3'] -%}
  {%- set ext_n = '((case when ext_source_1 is null then 0 else 1 end) + (case when ext_source_2 is null then 0 else 1 end) + (case when ext_source_3 is null then 0 else 1 end))' -%}
  {#- the six enquiry counts are unknown together (13 % of real applications): unknown stays NULL, not 0 -#}
  {%- set enquiries = [] -%}
  {%- for w in ['hour', 'day', 'week', 'mon', 'qrt', 'year'] %}{% do enquiries.append('amt_req_credit_bureau_' ~ w) %}{% endfor -%}
  {%- set documents = [] -%}
  {%- for i in range(2, 22) %}{% do documents.append('flag_document_' ~ i) %}{% endfor -%}
  {%- set documents = '(' ~ documents | join(' + ') ~ ')' -%}
  {#- Directions of the loan ratios, each with the rest of the application fixed: more credit or annuity per unit of
      income, more credit above the goods price, a lower payment rate or a longer term (the same annuity for more
      credit) are more risk. Together they make the model's risk never fall when only the credit amount rises. -#}
  {%- do specs.extend([
      combined('app_credit_to_income_ratio', safe_divide('amt_credit', 'amt_income_total'), 'Credit amount / income',
       'ratio', 'none', 'affordability', 'AMT_CREDIT / AMT_INCOME_TOTAL', 1),
      combined('app_annuity_to_income_ratio', safe_divide('amt_annuity', 'amt_income_total'), 'Annuity / income',
       'ratio', 'none', 'affordability', 'AMT_ANNUITY / AMT_INCOME_TOTAL', 1),
      combined('app_annuity_to_credit_ratio', safe_divide('amt_annuity', 'amt_credit'), 'Payment rate: annuity / credit amount',
       'ratio', 'none', 'affordability', 'AMT_ANNUITY / AMT_CREDIT', -1),
      combined('app_goods_to_credit_ratio', safe_divide('amt_goods_price', 'amt_credit'), 'Goods price / credit amount',
       'ratio', 'none', 'loan', 'AMT_GOODS_PRICE / AMT_CREDIT', -1),
      combined('app_credit_minus_goods', 'amt_credit - amt_goods_price', 'Credit amount above the goods price',
       'amount', 'currency', 'loan', 'AMT_CREDIT - AMT_GOODS_PRICE', 1),
      combined('app_employed_to_age_ratio', safe_divide('days_employed', 'days_birth'), 'Share of life employed (employment / age)',
       'share', 'share 0-1', 'employment', 'DAYS_EMPLOYED / DAYS_BIRTH'),
      combined('app_income_per_person', safe_divide('amt_income_total', 'cnt_fam_members'), 'Income per family member',
       'amount', 'currency', 'income', 'AMT_INCOME_TOTAL / CNT_FAM_MEMBERS', protected='family status'),
      combined('app_income_per_child', safe_divide('amt_income_total', '1 + cnt_children'), 'Income / (1 + children)',
       'amount', 'currency', 'income', 'AMT_INCOME_TOTAL / (1 + CNT_CHILDREN)'),
      combined('app_children_to_family_ratio', safe_divide('cnt_children', 'cnt_fam_members'), 'Children / family members',
       'ratio', 'none', 'family situation', 'CNT_CHILDREN / CNT_FAM_MEMBERS', protected='family status'),
      combined('app_annuity_to_income_per_person_ratio', safe_divide('amt_annuity', safe_divide('amt_income_total', 'cnt_fam_members')),
       'Annuity / income per family member', 'ratio', 'none', 'affordability', 'AMT_ANNUITY / (AMT_INCOME_TOTAL / CNT_FAM_MEMBERS)', 1,
       protected='family status'),
      combined('app_credit_term_years', safe_divide('amt_credit', 'amt_annuity * 12'), 'Credit length in years (credit / yearly annuity)',
       'years', 'years', 'affordability', 'AMT_CREDIT / (12 * AMT_ANNUITY)', 1),
      combined('app_car_age_to_age_ratio', safe_divide('own_car_age', '-days_birth / 365.25'), 'Car age / client age',
       'ratio', 'none', 'assets', 'OWN_CAR_AGE / (-DAYS_BIRTH / 365.25)'),
      combined('app_phone_change_to_age_ratio', safe_divide('days_last_phone_change', 'days_birth'), 'Days since phone change / age',
       'ratio', 'none', 'contact details', 'DAYS_LAST_PHONE_CHANGE / DAYS_BIRTH'),
      combined('app_registration_to_age_ratio', safe_divide('days_registration', 'days_birth'), 'Days since registration / age',
       'ratio', 'none', 'identity and registration', 'DAYS_REGISTRATION / DAYS_BIRTH'),
      combined('app_id_publish_to_age_ratio', safe_divide('days_id_publish', 'days_birth'), 'Days since ID document / age',
       'ratio', 'none', 'identity and registration', 'DAYS_ID_PUBLISH / DAYS_BIRTH'),
      combined('app_age_years', '-days_birth / 365.25', 'Age in years', 'years', 'years', 'age', '-DAYS_BIRTH / 365.25'),
      combined('app_employment_years', '-days_employed / 365.25', 'Years employed', 'years', 'years', 'employment',
       '-DAYS_EMPLOYED / 365.25 (NULL for pensioners and unemployed)'),
      combined('app_ext_source_mean', safe_divide('coalesce(ext_source_1, 0) + coalesce(ext_source_2, 0) + coalesce(ext_source_3, 0)', ext_n),
       'External scores: average of those known', 'score', 'score 0-1', 'external scores', 'average of the known EXT_SOURCE_1, _2, _3', -1),
      combined('app_ext_source_min', least_of(ext), 'External scores: lowest', 'score', 'score 0-1', 'external scores',
       'least of EXT_SOURCE_1, _2, _3', -1),
      combined('app_ext_source_max', greatest_of(ext), 'External scores: highest', 'score', 'score 0-1', 'external scores',
       'greatest of EXT_SOURCE_1, _2, _3', -1),
      combined('app_ext_source_std', row_stddev(ext), 'External scores: spread (standard deviation)', 'score', 'none', 'external scores',
       'standard deviation of the known EXT_SOURCE_1, _2, _3'),
      combined('app_ext_source_product', 'ext_source_1 * ext_source_2 * ext_source_3', 'External scores multiplied', 'score', 'none',
       'external scores', 'EXT_SOURCE_1 * EXT_SOURCE_2 * EXT_SOURCE_3', -1),
      combined('app_ext_source_weighted', '(2 * ext_source_1 + ext_source_2 + 3 * ext_source_3) / 6',
       'External scores, weighted average (weights 2, 1, 3; needs all three)', 'score', 'score 0-1', 'external scores',
       '(2 * EXT_SOURCE_1 + EXT_SOURCE_2 + 3 * EXT_SOURCE_3) / 6', -1),
      combined('app_ext_source_missing_count', '3 - ' ~ ext_n, 'External scores missing (0-3)', 'count', 'count', 'external scores',
       'number of EXT_SOURCE_1, _2, _3 that are NULL'),
      combined('app_ext_source_2_x_age', 'ext_source_2 * days_birth / -365.25', 'External score 2 x age', 'ratio', 'none', 'external scores',
       'EXT_SOURCE_2 * (-DAYS_BIRTH / 365.25)'),
      combined('app_ext_source_3_to_age_ratio', safe_divide('ext_source_3', '-days_birth / 365.25'), 'External score 3 / age',
       'ratio', 'none', 'external scores', 'EXT_SOURCE_3 / (-DAYS_BIRTH / 365.25)'),
      combined('app_document_count', documents, 'Documents provided', 'count', 'count', 'documents', 'FLAG_DOCUMENT_2 + ... + FLAG_DOCUMENT_21'),
      combined('app_contact_flag_count', '(flag_mobil + flag_emp_phone + flag_work_phone + flag_cont_mobile + flag_phone + flag_email)',
       'Contact channels given', 'count', 'count', 'contact details',
       'FLAG_MOBIL + FLAG_EMP_PHONE + FLAG_WORK_PHONE + FLAG_CONT_MOBILE + FLAG_PHONE + FLAG_EMAIL'),
      combined('app_address_mismatch_count', '(reg_region_not_live_region + reg_region_not_work_region + live_region_not_work_region + reg_city_not_live_city + reg_city_not_work_city + live_city_not_work_city)',
       'Address mismatches (region, city)', 'count', 'count', 'address',
       'REG_REGION_NOT_LIVE_REGION + REG_REGION_NOT_WORK_REGION + LIVE_REGION_NOT_WORK_REGION + REG_CITY_NOT_LIVE_CITY + REG_CITY_NOT_WORK_CITY + LIVE_CITY_NOT_WORK_CITY'),
      combined('app_bureau_enquiries_total', 'case when coalesce(' ~ enquiries | join(', ') ~ ') is not null then (coalesce(' ~ enquiries | join(', 0) + coalesce(') ~ ', 0)) end',
       'Credit bureau enquiries in the last year', 'count', 'count', 'credit bureau enquiries',
       'AMT_REQ_CREDIT_BUREAU_HOUR + _DAY + _WEEK + _MON + _QRT + _YEAR (NULL when all are unknown)'),
      combined('app_social_circle_default_rate_30', safe_divide('def_30_cnt_social_circle', 'obs_30_cnt_social_circle'),
       'Social circle: share defaulted (30 days)', 'share', 'share 0-1', 'social circle', 'DEF_30_CNT_SOCIAL_CIRCLE / OBS_30_CNT_SOCIAL_CIRCLE'),
      combined('app_social_circle_default_rate_60', safe_divide('def_60_cnt_social_circle', 'obs_60_cnt_social_circle'),
       'Social circle: share defaulted (60 days)', 'share', 'share 0-1', 'social circle', 'DEF_60_CNT_SOCIAL_CIRCLE / OBS_60_CNT_SOCIAL_CIRCLE'),
  ]) -%}
  {{ return(specs) }}
{%- endmacro %}

{# Every app_* feature from a relation of cleaned columns (application_clean's output) #}
{% macro application_features_from(cleaned_relation) -%}
  select
    sk_id_curr,
    {{- render_features(application_feature_specs()) }}
  from {{ cleaned_relation }}
{%- endmacro %}

{% macro application_features_select(rel_param) -%}
  with cleaned as (
    {{ application_clean_select(relation_named_by(rel_param)) }}
  )
  {{ application_features_from('cleaned') }}
{%- endmacro %}

{# The cleaned columns the features and client_profile read: every numeric feature column, the sentinel
   flag, all document flags (their count is a feature) and the category columns. The _MODE/_MEDI building
   columns that no feature uses are not stored in int_applications__cleaned. #}
{% macro application_stored_columns() -%}
  {%- set cols, dropped = [], application_dropped_columns() -%}
  {%- for c in application_raw_numeric_columns() -%}
    {%- if c not in dropped or c.startswith('FLAG_DOCUMENT_') -%}
      {%- do cols.append(c | lower) -%}
      {%- if c == 'DAYS_EMPLOYED' %}{% do cols.append('days_employed_is_sentinel') %}{% endif -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for c in application_category_levels() %}{% do cols.append(c | lower) %}{% endfor -%}
  {{ return(cols) }}
{%- endmacro %}

{# on-run-start: (re)create the two table functions in the build database (none on an engine without table
   functions over a relation: create_table_function) #}
{% macro create_application_macros() -%}
  {%- if execute and flags.WHICH in ('build', 'run') -%}
    {%- for sql in [create_table_function(target.database ~ '.main.application_clean', 'rel', application_clean_select(relation_named_by('rel'))),
                    create_table_function(target.database ~ '.main.application_features', 'rel', application_features_select('rel'))]
        if sql | trim -%}
      {%- do run_query(sql) -%}
    {%- endfor -%}
  {%- endif -%}
  select 1
{%- endmacro %}
