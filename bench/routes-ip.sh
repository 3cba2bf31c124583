#!/bin/sh
# Routes at scale with iproute2 (run it under anchors/fresh-netns).
# Setup (untimed phase, in wall): veth r0/r1 both up, r0 198.18.0.1/24.
# add:  N host routes 198.18.1.0/32, 198.18.1.1/32, ... (the N addresses after
#       198.18.0.255, all inside 198.18.0.0/15) via 198.18.0.2, one `ip -batch`.
# dump: `ip -4 route show` (the main table, every route formatted), counted:
#       N + 1 (the connected 198.18.0.0/24).
# del:  DEL=batch (default): one `ip -batch` of `route del DST via GW` lines;
#       DEL=flush: `ip -4 route flush proto boot` (ip dumps, then sends the
#       deletes in big buffers without waiting for each answer, and repeats
#       until nothing matches: the alternative to a delete per line).
# Then checks that only the connected route is left.
set -e
N=${N:-100000}
DEL=${DEL:-batch}
case "$DEL" in batch|flush) ;; *) echo "DEL must be batch or flush" >&2; exit 2 ;; esac
if [ "$N" -lt 1 ] || [ "$N" -gt 130816 ]; then echo "N must be 1..130816" >&2; exit 2; fi
now() { date +%s.%N; }
d() { awk "BEGIN { printf \"%.3f\", $2 - $1 }"; }
routes() { # $1 = add | del
  awk -v n="$N" -v op="$1" 'BEGIN { for (k = 0; k < n; k++) { o = 256 + k
    printf "route %s 198.%d.%d.%d/32 via 198.18.0.2\n", op, 18 + int(o / 65536), int(o / 256) % 256, o % 256 } }'
}
ip link add r0 type veth peer name r1
ip addr add 198.18.0.1/24 dev r0
ip link set r0 up
ip link set r1 up
t0=$(now)
routes add | ip -batch -
t1=$(now)
count=$(ip -4 route show | wc -l)
expect=$((N + 1))
if [ "$count" -ne "$expect" ]; then echo "ROUTES ip: dump counted $count routes, expected $expect" >&2; exit 1; fi
t2=$(now)
if [ "$DEL" = batch ]; then
  routes del | ip -batch -
else
  ip -4 route flush proto boot
fi
t3=$(now)
left=$(ip -4 route show | wc -l)
if [ "$left" -ne 1 ]; then echo "ROUTES ip: $left routes left after the delete, expected 1" >&2; exit 1; fi
ip link del r0
tag=ip-batch; [ "$DEL" = flush ] && tag=ip-flush
echo "ROUTES $tag ok: $count routes dumped; add $(d $t0 $t1)s dump $(d $t1 $t2)s del $(d $t2 $t3)s"
