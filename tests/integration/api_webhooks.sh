#!/bin/sh
# api_webhooks: /api/v1/webhooks against small receivers (a python3 http.server that
# records what it gets): admins only; validation; deliveries of the subscribed
# events only, written by the API or the CLI, signed (checked here with python's
# hmac); a receiver that answers 500 then 200 gets the retry; one that hangs is cut
# at the timeout and retried, without slowing the API; replay; inactive hooks;
# deliveries queued while no server ran are sent after a start; a delivery past a
# day of retries fails.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/a.db"
unset EMBUDO_USER EMBUDO_NOW
E="$EMBUDO"
. "$SRCDIR/tests/integration/server_lib.sh"
$E init --currency EUR --owner ada@x.com --owner-name Ada >/dev/null
$E user add --name Rex --email rex@x.com --role rep >/dev/null
$E user add --name Mia --email mia@x.com --role manager >/dev/null
$E user add --name Val --email val@x.com --role viewer >/dev/null
$E account add --id A1 --name Acme --owner rex@x.com >/dev/null
T_ada=$($E token create --user ada@x.com 2>/dev/null)
T_rex=$($E token create --user rex@x.com 2>/dev/null)
T_mia=$($E token create --user mia@x.com 2>/dev/null)
T_val=$($E token create --user val@x.com 2>/dev/null)
check "fixture created"

# The receiver: /ok answers 200, /flaky 500 the first time it sees a delivery then
# 200, /hang waits 30 s; each request is one JSON line in $TMP/got.
cat >"$TMP/recv.py" <<'EOF'
import json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
seen, lock = set(), threading.Lock()
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        rec = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body, "at": time.time()}
        with lock:
            with open(sys.argv[1], "a") as f:
                f.write(json.dumps(rec) + "\n")
            first = (self.path, self.headers.get("Embudo-Delivery")) not in seen
            seen.add((self.path, self.headers.get("Embudo-Delivery")))
        if self.path == "/hang":
            time.sleep(30)
        code = 500 if self.path == "/flaky" and first else 200
        try:
            self.send_response(code); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
        except OSError:
            pass
    def log_message(self, *a): pass
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
s.daemon_threads = True
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
: >"$TMP/got"
python3 "$TMP/recv.py" "$TMP/got" >"$TMP/recv.port" &
PIDS="$PIDS $!"
wait_for "$TMP/recv.port" "" ; i=0; while [ ! -s "$TMP/recv.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
R="http://127.0.0.1:$(cat "$TMP/recv.port")"

start s1 --access-log '' --webhook-timeout 2 --webhook-retry 1
U="http://127.0.0.1:$PORT/api/v1"
J="Content-Type: application/json"
as() {
    eval "tok=\$T_$1"; m=$2 p=$3; shift 3
    curl -s -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $tok" "$@" "$U$p" >"$TMP/s"
}
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$TMP/b"; }
# got PATH: the requests the receiver got at PATH, one "EVENT-TYPE RECORD-KEY" each
got() {
    python3 - "$TMP/got" "$1" <<'EOF'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["path"] == sys.argv[2]:
        b = json.loads(r["body"])
        print(r["headers"]["embudo-event"], b["record"]["key"] if b["record"] else b["kind"])
EOF
}
# wait_got PATH N: waits (at most 15 s) until the receiver got N requests at PATH.
wait_got() {
    i=0
    while [ "$(got "$1" | wc -l)" -lt "$2" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
}

# Admins only, and what a hook may be.
as rex GET /webhooks
expect_eq "a rep may not list webhooks" "403" "$(cat "$TMP/s")"
as rex POST /webhooks -H "$J" -d "{\"url\":\"$R/ok\",\"events\":[\"deal.won\"]}"
expect_eq "nor create one" "403" "$(cat "$TMP/s")"
as ada POST /webhooks -H "$J" -d '{"url":"ftp://x.com/a","events":["deal.won","deal.exploded"],"colour":1}'
expect_eq "a bad hook: 400 naming each field" "400 colour events url" \
    "$(cat "$TMP/s") $(jq_ '" ".join(sorted(e["field"] for e in d["errors"]))')"
as ada POST /webhooks -H "$J" -d '{"url":"http://x.com/a"}'
expect_eq "events are needed" "400 events" "$(cat "$TMP/s") $(jq_ 'd["errors"][0]["field"]')"
as ada POST /webhooks -H "$J" -d '{"url":"http://x.com/a","events":["deal.won","deal.won"]}'
expect_eq "each type once" "400 events" "$(cat "$TMP/s") $(jq_ 'd["errors"][0]["field"]')"
expect_eq "nothing was written" "0" "$(sqlite3 "$EMBUDO_DB" 'SELECT count(*) FROM webhooks')"

as ada POST /webhooks -H "$J" -d "{\"url\":\"$R/ok\",\"events\":[\"deal.created\",\"deal.won\"],\"description\":\"CRM sync\"}"
HA=$(jq_ 'd["id"]')
SA=$(jq_ 'd["secret"]')
expect_eq "a hook created: 201, its secret shown" "201 whsec_ 70 True CRM sync" \
    "$(cat "$TMP/s") $(jq_ 'd["secret"][:6], len(d["secret"]), d["active"], d["description"]' | tr -d "(),'")"
expect_eq "its Location" "/api/v1/webhooks/$HA" "$(sed -n 's/^Location: //p' "$TMP/h" | tr -d '\r')"
as ada POST /webhooks -H "$J" -d "{\"url\":\"$R/flaky\",\"events\":[\"deal.created\"]}"
HB=$(jq_ 'd["id"]')
SB=$(jq_ 'd["secret"]')
as ada POST /webhooks -H "$J" -d "{\"url\":\"$R/hang\",\"events\":[\"deal.created\"]}"
HC=$(jq_ 'd["id"]')
as ada GET /webhooks
expect_eq "listed, never with their secret" "200 3 False" \
    "$(cat "$TMP/s") $(jq_ 'len(d["data"]), any("secret" in h for h in d["data"])' | tr -d '(),')"
as ada GET "/webhooks/$HA"
expect_eq "one hook" "200 ['deal.created', 'deal.won'] False" \
    "$(cat "$TMP/s") $(jq_ 'd["events"], "secret" in d' | sed 's/^(//; s/)$//; s/, False$/ False/')"
expect_eq "the secret is stored, never in the audit log" "0" \
    "$(sqlite3 "$EMBUDO_DB" "SELECT count(*) FROM audit_log WHERE detail LIKE '%whsec_%'")"

# Every route refuses the other roles, before reading anything.
for u in mia rex val; do
    r=""
    for call in "GET /webhooks" "POST /webhooks" "GET /webhooks/$HA" "PATCH /webhooks/$HA" "DELETE /webhooks/$HA" \
        "GET /webhooks/$HA/deliveries" "POST /webhooks/$HA/deliveries/1/replay"; do
        set -- $call
        as $u "$1" "$2" -H "$J" -d '{}'
        r="$r $(cat "$TMP/s")"
    done
    expect_eq "$u: 403 on every webhook route" " 403 403 403 403 403 403 403" "$r"
done
grep -q '"secret"' "$TMP/b"
[ $? -ne 0 ]
check "no secret in a refusal"

# Baseline latency of the API.
lat() { for i in 1 2 3 4 5 6 7 8 9; do curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $T_ada" "$U/deals"; done | sort -n | sed -n 5p; }
base=$(lat)

# Events: a deal created by the CLI (another process), won through the API; an
# amount changed (no hook subscribes to it).
$E deal add --id D1 --title Big --stage Proposal --account A1 --owner rex@x.com --amount 100 >/dev/null
as ada PATCH /deals/D1 -H "$J" -d '{"amount":120}'
as ada PATCH /deals/D1 -H "$J" -d '{"stage":"Won"}'
wait_got /ok 2
wait_got /flaky 2
expect_eq "hook A got the creation and the win, not the amount" "deal.created D1
deal.won D1" "$(got /ok)"
slow=$(lat)
echo "# median GET /deals: $base s before, $slow s while a receiver hangs"
python3 -c "import sys; sys.exit(0 if float(sys.argv[2]) < max(0.25, 3 * float(sys.argv[1])) else 1)" "$base" "$slow"
check "the API answers as fast while a receiver hangs ($base s, $slow s)"

# Signatures, checked independently.
python3 - "$TMP/got" "$SA" "$SB" "$EMBUDO_DB" >"$TMP/sig" <<'EOF'
import hashlib, hmac, json, sqlite3, sys, time
secrets = {"/ok": sys.argv[2], "/flaky": sys.argv[3]}
db = sqlite3.connect(sys.argv[4])
good = bad = 0
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["path"] not in secrets:
        continue
    sig = dict(p.split("=", 1) for p in r["headers"]["embudo-signature"].split(","))
    mac = hmac.new(secrets[r["path"]].encode(), (sig["t"] + "." + r["body"]).encode(), hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(sig["t"])) < 60
    b = json.loads(r["body"])
    known = db.execute("SELECT count(*) FROM audit_log WHERE id = ?", (b["id"],)).fetchone()[0] == 1
    if hmac.compare_digest(mac, sig["v1"]) and fresh and known and r["headers"]["content-type"] == "application/json" and r["headers"]["embudo-event"] == b["type"]:
        good += 1
    else:
        bad += 1
# a body changed by one byte does not verify
r = json.loads(open(sys.argv[1]).readline())
sig = dict(p.split("=", 1) for p in r["headers"]["embudo-signature"].split(","))
forged = hmac.new(secrets["/ok"].encode(), (sig["t"] + "." + r["body"].replace("D1", "D2")).encode(), hashlib.sha256).hexdigest()
print(good, bad, forged == sig["v1"])
EOF
expect_eq "every delivery verifies with its hook's secret (4 good, 0 bad), a changed body does not" "4 0 False" \
    "$(cat "$TMP/sig")"

# Retries: /flaky answered 500, then 200 to the same delivery.
expect_eq "the flaky receiver got the delivery twice" "deal.created D1
deal.created D1" "$(got /flaky)"
python3 - "$TMP/got" >"$TMP/retry" <<'EOF'
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
rs = [r for r in rs if r["path"] == "/flaky"]
# the retry is due webhook-retry (1) whole seconds after the failed attempt's second
print(rs[0]["headers"]["embudo-delivery"] == rs[1]["headers"]["embudo-delivery"], rs[0]["body"] == rs[1]["body"], int(rs[1]["at"]) >= int(rs[0]["at"]) + 1)
EOF
expect_eq "the same delivery and body, in a later second" "True True True" "$(cat "$TMP/retry")"
sleep 0.5
as ada GET "/webhooks/$HB/deliveries"
expect_eq "its log: delivered at the second attempt" "200 delivered 2 200 True None deal.created" \
    "$(cat "$TMP/s") $(jq_ 'd["data"][0]["status"], d["data"][0]["attempts"], d["data"][0]["last_status"], isinstance(d["data"][0]["latency_ms"], int), d["data"][0]["next_attempt"], d["data"][0]["event_type"]' | tr -d "(),'")"

# The hanging receiver: cut at the timeout (2 s), to be retried.
sleep 2.5
as ada GET "/webhooks/$HC/deliveries"
expect_eq "the hanging receiver's delivery: pending, timed out, retried later" "pending True None True" \
    "$(jq_ 'd["data"][0]["status"], d["data"][0]["attempts"] >= 1, d["data"][0]["last_status"], "imeout" in (d["data"][0]["last_error"] or "") or "timed out" in (d["data"][0]["last_error"] or "")' | tr -d "(),'")"
expect_eq "/metrics: the hanging receiver's delivery is pending" "embudo_webhook_deliveries_pending 1" \
    "$(curl -s "http://127.0.0.1:$PORT/metrics" | grep '^embudo_webhook_deliveries_pending ')"

# After a day of retries it fails.
sqlite3 "$EMBUDO_DB" "UPDATE webhook_deliveries SET created = created - 86400 WHERE webhook_id = $HC"
i=0
while [ "$(sqlite3 "$EMBUDO_DB" "SELECT status FROM webhook_deliveries WHERE webhook_id = $HC")" != failed ] && [ $i -lt 100 ]; do
    sleep 0.1; i=$((i + 1))
done
expect_eq "past a day of retries, it failed" "failed" \
    "$(sqlite3 "$EMBUDO_DB" "SELECT status FROM webhook_deliveries WHERE webhook_id = $HC")"

# Replay.
as ada GET "/webhooks/$HA/deliveries"
first=$(jq_ 'd["data"][-1]["id"]')
as ada POST "/webhooks/$HA/deliveries/$first/replay"
expect_eq "a replay: 202, a new delivery of the same event" "202 $first pending" \
    "$(cat "$TMP/s") $(jq_ 'd["replay_of"], d["status"]' | tr -d "(),'")"
wait_got /ok 3
expect_eq "the receiver got it again" "deal.created D1" "$(got /ok | sed -n 3p)"
as ada POST "/webhooks/$HA/deliveries/99999/replay"
expect_eq "replaying a delivery that does not exist: 404" "404" "$(cat "$TMP/s")"
as ada POST "/webhooks/$HB/deliveries/$first/replay"
expect_eq "nor another hook's" "404" "$(cat "$TMP/s")"

# Inactive hooks skip their events; a change through PATCH.
as ada DELETE "/webhooks/$HC"
expect_eq "a hook deleted" "204" "$(cat "$TMP/s")"
as ada GET "/webhooks/$HC"
expect_eq "then not found" "404" "$(cat "$TMP/s")"
as ada PATCH "/webhooks/$HA" -H "$J" -d '{"active":false}'
expect_eq "a hook deactivated" "200 False" "$(cat "$TMP/s") $(jq_ 'd["active"]')"
$E deal add --id D3 --title Quiet --stage Proposal --account A1 --owner rex@x.com >/dev/null
sleep 1.5
as ada PATCH "/webhooks/$HA" -H "$J" -d '{"active":true,"events":["deal.created"],"description":null}'
expect_eq "active again, other events" "200 True ['deal.created'] None" \
    "$(cat "$TMP/s") $(jq_ 'd["active"], d["events"], d["description"]' | sed 's/^(//; s/)$//; s/, \[/ [/; s/\], /] /')"
as ada PATCH "/webhooks/$HA" -H "$J" -d '{"url":"nope"}'
expect_eq "a bad change: 400" "400 url" "$(cat "$TMP/s") $(jq_ 'd["errors"][0]["field"]')"

# Deliveries survive a stop: events written while no server runs are sent after a start.
kill -TERM "$PID"
wait_exit "$PID"
expect_eq "the server stops" "0" "$STATUS"
$E deal add --id D4 --title Offline --stage Proposal --account A1 --owner rex@x.com >/dev/null
start s2 --access-log '' --webhook-timeout 2 --webhook-retry 1
wait_got /ok 4
expect_eq "after the start: D4 (made while stopped), not D3 (made while inactive)" "deal.created D4" \
    "$(got /ok | sed -n '4,$p')"
expect_eq "every event queued once per hook" "0" \
    "$(sqlite3 "$EMBUDO_DB" "SELECT count(*) FROM (SELECT webhook_id, event_id FROM webhook_deliveries WHERE replay_of IS NULL GROUP BY 1, 2 HAVING count(*) > 1)")"
expect_eq "the hook changes are in the audit log" "webhook-create webhook-create webhook-create webhook-replay webhook-delete webhook-update webhook-update" \
    "$(sqlite3 "$EMBUDO_DB" "SELECT action FROM audit_log WHERE kind = 'webhooks' ORDER BY id" | paste -sd' ')"
kill -TERM "$PID"
wait_exit "$PID"
expect_eq "and stops again" "0" "$STATUS"
finish
