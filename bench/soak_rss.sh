#!/usr/bin/env bash
# Memory over a long run: the load of bench/run_vs_nginx.sh (distinct Official Account callbacks,
# 10,000 keyword rules, reply-window tracking, wrk -t2 on the same two cores) for MINUTES minutes,
# a fresh set of request files each minute, printing each minute's rate and p99 and the server's
# resident size (VmRSS) and peak (VmHWM, reset after the rules import).
# Usage: bench/soak_rss.sh [BUILD_DIR]   (needs wrk, curl, python3; about 0.8 GB of disk a minute)
# Knobs (environment): MINUTES (10), CONNECTIONS (64), PER_MINUTE (callbacks per wrk thread, 450000).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
minutes=${MINUTES:-10}
connections=${CONNECTIONS:-64}
per_minute=${PER_MINUTE:-450000}
rules=10000
port=18098
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

source bench/mp_server.sh
mp_server_config
mp_server_start
mp_after_import

# Minute m's files are made while minute m-1 runs (timestamps must stay near the clock).
first_msg_id() { echo "1${1}00000000000000000"; }  # distinct ranges, below 2^64
mp_callbacks "$per_minute" m1 "$(first_msg_id 1)" > /dev/null
for m in $(seq "$minutes"); do
  maker=
  if [ "$m" -lt "$minutes" ]; then
    mp_callbacks "$per_minute" "m$((m + 1))" "$(first_msg_id $((m + 1)))" > /dev/null &
    maker=$!
  fi
  CALLBACKS_PREFIX="$work/m$m-" wrk -t2 -c"$connections" -d60s --latency -s bench/callback.lua \
    "http://127.0.0.1:$port" > "$work/wrk.txt"
  [ -n "$maker" ] && wait "$maker"
  rm -f "$work/m$m-"*.txt
  echo "minute $m: $(printf "%.0f/s" "$(wrk_rate "$work/wrk.txt")")," \
    "p99 $(wrk_p99 "$work/wrk.txt"), VmRSS $(server_status VmRSS), VmHWM $(server_status VmHWM)"
done
