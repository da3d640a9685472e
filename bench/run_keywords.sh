#!/usr/bin/env bash
# Callback throughput with 10,000 keyword rules loaded against none, in one run on one server:
# distinct encrypted AI-bot group mentions that create no ticket ("@助手 <question>", a quarter
# with a keyword of one of four fixed rules) through the whole callback path, first with no rules,
# then after `POST /api/v1/keywords/import` of 10,000 generated rules (timed; and once more at the
# end, every rule an update by its origin). wrk -t2 shares the 2 cores with the server.
# Afterwards the database is counted: rules, and hits (answers given).
# Usage: bench/run_keywords.sh [BUILD_DIR]   (needs wrk, curl, python3 and sqlite3; loopback only)
# Knobs (environment): DURATION, PER_FILE, CONNECTIONS, RULES.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
duration=${DURATION:-10}
per_file=${PER_FILE:-100000}
connections=${CONNECTIONS:-64}
rules=${RULES:-10000}
token=bench-admin-token-0123456789abcdefghij
port=18092
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# An import of 10,000 rules is about 1.3 MB, over the default body limit of 1 MiB.
cat > "$work/bench.json" <<JSON
{ "listen": {"address": "127.0.0.1", "port": $port, "threads": 2},
  "database": "$work/bench.db",
  "log": {"level": "warn"},
  "http": {"max_body_bytes": 16777216},
  "admins": ["user1"],
  "api_tokens": [{"name": "bench", "role": "admin", "token": "$token"}],
  "channels": [
    {"name": "group-bot", "kind": "aibot", "token": "GroupDeskBotToken2026",
     "encoding_aes_key": "NNjFicuyDfOU7ZsVwORSCvVE3KuLtbAbzG71yDjDFKM", "bot_names": ["助手"]} ] }
JSON

# The rules: bench/keyword_rules.py (keyword_bench.cpp's mix, and four fixed rules that a quarter
# of the questions hit).
python3 bench/keyword_rules.py "$rules" > "$work/rules.json"

echo "== generating $((per_file * 2 * 2 + per_file / 2)) distinct question callbacks," \
  "$rules rules ($(wc -c < "$work/rules.json") bytes)"
"$build/bench/make_callbacks" $((per_file / 4)) 2 "$work/w-" 7100000000000000000 aibot-questions
"$build/bench/make_callbacks" "$per_file" 2 "$work/a-" 7200000000000000000 aibot-questions
"$build/bench/make_callbacks" "$per_file" 2 "$work/b-" 7300000000000000000 aibot-questions
sync

"$build/bot/groupdesk" serve --config "$work/bench.json" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done

run() {
  CALLBACKS_PREFIX="$work/$1-" CALLBACKS_CONTENT_TYPE=application/json \
    wrk -t2 -c"$connections" -d"${2:-${duration}}s" --latency -s bench/callback.lua \
    http://127.0.0.1:$port > "$work/wrk-$1.txt"
  cat "$work/wrk-$1.txt"
}

# A first, uncounted phase: the database file and the WAL grow here, not in the first figure.
echo "== warm-up, 3s (not counted)"
run w 3 > /dev/null

echo "== groupdesk: questions with no rules, $connections connections, ${duration}s"
run a
echo "== peak RSS so far: $(grep VmHWM /proc/$server/status)"

import() {
  curl -sS -o "$work/import.txt" -w '== import: HTTP %{http_code} in %{time_total} s' \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary @"$work/rules.json" http://127.0.0.1:$port/api/v1/keywords/import
  echo ", $(cat "$work/import.txt")"
}

echo "== importing $rules rules"
import
sleep 1

echo "== groupdesk: the same questions with $rules rules, $connections connections, ${duration}s"
run b
echo "== peak RSS: $(grep VmHWM /proc/$server/status); now: $(grep VmRSS /proc/$server/status)"
echo "== importing the same $rules rules again (every one an update, by origin)"
import
echo "== peak RSS: $(grep VmHWM /proc/$server/status); now: $(grep VmRSS /proc/$server/status)"
kill -TERM $server; wait $server || true

rps() { awk '/Requests\/sec/ {print $2}' "$work/wrk-$1.txt"; }
count() { sqlite3 "$work/bench.db" "SELECT COUNT(*) FROM $1"; }
ratio=$(awk -v a="$(rps a)" -v b="$(rps b)" 'BEGIN {printf "%.2f", b / a}')
echo "== requests/s with rules / without: $ratio"
echo "== rules in the database $(count keyword_rules), hits $(count keyword_hits)," \
  "tickets $(count tickets)"
