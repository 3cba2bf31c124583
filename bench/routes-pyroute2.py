#!/usr/bin/python3
"""Routes at scale with pyroute2 IPRoute (run it under anchors/fresh-netns).

Setup (in wall, not a phase): veth r0/r1 both up, r0 198.18.0.1/24.
add:  N host routes 198.18.1.0/32, 198.18.1.1/32, ... (inside 198.18.0.0/15)
      via 198.18.0.2, one synchronous ipr.route("add", ...) each (a request
      that waits for its ACK, pyroute2's normal API, as anchors/pyroute2/w1.py).
dump: ipr.get_routes(family=AF_INET, table=254) (every message parsed), counted:
      N + 1 (the connected 198.18.0.0/24).
del:  DEL=each (default): one ipr.route("del", ...) per route;
      DEL=flush: ipr.flush_routes(family=AF_INET, table=254, proto=4): pyroute2 adds
      routes with proto static (4) by default; its flush dumps, then sends one
      RTM_DELROUTE per route without waiting for the ACKs.
Then checks that only the connected route is left.
"""
import os
import socket
import sys
import time

from pyroute2 import IPRoute

N = int(os.environ.get("N", "100000"))
DEL = os.environ.get("DEL", "each")
if not 1 <= N <= 130816:
    sys.exit("N must be 1..130816")
if DEL not in ("each", "flush"):
    sys.exit("DEL must be each or flush")
TAG = "pyroute2" if DEL == "each" else "pyroute2-flush"


def dst(k):
    o = 256 + k
    return f"198.{18 + (o >> 16)}.{(o >> 8) & 255}.{o & 255}"


with IPRoute() as ipr:
    ipr.link("add", ifname="r0", kind="veth", peer="r1")
    r0 = ipr.link_lookup(ifname="r0")[0]
    r1 = ipr.link_lookup(ifname="r1")[0]
    ipr.addr("add", index=r0, address="198.18.0.1", prefixlen=24)
    ipr.link("set", index=r0, state="up")
    ipr.link("set", index=r1, state="up")

    t0 = time.monotonic()
    for k in range(N):
        ipr.route("add", dst=dst(k), dst_len=32, gateway="198.18.0.2")
    t1 = time.monotonic()
    count = sum(1 for _ in ipr.get_routes(family=socket.AF_INET, table=254))
    if count != N + 1:
        sys.exit(f"ROUTES {TAG}: dump counted {count} routes, expected {N + 1}")
    t2 = time.monotonic()
    if DEL == "each":
        for k in range(N):
            ipr.route("del", dst=dst(k), dst_len=32, gateway="198.18.0.2")
    else:
        ipr.flush_routes(family=socket.AF_INET, table=254, proto=4)
    t3 = time.monotonic()
    left = sum(1 for _ in ipr.get_routes(family=socket.AF_INET, table=254))
    if left != 1:
        sys.exit(f"ROUTES {TAG}: {left} routes left after the delete, expected 1")
    ipr.link("del", index=r0)
print(f"ROUTES {TAG} ok: {count} routes dumped; add {t1-t0:.3f}s dump {t2-t1:.3f}s del {t3-t2:.3f}s")
