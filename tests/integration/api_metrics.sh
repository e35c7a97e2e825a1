#!/bin/sh
# api_metrics: GET /api/v1/kpi and /api/v1/leaderboard answer the very documents
# of `embudo kpi --format json` and `embudo leaderboard --format json` for the
# same options (byte for byte), carry ETags (304 for If-None-Match; a new one
# after a write by another process, with the new value) and name the parameter
# and the value of a bad request. The company of kpi_cli.sh, worked out by hand:
#   D1 Ana won 1000.00 (March), D2 Ben won 500.00 (March), D3 Ana lost 200.00
#   (March), D4 Ben open 300.00, D5 Ana won 800.00 (February); goal March 2000.00.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/k.db"
E="$EMBUDO"
. "$SRCDIR/tests/integration/server_lib.sh"
$E init --currency EUR --timezone Europe/Madrid --owner boss@x.com >/dev/null
$E team add --name North >/dev/null && $E team add --name South >/dev/null
$E user add --name Ana --team North >/dev/null && $E user add --name Ben --team South >/dev/null
$E deal add --title D1 --owner Ana --stage Won --amount 1000 --created 2026-03-01 --closed 2026-03-10 >/dev/null
$E deal add --title D2 --owner Ben --stage Won --amount 500 --created 2026-03-05 --closed 2026-03-20 >/dev/null
$E deal add --title D3 --owner Ana --stage Lost --amount 200 --created 2026-03-02 --closed 2026-03-25 \
    --lost_reason price >/dev/null
$E deal add --title D4 --owner Ben --stage Proposal --amount 300 --created 2026-03-15 >/dev/null
$E deal add --title D5 --owner Ana --stage Won --amount 800 --created 2026-02-01 --closed 2026-02-20 >/dev/null
$E goal add --metric revenue_won --period 2026-03 --target 2000 >/dev/null
TOKEN=$($E token create --user boss@x.com 2>/dev/null)
$E user add --name Vera --email vera@x.com --role viewer >/dev/null
VIEWER=$($E token create --user vera@x.com 2>/dev/null)
check "fixture created"
start s1 --access-log ''
U="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer $TOKEN"

# get URL [CURL ARGS]: the answer's body in $TMP/body, its headers in $TMP/head, status
# in $STATUS; with the admin's token, or the one of `as TOKEN`.
get() {
    rm -f "$TMP/body"
    STATUS=$(curl -s -o "$TMP/body" -D "$TMP/head" -w '%{http_code}' -H "Authorization: Bearer ${AS:-$TOKEN}" "$@")
}
get_as() { AS=$1; shift; get "$@"; AS=; }
json_get() { python3 -c "import json,sys; j=json.load(open('$TMP/body')); print($1)"; }
etag() { sed -n 's/^[Ee][Tt][Aa][Gg]: *\(.*\)\r*$/\1/p' "$TMP/head" | tr -d '\r'; }

# same_as_cli ROUTE QUERY CLI-ARGS...: the route's body is the CLI's output, byte for byte.
same_as_cli() {
    route=$1 query=$2
    shift 2
    $E "$@" --format json >"$TMP/cli"
    get "$U/api/v1/$route?$query"
    if [ "$STATUS" = 200 ] && cmp -s "$TMP/cli" "$TMP/body"; then
        ok "$route?$query equals embudo $*"
    else
        not_ok "$route?$query equals embudo $* (status $STATUS)"
        diff "$TMP/cli" "$TMP/body" | head -5 | sed 's/^/# /'
    fi
}
same_as_cli kpi 'metrics=deals_won,deals_lost,revenue_won,win_rate,avg_deal_size,sales_cycle_days&period=2026-03' \
    kpi deals_won,deals_lost,revenue_won,win_rate,avg_deal_size,sales_cycle_days --period 2026-03
same_as_cli kpi 'metrics=win_rate,revenue_won&period=2026-03&by=rep' kpi win_rate,revenue_won --period 2026-03 --by rep
same_as_cli kpi 'metrics=deals_won&period=2026-03&by=team&where=team=South' \
    kpi deals_won --period 2026-03 --by team --where team=South
same_as_cli kpi 'metrics=revenue_won&period=2026-03&compare=previous' kpi revenue_won --period 2026-03 --compare previous
same_as_cli kpi 'metrics=revenue_won&period=2026-03&compare=goal' kpi revenue_won --period 2026-03 --compare goal
same_as_cli kpi 'metrics=revenue_won,deals_won&from=2026-01-01&to=2026-04-01&series=month&cumulative=true' \
    kpi revenue_won,deals_won --from 2026-01-01 --to 2026-04-01 --series month --cumulative
same_as_cli kpi 'metrics=revenue_won&period=2026&by=rep&sort=-revenue_won&limit=1' \
    kpi revenue_won --period 2026 --by rep --sort=-revenue_won --limit 1
same_as_cli kpi 'metrics=open_pipeline&period=2026-03&as_of=2026-03-20&where=rep=Ana%7CBen' \
    kpi open_pipeline --period 2026-03 --as-of 2026-03-20 --where 'rep=Ana|Ben'
same_as_cli leaderboard 'period=2026-03' leaderboard --period 2026-03
same_as_cli leaderboard 'metric=win_rate&from=2026-02-01&to=2026-04-01&limit=1' \
    leaderboard --metric win_rate --from 2026-02-01 --to 2026-04-01 --limit 1
same_as_cli leaderboard 'period=2026-03&team=North' leaderboard --period 2026-03 --team North
same_as_cli dashboard 'period=2026-03' dashboard --period 2026-03
same_as_cli dashboard 'from=2026-02-01&to=2026-04-01&team=South&metric=win_rate' \
    dashboard --from 2026-02-01 --to 2026-04-01 --team South --metric win_rate
get "$U/api/v1/dashboard?period=2026-03"
expect_eq "dashboard: headline revenue won, change, attainment" "1500.00 0.875 0.75" \
    "$(json_get "'%s %s %s' % ('%.2f' % j['headline'][0]['value'], j['headline'][0]['change_rel'], j['headline'][0]['attainment'])")"
expect_eq "dashboard: leaderboard" "1 Ana 1000.0 | 2 Ben 500.0" \
    "$(json_get "' | '.join('%s %s %s' % (r['rank'], r['rep'], r['revenue_won']) for r in j['leaderboard'])")"
expect_eq "dashboard: trend of March and February" "800.0 1500.0" \
    "$(json_get "'%s %s' % (j['trend'][10]['revenue_won'], j['trend'][11]['revenue_won'])")"
D1=$(etag)
get "$U/api/v1/kpi?metrics=win_rate,revenue_won&period=2026-03&by=rep"
expect_eq "values by rep" "Ana 0.5 1000.0 | Ben 1.0 500.0" \
    "$(json_get "' | '.join('%s %s %s' % (r['rep'], float(r['win_rate']), r['revenue_won']) for r in j['rows'])")"

# ETags
Q="$U/api/v1/kpi?metrics=revenue_won&period=2026-03"
get "$Q"
T1=$(etag)
expect_eq "revenue won in March" 1500.0 "$(json_get "j['rows'][0]['revenue_won']")"
printf '%s' "$T1" | grep -Eq '^"[0-9]+-[0-9a-f]{16}"$' && ok "an ETag" || not_ok "an ETag: $T1"
get "$Q"
expect_eq "same query, same ETag" "$T1" "$(etag)"
get "$Q" -H "If-None-Match: $T1"
expect_eq "If-None-Match: 304" 304 "$STATUS"
expect_eq "304 without a body" 0 "$(cat "$TMP/body" 2>/dev/null | wc -c | tr -d ' ')"
get "$Q" -H "If-None-Match: \"1-0000000000000000\", $T1"
expect_eq "If-None-Match with a list" 304 "$STATUS"
get "$U/api/v1/kpi?period=2026-03&metrics=revenue_won"
expect_eq "parameters in another order: the same ETag" "$T1" "$(etag)"
get "$U/api/v1/kpi?metrics=revenue_won&period=2026-02"
[ "$(etag)" != "$T1" ] && ok "another query, another ETag" || not_ok "another query, another ETag"
get "$U/api/v1/leaderboard?period=2026-03"
L1=$(etag)
$E deal add --title D6 --owner Ben --stage Won --amount 100 --created 2026-03-03 --closed 2026-03-04 >/dev/null
get "$Q" -H "If-None-Match: $T1"
expect_eq "after a write by the CLI: 200" 200 "$STATUS"
[ "$(etag)" != "$T1" ] && ok "after a write: a new ETag" || not_ok "after a write: a new ETag"
expect_eq "after a write: the new value" 1600.0 "$(json_get "j['rows'][0]['revenue_won']")"
get "$U/api/v1/leaderboard?period=2026-03" -H "If-None-Match: $L1"
expect_eq "leaderboard after a write: 200" 200 "$STATUS"
expect_eq "leaderboard after a write: Ben's new value" "Ana 1000.0 | Ben 600.0" \
    "$(json_get "' | '.join('%s %s' % (r['rep'], r['value']) for r in sorted(j['rows'], key=lambda r: r['rep']))")"
get "$U/api/v1/leaderboard?period=2026-03" -H "If-None-Match: $(etag)"
expect_eq "leaderboard: 304" 304 "$STATUS"
get "$U/api/v1/dashboard?period=2026-03" -H "If-None-Match: $D1"
expect_eq "dashboard after a write: the new revenue" "200 1600.0" "$STATUS $(json_get "j['headline'][0]['value']")"
get "$U/api/v1/dashboard?period=2026-03" -H "If-None-Match: $(etag)"
expect_eq "dashboard: 304" 304 "$STATUS"

# bad parameters: 400, naming the parameter and the value
bad() {
    want_field=$1 want_text=$2 query=$3
    get "$U/api/v1/$query"
    got=$(json_get "'%s %s' % (j['errors'][0]['field'], j['errors'][0]['message'])" 2>/dev/null)
    ctype=$(sed -n 's/^[Cc]ontent-[Tt]ype: *\([^;]*\).*/\1/p' "$TMP/head" | tr -d '\r')
    if [ "$STATUS" = 400 ] && [ "$ctype" = application/problem+json ] && [ "${got%% *}" = "$want_field" ] &&
        printf '%s' "$got" | grep -qF -- "$want_text"; then
        ok "400 for $query"
    else
        not_ok "400 for $query: $STATUS $ctype $got"
    fi
}
bad metrics "unknown metric 'nope'; accepted: " 'kpi?metrics=nope'
bad metrics "name the metrics" 'kpi?period=2026-03'
bad period '"2026-13"' 'kpi?metrics=win_rate&period=2026-13'
bad by "unknown dimension 'colour'; accepted: rep, team" 'kpi?metrics=win_rate&by=colour'
bad where "team: " 'kpi?metrics=win_rate&where=team=Nowhere'
bad where "where 'team' must be DIMENSION=VALUE" 'kpi?metrics=win_rate&where=team'
bad compare "compare 'sideways' must be previous, year or goal" 'kpi?metrics=win_rate&compare=sideways'
bad limit "limit '0' must be a whole number from 1" 'kpi?metrics=win_rate&limit=0'
bad as_of "as_of 'soon' must be a date" 'kpi?metrics=open_pipeline&as_of=soon'
bad period "give either period or from/to, not both" 'kpi?metrics=win_rate&period=2026&from=2026-01-01&to=2026-02-01'
bad sort "sort 'deals_won' must name one of the metrics computed (win_rate)" 'kpi?metrics=win_rate&sort=deals_won'
bad series "series 'rep' must be day, week, month, quarter or year" 'kpi?metrics=win_rate&series=rep'
bad cumulative "cumulative 'maybe' must be true or false" 'kpi?metrics=win_rate&cumulative=maybe'
bad query "unknown parameter 'colour'; accepted: metrics, period" 'kpi?metrics=win_rate&colour=red'
bad metrics "parameter 'metrics' is given twice" 'kpi?metrics=win_rate&metrics=deals_won'
bad metric "unknown metric 'nope'" 'leaderboard?metric=nope'
bad limit "limit 'x' must be a whole number from 1" 'leaderboard?limit=x'
bad team "team: " 'leaderboard?team=Nowhere'
bad query "unknown parameter 'by'" 'leaderboard?by=rep'
bad period "the dashboard needs a period to compare, not 'all'" 'dashboard?period=all'
bad metric "reps cannot be ranked by 'marketing_spend'" 'dashboard?metric=marketing_spend'
bad period "give period, or from with to" 'dashboard?period=2026&from=2026-01-01'
bad team "team: " 'dashboard?team=Nowhere'
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$U/api/v1/kpi?metrics=win_rate")
expect_eq "no credentials: 401" 401 "$STATUS"
get_as "$VIEWER" "$U/api/v1/kpi?metrics=revenue_won&period=2026-03"
expect_eq "a viewer sees the organisation's numbers" "200 1600.0" "$STATUS $(json_get "j['rows'][0]['revenue_won']")"

# settings: read by any user, changed by admins through the checks of embudo init
q() { sqlite3 "$EMBUDO_DB" "$1"; }
patch() {
    STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' -X PATCH -H "Content-Type: application/json" "$@")
}
get_as "$VIEWER" "$U/api/v1/settings"
expect_eq "GET settings" "200 My company EUR Europe/Madrid en 1 1" \
    "$STATUS $(json_get "' '.join(str(j[k]) for k in ('name','currency','timezone','locale','fiscal_year_start','week_start'))")"
patch -H "Authorization: Bearer $VIEWER" -d '{"currency":"USD"}' "$U/api/v1/settings"
expect_eq "a viewer cannot change them: 403" 403 "$STATUS"
patch -H "$AUTH" -d '{"currency":"usd","timezone":"Mars/Olympus","fiscal_year_start":13,"week_start":"monday","colour":1,"locale":"fr","name":" "}' \
    "$U/api/v1/settings"
expect_eq "bad settings: 400 with each field" \
    "400 colour name currency timezone locale fiscal_year_start week_start" \
    "$STATUS $(json_get "' '.join(sorted((e['field'] for e in j['errors']), key=['colour','name','currency','timezone','locale','fiscal_year_start','week_start'].index))")"
expect_eq "bad settings: the messages quote the values" "currency 'usd' is not an ISO 4217 code such as EUR or USD|fiscal_year_start 13 must be a month number 1-12" \
    "$(json_get "'|'.join(e['message'] for e in j['errors'] if e['field'] in ('currency','fiscal_year_start'))")"
expect_eq "bad settings: nothing written" "EUR 1 0" \
    "$(q "SELECT currency || ' ' || fiscal_year_start || ' ' || (SELECT count(*) FROM audit_log WHERE kind = 'organisation') FROM organisation")"
patch -H "$AUTH" -d '{"fiscal_year_start":0}' "$U/api/v1/settings"
expect_eq "fiscal_year_start 0: 400" "400 fiscal_year_start" "$STATUS $(json_get "j['errors'][0]['field']")"
patch -H "$AUTH" -d '[1]' "$U/api/v1/settings"
expect_eq "not an object: 400" 400 "$STATUS"
patch -H "$AUTH" -d '{"name":"Acme","fiscal_year_start":4,"week_start":7}' "$U/api/v1/settings"
expect_eq "PATCH settings: the new settings" "200 Acme EUR 4 7" \
    "$STATUS $(json_get "' '.join(str(j[k]) for k in ('name','currency','fiscal_year_start','week_start'))")"
expect_eq "PATCH settings: one audit row by the admin, what changed" \
    'update|1|{"after":{"fiscal_year_start":4,"name":"Acme","week_start":7},"before":{"fiscal_year_start":1,"name":"My company","week_start":1}}' \
    "$(q "SELECT a.action, a.user_id = u.id, a.detail FROM audit_log a JOIN users u ON u.email = 'boss@x.com' WHERE a.kind = 'organisation'")"
get "$U/api/v1/dashboard?period=2026-03"
expect_eq "the dashboard names the organisation anew" "Acme" "$(json_get "j['organisation']")"
get "$U/api/v1/kpi?metrics=revenue_won&period=FY2026"
expect_eq "the fiscal year follows the new setting (FY2026 ends in it)" "2025-04-01 2026-04-01" "$(json_get "j['period']['from'] + ' ' + j['period']['to']")"
$E init --currency USD >/dev/null
expect_eq "embudo init: an audited change too" 'USD|{"after":{"currency":"USD"},"before":{"currency":"EUR"}}' \
    "$(q "SELECT o.currency, a.detail FROM organisation o, audit_log a WHERE a.kind = 'organisation' ORDER BY a.id DESC LIMIT 1")"
$E init --currency USD >/dev/null
expect_eq "embudo init changing nothing: no audit row" 2 "$(q "SELECT count(*) FROM audit_log WHERE kind = 'organisation'")"
# The server's pooled connections read the settings again: the change made by the
# CLI (another process) shows in the next answers of every route.
# A deal created without a currency takes the organisation's: USD now.
for i in 1 2 3; do
    curl -s -o /dev/null -H "$AUTH" -H "Content-Type: application/json" -d "{\"id\":\"P$i\",\"title\":\"Pooled $i\",\"stage\":\"Proposal\"}" \
        "$U/api/v1/deals"
done
expect_eq "the currency a CLI changed, on every pooled connection" "USD USD USD" \
    "$(q "SELECT currency FROM deals WHERE ext_id IN ('P1', 'P2', 'P3') ORDER BY ext_id" | paste -sd' ')"
q "DELETE FROM deal_history WHERE deal_id IN (SELECT id FROM deals WHERE ext_id LIKE 'P_'); DELETE FROM deals WHERE ext_id LIKE 'P_'"
# Back to euros, the currency of the figures below (in dollars, euro amounts with no
# exchange rate are refused: 422).
$E init --currency EUR >/dev/null

# Access: managers and reps count only their people's facts (store/access.h); the
# leaderboard stays the organisation's. March 2026, by hand, D6 included:
#   Ana (rep, North): D1 won 1000.00, D3 lost 200.00 -> revenue 1000.00, win rate 0.5
#   Ben (rep, South): D2 won 500.00, D6 won 100.00  -> revenue 600.00, win rate 1.0
#   Mia manages South (Ben) and has no deals         -> revenue 600.00, win rate 1.0
#   the organisation: revenue 1600.00, win rate 3/4
$E user update Ana --email ana@x.com --role rep >/dev/null
$E user update Ben --email ben@x.com --role rep >/dev/null
$E user add --name Mia --email mia@x.com --role manager >/dev/null
$E team update South --manager Mia >/dev/null
REP=$($E token create --user ana@x.com 2>/dev/null)
MGR=$($E token create --user mia@x.com 2>/dev/null)
check "roles set"
Q="$U/api/v1/kpi?metrics=win_rate,revenue_won&period=2026-03"
rows() { json_get "' | '.join(' '.join(str(r[k]) for k in $1) for r in j['rows'])"; }
get_as "$REP" "$Q&by=rep"
expect_eq "a rep's win_rate by rep: their own row" "200 Ana 0.5 1000.0" "$STATUS $(rows "('rep','win_rate','revenue_won')")"
get_as "$REP" "$Q"
expect_eq "a rep's totals: over their own deals" "0.5 1000.0" "$(rows "('win_rate','revenue_won')")"
T_REP=$(etag)
get_as "$REP" "$Q&where=rep=Ben"
expect_eq "a rep asking for another's deals: nothing" "200 0" "$STATUS $(json_get "sum(float(r['revenue_won'] or 0) for r in j['rows'])" | cut -d. -f1)"
get_as "$MGR" "$Q&by=rep"
expect_eq "a manager's by rep: their team's people" "Ben 1 600.0" "$(rows "('rep','win_rate','revenue_won')")"
get_as "$MGR" "$Q&by=team"
expect_eq "a manager's by team: their team" "South 1 600.0" "$(rows "('team','win_rate','revenue_won')")"
get_as "$VIEWER" "$Q"
expect_eq "a viewer's totals: the organisation's" "0.75 1600.0" "$(rows "('win_rate','revenue_won')")"
T_VIEW=$(etag)
[ "$T_REP" != "$T_VIEW" ] && ok "the same query, another scope: another ETag" || not_ok "another scope, another ETag"
get_as "$REP" "$Q" -H "If-None-Match: $T_VIEW"
expect_eq "another scope's ETag does not give 304" 200 "$STATUS"
get_as "$REP" "$U/api/v1/kpi?metrics=marketing_spend&period=2026-03"
expect_eq "a rep and an organisation-wide metric: 403" 403 "$STATUS"
get_as "$REP" "$U/api/v1/leaderboard?period=2026-03"
expect_eq "a rep's leaderboard: the organisation's" "Ana 1000.0 | Ben 600.0" \
    "$(json_get "' | '.join('%s %s' % (r['rep'], r['value']) for r in j['rows'])")"
get_as "$MGR" "$U/api/v1/dashboard?period=2026-03"
expect_eq "a manager's dashboard: headline over their team, leaderboard the organisation's" \
    "200 600.0 2 | Ana 1000.0 | Ben 600.0" \
    "$STATUS $(json_get "'%s %s | ' % (j['headline'][0]['value'], j['headline'][1]['value']) + ' | '.join('%s %s' % (r['rep'], r['revenue_won']) for r in j['leaderboard'])")"
finish
