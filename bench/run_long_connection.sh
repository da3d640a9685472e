#!/usr/bin/env bash
# The same ticket-creating AI-bot group mention ("@助手 工单 打印机无法连接 <n>" with priority,
# category and a description line) through both transports, one server run each:
#   1. callback mode: bench/run_tickets.sh (wrk, CONNECTIONS encrypted POSTs in flight);
#   2. long connection: GroupDesk connects to bench/aibot_ws_driver, which sends TOTAL
#      aibot_msg_callback frames, WINDOW unanswered at a time, and times each aibot_respond_msg.
# Each answer goes back only once the ticket is durable (group commit, synchronous=FULL).
# Afterwards the long-connection database is counted: every answer must be a ticket.
# Usage: bench/run_long_connection.sh [BUILD_DIR]   (needs wrk and sqlite3; loopback only)
# Knobs (environment): TOTAL, WINDOW, CHATS, TIMEOUT (long connection); DURATION, PER_FILE,
# CONNECTIONS (callback mode, passed to run_tickets.sh); SKIP_CALLBACK=1 runs the second alone;
# PERF_RECORD=FILE records the long-connection server with perf.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
total=${TOTAL:-50000}
window=${WINDOW:-64}
chats=${CHATS:-50}
timeout=${TIMEOUT:-300}
port=18093
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

if [ "${SKIP_CALLBACK:-0}" != 1 ]; then
    echo "== callback mode (bench/run_tickets.sh, ${DURATION:-10}s)"
    PERF_RECORD= DURATION=${DURATION:-10} bench/run_tickets.sh "$build" | tee "$work/callback.txt"
fi

cat > "$work/bench.json" <<JSON
{ "listen": {"address": "127.0.0.1", "port": 18091, "threads": 2},
  "database": "$work/bench.db",
  "log": {"level": "warn"},
  "agents": ["user1"],
  "platform": {"aibot_ws_url": "ws://127.0.0.1:$port"},
  "channels": [
    {"name": "group-bot", "kind": "aibot", "transport": "long_connection",
     "bot_id": "bench-bot", "secret": "bench-secret", "bot_names": ["助手"]} ] }
JSON

# The driver listens first: GroupDesk connects as soon as it starts.
"$build/bench/aibot_ws_driver" $port "$total" "$window" "$chats" "$timeout" \
    > "$work/driver.txt" &
driver=$!
sleep 0.2
${PERF_RECORD:+perf record -g -o "$PERF_RECORD" --} "$build/bot/groupdesk" serve \
    --config "$work/bench.json" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -s http://127.0.0.1:18091/healthz >/dev/null && break; sleep 0.1; done
if ! kill -0 $server 2>/dev/null; then
    cat "$work/server.log" >&2
    echo "FAILED: groupdesk did not start" >&2
    exit 1
fi

echo "== groupdesk: long connection, $total frames, window $window, $chats chats"
status=0
wait $driver || status=$?
cat "$work/driver.txt"
echo "== peak RSS: $(grep VmHWM /proc/$server/status)"
kill -TERM $server; wait $server || true

answered=$(awk '/^answered/ {print $2}' "$work/driver.txt")
tickets=$(sqlite3 "$work/bench.db" 'SELECT COUNT(*) FROM tickets')
events=$(sqlite3 "$work/bench.db" 'SELECT COUNT(*) FROM ticket_events')
echo "== answered ${answered:-0}, tickets in the database $tickets, events $events"

echo "== summary"
lc_rate=$(awk '/^answered/ {gsub(",", ""); print $8}' "$work/driver.txt")
if [ -f "$work/callback.txt" ]; then
    cb_rate=$(awk '/Requests\/sec/ {print $2}' "$work/callback.txt")
    awk '/^p50/ {printf "callback mode:   %6.0f tickets/s, p50 %s ms, p99 %s ms\n", rate, $2, $5}' \
        rate="$cb_rate" "$work/callback.txt"
fi
awk '/^answered/ {gsub(",", "")
                printf "long connection: %6.0f frames/s,  p50 %s ms, p99 %s ms\n", $8, $12, $18}' \
    "$work/driver.txt"
if [ -n "${cb_rate:-}" ] && [ -n "$lc_rate" ]; then
    awk -v lc="$lc_rate" -v cb="$cb_rate" \
        'BEGIN {printf "long connection / callback: %.2f\n", lc / cb}'
fi
if [ "$status" != 0 ]; then
    echo "FAILED: the driver did not get one good answer for every frame (exit $status)" >&2
    exit 1
fi
if [ "${answered:-0}" != "$tickets" ]; then
    echo "FAILED: $answered answers but $tickets tickets" >&2
    exit 1
fi
