#!/bin/sh
# kpi_records_more: `kpi METRIC --records` for pipeline_waterfall, new_customers,
# accounts_per_rep, last_touch and activities_per_deal_won, on a small company
# worked out by hand (UTC, EUR; the period is March 2026, its instant the end of March):
#   accounts Acme (Ana, SMB), Beta (Ben, ENT), Gamma (Ana, SMB), Delta (Ana)
#   deals W4 Ben Acme won 50 (created 01-05, closed 01-20: Acme's first win)
#         W1 Ana Acme open 100 (02-10); amount 150 on 03-05; won on 03-20
#         W3 Ana Gamma open 300 (02-01); lost on 03-15
#         W2 Ben Beta open 200 (03-03); amount 120 on 03-10
#         W5 Ben Beta won 70 (03-01, closed 03-12: Beta's first win)
#         W6 Ana Delta won 40 (03-02, closed 03-25: Delta's first win)
#   March's waterfall: open_start 400 (W1 100, W3 300), created 310 (W2 200, W5 70,
#   W6 40), increased 50 (W1), decreased 80 (W2), won 260 (W1 150, W5 70, W6 40),
#   lost 300 (W3), open_end 120 (W2): 400 + 310 + 50 - 80 - 260 - 300 = 120.
#   activities T1 call W1 done 03-05; T2 email Acme done 03-18; T3 meeting Acme
#         due 04-10 (open); T4 call W2 done 03-11; T5 task Beta done 04-05 (after
#         the instant); T6 call W5 done 03-12; T7 call W1 done 02-15; T8 email W5
#         done 03-13
#   new_customers: Beta (W5), Delta (W6) = 2. accounts_per_rep at the end of March: Ana owns
#   Acme, Gamma, Delta, active Acme and Delta (a won deal in the 90 days); Ben owns
#   Beta, active. last_touch at the end of March: Acme T2 (14 days) and T3 (in 9 days); Beta
#   T8 (19 days), nothing scheduled; Gamma and Delta no activity.
#   activities_per_deal_won: W1 (T7, T1), W5 (T6, T8), W6 (none): 4 / 3.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/m.db" EMBUDO_NOW=2026-01-01T12:00:00Z
unset EMBUDO_USER
E="$EMBUDO"
$E init --currency EUR --timezone UTC --owner boss@x.com --owner-name Boss >/dev/null
for u in Ana Ben; do $E user add --name $u >/dev/null; done
$E account add --name Acme --owner Ana --segment SMB >/dev/null
$E account add --name Beta --owner Ben --segment ENT >/dev/null
$E account add --name Gamma --owner Ana --segment SMB >/dev/null
$E account add --name Delta --owner Ana >/dev/null
deal() { $E deal add --id "$1" --title "$1" --owner "$2" --account "$3" --stage "$4" --amount "$5" --created "$6" ${7:+--closed "$7"} >/dev/null; }
deal W4 Ben Acme Won 50 2026-01-05 2026-01-20
deal W1 Ana Acme Proposal 100 2026-02-10
deal W3 Ana Gamma Proposal 300 2026-02-01
deal W2 Ben Beta Proposal 200 2026-03-03
deal W5 Ben Beta Won 70 2026-03-01 2026-03-12
deal W6 Ana Delta Won 40 2026-03-02 2026-03-25
EMBUDO_NOW=2026-03-05T10:00:00Z $E deal update W1 --amount 150 >/dev/null
EMBUDO_NOW=2026-03-10T10:00:00Z $E deal update W2 --amount 120 >/dev/null
EMBUDO_NOW=2026-03-15T10:00:00Z $E deal update W3 --stage Lost >/dev/null
EMBUDO_NOW=2026-03-20T10:00:00Z $E deal update W1 --stage Won >/dev/null
act() { $E activity add --id "$1" --type "$2" --owner "$3" "$4" "$5" "$6" "$7" >/dev/null; }
act T1 call Ana --deal W1 --done 2026-03-05
act T2 email Ana --account Acme --done 2026-03-18
act T3 meeting Ana --account Acme --due 2026-04-10
act T4 call Ben --deal W2 --done 2026-03-11
act T5 task Ben --account Beta --done 2026-04-05
act T6 call Ben --deal W5 --done 2026-03-12
act T7 call Ana --deal W1 --done 2026-02-15
act T8 email Ben --deal W5 --done 2026-03-13
check "fixture created"
export EMBUDO_NOW=2026-04-15T12:00:00Z
P="--period 2026-03"
# rows METRIC [OPTIONS]: the CSV records' lines (header left out), joined by '|'.
rows() { $E kpi "$@" $P --records --format csv | tail -n +2 | tr -d '\r' | paste -sd'|'; }
# value METRIC [OPTIONS]: the metric's CSV lines (header left out), joined by '|'.
value() { $E kpi "$@" $P --format csv | tail -n +2 | tr -d '\r' | paste -sd'|'; }

# pipeline_waterfall: a record per deal and part, its share in amount.
expect_eq "pipeline_waterfall, the numbers" "400.00,310.00,0.00,50.00,80.00,260.00,300.00,120.00" \
    "$(value pipeline_waterfall)"
expect_eq "pipeline_waterfall records" \
"W1,Ana,Acme,Proposal,100.00,2026-02-10,2026-03-20,,open_start|\
W1,Ana,Acme,Proposal,50.00,2026-02-10,2026-03-20,,increased|\
W1,Ana,Acme,Won,150.00,2026-02-10,2026-03-20,,won|\
W3,Ana,Gamma,Proposal,300.00,2026-02-01,2026-03-15,,open_start|\
W3,Ana,Gamma,Lost,300.00,2026-02-01,2026-03-15,,lost|\
W2,Ben,Beta,Proposal,200.00,2026-03-03,,,created|\
W2,Ben,Beta,Proposal,80.00,2026-03-03,,,decreased|\
W2,Ben,Beta,Proposal,120.00,2026-03-03,,,open_end|\
W5,Ben,Beta,Prospecting,70.00,2026-03-01,2026-03-12,,created|\
W5,Ben,Beta,Won,70.00,2026-03-01,2026-03-12,,won|\
W6,Ana,Delta,Prospecting,40.00,2026-03-02,2026-03-25,,created|\
W6,Ana,Delta,Won,40.00,2026-03-02,2026-03-25,,won" "$(rows pipeline_waterfall)"
# The amounts of each part's records add up to that part, in every group.
sums() { $E kpi pipeline_waterfall "$@" $P --records --format csv | tail -n +2 | tr -d '\r' |
    awk -F, '{ s[$NF] += $(NF - 4) } END { printf "%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f", s["open_start"], s["created"], s["reopened"], s["increased"], s["decreased"], s["won"], s["lost"], s["open_end"] }'; }
expect_eq "pipeline_waterfall: each part = the sum of its records" "$(value pipeline_waterfall)" "$(sums)"
expect_eq "pipeline_waterfall where account=Beta: each part = the sum of its records" \
    "$(value pipeline_waterfall --where account=Beta)" "$(sums --where account=Beta)"
expect_eq "pipeline_waterfall by account: Acme's records" "Acme,W1,open_start|Acme,W1,increased|Acme,W1,won" \
    "$($E kpi pipeline_waterfall $P --by account --where account=Acme --records --format csv | tail -n +2 | tr -d '\r' | awk -F, '{print $1 "," $2 "," $NF}' | paste -sd'|')"

# new_customers: the accounts and their first won deal.
expect_eq "new_customers = 2" "2" "$(value new_customers)"
expect_eq "new_customers records" "Beta,Ben,ENT,,W5,2026-03-12|Delta,Ana,,,W6,2026-03-25" "$(rows new_customers)"
expect_eq "new_customers where segment=ENT" "Beta,Ben,ENT,,W5,2026-03-12" "$(rows new_customers --where segment=ENT)"
expect_eq "new_customers in January: Acme by W4" "Acme,Ana,SMB,,W4,2026-01-20" \
    "$($E kpi new_customers --period 2026-01 --records --format csv | tail -n +2 | tr -d '\r')"

# accounts_per_rep: the accounts per rep, the active ones marked.
expect_eq "accounts_per_rep by rep" "Ana,3,2|Ben,1,1" "$(value accounts_per_rep --by rep)"
expect_eq "accounts_per_rep records by rep" \
    'Ana,Acme,SMB,,W4,2026-01-20,"accounts,active"|Ana,Gamma,SMB,,,,accounts|Ana,Delta,,,W6,2026-03-25,"accounts,active"|Ben,Beta,ENT,,W5,2026-03-12,"accounts,active"' \
    "$(rows accounts_per_rep --by rep)"
expect_eq "accounts_per_rep records where rep=Ben" 'Beta,Ben,ENT,,W5,2026-03-12,"accounts,active"' \
    "$(rows accounts_per_rep --where rep=Ben)"

# last_touch: each account's last completed and next scheduled activity.
# (the instant of a period is its last second, 2026-03-31 23:59:59: 14 days less a second)
expect_eq "last_touch by account" "Acme,13.99998843,9.000011574|Beta,18.99998843,|Delta,,|Gamma,," \
    "$(value last_touch --by account)"
expect_eq "last_touch records" \
    "Acme,T2,email,,Ana,,2026-03-18,days_since_last|Acme,T3,meeting,,Ana,2026-04-10,,days_to_next|Beta,T8,email,,Ben,,2026-03-13,days_since_last" \
    "$(rows last_touch --by account)"
expect_eq "last_touch records as of 2026-03-12 12:00: T7 and T6 last, T2 and T3 next" \
    "Acme,T1,call,,Ana,,2026-03-05,days_since_last|Acme,T3,meeting,,Ana,2026-04-10,,days_to_next|Beta,T6,call,,Ben,,2026-03-12,days_since_last" \
    "$($E kpi last_touch --as-of 2026-03-12T12:00:00Z --by account --records --format csv | tail -n +2 | tr -d '\r' | paste -sd'|')"
expect_status 2 $E kpi last_touch $P --records
expect_stderr_contains "metric 'last_touch' is broken down by account: add --by account" $E kpi last_touch $P --records

# activities_per_deal_won: won deals (denominator) and their completed activities.
expect_eq "activities_per_deal_won = 4 / 3" "1.333333333" "$(value activities_per_deal_won)"
expect_eq "activities_per_deal_won records" \
"W1,Ana,Acme,150.00,2026-03-20,,,,denominator|W1,Ana,Acme,,,T7,call,2026-02-15,numerator|W1,Ana,Acme,,,T1,call,2026-03-05,numerator|\
W5,Ben,Beta,70.00,2026-03-12,,,,denominator|W5,Ben,Beta,,,T6,call,2026-03-12,numerator|W5,Ben,Beta,,,T8,email,2026-03-13,numerator|\
W6,Ana,Delta,40.00,2026-03-25,,,,denominator" "$(rows activities_per_deal_won)"
expect_eq "activities_per_deal_won where rep=Ben: 2 / 1" "2|W5:denominator W5:numerator W5:numerator" \
    "$(value activities_per_deal_won --where rep=Ben | sed 's/\.0*$//')|$($E kpi activities_per_deal_won $P --where rep=Ben --records --format json | python3 -c "import json,sys; print(' '.join(r['deal'] + ':' + r['counted_as'] for r in json.load(sys.stdin)))")"
# Tables, in Spanish: the parts translated.
expect_eq "pipeline_waterfall records, Spanish" "abierta al inicio|aumento|ganada" \
    "$($E --lang es kpi pipeline_waterfall $P --where account=Acme --records | tail -n +3 | sed 's/.*  //' | paste -sd'|')"
finish
