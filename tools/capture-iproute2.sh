#!/bin/sh
# Capture the rtnetlink request bytes that iproute2's `ip` sends for a set of
# link commands and write them as golden fixtures to
# test/fixtures/iproute2/links.json.
#
# Usage (as root):  sh tools/capture-iproute2.sh
#
# Safety: nothing here touches the host's interfaces. The driver runs inside a
# throwaway network + PID namespace (`unshare --net --pid --fork --mount-proc`),
# so PID 1 is the driver shell and "netns 1" means that throwaway namespace,
# not the host's. Every fixture is captured in its own, nested, throwaway
# network namespace (`unshare --net`) that starts empty, gets the base
# prerequisites (veth p0/p0b, bridge br0), the fixture's own setup commands,
# and then the traced command. All namespaces vanish when their shell exits;
# /run/netns is never used.
#
# Each fixture is isolated, so interface indexes are the same run to run. Only
# nlmsg_seq (a timestamp chosen by ip) and possibly nlmsg_pid vary between
# runs; consumers must ignore those two header fields.
#
# Internal modes (used by the script itself):
#   --driver TMPDIR            run inside the outer throwaway namespace
#   --capture DIR SETUP ARGS   run inside one per-fixture namespace

set -eu

SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT_DIR="$ROOT/test/fixtures/iproute2"
OUT="$OUT_DIR/links.json"

# Base prerequisites created in every per-fixture namespace, in this order.
BASE_SETUP='link add p0 type veth peer name p0b;link add br0 type bridge'

# Fixture list: NAME|EXTRA SETUP (ip argument lists separated by ';')|COMMAND
# Commands are split on whitespace; no argument may contain spaces or '|'.
fixtures() {
	cat <<'EOF'
bridge-basic||link add br0x type bridge
bridge-options||link add br1 type bridge stp_state 1 forward_delay 400 ageing_time 30000 vlan_filtering 1 mcast_snooping 0
bridge-stp-timers||link add br3 type bridge stp_state 1 forward_delay 400 ageing_time 30000
bridge-vlan-filtering||link add br4 type bridge vlan_filtering 1
bridge-mcast-snooping-off||link add br5 type bridge mcast_snooping 0
bridge-add-up||link add br2 up type bridge
veth-basic||link add v0 type veth peer name v1
veth-mtu-address||link add v2 mtu 1400 address 02:00:00:00:00:02 type veth peer name v3 mtu 1400 address 02:00:00:00:00:03
veth-peer-netns-pid||link add v4 type veth peer name v5 netns 1
veth-queues||link add v6 txqueuelen 100 numtxqueues 2 numrxqueues 2 type veth peer name v7
veth-master||link add v8 master br0 type veth peer name v9
macvlan-bridge||link add link p0 name mv0 type macvlan mode bridge
macvlan-private||link add link p0 name mv0 type macvlan mode private
macvlan-vepa||link add link p0 name mv0 type macvlan mode vepa
macvlan-passthru||link add link p0 name mv0 type macvlan mode passthru
macvlan-source||link add link p0 name mv0 type macvlan mode source
macvlan-address||link add link p0 name mv1 address 02:00:00:00:00:30 type macvlan mode bridge
macvtap-bridge||link add link p0 name mvt0 type macvtap mode bridge
vxlan-basic||link add vx0 type vxlan id 42 dstport 4789 local 198.18.0.1 dev p0
vxlan-remote-ttl-nolearning||link add vx1 type vxlan id 43 dstport 4789 remote 198.18.0.2 ttl 64 nolearning
vxlan-group||link add vx2 type vxlan id 44 group 239.1.1.1 dev p0 dstport 8472
vxlan-ipv6||link add vx3 type vxlan id 45 dstport 4789 local 2001:db8::1 remote 2001:db8::2
vlan-basic||link add link p0 name p0.10 type vlan id 10
vlan-8021ad||link add link p0 name p0.20 type vlan protocol 802.1ad id 20
ipvlan-l2||link add link p0 name ipv0 type ipvlan mode l2
ipvlan-l3||link add link p0 name ipv0 type ipvlan mode l3
ipvlan-l3s||link add link p0 name ipv0 type ipvlan mode l3s
ipvlan-l2-private||link add link p0 name ipv0 type ipvlan mode l2 private
ifb-basic||link add ifbx type ifb
dummy-basic||link add d0 type dummy
gre-basic||link add gre1 type gre remote 198.18.0.2 local 198.18.0.1 ttl 64
gretap-basic||link add gt0 type gretap remote 198.18.0.2 local 198.18.0.1
ipip-basic||link add ipip0 type ipip remote 198.18.0.2 local 198.18.0.1
geneve-basic||link add gnv0 type geneve id 5 remote 198.18.0.2
bond-basic||link add bond0 type bond mode active-backup miimon 100
vrf-basic||link add vrf0 type vrf table 10
wireguard-basic||link add wg0 type wireguard
gre-key-dev||link add gre2 type gre remote 198.18.0.2 local 198.18.0.1 key 42 ttl 64 tos 0x10 dev p0
gre-ikey-okey-csum-seq||link add gre3 type gre remote 198.18.0.2 local 198.18.0.1 ikey 1 okey 2 csum seq nopmtudisc fwmark 7
gre-encap-fou||link add gre4 type gre remote 198.18.0.2 local 198.18.0.1 encap fou encap-sport auto encap-dport 5555 encap-csum
gre-external||link add gre5 type gre external
gretap-key||link add gt1 type gretap remote 198.18.0.2 local 198.18.0.1 key 9 ignore-df nopmtudisc
ip6gre-basic||link add ip6gre1 type ip6gre remote 2001:db8::2 local 2001:db8::1
ip6gretap-key-hoplimit||link add ip6gt1 type ip6gretap remote 2001:db8::2 local 2001:db8::1 key 7 hoplimit 64 encaplimit none
erspan-v1||link add ers1 type erspan remote 198.18.0.2 local 198.18.0.1 seq key 10 erspan_ver 1 erspan 123
erspan-v2||link add ers2 type erspan remote 198.18.0.2 local 198.18.0.1 seq key 11 erspan_ver 2 erspan_dir egress erspan_hwid 7
ipip-ttl-dev||link add ipip1 type ipip remote 198.18.0.2 local 198.18.0.1 ttl 64 tos inherit dev p0
ipip-local-only||link add ipip2 type ipip local 198.18.0.1
sit-basic||link add sit1 type sit remote 198.18.0.2 local 198.18.0.1 ttl 64
sit-any||link add sit2 type sit mode any remote 198.18.0.2 local 198.18.0.1
ip6tnl-basic||link add ip6t0 type ip6tnl remote 2001:db8::2 local 2001:db8::1
ip6tnl-ip6ip6||link add ip6t1 type ip6tnl mode ip6ip6 remote 2001:db8::2 local 2001:db8::1
ip6tnl-ipip6||link add ip6t2 type ip6tnl mode ipip6 remote 2001:db8::2 local 2001:db8::1 hoplimit 64 encaplimit 4 flowlabel 0x12345 dev p0
ip6tnl-any-inherit||link add ip6t3 type ip6tnl mode any remote 2001:db8::2 encaplimit none flowlabel inherit
vti-keys||link add vti1 type vti remote 198.18.0.2 local 198.18.0.1 ikey 5 okey 6
vti6-key||link add vti61 type vti6 remote 2001:db8::2 local 2001:db8::1 key 7 fwmark 3
geneve-dstport-ttl||link add gnv1 type geneve id 6 remote 198.18.0.2 dstport 6081 ttl 64 tos 0x10
geneve-ipv6||link add gnv2 type geneve id 7 remote 2001:db8::2 dstport 6082 flowlabel 5 noudp6zerocsumrx
geneve-external||link add gnv3 type geneve external
bond-lacp||link add bond1 type bond mode 802.3ad miimon 100 lacp_rate fast xmit_hash_policy layer3+4 min_links 1 ad_select bandwidth updelay 200 downdelay 200
bond-primary||link add bond2 type bond mode active-backup miimon 50 primary p0
set-bond-port-master|link add bond0 type bridge|link set p0 master bond0
set-bond-slave||link set p0 type bond_slave queue_id 1
set-vrf-port-master|link add vrf0 type bridge|link set p0 master vrf0
vrf-table-100||link add vrf1 type vrf table 100
set-up||link set p0 up
set-down|link set p0 up|link set p0 down
set-mtu||link set p0 mtu 1400
set-address||link set p0 address 02:00:00:00:00:10
set-master||link set p0 master br0
set-nomaster|link set p0 master br0|link set p0 nomaster
set-alias||link set p0 alias hello
set-txqueuelen||link set p0 txqueuelen 500
set-promisc-on||link set p0 promisc on
set-promisc-off|link set p0 promisc on|link set p0 promisc off
set-arp-off||link set p0 arp off
set-name||link set p0 name p0new
set-name-back|link set p0 name p0new|link set p0new name p0
set-group||link set p0 group 7
set-netns-pid||link set p0b netns 1
set-multi||link set p0 up mtu 1400 txqueuelen 500
set-addrgenmode||link set p0 addrgenmode none
set-xdp-off||link set p0 xdp off
set-bridge-options||link set br0 type bridge stp_state 1 forward_delay 400
set-bridge-slave|link set p0 master br0|link set p0 type bridge_slave cost 10 learning off
set-macvlan-macaddr|link add link p0 name mv0 type macvlan mode source|link set mv0 type macvlan macaddr set 02:00:00:00:00:20 02:00:00:00:00:21
property-add-altname||link property add dev p0 altname p0-alt
del-basic|link add v0 type veth peer name v1|link del v0
del-group|link set p0 group 7;link set br0 group 7|link del group 7
EOF
}

run_ip_list() { # run a ';'-separated list of ip argument lists, untraced
	_list=$1
	_old_ifs=$IFS
	IFS=';'
	for _cmd in $_list; do
		IFS=$_old_ifs
		# shellcheck disable=SC2086
		ip $_cmd
		IFS=';'
	done
	IFS=$_old_ifs
}

if [ "${1:-}" = "--capture" ]; then
	# Inside one fresh per-fixture network namespace.
	dir=$2
	setup=$3
	shift 3
	ip link set lo up
	run_ip_list "$BASE_SETUP"
	[ -n "$setup" ] && run_ip_list "$setup"
	ip -o link show >"$dir/links.before"
	set +e
	strace -f -e trace=sendmsg,sendto -e write=all -xx -s 65536 \
		-o "$dir/strace" ip "$@" >"$dir/stdout" 2>"$dir/stderr"
	echo $? >"$dir/rc"
	set -e
	ip -o link show >"$dir/links.after" 2>&1 || true
	exit 0
fi

if [ "${1:-}" = "--driver" ]; then
	# Inside the outer throwaway net+pid namespace; we are PID 1 here.
	tmp=$2
	set -f # no globbing when splitting argument lists
	i=0
	fixtures | while IFS='|' read -r name setup cmd; do
		[ -z "$name" ] && continue
		i=$((i + 1))
		dir="$tmp/$(printf '%03d' "$i")"
		mkdir -p "$dir"
		printf '%s\n' "$name" >"$dir/name"
		printf '%s\n' "$setup" >"$dir/setup"
		printf '%s\n' "$cmd" >"$dir/cmd"
		# shellcheck disable=SC2086
		if ! unshare --net -- sh "$SELF" --capture "$dir" "$setup" $cmd \
			>"$dir/capture.log" 2>&1; then
			echo "capture failed for $name (see $dir/capture.log)" >&2
		fi
	done
	exit 0
fi

# ---- top level -------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "capture-iproute2.sh: must run as root (uses unshare --net)" >&2
	exit 1
fi
for tool in ip strace unshare node; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "capture-iproute2.sh: missing $tool" >&2
		exit 1
	}
done

IP_VERSION=$(ip -V | sed -n 's/.*iproute2-\{0,1\}\([0-9][0-9.]*\).*/\1/p')
TMP=$(mktemp -d /tmp/netloom-iproute2.XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM

unshare --net --pid --fork --mount-proc -- sh "$SELF" --driver "$TMP"

mkdir -p "$OUT_DIR"
node --input-type=commonjs - "$TMP" "$OUT" "$IP_VERSION" "$BASE_SETUP" <<'NODE'
const fs = require('fs');
const path = require('path');
const [tmp, out, ipVersion, baseSetup] = process.argv.slice(2);

const LINK_REQUEST_TYPES = new Set([16, 17, 19, 108, 109]); // NEW/DEL/SETLINK, NEW/DELLINKPROP

// Split strace -e write=all output into syscalls, each with the bytes it sent
// (all iovec buffers concatenated), parsed from the hex dump lines.
function parseStrace(text) {
  const calls = [];
  let cur = null;
  for (const line of text.split('\n')) {
    const m = /^\d+\s+(sendmsg|sendto)\((\d+),/.exec(line);
    if (m) {
      cur = { syscall: m[1], fd: Number(m[2]), ret: null, bytes: [] };
      const r = /\)\s+=\s+(-?\d+)/.exec(line);
      if (r) cur.ret = Number(r[1]);
      calls.push(cur);
      continue;
    }
    const h = /^ \| [0-9a-f]{5}  (.{1,48})/.exec(line);
    if (h && cur) {
      for (const tok of h[1].trim().split(/\s+/)) {
        if (/^[0-9a-f]{2}$/.test(tok)) cur.bytes.push(parseInt(tok, 16));
      }
      continue;
    }
    if (/^\d+\s/.test(line)) cur = null; // some other event (exit, signal)
  }
  return calls.map((c) => ({ ...c, buf: Buffer.from(c.bytes) }));
}

// Split a buffer into netlink messages.
function splitMessages(buf) {
  const msgs = [];
  let off = 0;
  while (off + 16 <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (len < 16 || off + len > buf.length) break;
    msgs.push(buf.subarray(off, off + len));
    off += (len + 3) & ~3;
  }
  return msgs;
}

// IFLA_IFNAME values from RTM_GETLINK requests (names ip resolved).
function resolvedNames(msgs) {
  const names = [];
  for (const m of msgs) {
    if (m.readUInt16LE(4) !== 18) continue;
    let off = 32;
    while (off + 4 <= m.length) {
      const len = m.readUInt16LE(off);
      const type = m.readUInt16LE(off + 2) & 0x3fff;
      if (len < 4) break;
      if (type === 3) names.push(m.subarray(off + 4, off + len).toString().replace(/\0.*$/s, ''));
      off += (len + 3) & ~3;
    }
  }
  return names;
}

function parseLinks(text) {
  const map = {};
  for (const line of text.split('\n')) {
    const m = /^(\d+):\s+([^:@\s]+)[@:]/.exec(line);
    if (m) map[m[2]] = Number(m[1]);
  }
  return map;
}

const splitArgs = (s) => s.trim().split(/\s+/).filter(Boolean);
const splitList = (s) => s.split(';').map(splitArgs).filter((a) => a.length);

const fixtures = [];
const failures = [];
for (const d of fs.readdirSync(tmp).sort()) {
  const dir = path.join(tmp, d);
  if (!fs.statSync(dir).isDirectory()) continue;
  const read = (f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : null);
  const name = read('name').trim();
  const argv = splitArgs(read('cmd'));
  const setup = [...splitList(baseSetup), ...splitList(read('setup'))];
  const straceText = read('strace');
  const rcText = read('rc');
  if (straceText === null || rcText === null) {
    failures.push(`${name}: not run (${(read('capture.log') || '').trim()})`);
    continue;
  }
  const calls = parseStrace(straceText);
  const msgs = calls.flatMap((c) => splitMessages(c.buf));
  const requests = msgs.filter((m) => LINK_REQUEST_TYPES.has(m.readUInt16LE(4)));
  // Skip the 32-byte empty RTM_NEWLINK probe (iplink_have_newlink) unless it is all there is.
  const real = requests.filter((m) => m.length > 32);
  const req = (real.length ? real : requests).at(-1);
  if (!req) {
    failures.push(`${name}: no link request found in strace output`);
    continue;
  }
  const before = parseLinks(read('links.before') || '');
  const ifindex = {};
  for (const n of [...argv, ...resolvedNames(msgs)]) {
    if (Object.hasOwn(before, n) && !Object.hasOwn(ifindex, n)) ifindex[n] = before[n];
  }
  const rc = Number(rcText.trim());
  const stderr = (read('stderr') || '').trim();
  fixtures.push({
    name,
    argv,
    setup,
    kernelAccepted: rc === 0,
    kernelError: stderr,
    exitCode: rc,
    ifindex,
    iproute2: ipVersion,
    hex: Buffer.from(req).toString('hex'),
  });
}
fs.writeFileSync(out, JSON.stringify(fixtures, null, 2) + '\n');
for (const f of fixtures) {
  console.log(`${f.kernelAccepted ? 'accepted' : 'rejected'}  ${f.name}${f.kernelError ? '  (' + f.kernelError.split('\n')[0] + ')' : ''}`);
}
for (const f of failures) console.error(`FAILED  ${f}`);
console.log(`wrote ${fixtures.length} fixtures to ${path.relative(process.cwd(), out)}`);
if (failures.length) process.exit(1);
NODE
