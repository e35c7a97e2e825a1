#!/bin/sh
# demo: `embudo demo` through the real binary: counts, determinism (same options,
# same logical database), refusing to overwrite data without --force, bad options,
# a normal WAL database afterwards, and make run's scripts/run-demo: logins of
# every role, the server started and checked, the tour's commands running.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_NOW=2026-03-15T12:00:00Z
NOW=1773576000

q() { sqlite3 "$1" "$2"; }
# The logical content: .dump, without the database's random instance id (each
# database file has its own, by design; see migration 0002).
digest() {
    cp "$1" "$TMP/digest.db"
    sqlite3 "$TMP/digest.db" "UPDATE organisation SET instance = ''" && sqlite3 "$TMP/digest.db" .dump | sha256sum | cut -d' ' -f1
    rm -f "$TMP/digest.db"
}

expect_output_contains "--activities-per-deal" "$EMBUDO" demo --help

# The default company: 2,000 deals, 20 active reps in 4 teams, 500 accounts.
expect_output_contains "created $TMP/default.db" "$EMBUDO" --db "$TMP/default.db" demo
expect_eq "deals" 2000 "$(q "$TMP/default.db" "SELECT count(*) FROM deals")"
expect_eq "active reps" 20 "$(q "$TMP/default.db" "SELECT count(*) FROM users WHERE role = 'rep' AND active = 1")"
expect_eq "teams with a manager" 4 "$(q "$TMP/default.db" "SELECT count(*) FROM teams t JOIN users u ON u.id = t.manager_id AND u.role = 'manager'")"
expect_eq "accounts" 500 "$(q "$TMP/default.db" "SELECT count(*) FROM accounts")"
expect_eq "organisation" "Solano Tecnología S.L.|EUR|Europe/Madrid" "$(q "$TMP/default.db" "SELECT name, currency, timezone FROM organisation")"
expect_eq "journal mode" wal "$(q "$TMP/default.db" "PRAGMA journal_mode")"
expect_eq "integrity" ok "$(q "$TMP/default.db" "PRAGMA integrity_check")"
expect_eq "foreign keys" "" "$(q "$TMP/default.db" "PRAGMA foreign_key_check")"
expect_eq "nothing after now" 0 "$(q "$TMP/default.db" "SELECT (SELECT count(*) FROM deal_history WHERE at > $NOW) + (SELECT count(*) FROM activities WHERE created > $NOW) + (SELECT count(*) FROM leads WHERE created > $NOW)")"
expect_eq "every deal's last history row is the deal" 0 "$(q "$TMP/default.db" "SELECT count(*) FROM deals d JOIN deal_history h ON h.id = (SELECT max(id) FROM deal_history WHERE deal_id = d.id) WHERE h.stage_id != d.stage_id OR h.amount IS NOT d.amount OR h.owner_id IS NOT d.owner_id OR h.expected_close IS NOT d.expected_close")"
ls "$TMP" | grep -q -e '\.tmp' -e 'side' -e '-journal'; [ $? -ne 0 ]; check "no temporary files left"

# The JSON summary agrees with the database.
"$EMBUDO" --db "$TMP/json.db" demo --deals 300 --seed 3 --format json > "$TMP/summary.json"
expect_eq "json deals" 300 "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["deals"])' "$TMP/summary.json")"
expect_eq "json activities = rows" "$(q "$TMP/json.db" "SELECT count(*) FROM activities")" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["activities"])' "$TMP/summary.json")"

# Determinism: the same options give the same data; another seed or count does not.
"$EMBUDO" --db "$TMP/a.db" demo --deals 400 --seed 5 >/dev/null
"$EMBUDO" --db "$TMP/b.db" demo --deals 400 --seed 5 >/dev/null
"$EMBUDO" --db "$TMP/c.db" demo --deals 400 --seed 6 >/dev/null
"$EMBUDO" --db "$TMP/d.db" demo --deals 401 --seed 5 >/dev/null
da=$(digest "$TMP/a.db"); db=$(digest "$TMP/b.db"); dc=$(digest "$TMP/c.db"); dd=$(digest "$TMP/d.db")
expect_eq "same seed, same dump" "$da" "$db"
[ "$da" != "$dc" ]; check "another seed, another dump"
[ "$da" != "$dd" ]; check "another count, another dump"
expect_eq "default run is deterministic too" "$(digest "$TMP/default.db")" \
    "$("$EMBUDO" --db "$TMP/default2.db" demo >/dev/null && digest "$TMP/default2.db")"
# --reorders adds repeat orders and changes nothing else: the same deals, history
# and activities (their own random stream), more orders and lines, each a part of
# an earlier won deal's products, after it, priced and checked like any other.
"$EMBUDO" --db "$TMP/r.db" demo --deals 400 --seed 5 --reorders 4 >/dev/null
same() { q "$1" "SELECT count(*), max(id) FROM $2"; }
for t in deals deal_history activities leads; do
    expect_eq "--reorders leaves $t alone" "$(same "$TMP/a.db" $t)" "$(same "$TMP/r.db" $t)"
done
expect_eq "--reorders leaves the deals' amounts alone" "$(q "$TMP/a.db" "SELECT sum(amount) FROM deals")" \
    "$(q "$TMP/r.db" "SELECT sum(amount) FROM deals")"
[ "$(q "$TMP/r.db" "SELECT count(*) FROM order_lines")" -gt "$(q "$TMP/a.db" "SELECT count(*) FROM order_lines")" ]
check "--reorders adds order lines"
expect_eq "repeat orders keep the ledger sound" "ok|" \
    "$(q "$TMP/r.db" "PRAGMA integrity_check")|$(q "$TMP/r.db" "PRAGMA foreign_key_check")"
expect_eq "--reorders is deterministic" "$(digest "$TMP/r.db")" \
    "$("$EMBUDO" --db "$TMP/r2.db" demo --deals 400 --seed 5 --reorders 4 >/dev/null && digest "$TMP/r2.db")"
expect_status 2 "$EMBUDO" --db "$TMP/bad.db" demo --reorders 21
expect_stderr_contains "--reorders '21'" "$EMBUDO" --db "$TMP/bad.db" demo --reorders 21
# EMBUDO_NOW moves the whole history.
EMBUDO_NOW=2025-01-10T09:00:00Z "$EMBUDO" --db "$TMP/early.db" demo --deals 200 >/dev/null
expect_eq "history ends at EMBUDO_NOW" 1 "$(q "$TMP/early.db" "SELECT max(at) <= 1736499600 AND max(at) > 1736499600 - 30 * 86400 FROM deal_history")"

# An existing database with data is refused (and left as it was) unless --force.
expect_status 1 "$EMBUDO" --db "$TMP/a.db" demo --seed 6 --deals 400
expect_stderr_contains "already holds data" "$EMBUDO" --db "$TMP/a.db" demo --seed 6 --deals 400
expect_stderr_contains "--force" "$EMBUDO" --db "$TMP/a.db" demo --seed 6 --deals 400
expect_eq "refused: unchanged" "$da" "$(digest "$TMP/a.db")"
expect_status 0 "$EMBUDO" --db "$TMP/a.db" demo --seed 6 --deals 400 --force
expect_eq "--force: replaced" "$dc" "$(digest "$TMP/a.db")"
# A database made by `init` alone holds no records: it is replaced.
"$EMBUDO" --db "$TMP/init.db" init --name Empty >/dev/null
expect_status 0 "$EMBUDO" --db "$TMP/init.db" demo --deals 50
expect_eq "init-only database filled" 50 "$(q "$TMP/init.db" "SELECT count(*) FROM deals")"
# A file that is not a database: refused with the reason, replaced with --force.
printf 'not a database%.0s' $(seq 1 200) > "$TMP/junk.db"
expect_status 1 "$EMBUDO" --db "$TMP/junk.db" demo --deals 50
expect_stderr_contains "not an embudo database" "$EMBUDO" --db "$TMP/junk.db" demo --deals 50
expect_status 0 "$EMBUDO" --db "$TMP/junk.db" demo --deals 50 --force
mkdir "$TMP/dir.db"
expect_status 1 "$EMBUDO" --db "$TMP/dir.db" demo --deals 50

# Bad options: exit 2 and a message naming the value.
expect_status 2 "$EMBUDO" --db "$TMP/x.db" demo --deals 0
expect_stderr_contains "--deals '0'" "$EMBUDO" --db "$TMP/x.db" demo --deals 0
expect_stderr_contains "--deals 'many'" "$EMBUDO" --db "$TMP/x.db" demo --deals many
expect_stderr_contains "--years '11'" "$EMBUDO" --db "$TMP/x.db" demo --years 11
expect_stderr_contains "--seed '-3'" "$EMBUDO" --db "$TMP/x.db" demo --seed -3
expect_stderr_contains "--teams '30'" "$EMBUDO" --db "$TMP/x.db" demo --reps 20 --teams 30
expect_stderr_contains "--activities-per-deal '51'" "$EMBUDO" --db "$TMP/x.db" demo --activities-per-deal 51
expect_status 2 "$EMBUDO" --db "$TMP/x.db" demo --colour blue
expect_status 2 "$EMBUDO" --db "$TMP/x.db" demo extra
[ ! -e "$TMP/x.db" ]; check "no file after a usage error"

# --reps, --teams, --activities-per-deal, --years shape the company.
"$EMBUDO" --db "$TMP/shape.db" demo --deals 500 --reps 7 --teams 2 --activities-per-deal 0 --years 1 >/dev/null
expect_eq "--reps" 7 "$(q "$TMP/shape.db" "SELECT count(*) FROM users WHERE role = 'rep' AND active = 1")"
expect_eq "--teams" 2 "$(q "$TMP/shape.db" "SELECT count(*) FROM teams")"
expect_eq "--activities-per-deal 0" 0 "$(q "$TMP/shape.db" "SELECT count(*) FROM activities WHERE deal_id IS NOT NULL")"
expect_eq "--years 1: deals within about a year" 1 "$(q "$TMP/shape.db" "SELECT min(created) > $NOW - 500 * 86400 FROM deals")"

# make run's script: creates the database once, gives one user of each role a
# login, starts the server (not at a terminal: checks it and stops it), and every
# command of its tour runs.
cd "$TMP" || exit 1
export EMBUDO_LISTEN=127.0.0.1:0
"$SRCDIR/scripts/run-demo" "$EMBUDO" tour.db </dev/null > "$TMP/tour.txt" 2>&1; check "run-demo creates and prints the tour"
grep -q "created tour.db" "$TMP/tour.txt"; check "run-demo made tour.db"
grep -q "^Not at a terminal: the server started at http://127.0.0.1:[0-9]*/, answered, and the rep's login worked; stopped it.$" \
    "$TMP/tour.txt"
check "run-demo started the server, logged in, stopped it"
expect_eq "the logins file: one user per role, readable by its owner alone" "admin manager rep viewer|-rw-------" \
    "$(cut -d' ' -f1 tour.db.logins | paste -sd' ')|$(ls -l tour.db.logins | cut -c1-10)"
expect_eq "the tour prints them" "4" "$(grep -cE '^  (admin|manager|rep|viewer) +[a-z.]+@solanotec.es +[A-Za-z0-9_-]{16}$' "$TMP/tour.txt")"
# The users and roles the logins name (the rep is one of the manager's people).
expect_eq "each login's user has its role" "admin|manager|rep|viewer" \
    "$(while read -r role email pw; do q "$TMP/tour.db" "SELECT role FROM users WHERE email = '$email' AND password_hash IS NOT NULL"; done <tour.db.logins | paste -sd'|')"
expect_eq "the rep reports to the manager" "1" \
    "$(q "$TMP/tour.db" "SELECT count(*) FROM users r JOIN users m ON m.id = r.manager_id WHERE r.email = '$(awk '$1 == "rep" {print $2}' tour.db.logins)' AND m.email = '$(awk '$1 == "manager" {print $2}' tour.db.logins)'")"
# Not the digest: the server's start and the login write sessions and settings.
deals_before=$(q "$TMP/tour.db" "SELECT count(*) || ' ' || sum(amount) FROM deals")
cp tour.db.logins "$TMP/logins.before"
"$SRCDIR/scripts/run-demo" "$EMBUDO" tour.db </dev/null > "$TMP/tour2.txt" 2>&1
grep -q "Using the existing tour.db" "$TMP/tour2.txt"; check "run-demo keeps an existing database"
expect_eq "second run-demo left its records and logins alone" "$deals_before" "$(q "$TMP/tour.db" "SELECT count(*) || ' ' || sum(amount) FROM deals")"
cmp -s tour.db.logins "$TMP/logins.before"; check "and the logins"
grep -q "the rep's login worked" "$TMP/tour2.txt"; check "which still work"
n=0
grep "^    $EMBUDO " "$TMP/tour.txt" | grep -v " demo --deals" > "$TMP/commands.txt"
while read -r line; do
    n=$((n + 1))
    if eval "$line" > "$TMP/cmd.out" 2>&1 && [ -s "$TMP/cmd.out" ]; then ok "tour: ${line#"$EMBUDO "}"
    else not_ok "tour: ${line#"$EMBUDO "}"; head -3 "$TMP/cmd.out" | sed 's/^/#   /'; fi
done < "$TMP/commands.txt"
[ "$n" -ge 12 ]; check "the tour has at least 12 commands ($n)"
finish
