#!/usr/bin/env node
// Routes at scale side by side: netloom vs iproute2 (`ip -batch`, and
// `ip route flush` for the delete) vs pyroute2 (IPRoute, synchronous calls),
// with IPv6 on and off in the test namespace. See bench/W2-ROUTES.md; the
// harness is bench/harness.mjs (w1.mjs's structure: fresh-netns per run,
// /usr/bin/time, snapshot of netloom).
//
// Workload, each tool in a fresh namespace: veth r0/r1 up, r0 198.18.0.1/24
// (setup: in wall, not a phase); add: N host routes 198.18.1.0/32, ... via
// 198.18.0.2 (all inside 198.18.0.0/15); dump: the main table's IPv4 routes,
// counted (N + 1); del: every added route deleted (then checked: 1 left).
//
// Env: N (routes, default 100000, max 130816), TOOLS (comma list of ip-batch,
// ip-flush, pyroute2, pyroute2-flush, netloom-pipelined, netloom-flush;
// default all), IPV6 (on,off | on | off; default both), CHUNK (netloom's
// requests in flight, default 1000), REPEAT, TIMEOUT (default 900 s per run),
// OUT, NETLOOM_SNAPSHOT.
import { join } from 'node:path';
import { BENCH, PY, runBench } from './harness.mjs';

const PHASE = /^ROUTES (\S+) ok: (\d+) routes dumped; add ([\d.]+)s dump ([\d.]+)s del ([\d.]+)s$/m;
const chunk = process.env.CHUNK ? { CHUNK: process.env.CHUNK } : {};

await runBench({
  id: 'routes',
  title: 'Routes',
  N: { dflt: 100000, min: 1, max: 130816 },
  unit: 'routes',
  tools: {
    'ip-batch': { cmd: ['sh', join(BENCH, 'routes-ip.sh')], env: { DEL: 'batch' }, needs: ['ip'] },
    'ip-flush': { cmd: ['sh', join(BENCH, 'routes-ip.sh')], env: { DEL: 'flush' }, needs: ['ip'] },
    pyroute2: { cmd: [PY, join(BENCH, 'routes-pyroute2.py')], env: { DEL: 'each' }, python: true },
    'pyroute2-flush': { cmd: [PY, join(BENCH, 'routes-pyroute2.py')], env: { DEL: 'flush' }, python: true },
    'netloom-pipelined': { cmd: [process.execPath, join(BENCH, 'routes-netloom.mjs')], env: { STYLE: 'pipelined', ...chunk }, netloom: true },
    'netloom-flush': { cmd: [process.execPath, join(BENCH, 'routes-netloom.mjs')], env: { STYLE: 'flush', ...chunk }, netloom: true },
  },
  phases: ['add', 'dump', 'del'],
  parse(stdout, N) {
    const m = PHASE.exec(stdout);
    if (!m) return { ok: false, error: 'no phase line' };
    if (Number(m[2]) !== N + 1) return { ok: false, error: `dumped ${m[2]} routes, expected ${N + 1}` };
    return { ok: true, phases: { add: Number(m[3]), dump: Number(m[4]), del: Number(m[5]) }, info: { routes: Number(m[2]) }, line: m[0] };
  },
  bases: ['ip-batch', 'ip-flush', 'pyroute2'],
  ratioKeys: ['add', 'dump', 'del', 'wall'],
  netloomProbe:
    "const m = await import(process.env.NETLOOM_DIST ? 'file://' + process.env.NETLOOM_DIST : './dist/index.js'); " +
    "const nl = await m.open(); const r = nl.route; " +
    "const ok = typeof r?.add === 'function' && typeof r?.del === 'function' && typeof r?.list === 'function' && typeof r?.flush === 'function'; " +
    "if (ok) await r.list(); await nl.close(); " +
    "if (!ok) { console.error('dist/index.js: open() has no route.add/del/list/flush'); process.exit(1); }",
  describe: (N) => `N=${N} host routes via a gateway on a local /24 (dump counts N + 1).`,
  notes: [
    '`ip-flush`, `pyroute2-flush` and `netloom-flush` differ from their plain rows only in the delete (a dump, then deletes of what it found).',
  ],
});
