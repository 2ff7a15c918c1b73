{#
  Feature specs of the side tables, one macro per table. Each returns specs (see specs.sql) whose
  `sql` is an aggregate over that table's per-row input, grouped by sk_id_curr in the
  int_*__aggregated_to_client model. Derived per-row values are dicts {name, sql, label}; their
  `sql` is a column computed by the model's pre-aggregation CTE.
#}

{% macro derived(name, label, source_column=none) -%}
  {{ return({'name': name, 'sql': name, 'label': label, 'source_column': source_column}) }}
{%- endmacro %}

{% macro bureau_feature_specs() -%}
  {%- set t = 'bureau' -%}
  {%- set all_cols = ['DAYS_CREDIT', 'CREDIT_DAY_OVERDUE', 'DAYS_CREDIT_ENDDATE', 'DAYS_ENDDATE_FACT',
        'AMT_CREDIT_MAX_OVERDUE', 'CNT_CREDIT_PROLONG', 'AMT_CREDIT_SUM', 'AMT_CREDIT_SUM_DEBT',
        'AMT_CREDIT_SUM_LIMIT', 'AMT_CREDIT_SUM_OVERDUE', 'DAYS_CREDIT_UPDATE', 'AMT_ANNUITY',
        derived('credit_duration_days', 'planned length in days'),
        derived('debt_to_credit_ratio', 'debt / credit amount'),
        derived('enddate_gap_days', 'days between planned and actual end')] -%}
  {%- set active_cols = ['DAYS_CREDIT', 'DAYS_CREDIT_ENDDATE', 'AMT_CREDIT_SUM', 'AMT_CREDIT_SUM_DEBT',
        'AMT_CREDIT_SUM_OVERDUE', 'AMT_CREDIT_MAX_OVERDUE', 'CREDIT_DAY_OVERDUE', 'AMT_ANNUITY',
        derived('debt_to_credit_ratio', 'debt / credit amount')] -%}
  {%- set closed_cols = ['DAYS_CREDIT', 'DAYS_CREDIT_ENDDATE', 'DAYS_ENDDATE_FACT', 'AMT_CREDIT_SUM', 'AMT_CREDIT_MAX_OVERDUE'] -%}
  {%- set specs = [
      count_feature('bureau_credit_count', t, 'Credit bureau: number of credits'),
      count_feature('bureau_active_count', t, 'Credit bureau: number of active credits', "credit_active = 'Active'"),
      count_feature('bureau_overdue_count', t, 'Credit bureau: credits with an overdue amount', 'amt_credit_sum_overdue > 0'),
      count_feature('bureau_recent_count', t, 'Credit bureau: credits opened in the last 2 years', 'days_credit >= -730'),
      feature('bureau_total_debt_to_credit_ratio', safe_divide('sum(amt_credit_sum_debt)', 'sum(amt_credit_sum)'), t, none,
              'ratio of sums over all credits', 'Credit bureau: total debt / total credit'),
      feature('bureau_active_debt_to_credit_ratio',
              safe_divide("sum(case when credit_active = 'Active' then amt_credit_sum_debt end)", "sum(case when credit_active = 'Active' then amt_credit_sum end)"),
              t, none, 'ratio of sums over active credits', 'Credit bureau: active debt / active credit'),
  ] -%}
  {%- do specs.extend(numeric_family('bureau', t, all_cols, ['min', 'max', 'mean', 'sum'], 'Credit bureau, all credits')) -%}
  {%- do specs.extend(numeric_family('bureau', t, ['DAYS_CREDIT', 'AMT_CREDIT_SUM', 'AMT_CREDIT_SUM_DEBT', all_cols[13]], ['var'], 'Credit bureau, all credits')) -%}
  {%- do specs.extend(numeric_family('bureau', t, active_cols, ['mean', 'max', 'sum'], 'Credit bureau, active credits', 'active', "credit_active = 'Active'")) -%}
  {%- do specs.extend(numeric_family('bureau', t, closed_cols, ['mean', 'max', 'sum'], 'Credit bureau, closed credits', 'closed', "credit_active = 'Closed'")) -%}
  {%- do specs.extend(numeric_family('bureau', t, ['AMT_CREDIT_SUM', 'AMT_CREDIT_SUM_DEBT'], ['mean', 'sum'], 'Credit bureau, credits opened in the last 2 years', 'recent', 'days_credit >= -730')) -%}
  {%- do specs.extend(share_family('bureau', t, 'CREDIT_ACTIVE', ['Active', 'Closed', 'Sold', 'Bad debt'], 'Credit bureau')) -%}
  {%- do specs.extend(share_family('bureau', t, 'CREDIT_CURRENCY', ['currency 1', 'currency 2', 'currency 3', 'currency 4'], 'Credit bureau')) -%}
  {%- do specs.extend(share_family('bureau', t, 'CREDIT_TYPE', ['Consumer credit', 'Credit card', 'Car loan', 'Mortgage', 'Microloan',
        'Loan for business development', 'Another type of loan', 'Unknown type of loan', 'Loan for working capital replenishment',
        'Cash loan (non-earmarked)', 'Real estate loan', 'Loan for the purchase of equipment', 'Loan for purchase of shares (margin lending)',
        'Interbank credit', 'Mobile operator loan'], 'Credit bureau')) -%}
  {#- bureau_balance, first aggregated per bureau credit (int_bureau_balance__aggregated_to_credit) -#}
  {%- set tb = 'bureau_balance' -%}
  {%- do specs.append(count_feature('bb_credits_with_history_count', tb, 'Bureau monthly history: credits that have one', 'bb_months_count > 0')) -%}
  {%- do specs.extend(numeric_family('bb', tb, [
        derived('months_count', 'months of history', 'MONTHS_BALANCE'),
        derived('months_balance_min', 'oldest month of history', 'MONTHS_BALANCE'),
        derived('dpd_months', 'months with days past due', 'STATUS'),
        derived('recent_dpd_months', 'months with days past due in the last year', 'STATUS'),
        derived('worst_status', 'worst status (0 on time to 5 over 120 days late)', 'STATUS')],
        ['mean', 'max', 'sum'], 'Bureau monthly history per credit')) -%}
  {%- set shares = [] -%}
  {%- for s in ['0', '1', '2', '3', '4', '5', 'C', 'X'] -%}
    {%- do shares.append(derived('status_' ~ (s | lower) ~ '_share', 'share of months with status ' ~ s, 'STATUS')) -%}
  {%- endfor -%}
  {%- do specs.extend(numeric_family('bb', tb, shares, ['mean'], 'Bureau monthly history per credit')) -%}
  {{ return(specs) }}
{%- endmacro %}

{% macro previous_application_feature_specs() -%}
  {%- set t = 'previous_application' -%}
  {%- set ratio_cols = [
        derived('application_to_credit_ratio', 'amount asked / amount granted'),
        derived('credit_to_goods_ratio', 'credit / goods price'),
        derived('annuity_to_credit_ratio', 'annuity / credit'),
        derived('down_payment_to_credit_ratio', 'down payment / credit'),
        derived('simple_interest_rate', 'interest implied by annuity x payments / credit'),
        derived('planned_duration_days', 'planned length in days'),
        derived('due_delay_days', 'last due date moved by (days)')] -%}
  {%- set all_cols = ['AMT_ANNUITY', 'AMT_APPLICATION', 'AMT_CREDIT', 'AMT_DOWN_PAYMENT', 'AMT_GOODS_PRICE',
        'HOUR_APPR_PROCESS_START', 'RATE_DOWN_PAYMENT', 'RATE_INTEREST_PRIMARY', 'RATE_INTEREST_PRIVILEGED',
        'DAYS_DECISION', 'SELLERPLACE_AREA', 'CNT_PAYMENT', 'DAYS_FIRST_DRAWING', 'DAYS_FIRST_DUE',
        'DAYS_LAST_DUE_1ST_VERSION', 'DAYS_LAST_DUE', 'DAYS_TERMINATION', 'NFLAG_INSURED_ON_APPROVAL'] + ratio_cols -%}
  {%- set approved_cols = ['AMT_ANNUITY', 'AMT_APPLICATION', 'AMT_CREDIT', 'AMT_GOODS_PRICE', 'DAYS_DECISION', 'CNT_PAYMENT',
        'DAYS_LAST_DUE_1ST_VERSION', ratio_cols[0], ratio_cols[4], ratio_cols[6]] -%}
  {%- set refused_cols = ['AMT_ANNUITY', 'AMT_APPLICATION', 'AMT_CREDIT', 'DAYS_DECISION', 'CNT_PAYMENT', ratio_cols[0]] -%}
  {%- set specs = [
      count_feature('prev_count', t, 'Previous applications: number'),
      count_feature('prev_approved_count', t, 'Previous applications: number approved', "name_contract_status = 'Approved'"),
      count_feature('prev_refused_count', t, 'Previous applications: number refused', "name_contract_status = 'Refused'"),
      count_feature('prev_last_year_count', t, 'Previous applications in the last year: number', 'days_decision >= -365'),
      count_feature('prev_last_year_refused_count', t, 'Previous applications in the last year: number refused', "days_decision >= -365 and name_contract_status = 'Refused'"),
      feature('prev_last3_refused_share', mean_of_latest("case when name_contract_status = 'Refused' then 1.0 else 0.0 end", 'days_decision', 3),
              t, 'NAME_CONTRACT_STATUS', 'share over the 3 most recent applications', 'Last 3 previous applications: share refused'),
  ] -%}
  {%- do specs.extend(numeric_family('prev', t, all_cols, ['min', 'max', 'mean'], 'Previous applications')) -%}
  {%- do specs.extend(numeric_family('prev', t, ['AMT_ANNUITY', 'AMT_CREDIT', 'DAYS_DECISION', 'CNT_PAYMENT', ratio_cols[0]], ['var'], 'Previous applications')) -%}
  {%- do specs.extend(numeric_family('prev', t, ['AMT_ANNUITY', 'AMT_APPLICATION', 'AMT_CREDIT'], ['sum'], 'Previous applications')) -%}
  {%- do specs.extend(numeric_family('prev', t, approved_cols, ['min', 'max', 'mean'], 'Approved previous applications', 'approved', "name_contract_status = 'Approved'")) -%}
  {%- do specs.extend(numeric_family('prev', t, refused_cols, ['min', 'max', 'mean'], 'Refused previous applications', 'refused', "name_contract_status = 'Refused'")) -%}
  {%- do specs.extend(numeric_family('prev', t, ['AMT_CREDIT', 'AMT_APPLICATION', ratio_cols[0]], ['mean', 'max'], 'Previous applications in the last year', 'last_year', 'days_decision >= -365')) -%}
  {%- do specs.extend(latest_family('prev', t, ['AMT_CREDIT', 'AMT_ANNUITY', 'CNT_PAYMENT', 'DAYS_DECISION'], 'days_decision', 3, 'last3', 'Last 3 previous applications')) -%}
  {#- Shares of the categories that carry the most signal; goods category, seller industry, product
      combination and payment type (57 more columns) cost prev a third of its build time for little. -#}
  {%- set levels = {
      'NAME_CONTRACT_TYPE': ['Consumer loans', 'Cash loans', 'Revolving loans'],
      'NAME_CONTRACT_STATUS': ['Approved', 'Canceled', 'Refused', 'Unused offer'],
      'CODE_REJECT_REASON': ['XAP', 'HC', 'LIMIT', 'SCO', 'CLIENT', 'SCOFR', 'VERIF', 'SYSTEM'],
      'NAME_CLIENT_TYPE': ['Repeater', 'New', 'Refreshed'],
      'NAME_PORTFOLIO': ['POS', 'Cash', 'Cards', 'Cars'],
      'NAME_PRODUCT_TYPE': ['x-sell', 'walk-in'],
      'CHANNEL_TYPE': ['Credit and cash offices', 'Country-wide', 'Stone', 'Regional / Local', 'AP+ (Cash loan)', 'Contact center', 'Channel of corporate sales', 'Car dealer'],
      'NAME_YIELD_GROUP': ['middle', 'high', 'low_normal', 'low_action'],
  } -%}
  {%- for c, lv in levels.items() -%}
    {%- do specs.extend(share_family('prev', t, c, lv, 'Previous applications')) -%}
  {%- endfor -%}
  {{ return(specs) }}
{%- endmacro %}

{% macro pos_cash_feature_specs() -%}
  {%- set t = 'pos_cash_balance' -%}
  {%- set cols = ['MONTHS_BALANCE', 'CNT_INSTALMENT', 'CNT_INSTALMENT_FUTURE', 'SK_DPD', 'SK_DPD_DEF',
        derived('instalment_progress', 'share of instalments already due')] -%}
  {%- set specs = [
      count_feature('pos_month_count', t, 'Point-of-sale and cash loans: monthly records'),
      feature('pos_loan_count', 'count(distinct sk_id_prev)', t, 'SK_ID_PREV', 'number of distinct loans', 'Point-of-sale and cash loans: number of loans'),
      count_feature('pos_dpd_month_count', t, 'Point-of-sale and cash loans: months with days past due', 'sk_dpd > 0'),
      count_feature('pos_last_year_month_count', t, 'Point-of-sale and cash loans: monthly records in the last 12 months', 'months_balance >= -12'),
  ] -%}
  {#- 10M monthly records at full scale: per-column aggregates rather than all five everywhere -#}
  {%- for idx, aggs in [(0, ['min', 'max', 'mean']), (1, ['max', 'mean']), (2, ['max', 'mean', 'sum']),
                        (3, ['max', 'mean', 'sum', 'var']), (4, ['max', 'mean', 'sum']), (5, ['min', 'max', 'mean'])] -%}
    {%- do specs.extend(numeric_family('pos', t, [cols[idx]], aggs, 'Point-of-sale and cash loans')) -%}
  {%- endfor -%}
  {%- do specs.extend(numeric_family('pos', t, ['SK_DPD', 'SK_DPD_DEF', 'CNT_INSTALMENT_FUTURE', cols[5]], ['mean', 'max'], 'Point-of-sale and cash loans, last 12 months', 'last_year', 'months_balance >= -12')) -%}
  {%- do specs.extend(share_family('pos', t, 'NAME_CONTRACT_STATUS', ['Active', 'Completed', 'Signed', 'Demand', 'Returned to the store',
        'Approved', 'Amortized debt', 'Canceled'], 'Point-of-sale and cash loans')) -%}
  {{ return(specs) }}
{%- endmacro %}

{% macro installments_feature_specs() -%}
  {%- set t = 'installments_payments' -%}
  {%- set cols = ['NUM_INSTALMENT_VERSION', 'DAYS_INSTALMENT', 'AMT_INSTALMENT',
        derived('amt_paid', 'amount paid (all payments of the instalment)', 'AMT_PAYMENT'),
        derived('days_past_due', 'days paid after the due date', 'DAYS_ENTRY_PAYMENT'),
        derived('days_before_due', 'days paid before the due date', 'DAYS_ENTRY_PAYMENT'),
        derived('paid_ratio', 'amount paid / amount due'),
        derived('paid_diff', 'amount due minus amount paid'),
        derived('payment_rows', 'payments made for the instalment', 'AMT_PAYMENT')] -%}
  {%- set specs = [
      count_feature('inst_count', t, 'Instalments: number due'),
      count_feature('inst_late_count', t, 'Instalments: number paid late', 'days_past_due > 0'),
      count_feature('inst_short_count', t, 'Instalments: number paid short', 'paid_diff > 0'),
      count_feature('inst_unpaid_count', t, 'Instalments: number with no payment', 'amt_paid is null'),
      feature('inst_late_share', safe_divide(count_where('days_past_due > 0'), 'count(*)'), t, 'DAYS_ENTRY_PAYMENT', 'share of instalments', 'Instalments: share paid late'),
      feature('inst_short_share', safe_divide(count_where('paid_diff > 0'), 'count(*)'), t, 'AMT_PAYMENT', 'share of instalments', 'Instalments: share paid short'),
      feature('inst_last_year_late_share', safe_divide(count_where('days_instalment >= -365 and days_past_due > 0'), count_where('days_instalment >= -365')),
              t, 'DAYS_ENTRY_PAYMENT', 'share of instalments due in the last 365 days', 'Instalments in the last year: share paid late'),
  ] -%}
  {#- 13M instalments at full scale: each aggregate costs, so each column gets the ones that say something -#}
  {%- for idx, aggs in [(0, ['max', 'mean']), (1, ['min', 'max']), (2, ['max', 'mean', 'sum']), (3, ['max', 'mean', 'sum']),
                        (4, ['max', 'mean', 'sum', 'var']), (5, ['max', 'mean', 'sum']), (6, ['min', 'mean', 'var']),
                        (7, ['max', 'mean', 'sum']), (8, ['max', 'mean'])] -%}
    {%- do specs.extend(numeric_family('inst', t, [cols[idx]], aggs, 'Instalments')) -%}
  {%- endfor -%}
  {%- do specs.extend(numeric_family('inst', t, [cols[4], cols[5], cols[6], cols[7]], ['mean', 'max'], 'Instalments due in the last year', 'last_year', 'days_instalment >= -365')) -%}
  {{ return(specs) }}
{%- endmacro %}

{% macro credit_card_feature_specs() -%}
  {%- set t = 'credit_card_balance' -%}
  {%- set cols = ['MONTHS_BALANCE', 'AMT_BALANCE', 'AMT_CREDIT_LIMIT_ACTUAL', 'AMT_DRAWINGS_ATM_CURRENT', 'AMT_DRAWINGS_CURRENT',
        'AMT_DRAWINGS_OTHER_CURRENT', 'AMT_DRAWINGS_POS_CURRENT', 'AMT_INST_MIN_REGULARITY', 'AMT_PAYMENT_CURRENT',
        'AMT_PAYMENT_TOTAL_CURRENT', 'AMT_RECEIVABLE_PRINCIPAL', 'AMT_RECIVABLE', 'AMT_TOTAL_RECEIVABLE',
        'CNT_DRAWINGS_ATM_CURRENT', 'CNT_DRAWINGS_CURRENT', 'CNT_DRAWINGS_OTHER_CURRENT', 'CNT_DRAWINGS_POS_CURRENT',
        'CNT_INSTALMENT_MATURE_CUM', 'SK_DPD', 'SK_DPD_DEF',
        derived('utilisation', 'card utilisation (balance / limit)', 'AMT_BALANCE'),
        derived('drawings_to_limit_ratio', 'drawings / limit', 'AMT_DRAWINGS_CURRENT'),
        derived('payment_to_minimum_ratio', 'payment / minimum instalment', 'AMT_PAYMENT_CURRENT')] -%}
  {%- set specs = [
      count_feature('cc_month_count', t, 'Credit cards: monthly records'),
      count_feature('cc_dpd_month_count', t, 'Credit cards: months with days past due', 'sk_dpd > 0'),
  ] -%}
  {%- do specs.extend(numeric_family('cc', t, cols, ['max', 'mean'], 'Credit cards')) -%}
  {%- do specs.extend(numeric_family('cc', t, [cols[1], cols[2], cols[4], cols[8], cols[18], cols[20], cols[22]], ['min', 'sum', 'var'], 'Credit cards')) -%}
  {%- do specs.extend(numeric_family('cc', t, [cols[1], cols[4], cols[18], cols[20]], ['mean', 'max'], 'Credit cards, last 12 months', 'last_year', 'months_balance >= -12')) -%}
  {%- do specs.extend(share_family('cc', t, 'NAME_CONTRACT_STATUS', ['Active', 'Completed', 'Signed', 'Demand', 'Sent proposal', 'Refused', 'Approved'], 'Credit cards')) -%}
  {{ return(specs) }}
{%- endmacro %}
