#!/bin/sh
# kpi_cli: `embudo kpi`, `leaderboard` and `dashboard` on a small company whose
# figures are worked out by hand (Europe/Madrid, EUR; dates are local midnights).
#   D1 Ana won  1000.00  created 2026-03-01 closed 2026-03-10  (9 days)
#   D2 Ben won   500.00  created 2026-03-05 closed 2026-03-20  (15 days)
#   D3 Ana lost  200.00  created 2026-03-02 closed 2026-03-25  reason price
#   D4 Ben open  300.00  created 2026-03-15  in Proposal (50 %)
#   D5 Ana won   800.00  created 2026-02-01 closed 2026-02-20
# March: won 2, lost 1, revenue 1500.00, win rate 2/3, average 750.00, cycle
# median 12 days; by rep Ana 1/2 = 0.5 (1000.00), Ben 1/1 (500.00); February
# revenue 800.00 -> change 700.00, +87.5 %; open at the end of March: D4, 300.00,
# weighted 150.00; org goal 2000.00 -> attainment 0.75; created in March 4.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/k.db" EMBUDO_NOW=2026-04-15T12:00:00Z
E="$EMBUDO"
$E init --currency EUR --timezone Europe/Madrid >/dev/null
$E team add --name North >/dev/null && $E team add --name South >/dev/null
$E user add --name Ana --team North >/dev/null && $E user add --name Ben --team South >/dev/null
$E deal add --title D1 --owner Ana --stage Won --amount 1000 --created 2026-03-01 --closed 2026-03-10 >/dev/null
$E deal add --title D2 --owner Ben --stage Won --amount 500 --created 2026-03-05 --closed 2026-03-20 >/dev/null
$E deal add --title D3 --owner Ana --stage Lost --amount 200 --created 2026-03-02 --closed 2026-03-25 \
    --lost_reason price >/dev/null
$E deal add --title D4 --owner Ben --stage Proposal --amount 300 --created 2026-03-15 >/dev/null
$E deal add --title D5 --owner Ana --stage Won --amount 800 --created 2026-02-01 --closed 2026-02-20 >/dev/null
$E goal add --metric revenue_won --period 2026-03 --target 2000 >/dev/null
check "fixture created"

# json_get EXPR: evaluates a Python expression over the parsed JSON in $TMP/out (as `j`).
json_get() { python3 -c "import json,sys; j=json.load(open('$TMP/out')); print($1)"; }

$E kpi deals_won,deals_lost,revenue_won,win_rate,avg_deal_size,sales_cycle_days,deals_created \
    --period 2026-03 --format json >"$TMP/out"
expect_eq "deals_won" 2 "$(json_get "j['rows'][0]['deals_won']")"
expect_eq "deals_lost" 1 "$(json_get "j['rows'][0]['deals_lost']")"
expect_eq "revenue_won" 1500.0 "$(json_get "j['rows'][0]['revenue_won']")"
expect_eq "win_rate" 0.6667 "$(json_get "round(j['rows'][0]['win_rate'], 4)")"
expect_eq "avg_deal_size" 750.0 "$(json_get "j['rows'][0]['avg_deal_size']")"
expect_eq "sales_cycle median" 12.0 "$(json_get "float(j['rows'][0]['sales_cycle_days']['median'])")"
expect_eq "deals_created" 4 "$(json_get "j['rows'][0]['deals_created']")"
expect_eq "period" "2026-03-01 2026-04-01" "$(json_get "j['period']['from'] + ' ' + j['period']['to']")"

$E kpi win_rate,revenue_won --period 2026-03 --by rep --format json >"$TMP/out"
expect_eq "win rate by rep" "Ana 0.5 1000.0 | Ben 1.0 500.0" \
    "$(json_get "' | '.join('%s %s %s' % (r['rep'], float(r['win_rate']), r['revenue_won']) for r in j['rows'])")"
$E kpi deals_won --period 2026-03 --by team --where team=South --format csv >"$TMP/out"
expect_eq "filter by team (csv)" "team,deals_won|South,1" "$(tr -d '\r' <"$TMP/out" | paste -sd'|')"

$E kpi revenue_won --period 2026-03 --compare previous --format json >"$TMP/out"
expect_eq "previous period" "800.0 700.0 0.875" \
    "$(json_get "'%s %s %s' % (j['rows'][0]['revenue_won_previous'], j['rows'][0]['revenue_won_change'], j['rows'][0]['revenue_won_change_rel'])")"
# April is in progress on 2026-04-15 12:00: it is compared with March up to the
# same elapsed time (1 to 16 March 13:00 UTC): D1 only, 1000.00.
$E kpi revenue_won --period this-month --compare previous --format json >"$TMP/out"
expect_eq "month to date against the same days of the month before" "0.0 1000.0" \
    "$(json_get "'%s %s' % (j['rows'][0]['revenue_won'], j['rows'][0]['revenue_won_previous'])")"
$E kpi revenue_won --period 2026-03 --compare goal --format json >"$TMP/out"
expect_eq "goal attainment" "2000.0 0.75" \
    "$(json_get "'%s %s' % (j['rows'][0]['revenue_won_goal'], j['rows'][0]['revenue_won_attainment'])")"
# Goals of periods that start on the same day (January, the first quarter, the
# year): each period finds its own. Q1 revenue won 2300.00 against 3000.00.
$E goal add --metric revenue_won --period 2026-01 --target 100 >/dev/null
$E goal add --metric revenue_won --period 2026 --target 9000 >/dev/null
$E goal add --metric revenue_won --period 2026-Q1 --target 3000 >/dev/null
$E kpi revenue_won --period 2026-Q1 --compare goal --format json >"$TMP/out"
expect_eq "goal of the quarter among goals starting the same day" "3000.0 0.7667" \
    "$(json_get "'%s %s' % (j['rows'][0]['revenue_won_goal'], round(j['rows'][0]['revenue_won_attainment'], 4))")"
$E kpi open_pipeline,weighted_pipeline --period 2026-03 --format json >"$TMP/out"
expect_eq "open pipeline at the end of March" "1 300.0 150.0" \
    "$(json_get "'%s %s %s' % (j['rows'][0]['open_pipeline']['count'], j['rows'][0]['open_pipeline']['amount'], j['rows'][0]['weighted_pipeline'])")"
$E kpi win_rate --period 2025 --format json >"$TMP/out"
expect_eq "no closed deals: null, not 0" None "$(json_get "j['rows'][0]['win_rate']")"

$E kpi revenue_won,win_rate --from 2026-02-01 --to 2026-04-01 --series month --cumulative --format csv >"$TMP/out"
expect_eq "cumulative revenue (Feb 800.00, Mar +1500.00), rates unchanged" \
    "month,revenue_won,win_rate|2026-02,800.00,1|2026-03,2300.00,0.6666666667" "$(tr -d '\r' <"$TMP/out" | paste -sd'|')"
# ABC classes of three products with revenue 700, 200 and 100 in May: P700 has nothing
# above it -> A; P200 has 700 (70 % < 80 %) above -> A; P100 has 900 (90 % < 95 %) -> B.
$E product add --name P700 >/dev/null && $E product add --name P200 >/dev/null && $E product add --name P100 >/dev/null
$E order add --id O1 --date 2026-05-04 >/dev/null
for p in 700 200 100; do $E order_line add --order O1 --product P$p --quantity 1 --unit_price $p >/dev/null; done
$E kpi revenue,abc_class --period 2026-05 --by product --format csv >"$TMP/out"
expect_eq "abc classes" "product,revenue,abc_class|P100,100.00,B|P200,200.00,A|P700,700.00,A" \
    "$(tr -d '\r' <"$TMP/out" | paste -sd'|')"
$E leaderboard --period 2026-03 --format csv >"$TMP/out"
expect_eq "leaderboard" "1,Ana,1000.00,,1,=|2,Ben,500.00,,,new" "$(tail -n +2 "$TMP/out" | tr -d '\r' | paste -sd'|')"
$E leaderboard --period 2026-03 --limit 1 --format csv >"$TMP/out"
expect_eq "leaderboard --limit 1" "1,Ana,1000.00,,1,=" "$(tail -n +2 "$TMP/out" | tr -d '\r' | paste -sd'|')"
expect_status 2 $E leaderboard --period 2026-03 --limit 0
expect_status 2 $E leaderboard --period 2026-03 --limit 5x
$E dashboard --period 2026-03 --format json >"$TMP/out"
expect_eq "dashboard headline" "revenue_won 1500.0 0.75" \
    "$(json_get "'%s %s %s' % (j['headline'][0]['metric'], j['headline'][0]['value'], j['headline'][0]['attainment'])")"
expect_output_contains "LEADERBOARD" $E dashboard --period 2026-03

# Bad input: a clear message naming the value and what is accepted, exit 2.
expect_status 2 $E kpi nope --period 2026-03
expect_stderr_contains "unknown metric 'nope'; accepted: deals_created" $E kpi nope
expect_stderr_contains "unknown dimension 'planet'" $E kpi win_rate --by planet
expect_stderr_contains "names no quarter" $E kpi win_rate --period 2026-Q7
expect_stderr_contains "must be before --to" $E kpi win_rate --from 2026-05-01 --to 2026-04-01
expect_stderr_contains "cannot be filtered by 'activity_type'" $E kpi win_rate --where activity_type=call
expect_stderr_contains "no rep 'Zoe'" $E kpi win_rate --where rep=Zoe
expect_stderr_contains "is broken down by stage" $E kpi stage_conversion --period 2026-03
expect_status 2 $E kpi win_rate --compare someday
expect_status 0 $E kpi --list
expect_output_contains "win_rate" $E kpi --list
finish
