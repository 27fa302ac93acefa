#!/usr/bin/env bash
# make demo: a simulated PBX prints a generated office day of Panasonic SMDR on a
# pseudo-terminal; the real daemon reads it through a symlink, as it would /dev/smdr0.
set -euo pipefail
BIN=${1:-target/debug/smdrbox}
DIR=${DEMO_DIR:-demo-data}
PORT=${DEMO_PORT:-8080}
SCALE=${DEMO_TIME_SCALE:-240}
# The page needs a login: user admin with this password (stored as its argon2 hash).
PASSWORD=${DEMO_PASSWORD:-smdrbox demo}
HASH=$(printf '%s\n' "$PASSWORD" | "$BIN" password-hash)

rm -rf "$DIR"
mkdir -p "$DIR"
cat > "$DIR/smdrbox.toml" <<TOML
# Demo configuration: the serial path is a symlink the simulator points at its pty.
[source]
path = "$DIR/pbx.tty"
baud = 9600

[pbx]
dialect = "auto"    # recognised from the first lines; the status page says which
date_order = "dmy"

[store]
path = "$DIR/smdrbox.db"
commit_interval_ms = 500

[web]
listen = "127.0.0.1:$PORT"
admin_password_hash = "$HASH"
TOML

pids=()
stop() {
  trap - INT TERM EXIT
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "demo stopped; data kept in $DIR/"
}
trap stop INT TERM EXIT

"$BIN" simulate --generate --link "$DIR/pbx.tty" --time-scale "$SCALE" --start 08:45 --loop &
pids+=($!)
"$BIN" run --config "$DIR/smdrbox.toml" &
pids+=($!)

sleep 1
cat <<MSG

  smdrbox demo is running.
    status page:  http://127.0.0.1:$PORT/
    live calls:   http://127.0.0.1:$PORT/calls
    CSV:          http://127.0.0.1:$PORT/export.csv
    log in as:    admin / $PASSWORD
  A simulated office day runs ${SCALE}x faster than real time. Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"
