#!/usr/bin/env node
// The topology workload with netloom (run it under anchors/fresh-netns: the
// current namespace is the fresh one, its named namespaces go in the private
// /run/netns). The same objects as topology-ip.sh, declared as one topology:
// B bridges with 198.18.<k+1>.1/24 and forwarding on in the current
// namespace; N named namespaces ns<i>, each with eth0 (a veth made directly
// inside, its other end h<i> on br<k>), 198.18.<k+1>.<10+(i-1)/B>/24 and a
// default route via the bridge, k = (i-1) % B. apply(), one ping ns1 ->
// ns<N> (NetNs.ping: must get a reply), destroy(). Then it checks that
// nothing is left (outside the timings).
//
// Env: N (default 200, 1..1000), B (bridges, default 4), NETLOOM_DIST (the
// dist/index.js to load; default ../dist/index.js).
import { pathToFileURL } from 'node:url';

const { topology, netns, open } = await import(process.env.NETLOOM_DIST ? pathToFileURL(process.env.NETLOOM_DIST).href : '../dist/index.js');

const N = Number(process.env.N ?? 200);
const B = Number(process.env.B ?? 4);
if (!Number.isInteger(N) || N < 1 || N > 1000) throw new RangeError(`N must be an integer 1..1000, got ${process.env.N}`);
if (!Number.isInteger(B) || B < 1 || B > 200) throw new RangeError(`B must be an integer 1..200, got ${process.env.B}`);
const bridge = (i) => (i - 1) % B;
const addr = (i) => `198.18.${bridge(i) + 1}.${10 + Math.floor((i - 1) / B)}`;
const now = () => performance.now() / 1000;

const t0 = now();
const namespaces = {
  root: {
    current: true,
    sysctls: { 'net.ipv4.ip_forward': 1 },
    links: Array.from({ length: B }, (_, k) => ({ kind: 'bridge', name: `br${k}`, addresses: [`198.18.${k + 1}.1/24`] })),
  },
};
for (let i = 1; i <= N; i++) {
  namespaces[`ns${i}`] = {
    links: [{ kind: 'veth', name: 'eth0', addresses: [`${addr(i)}/24`], peer: { name: `h${i}`, netns: 'root', master: `br${bridge(i)}` } }],
    routes: [{ dst: 'default', via: `198.18.${bridge(i) + 1}.1` }],
  };
}
const topo = topology({ name: 'bench', namespaces });
let t1;
let t2;
let t3;
try {
  await topo.apply();
  t1 = now();
  const r = await topo.netns('ns1').ping(addr(N), { count: 1, timeout: 5000 });
  if (r.received < 1) throw new Error(`topology netloom: ping ns1 -> ns${N} got no reply`);
  t2 = now();
  await topo.destroy();
  t3 = now();
} finally {
  await topo.close();
}
// Nothing left: no named namespace, no link but lo here.
const nl = await open();
const links = (await nl.link.list()).map((l) => l.name).filter((n) => n !== 'lo');
await nl.close();
const left = await netns.list();
if (links.length > 0 || left.length > 0) throw new Error(`topology netloom: left behind: links ${links.join(' ')}; namespaces ${left.join(' ')}`);
const f = (a, b) => (b - a).toFixed(3);
console.log(`TOPO netloom ok: ping ns1 -> ns${N}; build ${f(t0, t1)}s ping ${f(t1, t2)}s teardown ${f(t2, t3)}s`);
