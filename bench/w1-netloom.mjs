#!/usr/bin/env node
// W1 "links" with netloom (run it under anchors/fresh-netns; it works in the
// namespace it is started in and never creates one).
// bridge br0 up; N veth pairs h<i>/p<i>, h<i> enslaved to br0, both ends up;
// one full dump of all links (every message decoded), counted (2N+2 with lo);
// then every pair and br0 deleted.
//
// STYLE=steps (default): the requests ip sends, per pair: add veth (peer p<i>),
//   set h<i> master br0, set h<i> up, set p<i> up; teardown del h<i> one by
//   one, then br0. Each pair's four requests run in order (each needs the one
//   before); the N pairs' chains all run at once, so requests are pipelined on
//   the one socket (the library windows them).
// STYLE=fast: one call per pair: the veth created with master, up and group 7
//   in one request, its peer brought up by the library's follow-up request
//   (the kernel refuses a veth peer made up at creation: veth_newlink
//   configures the peer before the pair is joined and veth_open answers
//   ENOTCONN, with ip as with netloom); dump; then one RTM_DELLINK for
//   group 7, and br0.
//
// Env: N (default 1000), STYLE (steps|fast), MASTER (name|index, default
// name: br0 passed by name, so the library looks it up per request as ip
// does; index: looked up once, its ifindex passed), NETLOOM_DIST (the
// dist/index.js to load, default ../dist/index.js; the harness points it at
// a snapshot so rebuilds during a run do not change what is measured).
import { pathToFileURL } from 'node:url';

const { open } = await import(process.env.NETLOOM_DIST ? pathToFileURL(process.env.NETLOOM_DIST).href : '../dist/index.js');

const N = Number(process.env.N ?? 1000);
const STYLE = process.env.STYLE ?? 'steps';
const MASTER = process.env.MASTER ?? 'name';
const GROUP = 7;
if (!Number.isInteger(N) || N < 1 || N > 100000) throw new RangeError(`N must be an integer 1..100000, got ${process.env.N}`);
if (STYLE !== 'steps' && STYLE !== 'fast') throw new RangeError(`STYLE must be steps or fast, got ${STYLE}`);
if (MASTER !== 'name' && MASTER !== 'index') throw new RangeError(`MASTER must be name or index, got ${MASTER}`);

const now = () => performance.now() / 1000;
const range = Array.from({ length: N }, (_, k) => k + 1);

const t0 = now();
const nl = await open();
let count;
let t1;
let t2;
try {
  await nl.link.add({ kind: 'bridge', name: 'br0', up: true });
  const master = MASTER === 'index' ? (await nl.link.get('br0')).ifindex : 'br0';
  if (STYLE === 'steps') {
    await Promise.all(
      range.map(async (i) => {
        await nl.link.add({ kind: 'veth', name: `h${i}`, peer: { name: `p${i}` } });
        await nl.link.set(`h${i}`, { master });
        await nl.link.set(`h${i}`, { up: true });
        await nl.link.set(`p${i}`, { up: true });
      }),
    );
  } else {
    await Promise.all(
      range.map((i) =>
        nl.link.add({ kind: 'veth', name: `h${i}`, master, up: true, group: GROUP, peer: { name: `p${i}`, up: true } }),
      ),
    );
  }
  t1 = now();
  const links = await nl.link.list();
  count = links.length;
  const expect = 2 * N + 2; // pairs + br0 + lo
  if (count !== expect) {
    console.error(`W1 netloom-${STYLE}: dump counted ${count} links, expected ${expect}`);
    process.exitCode = 1;
  }
  t2 = now();
  if (STYLE === 'steps') {
    await Promise.all(range.map((i) => nl.link.del(`h${i}`))); // the peer p<i> goes with it
  } else {
    await nl.link.delGroup(GROUP);
  }
  await nl.link.del('br0');
} finally {
  await nl.close();
}
const t3 = now();
if (process.exitCode !== 1) {
  const f = (a, b) => (b - a).toFixed(3);
  console.log(`W1 netloom-${STYLE} ok: ${count} links dumped; build ${f(t0, t1)}s dump ${f(t1, t2)}s teardown ${f(t2, t3)}s`);
}
