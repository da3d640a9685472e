#!/usr/bin/env bash
# GroupDesk against nginx `return 200` on the same machine, the same wrk load and the same request
# files, one after the other: the ceiling of what this machine can answer at all, and how close
# the callback path comes to it. The callbacks are the full path of an Official Account: distinct
# encrypted messages, each from a follower of its own, each answered by a keyword rule (10,000
# loaded) with an encrypted reply, with durable dedup and reply-window tracking on. At 64
# connections (wrk -t2, sharing the 2 cores with the server) and at 4 (light load); both rates,
# both p99s and their ratios are printed. When node and npm are installed, the Node peer
# (bench/node_peer: express and the official @wecom/crypto package, 2 workers, nothing durable)
# answers the same request files in between, and GroupDesk's ratio to it is printed too; its
# packages are installed from the lock file into the run's temporary directory.
# Usage: bench/run_vs_nginx.sh [BUILD_DIR]   (needs wrk, nginx-light, curl, python3; loopback)
# Knobs (environment): DURATION, PER_FILE, RULES, PEER (0: skip the Node peer).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
duration=${DURATION:-10}
per_file=${PER_FILE:-150000}
rules=${RULES:-10000}
port=18095
nginx_port=18096
peer_port=18094
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT

source bench/mp_server.sh
mp_server_config
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_buffer_size 16k;
  server { listen 127.0.0.1:$nginx_port; location / { return 200 "success"; } }
}
NGINX

echo "== generating $((per_file * 2 * 3)) distinct Official Account callbacks"
# (nginx reads its set again when it runs out; GroupDesk stops rather than replay one.)
mp_callbacks "$per_file" g64 8600000000000000000
mp_callbacks "$per_file" g4 8610000000000000000
mp_callbacks "$per_file" n 8620000000000000000
sync

load() {  # $1 target port, $2 connections, $3 request files, $4 label
  CALLBACKS_PREFIX="$work/$3-" CALLBACKS_CYCLE=${CYCLE:-0} wrk -t2 -c"$2" -d"${duration}s" --latency \
    -s bench/callback.lua "http://127.0.0.1:$1" > "$work/wrk-$4.txt"
  echo "== $4: $(wrk_rate "$work/wrk-$4.txt") requests/s, p99 $(wrk_p99 "$work/wrk-$4.txt")"
}

mp_server_start
mp_after_import
load "$port" 64 g64 groupdesk-64
load "$port" 4 g4 groupdesk-4
echo "== groupdesk peak RSS under load: $(server_status VmHWM)"
kill -TERM "$server"; wait "$server" || true

peer=0
if [ "${PEER:-1}" != 0 ] && command -v node > /dev/null && command -v npm > /dev/null; then
  mkdir "$work/peer"
  cp bench/node_peer/package.json bench/node_peer/package-lock.json bench/node_peer/server.js \
    "$work/peer/"
  (cd "$work/peer" && npm ci --silent --no-audit --no-fund)
  TOKEN=$mp_channel_token AES_KEY=$mp_aes_key APP_ID=$mp_app_id WORKERS=2 \
    node "$work/peer/server.js" "$peer_port" &
  peer_pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$peer_port/" && break; sleep 0.2; done
  # The same files as GroupDesk's: the peer's MsgId memory starts empty.
  load "$peer_port" 64 g64 peer-64
  load "$peer_port" 4 g4 peer-4
  kill "$peer_pid"; wait "$peer_pid" || true
  peer=1
fi

nginx -c "$work/nginx.conf"
sleep 0.5
CYCLE=1 load "$nginx_port" 64 n nginx-64
CYCLE=1 load "$nginx_port" 4 n nginx-4

python3 - "$work" "$peer" <<'PY'
import re, sys
def read(label):
    text = open(f"{sys.argv[1]}/wrk-{label}.txt").read()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return rate, float(p99.group(1)) * scale
for c in (64, 4):
    g, n = read(f"groupdesk-{c}"), read(f"nginx-{c}")
    print(f"== {c} connections: groupdesk {g[0]:,.0f}/s p99 {g[1]:.2f} ms; nginx {n[0]:,.0f}/s "
          f"p99 {n[1]:.2f} ms; rate ratio {g[0] / n[0]:.3f}, p99 ratio {g[1] / n[1]:.2f}")
    if sys.argv[2] == "1":
        p = read(f"peer-{c}")
        print(f"== {c} connections: Node peer {p[0]:,.0f}/s p99 {p[1]:.2f} ms; GroupDesk "
              f"{g[0] / p[0]:.2f} x its rate, p99 ratio {g[1] / p[1]:.2f}")
PY
