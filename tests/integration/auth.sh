#!/bin/sh
# auth: login passwords (`user passwd`, argon2id, never stored or audited in clear)
# and API tokens (`token create|list|revoke`: shown once, stored as a hash, role at
# most the user's), and the server taking a token as `Authorization: Bearer`
# (GET /api/v1/me; 401 problem+json for none, a forged or a revoked token).
. "$SRCDIR/tests/integration/lib.sh"
export EMBUDO_DB="$TMP/a.db" EMBUDO_NOW=2026-04-15T12:00:00Z
unset EMBUDO_USER
E="$EMBUDO"
. "$SRCDIR/tests/integration/server_lib.sh"
q() { sqlite3 "$EMBUDO_DB" "$1"; }
$E init --currency EUR --owner ana@x.com --owner-name Ana >/dev/null
$E user add --name Ben --email ben@x.com --role rep >/dev/null
$E user add --name Vera --email vera@x.com --role viewer --active false >/dev/null
$E user add --name "Carla Montenegro" --email carla@example.com --role rep >/dev/null
check "fixture created"

# Passwords.
printf 'short pw\n' >"$TMP/pw"
expect_status 1 $E user passwd ben@x.com --password-stdin <"$TMP/pw"
grep -qF "a password needs at least 10 characters" "$TMP/err"
check "a short password is refused"
printf 'carla@example.com\n' | $E user passwd carla@example.com --password-stdin 2>"$TMP/err"
grep -qF "a password must not be the user's email or name" "$TMP/err"
check "the user's email is refused as a password"
printf 'carla MONTENEGRO\n' | $E user passwd carla@example.com --password-stdin 2>"$TMP/err"
grep -qF "a password must not be the user's email or name" "$TMP/err"
check "and so is the user's name, in any case"
expect_eq "nothing set by the refusals" "0" "$(q "SELECT count(*) FROM users WHERE password_hash IS NOT NULL")"
expect_status 2 $E user passwd ben@x.com </dev/null
grep -qF "standard input is not a terminal: give the password on it with --password-stdin" "$TMP/err"
check "without a terminal, --password-stdin is asked for"
printf 'correct horse battery\r\n' | $E user passwd ben@x.com --password-stdin 2>"$TMP/err"
check "user passwd"
grep -qF "password of ben@x.com set" "$TMP/err"
check "it says so"
expect_eq "stored as an argon2id hash, not the password" "1 0" \
    "$(q "SELECT (password_hash LIKE '\$argon2id\$v=19\$m=65536,t=2,p=1\$%') || ' ' || (instr(password_hash, 'horse') > 0) FROM users WHERE email = 'ben@x.com'")"
grep -c "correct horse" "$EMBUDO_DB" >"$TMP/n"
expect_eq "the password is nowhere in the database file" "0" "$(cat "$TMP/n")"
expect_eq "audited as 'password' by the owner, without the secret" "password|2|1|" \
    "$(q "SELECT action, record_id, user_id, coalesce(detail, '') FROM audit_log WHERE action = 'password'")"
printf 'long enough pw\n' >"$TMP/pw"
expect_stderr_contains "no user" $E user passwd zoe@x.com --password-stdin <"$TMP/pw"

# Tokens.
$E token create --user ben@x.com --name crm-sync >"$TMP/tok" 2>"$TMP/err"
check "token create"
TOKEN=$(cat "$TMP/tok")
expect_eq "the token alone on standard output: emb_ and 43 base64url characters" "1" \
    "$(grep -cE '^emb_[A-Za-z0-9_-]{43}$' "$TMP/tok")"
grep -qF "token #1 for ben@x.com, shown this once" "$TMP/err"
check "create says it is shown once and how to revoke it"
expect_eq "stored: its hash and first 12 characters, the user's role" \
    "$(printf %s "$TOKEN" | cut -c1-12)|rep|crm-sync|0" \
    "$(q "SELECT prefix, role, name, instr(hash, '$TOKEN') FROM api_tokens")"
grep -c -- "$TOKEN" "$EMBUDO_DB" >"$TMP/n"
expect_eq "the token is nowhere in the database file" "0" "$(cat "$TMP/n")"
expect_status 1 $E token create --user ben@x.com --role admin
grep -qF "Ben is a rep: a token of theirs cannot be admin" "$TMP/err"
check "a role above the user's is refused"
expect_stderr_contains "there is no role 'boss'; use admin, manager, rep or viewer" $E token create --user ben@x.com --role boss
expect_stderr_contains "Vera is not active; a token of theirs would not work" $E token create --user vera@x.com
$E token create --user ana@x.com --role viewer --name dash >"$TMP/tok2" 2>/dev/null
TOKEN2=$(cat "$TMP/tok2")
expect_eq "an admin's token can be a viewer's" "viewer" "$(q "SELECT role FROM api_tokens WHERE id = 2")"
$E token list --format csv >"$TMP/out"
expect_eq "token list (csv): prefixes, never tokens" \
    "id,user,name,prefix,role,created,last_used,revoked|1,ben@x.com,\"crm-sync\",$(printf %s "$TOKEN" | cut -c1-12),rep,2026-04-15 12:00,,|2,ana@x.com,\"dash\",$(printf %s "$TOKEN2" | cut -c1-12),viewer,2026-04-15 12:00,," \
    "$(paste -sd'|' "$TMP/out")"

# The server takes tokens.
start s1 --access-log "$TMP/access.log"
U="http://127.0.0.1:$PORT"
expect_eq "GET /api/v1/me with Ben's token" \
    "200 {\"id\":2,\"name\":\"Ben\",\"email\":\"ben@x.com\",\"role\":\"rep\",\"user_role\":\"rep\"}" \
    "$(curl -s -H "Authorization: Bearer $TOKEN" -o "$TMP/body" -w '%{http_code}' "$U/api/v1/me") $(cat "$TMP/body")"
expect_eq "Ana's viewer token: the token's role" "viewer admin" \
    "$(curl -s -H "Authorization: Bearer $TOKEN2" "$U/api/v1/me" | sed 's/.*"role":"\([a-z]*\)","user_role":"\([a-z]*\)".*/\1 \2/')"
expect_eq "without a token: 401, WWW-Authenticate, problem+json" \
    "401 Bearer realm=\"embudo\" authentication needed" \
    "$(curl -s -D "$TMP/hdr" -o "$TMP/body" -w '%{http_code}' "$U/api/v1/me") $(sed -n 's/^WWW-Authenticate: \(.*\)\r$/\1/p' "$TMP/hdr") $(sed 's/.*"title":"\([^"]*\)".*/\1/' "$TMP/body")"
FORGED="emb_$(printf %s "$TOKEN" | cut -c5-46)A"
[ "$FORGED" != "$TOKEN" ] || FORGED="emb_$(printf %s "$TOKEN" | cut -c5-46)B"
expect_eq "a forged token: 401" "401" "$(curl -s -H "Authorization: Bearer $FORGED" -o /dev/null -w '%{http_code}' "$U/api/v1/me")"
expect_eq "a malformed header: 401" "401" "$(curl -s -H "Authorization: Basic YTpi" -o /dev/null -w '%{http_code}' "$U/api/v1/me")"
expect_eq "last use recorded" "1" "$(q "SELECT last_used > 0 FROM api_tokens WHERE id = 1")"
$E token revoke 1 2>"$TMP/err"
check "token revoke"
grep -qF "token #1 revoked" "$TMP/err"
check "revoke says so"
expect_eq "a revoked token stops working at once" "401" \
    "$(curl -s -H "Authorization: Bearer $TOKEN" -o /dev/null -w '%{http_code}' "$U/api/v1/me")"
expect_status 1 $E token revoke 1
grep -qF "token #1 is revoked already" "$TMP/err"
check "revoking twice says so"
expect_stderr_contains "there is no token #9" $E token revoke 9
expect_stderr_contains "'x' is not a token ID" $E token revoke x
expect_eq "the access log names the user of a token" "#2 GET /api/v1/me 200" \
    "$(grep -F ' 200 ' "$TMP/access.log" | head -1 | cut -d' ' -f2-5)"
expect_eq "audit: the tokens' creation and revocation, never the secret" \
    "token-create|2|rep|token-create|1|viewer|token-revoke|2|" \
    "$(q "SELECT action, record_id, coalesce(json_extract(detail, '\$.role'), '') FROM audit_log WHERE action LIKE 'token-%' ORDER BY id" | paste -sd'|')"
kill -TERM "$PID"
wait_exit "$PID"
expect_eq "the server stops with 0" "0" "$STATUS"
finish
