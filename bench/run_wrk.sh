#!/usr/bin/env bash
# Load test of a running GroupDesk: distinct encrypted WeCom callbacks with wrk (64 connections,
# 2 threads sharing the 2 cores with the server), the same load again while 1,000 idle or slow
# connections are held open, a light load of 4 connections, and a bare nginx `return 200` measured
# in the same run for scale.
# Usage: bench/run_wrk.sh [BUILD_DIR]   (needs wrk, nginx-light and python3; loopback only)
# Knobs (environment): DURATION, PER_FILE, THREADS, LOG_LEVEL, HEADER_TIMEOUT, LOG_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
duration=${DURATION:-10}
per_file=${PER_FILE:-250000}
work=$(mktemp -d)
# The server's log; LOG_DIR=/dev/shm keeps its writeback off the disk that the database fsyncs.
log_dir=$(mktemp -d "${LOG_DIR:-$work}/groupdesk-log-XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work" "$log_dir"' EXIT

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
"$build/bench/make_callbacks" "$per_file" 2 "$work/c-" 8300000000000000000
# The files are about 1 GB. Left dirty, the kernel writes them back ~30 s later, in the middle of
# a run, and every fsync of the server queues behind that: flush them now.
sync

"$build/bot/groupdesk" serve --config "$work/bench.json" > "$log_dir/server.log" 2>&1 &
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

echo "== groupdesk: light load, 4 connections"
CALLBACKS_PREFIX="$work/c-" wrk -t2 -c4 -d"${duration}s" --latency -s bench/callback.lua \
  http://127.0.0.1:18080 | tee "$work/wrk-c.txt"

echo "== groupdesk peak RSS: $(grep VmHWM /proc/$server/status)"
echo "== log lines written: $(wc -l < "$log_dir/server.log"); non-200 in log: $(grep -c 'status=[^2]' "$log_dir/server.log" || true)"
# Inside the server: from the request handed to the endpoint to its answer being ready (the
# durable record included); the rest of wrk's figure is queueing in sockets, threads and wrk.
# (At LOG_LEVEL=warn there are no request lines, hence the `|| true`.)
{ grep -o 'latency_ms=[0-9.]*' "$log_dir/server.log" || true; } | cut -d= -f2 | sort -n |
  awk '{a[NR]=$1} END {if (NR) printf "== server-side latency over all runs: p50 %s ms, " \
       "p99 %s ms, p99.9 %s ms\n", a[int(NR*0.5)], a[int(NR*0.99)], a[int(NR*0.999)]}' 
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
