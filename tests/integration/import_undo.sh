#!/bin/sh
# import_undo: the import log and its undo through the real binary
# (store/import_log.h). Every import that writes is recorded (file, size, BLAKE2b
# hash, options, counts, time); `import undo` deletes what an import created and
# restores what it changed, appends deal history for the deals it restores (the
# history of the deals it deletes moves with them to deal_history_archive), refuses
# when later changes
# touched the same records or an undone import, and leaves all or nothing when
# killed. A re-import of unchanged rows writes nothing at all.
. "$SRCDIR/tests/integration/lib.sh"
db="$TMP/u.db"
q() { sqlite3 "$db" "$1"; }
E() { "$EMBUDO" --db "$db" "$@"; }
export EMBUDO_NOW=2026-01-15T12:00:00Z
E init --currency EUR >/dev/null
deals() { q "select d.ext_id, d.title, a.name, u.name, s.name, d.status, coalesce(d.amount, ''), coalesce(d.closed, '')
             from deals d left join accounts a on a.id = d.account_id left join users u on u.id = d.owner_id
             join stages s on s.id = d.stage_id order by d.ext_id" | paste -sd';'; }
history() { q "select d.ext_id, h.at, h.changed, s.name, h.status, coalesce(h.amount, '')
               from deal_history h join deals d on d.id = h.deal_id join stages s on s.id = h.stage_id
               order by h.id" | paste -sd';'; }

cat >"$TMP/deals.csv" <<'CSV'
id,title,account,owner,stage,amount,created,closed
U1,One,Acme,Ana Ruiz,Proposal,100.00,2025-01-10,
U2,Two,Beta,Ana Ruiz,Won,50,2025-01-11,2025-02-01
U3,Three,Acme,Luis Gil,Prospecting,20,2025-01-12,
CSV

# ---- a first import is recorded ---------------------------------------------------
expect_status 0 E import deals "$TMP/deals.csv" --create-missing
grep -qF "recorded as import 1" "$TMP/out"; check "summary names the import"
expect_eq "logged imports" "1|deals|$TMP/deals.csv|3|3|0|0|0|[\"--create-missing\"]|{\"users\":2,\"accounts\":2}" \
    "$(q "select id, kind, file, rows, created, updated, unchanged, rejected, options, refs from imports")"
expect_eq "hash: BLAKE2b-256 of the file" "$(b2sum -l 256 "$TMP/deals.csv" | cut -d' ' -f1)" "$(q "select hash from imports")"
expect_eq "size" "$(wc -c <"$TMP/deals.csv" | tr -d ' ')" "$(q "select size from imports")"
expect_eq "when" "1768478400" "$(q "select at from imports")"
expect_eq "created ranges (user 1 is the owner init made)" "accounts|0|2;deals|0|3;users|1|3" \
    "$(q "select tbl, above, last from import_created order by tbl" | paste -sd';')"
expect_eq "nothing saved as changed by a first import" "0" "$(q "select count(*) from import_changed")"
first_deals=$(deals)
first_history=$(history)

# ---- an unchanged re-import writes nothing -----------------------------------------
sums() { cat "$db" "$db-wal" 2>/dev/null | md5sum; }
before=$(sums)
gen=$(q "select generation from organisation")
expect_status 0 E import deals "$TMP/deals.csv" --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["unchanged"]==3 and d["created"]==0 and d["updated"]==0 and d["committed"] is False and d["import"]==0))' "$TMP/out"
check "json summary: 3 unchanged, nothing committed"
expect_status 0 E import deals "$TMP/deals.csv"
grep -qF "created 0, updated 0, repeated 0, rejected 0, unchanged 3" "$TMP/out"; check "table summary: unchanged 3"
grep -qF "nothing changed: nothing was written" "$TMP/out"; check "table summary: nothing written"
expect_eq "database files byte for byte" "$before" "$(sums)"
expect_eq "generation unchanged" "$gen" "$(q "select generation from organisation")"
expect_eq "still one import logged" "1" "$(q "select count(*) from imports")"
expect_eq "history unchanged" "$first_history" "$(history)"
expect_eq "one audit row, beside the owner's creation" "1" "$(q "select count(*) from audit_log where kind <> 'users'")"
# A dry run and a refused import are not recorded.
expect_status 0 E import deals "$TMP/deals.csv" --dry-run --set amount=1
sed 's/^U3,Three,Acme,Luis Gil,Prospecting,20/U3,Three,Acme,Luis Gil,Prospecting,abc/' "$TMP/deals.csv" >"$TMP/bad.csv"
expect_status 1 E import deals "$TMP/bad.csv"
expect_eq "dry and refused imports leave no log" "1" "$(q "select count(*) from imports")"

# ---- a second import changes, creates and references -------------------------------
export EMBUDO_NOW=2026-02-01T09:00:00Z
cat >"$TMP/second.csv" <<'CSV'
id,title,account,owner,stage,amount,created,closed
U1,One,Acme,Ana Ruiz,Won,150.00,2025-01-10,2025-03-01
U2,Two,Beta,Ana Ruiz,Won,50,2025-01-11,2025-02-01
U4,Four,Gamma,Eva Sanz,Negotiation,70,2025-02-01,
CSV
expect_status 0 E import deals "$TMP/second.csv" --create-missing
grep -qF "created 1, updated 1, repeated 0, rejected 0, unchanged 1" "$TMP/out"; check "second: 1 created, 1 updated, 1 unchanged"
expect_eq "second: U1 saved as it was" '{"id":1,"ext_id":"U1","title":"One","stage_id":3,"status":"open","amount":10000,"closed":null}' \
    "$(q "select json_object('id', json_extract(before, '$.id'), 'ext_id', json_extract(before, '$.ext_id'),
              'title', json_extract(before, '$.title'), 'stage_id', json_extract(before, '$.stage_id'),
              'status', json_extract(before, '$.status'), 'amount', json_extract(before, '$.amount'),
              'closed', json_extract(before, '$.closed')) from import_changed where import_id = 2")"
expect_eq "second: only U1 saved" "deals|1" "$(q "select tbl, record_id from import_changed where import_id = 2")"
expect_eq "second: ranges" "accounts|2|3;deals|3|4;users|3|4" \
    "$(q "select tbl, above, last from import_created where import_id = 2 order by tbl" | paste -sd';')"
second_history=$(history)
# The history rows of the deals the second import created (its range of deals),
# every column, to find again in deal_history_archive after the undo.
created_history=$(q "select h.* from deal_history h join import_created c on c.import_id = 2 and c.tbl = 'deals'
                      and h.deal_id > c.above and h.deal_id <= c.last order by h.id" | paste -sd';')

export EMBUDO_NOW=2026-02-02T10:00:00Z
expect_status 0 E import undo
expect_eq "undo says what it did" "undid import 2: deleted 3 records it created, restored 1 it changed|the history of the deals it deleted (deals: 1, rows: 1) is kept in the table deal_history_archive (see docs/import.md)" "$(paste -sd'|' "$TMP/out")"
expect_eq "deals back as after the first import" "$first_deals" "$(deals)"
expect_eq "accounts: Gamma gone" "Acme;Beta" "$(q "select name from accounts order by id" | paste -sd';')"
expect_eq "users: Eva Sanz gone" "Ana Ruiz;Luis Gil" "$(q "select name from users where role <> 'admin' order by id" | paste -sd';')"
# History: nothing of U1's is deleted; the undo appends U1's way back, dated at the
# undo; U4's history went with U4.
expect_eq "history: the second import's rows kept, the undo's appended" \
    "$(printf '%s' "$second_history" | tr ';' '\n' | grep -v '^U4|' | paste -sd';');U1|1770026400|stage,status,amount|Proposal|open|10000" \
    "$(history)"
expect_eq "no history of a deleted deal" "0" "$(q "select count(*) from deal_history where deal_id not in (select id from deals)")"
# ... but nothing is deleted from the history: U4's rows, and only they, are in
# deal_history_archive, every column as it was, with the undo's audit row (by the
# owner who undid, dated at the undo), which imports.undo_audit_id names too.
expect_eq "the created deal's history rows, one" "1" "$(printf '%s' "$created_history" | tr ';' '\n' | grep -c .)"
expect_eq "the archive holds exactly the created deals' history rows" "$created_history" \
    "$(q "select id, deal_id, at, author_id, changed, stage_id, status, amount, currency, owner_id, expected_close
          from deal_history_archive order by id" | paste -sd';')"
expect_eq "archived by the undo's audit row" "undo|deals|1770026400|1|2|1" \
    "$(q "select a.action, a.kind, a.at, a.user_id, json_extract(a.detail, '\$.import'), count(*)
          from deal_history_archive h join audit_log a on a.id = h.undo_audit_id
          join imports i on i.undo_audit_id = a.id and i.id = 2 group by a.id")"
expect_eq "no audit row per deleted deal any more" "1" "$(q "select count(*) from audit_log where action = 'undo'")"
q "update deal_history_archive set amount = 1" 2>&1 | grep -q "deal history is append-only"
check "the archive is append-only"
expect_eq "import list says where the history went" \
    "import 2: its undo moved the history rows (1) of the deals it deleted to the table deal_history_archive (see docs/import.md)" \
    "$(E import list 2>&1 >/dev/null)"
expect_eq "import list json: history_archived" "0 1" \
    "$(E import list --format json | python3 -c "import json,sys; print(' '.join(str(r['history_archived']) for r in json.load(sys.stdin)))")"
expect_eq "integrity" "ok" "$(q "pragma integrity_check")"
expect_eq "foreign keys" "" "$(q "pragma foreign_key_check")"
expect_eq "import 2 undone at" "2|1770026400" "$(q "select id, undone_at from imports where undone_at is not null")"
expect_eq "undo audited" "undo|{\"import\":2,\"deleted\":3,\"restored\":1,\"history\":1,\"history_saved\":1,\"history_archived\":1}" \
    "$(q "select action, detail from audit_log order by id desc limit 1")"

# ---- undo of an undone import, unknown ids ------------------------------------------
expect_status 1 E import undo 2
grep -qF "import 2 was undone already; to bring its records back, import its file again" "$TMP/err"
check "undo of an undone import refused"
expect_stderr_contains "la importación 2 ya se deshizo; para recuperar sus registros, importe de nuevo su fichero" \
    E --lang es import undo 2
expect_status 1 E import undo 9
grep -qF "there is no import 9" "$TMP/err"; check "unknown import named"
expect_status 2 E import undo abc
expect_status 2 E import undo 1 2
# The import list, in its three formats.
expect_status 0 E import list --format csv
expect_eq "csv header" "id,at,by,kind,file,rows,created,updated,unchanged,rejected,undone,hash,size,options,created_references,history_archived" \
    "$(head -1 "$TMP/out" | tr -d '\r')"
expect_eq "csv rows" "2" "$(tail -n +2 "$TMP/out" | wc -l | tr -d ' ')"
expect_status 0 E import list --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not ([r["id"] for r in d]==[1,2] and d[1]["undone"]=="2026-02-02T10:00:00+00:00" and d[0]["undone"] is None and d[1]["updated"]==1))' "$TMP/out"
check "json list"
expect_status 0 E import list
expect_eq "table list: one line per import" "4" "$(wc -l <"$TMP/out" | tr -d ' ')"
# Importing the file again redoes it.
expect_status 0 E import deals "$TMP/second.csv" --create-missing
grep -qF "recorded as import 3" "$TMP/out"; check "re-import after undo is import 3"

# ---- later changes forbid an undo ------------------------------------------------------
# Import 4 changes U1 again: import 3 cannot be undone before it.
export EMBUDO_NOW=2026-02-03T10:00:00Z
sed 's/^U1,One,Acme,Ana Ruiz,Won,150.00/U1,One,Acme,Ana Ruiz,Won,175.00/' "$TMP/second.csv" >"$TMP/third.csv"
expect_status 0 E import deals "$TMP/third.csv"
snap=$(sqlite3 "$db" .dump | md5sum)
expect_status 1 E import undo 3
grep -qF "cannot undo import 3: import 4 changed deal #1 after it; undo import 4 first" "$TMP/err"
check "later import named: $(cat "$TMP/err")"
expect_stderr_contains "no se puede deshacer la importación 3: la importación 4 cambió oportunidad #1 después; deshaga primero la importación 4" \
    E --lang es import undo 3
expect_eq "refused undo wrote nothing" "$snap" "$(sqlite3 "$db" .dump | md5sum)"
expect_status 0 E import undo
expect_eq "latest undone first: U1 at 150" "15000" "$(q "select amount from deals where ext_id = 'U1'")"
# An edit through the CLI of a record import 3 created.
E deal update U4 --amount 80 >/dev/null
expect_status 1 E import undo 3
u4=$(q "select id from deals where ext_id = 'U4'")
grep -qF "cannot undo import 3: deal #$u4 was edited after it; undoing would lose that change" "$TMP/err"
check "later edit named: $(cat "$TMP/err")"
# A record added later that refers to an account an import created.
db2="$TMP/r.db"
"$EMBUDO" --db "$db2" init --currency EUR >/dev/null
"$EMBUDO" --db "$db2" import deals "$TMP/deals.csv" --create-missing >/dev/null
printf 'id,type,subject,account\nX1,call,Hello,Acme\n' >"$TMP/acts.csv"
"$EMBUDO" --db "$db2" import activities "$TMP/acts.csv" >/dev/null
expect_status 1 "$EMBUDO" --db "$db2" import undo 1
grep -qF "cannot undo import 1: activity #1, added or changed after it, refers to account #1, which it created" "$TMP/err"
check "later reference named: $(cat "$TMP/err")"
expect_status 0 "$EMBUDO" --db "$db2" import undo
expect_status 0 "$EMBUDO" --db "$db2" import undo
expect_eq "both undone: empty again (but for the owner)" "0|0|1|0|0" \
    "$(sqlite3 "$db2" "select (select count(*) from deals), (select count(*) from accounts), (select count(*) from users),
                          (select count(*) from activities), (select count(*) from deal_history)")"

# ---- records of other kinds, and a deal's product ---------------------------------------
db4="$TMP/a.db"
"$EMBUDO" --db "$db4" init --currency EUR >/dev/null
printf 'id,name,segment,city\nA1,Acme,SMB,Madrid\nA2,Beta,Enterprise,Lima\n' >"$TMP/acc.csv"
printf 'id,name,segment,city\nA1,Acme,Enterprise,Madrid\nA2,Beta,Enterprise,\nA3,Gamma,SMB,Quito\n' >"$TMP/acc2.csv"
printf 'id,title,account,stage,amount,created,product\nP1,Kit,A1,Proposal,10,2025-01-10,Widget\n' >"$TMP/pd.csv"
printf 'id,title,account,stage,amount,created,product\nP1,Kit,A1,Proposal,12,2025-01-10,Widget\n' >"$TMP/pd2.csv"
"$EMBUDO" --db "$db4" import accounts "$TMP/acc.csv" >/dev/null
"$EMBUDO" --db "$db4" import deals "$TMP/pd.csv" --create-missing >/dev/null
acc() { sqlite3 "$db4" "select ext_id, name, segment, coalesce(city, '') from accounts order by id" | paste -sd';'; }
prod() { sqlite3 "$db4" "select d.ext_id, d.amount, p.name, dp.unit_price from deal_products dp join deals d on d.id = dp.deal_id
                         join products p on p.id = dp.product_id order by dp.id" | paste -sd';'; }
expect_eq "accounts before" "A1|Acme|SMB|Madrid;A2|Beta|Enterprise|Lima" "$(acc)"
expect_eq "product link before" "P1|1000|Widget|1000" "$(prod)"
expect_status 0 "$EMBUDO" --db "$db4" import accounts "$TMP/acc2.csv"
grep -qF "created 1, updated 1, repeated 0, rejected 0, unchanged 1" "$TMP/out"; check "accounts: an empty cell changes nothing"
expect_status 0 "$EMBUDO" --db "$db4" import deals "$TMP/pd2.csv"
expect_eq "product link changed" "P1|1200|Widget|1200" "$(prod)"
expect_eq "deal and its product link saved" "deal_products|1;deals|1" \
    "$(sqlite3 "$db4" "select tbl, record_id from import_changed where import_id = 4 order by tbl" | paste -sd';')"
# An import that points a stored deal to an account it creates: the undo takes the
# reference back before deleting the account.
printf 'id,title,account,stage,amount,created\nP1,Kit,Zeta,Proposal,12,2025-01-10\n' >"$TMP/pd3.csv"
expect_status 0 "$EMBUDO" --db "$db4" import deals "$TMP/pd3.csv" --create-missing
expect_eq "P1 moved to Zeta" "Zeta" "$(sqlite3 "$db4" "select a.name from deals d join accounts a on a.id = d.account_id")"
expect_status 0 "$EMBUDO" --db "$db4" import undo
expect_eq "P1 back at Acme, Zeta gone" "Acme|3" \
    "$(sqlite3 "$db4" "select a.name, (select count(*) from accounts) from deals d join accounts a on a.id = d.account_id")"
expect_status 0 "$EMBUDO" --db "$db4" import undo
expect_eq "product link restored" "P1|1000|Widget|1000" "$(prod)"
expect_status 0 "$EMBUDO" --db "$db4" import undo
expect_eq "accounts restored, Gamma gone" "A1|Acme|SMB|Madrid;A2|Beta|Enterprise|Lima" "$(acc)"
expect_status 0 "$EMBUDO" --db "$db4" import undo
expect_eq "deal and the product --create-missing made gone" "0|0|0|0" \
    "$(sqlite3 "$db4" "select (select count(*) from deals), (select count(*) from products), (select count(*) from deal_products),
                           (select count(*) from deal_history)")"
expect_eq "the first accounts stay" "2" "$(sqlite3 "$db4" "select count(*) from accounts")"

# ---- a killed undo leaves all or nothing ---------------------------------------------------
db3="$TMP/k.db"
awk 'BEGIN { print "id,title,account,owner,stage,amount,created,closed"
             for (i = 1; i <= 20000; i++)
                 print "K" i ",Deal " i ",Acct " (i % 500) ",Rep " (i % 20) "," ((i % 3) ? "Proposal" : "Won") "," i ",2025-01-10," ((i % 3) ? "" : "2025-03-01") }' \
    >"$TMP/k.csv"
for delay in 0.05 0.15 0.3; do
    rm -f "$db3" "$db3-wal" "$db3-shm" "$db3-journal"
    "$EMBUDO" --db "$db3" init --currency EUR >/dev/null
    "$EMBUDO" --db "$db3" import deals "$TMP/k.csv" --create-missing >/dev/null
    sed 's/,Proposal,/,Negotiation,/' "$TMP/k.csv" | head -5001 >"$TMP/k2.csv"
    "$EMBUDO" --db "$db3" import deals "$TMP/k2.csv" >/dev/null
    "$EMBUDO" --db "$db3" import undo 2 >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    state=$(sqlite3 "$db3" "select (select count(*) from deals d join stages s on s.id = d.stage_id where s.name = 'Negotiation'),
                                   coalesce((select undone_at from imports where id = 2), 'in effect'),
                                   (select count(*) from deal_history)")
    case "$state" in
        "3334|in effect|30000") ok "killed undo after ${delay}s: nothing done" ;;
        "0|1770112800|33334") ok "killed undo after ${delay}s: all done" ;;
        *) not_ok "killed undo after ${delay}s: half done? $state" ;;
    esac
    expect_eq "integrity after kill at ${delay}s" "ok" "$(sqlite3 "$db3" "pragma integrity_check")"
done

finish
