#!/usr/bin/env bash
# Two or more builds of GroupDesk against each other under the load of bench/run_vs_nginx.sh
# (distinct Official Account callbacks, 10,000 keyword rules, reply-window tracking, wrk -t2 on
# the same two cores): the same request files for every run, a fresh database per run, the builds
# alternating for ROUNDS rounds, so that the machine's drift falls on all of them alike. Prints,
# per run, the rate and p99 at 64 and at 4 connections, the server's user and system CPU per
# callback at 64 (from /proc, not wall time) and the peak RSS under load.
# Usage: bench/ab_builds.sh BUILD_DIR BUILD_DIR...   (root for the RSS reset; needs wrk, curl)
# Knobs (environment): ROUNDS (2), DURATION (8 seconds per load).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR BUILD_DIR..." >&2; exit 2; }
rounds=${ROUNDS:-2}
duration=${DURATION:-8}
rules=10000
port=18099
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

build=$1  # makes the request files; any of the builds would do
source bench/mp_server.sh
mp_server_config
echo "== generating the request files"
mp_callbacks $((duration * 9000)) g64 8630000000000000000
mp_callbacks $((duration * 3000)) g4 8640000000000000000
sync

cpu_ticks() { awk '{print $14, $15}' "/proc/$server/stat"; }  # user, system (clock ticks)

for round in $(seq "$rounds"); do
  for build in "$@"; do
    mp_server_start > /dev/null
    mp_after_import > /dev/null
    read -r user0 sys0 <<< "$(cpu_ticks)"
    before=$(mp_answered)
    CALLBACKS_PREFIX="$work/g64-" wrk -t2 -c64 -d"${duration}s" --latency -s bench/callback.lua \
      "http://127.0.0.1:$port" > "$work/w64.txt"
    read -r user1 sys1 <<< "$(cpu_ticks)"
    answered=$(( $(mp_answered) - before ))
    CALLBACKS_PREFIX="$work/g4-" wrk -t2 -c4 -d"${duration}s" --latency -s bench/callback.lua \
      "http://127.0.0.1:$port" > "$work/w4.txt"
    tick_us=$((1000000 / $(getconf CLK_TCK)))
    echo "round $round, $build:" \
      "64 conns $(wrk_rate "$work/w64.txt")/s p99 $(wrk_p99 "$work/w64.txt")," \
      "CPU per callback user $(( (user1 - user0) * tick_us / answered )) µs" \
      "system $(( (sys1 - sys0) * tick_us / answered )) µs;" \
      "4 conns $(wrk_rate "$work/w4.txt")/s p99 $(wrk_p99 "$work/w4.txt");" \
      "peak RSS $(server_status VmHWM)"
    kill -TERM "$server"; wait "$server" || true
  done
done
