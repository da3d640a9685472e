#!/usr/bin/env bash
# Tickets created per second through the full encrypted AI-bot group callback path: every
# request is a distinct "@助手 工单 …" mention (its own msgid), verified, decrypted, parsed, the
# ticket and its event committed (group commit, synchronous=FULL) before the encrypted answer.
# wrk -t2 shares the 2 cores with the server. Afterwards the database is counted: every 200 must
# be a ticket.
# Usage: bench/run_tickets.sh [BUILD_DIR]   (needs wrk and sqlite3; loopback only)
# Knobs (environment): DURATION, PER_FILE, CONNECTIONS.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
duration=${DURATION:-10}
per_file=${PER_FILE:-100000}
connections=${CONNECTIONS:-64}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

cat > "$work/bench.json" <<JSON
{ "listen": {"address": "127.0.0.1", "port": 18090, "threads": 2},
  "database": "$work/bench.db",
  "log": {"level": "warn"},
  "agents": ["user1"],
  "channels": [
    {"name": "group-bot", "kind": "aibot", "token": "GroupDeskBotToken2026",
     "encoding_aes_key": "NNjFicuyDfOU7ZsVwORSCvVE3KuLtbAbzG71yDjDFKM", "bot_names": ["助手"]} ] }
JSON

echo "== generating $((per_file * 2)) distinct ticket-creating callbacks"
"$build/bench/make_callbacks" "$per_file" 2 "$work/t-" 9100000000000000000 aibot-tickets
sync

${PERF_RECORD:+perf record -g -o "$PERF_RECORD" --} "$build/bot/groupdesk" serve --config "$work/bench.json" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18090/healthz >/dev/null && break; sleep 0.1; done

echo "== groupdesk: ticket creation, $connections connections, ${duration}s"
CALLBACKS_PREFIX="$work/t-" CALLBACKS_CONTENT_TYPE=application/json \
  wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/callback.lua \
  http://127.0.0.1:18090 | tee "$work/wrk.txt"
echo "== peak RSS: $(grep VmHWM /proc/$server/status)"
kill -TERM $server; wait $server || true

requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
errors=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt"); errors=${errors:-0}
tickets=$(sqlite3 "$work/bench.db" 'SELECT COUNT(*) FROM tickets')
events=$(sqlite3 "$work/bench.db" 'SELECT COUNT(*) FROM ticket_events')
echo "== answered $requests, non-2xx $errors, tickets in the database $tickets, events $events"
