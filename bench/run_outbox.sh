#!/usr/bin/env bash
# Outbox delivery: N tickets in M group chats (each with a group webhook) are changed over REST as
# fast as T connections allow; every change commits one notification, which the OutboxWorker
# delivers to bench/platform_sink (errcode 0 at once, logs the receive time). Reports deliveries
# per second and the change-to-delivery latency (bench/outbox_load.py). Send limits off.
# Usage: bench/run_outbox.sh [BUILD_DIR]   (needs python3; loopback only)
# Knobs (environment): N, CHATS, CONNECTIONS, LOG_LEVEL, PERF_RECORD (a perf.data path), BACKLOG=1
# (the sink stopped during the changes: the drain rate of a backlog of N, delivery alone).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${N:-10000}
groups=${CHATS:-50}
connections=${CONNECTIONS:-8}
token=bench-outbox-token-0123456789abcdefghij
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

webhooks=$(python3 -c "import json; print(json.dumps({f'chat-{i}': f'key-{i}' for i in range($groups)}))")
cat > "$work/bench.json" <<JSON
{ "listen": {"address": "127.0.0.1", "port": 18091, "threads": 2},
  "database": "$work/bench.db",
  "log": {"level": "${LOG_LEVEL:-warn}"},
  "api_tokens": [{"name": "bench", "role": "admin", "token": "$token"}],
  "platform": {"wecom_api_base": "http://127.0.0.1:18092", "mp_api_base": "http://127.0.0.1:18092",
               "request_timeout_ms": 120000},
  "outbox": {"rate_limits": false},
  "channels": [
    {"name": "group-bot", "kind": "aibot", "token": "GroupDeskBotToken2026",
     "encoding_aes_key": "NNjFicuyDfOU7ZsVwORSCvVE3KuLtbAbzG71yDjDFKM",
     "group_webhooks": $webhooks} ] }
JSON

"$build/bench/platform_sink" 18092 "$work/sink.log" &
sink=$!
${PERF_RECORD:+perf record -g -o "$PERF_RECORD" --} "$build/bot/groupdesk" serve --config "$work/bench.json" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18091/healthz >/dev/null && break; sleep 0.1; done

echo "== groupdesk: $n tickets in $groups groups, changes over $connections connections"
SINK_PID=$sink python3 bench/outbox_load.py 18091 "$token" "$n" "$groups" "$connections" "$work/sink.log"
echo "== peak RSS: $(grep VmHWM /proc/$server/status)"
kill -TERM $server; wait $server || true
echo "== notifications by state: $(sqlite3 "$work/bench.db" \
  "SELECT group_concat(state || ' ' || n, ', ') FROM (SELECT state, count(*) AS n FROM outbox GROUP BY state)")"
grep -c " warn \| error " "$work/server.log" | sed 's/^/== warnings and errors in the server log: /' || true
