#!/bin/sh
# The topology workload with iproute2 (run it under anchors/fresh-netns).
# B bridges br<k> up in the current namespace, with 198.18.<k+1>.1/24 each
# and forwarding on; N named namespaces ns<i>, each with a veth whose inner
# end eth0 (made directly inside ns<i>) has 198.18.<k+1>.<10+(i-1)/B>/24,
# lo and eth0 up and a default route via its bridge, k = (i-1) % B; the
# outer end h<i> on br<k> and up. One ping ns1 -> ns<N> (across two
# bridges and the router when B > 1), then everything deleted object by
# object (STYLE=steps) or, with the links put in group 7 at creation, one
# `link del group 7` and the namespace deletes (STYLE=group).
# ip -batch cannot change namespace between lines: the outer side is one
# batch, each namespace gets its own `ip -n ns<i> -batch -`.
set -e
N=${N:-200}
B=${B:-4}
STYLE=${STYLE:-steps}
now() { date +%s.%N; }
d() { awk "BEGIN { printf \"%.3f\", $2 - $1 }"; }
case "$STYLE" in
  steps) GROUP="" ;;
  group) GROUP=" group 7" ;;
  *) echo "STYLE must be steps or group" >&2; exit 2 ;;
esac
addr() { echo "198.18.$(( ($1 - 1) % B + 1 )).$(( 10 + ($1 - 1) / B ))"; }
t0=$(now)
sysctl -q -w net.ipv4.ip_forward=1
awk -v N="$N" -v B="$B" -v G="$GROUP" 'BEGIN {
  for (k = 0; k < B; k++) {
    print "link add br" k G " type bridge"
    print "addr add 198.18." k + 1 ".1/24 dev br" k
    print "link set br" k " up"
  }
  for (i = 1; i <= N; i++) {
    print "netns add ns" i
    print "link add h" i G " type veth peer name eth0 netns ns" i
    print "link set h" i " master br" (i - 1) % B
    print "link set h" i " up"
  } }' | ip -batch -
i=1
while [ "$i" -le "$N" ]; do
  gw="198.18.$(( (i - 1) % B + 1 )).1"
  printf 'addr add %s/24 dev eth0\nlink set lo up\nlink set eth0 up\nroute add default via %s\n' "$(addr "$i")" "$gw" \
    | ip -n "ns$i" -batch -
  i=$((i + 1))
done
t1=$(now)
ip netns exec ns1 ping -c 1 -W 5 -q "$(addr "$N")" >/dev/null || { echo "topology ip-$STYLE: ping ns1 -> ns$N failed" >&2; exit 1; }
t2=$(now)
if [ "$STYLE" = steps ]; then
  awk -v N="$N" -v B="$B" 'BEGIN {
    for (i = 1; i <= N; i++) { print "link del h" i; print "netns del ns" i }
    for (k = 0; k < B; k++) print "link del br" k }' | ip -batch -
else
  awk -v N="$N" 'BEGIN { print "link del group 7"; for (i = 1; i <= N; i++) print "netns del ns" i }' | ip -batch -
fi
t3=$(now)
left=$(ip -o link | grep -vc ': lo:' || true)
[ "$left" -eq 0 ] && [ -z "$(ls /run/netns)" ] || { echo "topology ip-$STYLE: left behind: $left links, $(ls /run/netns | wc -l) namespaces" >&2; exit 1; }
echo "TOPO ip-$STYLE ok: ping ns1 -> ns$N; build $(d $t0 $t1)s ping $(d $t1 $t2)s teardown $(d $t2 $t3)s"
