#!/bin/sh
# serve: `embudo serve` on a loopback port, spoken to with curl: /healthz and
# /metrics with exact values, problem+json for unknown paths and methods, one
# access-log line per request, settings from file < environment < flags with
# errors naming their source, TLS, idle connections that starve nobody, and a
# graceful stop that answers the request in flight and exits 0.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/a.db"
unset EMBUDO_CONFIG EMBUDO_LISTEN EMBUDO_THREADS EMBUDO_ACCESS_LOG EMBUDO_SHUTDOWN_GRACE
E="$EMBUDO"
$E init --currency EUR --owner ana@x.com >/dev/null
$E deal add --title D1 --stage Proposal --amount 100 --created 2026-03-01 >/dev/null
check "fixture created"

. "$SRCDIR/tests/integration/server_lib.sh"

start s1 --access-log "$TMP/access.log" --threads 2
[ -n "$PORT" ]
check "the server says where it listens"
GEN=$(sqlite3 "$EMBUDO_DB" "SELECT generation FROM organisation") # after the first serve's admin password
grep -qF "(database $EMBUDO_DB; Ctrl-C or SIGTERM stops it)" "$TMP/s1.err"
check "and which database it serves"
U="http://127.0.0.1:$PORT"
expect_eq "GET /healthz" "200 application/json {\"status\":\"ok\",\"generation\":$GEN}" \
    "$(curl -s -o "$TMP/body" -w '%{http_code} %{content_type}' "$U/healthz") $(cat "$TMP/body")"
expect_eq "HEAD /healthz: the status, no body" "200 0" "$(curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "$U/healthz")"
curl -s "$U/healthz" >/dev/null
expect_eq "unknown path: 404 problem+json" \
    "404 application/problem+json {\"type\":\"about:blank\",\"title\":\"not found\",\"status\":404}" \
    "$(curl -s -o "$TMP/body" -w '%{http_code} %{content_type}' "$U/nope") $(cat "$TMP/body")"
expect_eq "a method the path does not answer: 405 with Allow" "405 GET, HEAD" \
    "$(curl -s -D "$TMP/hdr" -o "$TMP/body" -w '%{http_code}' -X POST "$U/healthz") $(sed -n 's/^Allow: \(.*\)\r$/\1/p' "$TMP/hdr")"
grep -qF '"detail":"/healthz answers GET, HEAD"' "$TMP/body"
check "the 405 problem says what the path answers"
expect_eq "a path with a space and an accent is a 404 too" "404" "$(curl -s -o /dev/null -w '%{http_code}' "$U/caf%C3%A9%20x")"

# /metrics after exactly: 3 x /healthz 200 (GET, HEAD, GET), 2 unmatched 404, 1 unmatched 405.
curl -s "$U/metrics" >"$TMP/metrics"
m() { grep -v "^#" "$TMP/metrics" | grep -F "$1" | awk '{ print $NF }'; }
expect_eq "requests of /healthz answered 200" "3" "$(m 'embudo_http_requests_total{route="/healthz",status="200"}')"
expect_eq "unmatched 404s and 405s" "2 1" \
    "$(m 'embudo_http_requests_total{route="unmatched",status="404"}') $(m 'embudo_http_requests_total{route="unmatched",status="405"}')"
expect_eq "the latency histogram of /healthz counts 3, +Inf bucket 3" "3 3" \
    "$(m 'embudo_http_request_duration_seconds_count{route="/healthz"}') $(m 'embudo_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"}')"
expect_eq "histogram buckets never decrease" "ok" \
    "$(grep -F 'duration_seconds_bucket{route="/healthz"' "$TMP/metrics" | awk '{ if ($NF < last) bad = 1; last = $NF } END { print bad ? "bad" : "ok" }')"
expect_eq "the database's generation and size" "$GEN $(stat -c %s "$EMBUDO_DB")" \
    "$(m 'embudo_database_generation ') $(m 'embudo_database_size_bytes{file="main"}')"
grep -q '^# TYPE embudo_http_request_duration_seconds histogram$' "$TMP/metrics"
check "/metrics declares its types"

# One access-log line per request so far (7), each: time, user, method, path, status, bytes, microseconds.
wait_for "$TMP/access.log" "/metrics 200"
expect_eq "access log lines" "7" "$(wc -l <"$TMP/access.log" | tr -d ' ')"
expect_eq "every line has the seven fields" "7" \
    "$(grep -cE '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z - (GET|HEAD|POST) /[^ ]* [0-9]{3} [0-9]+ [0-9]+$' "$TMP/access.log")"
body_len=$(printf '{"status":"ok","generation":%s}' "$GEN" | wc -c | tr -d ' ')
expect_eq "the first line: GET /healthz 200 and the body's bytes" "- GET /healthz 200 $body_len" \
    "$(head -1 "$TMP/access.log" | cut -d' ' -f2-6)"
expect_eq "paths are logged escaped" "/caf%C3%A9%20x 404" "$(sed -n 6p "$TMP/access.log" | cut -d' ' -f4-5)"

# Idle connections (headers never finished) hold no worker: a request still answers.
for i in 1 2 3 4 5 6; do
    (printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' | curl -s --max-time 20 telnet://127.0.0.1:$PORT >/dev/null 2>&1) &
done
sleep 0.3 # not a race: the check below passes whether or not they have connected yet
expect_eq "answered beside 6 idle connections" "200" "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$U/healthz")"

# A second server on the same port is refused, naming the address.
expect_status 1 $E serve --listen "127.0.0.1:$PORT" --access-log ''
grep -qF "cannot listen on 127.0.0.1:$PORT (is the address in use" "$TMP/err"
check "the address in use is named"

# Graceful stop: a request whose headers arrived (the server answered 100 Continue)
# and whose body comes after SIGTERM is answered; then the server exits 0.
cat >"$TMP/client.sh" <<'EOS'
exec 3<>"/dev/tcp/127.0.0.1/$1"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n' >&3
IFS= read -r line <&3; IFS= read -r blank <&3; echo "$line" >"$2.continue"
i=0; while [ ! -f "$2.go" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
printf 'hello' >&3
cat <&3 >"$2.reply"
EOS
bash "$TMP/client.sh" "$PORT" "$TMP/c1" &
CLIENT=$!
wait_for "$TMP/c1.continue" "100 Continue"
check "the request in flight began (100 Continue)"
kill -TERM "$PID"
wait_for "$TMP/s1.err" "SIGTERM received; finishing the requests in flight (up to 10 s)"
check "SIGTERM: the server says it finishes the requests in flight"
kill -0 "$PID" 2>/dev/null
check "and waits for them"
touch "$TMP/c1.go"
wait_exit "$CLIENT"
grep -qF "{\"status\":\"ok\",\"generation\":$GEN}" "$TMP/c1.reply" && head -1 "$TMP/c1.reply" | grep -q "^HTTP/1.1 200"
check "the request in flight got its answer"
wait_exit "$PID"
expect_eq "the server exited" "0" "$STATUS"
grep -qF "embudo serve: stopped" "$TMP/s1.err"
check "and said it stopped"
expect_eq "the in-flight request was logged" "- GET /healthz 200 $body_len" "$(tail -1 "$TMP/access.log" | cut -d' ' -f2-6)"

# A request that never finishes is cut short after shutdown-grace seconds; exit 0 still.
start s2 --shutdown-grace 1 --access-log ''
bash "$TMP/client.sh" "$PORT" "$TMP/c2" &
CLIENT=$!
wait_for "$TMP/c2.continue" "100 Continue"
kill -INT "$PID"
wait_exit "$PID"
expect_eq "stopped after the grace period, exit 0" "0" "$STATUS"
grep -qF "embudo serve: 1 request was cut short after 1 s" "$TMP/s2.err"
check "the cut request is reported"
touch "$TMP/c2.go"
wait_exit "$CLIENT"

# Settings: file < environment < flag, and --show-settings says where each came from.
printf '# a comment\nlisten = 127.0.0.1:7001\nthreads = 3\n\nshutdown-grace = "4"\n' >"$TMP/embudo.conf"
EMBUDO_THREADS=5 $E serve --config "$TMP/embudo.conf" --shutdown-grace 6 --show-settings >"$TMP/out" 2>&1
check "--show-settings"
expect_eq "listen from the file" "127.0.0.1:7001 config file" "$(awk '$1 == "listen" { print $2, $3, $4 }' "$TMP/out")"
expect_eq "threads from the environment over the file" "5 environment" "$(awk '$1 == "threads" { print $2, $3 }' "$TMP/out")"
expect_eq "shutdown-grace from the flag over the file" "6 flag" "$(awk '$1 == "shutdown-grace" { print $2, $3 }' "$TMP/out")"
expect_eq "max-connections by default" "1000 default" "$(awk '$1 == "max-connections" { print $2, $3 }' "$TMP/out")"
EMBUDO_CONFIG="$TMP/embudo.conf" $E serve --show-settings >"$TMP/out" 2>&1
expect_eq "EMBUDO_CONFIG names the file too" "3 config file" "$(awk '$1 == "threads" { print $2, $3, $4 }' "$TMP/out")"

printf 'listen = 127.0.0.1:7001\nlisen = x\n' >"$TMP/bad.conf"
expect_status 2 $E serve --config "$TMP/bad.conf"
expect_eq "an unknown setting in the file: FILE:LINE" \
    "embudo serve: $TMP/bad.conf:2: there is no setting 'lisen'; \`embudo serve --help\` lists them" "$(head -1 "$TMP/err")"
printf 'threads = 0\n' >"$TMP/bad.conf"
expect_stderr_contains "$TMP/bad.conf:1: setting 'threads' takes a whole number from 1 to 256, not '0'" \
    $E serve --config "$TMP/bad.conf"
printf 'just words\n' >"$TMP/bad.conf"
expect_stderr_contains "$TMP/bad.conf:1: 'just words' is not a setting; write NAME = VALUE" $E serve --config "$TMP/bad.conf"
expect_stderr_contains "cannot read the config file '$TMP/none.conf'" $E serve --config "$TMP/none.conf"
EMBUDO_MAX_CONNECTIONS=lots expect_stderr_contains \
    "EMBUDO_MAX_CONNECTIONS: setting 'max-connections' takes a whole number from 1 to 100000, not 'lots'" $E serve
expect_stderr_contains "--listen: 'localhost' is not an address to listen on; write ADDR:PORT" $E serve --listen localhost
expect_stderr_contains "listen: 'example.com' is not an IP address" $E serve --listen example.com:80 --access-log ''
expect_stderr_contains "HTTPS needs both tls-cert and tls-key" $E serve --tls-key "$TMP/k.pem"
expect_stderr_contains "tls-cert: '$TMP/embudo.conf' is not a PEM file" \
    $E serve --tls-cert "$TMP/embudo.conf" --tls-key "$TMP/embudo.conf" --access-log ''
expect_status 1 $E --db "$TMP/none.db" serve
grep -qF "database '$TMP/none.db' does not exist; create it first with \`embudo --db $TMP/none.db init" "$TMP/err"
check "a missing database is refused with the init command"

# HTTPS with a self-signed certificate.
if openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 \
    -subj /CN=127.0.0.1 >/dev/null 2>&1; then
    start s3 --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem" --access-log ''
    grep -qF "listening on https://127.0.0.1:$PORT/" "$TMP/s3.err"
    check "the server says https"
    expect_eq "GET /healthz over TLS" "200 {\"status\":\"ok\",\"generation\":$GEN}" \
        "$(curl -sk -o "$TMP/body" -w '%{http_code}' "https://127.0.0.1:$PORT/healthz") $(cat "$TMP/body")"
    expect_eq "plain HTTP to the TLS port gets no answer" "000" \
        "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")"
    kill -TERM "$PID"
    wait_exit "$PID"
    expect_eq "the TLS server stops with 0" "0" "$STATUS"
else
    skip "openssl cannot make a certificate here"
fi

# The analytics snapshot in /metrics: none before a metric is asked, then the
# database's generation, one build and how long it took.
TOKEN=$(EMBUDO_USER= $E token create --user "$(sqlite3 "$EMBUDO_DB" "SELECT email FROM users WHERE role = 'admin' LIMIT 1")" 2>/dev/null)
ACCOUNT="Catch-up Ltd"
$E account add --name "$ACCOUNT" >/dev/null
start s5 --access-log ''
curl -s "http://127.0.0.1:$PORT/metrics" >"$TMP/metrics"
expect_eq "no snapshot before a metric is asked" "-1 0" \
    "$(m 'embudo_snapshot_generation ') $(m 'embudo_snapshot_builds_total ')"
expect_eq "a metric" "200" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/v1/kpi?metrics=deals_won&period=all")"
curl -s "http://127.0.0.1:$PORT/metrics" >"$TMP/metrics"
expect_eq "then the database's generation, one build" "$(sqlite3 "$EMBUDO_DB" "SELECT generation FROM organisation") 1" \
    "$(m 'embudo_snapshot_generation ') $(m 'embudo_snapshot_builds_total ')"
awk -v t="$(m 'embudo_snapshot_build_seconds ')" 'BEGIN { exit !(t > 0 && t < 60) }'
check "and how long it took ($(m 'embudo_snapshot_build_seconds ') s)"
# A deal written by another process (the CLI) is caught up, not rebuilt: the
# next metric counts it, after one catch-up and still one build.
$E deal add --title "Caught up" --account "$ACCOUNT" --stage Proposal --amount 250 --created 2025-01-02 >/dev/null
expect_eq "a deal added through the CLI is in the next answer" "2 350.0" \
    "$(curl -s -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:$PORT/api/v1/kpi?metrics=deals_created,open_pipeline&period=all" |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["rows"][0]; print(r["deals_created"], float(r["open_pipeline"]["amount"]))')"
curl -s "http://127.0.0.1:$PORT/metrics" >"$TMP/metrics"
expect_eq "a catch-up, no other build" "$(sqlite3 "$EMBUDO_DB" "SELECT generation FROM organisation") 1 1" \
    "$(m 'embudo_snapshot_generation ') $(m 'embudo_snapshot_builds_total ') $(m 'embudo_snapshot_catch_ups_total ')"
awk -v t="$(m 'embudo_snapshot_catch_up_seconds ')" 'BEGIN { exit !(t > 0 && t < 60) }'
check "and how long it took ($(m 'embudo_snapshot_catch_up_seconds ') s)"
kill -TERM "$PID"
wait_exit "$PID"
finish
