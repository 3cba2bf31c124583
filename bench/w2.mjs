#!/usr/bin/env node
// W2 side by side: netloom vs iproute2 (`ip -batch` per namespace, and the
// fast-path lower bound) vs pyroute2 (NetNS proxies, and plain IPRoute opened
// after setns), with IPv6 on and off in the test namespace. See
// bench/W2-ROUTES.md; the harness itself is bench/harness.mjs (w1.mjs's
// structure: fresh-netns per run, /usr/bin/time, snapshot of netloom).
//
// Workload: br0 198.18.0.1/16 up; N named namespaces, each with a veth whose
// inner end is eth0 198.18.1.<i>/16, lo and eth0 up, outer end h<i> on br0
// and up; one ping ns1 -> ns<N> (must be answered); everything deleted.
//
// Env: N (namespaces, default 100, max 250), TOOLS (comma list of ip-batch,
// ip-fastpath, pyroute2, pyroute2-setns, netloom-steps, netloom-fast; default
// all), IPV6 (on,off | on | off), REPEAT, TIMEOUT, OUT, NETLOOM_SNAPSHOT.
import { join } from 'node:path';
import { ANCHORS, BENCH, PY, runBench } from './harness.mjs';

const PHASE = /^W2 (\S+) ok: ping ns1 -> ns(\d+); build ([\d.]+)s ping ([\d.]+)s teardown ([\d.]+)s(?: \(netns del returned after ([\d.]+)s\))?$/m;

await runBench({
  id: 'w2',
  title: 'W2',
  N: { dflt: 100, min: 1, max: 250 },
  unit: 'namespaces',
  tools: {
    'ip-batch': { cmd: ['sh', join(ANCHORS, 'ip/w2.sh')], env: {}, needs: ['ip', 'ping'] },
    'ip-fastpath': { cmd: ['sh', join(ANCHORS, 'ip/w2-fastpath.sh')], env: {}, needs: ['ip', 'ping'] },
    pyroute2: { cmd: [PY, join(ANCHORS, 'pyroute2/w2.py')], env: {}, python: true, needs: ['ping'] },
    'pyroute2-setns': { cmd: [PY, join(ANCHORS, 'pyroute2/w2_setns.py')], env: {}, python: true, needs: ['ping'] },
    'netloom-steps': { cmd: [process.execPath, join(BENCH, 'w2-netloom.mjs')], env: { STYLE: 'steps' }, netloom: true },
    'netloom-fast': { cmd: [process.execPath, join(BENCH, 'w2-netloom.mjs')], env: { STYLE: 'fast' }, netloom: true },
  },
  phases: ['build', 'ping', 'teardown'],
  parse(stdout, N) {
    const m = PHASE.exec(stdout);
    if (!m) return { ok: false, error: 'no phase line' };
    if (Number(m[2]) !== N) return { ok: false, error: `pinged ns${m[2]}, expected ns${N}` };
    return {
      ok: true,
      phases: { build: Number(m[3]), ping: Number(m[4]), teardown: Number(m[5]) },
      info: m[6] === undefined ? {} : { netnsDelReturned: Number(m[6]) },
      line: m[0],
    };
  },
  bases: ['ip-batch', 'ip-fastpath', 'pyroute2'],
  ratioKeys: ['build', 'teardown', 'wall'],
  netloomProbe:
    "const m = await import(process.env.NETLOOM_DIST ? 'file://' + process.env.NETLOOM_DIST : './dist/index.js'); " +
    "const ok = typeof m.netns?.add === 'function' && typeof m.netns?.del === 'function' && typeof m.NetNs?.prototype?.ping === 'function'; " +
    "const nl = await m.open(); await nl.link.list(); await nl.close(); " +
    "if (!ok) { console.error('dist/index.js: no netns.add/del or NetNs.ping'); process.exit(1); }",
  describe: (N) => `N=${N} namespaces (br0 + N veths, one ping ns1 -> ns${N}).`,
  notes: [
    '`ip-fastpath` and `netloom-fast` make the same end state with fewer steps (peer made inside the namespace as eth0; teardown by deleting the namespaces, then waiting until the kernel removed every h<i>); compare them with each other, and the step-by-step tools with each other.',
  ],
});
