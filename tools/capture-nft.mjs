#!/usr/bin/env node
// Capture the NFT_MSG_NEWRULE bytes that nft(8) sends for a set of rules and
// write them as golden fixtures to test/fixtures/nft/rules.json, for
// test/nft/golden.test.mjs to hold netloom's rule compiler to.
//
// Usage (as root):  node tools/capture-nft.mjs
//
// Safety: each rule is loaded by `nft -f` inside a throwaway network
// namespace of its own (`unshare --net`), which starts empty and vanishes
// when nft exits; the host's ruleset is never read or written. Needs nft,
// strace and unshare.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sentMessages } from './strace-netlink.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test/fixtures/nft/rules.json');

// The chain each rule goes in: table t, chain c (and a regular chain `other` to jump to).
const CHAINS = {
  filter: 'type filter hook input priority filter;',
  post: 'type nat hook postrouting priority srcnat;',
  pre: 'type nat hook prerouting priority dstnat;',
};

// name | family | chain | rule text (after `add rule FAMILY t c`)
const CASES = `
saddr-24|ip|filter|ip saddr 198.18.1.0/24 accept
saddr-23|ip|filter|ip saddr 198.18.0.0/23 accept
daddr-host-not|ip|filter|ip daddr != 198.18.1.2 drop
ip6-saddr-64|ip6|filter|ip6 saddr 2001:db8:1::/64 accept
ip6-daddr-62|ip6|filter|ip6 daddr 2001:db8::/62 drop
inet-saddr-v4|inet|filter|ip saddr 198.18.1.0/24 accept
inet-daddr-v6|inet|filter|ip6 daddr 2001:db8::1 accept
iifname|ip|filter|iifname "br0" accept
iifname-prefix|ip|filter|iifname "veth*" accept
oifname-not|ip|filter|oifname != "br0" drop
iif-index|ip|filter|iif 1 accept
mark|ip|filter|meta mark 0x00000010 accept
proto-only|ip|filter|meta l4proto udp accept
tcp-dport|ip|filter|tcp dport 8080 accept
tcp-dport-range|ip|filter|tcp dport 1000-2000 accept
tcp-dport-not|ip|filter|tcp dport != 22 drop
udp-sport-not-range|ip|filter|udp sport != 1000-2000 drop
ct-established-related|ip|filter|ct state established,related accept
ct-not-established|ip|filter|ct state != established drop
ct-new|ip|filter|ct state new accept
limit|ip|filter|limit rate 10/second burst 5 packets accept
limit-over|ip|filter|limit rate over 100/minute burst 5 packets drop
counter|ip|filter|counter accept
log-prefix-level|ip|filter|log prefix "netloom: " level warn accept
log-plain|ip|filter|log
reject-default|ip|filter|reject
reject-tcp-reset|ip|filter|tcp dport 22 reject with tcp reset
reject-inet|inet|filter|reject
jump|ip|filter|jump other
goto|ip|filter|goto other
return|ip|filter|return
comment|ip|filter|tcp dport 80 accept comment "web"
many|ip|filter|iifname "br0" ip saddr 198.18.1.0/24 tcp dport 22 ct state new counter accept
masquerade|ip|post|oifname != "br0" ip saddr 198.18.1.0/24 masquerade
masquerade-ports-random|ip|post|meta l4proto tcp masquerade to :1024-2048 random
masquerade-flags|ip|post|masquerade fully-random,persistent
snat-host|ip|post|ip saddr 198.18.1.2 snat to 198.18.0.10
snat-port|ip|post|meta l4proto udp snat to 198.18.0.10:5353
snat-range|ip|post|snat to 198.18.0.10-198.18.0.20
dnat-port|ip|pre|iifname != "br0" tcp dport 8080 dnat to 198.18.1.2:80
dnat-host|ip|pre|ip daddr 198.18.0.10 dnat to 198.18.1.2
dnat-range|ip|pre|tcp dport 80 dnat to 198.18.1.2-198.18.1.3:8080-8081
redirect|ip|pre|tcp dport 22 redirect to :2222
redirect-plain|ip|pre|meta l4proto tcp redirect
inet-dnat-v4|inet|pre|tcp dport 8080 dnat ip to 198.18.1.2:80
`
  .trim()
  .split('\n')
  .map((l) => {
    const [name, family, chain, rule] = l.split('|');
    return { name, family, chain, rule };
  });

const version = execFileSync('nft', ['--version'], { encoding: 'utf8' }).trim();
const dir = mkdtempSync(join(tmpdir(), 'netloom-capture-nft-'));
const fixtures = [];
try {
  for (const c of CASES) {
    const file = join(dir, `${c.name}.nft`);
    const log = join(dir, `${c.name}.strace`);
    writeFileSync(file, `add table ${c.family} t\nadd chain ${c.family} t other\nadd chain ${c.family} t c { ${CHAINS[c.chain]} }\nadd rule ${c.family} t c ${c.rule}\n`);
    execFileSync('unshare', ['--net', 'strace', '-f', '-qq', '-e', 'trace=sendmsg', '-e', 'write=all', '-xx', '-s', '65536', '-o', log, 'nft', '-f', file]);
    const rules = sentMessages(readFileSync(log, 'utf8')).filter((m) => m.readUInt16LE(4) === ((10 << 8) | 6));
    if (rules.length !== 1) throw new Error(`${c.name}: expected one NEWRULE, got ${rules.length}`);
    fixtures.push({ ...c, nft: version, hex: rules[0].toString('hex') });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync(OUT, `${JSON.stringify(fixtures, null, 1)}\n`);
console.log(`${fixtures.length} rules captured with ${version} → ${OUT}`);
