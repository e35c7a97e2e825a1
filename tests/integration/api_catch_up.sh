#!/bin/sh
# api_catch_up: the server's snapshot, caught up after each write (through the
# API or by another process) rather than rebuilt, answers every deal metric as a
# fresh build of the same database does: after each of 16 random writes, the
# answers of GET /api/v1/kpi for three breakdowns and totals equal, byte for byte, those of
# `embudo kpi --format json` on a copy of the database (which has no snapshot
# file: the CLI builds one from scratch). /metrics then counts the catch-ups.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/c.db"
E="$EMBUDO"
. "$SRCDIR/tests/integration/server_lib.sh"
$E demo --deals 400 --seed 5 --years 2 >/dev/null
check "demo company created"
ADMIN=$(sqlite3 "$EMBUDO_DB" "SELECT email FROM users WHERE role = 'admin' LIMIT 1")
TOKEN=$(EMBUDO_USER= $E token create --user "$ADMIN" 2>/dev/null)
start s1 --access-log ''
U="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer $TOKEN"

METRICS=deals_created,deals_won,deals_lost,revenue_won,win_rate,avg_deal_size,sales_cycle_days,lost_cycle_days,open_pipeline,weighted_pipeline,stale_deals,slipped_deals,pipeline_expected,lead_conversion_rate
TOTALS=new_customers,lost_reasons,activities_per_deal_won,sales_velocity
BY_STAGE=stage_reached,time_in_stage,open_pipeline,weighted_pipeline
AS_OF=2030-01-01

m() { curl -s "$U/metrics" | sed -n "s/^$1 //p"; }

# answers: the server's answer for each breakdown in $TMP/server-BY.json.
answers() {
    for by in rep source stage none; do
        metrics=$METRICS
        [ "$by" = stage ] && metrics=$BY_STAGE
        [ "$by" = none ] && metrics=$TOTALS
        curl -s -o "$TMP/server-$by.json" -w '%{http_code}\n' -H "$AUTH" \
            "$U/api/v1/kpi?metrics=$metrics&period=all&as_of=$AS_OF$( [ "$by" = none ] || echo "&by=$by")"
    done
}

# same WHAT: the server's answer for each breakdown equals the CLI's on a copy. An
# answer right after a catch-up must count the write; when the write needed a
# rebuild instead (made in the background when builds are slow, as under
# ThreadSanitizer), the answers are taken again once the snapshot has caught up.
same() {
    rm -f "$TMP/fresh.db" "$TMP/fresh.db.snapshot"
    sqlite3 "$EMBUDO_DB" ".backup '$TMP/fresh.db'"
    before=$(m embudo_snapshot_catch_ups_total)
    codes=$(answers)
    if [ "$(m embudo_snapshot_catch_ups_total)" = "$before" ]; then
        generation=$(sqlite3 "$EMBUDO_DB" "SELECT generation FROM organisation")
        i=0
        until [ "$(m embudo_snapshot_generation)" = "$generation" ] || [ $i -ge 600 ]; do sleep 0.1; i=$((i + 1)); done
        codes=$(answers)
    fi
    bad=""
    for by in rep source stage none; do
        metrics=$METRICS
        [ "$by" = stage ] && metrics=$BY_STAGE
        [ "$by" = none ] && metrics=$TOTALS
        $E --db "$TMP/fresh.db" kpi "$metrics" --period all --as-of "$AS_OF" $( [ "$by" = none ] || echo "--by $by") \
            --format json >"$TMP/cli.json" 2>"$TMP/cli.err"
        [ -s "$TMP/cli.json" ] && cmp -s "$TMP/server-$by.json" "$TMP/cli.json" || bad="$bad $by"
    done
    [ "$(echo $codes)" = "200 200 200 200" ] || bad="$bad (statuses $(echo $codes))"
    [ -z "$bad" ] || echo "# differs by:$bad"
    [ -z "$bad" ]
    check "$1: every answer as a fresh build's"
}

same "before any write"
# The writes, drawn once (seeded): an op, a deal number and a value.
python3 - >"$TMP/ops" <<'PY'
import random
r = random.Random(11)
stages = ["Qualification", "Proposal", "Negotiation", "Won", "Lost", "Prospecting"]
for i in range(16):
    op = r.choice(["amount", "stage", "stage", "owner", "close", "new", "cli"])
    print(op, r.randint(1, 400), r.randint(1000, 900000), r.choice(stages), r.randint(1, 28))
PY
REPS=$(sqlite3 "$EMBUDO_DB" "SELECT group_concat(id, ' ') FROM users WHERE role = 'rep' LIMIT 5")
n=0
while read -r op deal value stage day; do
    n=$((n + 1))
    case $op in
    amount) body="{\"amount\": $value}" ;;
    stage) body="{\"stage\": \"$stage\"}" ;;
    owner) body="{\"owner\": \"#$(echo "$REPS" | cut -d' ' -f$((value % 5 + 1)))\"}" ;;
    close) body="{\"expected_close\": \"2027-03-$(printf %02d "$day")\"}" ;;
    esac
    case $op in
    new)
        account=$(sqlite3 "$EMBUDO_DB" "SELECT account_id FROM deals WHERE id = $deal")
        curl -s -o /dev/null -X POST -H "$AUTH" -H 'Content-Type: application/json' \
            -d "{\"title\": \"New $n\", \"account\": \"#$account\", \"stage\": \"Proposal\", \"amount\": $value}" \
            "$U/api/v1/deals"
        ;;
    cli) $E deal update "#$deal" --amount "$((value / 100))" >/dev/null ;;
    *) curl -s -o /dev/null -X PATCH -H "$AUTH" -H 'Content-Type: application/json' -d "$body" \
        "$U/api/v1/deals/%23$deal" ;;
    esac
    same "write $n ($op of deal $deal)"
done <"$TMP/ops"

catch_ups=$(m embudo_snapshot_catch_ups_total)
builds=$(m embudo_snapshot_builds_total)
[ "$catch_ups" -ge 10 ]
check "most writes were caught up ($catch_ups catch-ups, $builds builds)"
finish
