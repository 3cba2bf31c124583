#!/usr/bin/env node
// W1 side by side: netloom vs iproute2 `ip -batch` vs pyroute2, with IPv6 on
// and off in the test namespace. See bench/README.md; the harness is
// bench/harness.mjs (fresh-netns per run, /usr/bin/time, a snapshot copy of
// netloom's dist/ and addon, medians, ratios, results files).
//
// Workload: bridge br0 up; N veth pairs h<i>/p<i>, h<i> enslaved to br0, both
// ends up; one full link dump, counted (2N+2); every pair and br0 deleted.
//
// Env: N (pairs, default 1000), TOOLS (comma list of ip-batch, pyroute2,
// netloom-steps, netloom-fast; default all), IPV6 (on,off | on | off),
// REPEAT, TIMEOUT, OUT, NETLOOM_SNAPSHOT, MASTER (netloom: name | index).
import { join } from 'node:path';
import { ANCHORS, BENCH, PY, runBench } from './harness.mjs';

const PHASE = /^W1 (\S+) ok: (\d+) links dumped; build ([\d.]+)s dump ([\d.]+)s teardown ([\d.]+)s$/m;

await runBench({
  id: 'w1',
  title: 'W1',
  N: { dflt: 1000, min: 1, max: 10000 },
  unit: 'veth pairs',
  tools: {
    'ip-batch': { cmd: ['sh', join(ANCHORS, 'ip/w1.sh')], env: {}, needs: ['ip'] },
    pyroute2: { cmd: [PY, join(ANCHORS, 'pyroute2/w1.py')], env: {}, python: true },
    'netloom-steps': { cmd: [process.execPath, join(BENCH, 'w1-netloom.mjs')], env: { STYLE: 'steps' }, netloom: true },
    'netloom-fast': { cmd: [process.execPath, join(BENCH, 'w1-netloom.mjs')], env: { STYLE: 'fast' }, netloom: true },
  },
  phases: ['build', 'dump', 'teardown'],
  parse(stdout, N) {
    const m = PHASE.exec(stdout);
    if (!m) return { ok: false, error: 'no phase line' };
    const expect = 2 * N + 2;
    if (Number(m[2]) !== expect) return { ok: false, error: `dumped ${m[2]} links, expected ${expect}` };
    return { ok: true, phases: { build: Number(m[3]), dump: Number(m[4]), teardown: Number(m[5]) }, line: m[0] };
  },
  bases: ['ip-batch', 'pyroute2'],
  ratioKeys: ['build', 'dump', 'teardown', 'wall'],
  netloomProbe:
    "const m = await import(process.env.NETLOOM_DIST ? 'file://' + process.env.NETLOOM_DIST : './dist/index.js'); " +
    "const nl = await m.open(); await nl.link.list(); await nl.close();",
  describe: (N) => `N=${N} veth pairs (${2 * N + 2} links dumped).`,
  notes: [
    '`netloom-fast` makes the same end state with fewer requests (the veth made with master, up and a link group in one request; teardown by one group delete); compare whole runs by wall.',
  ],
});
