# server_lib.sh - helpers for tests that start `embudo serve` (sourced after lib.sh,
# with $E the binary): servers started here are killed when the test exits.
PIDS=""
trap 'for p in $PIDS; do kill -9 "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# wait_for FILE TEXT: waits (at most 20 s) until FILE contains TEXT; 1 if it never does.
wait_for() {
    i=0
    while [ $i -lt 200 ]; do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# wait_exit PID: waits (at most 20 s) for PID to end; sets STATUS to its exit status.
wait_exit() {
    i=0
    while kill -0 "$1" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$1" 2>/dev/null; then STATUS=timeout; else wait "$1"; STATUS=$?; fi
}
# start NAME ARGS...: starts a server on a free port with its messages in $TMP/NAME.err;
# sets PID and PORT.
start() {
    name=$1; shift
    $E serve --listen 127.0.0.1:0 "$@" 2>"$TMP/$name.err" &
    PID=$!
    PIDS="$PIDS $PID"
    wait_for "$TMP/$name.err" "listening on"
    PORT=$(sed -n 's|.*listening on https*://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/$name.err")
}

