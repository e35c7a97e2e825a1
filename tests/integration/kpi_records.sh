#!/bin/sh
# kpi_records: `embudo kpi METRIC --records` lists the records behind every metric
# that counts or sums them (metrics/kpi_records.h), on a small company worked out
# by hand (UTC, EUR; now is 2026-04-15 12:00; the period is March 2026):
#   deals  D1 Ana Acme won 100 (created 03-01, closed 03-05); D2 Ben Beta lost 50
#          (03-02, 03-06); D3 Ana Beta won 70 (03-03, 03-20); D4 Ben Acme open 40,
#          expected close moved on 03-10 from 03-25 to 04-10 (slipped in March)
#   leads  L1 Ana web mql (created 03-05, a call 30 minutes later); L2 Ben web sql
#          (03-06); L3 Ana referral new (03-07); L4 Ben web mql (02-10, before)
#   activities A1 call Ana connected 120 s done 03-05 00:30 (on L1); A2 call Ben
#          no_answer done 03-06; A3 email Ana opened done 03-07; A4 meeting Ben held
#          done 03-08; A5 task Ana due 03-10 done 03-09; A6 task Ben due 03-12, open;
#          A7 call Ana connected done 04-02 (April)
#   orders O1 Acme Ana 03-10: OL1 P1 2 x 10.00 cost 4.00, OL2 P2 1 x 30.00 (no cost);
#          O2 Beta Ben 03-15: OL3 P1 3 x 10.00 cost 4.00; O3 Acme Ana 04-02: OL4 P2 1 x 30.00
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/r.db" EMBUDO_NOW=2026-03-10T12:00:00Z
unset EMBUDO_USER
E="$EMBUDO"
$E init --currency EUR --timezone UTC --owner boss@x.com --owner-name Boss >/dev/null
for u in Ana Ben; do $E user add --name $u >/dev/null; done
for a in Acme Beta; do $E account add --name $a >/dev/null; done
deal() { $E deal add --id "$1" --title "$1" --owner "$2" --account "$3" --stage "$4" --amount "$5" --created "$6" ${7:+--closed "$7"} >/dev/null; }
deal D1 Ana Acme Won 100 2026-03-01 2026-03-05
deal D2 Ben Beta Lost 50 2026-03-02 2026-03-06
deal D3 Ana Beta Won 70 2026-03-03 2026-03-20
$E deal add --id D4 --title D4 --owner Ben --account Acme --stage Proposal --amount 40 --created 2026-03-04 \
    --expected-close 2026-03-25 >/dev/null
$E deal update D4 --expected-close 2026-04-10 >/dev/null
$E lead add --id L1 --name Uno --owner Ana --source web --status mql --created 2026-03-05 >/dev/null
$E lead add --id L2 --name Dos --owner Ben --source web --status sql --created 2026-03-06 >/dev/null
$E lead add --id L3 --name Tres --owner Ana --source referral --status new --created 2026-03-07 >/dev/null
$E lead add --id L4 --name Cuatro --owner Ben --source web --status mql --created 2026-02-10 >/dev/null
$E activity add --id A1 --type call --owner Ana --lead L1 --done "2026-03-05 00:30" --outcome connected --duration 120 >/dev/null
$E activity add --id A2 --type call --owner Ben --done 2026-03-06 --outcome no_answer >/dev/null
$E activity add --id A3 --type email --owner Ana --done 2026-03-07 --outcome opened >/dev/null
$E activity add --id A4 --type meeting --owner Ben --done 2026-03-08 --outcome held >/dev/null
$E activity add --id A5 --type task --owner Ana --due 2026-03-10 --done 2026-03-09 >/dev/null
$E activity add --id A6 --type task --owner Ben --due 2026-03-12 >/dev/null
$E activity add --id A7 --type call --owner Ana --done 2026-04-02 --outcome connected >/dev/null
$E product add --sku P1 --name P1 --price 10 >/dev/null
$E product add --sku P2 --name P2 --price 30 >/dev/null
$E order add --id O1 --account Acme --owner Ana --date 2026-03-10 >/dev/null
$E order_line add --id OL1 --order O1 --product P1 --quantity 2 --unit-price 10 --cost 4 >/dev/null
$E order_line add --id OL2 --order O1 --product P2 --quantity 1 --unit-price 30 >/dev/null
$E order add --id O2 --account Beta --owner Ben --date 2026-03-15 >/dev/null
$E order_line add --id OL3 --order O2 --product P1 --quantity 3 --unit-price 10 --cost 4 >/dev/null
$E order add --id O3 --account Acme --owner Ana --date 2026-04-02 >/dev/null
$E order_line add --id OL4 --order O3 --product P2 --quantity 1 --unit-price 30 >/dev/null
check "fixture created"
export EMBUDO_NOW=2026-04-15T12:00:00Z
P="--period 2026-03"
csv_rows() { tr -d '\r' <"$TMP/out" | paste -sd'|'; }
# ids METRIC [OPTIONS]: the first column of its records, joined by ' '.
ids() { $E kpi "$@" $P --records --format csv | tail -n +2 | tr -d '\r' | cut -d, -f1 | paste -sd' '; }
# value METRIC [OPTIONS]: the metric's first value.
value() { $E kpi "$@" $P --format csv | tail -n +2 | tr -d '\r' | cut -d, -f1; }

# Deals.
expect_eq "slipped_deals lists D4" "D4" "$(ids slipped_deals)"
expect_eq "pipeline_expected (open at the end of March, expected in March): none" "" "$(ids pipeline_expected)"
$E kpi win_rate $P --records --format csv >"$TMP/out"
expect_eq "win_rate: each closed deal and the part it counts in" \
    "deal,rep,account,stage,amount,created,closed,expected_close,counted_as|D1,Ana,Acme,Won,100.00,2026-03-01,2026-03-05,,denominator,numerator|D2,Ben,Beta,Lost,50.00,2026-03-02,2026-03-06,,denominator|D3,Ana,Beta,Won,70.00,2026-03-03,2026-03-20,,denominator,numerator" \
    "$(csv_rows | sed 's/,denominator,numerator/,"denominator,numerator"/g; s/"//g')"
expect_eq "deals_won by rep, Ana only" "Ana,D1|Ana,D3" \
    "$($E kpi deals_won $P --by rep --where rep=Ana --records --format csv | tail -n +2 | tr -d '\r' | cut -d, -f1,2 | paste -sd'|')"

# Stages: the funnel of the deals created in March. D1 and D3 went from Prospecting
# to Won (the stages between count as passed), D2 from Prospecting to Lost, D4 is in
# Proposal: Prospecting 4, Qualification 3, Proposal 3, Negotiation 2, Won 2.
expect_eq "stage_reached, Proposal: D1 D3 D4" "Proposal,D1|Proposal,D3|Proposal,D4" \
    "$($E kpi stage_reached $P --by stage --where stage=Proposal --records --format csv | tail -n +2 | tr -d '\r' | cut -d, -f1,2 | paste -sd'|')"
expect_eq "stage_reached records per stage = its values" "Prospecting:4 Qualification:3 Proposal:3 Negotiation:2 Won:2" \
    "$($E kpi stage_reached $P --by stage --records --format csv | tail -n +2 | tr -d '\r' | cut -d, -f1 | uniq -c | awk '{printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1}')"
expect_eq "stage_reached by stage (the numbers)" "Prospecting,4|Qualification,3|Proposal,3|Negotiation,2|Won,2" \
    "$($E kpi stage_reached $P --by stage --format csv | tail -n +2 | tr -d '\r' | paste -sd'|')"
expect_eq "stage_conversion, Prospecting: 3 of 4 went on (0.75)" \
    "D1:denominator,numerator D2:denominator D3:denominator,numerator D4:denominator,numerator" \
    "$($E kpi stage_conversion $P --by stage --records --format json | python3 -c "import json,sys; print(' '.join(r['deal'] + ':' + r['counted_as'] for r in json.load(sys.stdin) if r['stage'] == 'Prospecting'))")"
expect_eq "time_in_stage: the exits of March (D1, D2, D3 left Prospecting)" "Prospecting,D1|Prospecting,D2|Prospecting,D3" \
    "$($E kpi time_in_stage $P --by stage --records --format csv | tail -n +2 | tr -d '\r' | cut -d, -f1,2 | paste -sd'|')"

# Leads: the March cohort; the rates mark the leads of each part.
expect_eq "leads_created: L1 L2 L3" "L1 L2 L3" "$(ids leads_created)"
expect_eq "leads_created = its record count" "3" "$(value leads_created)"
$E kpi lead_qualification_rate $P --records --format json >"$TMP/out"
expect_eq "lead_qualification_rate: mql L1 L2, sql L2" \
    "L1 Ana web denominator,mql|L2 Ben web denominator,mql,sql|L3 Ana referral denominator" \
    "$(python3 -c "import json; print('|'.join('%s %s %s %s' % (r['lead'], r['rep'], r['source'], r['counted_as']) for r in json.load(open('$TMP/out'))))")"
expect_eq "lead_response_time: L1 touched within the SLA" "L1:denominator,touched,within_sla L2:denominator L3:denominator" \
    "$($E kpi lead_response_time $P --records --format json | python3 -c "import json,sys; print(' '.join(r['lead'] + ':' + r['counted_as'] for r in json.load(sys.stdin)))")"
expect_eq "leads by source web" "web,L1|web,L2" \
    "$($E kpi leads_created $P --by source --where source=web --records --format csv | tail -n +2 | tr -d '\r' | cut -d, -f1,2 | paste -sd'|')"

# Activities.
expect_eq "activities: A1..A6 (A7 is April's)" "A1 A2 A3 A4 A5 A6" "$(ids activities)"
expect_eq "activities = its record count" "6" "$(value activities)"
expect_eq "calls: A1 A2" "A1 A2" "$(ids calls)"
expect_eq "calls = its record count" "2" "$(value calls)"
$E kpi call_connect_rate $P --records --format csv >"$TMP/out"
expect_eq "call_connect_rate: A1 numerator, A2 denominator only" \
    'activity,type,outcome,rep,due,done,counted_as|A1,call,connected,Ana,,2026-03-05,"denominator,numerator"|A2,call,no_answer,Ben,,2026-03-06,denominator' \
    "$(csv_rows)"
expect_eq "avg_call_duration: the connected call with a duration" "A1" "$(ids avg_call_duration)"
expect_eq "meetings: A4 held" "A4:held" \
    "$($E kpi meetings $P --records --format json | python3 -c "import json,sys; print(' '.join(r['activity'] + ':' + r['counted_as'] for r in json.load(sys.stdin)))")"
expect_eq "task_completion: A5 on time, A6 not" "A5:denominator,numerator A6:denominator" \
    "$($E kpi task_completion $P --records --format json | python3 -c "import json,sys; print(' '.join(r['activity'] + ':' + r['counted_as'] for r in json.load(sys.stdin)))")"
expect_eq "overdue_tasks at the end of March: A6" "A6" "$(ids overdue_tasks)"
expect_eq "activities by rep" "Ana,A1|Ana,A3|Ana,A5|Ben,A2|Ben,A4|Ben,A6" \
    "$($E kpi activities $P --by rep --records --format csv | tail -n +2 | tr -d '\r' | cut -d, -f1,2 | paste -sd'|')"

# Order lines and orders.
$E kpi revenue $P --records --format csv >"$TMP/out"
expect_eq "revenue: the March lines" \
    "line,order,product,account,rep,ordered,quantity,amount,cost|OL1,O1,P1,Acme,Ana,2026-03-10,2,20.00,8.00|OL2,O1,P2,Acme,Ana,2026-03-10,1,30.00,|OL3,O2,P1,Beta,Ben,2026-03-15,3,30.00,12.00" \
    "$(csv_rows)"
expect_eq "revenue = the sum of its records' amounts" "80.00 80.00" \
    "$(value revenue) $($E kpi revenue $P --records --format csv | tail -n +2 | tr -d '\r' | awk -F, '{s += $8} END {printf "%.2f", s}')"
expect_eq "cogs: the lines with a cost" "OL1 OL3" "$(ids cogs)"
$E kpi orders $P --by product --records --format csv >"$TMP/out"
expect_eq "orders by product: one record per order and product, its net there" \
    "product,order,account,rep,ordered,amount|P1,O1,Acme,Ana,2026-03-10,20.00|P1,O2,Beta,Ben,2026-03-15,30.00|P2,O1,Acme,Ana,2026-03-10,30.00" \
    "$(csv_rows)"
expect_eq "orders = its record count" "2" "$(value orders)"

# --limit: the first N, and a line saying how many of how many.
expect_eq "--limit 2" "A1 A2" "$($E kpi activities $P --records --limit 2 --format csv 2>"$TMP/err" | tail -n +2 | tr -d '\r' | cut -d, -f1 | paste -sd' ')"
grep -qF "2 of 6 records shown; raise --limit to see more" "$TMP/err"; check "--limit says 2 of 6 shown"
$E kpi activities $P --records --limit 6 --format csv >/dev/null 2>"$TMP/err"
[ ! -s "$TMP/err" ]; check "--limit at the count says nothing"
# Table form.
expect_output_contains "OL3" $E kpi revenue $P --records

# Metrics without records say what to use instead.
expect_status 2 $E kpi cac --records
expect_stderr_contains "'cac' is computed from marketing_spend, sales_spend, new_customers" $E kpi cac --records
expect_stderr_contains "list the goals with \`embudo goal list\`" $E kpi goal_attainment --records
expect_stderr_contains "list them with \`embudo expense list\`" $E kpi marketing_spend --records
expect_stderr_contains "'sales_roi' is computed from gross_profit, sales_spend" $E kpi sales_roi --records
finish
