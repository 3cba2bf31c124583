#!/usr/bin/env python3
"""Write the fuzz seed corpus (test/reliability/fuzz-seeds/): real kernel messages.

Usage (as root): python3 tools/fuzz-seeds.py

Runs itself again inside a throwaway network namespace (unshare --net), so
nothing touches the host's interfaces: it builds links of every kind the
kernel has here with iproute2, addresses, routes, neighbours, FDB entries and
a rule (198.18.0.0/15 and 2001:db8::/32 only), then reads rtnetlink dumps and
failing requests (extended ACKs with message and offset) over a raw netlink
socket and saves each datagram the kernel sent as one seed file. The
namespace vanishes when the script exits.
"""
import os
import socket
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'reliability', 'fuzz-seeds')

NLM_F_REQUEST, NLM_F_ACK, NLM_F_ROOT, NLM_F_MATCH = 1, 4, 0x100, 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_CREATE, NLM_F_EXCL = 0x400, 0x200
NETLINK_EXT_ACK, SOL_NETLINK = 11, 270
NLMSG_ERROR, NLMSG_DONE = 2, 3
AF_UNSPEC, AF_INET, AF_INET6, AF_BRIDGE = 0, 2, 10, 7
RTM = dict(GETLINK=18, NEWLINK=16, GETADDR=22, GETROUTE=26, NEWROUTE=24, GETNEIGH=30, GETRULE=34, GETNSID=90)

SETUP = [
    'link set lo up',
    'link add br0 type bridge',
    'link add v0 type veth peer name v1',
    'link set v0 master br0',
    'link add link v1 name mv0 type macvlan mode bridge',
    'link add link v1 name mvt0 type macvtap mode vepa',
    'link add vx0 type vxlan id 42 dstport 4789 local 198.18.0.1 nolearning',
    'link add ifbx type ifb',
    'tuntap add dev tp0 mode tap',
    'link set br0 up', 'link set v0 up', 'link set v1 up', 'link set vx0 up',
    'addr add 198.18.0.1/24 dev v1',
    'addr add 198.18.9.1 peer 198.18.9.2/32 dev v1',
    'addr add 2001:db8::1/64 dev v1 nodad',
    'route add 198.18.10.0/24 via 198.18.0.2 metric 5',
    'route add 198.18.11.0/24 nexthop via 198.18.0.2 weight 2 nexthop via 198.18.0.3',
    'route add blackhole 198.18.12.0/24',
    'route add 2001:db8:1::/64 via 2001:db8::2',
    'neigh add 198.18.0.7 lladdr 02:00:00:00:00:07 dev v1 nud permanent',
    'neigh add 2001:db8::7 lladdr 02:00:00:00:00:08 dev v1',
    'rule add from 198.18.0.0/24 table 100 priority 1000',
]
FDB = ['fdb append 00:00:00:00:00:00 dev vx0 dst 198.18.0.2', 'fdb add 02:00:00:00:00:09 dev v0 master static']


def nlmsg(mtype, flags, seq, payload):
    return struct.pack('=IHHII', 16 + len(payload), mtype, flags, seq, 0) + payload


def rtattr(atype, data):
    ln = 4 + len(data)
    return struct.pack('=HH', ln, atype) + data + b'\0' * ((4 - ln % 4) % 4)


def exchange(sock, msg, seq, limit=3):
    """Send one request; return the datagrams up to its DONE/ERROR (at most `limit` kept)."""
    sock.send(msg)
    kept = []
    while True:
        data = sock.recv(1 << 20)
        if len(kept) < limit:
            kept.append(data)
        off = 0
        end = False
        while off + 16 <= len(data):
            ln, mtype, _, s, _ = struct.unpack_from('=IHHII', data, off)
            if s == seq and mtype in (NLMSG_DONE, NLMSG_ERROR):
                end = True
            off += (ln + 3) & ~3 if ln >= 16 else len(data)
        if end:
            return kept


def inner():
    for cmd in SETUP:
        subprocess.run(['ip'] + cmd.split(), check=True)
    for cmd in FDB:
        subprocess.run(['bridge'] + cmd.split(), check=True)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    ifinfo = lambda fam=AF_UNSPEC: struct.pack('=BxHiII', fam, 0, 0, 0, 0)
    rtmsg = lambda fam, dst_len=0, table=0, typ=0: struct.pack('=BBBBBBBBI', fam, dst_len, 0, 0, table, 0, 0, typ, 0)
    ndmsg = lambda fam: struct.pack('=BxxxiHBB', fam, 0, 0, 0, 0)
    requests = {
        'link-dump': (RTM['GETLINK'], NLM_F_DUMP, ifinfo() + rtattr(29, struct.pack('=I', 1 | 8))),  # IFLA_EXT_MASK: VF, brvlan
        'bridge-link-dump': (RTM['GETLINK'], NLM_F_DUMP, ifinfo(AF_BRIDGE)),
        'addr-dump': (RTM['GETADDR'], NLM_F_DUMP, struct.pack('=BBBBI', AF_UNSPEC, 0, 0, 0, 0)),
        'route4-dump': (RTM['GETROUTE'], NLM_F_DUMP, rtmsg(AF_INET)),
        'route6-dump': (RTM['GETROUTE'], NLM_F_DUMP, rtmsg(AF_INET6)),
        'neigh-dump': (RTM['GETNEIGH'], NLM_F_DUMP, ndmsg(AF_UNSPEC)),
        'fdb-dump': (RTM['GETNEIGH'], NLM_F_DUMP, ndmsg(AF_BRIDGE)),
        'rule-dump': (RTM['GETRULE'], NLM_F_DUMP, struct.pack('=BBBBBBBBI', AF_INET, 0, 0, 0, 0, 0, 0, 0, 0)),
        'nsid-dump': (RTM['GETNSID'], NLM_F_DUMP, struct.pack('=Bxxx', AF_UNSPEC)),
        # Failures, for NLMSG_ERROR with the extended ACK's message and offset.
        'err-unknown-kind': (RTM['NEWLINK'], NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                             ifinfo() + rtattr(3, b'x0\0') + rtattr(18 | 0x8000, rtattr(1, b'nosuchkind\0'))),
        'err-bad-mtu': (RTM['NEWLINK'], NLM_F_ACK, ifinfo() + rtattr(3, b'v0\0') + rtattr(4, struct.pack('=I', 1))),
        'err-route-exists': (RTM['NEWROUTE'], NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                             rtmsg(AF_INET, 32, 254, 6) + rtattr(1, socket.inet_aton('198.18.0.1'))),
        'err-route-bad-attr': (RTM['NEWROUTE'], NLM_F_ACK | NLM_F_CREATE,
                               rtmsg(AF_INET, 24, 254, 1) + rtattr(1, b'\1\2')),
        'ack-ok': (RTM['NEWROUTE'], NLM_F_ACK | NLM_F_CREATE,
                   rtmsg(AF_INET, 24, 254, 6) + rtattr(1, socket.inet_aton('198.18.40.0'))),
    }
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.endswith('.bin'):
            os.unlink(os.path.join(OUT, old))
    seq = 1
    total = 0
    for name, (mtype, flags, payload) in requests.items():
        seq += 1
        for i, d in enumerate(exchange(sock, nlmsg(mtype, NLM_F_REQUEST | flags, seq, payload), seq)):
            with open(os.path.join(OUT, f'{name}-{i}.bin'), 'wb') as f:
                f.write(d)
            total += len(d)
    print(f'fuzz seeds: {len(os.listdir(OUT))} files, {total} bytes in {os.path.relpath(OUT, ROOT)}')


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--inner':
        inner()
    else:
        sys.exit(subprocess.run(['unshare', '--net', sys.executable, os.path.abspath(__file__), '--inner']).returncode)
