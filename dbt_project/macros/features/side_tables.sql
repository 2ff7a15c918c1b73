{#
  Feature specs of the side tables, one macro per table. Each returns specs (see specs.sql) whose
  `sql` is an aggregate over that table's per-row input, grouped by sk_id_curr in the
  int_*__aggregated_to_client model. Derived per-row values are derived(...) dicts, bound to a name
  before use; their `sql` is a column computed by the model's pre-aggregation CTE, `formula` says how.
#}

{% macro derived(name, label, kind, unit, formula, source_column=none, risk_direction=none) -%}
  {{ return({'name': name, 'sql': name, 'label': label, 'kind': kind, 'unit': unit, 'formula': formula,
             'source_column': source_column, 'risk_direction': risk_direction}) }}
{%- endmacro %}

{# numeric_family for a list of (column, aggregates) pairs: each column gets the aggregates that say
   something about it (a min of an amount that is almost always 0, or a sum of dates, says nothing). #}
{% macro numeric_family_by_column(prefix, source_table, pairs, scope_label, scope=none, when=none) -%}
  {%- set specs = [] -%}
  {%- for column, aggs in pairs -%}
    {%- do specs.extend(numeric_family(prefix, source_table, [column], aggs, scope_label, scope, when)) -%}
  {%- endfor -%}
  {{ return(specs) }}
{%- endmacro %}

{% macro bureau_feature_specs() -%}
  {%- set t = 'bureau' -%}
  {#- Amounts get all four aggregates; dates and ratios no sum (a sum of dates says nothing); overdue
      amounts, overdue days and prolongations no min (almost always 0). -#}
  {%- set all4, no_sum, no_min = ['min', 'max', 'mean', 'sum'], ['min', 'max', 'mean'], ['max', 'mean', 'sum'] -%}
  {%- set credit_duration = derived('credit_duration_days', 'planned length in days', 'days', 'days', 'DAYS_CREDIT_ENDDATE - DAYS_CREDIT') -%}
  {%- set debt_to_credit = derived('debt_to_credit_ratio', 'debt / credit amount', 'ratio', 'none', 'AMT_CREDIT_SUM_DEBT / AMT_CREDIT_SUM') -%}
  {%- set enddate_gap = derived('enddate_gap_days', 'days between planned and actual end', 'days', 'days',
        'DAYS_ENDDATE_FACT - DAYS_CREDIT_ENDDATE') -%}
  {%- set all_cols = [('DAYS_CREDIT', no_sum), ('CREDIT_DAY_OVERDUE', no_min), ('DAYS_CREDIT_ENDDATE', no_sum),
        ('DAYS_ENDDATE_FACT', no_sum), ('AMT_CREDIT_MAX_OVERDUE', no_min), ('CNT_CREDIT_PROLONG', no_min),
        ('AMT_CREDIT_SUM', all4), ('AMT_CREDIT_SUM_DEBT', all4), ('AMT_CREDIT_SUM_LIMIT', all4),
        ('AMT_CREDIT_SUM_OVERDUE', no_min), ('DAYS_CREDIT_UPDATE', no_sum), ('AMT_ANNUITY', all4),
        (credit_duration, no_sum), (debt_to_credit, no_sum), (enddate_gap, no_sum)] -%}
  {%- set active_cols = ['DAYS_CREDIT', 'DAYS_CREDIT_ENDDATE', 'AMT_CREDIT_SUM', 'AMT_CREDIT_SUM_DEBT',
        'AMT_CREDIT_SUM_OVERDUE', 'AMT_CREDIT_MAX_OVERDUE', 'CREDIT_DAY_OVERDUE', 'AMT_ANNUITY', debt_to_credit] -%}
  {%- set closed_cols = ['DAYS_CREDIT', 'DAYS_CREDIT_ENDDATE', 'DAYS_ENDDATE_FACT', 'AMT_CREDIT_SUM', 'AMT_CREDIT_MAX_OVERDUE'] -%}
  {%- set specs = [
      count_feature('bureau_credit_count', t, 'Credit bureau: number of credits'),
      count_feature('bureau_active_count', t, 'Credit bureau: number of active credits', "credit_active = 'Active'"),
      count_feature('bureau_overdue_count', t, 'Credit bureau: credits with an overdue amount', 'amt_credit_sum_overdue > 0'),
      count_feature('bureau_recent_count', t, 'Credit bureau: credits opened in the last 2 years', 'days_credit >= -730'),
      feature('bureau_total_debt_to_credit_ratio', safe_divide('sum(amt_credit_sum_debt)', 'sum(amt_credit_sum)'), t, none,
              'ratio of sums over all credits', 'Credit bureau: total debt / total credit', 'ratio', 'none', 'credit bureau',
              formula='sum(AMT_CREDIT_SUM_DEBT) / sum(AMT_CREDIT_SUM)'),
      feature('bureau_active_debt_to_credit_ratio',
              safe_divide("sum(case when credit_active = 'Active' then amt_credit_sum_debt end)", "sum(case when credit_active = 'Active' then amt_credit_sum end)"),
              t, none, 'ratio of sums over active credits', 'Credit bureau: active debt / active credit', 'ratio', 'none', 'credit bureau',
              formula="sum(AMT_CREDIT_SUM_DEBT) / sum(AMT_CREDIT_SUM) over the credits with CREDIT_ACTIVE = 'Active'"),
  ] -%}
  {%- do specs.extend(numeric_family_by_column('bureau', t, all_cols, 'Credit bureau, all credits')) -%}
  {%- do specs.extend(numeric_family('bureau', t, ['DAYS_CREDIT', 'AMT_CREDIT_SUM', 'AMT_CREDIT_SUM_DEBT', debt_to_credit], ['var'], 'Credit bureau, all credits')) -%}
  {%- do specs.extend(numeric_family('bureau', t, active_cols, ['mean', 'max', 'sum'], 'Credit bureau, active credits', 'active', "credit_active = 'Active'")) -%}
  {%- do specs.extend(numeric_family('bureau', t, closed_cols, ['mean', 'max', 'sum'], 'Credit bureau, closed credits', 'closed', "credit_active = 'Closed'")) -%}
  {%- do specs.extend(numeric_family('bureau', t, ['AMT_CREDIT_SUM', 'AMT_CREDIT_SUM_DEBT'], ['mean', 'sum'], 'Credit bureau, credits opened in the last 2 years', 'recent', 'days_credit >= -730')) -%}
  {%- do specs.extend(share_family('bureau', t, 'CREDIT_ACTIVE', ['Active', 'Closed', 'Sold', 'Bad debt'], 'Credit bureau')) -%}
  {#- Category shares of the levels that occur: in real bureau rows (homecredit_profile.json) 99.93 % of
      credits are in currency 1, and the credit types after the first six are each under 0.05 %. -#}
  {%- do specs.extend(share_family('bureau', t, 'CREDIT_CURRENCY', ['currency 1'], 'Credit bureau')) -%}
  {%- do specs.extend(share_family('bureau', t, 'CREDIT_TYPE', ['Consumer credit', 'Credit card', 'Car loan', 'Mortgage', 'Microloan',
        'Loan for business development'], 'Credit bureau')) -%}
  {#- bureau_balance, first aggregated per bureau credit (int_bureau_balance__aggregated_to_credit) -#}
  {%- set tb = 'bureau_balance' -%}
  {%- do specs.append(count_feature('bb_credits_with_history_count', tb, 'Bureau monthly history: credits that have one', 'bb_months_count > 0')) -%}
  {%- do specs.extend(numeric_family('bb', tb, [
        derived('months_count', 'months of history', 'count', 'count', 'number of monthly records of the credit', 'MONTHS_BALANCE'),
        derived('months_balance_min', 'oldest month of history', 'months', 'months from application', 'min(MONTHS_BALANCE) of the credit', 'MONTHS_BALANCE'),
        derived('dpd_months', 'months with days past due', 'count', 'count', "months of the credit with STATUS '1' to '5'", 'STATUS', 1),
        derived('recent_dpd_months', 'months with days past due in the last year', 'count', 'count',
                "months of the credit with STATUS '1' to '5' and MONTHS_BALANCE >= -12", 'STATUS', 1),
        derived('worst_status', 'worst status (0 on time to 5 over 120 days late)', 'score', 'none',
                "max(STATUS) of the credit over '0' to '5'", 'STATUS', 1)],
        ['mean', 'max', 'sum'], 'Bureau monthly history per credit')) -%}
  {%- set shares = [] -%}
  {%- for s in ['0', '1', '2', '3', '4', '5', 'C', 'X'] -%}
    {%- do shares.append(derived('status_' ~ (s | lower) ~ '_share', 'share of months with status ' ~ s, 'share', 'share 0-1',
          "months of the credit with STATUS '" ~ s ~ "' / months of the credit", 'STATUS')) -%}
  {%- endfor -%}
  {%- do specs.extend(numeric_family('bb', tb, shares, ['mean'], 'Bureau monthly history per credit')) -%}
  {{ return(specs) }}
{%- endmacro %}

{% macro previous_application_feature_specs() -%}
  {%- set t = 'previous_application' -%}
  {#- the latest applications: by decision day, then by id (several decisions on one day are common) -#}
  {%- set latest = ['days_decision', 'sk_id_prev'] -%}
  {%- set last3_columns = ['AMT_CREDIT', 'AMT_ANNUITY', 'CNT_PAYMENT', 'DAYS_DECISION'] -%}
  {%- set last3_fields = {'refused': "case when name_contract_status = 'Refused' then cast(1 as double) else cast(0 as double) end"} -%}
  {%- for c in last3_columns %}{% do last3_fields.update({c | lower: c | lower}) %}{% endfor -%}
  {%- set asked_to_granted = derived('application_to_credit_ratio', 'amount asked / amount granted', 'ratio', 'none',
        'AMT_APPLICATION / AMT_CREDIT') -%}
  {%- set down_payment_share = derived('down_payment_to_credit_ratio', 'down payment / credit', 'ratio', 'none', 'AMT_DOWN_PAYMENT / AMT_CREDIT') -%}
  {%- set interest = derived('simple_interest_rate', 'interest implied by annuity x payments / credit', 'ratio', 'none',
        'AMT_ANNUITY * CNT_PAYMENT / AMT_CREDIT - 1') -%}
  {%- set due_delay = derived('due_delay_days', 'last due date moved by (days)', 'days', 'days', 'DAYS_LAST_DUE - DAYS_LAST_DUE_1ST_VERSION') -%}
  {%- set ratio_cols = [
        asked_to_granted,
        derived('credit_to_goods_ratio', 'credit / goods price', 'ratio', 'none', 'AMT_CREDIT / AMT_GOODS_PRICE'),
        derived('annuity_to_credit_ratio', 'annuity / credit', 'ratio', 'none', 'AMT_ANNUITY / AMT_CREDIT'),
        down_payment_share,
        interest,
        derived('planned_duration_days', 'planned length in days', 'days', 'days', 'DAYS_LAST_DUE_1ST_VERSION - DAYS_FIRST_DUE'),
        due_delay] -%}
  {#- min, max and mean, except: a mean only for the hour and the insured flag, no min
      for down payments (mostly 0) and first drawing (mostly the 365243 placeholder); the interest rates
      and the seller area (an id code, averaging it means nothing) are left out (99.5 % empty in real previous applications). -#}
  {%- set mmm, mean_only, no_min = ['min', 'max', 'mean'], ['mean'], ['max', 'mean'] -%}
  {%- set all_cols = [('AMT_ANNUITY', mmm), ('AMT_APPLICATION', mmm), ('AMT_CREDIT', mmm), ('AMT_DOWN_PAYMENT', no_min),
        ('AMT_GOODS_PRICE', mmm), ('HOUR_APPR_PROCESS_START', mean_only), ('RATE_DOWN_PAYMENT', no_min),
        ('DAYS_DECISION', mmm), ('CNT_PAYMENT', mmm), ('DAYS_FIRST_DRAWING', no_min),
        ('DAYS_FIRST_DUE', mmm), ('DAYS_LAST_DUE_1ST_VERSION', mmm), ('DAYS_LAST_DUE', mmm), ('DAYS_TERMINATION', mmm),
        ('NFLAG_INSURED_ON_APPROVAL', mean_only)] -%}
  {%- for c in ratio_cols -%}
    {%- do all_cols.append((c, no_min if c is sameas down_payment_share else mmm)) -%}
  {%- endfor -%}
  {%- set approved_cols = ['AMT_ANNUITY', 'AMT_APPLICATION', 'AMT_CREDIT', 'AMT_GOODS_PRICE', 'DAYS_DECISION', 'CNT_PAYMENT',
        'DAYS_LAST_DUE_1ST_VERSION', asked_to_granted, interest, due_delay] -%}
  {%- set refused_cols = ['AMT_ANNUITY', 'AMT_APPLICATION', 'AMT_CREDIT', 'DAYS_DECISION', 'CNT_PAYMENT', asked_to_granted] -%}
  {%- set specs = [
      count_feature('prev_count', t, 'Previous applications: number'),
      count_feature('prev_approved_count', t, 'Previous applications: number approved', "name_contract_status = 'Approved'"),
      count_feature('prev_refused_count', t, 'Previous applications: number refused', "name_contract_status = 'Refused'"),
      count_feature('prev_last_year_count', t, 'Previous applications in the last year: number', 'days_decision >= -365'),
      count_feature('prev_last_year_refused_count', t, 'Previous applications in the last year: number refused', "days_decision >= -365 and name_contract_status = 'Refused'"),
      count_feature('prev_running_count', t, 'Previous credits still running (no end date)', 'days_termination_is_sentinel = 1'),
      feature('prev_last3_refused_share', mean_of_latest(last3_fields, 'refused', latest, 3),
              t, 'NAME_CONTRACT_STATUS', 'share over the 3 most recent applications', 'Last 3 previous applications: share refused',
              'share', 'share 0-1', 'previous applications', level='Refused'),
  ] -%}
  {%- do specs.extend(numeric_family_by_column('prev', t, all_cols, 'Previous applications')) -%}
  {%- do specs.extend(numeric_family('prev', t, ['AMT_ANNUITY', 'AMT_CREDIT', 'DAYS_DECISION', 'CNT_PAYMENT', asked_to_granted], ['var'], 'Previous applications')) -%}
  {%- do specs.extend(numeric_family('prev', t, ['AMT_ANNUITY', 'AMT_APPLICATION', 'AMT_CREDIT'], ['sum'], 'Previous applications')) -%}
  {%- do specs.extend(numeric_family('prev', t, approved_cols, ['min', 'max', 'mean'], 'Approved previous applications', 'approved', "name_contract_status = 'Approved'")) -%}
  {%- do specs.extend(numeric_family('prev', t, refused_cols, ['min', 'max', 'mean'], 'Refused previous applications', 'refused', "name_contract_status = 'Refused'")) -%}
  {%- do specs.extend(numeric_family('prev', t, ['AMT_CREDIT', 'AMT_APPLICATION', asked_to_granted], ['mean', 'max'], 'Previous applications in the last year', 'last_year', 'days_decision >= -365')) -%}
  {%- do specs.extend(latest_family('prev', t, last3_columns, last3_fields, latest, 3, 'last3', 'Last 3 previous applications')) -%}
  {#- Shares of the categories that carry the most signal; goods category, seller industry, product
      combination and payment type (57 more columns) cost prev a third of its build time for little. -#}
  {%- set levels = {
      'NAME_CONTRACT_TYPE': ['Consumer loans', 'Cash loans', 'Revolving loans'],
      'NAME_CONTRACT_STATUS': ['Approved', 'Canceled', 'Refused', 'Unused offer'],
      'CODE_REJECT_REASON': ['XAP', 'HC', 'LIMIT', 'SCO', 'CLIENT', 'SCOFR', 'VERIF', 'SYSTEM'],
      'NAME_CLIENT_TYPE': ['Repeater', 'New', 'Refreshed'],
      'NAME_PORTFOLIO': ['POS', 'Cash', 'Cards'],
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
  {%- set progress = derived('instalment_progress', 'share of instalments already due', 'share', 'share 0-1',
        '1 - CNT_INSTALMENT_FUTURE / CNT_INSTALMENT') -%}
  {%- set specs = [
      count_feature('pos_month_count', t, 'Point-of-sale and cash loans: monthly records'),
      feature('pos_loan_count', 'count(distinct sk_id_prev)', t, 'SK_ID_PREV', 'number of distinct loans', 'Point-of-sale and cash loans: number of loans',
              'count', 'count', 'POS/cash loans'),
      count_feature('pos_dpd_month_count', t, 'Point-of-sale and cash loans: months with days past due', 'sk_dpd > 0'),
      count_feature('pos_last_year_month_count', t, 'Point-of-sale and cash loans: monthly records in the last 12 months', 'months_balance >= -12'),
  ] -%}
  {#- 10M monthly records at full scale: per-column aggregates rather than all five everywhere -#}
  {%- do specs.extend(numeric_family_by_column('pos', t, [('MONTHS_BALANCE', ['min', 'max', 'mean']), ('CNT_INSTALMENT', ['max', 'mean']),
        ('CNT_INSTALMENT_FUTURE', ['max', 'mean', 'sum']), ('SK_DPD', ['max', 'mean', 'sum', 'var']), ('SK_DPD_DEF', ['max', 'mean']),
        (progress, ['min', 'max', 'mean'])], 'Point-of-sale and cash loans')) -%}
  {%- do specs.extend(numeric_family('pos', t, ['SK_DPD', 'SK_DPD_DEF', 'CNT_INSTALMENT_FUTURE', progress], ['mean', 'max'], 'Point-of-sale and cash loans, last 12 months', 'last_year', 'months_balance >= -12')) -%}
  {#- Amortized debt and Canceled: 0.01 % and 0 % of real POS records -#}
  {%- do specs.extend(share_family('pos', t, 'NAME_CONTRACT_STATUS', ['Active', 'Completed', 'Signed', 'Demand', 'Returned to the store',
        'Approved'], 'Point-of-sale and cash loans')) -%}
  {{ return(specs) }}
{%- endmacro %}

{% macro installments_feature_specs() -%}
  {%- set t = 'installments_payments' -%}
  {#- per instalment (int_installments__payments_to_instalment): its payments summed, the last one's day -#}
  {%- set amt_paid = derived('amt_paid', 'amount paid (all payments of the instalment)', 'amount', 'currency',
        'sum(AMT_PAYMENT) of the instalment', 'AMT_PAYMENT') -%}
  {%- set days_past_due = derived('days_past_due', 'days paid after the due date', 'days', 'days',
        'greatest(last DAYS_ENTRY_PAYMENT of the instalment (0 if unpaid) - DAYS_INSTALMENT, 0)', 'DAYS_ENTRY_PAYMENT', 1) -%}
  {%- set days_before_due = derived('days_before_due', 'days paid before the due date', 'days', 'days',
        'greatest(DAYS_INSTALMENT - last DAYS_ENTRY_PAYMENT of the instalment, 0)', 'DAYS_ENTRY_PAYMENT') -%}
  {%- set paid_ratio = derived('paid_ratio', 'amount paid / amount due', 'ratio', 'none', 'sum(AMT_PAYMENT) / AMT_INSTALMENT') -%}
  {%- set paid_diff = derived('paid_diff', 'amount due minus amount paid', 'amount', 'currency', 'AMT_INSTALMENT - sum(AMT_PAYMENT)') -%}
  {%- set payment_rows = derived('payment_rows', 'payments made for the instalment', 'count', 'count',
        'number of payments of the instalment', 'AMT_PAYMENT') -%}
  {%- set specs = [
      count_feature('inst_count', t, 'Instalments: number due'),
      count_feature('inst_late_count', t, 'Instalments: number paid late', 'days_past_due > 0'),
      count_feature('inst_short_count', t, 'Instalments: number paid short', 'paid_diff > 0'),
      count_feature('inst_unpaid_count', t, 'Instalments: number with no payment', 'amt_paid is null'),
      feature('inst_late_share', safe_divide(count_where('days_past_due > 0'), 'count(*)'), t, 'DAYS_ENTRY_PAYMENT', 'share of instalments',
              'Instalments: share paid late', 'share', 'share 0-1', 'instalment payments',
              formula='instalments paid after DAYS_INSTALMENT / instalments', risk_direction=1),
      feature('inst_short_share', safe_divide(count_where('paid_diff > 0'), 'count(*)'), t, 'AMT_PAYMENT', 'share of instalments',
              'Instalments: share paid short', 'share', 'share 0-1', 'instalment payments',
              formula='instalments with sum(AMT_PAYMENT) < AMT_INSTALMENT / instalments', risk_direction=1),
      feature('inst_last_year_late_share', safe_divide(count_where('days_instalment >= -365 and days_past_due > 0'), count_where('days_instalment >= -365')),
              t, 'DAYS_ENTRY_PAYMENT', 'share of instalments due in the last 365 days', 'Instalments in the last year: share paid late',
              'share', 'share 0-1', 'instalment payments',
              formula='instalments paid after DAYS_INSTALMENT / instalments, of those with DAYS_INSTALMENT >= -365', risk_direction=1),
  ] -%}
  {#- 13M instalments at full scale: each aggregate costs, so each column gets the ones that say something -#}
  {%- do specs.extend(numeric_family_by_column('inst', t, [('NUM_INSTALMENT_VERSION', ['mean']), ('DAYS_INSTALMENT', ['min', 'max']),
        ('AMT_INSTALMENT', ['mean', 'sum']), (amt_paid, ['mean', 'sum']), (days_past_due, ['max', 'mean', 'sum', 'var']),
        (days_before_due, ['max', 'mean']), (paid_ratio, ['min', 'mean', 'var']), (paid_diff, ['max', 'mean', 'sum']),
        (payment_rows, ['max', 'mean'])], 'Instalments')) -%}
  {%- do specs.extend(numeric_family('inst', t, [days_past_due, days_before_due, paid_ratio, paid_diff], ['mean', 'max'], 'Instalments due in the last year', 'last_year', 'days_instalment >= -365')) -%}
  {{ return(specs) }}
{%- endmacro %}

{% macro credit_card_feature_specs() -%}
  {%- set t = 'credit_card_balance' -%}
  {#- Left out: the three receivable amounts (the balance again, up to interest), the total payment (the
      payment again) and the "other" drawings (almost always 0). -#}
  {%- set utilisation = derived('utilisation', 'card utilisation (balance / limit)', 'share', 'share 0-1',
        'AMT_BALANCE / AMT_CREDIT_LIMIT_ACTUAL', 'AMT_BALANCE') -%}
  {%- set drawings_to_limit = derived('drawings_to_limit_ratio', 'drawings / limit', 'ratio', 'none',
        'AMT_DRAWINGS_CURRENT / AMT_CREDIT_LIMIT_ACTUAL', 'AMT_DRAWINGS_CURRENT') -%}
  {%- set payment_to_minimum = derived('payment_to_minimum_ratio', 'payment / minimum instalment', 'ratio', 'none',
        'AMT_PAYMENT_CURRENT / AMT_INST_MIN_REGULARITY', 'AMT_PAYMENT_CURRENT') -%}
  {%- set cols = ['MONTHS_BALANCE', 'AMT_BALANCE', 'AMT_CREDIT_LIMIT_ACTUAL', 'AMT_DRAWINGS_ATM_CURRENT', 'AMT_DRAWINGS_CURRENT',
        'AMT_DRAWINGS_POS_CURRENT', 'AMT_INST_MIN_REGULARITY', 'AMT_PAYMENT_CURRENT',
        'CNT_DRAWINGS_ATM_CURRENT', 'CNT_DRAWINGS_CURRENT', 'CNT_DRAWINGS_POS_CURRENT',
        'CNT_INSTALMENT_MATURE_CUM', 'SK_DPD', 'SK_DPD_DEF', utilisation, drawings_to_limit, payment_to_minimum] -%}
  {%- set specs = [
      count_feature('cc_month_count', t, 'Credit cards: monthly records'),
      count_feature('cc_dpd_month_count', t, 'Credit cards: months with days past due', 'sk_dpd > 0'),
  ] -%}
  {%- do specs.extend(numeric_family('cc', t, cols, ['max', 'mean'], 'Credit cards')) -%}
  {%- do specs.extend(numeric_family('cc', t, ['AMT_BALANCE', 'AMT_CREDIT_LIMIT_ACTUAL', 'AMT_DRAWINGS_CURRENT', 'AMT_PAYMENT_CURRENT',
        'SK_DPD', utilisation, payment_to_minimum], ['min', 'sum', 'var'], 'Credit cards')) -%}
  {%- do specs.extend(numeric_family('cc', t, ['AMT_BALANCE', 'AMT_DRAWINGS_CURRENT', 'SK_DPD', utilisation], ['mean', 'max'], 'Credit cards, last 12 months', 'last_year', 'months_balance >= -12')) -%}
  {#- Sent proposal, Refused and Approved: 0.02 % of real card records or none -#}
  {%- do specs.extend(share_family('cc', t, 'NAME_CONTRACT_STATUS', ['Active', 'Completed', 'Signed', 'Demand'], 'Credit cards')) -%}
  {{ return(specs) }}
{%- endmacro %}
