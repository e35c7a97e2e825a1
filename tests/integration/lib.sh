# lib.sh - helpers for integration tests: each check is one TAP test line.
# Tests source it; $EMBUDO is the binary, $TMP a fresh directory removed at exit.
set -u
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
N=0
FAILED=0

# A description is one TAP line: newlines in it (a multi-line value) become " / ".
tap_line() {
    case $1 in
    *"
"*) printf '%s\n' "$1" | awk 'NR > 1 { printf " / " } { printf "%s", $0 } END { print "" }' ;;
    *) printf '%s\n' "$1" ;;
    esac
}
ok() { N=$((N + 1)); tap_line "ok $N - $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); tap_line "not ok $N - $1"; }
# skip REASON: a check that cannot run here; counted as skipped, never as passed.
skip() { N=$((N + 1)); tap_line "ok $N # SKIP $1"; }

# check DESCRIPTION: records the status of the previous command.
check() { if [ $? -eq 0 ]; then ok "$1"; else not_ok "$1"; fi; }

# expect_status N CMD...: the command exits with status N.
expect_status() {
    want=$1; shift
    "$@" >"$TMP/out" 2>"$TMP/err"; got=$?
    if [ "$got" -eq "$want" ]; then ok "exit $want: $*"
    else not_ok "exit $want (got $got): $*"; sed 's/^/#   /' "$TMP/err" | head -5; fi
}

# expect_output_contains TEXT CMD...: stdout contains TEXT.
expect_output_contains() {
    want=$1; shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    if grep -qF -- "$want" "$TMP/out"; then ok "stdout has '$want': $*"
    else not_ok "stdout lacks '$want': $*"; head -5 "$TMP/out" "$TMP/err" | sed 's/^/#   /'; fi
}

# expect_stderr_contains TEXT CMD...: stderr contains TEXT.
expect_stderr_contains() {
    want=$1; shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    if grep -qF -- "$want" "$TMP/err"; then ok "stderr has '$want': $*"
    else not_ok "stderr lacks '$want': $*"; head -5 "$TMP/err" | sed 's/^/#   /'; fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1 = $2"; else not_ok "$1: expected '$2', got '$3'"; fi
}

finish() { echo "1..$N"; [ "$FAILED" -eq 0 ]; }
