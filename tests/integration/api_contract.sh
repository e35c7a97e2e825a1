#!/bin/sh
# api_contract: every answer of the server, to good and bad requests on every
# route, matches docs/openapi.json (tests/integration/openapi_check.py: documented
# path, method, status and content type, and the body's schema); the document the
# server serves is docs/openapi.json itself.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/a.db"
E="$EMBUDO"
. "$SRCDIR/tests/integration/server_lib.sh"
if ! python3 -c 'import jsonschema' 2>/dev/null; then
    skip "python3-jsonschema is missing (scripts/install-deps installs it)"
    finish
    exit $?
fi
$E init --currency EUR --owner ana@x.com >/dev/null
$E user add --name Ben --email ben@x.com >/dev/null
printf 'correct horse battery\n' >"$TMP/pw"
$E user passwd ben@x.com --password-stdin <"$TMP/pw" 2>/dev/null
TOKEN=$($E token create --user ben@x.com 2>/dev/null)
check "fixture created"
start s1 --access-log ''
U="http://127.0.0.1:$PORT"
n=0
: >"$TMP/answers"
# call METHOD PATH [CURL ARGS...]: makes the request and records its answer.
call() {
    method=$1 path=$2
    shift 2
    n=$((n + 1))
    if [ "$method" = HEAD ]; then # curl -I: the headers are what it writes; a body would be an error
        curl -s -I -o /dev/null -w '%{http_code} %{size_download} %{content_type}' "$U$path" >"$TMP/code"
        read -r status size ctype <"$TMP/code"
        [ "$size" = 0 ] && : >"$TMP/body$n" || echo x >"$TMP/body$n"
    else
        : >"$TMP/body$n" # curl writes no file for an answer without a body (304)
        curl -s -X "$method" -o "$TMP/body$n" -w '%{http_code} %{content_type}' -b "$TMP/jar" -c "$TMP/jar" "$@" \
            "$U$path" >"$TMP/code"
        read -r status ctype <"$TMP/code"
    fi
    echo "$method $path $status $TMP/body$n ${ctype:--}" >>"$TMP/answers"
}
J='Content-Type: application/json'
call GET /healthz
call HEAD /healthz
call GET /metrics
call GET /api/v1/openapi.json
call GET /api/v1/me
call GET /api/v1/me -H "Authorization: Bearer $TOKEN"
call GET /api/v1/me -H "Authorization: Bearer emb_nope"
call POST /api/v1/session -H "$J" -d '{"email":"ben@x.com","password":"correct horse battery"}'
CSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$TMP/body$n")
call GET /api/v1/me
call DELETE /api/v1/session
call DELETE /api/v1/session -H "X-CSRF-Token: $CSRF"
call DELETE /api/v1/session
call POST /api/v1/session -H "$J" -d '{"email":"ben@x.com","password":"wrong wrong"}'
call POST /api/v1/session -H "$J" -d '{"mail":"x"}'
call POST /api/v1/session -H "$J" -d '[1,2]'
call POST /api/v1/session -H "$J" -d '{"email":'
call POST /api/v1/session -d 'email=x'
head -c 1100000 /dev/zero | tr '\0' 'a' >"$TMP/big"
call POST /api/v1/session -H "$J" --data-binary @"$TMP/big"
call POST /api/v1/session -H "$J" -d '{"email":"ben@x.com","password":"wrong wrong"}'
# eight failures, the last just now: the next must wait (set here: no timing decides it)
sqlite3 "$EMBUDO_DB" "UPDATE login_failures SET failed = 8, last_failed = CAST(strftime('%s', 'now') AS INTEGER)"
call POST /api/v1/session -H "$J" -d '{"email":"ben@x.com","password":"wrong wrong"}'
call GET /nope
call PUT /healthz
call DELETE /api/v1/me
expect_eq "requests made" "23" "$n"
expect_eq "statuses" "200 200 200 200 401 200 401 200 200 403 204 401 401 400 400 400 415 413 401 429 404 405 405" \
    "$(cut -d' ' -f3 "$TMP/answers" | paste -sd' ')"
# The metric routes (api_metrics.sh checks their values): good, bad, cached.
B="Authorization: Bearer $TOKEN"
call GET '/api/v1/kpi?metrics=win_rate,sales_cycle_days,open_pipeline&period=2026&by=rep&compare=previous' -H "$B"
call GET '/api/v1/kpi?metrics=revenue_won,deals_won&period=2026-03&by=team&compare=goal&sort=-revenue_won&limit=3' -H "$B"
call GET '/api/v1/kpi?metrics=nope' -H "$B"
call GET '/api/v1/kpi?metrics=win_rate'
call GET /api/v1/leaderboard -H "$B"
call GET '/api/v1/leaderboard?metric=win_rate&period=2026-03&limit=5' -H "$B"
call GET '/api/v1/leaderboard?metric=nope' -H "$B"
ET=$(curl -s -D - -o /dev/null -H "$B" "$U/api/v1/leaderboard" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' | tr -d '\r')
call GET /api/v1/leaderboard -H "$B" -H "If-None-Match: $ET"
call GET /api/v1/dashboard -H "$B"
call GET '/api/v1/dashboard?period=2026-03&metric=win_rate' -H "$B"
call GET '/api/v1/dashboard?period=all' -H "$B"
expect_eq "metric routes' statuses" "200 200 400 401 200 200 400 304 200 200 400" \
    "$(tail -n 11 "$TMP/answers" | cut -d' ' -f3 | paste -sd' ')"
# The settings: read, refused to a non-admin (ben is not one), changed by the owner.
ADMIN=$($E token create --user ana@x.com 2>/dev/null)
call GET /api/v1/settings -H "$B"
call PATCH /api/v1/settings -H "$B" -H "$J" -d '{"currency":"USD"}'
call PATCH /api/v1/settings -H "Authorization: Bearer $ADMIN" -H "$J" -d '{"currency":"usd","colour":1}'
call PATCH /api/v1/settings -H "Authorization: Bearer $ADMIN" -d 'currency=USD'
call PATCH /api/v1/settings -H "Authorization: Bearer $ADMIN" -H "$J" -d '{"currency":"USD","week_start":7}'
call GET /api/v1/settings
expect_eq "settings' statuses" "200 403 400 415 200 401" "$(tail -n 6 "$TMP/answers" | cut -d' ' -f3 | paste -sd' ')"
python3 "$SRCDIR/tests/integration/openapi_check.py" "$SRCDIR/docs/openapi.json" "$TMP/answers" >"$TMP/check" 2>&1
check "every answer matches docs/openapi.json"
sed 's/^/#   /' "$TMP/check" | head -20
cmp -s "$TMP/body4" "$SRCDIR/docs/openapi.json"
check "GET /api/v1/openapi.json serves docs/openapi.json itself"
# The record routes, with an admin's token: lists, one record, a deal's history,
# writes and their refusals.
$E user add --name Ada --email ada@x.com --role admin >/dev/null
$E account add --id A1 --name Acme >/dev/null
$E deal add --id D1 --title Alpha --stage Proposal --account A1 --owner ada@x.com --amount 500 >/dev/null
ADA=$($E token create --user ada@x.com 2>/dev/null)
: >"$TMP/answers"
n0=$n
T="Authorization: Bearer $ADA"
call GET '/api/v1/deals' -H "$T"
call GET '/api/v1/deals?sort=-amount&limit=1&where=amount%3E1&q=al' -H "$T"
call GET '/api/v1/deals?limit=0' -H "$T"
call GET '/api/v1/deals?cursor=x' -H "$T"
call GET '/api/v1/deals'
call GET '/api/v1/deals/D1' -H "$T"
call GET '/api/v1/users/ada@x.com' -H "$T"
call GET '/api/v1/deals/D9' -H "$T"
call GET '/api/v1/deals/D1/history' -H "$T"
call POST '/api/v1/deals' -H "$T" -H "$J" -d '{"id":"D2","title":"Bravo","stage":"Proposal","account":"A1","owner":"ada@x.com","amount":12.5}'
call POST '/api/v1/deals' -H "$T" -H "$J" -d '{"title":1,"colour":"red"}'
call POST '/api/v1/deals' -H "$T" -H "$J" -d '{"title":'
call POST '/api/v1/deals' -H "$T" -d 'title=x'
call PATCH '/api/v1/deals/D2' -H "$T" -H "$J" -d '{"amount":"13"}'
call DELETE '/api/v1/accounts/A1' -H "$T"
call DELETE '/api/v1/deals/D2' -H "$T"
call PUT '/api/v1/deals' -H "$T"
call GET '/api/v1/widgets' -H "$T"
expect_eq "record requests made" "18" "$((n - n0))"
expect_eq "record statuses" "200 200 400 400 401 200 200 404 200 201 400 400 415 200 409 204 405 404" \
    "$(cut -d' ' -f3 "$TMP/answers" | paste -sd' ')"
python3 "$SRCDIR/tests/integration/openapi_check.py" "$SRCDIR/docs/openapi.json" "$TMP/answers" >"$TMP/check" 2>&1
check "every answer of the record routes matches docs/openapi.json"
sed 's/^/#   /' "$TMP/check" | head -20
# The event stream: open (cut by the client after a second), refused.
: >"$TMP/answers"
call GET /api/v1/events -H "$T" -m 1
call GET '/api/v1/events?since=0' -H "$T" -m 1
call GET '/api/v1/events?since=x' -H "$T"
call GET /api/v1/events
expect_eq "event stream statuses" "200 200 400 401" "$(cut -d' ' -f3 "$TMP/answers" | paste -sd' ')"
python3 "$SRCDIR/tests/integration/openapi_check.py" "$SRCDIR/docs/openapi.json" "$TMP/answers" >"$TMP/check" 2>&1
check "every answer of the event stream matches docs/openapi.json"
sed 's/^/#   /' "$TMP/check" | head -20
python3 - "$SRCDIR/docs/openapi.json" "$TMP/body$((n - 2))" >"$TMP/check" 2>&1 <<'EOF2'
import json, sys, warnings
warnings.filterwarnings("ignore", category=DeprecationWarning)
import jsonschema
spec = json.load(open(sys.argv[1]))
schema = {"$ref": "#/components/schemas/Event"}
v = jsonschema.Draft202012Validator(schema, resolver=jsonschema.RefResolver.from_schema(spec))
n = 0
for line in open(sys.argv[2]):
    if line.startswith("data: "):
        v.validate(json.loads(line[6:]))
        n += 1
print(n)
EOF2
expect_eq "the events since 0 (D1 created; D2 created, changed, deleted) match the Event schema" "4" "$(cat "$TMP/check")"
# Webhooks (api_webhooks.sh checks their deliveries).
: >"$TMP/answers"
call POST /api/v1/webhooks -H "$T" -H "$J" -d '{"url":"http://127.0.0.1:9/h","events":["deal.won"],"description":"x"}'
HOOK=$(sed -n 's/^{"id":\([0-9]*\).*/\1/p' "$TMP/body$n")
call GET /api/v1/webhooks -H "$T"
call GET "/api/v1/webhooks/$HOOK" -H "$T"
call PATCH "/api/v1/webhooks/$HOOK" -H "$T" -H "$J" -d '{"active":false,"description":null}'
call PATCH "/api/v1/webhooks/$HOOK" -H "$T" -H "$J" -d '{"events":[]}'
call POST /api/v1/webhooks -H "$T" -d 'url=x'
call GET "/api/v1/webhooks/$HOOK/deliveries?limit=5" -H "$T"
call GET "/api/v1/webhooks/$HOOK/deliveries?limit=0" -H "$T"
call POST "/api/v1/webhooks/$HOOK/deliveries/7/replay" -H "$T"
call GET /api/v1/webhooks -H "$B"
call DELETE "/api/v1/webhooks/$HOOK" -H "$T"
call GET "/api/v1/webhooks/$HOOK" -H "$T"
expect_eq "webhook statuses" "201 200 200 200 400 415 200 400 404 403 204 404" "$(cut -d' ' -f3 "$TMP/answers" | paste -sd' ')"
python3 "$SRCDIR/tests/integration/openapi_check.py" "$SRCDIR/docs/openapi.json" "$TMP/answers" >"$TMP/check" 2>&1
check "every answer of the webhook routes matches docs/openapi.json"
sed 's/^/#   /' "$TMP/check" | head -20
# Import and export (api_import.sh checks their values).
: >"$TMP/answers"
n0=$n
C='Content-Type: text/csv'
printf 'id,title,account,stage,owner,amount\nD3,Charlie,A1,Proposal,ada@x.com,10\n' >"$TMP/good.csv"
printf 'id,title,account,stage,owner,amount\nD4,Delta,A1,Nope,ada@x.com,abc\n' >"$TMP/bad.csv"
call POST '/api/v1/import/deals?dry_run=true' -H "$T" -H "$C" --data-binary @"$TMP/good.csv"
call POST '/api/v1/import/deals' -H "$T" -H "$C" --data-binary @"$TMP/good.csv"
call POST '/api/v1/import/deals' -H "$T" -H "$C" --data-binary @"$TMP/bad.csv"
call POST '/api/v1/import/deals?decimal=sideways' -H "$T" -H "$C" --data-binary @"$TMP/good.csv"
call POST '/api/v1/import/deals' -H "$T" -H "$J" --data-binary @"$TMP/good.csv"
call POST '/api/v1/import/deals' -H "$B" -H "$C" --data-binary @"$TMP/good.csv"
call GET '/api/v1/export/deals' -H "$T"
call GET '/api/v1/export/deals?format=json&sort=-amount' -H "$T"
call GET '/api/v1/export/deals?format=xml' -H "$T"
call GET '/api/v1/import/deals' -H "$T"
expect_eq "import and export requests made" "10" "$((n - n0))"
expect_eq "import and export statuses" "200 200 422 400 415 403 200 200 400 405" "$(cut -d' ' -f3 "$TMP/answers" | paste -sd' ')"
python3 "$SRCDIR/tests/integration/openapi_check.py" "$SRCDIR/docs/openapi.json" "$TMP/answers" >"$TMP/check" 2>&1
check "every answer of import and export matches docs/openapi.json"
sed 's/^/#   /' "$TMP/check" | head -20
# The checker catches what it should: a body off its schema, an undocumented status.
printf '{"status":"ok"}' >"$TMP/bad1"
printf 'GET /healthz 200 %s application/json\nGET /healthz 418 %s application/json\nGET /nowhere 200 %s text/plain\n' \
    "$TMP/bad1" "$TMP/bad1" "$TMP/bad1" >"$TMP/bad"
python3 "$SRCDIR/tests/integration/openapi_check.py" "$SRCDIR/docs/openapi.json" "$TMP/bad" >"$TMP/check" 2>&1
expect_eq "the checker refuses a missing field, an undocumented status and path" \
    "GET /healthz 200: 'generation' is a required property at []|GET /healthz: status 418 is not documented|GET /nowhere: not in the document (answered 200)" \
    "$(paste -sd'|' "$TMP/check")"
kill -TERM "$PID"
wait_exit "$PID"
finish
