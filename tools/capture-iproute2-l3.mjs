#!/usr/bin/env node
// Capture the rtnetlink requests iproute2's `ip` sends for nexthop objects,
// routes through them (nhid), routes with RTA_VIA and policy rules (`not`,
// `replace`), and write them as golden fixtures to
// test/fixtures/iproute2/l3.json for test/codec/golden-l3.test.mjs.
//
// Usage (as root):  node tools/capture-iproute2-l3.mjs
//
// Safety: every command runs inside a throwaway network namespace of its own
// (`unshare --net`), which starts empty, gets the base setup below and the
// fixture's own, and vanishes when the shell exits; the host's interfaces,
// routes and rules are never read or written. Needs ip, strace and unshare.
// Only nlmsg_seq (a timestamp ip picks) changes from run to run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sentMessages } from './strace-netlink.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test/fixtures/iproute2/l3.json');

// Every namespace: lo=1, p0b=2, p0=3, both ends up, addresses on p0.
const BASE = [
  'link set lo up',
  'link add p0 type veth peer name p0b',
  'link set p0 up',
  'link set p0b up',
  'addr add 198.18.0.1/24 dev p0',
  'addr add 2001:db8::1/64 dev p0 nodad',
];

// name | setup (';'-separated ip commands) | command
const CASES = `
nh-via-dev||nexthop add id 1 via 198.18.0.2 dev p0
nh-dev-only||nexthop add id 2 dev p0
nh-via6||nexthop add id 3 via 2001:db8::2 dev p0
nh-blackhole||nexthop add id 4 blackhole
nh-blackhole6||-6 nexthop add id 7 blackhole
nh-onlink||nexthop add id 5 via 198.18.9.1 dev p0 onlink
nh-proto||nexthop add id 6 via 198.18.0.2 dev p0 proto static
nh-group|nexthop add id 1 via 198.18.0.2 dev p0;nexthop add id 2 dev p0|nexthop add id 10 group 1/2
nh-group-weights|nexthop add id 1 via 198.18.0.2 dev p0;nexthop add id 2 dev p0|nexthop add id 11 group 1,3/2,5
nh-group-resilient|nexthop add id 1 via 198.18.0.2 dev p0;nexthop add id 2 dev p0|nexthop add id 12 group 1/2 type resilient
nh-group-resilient-buckets|nexthop add id 1 via 198.18.0.2 dev p0;nexthop add id 2 dev p0|nexthop add id 13 group 1/2 type resilient buckets 32
nh-group-resilient-timers|nexthop add id 1 via 198.18.0.2 dev p0;nexthop add id 2 dev p0|nexthop add id 14 group 1,2/2 type resilient buckets 16 idle_timer 60 unbalanced_timer 30
nh-fdb||nexthop add id 20 via 198.18.0.2 fdb
nh-fdb-group|nexthop add id 20 via 198.18.0.2 fdb;nexthop add id 21 via 198.18.0.3 fdb|nexthop add id 22 group 20/21 fdb
nh-replace|nexthop add id 1 via 198.18.0.2 dev p0|nexthop replace id 1 via 198.18.0.3 dev p0
nh-del|nexthop add id 1 via 198.18.0.2 dev p0|nexthop del id 1
nh-get|nexthop add id 1 via 198.18.0.2 dev p0|nexthop get id 1
route-nhid|nexthop add id 1 via 198.18.0.2 dev p0|route add 198.18.5.0/24 nhid 1
route-replace-nhid|nexthop add id 1 via 198.18.0.2 dev p0|route replace 198.18.5.0/24 nhid 1
route6-nhid|nexthop add id 3 via 2001:db8::2 dev p0|route add 2001:db8:5::/64 nhid 3
route-via-inet6||route add 198.18.6.0/24 via inet6 2001:db8::2 dev p0
route-via-inet6-metric||route add 198.18.7.0/24 via inet6 2001:db8::2 dev p0 metric 10
rule-not||rule add not from 198.18.0.0/24 table 100
rule-not-to-prio||rule add not to 198.18.1.0/24 priority 500 table 101
rule-prio-table||rule add from 198.18.0.0/24 priority 1000 table 100
rule-not-prio-table|rule add from 198.18.1.0/24 priority 1001 table 100|rule add not from 198.18.1.0/24 priority 1001 table 101
rule-del-not|rule add not from 198.18.0.0/24 table 100|rule del not from 198.18.0.0/24 table 100
rule-l3mdev||rule add l3mdev pref 1000
rule6-l3mdev||-6 rule add l3mdev pref 1000
`
  .trim()
  .split('\n')
  .map((l) => {
    const [name, setup, cmd] = l.split('|');
    return { name, setup: setup ? setup.split(';') : [], argv: cmd.split(/\s+/) };
  });

// Requests kept: nexthop, route and rule changes and nexthop gets (not ip's link look-ups).
const KEEP = new Set([104, 105, 106, 24, 25, 32, 33]);

const version = execFileSync('ip', ['-V'], { encoding: 'utf8' }).trim();
const dir = mkdtempSync(join(tmpdir(), 'netloom-capture-l3-'));
const fixtures = [];
const q = (args) => args.map((a) => `'${a}'`).join(' ');
try {
  for (const c of CASES) {
    const log = join(dir, `${c.name}.strace`);
    const setup = [...BASE, ...c.setup].map((cmd) => `ip ${cmd}`).join(' && ');
    const script = `${setup} && strace -f -qq -e trace=sendmsg,sendto -e write=all -xx -s 65536 -o '${log}' ip ${q(c.argv)}; echo "rc=$?"; ip -o link show`;
    let out;
    try {
      out = execFileSync('unshare', ['--net', 'sh', '-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new Error(`${c.name}: setup failed: ${e.stderr ?? e.message}`);
    }
    const rc = Number(/rc=(\d+)/.exec(out)[1]);
    const ifindex = {};
    for (const m of out.matchAll(/^(\d+):\s+([^:@\s]+)[@:]/gm)) ifindex[m[2]] = Number(m[1]);
    const reqs = sentMessages(readFileSync(log, 'utf8')).filter((m) => KEEP.has(m.readUInt16LE(4)));
    if (reqs.length === 0) throw new Error(`${c.name}: no request captured`);
    fixtures.push({ name: c.name, setup: [...BASE, ...c.setup], argv: c.argv, kernelAccepted: rc === 0, ifindex, iproute2: version, hex: reqs.at(-1).toString('hex') });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync(OUT, `${JSON.stringify(fixtures, null, 1)}\n`);
for (const f of fixtures) console.log(`${f.kernelAccepted ? 'accepted' : 'REJECTED'}  ${f.name}`);
console.log(`${fixtures.length} requests captured with ${version} → ${OUT}`);
