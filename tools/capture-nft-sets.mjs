#!/usr/bin/env node
// Capture the set messages nft(8) sends (NEWSET, NEWSETELEM, DELSETELEM,
// DELSET, and the NEWRULEs that look sets up) for a set of commands and
// write them as golden fixtures to test/fixtures/nft/sets.json, for
// test/nft/sets-golden.test.mjs to hold netloom's set encoder to.
//
// Usage (as root):  node tools/capture-nft-sets.mjs
//
// Safety: each case runs inside a throwaway network namespace of its own
// (`unshare --net`), which starts empty and vanishes when the commands end:
// an untraced `nft -f` makes the case's `setup` (table t with chains c and
// other, and any sets the case starts from), then a traced `nft -f` runs
// its commands. The host's ruleset is never read or written. Needs nft,
// strace and unshare.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sentMessages } from './strace-netlink.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test/fixtures/nft/sets.json');

// name | family | setup (after the table and chains; `;;` between commands) | commands (`;;` between)
const CASES = `
ipv4|ip||add set ip t s { type ipv4_addr; elements = { 198.18.0.1, 198.18.0.2 } }
ipv4-then-add|ip||add set ip t s { type ipv4_addr; } ;; add element ip t s { 198.18.0.1, 198.18.0.2 }
ipv6|ip6||add set ip6 t s { type ipv6_addr; elements = { 2001:db8::1, 2001:db8::2 } }
ports|ip||add set ip t s { type inet_service; elements = { 22, 80, 443 } }
protos|ip||add set ip t s { type inet_proto; elements = { tcp, udp } }
ifnames|ip||add set ip t s { type ifname; elements = { "br0", "veth1" } }
ether|ip||add set ip t s { type ether_addr; elements = { 02:00:00:00:00:01, 02:00:00:00:00:02 } }
marks|ip||add set ip t s { type mark; elements = { 0x00000010, 0x00000007 } }
interval-v4|ip||add set ip t s { type ipv4_addr; flags interval; elements = { 198.18.1.0/24, 198.18.2.1-198.18.2.9, 198.18.4.4, 255.255.255.0/24 } }
interval-v6|ip6||add set ip6 t s { type ipv6_addr; flags interval; elements = { 2001:db8::/64, 2001:db8:1::1-2001:db8:1::9 } }
interval-ports|ip||add set ip t s { type inet_service; flags interval; elements = { 0-10, 22, 1000-2000, 60000-65535 } }
interval-add-existing|ip|add set ip t s { type ipv4_addr; flags interval; elements = { 198.18.9.0/24 } }|add element ip t s { 198.18.1.0/24, 198.18.3.0/24 }
constant-interval|ip||add set ip t s { type ipv4_addr; flags constant,interval; elements = { 198.18.1.0/24, 198.18.3.0/24 } }
timeout|ip||add set ip t s { type ipv4_addr; timeout 1m; comment "web"; elements = { 198.18.0.1 timeout 10s, 198.18.0.2 } }
vmap|ip||add map ip t m { type inet_service : verdict; elements = { 22 : accept, 80 : drop, 443 : jump other } }
dnat-map|ip||add map ip t m { type ipv4_addr : ipv4_addr; elements = { 198.18.0.1 : 198.18.1.1, 198.18.0.2 : 198.18.1.2 } }
port-map|ip||add map ip t m { type inet_service : inet_service; elements = { 80 : 8080 } }
add-existing|ip|add set ip t s { type ipv4_addr; }|add element ip t s { 198.18.0.1 }
del-elements|ip|add set ip t s { type ipv4_addr; elements = { 198.18.0.1, 198.18.0.2 } }|delete element ip t s { 198.18.0.1 }
del-interval|ip|add set ip t s { type ipv4_addr; flags interval; elements = { 198.18.1.0/24, 198.18.3.0/24 } }|delete element ip t s { 198.18.1.0/24 }
del-set|ip|add set ip t s { type ipv4_addr; }|delete set ip t s
rule-saddr|ip||add set ip t allowed { type ipv4_addr; } ;; add rule ip t c ip saddr @allowed accept
rule-saddr-not|ip||add set ip t blocked { type ipv4_addr; } ;; add rule ip t c ip saddr != @blocked drop
rule-dport|ip||add set ip t ports { type inet_service; } ;; add rule ip t c tcp dport @ports accept
rule-iifname|ip||add set ip t ifs { type ifname; } ;; add rule ip t c iifname @ifs accept
rule-mark-not|ip||add set ip t marks { type mark; } ;; add rule ip t c meta mark != @marks drop
rule-vmap|ip||add map ip t vm { type inet_service : verdict; } ;; add rule ip t c tcp dport vmap @vm
rule-inet-v6|inet||add set inet t s6 { type ipv6_addr; } ;; add rule inet t c ip6 daddr @s6 drop
rule-inet-vmap|inet||add map inet t vm { type ipv4_addr : verdict; } ;; add rule inet t c ip saddr vmap @vm
`
  .trim()
  .split('\n')
  .map((l) => {
    const [name, family, setup, commands] = l.split('|');
    const cmds = (s) => (s === '' ? [] : s.split(' ;; '));
    return { name, family, setup: cmds(setup), commands: cmds(commands) };
  });

// NEWRULE, NEWSET, DELSET, NEWSETELEM, DELSETELEM
const KEPT = [6, 9, 11, 12, 14].map((n) => (10 << 8) | n);

const version = execFileSync('nft', ['--version'], { encoding: 'utf8' }).trim();
const dir = mkdtempSync(join(tmpdir(), 'netloom-capture-nft-sets-'));
const fixtures = [];
try {
  for (const c of CASES) {
    const setup = join(dir, `${c.name}.setup.nft`);
    const file = join(dir, `${c.name}.nft`);
    const log = join(dir, `${c.name}.strace`);
    const f = c.family;
    writeFileSync(setup, `add table ${f} t\nadd chain ${f} t other\nadd chain ${f} t c { type filter hook input priority filter; }\n${c.setup.join('\n')}\n`);
    writeFileSync(file, `${c.commands.join('\n')}\n`);
    const traced = ['strace', '-f', '-qq', '-e', 'trace=sendmsg', '-e', 'write=all', '-xx', '-s', '1048576', '-o', log, 'nft', '-f', file];
    execFileSync('unshare', ['--net', 'sh', '-c', 'nft -f "$1" && shift && exec "$@"', 'sh', setup, ...traced]);
    const messages = sentMessages(readFileSync(log, 'utf8')).filter((m) => KEPT.includes(m.readUInt16LE(4)));
    if (messages.length === 0) throw new Error(`${c.name}: nft sent no set or rule message`);
    fixtures.push({ ...c, nft: version, hex: messages.map((m) => m.toString('hex')) });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync(OUT, `${JSON.stringify(fixtures, null, 1)}\n`);
console.log(`${fixtures.length} set cases captured with ${version} → ${OUT}`);
