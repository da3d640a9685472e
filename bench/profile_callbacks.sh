#!/usr/bin/env bash
# Where a callback's time goes, under the load of bench/run_vs_nginx.sh (distinct Official
# Account callbacks, 10,000 keyword rules, reply-window tracking, wrk -t2 -c64 on the same two
# cores), in four passes on the same server:
#   1. perf stat: the server's CPU time and context switches per callback;
#   2. perf record --call-graph dwarf: the samples split into the callback's stages
#      (bench/callback_stages.py), in µs per callback from pass 1;
#   3. strace -c: system calls per callback (strace slows the server; the counts stay valid);
#   4. a uprobe on malloc: allocations per callback.
# Usage: bench/profile_callbacks.sh [BUILD_DIR]   (root; needs perf, strace, wrk, curl, python3)
# Knobs (environment): SECONDS_EACH (5), RULES (10000), CONNECTIONS (64).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
each=${SECONDS_EACH:-5}
rules=${RULES:-10000}
connections=${CONNECTIONS:-64}
port=18097
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; perf probe -q -d probe_libc:malloc 2>/dev/null || true; rm -rf "$work"' EXIT

source bench/mp_server.sh
mp_server_config
# Enough for five passes of $each seconds at up to 25,000 callbacks/s.
per_file=$((each * 5 * 25000 / 2))
echo "== generating $((per_file * 2)) distinct Official Account callbacks"
mp_callbacks "$per_file" p 8700000000000000000
sync
mp_server_start

# wrk runs through all passes; each pass measures a window of it.
CALLBACKS_PREFIX="$work/p-" wrk -t2 -c"$connections" -d"$((each * 5 + 2))s" --latency \
  -s bench/callback.lua "http://127.0.0.1:$port" > "$work/wrk.txt" &
load=$!
sleep 2

# A window of `$each` seconds around "$@"; prints the callbacks answered in it.
window() {
  local before after
  before=$(mp_answered)
  "$@"
  after=$(mp_answered)
  echo $((after - before))
}

echo "== 1. perf stat"
n=$(window perf stat -e task-clock,context-switches,cpu-migrations -p "$server" -o "$work/stat.txt" \
  -- sleep "$each")
cpu_ms=$(awk '/task-clock/ {gsub(",", "", $1); print $1}' "$work/stat.txt")
switches=$(awk '/context-switches/ {gsub(",", "", $1); print $1}' "$work/stat.txt")
cpu_us=$(python3 -c "print(f'{$cpu_ms * 1000 / $n:.1f}')")
echo "$n callbacks in ${each} s: $((n / each))/s; server CPU $cpu_us µs per callback" \
  "($(python3 -c "print(f'{$cpu_ms / 1000 / $each:.2f}')") cores);" \
  "$(python3 -c "print(f'{$switches / $n:.2f}')") context switches per callback"

echo "== 2. perf record (stages, µs per callback from pass 1)"
window perf record -q -F 999 --call-graph dwarf,16384 -p "$server" -o "$work/perf.data" \
  -- sleep "$each" > /dev/null
echo "(split into stages at the end: unwinding takes a while)"

echo "== 3. strace -c (system calls per callback)"
n=$(window timeout -s INT "$each" strace -c -f -p "$server" -o "$work/strace.txt")
echo "$n callbacks in the window"
awk -v n="$n" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ && $NF != "total" {
  printf "%-16s %6.2f per callback\n", $NF, $4 / n }' "$work/strace.txt" | sort -k2 -nr | head -12

echo "== 4. allocations per callback"
if perf probe -q -x "$(ldd "$build/bot/groupdesk" | awk '/libc.so/ {print $3}')" malloc 2>/dev/null; then
  n=$(window perf stat -e probe_libc:malloc -p "$server" -o "$work/malloc.txt" -- sleep "$each")
  calls=$(awk '/probe_libc:malloc/ {gsub(",", "", $1); print $1}' "$work/malloc.txt")
  echo "$(python3 -c "print(f'{$calls / $n:.0f}')") malloc calls per callback"
else
  echo "(no uprobe on malloc here)"
fi
wait "$load" || true
echo "== wrk over all passes: $(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")/s"
echo "== 2. (continued) stages"
perf script -i "$work/perf.data" -F tid,ip,sym 2>/dev/null > "$work/stacks.txt"
python3 bench/callback_stages.py "$work/stacks.txt" "$cpu_us"
