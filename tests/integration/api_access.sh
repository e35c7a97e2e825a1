#!/bin/sh
# api_access: the record routes under each role (store/access.h) on a small
# fixture: the exact records each role lists, and the status of reading, changing
# and deleting another's record (404 when it may not read it, 403 when it may read
# but not change it), writes checked for their owner, kinds a role may not touch
# refused with 403 before anything is read.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/a.db" EMBUDO_NOW=2026-04-15T12:00:00Z
unset EMBUDO_USER
E="$EMBUDO"
. "$SRCDIR/tests/integration/server_lib.sh"
$E init --currency EUR --owner ada@x.com --owner-name Ada >/dev/null
$E user add --name Mia --email mia@x.com --role manager >/dev/null
$E team add --name North --manager mia@x.com >/dev/null
$E team add --name South >/dev/null
$E user add --name Rex --email rex@x.com --role rep --team North >/dev/null
$E user add --name Ron --email ron@x.com --role rep --team South >/dev/null
$E user add --name Val --email val@x.com --role viewer >/dev/null
$E account add --id A1 --name Acme --owner rex@x.com >/dev/null
$E account add --id A2 --name Borealis --owner ron@x.com >/dev/null
$E account add --id A3 --name Cirrus >/dev/null
$E account add --id A4 --name Dorado --owner ron@x.com >/dev/null
d() { $E deal add --id "$1" --title "$1" --stage Proposal --account "$2" --owner "$3" --amount 100 >/dev/null; }
d D1 A1 rex@x.com
d D2 A2 ron@x.com
d D3 A3 mia@x.com
d D4 A4 rex@x.com
d D5 A3 ada@x.com
for u in ada mia rex ron val; do
    eval "T_$u=\$($E token create --user $u@x.com 2>/dev/null)"
done
check "fixture created"
start s1 --access-log ''
U="http://127.0.0.1:$PORT/api/v1"
J="Content-Type: application/json"
# as USER METHOD PATH [CURL ARGS]: the status in $TMP/s, the body in $TMP/b
as() {
    eval "tok=\$T_$1"; m=$2 p=$3; shift 3
    curl -s -o "$TMP/b" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $tok" "$@" "$U$p" >"$TMP/s"
}
ids() { python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(open(sys.argv[1]))["data"]))' "$TMP/b"; }
list() { as "$1" GET "$2"; echo "$(cat "$TMP/s") $(ids 2>/dev/null)"; }
st() { as "$@"; cat "$TMP/s"; }

expect_eq "admin lists every deal" "200 D1 D2 D3 D4 D5" "$(list ada /deals)"
expect_eq "the manager: her own and her team's (Rex's)" "200 D1 D3 D4" "$(list mia /deals)"
expect_eq "rep Rex: his own" "200 D1 D4" "$(list rex /deals)"
expect_eq "rep Ron: his own" "200 D2" "$(list ron /deals)"
expect_eq "the viewer sees no records" "403" "$(list val /deals | cut -d' ' -f1)"
expect_eq "admin lists every account" "200 A1 A2 A3 A4" "$(list ada /accounts)"
expect_eq "rep Rex: his account and the account of his deal" "200 A1 A4" "$(list rex /accounts)"
expect_eq "rep Ron: his accounts" "200 A2 A4" "$(list ron /accounts)"
expect_eq "a filter and the scope together" "200 D4" "$(list rex '/deals?where=account%3DA4')"
expect_eq "a rep reads reference data" "200" "$(st rex GET /users)"
expect_eq "but not expenses" "403 a rep cannot see expenses" \
    "$(st rex GET /expenses) $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["detail"])' "$TMP/b")"
expect_eq "the viewer reads no record either" "403" "$(st val GET /deals/D1)"

expect_eq "Rex reads his deal" "200" "$(st rex GET /deals/D1)"
expect_eq "another's deal is not found" "404" "$(st rex GET /deals/D2)"
expect_eq "nor its history" "404" "$(st rex GET /deals/D2/history)"
expect_eq "nor can it be changed" "404" "$(st rex PATCH /deals/D2 -H "$J" -d '{"amount":1}')"
expect_eq "nor deleted" "404" "$(st rex DELETE /deals/D2)"
expect_eq "the manager changes her rep's deal" "200" "$(st mia PATCH /deals/D4 -H "$J" -d '{"amount":250}')"
expect_eq "the manager cannot see another team's" "404" "$(st mia GET /deals/D2)"
expect_eq "Rex updates the account of his deal" "200" "$(st rex PATCH /accounts/A4 -H "$J" -d '{"city":"Lima"}')"
expect_eq "but may not delete it" "403" "$(st rex DELETE /accounts/A4)"
expect_eq "a rep's new deal is his (Rex, #3)" "201 #3" \
    "$(st rex POST /deals -H "$J" -d '{"id":"D6","title":"New","stage":"Proposal","account":"A1"}') $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["owner"])' "$TMP/b")"
expect_eq "a rep may not create a deal for another" "403" \
    "$(st rex POST /deals -H "$J" -d '{"id":"D7","title":"Not mine","stage":"Proposal","account":"A1","owner":"ron@x.com"}')"
expect_eq "nor give his deal away" "403" "$(st rex PATCH /deals/D1 -H "$J" -d '{"owner":"ron@x.com"}')"
expect_eq "the viewer may not create" "403" "$(st val POST /deals -H "$J" -d '{"title":"x"}')"
expect_eq "refused writes wrote nothing" "D1 rex 100 | D7 absent" \
    "$(sqlite3 "$EMBUDO_DB" "SELECT d.ext_id, substr(u.email, 1, 3), d.amount / 100 FROM deals d JOIN users u ON u.id = d.owner_id WHERE d.ext_id = 'D1'" | tr '|' ' ') | D7 $(sqlite3 "$EMBUDO_DB" "SELECT count(*) FROM deals WHERE ext_id = 'D7'" | sed 's/^0$/absent/')"
finish
