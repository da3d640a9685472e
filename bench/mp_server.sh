# Sourced by the Official Account load scripts (run_vs_nginx.sh, profile_callbacks.sh,
# soak_rss.sh, ab_builds.sh): the server's config, its 10,000 keyword rules and the request files,
# all under $work, and the readings they print.
# Needs: build, work, port, rules (a count); sets mp_token and, after mp_server_start, server.
mp_token=bench-admin-token-0123456789abcdefghij
# The channel's secrets, shared with bench/make_callbacks (which signs with the same ones) and
# with the Node peer of run_vs_nginx.sh.
mp_channel_token=GroupDeskMpToken2026
mp_aes_key=3nVrx2zzilnhlUG6WX3yAQeuVrTJTdSZaDMfgq9gOOk
mp_app_id=wx8b2c4d6e8f0a1b3c

# The config: one Official Account in safe mode, reply-window tracking on, log level warn.
mp_server_config() {
  cat > "$work/bench.json" <<JSON
{ "listen": {"address": "127.0.0.1", "port": $port, "threads": 2},
  "database": "$work/bench.db",
  "log": {"level": "${LOG_LEVEL:-warn}"},
  "http": {"max_body_bytes": 16777216},
  "api_tokens": [{"name": "bench", "role": "admin", "token": "$mp_token"}],
  "reply_window": {"enabled": true, "alerts_to": {"webhook_key": "bench-agents-webhook-key"}},
  "channels": [
    {"name": "service-account", "kind": "mp", "token": "$mp_channel_token",
     "encoding_aes_key": "$mp_aes_key", "receive_id": "$mp_app_id"} ] }
JSON
  # Every message mentions 快递, one of the four fixed rules: each gets the rule's answer (the
  # flood guard counts per chat, and every follower is a chat of their own).
  python3 bench/keyword_rules.py "$rules" > "$work/rules.json"
}

# $1 request count per file, $2 file prefix under $work, $3 first MsgId: two files (one per wrk
# thread) of distinct callbacks, each from a follower of its own. Valid for about 30 minutes
# (their timestamps must be near the server's clock).
mp_callbacks() {
  "$build/bench/make_callbacks" "$1" 2 "$work/$2-" "$3" mp-users
}

# Starts the server on a fresh database, with `$@` in front of it (perf, valgrind...), and
# imports the rules.
mp_server_start() {
  rm -f "$work"/bench.db*
  "$@" "$build/bot/groupdesk" serve --config "$work/bench.json" > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  curl -sSf -o /dev/null -H "Authorization: Bearer $mp_token" -H 'Content-Type: application/json' \
    --data-binary @"$work/rules.json" "http://127.0.0.1:$port/api/v1/keywords/import"
  echo "== $rules keyword rules imported"
}

# After the import: waits for the memory trimmer (every 10 s) to give the import's transient
# memory back, prints the peak so far and the resident size, then restarts VmHWM (clear_refs 5,
# root only) so that a later VmHWM is the peak under load alone.
mp_after_import() {
  sleep 11
  echo "== peak RSS with the import: $(server_status VmHWM); after it: $(server_status VmRSS)"
  echo 5 > /proc/$server/clear_refs 2>/dev/null || echo "(VmHWM not reset: needs root)"
}

# Callbacks answered so far (the server's own counter).
mp_answered() {
  curl -s "http://127.0.0.1:$port/metrics" -H "Authorization: Bearer $mp_token" |
    awk '/^groupdesk_callbacks_total\{channel="service-account",outcome="replied"\}/ {print $2}'
}

# A line of the server's /proc status (VmRSS, VmHWM) as "<size> kB".
server_status() { grep "^$1:" "/proc/$server/status" | awk '{print $2, $3}'; }

# Requests per second and the p99 (with its unit) of a wrk --latency report.
wrk_rate() { awk '/Requests\/sec/ {print $2}' "$1"; }
wrk_p99() { awk '$1 == "99%" {print $2}' "$1"; }
