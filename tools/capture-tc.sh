#!/bin/sh
# Capture the rtnetlink request bytes that iproute2's `tc` sends for a set of
# qdisc/class/filter commands and write them as golden fixtures to
# test/fixtures/iproute2/tc.json (the tc twin of tools/capture-iproute2.sh).
#
# Usage (as root):  sh tools/capture-tc.sh
#
# Safety: as in capture-iproute2.sh, everything runs inside throwaway network
# namespaces (`unshare --net`), one per fixture, each starting empty with the
# base prerequisites (lo up, veth p0/p0b: lo=1, p0b=2, p0=3), the fixture's
# own setup commands and then the traced `tc` command. Nothing touches the
# host's interfaces; the namespaces vanish when their shell exits.
#
# nlmsg_seq (a timestamp) and nlmsg_pid vary between runs; consumers ignore them.

set -eu

SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/test/fixtures/iproute2/tc.json"

# NAME|SETUP (commands separated by ';', each starting with ip or tc)|TC ARGUMENTS
fixtures() {
	cat <<'LIST'
qdisc-tbf-latency||qdisc add dev p0 root tbf rate 10mbit burst 32kbit latency 50ms
qdisc-tbf-limit||qdisc add dev p0 root handle 1: tbf rate 8mbit burst 16kb limit 30000
qdisc-tbf-peakrate||qdisc add dev p0 root tbf rate 8mbit burst 16kb latency 20ms peakrate 10mbit mtu 1600
qdisc-tbf-rate64||qdisc add dev p0 root tbf rate 5gbit burst 1mb latency 10ms
qdisc-tbf-replace|tc qdisc add dev p0 root tbf rate 10mbit burst 32kbit latency 50ms|qdisc replace dev p0 root tbf rate 2mbit burst 8kb latency 100ms
qdisc-htb||qdisc add dev p0 root handle 1: htb default 10
qdisc-htb-r2q||qdisc add dev p0 root handle 1: htb default 20 r2q 5
qdisc-ingress||qdisc add dev p0 ingress
qdisc-clsact||qdisc add dev p0 clsact
qdisc-pfifo||qdisc add dev p0 root handle 2: pfifo limit 100
qdisc-del-root|tc qdisc add dev p0 root handle 1: htb|qdisc del dev p0 root
qdisc-del-ingress|tc qdisc add dev p0 ingress|qdisc del dev p0 ingress
class-htb|tc qdisc add dev p0 root handle 1: htb default 10|class add dev p0 parent 1: classid 1:10 htb rate 8mbit
class-htb-ceil|tc qdisc add dev p0 root handle 1: htb default 10|class add dev p0 parent 1: classid 1:20 htb rate 2mbit ceil 10mbit burst 15k cburst 3000 prio 2
class-htb-rate64|tc qdisc add dev p0 root handle 1: htb|class add dev p0 parent 1: classid 1:30 htb rate 6gbit
class-htb-replace|tc qdisc add dev p0 root handle 1: htb;tc class add dev p0 parent 1: classid 1:10 htb rate 8mbit|class replace dev p0 parent 1: classid 1:10 htb rate 4mbit ceil 6mbit
class-del|tc qdisc add dev p0 root handle 1: htb;tc class add dev p0 parent 1: classid 1:10 htb rate 8mbit|class del dev p0 classid 1:10
filter-u32-dst|tc qdisc add dev p0 root handle 1: htb;tc class add dev p0 parent 1: classid 1:10 htb rate 8mbit|filter add dev p0 parent 1: protocol ip prio 1 u32 match ip dst 198.18.1.0/24 flowid 1:10
filter-u32-src|tc qdisc add dev p0 root handle 1: htb|filter add dev p0 parent 1: protocol ip prio 2 u32 match ip src 198.18.0.1/32 classid 1:10
filter-u32-dport|tc qdisc add dev p0 root handle 1: htb|filter add dev p0 parent 1: protocol ip prio 3 u32 match ip dport 5201 0xffff flowid 1:10
filter-u32-sport|tc qdisc add dev p0 root handle 1: htb|filter add dev p0 parent 1: protocol ip prio 4 u32 match ip sport 80 0xffff flowid 1:20
filter-mirred-ingress|tc qdisc add dev p0 ingress|filter add dev p0 parent ffff: protocol all prio 1 u32 match u32 0 0 action mirred egress redirect dev p0b
filter-mirred-clsact|tc qdisc add dev p0 clsact|filter add dev p0 egress protocol ip prio 5 u32 match ip dst 198.18.2.0/24 action mirred egress redirect dev p0b
filter-del|tc qdisc add dev p0 root handle 1: htb;tc filter add dev p0 parent 1: protocol ip prio 1 u32 match ip dst 198.18.1.0/24 flowid 1:10|filter del dev p0 parent 1: protocol ip prio 1
filter-del-all|tc qdisc add dev p0 ingress;tc filter add dev p0 parent ffff: protocol all prio 1 u32 match u32 0 0 action mirred egress redirect dev p0b|filter del dev p0 parent ffff:
LIST
}

run_list() { # a ';'-separated list of commands, untraced
	_old_ifs=$IFS
	IFS=';'
	for _cmd in $1; do
		IFS=$_old_ifs
		# shellcheck disable=SC2086
		$_cmd
		IFS=';'
	done
	IFS=$_old_ifs
}

if [ "${1:-}" = "--capture" ]; then
	dir=$2
	setup=$3
	shift 3
	ip link set lo up
	ip link add p0 type veth peer name p0b
	ip link set p0 up
	ip link set p0b up
	[ -n "$setup" ] && run_list "$setup"
	set +e
	strace -f -e trace=sendmsg,sendto -e write=all -xx -s 65536 \
		-o "$dir/strace" tc "$@" >"$dir/stdout" 2>"$dir/stderr"
	echo $? >"$dir/rc"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "capture-tc.sh: must run as root (uses unshare --net)" >&2
	exit 1
fi
TC_VERSION=$(tc -V | sed -n 's/.*iproute2-\{0,1\}\([0-9][0-9.]*\).*/\1/p')
TMP=$(mktemp -d /tmp/netloom-tc.XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
set -f
i=0
fixtures | while IFS='|' read -r name setup cmd; do
	i=$((i + 1))
	dir="$TMP/$(printf '%03d' "$i")"
	mkdir -p "$dir"
	printf '%s\n' "$name" >"$dir/name"
	printf '%s\n' "$setup" >"$dir/setup"
	printf '%s\n' "$cmd" >"$dir/cmd"
	# shellcheck disable=SC2086
	unshare --net -- sh "$SELF" --capture "$dir" "$setup" $cmd >"$dir/capture.log" 2>&1 ||
		echo "capture failed for $name (see $dir/capture.log)" >&2
done

node --input-type=module - "$TMP" "$OUT" "$TC_VERSION" "$ROOT/tools/strace-netlink.mjs" <<'NODE'
import fs from 'node:fs';
import path from 'node:path';
const [tmp, out, version, lib] = process.argv.slice(2);
const { sentMessages } = await import(lib); // the capture tools' shared strace parser
const TC_REQUEST_TYPES = new Set([36, 37, 40, 41, 44, 45]); // NEW/DEL QDISC, TCLASS, TFILTER

const fixtures = [];
for (const d of fs.readdirSync(tmp).sort()) {
  const dir = path.join(tmp, d);
  const read = (f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : null);
  const name = read('name').trim();
  const strace = read('strace');
  if (strace === null) {
    console.error(`FAILED ${name}: ${read('capture.log')}`);
    process.exitCode = 1;
    continue;
  }
  const req = sentMessages(strace).filter((m) => TC_REQUEST_TYPES.has(m.readUInt16LE(4))).at(-1);
  const rc = Number(read('rc').trim());
  fixtures.push({
    name,
    argv: read('cmd').trim().split(/\s+/),
    setup: read('setup').trim().split(';').filter(Boolean),
    kernelAccepted: rc === 0,
    kernelError: (read('stderr') || '').trim(),
    iproute2: version,
    hex: req ? Buffer.from(req).toString('hex') : '',
  });
  console.log(`${rc === 0 ? 'accepted' : 'rejected'}  ${name}  ${(read('stderr') || '').trim().split('\n')[0]}`);
}
fs.writeFileSync(out, JSON.stringify(fixtures, null, 2) + '\n');
console.log(`wrote ${fixtures.length} fixtures to ${path.relative(process.cwd(), out)}`);
NODE
