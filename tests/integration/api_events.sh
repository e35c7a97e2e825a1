#!/bin/sh
# api_events: GET /api/v1/events, the event stream (Server-Sent Events) on a small
# fixture: the exact events of writes made through the API and by the CLI (another
# process), their fields, what each role receives (a rep nothing of another rep's
# deal, a viewer only imports, without the file), resuming with Last-Event-ID and
# ?since, heartbeats, more streams than worker threads without blocking other
# requests, and a stop that ends the streams at once.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/a.db"
unset EMBUDO_USER EMBUDO_NOW
E="$EMBUDO"
. "$SRCDIR/tests/integration/server_lib.sh"
$E init --currency EUR --owner ada@x.com --owner-name Ada >/dev/null
$E user add --name Mia --email mia@x.com --role manager >/dev/null
$E team add --name North --manager mia@x.com >/dev/null
$E user add --name Rex --email rex@x.com --role rep --team North >/dev/null
$E user add --name Ron --email ron@x.com --role rep >/dev/null
$E user add --name Val --email val@x.com --role viewer >/dev/null
$E account add --id A1 --name Acme --owner rex@x.com >/dev/null
$E account add --id A2 --name Borealis --owner ron@x.com >/dev/null
for u in ada mia rex ron val; do
    eval "T_$u=\$($E token create --user $u@x.com 2>/dev/null)"
done
check "fixture created"
start s1 --access-log '' --threads 2 --events-heartbeat 1
U="http://127.0.0.1:$PORT/api/v1"
J="Content-Type: application/json"
as() {
    eval "tok=\$T_$1"; m=$2 p=$3; shift 3
    curl -s -o "$TMP/b" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $tok" "$@" "$U$p" >"$TMP/s"
}
# listen NAME USER [CURL ARGS]: a stream of USER's events into $TMP/NAME.sse, open
# once its first comment arrived; its curl's pid in $LPID.
listen() {
    n=$1; eval "tok=\$T_$2"; shift 2
    curl -sN -H "Authorization: Bearer $tok" "$@" "$U/events" >"$TMP/$n.sse" 2>/dev/null &
    LPID=$!
    PIDS="$PIDS $LPID"
    wait_for "$TMP/$n.sse" ": connected"
}
# events FILE: one line per event, "TYPE KEY" (the record's key, or the import's kind).
events() {
    python3 - "$1" <<'EOF'
import json, sys
for block in open(sys.argv[1]).read().split("\n\n"):
    ev = {}
    for line in block.split("\n"):
        if line.startswith("id: "): ev["id"] = line[4:]
        elif line.startswith("event: "): ev["event"] = line[7:]
        elif line.startswith("data: "): ev["data"] = json.loads(line[6:])
    if "event" in ev:
        d = ev["data"]
        assert d["type"] == ev["event"] and str(d["id"]) == ev["id"], ev
        print(ev["event"], d["record"]["key"] if d["record"] else d["kind"])
EOF
}
# wait_events FILE N: waits (at most 10 s) until FILE holds N events.
wait_events() {
    i=0
    while [ "$(grep -c '^event: ' "$2" 2>/dev/null)" -lt "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

listen all ada
ALL=$LPID
listen mia mia
listen rex rex
listen ron ron
listen val val
expect_eq "five streams open, on two worker threads" "200" "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")"

# The writes: through the API (as Ada) and by the CLI (another process).
as ada POST /deals -H "$J" -d '{"id":"D1","title":"Big","stage":"Proposal","account":"A1","owner":"rex@x.com","amount":100}'
expect_eq "a deal created through the API" "201" "$(cat "$TMP/s")"
t0=$(date +%s%N)
$E deal add --as ron@x.com --id D2 --title Small --stage Proposal --account A2 --owner ron@x.com --amount 50 >/dev/null
wait_events 2 "$TMP/all.sse"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "# an event written by the CLI reached the stream in $ms ms"
[ "$ms" -lt 1500 ]
check "the CLI's write is pushed within 1.5 s ($ms ms)"
$E deal update D1 --stage Won >/dev/null
as ada PATCH /deals/D2 -H "$J" -d '{"amount":75}'
$E deal update D2 --stage Negotiation >/dev/null
$E deal update D2 --title Smaller >/dev/null
$E activity add --id C1 --type call --owner rex@x.com --deal D1 --subject Hello >/dev/null
$E account add --id A3 --name Cirrus >/dev/null   # no event
printf 'id,title,stage,amount,owner\nD3,Imported,Proposal,10,ron@x.com\nD4,Second,Negotiation,20,rex@x.com\n' >"$TMP/d.csv"
$E import deals "$TMP/d.csv" --as rex@x.com >/dev/null
$E deal update D2 --stage Lost >/dev/null
$E deal delete D2 --yes >/dev/null 2>&1
wait_events 10 "$TMP/all.sse"
expect_eq "the admin's stream: every event, in order" \
    "deal.created D1
deal.created D2
deal.won D1
deal.amount_changed D2
deal.stage_changed D2
deal.updated D2
activity.logged C1
import.finished deals
deal.lost D2
deal.deleted D2" "$(events "$TMP/all.sse")"
# The fields of three events, against the audit log's rows and by hand.
python3 - "$TMP/all.sse" "$EMBUDO_DB" >"$TMP/fields" <<'EOF'
import json, sqlite3, sys
evs = [json.loads(l[6:]) for l in open(sys.argv[1]) if l.startswith("data: ")]
db = sqlite3.connect(sys.argv[2])
ids = [r[0] for r in db.execute("SELECT id FROM audit_log WHERE (kind = 'deals' AND action IN ('insert','update','delete')) OR (kind = 'activities' AND action = 'insert') OR action = 'import' ORDER BY id")]
ids = ids[-10:]
print("ids match the audit log:", [e["id"] for e in evs] == ids)
e = evs[0]
print(e["kind"], e["record"]["key"], e["user"]["email"], e["changes"]["after"]["amount"], e["changes"]["after"]["status"], "before" in e["changes"], e["at"].endswith("Z"))
e = evs[1]
print(e["user"]["email"], e["changes"]["after"]["title"])
e = evs[2]
print(e["changes"]["before"]["status"], e["changes"]["after"]["status"], e["changes"]["after"]["closed"] > 0, e["user"]["name"])
e = evs[3]
print(e["changes"])
e = evs[7]
print(e["user"]["email"], e["import"])
e = evs[9]
print(e["changes"]["before"]["id"], e["changes"]["before"]["title"], "after" in e["changes"])
EOF
expect_eq "the fields of the events" "ids match the audit log: True
deals D1 ada@x.com 10000 open False True
ron@x.com Small
open won True Ada
{'before': {'amount': 5000}, 'after': {'amount': 7500}}
rex@x.com {'rows': 2, 'created': 2, 'updated': 0, 'rejected': 0, 'file': '$TMP/d.csv'}
D2 Smaller False" "$(cat "$TMP/fields")"

# Each role's stream.
sleep 0.5
expect_eq "Rex: his deal, his activity and his import" \
    "deal.created D1
deal.won D1
activity.logged C1
import.finished deals" "$(events "$TMP/rex.sse")"
expect_eq "Ron: his deal D2 (the import was Rex's)" \
    "deal.created D2
deal.amount_changed D2
deal.stage_changed D2
deal.updated D2
deal.lost D2
deal.deleted D2" "$(events "$TMP/ron.sse")"
expect_eq "Mia (manager of Rex): her team's" \
    "deal.created D1
deal.won D1
activity.logged C1" "$(events "$TMP/mia.sse")"
expect_eq "Val (viewer): the import only" "import.finished deals" "$(events "$TMP/val.sse")"
for f in rex mia; do
    if grep -q -e 'D2' -e 'Small' -e 'Borealis' "$TMP/$f.sse"; then not_ok "no value of Ron's deal in $f's stream"
    else ok "no value of Ron's deal in $f's stream"; fi
done
if grep -q -e 'Big' -e '"D1"' "$TMP/ron.sse"; then not_ok "no value of Rex's deal in Ron's stream"
else ok "no value of Rex's deal in Ron's stream"; fi
if grep -q 'd.csv' "$TMP/val.sse"; then not_ok "the viewer is not told the import's file"
else ok "the viewer is not told the import's file"; fi
grep -q '^: heartbeat' "$TMP/val.sse"
check "an idle stream gets heartbeats"

# Resuming: exactly the events after the one given.
third=$(sed -n 's/^id: //p' "$TMP/all.sse" | sed -n 3p)
curl -sN -m 2 -H "Authorization: Bearer $T_ada" -H "Last-Event-ID: $third" "$U/events" >"$TMP/resume.sse"
expect_eq "Last-Event-ID resumes after that event" "$(events "$TMP/all.sse" | tail -n +4)" "$(events "$TMP/resume.sse")"
curl -sN -m 2 -H "Authorization: Bearer $T_rex" "$U/events?since=$third" >"$TMP/resume.sse"
expect_eq "?since= too, in Rex's scope" "activity.logged C1
import.finished deals" "$(events "$TMP/resume.sse")"
curl -sN -m 2 -H "Authorization: Bearer $T_ada" "$U/events?since=0" >"$TMP/resume.sse"
expect_eq "since=0: every event from the start" "$(events "$TMP/all.sse")" "$(events "$TMP/resume.sse")"

# Bad requests.
as ada GET "/events?since=abc"
expect_eq "a bad since is a 400 naming it" "400 since" \
    "$(cat "$TMP/s") $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors"][0]["field"])' "$TMP/b")"
as ada GET /events -H "Last-Event-ID: -4"
expect_eq "a bad Last-Event-ID is a 400 naming it" "400 Last-Event-ID" \
    "$(cat "$TMP/s") $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors"][0]["field"])' "$TMP/b")"
as ada GET "/events?limit=3"
expect_eq "an unknown parameter is a 400" "400" "$(cat "$TMP/s")"
expect_eq "no credentials: 401" "401" "$(curl -s -o /dev/null -w '%{http_code}' "$U/events")"

# More streams than worker threads (2): other requests are answered at once and
# every stream still gets the next event.
for i in 1 2 3 4 5 6 7 8; do listen extra$i ada; done
start_ns=$(date +%s%N)
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
as ada GET /deals
ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
expect_eq "13 streams on 2 threads: /healthz and a list answer" "200 200" "$code $(cat "$TMP/s")"
expect_eq "/metrics counts the open streams" "embudo_event_streams 13" \
    "$(curl -s "http://127.0.0.1:$PORT/metrics" | grep '^embudo_event_streams ')"
echo "# both answered in $ms ms"
[ "$ms" -lt 2000 ]
check "without waiting ($ms ms)"
as rex POST /deals -H "$J" -d '{"id":"D9","title":"Late","stage":"Proposal","account":"A1"}'
for i in 1 2 3 4 5 6 7 8; do wait_events 1 "$TMP/extra$i.sse"; done
got=0
for i in 1 2 3 4 5 6 7 8; do [ "$(events "$TMP/extra$i.sse")" = "deal.created D9" ] && got=$((got + 1)); done
expect_eq "every extra stream got the new deal" "8" "$got"
wait_events 2 "$TMP/rex.sse"
expect_eq "and Rex's own stream too" "deal.created D9" "$(events "$TMP/rex.sse" | tail -1)"

# Stopping: the streams end at once, not after the grace period.
t0=$(date +%s%N)
kill -TERM "$PID"
wait_exit "$PID"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "the server stops with streams open, status 0" "0" "$STATUS"
echo "# stopped in $ms ms"
[ "$ms" -lt 5000 ]
check "in less than 5 s, the grace being 10 s ($ms ms)"
grep -q "cut short" "$TMP/s1.err"
[ $? -ne 0 ]
check "no request counted as cut short"
sleep 0.3
kill -0 "$ALL" 2>/dev/null
[ $? -ne 0 ]
check "the listening clients saw their stream end"
finish
