#!/usr/bin/env python3
"""The floor under every durable answer: how long fdatasync of a 16 KiB overwrite takes on the disk
that holds DIR (default: the current directory). Usage: fsync_latency.py [DIR] [COUNT]"""
import os
import sys
import tempfile
import time

directory = sys.argv[1] if len(sys.argv) > 1 else "."
count = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
block = b"\0" * 16384
slots = 100

fd, path = tempfile.mkstemp(prefix="groupdesk-fsync-", dir=directory)
try:
    os.ftruncate(fd, len(block) * slots)
    os.fsync(fd)
    took = []
    for i in range(count):
        os.pwrite(fd, block, (i % slots) * len(block))
        start = time.perf_counter()
        os.fdatasync(fd)
        took.append((time.perf_counter() - start) * 1000)
finally:
    os.close(fd)
    os.unlink(path)

took.sort()
def at(q):
    return took[min(len(took) - 1, int(len(took) * q))]
print(f"fdatasync, 16 KiB overwrite, {count} times: p50 {at(0.5):.3f} ms, p99 {at(0.99):.3f} ms, "
      f"p99.9 {at(0.999):.3f} ms, max {took[-1]:.3f} ms")
