#!/bin/sh
# kpi_trust: numbers a manager trusts, on a small company worked out by hand
# (Europe/Madrid, EUR; dates are local midnights; now is 2026-04-15 14:00 local).
# Teams North (Ana, Ben) and South (Cy, Dee); accounts Acme, Beta, Gamma.
#   D1 Ana  Acme  won  1000.00 created 2025-03-01 closed 2025-03-10  (a year before)
#   D2 Ben  Beta  won   500.00 created 2026-03-01 closed 2026-03-11  (10 days)
#   D3 Ana  Beta  won   400.00 created 2026-03-02 closed 2026-03-22  (20 days)
#   D4 Cy   Gamma won   600.00 created 2026-03-10 closed 2026-03-15  (5 days)
#   D5 Ben  Acme  open  300.00 created 2026-02-10 (Proposal)
#   D6 Cy   Gamma open  200.00 created 2026-03-20 (Proposal)
#   D7 Dee  Gamma lost   50.00 created 2026-03-03 closed 2026-03-04
#   D8 Ben  Beta  open  250.00 created 2026-04-02 (Proposal)
#   D9 Cy   Gamma won   150.00 created 2026-04-01 closed 2026-04-03
# Goals of revenue_won for 2026-03: Ana 1000.00, Ben 500.00 (North has none of its
# own: 1500.00 rolled up), South 700.00 and Cy 300.00 (South keeps its own 700.00);
# the organisation 100.00 for 2026-04.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/t.db" EMBUDO_NOW=2026-04-15T12:00:00Z
E="$EMBUDO"
$E init --currency EUR --timezone Europe/Madrid >/dev/null
$E team add --name North >/dev/null && $E team add --name South >/dev/null
for u in Ana:North Ben:North Cy:South Dee:South; do $E user add --name "${u%%:*}" --team "${u#*:}" >/dev/null; done
for a in Acme Beta Gamma; do $E account add --name $a >/dev/null; done
deal() { $E deal add --title "$1" --owner "$2" --account "$3" --stage "$4" --amount "$5" --created "$6" ${7:+--closed "$7"} >/dev/null; }
deal D1 Ana Acme Won 1000 2025-03-01 2025-03-10
deal D2 Ben Beta Won 500 2026-03-01 2026-03-11
deal D3 Ana Beta Won 400 2026-03-02 2026-03-22
deal D4 Cy Gamma Won 600 2026-03-10 2026-03-15
deal D5 Ben Acme Proposal 300 2026-02-10
deal D6 Cy Gamma Proposal 200 2026-03-20
deal D7 Dee Gamma Lost 50 2026-03-03 2026-03-04
deal D8 Ben Beta Proposal 250 2026-04-02
deal D9 Cy Gamma Won 150 2026-04-01 2026-04-03
$E goal add --metric revenue_won --period 2026-03 --rep Ana --target 1000 >/dev/null
$E goal add --metric revenue_won --period 2026-03 --rep Ben --target 500 >/dev/null
$E goal add --metric revenue_won --period 2026-03 --team South --target 700 >/dev/null
$E goal add --metric revenue_won --period 2026-03 --rep Cy --target 300 >/dev/null
$E goal add --metric revenue_won --period 2026-04 --target 100 >/dev/null
check "fixture created"

json_get() { python3 -c "import json,sys; j=json.load(open('$TMP/out')); print($1)"; }
csv_rows() { tr -d '\r' <"$TMP/out" | paste -sd'|'; }

# 1. Lapsed customers stay visible: Acme bought in March 2025 and not in March 2026.
$E kpi revenue_won,win_rate --period 2026-03 --by account --compare year --format csv >"$TMP/out"
expect_eq "compare year by account keeps the lapsed account" \
"account,revenue_won,revenue_won_year,revenue_won_change,revenue_won_change_rel,win_rate,win_rate_year,win_rate_change,win_rate_change_rel|\
Acme,0.00,1000.00,-1000.00,-1,,1,,|\
Beta,900.00,0.00,900.00,,1,,,|\
Gamma,600.00,0.00,600.00,,0.5,,," "$(csv_rows)"
# By rep against February: nobody closed anything in February; all four are there.
$E kpi deals_won --period 2026-03 --by rep --compare previous --format csv >"$TMP/out"
expect_eq "compare previous by rep" \
    "rep,deals_won,deals_won_previous,deals_won_change,deals_won_change_rel|Ana,1,0,1,|Ben,1,0,1,|Cy,1,0,1,|Dee,0,0,0," \
    "$(csv_rows)"
# April so far against March: Ana, Ben and Dee closed nothing in April: 0 against
# March's figures (the comparison runs to date: 1 to 15 March 14:00, so D3 is out).
$E kpi deals_won,revenue_won --period this-month --by rep --compare previous --format csv >"$TMP/out"
expect_eq "lapsed reps month to date" \
"rep,deals_won,deals_won_previous,deals_won_change,deals_won_change_rel,revenue_won,revenue_won_previous,revenue_won_change,revenue_won_change_rel|\
Ben,0,1,-1,-1,0.00,500.00,-500.00,-1|\
Cy,1,1,0,0,150.00,600.00,-450.00,-0.75|\
Dee,0,0,0,,0.00,0.00,0.00," "$(csv_rows)"

# 2. Instant metrics: open pipeline at the end of March (D5, D6) against the end of
# February (D5); now (D5, D6, D8) against the end of March.
$E kpi open_pipeline --period 2026-03 --compare previous --format json >"$TMP/out"
expect_eq "open pipeline against the end of the previous month" \
    "{'count': 2, 'amount': 500.0} {'count': 1, 'amount': 300.0} {'count': 1, 'amount': 200.0} 1 0.6667" \
    "$(json_get "'%s %s %s %s %.4f' % (j['rows'][0]['open_pipeline'], j['rows'][0]['open_pipeline_previous'], j['rows'][0]['open_pipeline_change'], j['rows'][0]['open_pipeline_change_rel']['count'], j['rows'][0]['open_pipeline_change_rel']['amount'])")"
$E kpi open_pipeline,weighted_pipeline --period this-month --compare previous --format csv >"$TMP/out"
expect_eq "open pipeline now against the end of last month (csv)" \
"open_pipeline_count,open_pipeline_amount,open_pipeline_previous_count,open_pipeline_previous_amount,open_pipeline_change_count,open_pipeline_change_amount,open_pipeline_change_rel_count,open_pipeline_change_rel_amount,weighted_pipeline,weighted_pipeline_previous,weighted_pipeline_change,weighted_pipeline_change_rel|\
3,750.00,2,500.00,1,250.00,0.5,0.5,375.00,250.00,125.00,0.5" "$(csv_rows)"
$E kpi sales_cycle_days --period 2026-03 --compare year --format json >"$TMP/out"
expect_eq "pairs compare: the other pair (D1, 9 days), the change of the median (10 - 9)" "{'median': 9, 'mean': 9} 1" \
    "$(json_get "'%s %s' % (j['rows'][0]['sales_cycle_days_year'], j['rows'][0]['sales_cycle_days_change'])")"

# 3. The leaderboard ranks in the metric's direction; ties share a rank; null last.
$E leaderboard --metric sales_cycle_days --period 2026-03 --format csv >"$TMP/out"
expect_eq "shortest sales cycle first, no cycle unranked" \
    "rank,rep,sales_cycle_days,attainment,previous_rank,change|1,Cy,5,,,new|2,Ben,10,,,new|3,Ana,20,,,new|,Dee,,,," \
    "$(csv_rows)"
$E leaderboard --metric sales_cycle_days --period 2026-03 --format json >"$TMP/out"
expect_eq "leaderboard json of a pair metric" "1 Cy 5 | 2 Ben 10 | 3 Ana 20 | None Dee None" \
    "$(json_get "' | '.join('%s %s %s' % (r['rank'], r['rep'], r['value'] if r['value'] is None else int(r['value'])) for r in j['rows'])")"
$E leaderboard --metric deals_won --period 2026-03 --format csv >"$TMP/out"
expect_eq "ties share a rank (1, 1, 1, 4)" "1,Ana|1,Ben|1,Cy|4,Dee" "$(tail -n +2 "$TMP/out" | tr -d '\r' | cut -d, -f1,2 | paste -sd'|')"
$E leaderboard --metric deals_lost --period 2026-03 --format csv >"$TMP/out"
expect_eq "fewest lost first" "1,Ana|1,Ben|1,Cy|4,Dee" "$(tail -n +2 "$TMP/out" | tr -d '\r' | cut -d, -f1,2 | paste -sd'|')"
$E leaderboard --metric open_pipeline --period 2026-03 --format csv >"$TMP/out"
expect_eq "multi-part metrics rank by their main part (amount)" "1,Ben,300.00|2,Cy,200.00" \
    "$(tail -n +2 "$TMP/out" | tr -d '\r' | cut -d, -f1-3 | paste -sd'|')"
$E leaderboard --period 2026-03 --format csv >"$TMP/out"
expect_eq "attainment against each rep's goal" "1,Cy,600.00,2|2,Ben,500.00,1|3,Ana,400.00,0.4|4,Dee,0.00," \
    "$(tail -n +2 "$TMP/out" | tr -d '\r' | cut -d, -f1-4 | paste -sd'|')"
expect_stderr_contains "reps cannot be ranked by 'marketing_spend'" $E leaderboard --metric marketing_spend

# Team goals: North has none of its own: 1000.00 + 500.00; South keeps its 700.00.
$E kpi goal_attainment --period 2026-03 --by team --format csv >"$TMP/out"
expect_eq "team goals roll up from the reps' goals" "team,goal_attainment|North,0.6|South,0.8571428571" "$(csv_rows)"
$E kpi revenue_won --period 2026-03 --by team --compare goal --format csv >"$TMP/out"
expect_eq "compare goal by team" \
    "team,revenue_won,revenue_won_goal,revenue_won_attainment|North,900.00,1500.00,0.6|South,600.00,700.00,0.8571428571" \
    "$(csv_rows)"
# Pacing with the goal met (150.00 of 100.00, 11 of 22 business days): nothing more
# is needed per day, never a negative amount.
$E kpi goal_pacing --period this-month --format csv >"$TMP/out"
expect_eq "pacing of a goal met" \
"goal_pacing_target,goal_pacing_actual,goal_pacing_elapsed_share,goal_pacing_pacing,goal_pacing_projected,goal_pacing_needed_per_day|\
100.00,150.00,0.5,3,300.00,0.00" "$(csv_rows)"

# 5. --sort and --limit: by the metric's value, '-' descending, nulls last.
$E kpi revenue_won --period 2026-03 --by rep --sort -revenue_won --format csv >"$TMP/out"
expect_eq "--sort -revenue_won" "rep,revenue_won|Cy,600.00|Ben,500.00|Ana,400.00|Dee,0.00" "$(csv_rows)"
$E kpi revenue_won --period 2026-03 --by rep --sort revenue_won --limit 2 --format csv >"$TMP/out"
expect_eq "--sort revenue_won --limit 2" "rep,revenue_won|Dee,0.00|Ana,400.00" "$(csv_rows)"
$E kpi deals_won,sales_cycle_days --period 2026-03 --by rep --sort -sales_cycle_days --format csv >"$TMP/out"
expect_eq "--sort a pair by its median, null last" \
    "rep,deals_won,sales_cycle_days_median,sales_cycle_days_mean|Ana,1,20,20|Ben,1,10,10|Cy,1,5,5|Dee,0,," "$(csv_rows)"
$E kpi revenue_won --period 2026-03 --by rep --limit 1 --format csv >"$TMP/out"
expect_eq "--limit alone keeps the label order" "rep,revenue_won|Ana,400.00" "$(csv_rows)"
expect_stderr_contains "--sort 'win_rate' must name one of the metrics computed (revenue_won)" \
    $E kpi revenue_won --period 2026-03 --sort win_rate
expect_stderr_contains "--limit '0' must be a whole number from 1" $E kpi revenue_won --limit 0

# Periods: ranges of any two periods, next-month, last-N-days (now: 2026-04-15).
$E kpi deals_won --period 2025..2026 --format csv >"$TMP/out"
expect_eq "--period 2025..2026: D1, D2, D3, D4, D9" "deals_won|5" "$(csv_rows)"
$E kpi deals_won --period 2026-03..2026-04 --format json >"$TMP/out"
expect_eq "--period 2026-03..2026-04" "4 2026-03-01 2026-05-01" \
    "$(json_get "'%s %s %s' % (j['rows'][0]['deals_won'], j['period']['from'], j['period']['to'])")"
$E kpi deals_won --period last-30-days --format json >"$TMP/out"
expect_eq "last-30-days: 17 March to 15 April, D3 and D9" "2 2026-03-17 2026-04-16" \
    "$(json_get "'%s %s %s' % (j['rows'][0]['deals_won'], j['period']['from'], j['period']['to'])")"
$E leaderboard --metric deals_won --period 2026-03..2026-04 --format csv >"$TMP/out"
expect_eq "leaderboard over a range" "1,Cy,2|2,Ana,1|2,Ben,1|4,Dee,0" \
    "$(tail -n +2 "$TMP/out" | tr -d '\r' | cut -d, -f1-3 | paste -sd'|')"
$E goal add --metric deals_won --period next-month --target 3 >/dev/null
expect_eq "goal add --period next-month" "deals_won,2026-05" \
    "$($E goal list --where metric=deals_won --format csv | tail -1 | tr -d '\r' | cut -d, -f2,6)"
expect_stderr_contains "ends before it starts" $E kpi deals_won --period 2026-04..2026-03
expect_stderr_contains "last-30-days" $E kpi deals_won --period last-month-ish

# 6. The records behind a number. D6 has a call done on 10 April and a task due on
# 20 April: not stale; D5 and D8 (no activity) are.
$E activity add --type call --deal D6 --done 2026-04-10 >/dev/null
$E activity add --type task --deal D6 --due 2026-04-20 >/dev/null
$E kpi stale_deals --by rep --format csv >"$TMP/out"
expect_eq "stale deals by rep" "rep,stale_deals_deals,stale_deals_amount|Ben,2,550.00" "$(csv_rows)"
$E kpi stale_deals --by rep --records --format csv >"$TMP/out"
expect_eq "stale deals --records" \
"rep,deal,account,stage,amount,created,closed,expected_close|\
Ben,D5,Acme,Proposal,300.00,2026-02-10,,|\
Ben,D8,Beta,Proposal,250.00,2026-04-02,," "$(csv_rows)"
$E kpi deals_won --period 2026-03 --by team --records --format json >"$TMP/out"
expect_eq "deals won --records by team" "North D2 Ben 500.0 | North D3 Ana 400.0 | South D4 Cy 600.0" \
    "$(json_get "' | '.join('%s %s %s %s' % (r['team'], r['deal'], r['rep'], r['amount']) for r in j)")"
$E kpi open_pipeline --period 2026-03 --records --format csv >"$TMP/out"
expect_eq "open pipeline at the end of March --records" \
    "deal,rep,account,stage,amount,created,closed,expected_close|D5,Ben,Acme,Proposal,300.00,2026-02-10,,|D6,Cy,Gamma,Proposal,200.00,2026-03-20,," \
    "$(csv_rows)"
$E deal list --where stale=true --format csv >"$TMP/out"
expect_eq "deal list --where stale=true: the deals stale_deals counts" "D5|D8" \
    "$(tail -n +2 "$TMP/out" | tr -d '\r' | cut -d, -f2 | paste -sd'|')"
expect_stderr_contains "'sales_roi' is computed from gross_profit, sales_spend" $E kpi sales_roi --records
expect_stderr_contains "--records lists the records of one metric" $E kpi deals_won,deals_lost --records

# List filters compare fields with each other and with today (2026-04-15 in Madrid).
#   A open 100.00 expected 2026-04-01 (overdue), no activity: stale
#   B open 2000.00 expected 2026-05-01, a call done 10 April and a task due 20 April: not stale
#   C won 1500.00 closed 2026-03-20, expected 2026-03-31 (closed before expected)
#   D won 50.00 closed 2026-04-14 23:30 local, expected 2026-04-14 (the same day)
export EMBUDO_DB="$TMP/w.db"
$E init --currency EUR --timezone Europe/Madrid >/dev/null && $E user add --name Ana >/dev/null
$E deal add --title A --owner Ana --stage Proposal --amount 100 --created 2026-03-01 --expected_close 2026-04-01 >/dev/null
$E deal add --title B --owner Ana --stage Proposal --amount 2000 --created 2026-03-01 --expected_close 2026-05-01 >/dev/null
$E deal add --title C --owner Ana --stage Won --amount 1500 --created 2026-03-01 --closed 2026-03-20 \
    --expected_close 2026-03-31 >/dev/null
$E deal add --title D --owner Ana --stage Won --amount 50 --created 2026-03-01 --closed 2026-04-14T23:30 \
    --expected_close 2026-04-14 >/dev/null
$E activity add --type call --deal B --done 2026-04-10 >/dev/null && $E activity add --type task --deal B --due 2026-04-20 >/dev/null
titles() { $E deal list --where "$1" --format csv | tail -n +2 | tr -d '\r' | cut -d, -f2 | paste -sd' '; }
expect_eq "expected_close<today" "A C D" "$(titles 'expected_close<today')"
expect_eq "status=open,expected_close<today: overdue open deals" "A" "$(titles 'status=open,expected_close<today')"
expect_eq "amount>=1000" "B C" "$(titles 'amount>=1000')"
expect_eq "closed<expected_close (the close's local day)" "C" "$(titles 'closed<expected_close')"
expect_eq "closed<=expected_close" "C D" "$(titles 'closed<=expected_close')"
expect_eq "closed>expected_close" "" "$(titles 'closed>expected_close')"
expect_eq "closed<today" "C D" "$(titles 'closed<today')"
expect_eq "closed>=today" "" "$(titles 'closed>=today')"
expect_eq "stale=true" "A" "$(titles 'stale=true')"
expect_eq "stale=false" "B C D" "$(titles 'stale=false')"
expect_eq "stale=true,amount<1000" "A" "$(titles 'stale=true,amount<1000')"
expect_stderr_contains "--where 'stale=maybe': stale is true or false" $E deal list --where stale=maybe
expect_stderr_contains "use closed<today or closed>today" $E deal list --where 'closed!=today'
finish
