/**
 * `netloom show`: namespaces, their links (with their qdiscs), addresses,
 * nexthop objects and nf_tables tables, as a tree.
 * @module
 */
import type { NexthopObject } from '../rtnl/nexthop/types.js';
import type { Qdisc } from '../rtnl/tc/types.js';
import type { Scan } from '../topology/scan.js';
import { liveTunMode } from '../topology/tuntap.js';

/**
 * A scan as a tree:
 * ```
 * current namespace
 * ├─ lo          loopback  up     127.0.0.1/8 ::1/128
 * └─ br0         bridge    up     198.18.1.10/24
 * netns lab-ns1  [topology lab]
 * ├─ eth0        veth      up     198.18.1.11/24  <-> current/veth1
 * └─ table inet netloom-lab  nftables   2 chains, 2 rules  [owner lab]
 * ```
 */
export function renderTree(scan: Scan): string {
  const out: string[] = [];
  const peerOf = new Map<string, string>();
  for (const p of scan.pairs) {
    peerOf.set(`${p.a.ns}/${p.a.link}`, `${p.b.ns}/${p.b.link}`);
    peerOf.set(`${p.b.ns}/${p.b.link}`, `${p.a.ns}/${p.a.link}`);
  }
  for (const ns of scan.namespaces) {
    out.push(`${ns.named ? `netns ${ns.label}` : `${ns.label} namespace`}${ns.owner === undefined ? '' : `  [topology ${ns.owner}]`}`);
    const byIndex = new Map(ns.links.map((l) => [l.ifindex, l]));
    const rows = ns.links.map((l) => {
      const kind = liveTunMode(l) ?? l.kind ?? (l.flags.includes('loopback') ? 'loopback' : ''); // a TAP is kind 'tun' to the kernel
      const state = l.up ? (l.lowerUp || l.flags.includes('loopback') ? 'up' : 'no-carrier') : 'down';
      const addrs = ns.addrs.filter((a) => a.ifindex === l.ifindex && !(a.family === 'inet6' && /^fe[89ab]/i.test(a.address))).map((a) => a.cidr);
      const extra: string[] = [];
      const master = l.master === undefined ? undefined : byIndex.get(l.master);
      if (master !== undefined) extra.push(`port of ${master.name}`);
      const peer = peerOf.get(`${ns.label}/${l.name}`);
      if (peer !== undefined) extra.push(`<-> ${peer}`);
      for (const q of ns.qdiscs) if (q.ifindex === l.ifindex && q.handle !== '0:') extra.push(qdiscText(q));
      return [l.name, kind, state, [...addrs, ...extra].join('  ')];
    });
    for (const n of ns.nexthops) rows.push([`nexthop ${n.id}`, 'nexthop', '', nexthopText(n, byIndex)]);
    for (const x of ns.tables) {
      const counts = `${x.chains} chain${x.chains === 1 ? '' : 's'}, ${x.rules} rule${x.rules === 1 ? '' : 's'}`;
      rows.push([`table ${x.table}`, 'nftables', '', `${counts}${x.owner === undefined ? '' : `  [owner ${x.owner}]`}`]);
    }
    const w = [0, 1, 2].map((c) => Math.max(0, ...rows.map((r) => (r[c] ?? '').length)));
    rows.forEach((r, i) => {
      const branch = i === rows.length - 1 ? '└─' : '├─';
      out.push(`${branch} ${r.slice(0, 3).map((x, c) => x.padEnd(w[c] ?? 0)).join('  ')}  ${r[3] ?? ''}`.trimEnd());
    });
  }
  return out.join('\n');
}

const mbit = (bits: number): string => (bits >= 1e6 && bits % 1e5 === 0 ? `${bits / 1e6}Mbit` : bits >= 1e3 ? `${bits / 1e3}Kbit` : `${bits}bit`);

/** 'qdisc tbf 1: rate 8Mbit', 'qdisc htb 1:', 'qdisc ingress'. */
function qdiscText(q: Qdisc): string {
  if (q.kind === 'ingress' || q.kind === 'clsact') return `qdisc ${q.kind}`;
  return `qdisc ${q.kind} ${q.handle}${q.parent === 'root' ? '' : ` parent ${q.parent}`}${q.rate === undefined ? '' : ` rate ${mbit(q.rate)}`}`;
}

/** 'via 198.18.0.2 dev eth0', 'group 1,3/2', 'blackhole', with `[proto 78]`. */
function nexthopText(n: NexthopObject, byIndex: Map<number, { name: string }>): string {
  const parts: string[] = [];
  if (n.group !== undefined) parts.push(`group ${n.group.map((g) => `${g.id}${g.weight === 1 ? '' : `,${g.weight}`}`).join('/')}`);
  if (n.via !== undefined) parts.push(`via ${n.via}`);
  if (n.dev !== undefined) parts.push(`dev ${byIndex.get(n.dev)?.name ?? n.dev}`);
  if (n.blackhole) parts.push('blackhole');
  if (n.fdb) parts.push('fdb');
  parts.push(`[proto ${String(n.protocol)}]`);
  return parts.join(' ');
}
