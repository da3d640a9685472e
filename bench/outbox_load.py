#!/usr/bin/env python3
"""Load and measurement for bench/run_outbox.sh: creates N tickets over REST in M group chats,
changes them all as fast as T keep-alive connections allow (each change writes one notification),
waits until the platform sink has logged N deliveries, then prints deliveries per second and the
change-to-delivery latency. Clocks: the change's time is taken just before its PATCH is written,
the delivery's by the sink on receipt, both CLOCK_REALTIME on this machine.
With BACKLOG=1 (and SINK_PID) the sink is stopped while the changes are made and resumed after
them: the rate at which the backlog of N rows drains is delivery alone, without the changes."""
import http.client
import json
import os
import signal
import sys
import threading
import time

port, token, n, groups, threads, sink_log = (
    int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
    sys.argv[6])
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}


def run_parallel(work):
    """Runs work(conn, i) for i in 0..n-1 over `threads` keep-alive connections."""
    errors = []

    def loop(first):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for i in range(first, n, threads):
            try:
                work(conn, i)
            except Exception as e:  # a failed request is reported, the rest go on
                errors.append(repr(e))
                conn = http.client.HTTPConnection("127.0.0.1", port)
    pool = [threading.Thread(target=loop, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        sys.exit(f"{len(errors)} requests failed, first: {errors[0]}")


numbers = [0] * n


def create(conn, i):
    body = json.dumps({"title": f"bench ticket {i}", "channel": "group-bot",
                       "group": f"chat-{i % groups}", "group_kind": "chat"})
    conn.request("POST", "/api/v1/tickets", body, headers)
    r = conn.getresponse()
    data = r.read()
    if r.status != 201:
        raise RuntimeError(f"create: {r.status} {data[:200]}")
    numbers[i] = json.loads(data)["number"]


changed_at = {}


def change(conn, i):
    body = json.dumps({"priority": "high"})
    at = time.time_ns()
    conn.request("PATCH", f"/api/v1/tickets/{numbers[i]}", body, headers)
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        raise RuntimeError(f"change: {r.status} {data[:200]}")
    changed_at[numbers[i]] = at


def sink_lines():
    with open(sink_log) as f:
        return [line.split() for line in f if line.endswith("\n")]


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


t0 = time.time()
run_parallel(create)
print(f"== created {n} tickets in {groups} groups in {time.time() - t0:.1f}s")
# A ticket made over REST is announced in its chat: let those n deliveries pass first.
deadline = time.time() + float(os.environ.get("WAIT", "120"))
while len(sink_lines()) < n and time.time() < deadline:
    time.sleep(0.2)
before = len(sink_lines())
print(f"== {before} announcements of the new tickets delivered")

backlog = os.environ.get("BACKLOG") == "1"
if backlog:
    os.kill(int(os.environ["SINK_PID"]), signal.SIGSTOP)
start = time.time_ns()
run_parallel(change)
changes_done = time.time_ns()
print(f"== {n} changes over {threads} connections in {(changes_done - start) / 1e9:.2f}s "
      f"({n / ((changes_done - start) / 1e9):.0f} changes/s)")
if backlog:
    time.sleep(1)  # every row committed and looked at; the senders wait on the stopped sink
    start = time.time_ns()
    os.kill(int(os.environ["SINK_PID"]), signal.SIGCONT)
    print("== sink resumed with the backlog of changes")

deadline = time.time() + float(os.environ.get("WAIT", "120"))
while len({num for _, num in sink_lines()[before:]}) < n and time.time() < deadline:
    time.sleep(0.2)
time.sleep(0.5)  # a second send of a row, were there one, has come by now
lines = sink_lines()[before:]
delivered = {}
for at, number in lines:
    delivered.setdefault(int(number), []).append(int(at))
missing = [num for num in changed_at if num not in delivered]
twice = sum(1 for v in delivered.values() if len(v) > 1)
if not lines:
    sys.exit("no deliveries")
first_at = min(int(a) for a, _ in lines)
last_at = max(int(a) for a, _ in lines)
latencies = sorted((min(delivered[num]) - at) / 1e6 for num, at in changed_at.items()
                   if num in delivered)
window = (last_at - start) / 1e9  # from the first change, or from the resume with BACKLOG=1
print(f"== delivered {len(lines)} (distinct tickets {len(delivered)}, missing {len(missing)}, "
      f"more than once {twice})")
print(f"== deliveries/s, {'resume' if backlog else 'first change'} to last delivery: {len(lines) / window:.0f} "
      f"({len(lines)} in {window:.2f}s); first to last delivery: "
      f"{len(lines) / max(1e-9, (last_at - first_at) / 1e9):.0f}/s")
print(f"== change-to-delivery latency ms: p50 {percentile(latencies, 50):.1f} "
      f"p90 {percentile(latencies, 90):.1f} p99 {percentile(latencies, 99):.1f} "
      f"max {latencies[-1]:.1f}")
print(f"== last delivery {(last_at - changes_done) / 1e6:.0f} ms after the last change answered")
