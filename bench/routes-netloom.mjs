#!/usr/bin/env node
// Routes at scale with netloom (run it under anchors/fresh-netns: it works in
// the namespace it is started in).
// Setup (in wall, not a phase): veth r0/r1 both up, r0 198.18.0.1/24.
// add:  N host routes 198.18.1.0/32, 198.18.1.1/32, ... (the N addresses after
//       198.18.0.255, all inside 198.18.0.0/15) via 198.18.0.2: nl.route.add,
//       CHUNK requests in flight at once (Promise.all per chunk; the library
//       windows them on the one socket).
// dump: nl.route.list({ family: 'inet' }) (main table, every route decoded),
//       counted: N + 1 (the connected 198.18.0.0/24).
// del:  STYLE=pipelined (default): nl.route.del per route, CHUNK at once;
//       STYLE=flush: nl.route.flush({ family: 'inet', protocol: 'boot' })
//       (the library's flush: one dump, then one delete per route).
// Then checks that only the connected route is left.
//
// Env: N (default 100000, 1..130816), STYLE (pipelined|flush), CHUNK (default
// 1000; 100..10000 measured: 1000 is about as fast as 100, 10000 is slower
// from GC and memory), NETLOOM_DIST (the dist/index.js to load; default ../dist/index.js).
import { pathToFileURL } from 'node:url';

const { open } = await import(process.env.NETLOOM_DIST ? pathToFileURL(process.env.NETLOOM_DIST).href : '../dist/index.js');

const N = Number(process.env.N ?? 100000);
const STYLE = process.env.STYLE ?? 'pipelined';
const CHUNK = Number(process.env.CHUNK ?? 1000);
if (!Number.isInteger(N) || N < 1 || N > 130816) throw new RangeError(`N must be an integer 1..130816, got ${process.env.N}`);
if (STYLE !== 'pipelined' && STYLE !== 'flush') throw new RangeError(`STYLE must be pipelined or flush, got ${STYLE}`);
if (!Number.isInteger(CHUNK) || CHUNK < 1 || CHUNK > 1000000) throw new RangeError(`CHUNK must be an integer 1..1000000, got ${process.env.CHUNK}`);
const tag = `netloom-${STYLE}`;

const GW = '198.18.0.2';
const dst = (k) => {
  const o = 256 + k;
  return `198.${18 + (o >> 16)}.${(o >> 8) & 255}.${o & 255}/32`;
};

/** Run fn(k) for k in 0..N-1, CHUNK at a time. */
async function chunked(fn) {
  for (let start = 0; start < N; start += CHUNK) {
    const end = Math.min(N, start + CHUNK);
    const batch = new Array(end - start);
    for (let k = start; k < end; k++) batch[k - start] = fn(k);
    await Promise.all(batch);
  }
}

const now = () => performance.now() / 1000;
const nl = await open();
let count;
let t0;
let t1;
let t2;
let t3;
try {
  await nl.link.add({ kind: 'veth', name: 'r0', peer: { name: 'r1' } });
  await nl.addr.add('r0', '198.18.0.1/24');
  await nl.link.set('r0', { up: true });
  await nl.link.set('r1', { up: true });

  t0 = now();
  await chunked((k) => nl.route.add({ dst: dst(k), via: GW }));
  t1 = now();
  count = (await nl.route.list({ family: 'inet' })).length;
  if (count !== N + 1) throw new Error(`ROUTES ${tag}: dump counted ${count} routes, expected ${N + 1}`);
  t2 = now();
  if (STYLE === 'pipelined') {
    await chunked((k) => nl.route.del({ dst: dst(k), via: GW }));
  } else {
    const n = await nl.route.flush({ family: 'inet', protocol: 'boot' });
    if (n !== N) throw new Error(`ROUTES ${tag}: flush deleted ${n} routes, expected ${N}`);
  }
  t3 = now();
  const left = (await nl.route.list({ family: 'inet' })).length;
  if (left !== 1) throw new Error(`ROUTES ${tag}: ${left} routes left after the delete, expected 1`);
  await nl.link.del('r0');
} finally {
  await nl.close();
}
const f = (a, b) => (b - a).toFixed(3);
console.log(`ROUTES ${tag} ok: ${count} routes dumped; add ${f(t0, t1)}s dump ${f(t1, t2)}s del ${f(t2, t3)}s`);
