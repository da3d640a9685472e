#!/usr/bin/env bash
# Load test of a running GroupDesk: distinct encrypted WeCom callbacks with wrk (64 connections,
# 2 threads sharing the 2 cores with the server), a bare nginx `return 200` measured in the same
# run for scale, and the same load again while 1,000 idle or slow connections are held open.
# Usage: bench/run_wrk.sh [BUILD_DIR]   (needs wrk, nginx-light and python3; loopback only)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
duration=${DURATION:-10}
per_file=${PER_FILE:-250000}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

cat > "$work/bench.json" <<JSON
{ "listen": {"address": "127.0.0.1", "port": 18080, "threads": ${THREADS:-2}},
  "database": "$work/bench.db",
  "log": {"level": "${LOG_LEVEL:-info}"},
  "http": {"header_timeout_seconds": ${HEADER_TIMEOUT:-10}},
  "channels": [
    {"name": "corp-app", "kind": "wecom", "token": "GroupDeskWeComToken2026",
     "encoding_aes_key": "lKRAqMwOrg1RbhWggwIFK0PAQ479hMozW3haoCZqB8E", "receive_id": "ww3f8a2b1c4d5e6f70"} ] }
JSON

echo "== generating $((per_file * 2 * 2)) distinct callbacks"
"$build/bench/make_callbacks" "$per_file" 2 "$work/a-" 8100000000000000000
"$build/bench/make_callbacks" "$per_file" 2 "$work/b-" 8200000000000000000

"$build/bot/groupdesk" serve --config "$work/bench.json" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.1; done

echo "== groupdesk: distinct encrypted callbacks, 64 connections"
CALLBACKS_PREFIX="$work/a-" wrk -t2 -c64 -d"${duration}s" --latency -s bench/callback.lua \
  http://127.0.0.1:18080 | tee "$work/wrk-a.txt"

echo "== groupdesk: the same with 1000 idle/slow connections held open"
python3 bench/idle_connections.py 18080 1000 $((duration + 5)) &
sleep 2
CALLBACKS_PREFIX="$work/b-" wrk -t2 -c64 -d"${duration}s" --latency -s bench/callback.lua \
  http://127.0.0.1:18080 | tee "$work/wrk-b.txt"
wait %2 2>/dev/null || true

echo "== groupdesk peak RSS: $(grep VmHWM /proc/$server/status)"
echo "== log lines written: $(wc -l < "$work/server.log"); non-200 in log: $(grep -c 'status=[^2]' "$work/server.log" || true)"
kill -TERM $server; wait $server || true

cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:18081; location / { return 200 "ok"; } }
}
NGINX
nginx -c "$work/nginx.conf"
sleep 0.5
echo "== nginx return 200, 64 connections (reference)"
wrk -t2 -c64 -d"${duration}s" --latency http://127.0.0.1:18081/ | tee "$work/wrk-nginx.txt"
