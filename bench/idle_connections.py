#!/usr/bin/env python3
"""Holds N connections to a local server open while a load test runs: half idle, half slow
(sending a header byte now and then), to show they do not delay real callbacks."""
import socket
import sys
import time

port, count, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
socks = []
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    if i % 2:
        s.send(b"POST /callback/corp-app HTTP/1.1\r\n")
    socks.append(s)
print(f"{len(socks)} connections open", flush=True)
deadline = time.time() + seconds
while time.time() < deadline:
    time.sleep(1)
    for i, s in enumerate(socks):
        if i % 2:
            try:
                s.send(b"X")  # a slow client: one byte a second
            except OSError:
                pass
