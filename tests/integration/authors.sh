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
$E init --currency EUR --timezone Europe/Madrid --owner ana@x.com --owner-name Ana >/dev/null
$E user add --name Ben --email ben@x.com >/dev/null
check "fixture created"
expect_eq "init made the owner: an admin, its creation audited by itself" "1|Ana|ana@x.com|admin|insert|1" \
    "$(q "SELECT u.id, u.name, u.email, u.role, a.action, a.user_id FROM users u JOIN audit_log a ON a.kind = 'users' AND a.record_id = u.id WHERE u.id = 1")"
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
expect_eq "the undo's audit row (D2's history archived under it) names Ana" "deals:Ana" \
    "$(q "SELECT a.kind || ':' || u.name FROM audit_log a JOIN users u ON u.id = a.user_id WHERE a.action = 'undo' ORDER BY a.id" | paste -sd'|')"
# No history or audit row is without an author, the owner's own creation included.
expect_eq "no blank author" "0 0" \
    "$(q "SELECT (SELECT count(*) FROM deal_history WHERE author_id IS NULL) || ' ' || (SELECT count(*) FROM audit_log WHERE user_id IS NULL)")"

# init then an import that creates what it needs: every history and audit row
# names the owner init made.
export EMBUDO_DB="$TMP/b.db"
$E init --currency EUR --owner boss@x.com --owner-name "Boss Person" >"$TMP/out"
check "init --owner"
grep -qF "owner: Boss Person <boss@x.com>, an admin user and the author of changes made without --as; change it with \`embudo user update #1 --name NAME --email EMAIL\`" "$TMP/out"
check "init says whom it made owner and how to change it"
printf 'title,stage,amount,created,closed,owner,account\nD1,Proposal,50,2026-03-02,,Zoe,Acme\nD2,Won,70,2026-03-01,2026-03-20,Zoe,Acme\n' >"$TMP/c.csv"
$E import deals "$TMP/c.csv" --create-missing >/dev/null
check "import --create-missing after init"
expect_eq "history rows: 3, each by the owner" "3|3" \
    "$(q "SELECT count(*), sum(author_id = (SELECT id FROM users WHERE email = 'boss@x.com')) FROM deal_history")"
expect_eq "audit rows: the owner's creation and the import, each by the owner" "users:1|deals:1" \
    "$(q "SELECT kind || ':' || user_id FROM audit_log ORDER BY id" | paste -sd'|')"
# --owner is checked before anything is created.
expect_status 2 $E --db "$TMP/n.db" init --owner not-an-email
expect_stderr_contains "--owner 'not-an-email' is not an email address; give one such as ana@example.com" \
    $E --db "$TMP/n.db" init --owner not-an-email
expect_stderr_contains "--owner 'a b@x.com' is not an email address" $E --db "$TMP/n.db" init --owner 'a b@x.com'
expect_stderr_contains "--owner-name is empty" $E --db "$TMP/n.db" init --owner-name ' '
[ ! -e "$TMP/n.db" ]; check "nothing created by a refused --owner"
# An existing database with users keeps its owner: --owner is refused, nothing changes.
expect_status 2 $E init --owner new@x.com
expect_stderr_contains "already has users, so its owner is its first admin" $E init --owner new@x.com
expect_eq "still one owner" "1" "$(q "SELECT count(*) FROM users WHERE role = 'admin'")"
# Without --owner: $EMBUDO_USER when it is an email, else LOGIN@localhost of the login.
EMBUDO_USER=eva@x.com $E --db "$TMP/e.db" init >/dev/null
expect_eq "owner from EMBUDO_USER" "eva@x.com|admin" "$(sqlite3 "$TMP/e.db" "SELECT email, role FROM users")"
login=$(id -un)
EMBUDO_USER=notmail $E --db "$TMP/l.db" init >/dev/null
expect_eq "owner from the login" "$login@localhost|admin" "$(sqlite3 "$TMP/l.db" "SELECT email, role FROM users")"
# The demo's owner is its first admin and its load is audited by it.
$E --db "$TMP/demo.db" demo --deals 30 >/dev/null
expect_eq "demo: the owner (first admin) authors the load's audit row" "1|admin|import" \
    "$(sqlite3 "$TMP/demo.db" "SELECT a.user_id, u.role, a.action FROM audit_log a JOIN users u ON u.id = a.user_id")"
expect_eq "demo: no history row without an author" "0" \
    "$(sqlite3 "$TMP/demo.db" "SELECT count(*) FROM deal_history WHERE author_id IS NULL")"
# The author of a change cannot delete itself (its audit row would name no one);
# another admin can, and the audit row names that admin.
export EMBUDO_DB="$TMP/del.db"
$E init --currency EUR --owner root@localhost >/dev/null
$E user add --name Bea --email bea@x.com --role admin >/dev/null
expect_status 1 $E user delete root@localhost --yes
grep -qF "user #1 makes this change (the organisation's owner, or --as) and cannot delete itself; act as another admin with --as EMAIL, or deactivate it with \`embudo user update #1 --active false\`" "$TMP/err"
check "deleting the owner acting as the owner is refused, saying what to do"
expect_eq "nothing deleted" "2" "$(q "SELECT count(*) FROM users")"
$E user delete root@localhost --yes --as bea@x.com >/dev/null 2>&1
check "another admin deletes it"
expect_eq "the delete's audit row names Bea" "delete|users|1|2" \
    "$(q "SELECT action, kind, record_id, user_id FROM audit_log WHERE action = 'delete'")"
finish
