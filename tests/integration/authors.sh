#!/bin/sh
# authors: writes from the CLI record their author (deal history and audit log):
# --as EMAIL (global or after the command), else $EMBUDO_USER, else the
# organisation's owner (its first admin, else its first user); an unknown email is
# refused, naming it and where it came from, and nothing is written.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/a.db" EMBUDO_NOW=2026-04-15T12:00:00Z
unset EMBUDO_USER
E="$EMBUDO"
q() { sqlite3 "$EMBUDO_DB" "$1"; }
$E init --currency EUR --timezone Europe/Madrid >/dev/null
$E user add --name Ben --email ben@x.com >/dev/null
$E user add --name Ana --email ana@x.com --role admin >/dev/null
check "fixture created"
# The first admin is the owner, although Ben was added first.
$E deal add --title D1 --stage Proposal --amount 100 --created 2026-03-01 >/dev/null
EMBUDO_USER=ben@x.com $E deal update D1 --amount 200 >/dev/null
$E deal update D1 --amount 300 --as ana@x.com >/dev/null
EMBUDO_USER=ana@x.com $E --as ben@x.com deal update D1 --stage Won --closed 2026-04-01 >/dev/null
expect_eq "history authors: owner, EMBUDO_USER, --as after, --as before (over EMBUDO_USER)" \
    "100.00 Ana|200.00 Ben|300.00 Ana|300.00 Ben" \
    "$(q "SELECT printf('%.2f', h.amount / 100.0) || ' ' || u.name FROM deal_history h JOIN users u ON u.id = h.author_id ORDER BY h.id" | paste -sd'|')"
expect_status 2 $E deal update D1 --amount 1 --as zoe@x.com
expect_stderr_contains "no user has the email 'zoe@x.com' given by --as" $E deal update D1 --amount 1 --as zoe@x.com
EMBUDO_USER=zoe@x.com expect_stderr_contains "no user has the email 'zoe@x.com' given by EMBUDO_USER" \
    $E deal add --title D9 --stage Proposal --created 2026-03-01
expect_stderr_contains "no user has the email 'zoe@x.com' given by --as" $E --as zoe@x.com deal delete D1 --yes
expect_eq "nothing written by the refused commands" "300.00 4 1" \
    "$(q "SELECT printf('%.2f', amount / 100.0) || ' ' || (SELECT count(*) FROM deal_history) || ' ' || (SELECT count(*) FROM deals) FROM deals")"
printf 'title,stage,amount,created\nD2,Proposal,50,2026-03-02\n' >"$TMP/d.csv"
$E import deals "$TMP/d.csv" --as ben@x.com >/dev/null
check "import --as"
expect_eq "the import's history and audit rows name Ben" "Ben|Ben" \
    "$(q "SELECT u.name FROM deal_history h JOIN deals d ON d.id = h.deal_id JOIN users u ON u.id = h.author_id WHERE d.title = 'D2'
          UNION ALL SELECT u.name FROM audit_log a JOIN users u ON u.id = a.user_id WHERE a.action = 'import'" | paste -sd'|')"
expect_stderr_contains "no user has the email 'zoe@x.com' given by --as" $E import deals "$TMP/d.csv" --as zoe@x.com
$E import undo --as ana@x.com >/dev/null
check "import undo --as"
expect_eq "the undo's audit row names Ana" "Ana" \
    "$(q "SELECT u.name FROM audit_log a JOIN users u ON u.id = a.user_id WHERE a.action = 'undo'")"
# Once the organisation has a user, no history or audit row is without an author
# (only Ben's own creation, when there was nobody yet, has none).
expect_eq "no blank author" "0 1" \
    "$(q "SELECT (SELECT count(*) FROM deal_history WHERE author_id IS NULL) || ' ' || (SELECT count(*) FROM audit_log WHERE user_id IS NULL)")"
finish
