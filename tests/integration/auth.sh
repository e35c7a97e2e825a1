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
    "id,user,name,prefix,role,created,last_used,revoked|1,ben@x.com,crm-sync,$(printf %s "$TOKEN" | cut -c1-12),rep,2026-04-15 12:00,,|2,ana@x.com,dash,$(printf %s "$TOKEN2" | cut -c1-12),viewer,2026-04-15 12:00,," \
    "$(tr -d '\r' <"$TMP/out" | paste -sd'|')"
expect_eq "token list (json): the same, ids as numbers, null for never" \
    "1 null ben@x.com" "$($E token list --format json | python3 -c 'import json,sys; t = json.load(sys.stdin)[0]; print(t["id"], json.dumps(t["last_used"]), t["user"])')"

# The server takes tokens. Its first start gives the owner (an admin without a
# password, as init made her) a password, shown once.
start s1 --access-log "$TMP/access.log"
U="http://127.0.0.1:$PORT"
ADMIN_PW=$(sed -n 's/^embudo serve: no admin had a password, so ana@x.com now logs in with the password \([A-Za-z0-9_-]\{20\}\) (shown this once; change it with `embudo user passwd ana@x.com`)$/\1/p' "$TMP/s1.err")
expect_eq "the first serve gives the owner a password of 20 characters" "20" "$(printf %s "$ADMIN_PW" | wc -c | tr -d ' ')"
expect_eq "audited" "password|1" "$(q "SELECT action, record_id FROM audit_log WHERE action = 'password' AND record_id = 1")"
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

# Sessions: log in with email and password, a cookie and a CSRF token for writes.
login() { curl -s -D "$TMP/hdr" -o "$TMP/body" -w '%{http_code}' -H 'Content-Type: application/json' -c "$TMP/jar" \
    -d "$1" "$U/api/v1/session"; }
expect_eq "log in (the email in any case)" "200" "$(login '{"email":"BEN@x.com","password":"correct horse battery"}')"
expect_eq "the session cookie: HttpOnly, SameSite=Lax, 12 h, not Secure over plain HTTP" \
    "Path=/; HttpOnly; SameSite=Lax; Max-Age=43200" \
    "$(sed -n 's/^Set-Cookie: embudo_session=ses_[A-Za-z0-9_-]\{43\}; \(.*\)\r$/\1/p' "$TMP/hdr")"
CSRF=$(sed -n 's/.*"csrf_token":"\(csr_[A-Za-z0-9_-]\{43\}\)".*/\1/p' "$TMP/body")
expect_eq "the login answers the user and a CSRF token" \
    "{\"user\":{\"id\":2,\"name\":\"Ben\",\"email\":\"ben@x.com\",\"role\":\"rep\"},\"csrf_token\":\"$CSRF\"}" "$(cat "$TMP/body")"
expect_eq "the session is stored as a hash" "1 0" \
    "$(q "SELECT count(*) || ' ' || sum(instr(hash, 'ses_')) FROM sessions")"
expect_eq "GET /api/v1/me with the cookie" "200 rep" \
    "$(curl -s -b "$TMP/jar" -o "$TMP/body" -w '%{http_code}' "$U/api/v1/me") $(sed 's/.*"role":"\([a-z]*\)".*/\1/' "$TMP/body")"
expect_eq "a write with the cookie and no CSRF token: 403" "403" \
    "$(curl -s -b "$TMP/jar" -X DELETE -o /dev/null -w '%{http_code}' "$U/api/v1/session")"
expect_eq "a wrong CSRF token: 403" "403" \
    "$(curl -s -b "$TMP/jar" -X DELETE -H "X-CSRF-Token: ${CSRF}x" -o /dev/null -w '%{http_code}' "$U/api/v1/session")"
expect_eq "log out: 204 and the cookie cleared" "204 embudo_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" \
    "$(curl -s -b "$TMP/jar" -X DELETE -H "X-CSRF-Token: $CSRF" -D "$TMP/hdr" -o /dev/null -w '%{http_code}' "$U/api/v1/session") $(sed -n 's/^Set-Cookie: \(.*\)\r$/\1/p' "$TMP/hdr")"
expect_eq "the ended session no longer works" "401 the session is not valid" \
    "$(curl -s -b "$TMP/jar" -o "$TMP/body" -w '%{http_code}' "$U/api/v1/me") $(sed 's/.*"title":"\([^"]*\)".*/\1/' "$TMP/body")"
login '{"email":"ben@x.com","password":"correct horse battery"}' >/dev/null
q "UPDATE sessions SET expires = 1000"
expect_eq "an expired session: 401" "401" "$(curl -s -b "$TMP/jar" -o /dev/null -w '%{http_code}' "$U/api/v1/me")"

# Bad logins: the same answer for a wrong password and an unknown email.
expect_eq "a wrong password" "401 {\"type\":\"about:blank\",\"title\":\"wrong email or password\",\"status\":401}" \
    "$(login '{"email":"carla@example.com","password":"not the password"}') $(cat "$TMP/body")"
expect_eq "an unknown email: the same" "401 {\"type\":\"about:blank\",\"title\":\"wrong email or password\",\"status\":401}" \
    "$(login '{"email":"nobody@x.com","password":"not the password"}') $(cat "$TMP/body")"
expect_eq "a user without a password cannot log in" "401" "$(login '{"email":"carla@example.com","password":"anything at all"}')"
expect_eq "the owner logs in with the password the first serve gave" "200 admin" \
    "$(login "{\"email\":\"ana@x.com\",\"password\":\"$ADMIN_PW\"}") $(sed 's/.*"role":"\([a-z]*\)".*/\1/' "$TMP/body")"
expect_eq "field errors" \
    "400 {\"type\":\"about:blank\",\"title\":\"the login is incomplete\",\"status\":400,\"errors\":[{\"field\":\"pass\",\"message\":\"unknown field: a login takes email and password\"},{\"field\":\"email\",\"message\":\"needed: the user's email, as text\"},{\"field\":\"password\",\"message\":\"needed: the password, as text\"}]}" \
    "$(login '{"email":7,"pass":"x"}') $(cat "$TMP/body")"
expect_eq "not JSON: 400 with where" "400 line 1, column 9: unexpected token near end of file" \
    "$(login '{"email":') $(sed 's/.*"detail":"\([^"]*\)".*/\1/' "$TMP/body")"
expect_eq "duplicate keys are refused" "400" "$(login '{"email":"ben@x.com","email":"x","password":"correct horse battery"}')"
expect_eq "not JSON at all (a form): 415" "415" "$(curl -s -o /dev/null -w '%{http_code}' -d 'email=x' "$U/api/v1/session")"
head -c 1100000 /dev/zero | tr '\0' 'a' >"$TMP/big"
expect_eq "a body over 1 MiB: 413" "413" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$TMP/big" "$U/api/v1/session")"
expect_eq "... also sent without waiting for 100 Continue (read to its end, then answered)" "413" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H 'Expect:' -H 'Content-Type: application/json' --data-binary @"$TMP/big" "$U/api/v1/session")"
cat >"$TMP/expect.sh" <<'EOS'
exec 3<>"/dev/tcp/127.0.0.1/$1"
printf 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000000\r\nExpect: 100-continue\r\n\r\n' >&3
IFS= read -r line <&3
echo "$line"
EOS
expect_eq "a client waiting for 100 Continue before 5 GB is told 413 at once" "HTTP/1.1 413" \
    "$(timeout 20 bash "$TMP/expect.sh" "$PORT" | cut -c1-12)"

# Slowed down after 3 failures in a row, locked after 10 (audited), freed when the lock ends.
expect_eq "failures are counted per user" "4:2" "$(q "SELECT user_id || ':' || failed FROM login_failures WHERE user_id = 4")"
# Eight failures, the last one just now (set here, so that no timing decides the
# test): the next try must wait 2^(8-3) = 32 s.
q "UPDATE login_failures SET failed = 8, last_failed = CAST(strftime('%s', 'now') AS INTEGER) WHERE user_id = 4"
expect_eq "after failures in a row the next try must wait: 429" "429 too many failed logins" \
    "$(login '{"email":"carla@example.com","password":"wrong again!"}') $(sed 's/.*"title":"\([^"]*\)".*/\1/' "$TMP/body")"
expect_eq "with a Retry-After header: at most 32 s" "ok" \
    "$(sed -n 's/^Retry-After: \([0-9]*\)\r$/\1/p' "$TMP/hdr" | awk '{ print ($1 >= 1 && $1 <= 32) ? "ok" : $1 }')"
q "UPDATE login_failures SET failed = 9, last_failed = 1000"
expect_eq "the 10th failure locks the account" "401" "$(login '{"email":"carla@example.com","password":"wrong again!"}')"
expect_eq "locked: even the right password gets 429" "429 the account is locked" \
    "$(login '{"email":"carla@example.com","password":"right password here"}') $(sed 's/.*"title":"\([^"]*\)".*/\1/' "$TMP/body")"
expect_eq "the lock lasts 15 minutes" "900" "$(sed -n 's/^Retry-After: \([0-9]*\)\r$/\1/p' "$TMP/hdr" | awk '{ print ($1 > 895 && $1 <= 900) ? 900 : $1 }')"
expect_eq "the lock is in the audit log" "lock|4|10" \
    "$(q "SELECT action, record_id, json_extract(detail, '\$.failed') FROM audit_log WHERE action = 'lock'")"
printf 'right password here\n' >"$TMP/pw"
$E user passwd carla@example.com --password-stdin <"$TMP/pw" 2>/dev/null
q "UPDATE login_failures SET locked_until = 1000"
expect_eq "once the lock has passed, the right password works again" "200" \
    "$(login '{"email":"carla@example.com","password":"right password here"}')"
expect_eq "and her count of failures starts again" "0" "$(q "SELECT count(*) FROM login_failures WHERE user_id = 4")"

kill -TERM "$PID"
wait_exit "$PID"
expect_eq "the server stops with 0" "0" "$STATUS"
start s2 --access-log ''
grep -q "no admin had a password" "$TMP/s2.err"
[ $? -ne 0 ]
check "a later serve gives no password: an admin can log in"
kill -TERM "$PID"
wait_exit "$PID"
finish
