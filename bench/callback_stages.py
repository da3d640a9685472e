#!/usr/bin/env python3
"""Splits a CPU profile of the server into the stages of a callback.

Reads `perf script -F tid,ip,sym` of a `perf record --call-graph dwarf` run and assigns each
sample to the first stage whose marker appears in its stack, walking from the leaf: the innermost
stage wins, so a malloc inside the reply encryption counts for the reply encryption. Prints each
stage's share of the server's samples and, given the server's CPU time per callback (from
`perf stat`), its microseconds per callback; the share of allocator time inside each stage too.
Usage: bench/callback_stages.py STACKS [CPU_US_PER_CALLBACK]
"""
import collections
import re
import sys

# (stage, markers); the order settles a stack that holds markers of two stages.
STAGES = [
    ("log line", ["spdlog::", "log_answer", "BufferedFdSink"]),
    ("reply encrypt (XML, AES, SHA-1)", ["reply_answer", "encode_xml_envelope", "MsgCrypt::encrypt"]),
    ("decrypt (AES)", ["MsgCrypt::decrypt"]),
    ("decode (envelope and message XML)", ["decode_xml_message", "decode_aibot_message",
                                           "extract_xml_encrypt"]),
    ("dedup lookup (SQLite read)", ["SqliteDedupStore::find"]),
    ("write: conversation record", ["SqliteConversationStore::update"]),
    ("write: dedup record", ["SqliteDedupStore::record"]),
    ("write: keyword hit", ["record_hit"]),
    ("write: savepoints, other jobs", ["Writer::run_savepoint"]),
    ("write: commit (WAL write, fsync, checkpoint)", ["Transaction::commit", "commit_unless_moved"]),
    ("write: writer thread, other", ["Writer::loop", "Writer::commit"]),
    ("pipeline (match, guards, effects)", ["Pipeline::run"]),
    ("verify and hand-off (signature, queueing)", ["open_callback", "CallbackEndpoint::",
                                                   "CallbackAnswer"]),
    ("response write (serialise, sendmsg)", ["Session::send", "write_op", "PendingResponse",
                                             "sendmsg"]),
    ("HTTP read and parse", ["basic_parser", "Session::read_header", "Session::on_first_bytes",
                             "parse_buffered", "recvmsg", "reactive_socket_recv",
                             "Session::handle_request"]),
    ("work queue", ["WorkQueue::"]),
    ("event loop (epoll, scheduler)", ["scheduler::run", "epoll", "scheduler::do_run_one"]),
]
ALLOCATOR = re.compile(r"malloc|_int_free|cfree|malloc_consolidate|unlink_chunk|operator new|"
                       r"operator delete")


def stage_of(frames):
    for name, markers in STAGES:
        if any(marker in frame for frame in frames for marker in markers):
            return name
    return "other"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cpu_us = float(sys.argv[2]) if len(sys.argv) > 2 else None
    samples, allocator = collections.Counter(), collections.Counter()
    frames, total = [], 0

    def flush():
        nonlocal total
        if not frames:
            return
        total += 1
        stage = stage_of(frames)
        samples[stage] += 1
        if ALLOCATOR.search(" ".join(frames[:4])):
            allocator[stage] += 1

    for line in open(sys.argv[1], errors="replace"):
        if not line.strip():
            flush()
            frames = []
        elif line[0] in "\t " and line.lstrip() != line and not line.strip().isdigit():
            parts = line.strip().split(" ", 1)
            frames.append(parts[1] if len(parts) > 1 else "")
        else:
            flush()
            frames = []
    flush()
    if total == 0:
        sys.exit("no samples")
    head = f"{'stage':46s} {'share':>6s}" + (f" {'µs/callback':>12s}" if cpu_us else "")
    print(head + f" {'of it malloc/free':>18s}")
    for stage, count in samples.most_common():
        share = count / total
        line = f"{stage:46s} {100 * share:5.1f}%"
        if cpu_us:
            line += f" {share * cpu_us:12.1f}"
        print(line + f" {100 * allocator[stage] / total:17.1f}%")
    print(f"{'allocator overall':46s} {100 * sum(allocator.values()) / total:5.1f}%")
    print(f"({total} samples)")


if __name__ == "__main__":
    main()
