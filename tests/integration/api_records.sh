#!/bin/sh
# api_records: the record routes (/api/v1/{kind}, /api/v1/{kind}/{id},
# /api/v1/deals/{id}/history) on a fixture of seven deals whose orders are
# written here by hand: list filters (where), sort both ways with ties and NULLs,
# q with LIKE's wildcards taken literally, a cursor walk page by page, writes read
# back equal and audited as the request's user, and each refusal naming its field.
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/a.db" EMBUDO_NOW=2026-04-15T12:00:00Z
unset EMBUDO_USER
E="$EMBUDO"
. "$SRCDIR/tests/integration/server_lib.sh"
q() { sqlite3 "$EMBUDO_DB" "$1"; }
$E init --currency EUR --owner ana@x.com --owner-name Ana >/dev/null
$E user add --name Ben --email ben@x.com --role admin >/dev/null
$E account add --id A1 --name Acme >/dev/null
$E account add --id A2 --name Borealis >/dev/null
d() { $E deal add --id "$1" --title "$2" --stage "$3" --account "$4" --owner ana@x.com ${5:+--amount "$5"} >/dev/null; }
d D1 Alpha Proposal A1 500
d D2 Bravo Prospecting A1 1200
d D3 Charlie Negotiation A2 300
d D4 "Delta 100%" Proposal A2 1200
d D5 Echo Proposal A1
d D6 Foxtrot_x Qualification A2 800
d D7 Golf Prospecting A1 50
TOKEN=$($E token create --user ben@x.com 2>/dev/null)
check "fixture created"
start s1 --access-log "$TMP/access.log"
U="http://127.0.0.1:$PORT/api/v1"
A="Authorization: Bearer $TOKEN"
J="Content-Type: application/json"
# get PATH [CURL ARGS]: the body in $TMP/b, the status in $TMP/s, the headers in $TMP/h
get() { p=$1; shift; curl -s -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' -H "$A" "$@" "$U$p" >"$TMP/s"; }
# ids: the "id" of each record of the list in $TMP/b, space-separated
ids() { python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(open(sys.argv[1]))["data"]))' "$TMP/b"; }
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec("v="+sys.argv[2]); print("null" if v is None else v)' "$TMP/b" "$1"; }
errors() { python3 -c 'import json,sys; print(" | ".join(e["field"]+": "+e["message"] for e in json.load(open(sys.argv[1]))["errors"]))' "$TMP/b"; }

get /deals
expect_eq "list: every deal by id" "200 D1 D2 D3 D4 D5 D6 D7" "$(cat "$TMP/s") $(ids)"
expect_eq "no next page" "null" "$(field 'd["next"]')"
expect_eq "as export writes it, references by key (a user without external id: #N), money as a number" \
    "A1 #1 Proposal 500.0 EUR" \
    "$(field 'd["data"][0]["account"]+" "+d["data"][0]["owner"]+" "+d["data"][0]["stage"]+" "+str(d["data"][0]["amount"])+" "+d["data"][0]["currency"]')"
get '/deals?where=amount%3E%3D800'
expect_eq "where amount>=800" "D2 D4 D6" "$(ids)"
get '/deals?where=stage%3DProposal,amount%3C1000'
expect_eq "where stage=Proposal,amount<1000 (NULL amount is not < 1000)" "D1" "$(ids)"
get '/deals?where=account%3DBorealis&where=amount%3E300'
expect_eq "two where parameters, a reference by name" "D4 D6" "$(ids)"
get '/deals?sort=amount'
expect_eq "sort=amount: NULL first, ties by id" "D5 D7 D3 D1 D6 D2 D4" "$(ids)"
get '/deals?sort=-amount'
expect_eq "sort=-amount: ties by id, NULL last" "D2 D4 D6 D1 D3 D7 D5" "$(ids)"
get '/deals?sort=-title&q=A'
expect_eq "q=A: title contains a, any case, sorted by title descending" "D4 D3 D2 D1" "$(ids)"
get '/deals?q=%25'
expect_eq "q=%: the percent sign itself" "D4" "$(ids)"
get '/deals?q=_'
expect_eq "q=_: the underscore itself" "D6" "$(ids)"
get '/accounts?q=bore'
expect_eq "q on accounts' names" "A2" "$(ids)"

# A cursor walk: sort=amount, two per page, through the tie at 1200 and the NULL.
walk() { # walk PATH: the pages' ids, "/" between pages; follows "next" links
    path=$1 pages=""
    while :; do
        get "$path"
        [ "$(cat "$TMP/s")" = 200 ] || { pages="$pages status $(cat "$TMP/s")"; break; }
        pages="$pages${pages:+ / }$(ids)"
        nxt=$(field 'd["next"]')
        [ "$nxt" = null ] && break
        link=$(sed -n 's/^Link: <\([^>]*\)>; rel="next".*/\1/p' "$TMP/h" | tr -d '\r')
        [ "/api/v1${link#/api/v1}" = "$nxt" ] || { pages="$pages (Link '$link' is not next '$nxt')"; break; }
        path=${nxt#/api/v1}
    done
    echo "$pages"
}
expect_eq "cursor walk, sort=amount, limit=2" "D5 D7 / D3 D1 / D6 D2 / D4" "$(walk '/deals?sort=amount&limit=2')"
expect_eq "cursor walk, sort=-amount, limit=3" "D2 D4 D6 / D1 D3 D7 / D5" "$(walk '/deals?sort=-amount&limit=3')"
expect_eq "cursor walk with a filter, by id" "D1 D4 / D5" "$(walk '/deals?where=stage%3DProposal&limit=2')"
get '/deals?sort=amount&limit=2'
CUR=$(field 'd["next"]' | sed 's/.*cursor=//')
get "/deals?sort=-amount&limit=2&cursor=$CUR"
expect_eq "a cursor of another sort is refused" "400 cursor: the cursor is not valid; start again without it" \
    "$(cat "$TMP/s") $(errors)"
get "/deals?sort=amount&limit=2&cursor=${CUR}x"
expect_eq "a tampered cursor is a 400" "400 cursor" "$(cat "$TMP/s") $(errors | cut -d: -f1)"
get "/deals?cursor=WyJhIiwxLDIsM10"
expect_eq "a forged cursor of the wrong shape is a 400" "400 cursor" "$(cat "$TMP/s") $(errors | cut -d: -f1)"

# One record, and a deal's history.
get /deals/D4
expect_eq "GET by external id" "200 Delta 100%" "$(cat "$TMP/s") $(field 'd["title"]')"
get /deals/Charlie
expect_eq "GET by title" "200 D3" "$(cat "$TMP/s") $(field 'd["id"]')"
get /deals/D9
expect_eq "an unknown id is a 404 problem" "404 no deal 'D9'" "$(cat "$TMP/s") $(field 'd["detail"]')"
get /users/ana@x.com
expect_eq "a user's password hash is never shown" "200 absent" \
    "$(cat "$TMP/s") $(field '"present" if "password_hash" in d or "password" in d else "absent"')"

# Writes.
get /deals -X POST -H "$J" -d '{"id":"D8","title":"Hotel","amount":"1.500,25","stage":"Proposal","account":"Acme","owner":"ana@x.com"}'
expect_eq "POST: 201" "201" "$(cat "$TMP/s")"
expect_eq "Location names it" "Location: /api/v1/deals/D8" "$(grep -i '^Location:' "$TMP/h" | tr -d '\r')"
expect_eq "values read as the CLI reads them" "D8 Hotel 1500.25 A1 Proposal open" \
    "$(field 'd["id"]+" "+d["title"]+" "+str(d["amount"])+" "+d["account"]+" "+d["stage"]+" "+d["status"]')"
cp "$TMP/b" "$TMP/created"
get /deals/D8
cmp -s "$TMP/b" "$TMP/created"
check "the created record reads back equal"
expect_eq "audited once as an insert by the request's user (Ben, #2)" "insert|deals|8|2" \
    "$(q "SELECT action, kind, record_id, user_id FROM audit_log WHERE kind = 'deals' AND record_id = 8")"
get /deals/D8 -X PATCH -H "$J" -d '{"amount":99.5,"stage":"Won"}'
expect_eq "PATCH: a JSON number with a point, the stage moved" "200 99.5 Won won" \
    "$(cat "$TMP/s") $(field 'str(d["amount"])+" "+d["stage"]+" "+d["status"]')"
get /deals/D8/history
expect_eq "history: two rows, what each changed" "created/stage,status,amount" \
    "$(field '"/".join(",".join(h["changed"]) for h in d["history"])')"
expect_eq "history: stages, amounts and author (Ben, #2)" "Proposal 1500.25 #2 / Won 99.5 #2" \
    "$(field '" / ".join(h["stage"]+" "+str(h["amount"])+" "+h["author"] for h in d["history"])')"
get /deals/D8 -X PATCH -H "$J" -d '{"amount":null}'
expect_eq "null clears a field" "200 null" "$(cat "$TMP/s") $(field 'd["amount"]')"
get /accounts/A1 -X DELETE
expect_eq "DELETE of a referenced record: 409 saying by what" \
    "409 account 'A1' is still referenced by 5 deals (field account); change or delete those first" \
    "$(cat "$TMP/s") $(field 'd["detail"]')"
get /deals/D8 -X DELETE
expect_eq "DELETE: 204, no body" "204 0" "$(cat "$TMP/s") $(wc -c <"$TMP/b")"
get /deals/D8
expect_eq "then gone" "404" "$(cat "$TMP/s")"
expect_eq "the delete audited by Ben" "delete|2" "$(q "SELECT action, user_id FROM audit_log WHERE kind = 'deals' AND record_id = 8 ORDER BY id DESC LIMIT 1")"

# Refusals: each names its field, and writes nothing.
before=$(q "SELECT count(*) FROM deals")
get /deals -X POST -H "$J" -d '{"title":"X","stagex":"Won","owner":["ana"]}'
expect_eq "unknown field and wrong JSON type, both listed" \
    "400 stagex | owner: 'owner' takes a string, not an array" "$(cat "$TMP/s") $(errors | sed 's/stagex: [^|]*|/stagex |/')"
get /deals -X POST -H "$J" -d '{"title":"X","stage":"Nowhere","owner":"ana@x.com"}'
expect_eq "a reference that names nothing" "400 stage: field 'stage': no stage 'Nowhere'" "$(cat "$TMP/s") $(errors)"
get /deals -X POST -H "$J" -d '{"title":"X","amount":"lots","stage":"Won","owner":"ana@x.com"}'
expect_eq "a value that does not read" "400 amount" "$(cat "$TMP/s") $(errors | cut -d: -f1)"
get /deals -X POST -H "$J" -d '{"title":5}'
expect_eq "a number for a text field" "400 title: 'title' takes a string, not a number" "$(cat "$TMP/s") $(errors)"
get /deals -X POST -H "$J" -d '{"status":"won"}'
expect_eq "a computed field" "400 status" "$(cat "$TMP/s") $(errors | cut -d: -f1)"
get /deals -X POST -H "$J" -d '[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]'
expect_eq "deep JSON" "400 the body is nested too deeply; send one JSON object of field names and values" \
    "$(cat "$TMP/s") $(field 'd["detail"]')"
printf '{"title":"\377"}' >"$TMP/bad.json"
get /deals -X POST -H "$J" --data-binary @"$TMP/bad.json"
expect_eq "invalid UTF-8" "400 invalid body" "$(cat "$TMP/s") $(field 'd["title"]')"
get /deals -X POST -H "$J" -d '{"title":"a","title":"b"}'
expect_eq "a field twice" "400 invalid body" "$(cat "$TMP/s") $(field 'd["title"]')"
get /deals -X POST -d 'title=x'
expect_eq "not JSON: 415" "415" "$(cat "$TMP/s")"
get /deals -X POST -H "$J" -d "{\"title\":\"x'; DROP TABLE deals; --\",\"stage\":\"Proposal\",\"owner\":\"ana@x.com\",\"account\":\"A1\"}"
expect_eq "SQL in a value is a value" "201 x'; DROP TABLE deals; --" "$(cat "$TMP/s") $(field 'd["title"]')"
get "/deals?q=%27%29%20OR%201%3D1%20--"
expect_eq "SQL in q finds nothing" "200 " "$(cat "$TMP/s") $(ids)"
expect_eq "nothing else was written" "$((before + 1))" "$(q "SELECT count(*) FROM deals")"
get '/deals?where=colour%3Dred'
expect_eq "where: the CLI's message" "400 where: --where: deals has no field 'colour'" \
    "$(cat "$TMP/s") $(errors | sed 's/; fields.*//')"
get '/deals?sort=colour'
expect_eq "sort: an unknown field" "400 sort: cannot sort by 'colour'" "$(cat "$TMP/s") $(errors | sed 's/; fields.*//')"
get '/deals?limit=501'
expect_eq "limit above 500" "400 limit: limit '501' must be a whole number from 1 to 500" "$(cat "$TMP/s") $(errors)"
get '/deals?colour=red'
expect_eq "an unknown parameter" "400 colour" "$(cat "$TMP/s") $(errors | cut -d: -f1)"

# Routing.
get /widgets
expect_eq "an unknown kind: 404" "404" "$(cat "$TMP/s")"
get /deals -X PUT
expect_eq "a known path, another method: 405 with Allow" "405 Allow: GET, HEAD, POST" \
    "$(cat "$TMP/s") $(grep -i '^Allow:' "$TMP/h" | tr -d '\r')"
get /deals/D1 -X POST
expect_eq "405 for one record" "405 Allow: GET, HEAD, PATCH, DELETE" \
    "$(cat "$TMP/s") $(grep -i '^Allow:' "$TMP/h" | tr -d '\r')"
get /deals/D1/history/x
expect_eq "deeper paths: 404" "404" "$(cat "$TMP/s")"
curl -s -o /dev/null -w '%{http_code}' "$U/deals" >"$TMP/s"
expect_eq "no credentials: 401" "401" "$(cat "$TMP/s")"
curl -s "http://127.0.0.1:$PORT/metrics" >"$TMP/m"
grep -qF 'route="/api/v1/{kind}",status="200"' "$TMP/m" && grep -qF 'route="/api/v1/{kind}/{id}"' "$TMP/m" &&
    ! grep -qF 'route="/api/v1/deals/D' "$TMP/m"
check "/metrics counts requests by route pattern, not by path"
finish
