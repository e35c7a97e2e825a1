#!/bin/sh
# import_bulk: the fast path of a load into an empty table through the real binary.
# The plain indexes of the table are dropped for the load and rebuilt before the
# commit (store_bulk_indexes_drop): they must be back, complete and usable after an
# import, untouched by a dry run or a refused import, and the deal rules that the
# import remembers per load (stages, first open stage) must give the same history.
# New records are written in multi-row statements (record_batch.h) with SQLite's
# foreign-key checks off and one check of the added rows before the commit: rows
# that update a record still queued must find it. A process that has the file to
# itself writes the load with a rollback journal instead of the WAL (bulk.h): the
# file must be back in WAL mode after, whatever the outcome, and a load killed
# half-way must leave the database as it was.
. "$SRCDIR/tests/integration/lib.sh"
db="$TMP/b.db"
q() { sqlite3 "$db" "$1"; }
export EMBUDO_NOW=2026-01-15T12:00:00Z
"$EMBUDO" --db "$db" init --currency EUR >/dev/null
idx() { q "select name from sqlite_master where type='index' and tbl_name='deals' and sql is not null order by name" | paste -sd';'; }
dump() { sqlite3 "$db" .dump | md5sum; }
before=$(dump)

cat >"$TMP/deals.csv" <<'CSV'
id,title,account,owner,stage,amount,currency,created,closed,expected_close
B1,One,Acme,Ana Ruiz,Won,100.00,EUR,2025-01-10,2025-02-01,
B2,Two,Beta,Ana Ruiz,Prospecting,50,EUR,2025-01-11,,2025-03-01
B3,Three,Acme,Luis Gil,Lost,20,EUR,2025-01-12,2025-01-20,
CSV
sed 's/^B3,Three,Acme,Luis Gil,Lost,20/B3,Three,Acme,Luis Gil,Lost,abc/' "$TMP/deals.csv" >"$TMP/bad.csv"

# A refused import and a dry run leave the database as it was, indexes included.
expect_status 1 "$EMBUDO" --db "$db" import deals "$TMP/bad.csv" --create-missing
grep -qF "row 4, column 'amount'" "$TMP/err"; check "bad amount named with its row"
expect_eq "refused import: database unchanged" "$before" "$(dump)"
expect_eq "refused import: back in WAL mode" "wal" "$(q "pragma journal_mode")"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/deals.csv" --create-missing --dry-run
expect_eq "dry run: database unchanged" "$before" "$(dump)"

expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/deals.csv" --create-missing
expect_eq "indexes rebuilt" "deals_account;deals_created;deals_owner" "$(idx)"
expect_eq "back in WAL mode" "wal" "$(q "pragma journal_mode")"
ls "$TMP" | grep -q -e '-journal$'; [ $? -ne 0 ]; check "no rollback journal left"
expect_eq "integrity" "ok" "$(q "pragma integrity_check")"
expect_eq "foreign keys" "" "$(q "pragma foreign_key_check")"
expect_eq "deals of Ana Ruiz through deals_owner" "B1;B2" \
    "$(q "select ext_id from deals indexed by deals_owner where owner_id = (select id from users where name = 'Ana Ruiz') order by ext_id" | paste -sd';')"
expect_eq "deals of Acme through deals_account" "B1;B3" \
    "$(q "select ext_id from deals indexed by deals_account where account_id = (select id from accounts where name = 'Acme') order by ext_id" | paste -sd';')"
expect_eq "created in 2025-01-11 or later through deals_created" "B2;B3" \
    "$(q "select ext_id from deals indexed by deals_created where created >= 1736553600 order by ext_id" | paste -sd';')"
# Closed deals: created open in the pipeline's first open stage, then closed.
expect_eq "history" "B1|created|Prospecting|open;B1|status|Won|won;B2|created|Prospecting|open;B3|created|Prospecting|open;B3|status|Lost|lost" \
    "$(q "select d.ext_id, h.changed, s.name, h.status from deal_history h join deals d on d.id = h.deal_id
          join stages s on s.id = h.stage_id order by d.ext_id, h.at" | paste -sd';')"

# Into a table that has rows the indexes stay in place, and the result is the same.
cat >"$TMP/more.csv" <<'CSV'
id,title,account,owner,stage,amount,currency,created,closed,expected_close
B4,Four,Beta,Luis Gil,Won,10,EUR,2025-02-01,2025-02-03,
CSV
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/more.csv"
expect_eq "indexes kept" "deals_account;deals_created;deals_owner" "$(idx)"
expect_eq "deals of Luis Gil through deals_owner" "B3;B4" \
    "$(q "select ext_id from deals indexed by deals_owner where owner_id = (select id from users where name = 'Luis Gil') order by ext_id" | paste -sd';')"
expect_eq "integrity after the second import" "ok" "$(q "pragma integrity_check")"

# 150 rows (statements of 64 rows): row 31 names deal 20 by its internal id "#20"
# and row 50 repeats G040 with other values (--last-wins), both while the deal they
# update is still queued.
db="$TMP/g.db"
"$EMBUDO" --db "$db" init --currency EUR >/dev/null
awk 'BEGIN { print "id,title,owner,stage,amount,created,closed"
             for (i = 1; i <= 150; i++) {
                 id = sprintf("G%03d", i); title = "Deal " i; amount = i
                 if (i == 31) { id = "#20"; title = "Twenty again"; amount = 2000 }
                 if (i == 50) { id = "G040"; title = "Forty again"; amount = 1000 }
                 closed = (i % 3 == 0) ? "2025-03-01" : ""
                 print id "," title ",Rep " (i % 4) "," ((i % 3 == 0) ? "Won" : "Proposal") "," amount ",2025-01-10," closed } }' \
    >"$TMP/g.csv"
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/g.csv" --create-missing --last-wins
grep -qF "created 148, updated 1, repeated 1," "$TMP/out"; check "148 created, 1 updated, 1 repeated: $(head -2 "$TMP/out" | tail -1)"
expect_eq "deal 20 renamed by its internal id" "20|G020|Twenty again|200000" \
    "$(q "select id, ext_id, title, amount from deals where id = 20")"
expect_eq "G040 updated by its second row" "Forty again|100000" "$(q "select title, amount from deals where ext_id = 'G040'")"
expect_eq "history of G040: created, then amount and owner" "created|4000;amount,owner|100000" \
    "$(q "select changed, amount from deal_history where deal_id = (select id from deals where ext_id = 'G040') order by id" | paste -sd';')"
expect_eq "every deal has its history" "0" \
    "$(q "select count(*) from deals d where (select count(*) from deal_history h where h.deal_id = d.id) <
          case when d.status = 'open' then 1 else 2 end")"
expect_eq "foreign keys of the batched load" "" "$(q "pragma foreign_key_check")"
expect_eq "owners made on the way" "4" "$(q "select count(*) from users where name like 'Rep %'")"

# With another process holding the file open (an sqlite3 shell that has read it and
# waits on its input), the load stays in WAL mode and the reader is not disturbed.
db="$TMP/h.db"
"$EMBUDO" --db "$db" init --currency EUR >/dev/null
mkfifo "$TMP/reader.in"
sqlite3 "$db" <"$TMP/reader.in" >"$TMP/reader.out" 2>&1 &
reader=$!
exec 3>"$TMP/reader.in"
echo "select count(*) from deals;" >&3
i=0; while [ ! -s "$TMP/reader.out" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/g.csv" --create-missing --last-wins
echo "select count(*) from deals;" >&3
exec 3>&-
wait "$reader"
expect_eq "the reader saw no deals, then all of them" "0;148" "$(paste -sd';' "$TMP/reader.out")"
expect_eq "still in WAL mode" "wal" "$(q "pragma journal_mode")"

# A load killed half-way: the next open finds the database as it was before it
# (whatever the moment of the kill, never part of the rows); the next write puts it
# back in WAL mode (a reader cannot).
db="$TMP/k.db"
"$EMBUDO" --db "$db" init --currency EUR >/dev/null
awk 'BEGIN { print "id,title,owner,stage,amount,created"
             for (i = 1; i <= 200000; i++) print "K" i ",Deal " i ",Rep " (i % 7) ",Proposal," i ",2025-01-10" }'     >"$TMP/k.csv"
"$EMBUDO" --db "$db" import deals "$TMP/k.csv" --create-missing >/dev/null 2>&1 &
loader=$!
# killed once its write has begun (the rollback journal exists), or after 10 s at most
i=0; while [ ! -e "$db-journal" ] && kill -0 "$loader" 2>/dev/null && [ $i -lt 1000 ]; do sleep 0.01; i=$((i + 1)); done
kill -9 "$loader" 2>/dev/null
wait "$loader" 2>/dev/null
expect_status 0 "$EMBUDO" --db "$db" deal list --limit 1
n=$(q "select count(*) from deals")
[ "$n" = 0 ] || [ "$n" = 200000 ]; check "after the kill: none or all of the deals ($n)"
expect_eq "after the kill: integrity" "ok" "$(q "pragma integrity_check")"
if [ "$n" = 0 ]; then
    expect_status 0 "$EMBUDO" --db "$db" import deals "$TMP/k.csv" --create-missing
    expect_eq "imported again after the kill" "200000" "$(q "select count(*) from deals")"
fi
expect_eq "after the next write: WAL mode again" "wal" "$(q "pragma journal_mode")"
ls "$TMP" | grep -q -e '-journal$'; [ $? -ne 0 ]; check "after the next write: no rollback journal left"

# A process stopped in the middle of a commit in rollback-journal mode leaves a
# hot journal: the file holds part of the new pages and the journal the old ones.
# Made here by copying both while an sqlite3 shell holds such a write half done
# (its small cache has spilled changed pages to the file). Even a read-only
# command (deal list) plays the journal back and sees the database as before.
db="$TMP/g.db"
mkfifo "$TMP/writer.in"
sqlite3 "$db" <"$TMP/writer.in" >"$TMP/writer.out" 2>&1 &
writer=$!
exec 3>"$TMP/writer.in"
cat >&3 <<'SQL'
PRAGMA journal_mode = DELETE;
PRAGMA cache_size = 5;
PRAGMA synchronous = FULL;
BEGIN;
UPDATE deals SET title = 'changed';
CREATE TABLE filler (x);
INSERT INTO filler SELECT randomblob(1000) FROM generate_series(1, 2000);
SELECT 'ready';
SQL
i=0; while ! grep -q ready "$TMP/writer.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
cp "$db" "$TMP/hot.db"; cp "$db-journal" "$TMP/hot.db-journal"
exec 3>&-
wait "$writer"
grep -q changed "$TMP/hot.db"; check "the copied file holds changed pages"
db="$TMP/hot.db"
expect_status 0 "$EMBUDO" --db "$db" deal list --format csv
grep -q changed "$TMP/out"; [ $? -ne 0 ]; check "a reader sees the deals as before the half-done write"
expect_eq "the half-done write is undone" "0|0" \
    "$(q "select count(*) from deals where title = 'changed'; select count(*) from sqlite_master where name = 'filler'" | paste -sd'|')"
[ ! -e "$db-journal" ]; check "the hot journal was played back and removed"
finish
