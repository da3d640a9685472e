#!/usr/bin/env bash
# Callback throughput with reply-window tracking on against off, in one run: distinct encrypted
# Official Account messages, each from a follower of its own (so each one inserts a conversation:
# the tracking's worst case), through the whole callback path. The server is started four times
# on a fresh database — off, on, off, on — with the same load and fresh requests each time, and
# the ratios are printed; wrk -t2 shares the 2 cores with the server. Afterwards the last
# database is counted (conversations, their size on disk) and the servers' peak RSS compared.
# Usage: bench/run_reply_window.sh [BUILD_DIR]   (needs wrk, curl, sqlite3; loopback only)
# Knobs (environment): DURATION, PER_FILE, CONNECTIONS.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
duration=${DURATION:-10}
per_file=${PER_FILE:-100000}
connections=${CONNECTIONS:-64}
port=18093
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

config() {  # $1: true|false, $2: database
  cat <<JSON
{ "listen": {"address": "127.0.0.1", "port": $port, "threads": 2},
  "database": "$2",
  "log": {"level": "warn"},
  "reply_window": {"enabled": $1, "alerts_to": {"webhook_key": "bench-agents-webhook-key"}},
  "channels": [
    {"name": "service-account", "kind": "mp", "token": "GroupDeskMpToken2026",
     "encoding_aes_key": "3nVrx2zzilnhlUG6WX3yAQeuVrTJTdSZaDMfgq9gOOk",
     "receive_id": "wx8b2c4d6e8f0a1b3c"} ] }
JSON
}

echo "== generating 4 x $((per_file * 2)) distinct Official Account callbacks"
for run in 1 2 3 4; do
  "$build/bench/make_callbacks" "$per_file" 2 "$work/r$run-" "$((8400000000000000000 + run * 1000000000))" mp-users
done
sync

rates=()
for run in 1 2 3 4; do
  if [ $((run % 2)) -eq 1 ]; then tracking=false; else tracking=true; fi
  config "$tracking" "$work/run$run.db" > "$work/run$run.json"
  "$build/bot/groupdesk" serve --config "$work/run$run.json" > "$work/run$run.log" 2>&1 &
  server=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  echo "== run $run: tracking $tracking, $connections connections"
  CALLBACKS_PREFIX="$work/r$run-" wrk -t2 -c"$connections" -d"${duration}s" --latency \
    -s bench/callback.lua "http://127.0.0.1:$port" | tee "$work/wrk$run.txt"
  rss=$(grep VmHWM /proc/$server/status | awk '{print $2}')
  kill "$server"; wait "$server" 2>/dev/null || true
  rate=$(awk '/Requests\/sec/ {print $2}' "$work/wrk$run.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk$run.txt")
  rates+=("$rate")
  echo "== run $run: tracking $tracking: $rate callbacks/s, p99 $p99, peak RSS ${rss} kB"
  if [ "$tracking" = true ]; then
    n=$(sqlite3 "$work/run$run.db" "SELECT count(*) FROM conversations")
    size=$(sqlite3 "$work/run$run.db" \
      "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'conversations%'" 2>/dev/null || echo "?")
    echo "== run $run: $n conversations tracked, $size bytes in the table and its indexes"
  fi
done
python3 - "${rates[@]}" <<'PY'
import sys
off1, on1, off2, on2 = map(float, sys.argv[1:5])
print(f"== on/off ratios: run 2 / run 1 = {on1 / off1:.3f}, run 4 / run 3 = {on2 / off2:.3f}, "
      f"pooled = {(on1 + on2) / (off1 + off2):.3f}")
PY
