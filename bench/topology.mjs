#!/usr/bin/env node
// The topology benchmark (issue 5): a 200-namespace topology built and torn
// down by netloom's topology builder (topology-netloom.mjs: one declaration,
// apply(), destroy()) and by iproute2's `ip -batch` making the same objects
// (topology-ip.sh), side by side on the shared harness (bench/harness.mjs:
// anchors/fresh-netns per run, /usr/bin/time, a snapshot copy of netloom),
// with IPv6 on and off in the test namespace.
//
// Workload: B bridges (default 4) with an address each and forwarding on;
// N named namespaces, each with a veth to one of the bridges (the inner end
// made directly inside), an address and a default route via its bridge; a
// ping from ns1 to ns<N> (routed across bridges); everything removed.
// ip-steps deletes object by object, as people do; ip-group puts the links
// in a group and deletes it in one request (the kernel-friendly way with ip,
// which netloom's destroy does by itself).
//
// Env: N (namespaces, default 200), B (bridges), TOOLS (comma list of
// ip-steps, ip-group, netloom; default all), IPV6 (on,off | on | off),
// REPEAT, TIMEOUT, OUT, NETLOOM_SNAPSHOT.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BENCH, runBench } from './harness.mjs';

const PHASE = /^TOPO (\S+) ok: ping ns1 -> ns(\d+); build ([\d.]+)s ping ([\d.]+)s teardown ([\d.]+)s$/m;

await runBench({
  id: 'topology',
  title: 'Topology',
  N: { dflt: 200, min: 1, max: 1000 },
  unit: 'namespaces',
  tools: {
    'ip-steps': { cmd: ['sh', join(BENCH, 'topology-ip.sh')], env: { STYLE: 'steps' }, needs: ['ip', 'ping', 'sysctl'] },
    'ip-group': { cmd: ['sh', join(BENCH, 'topology-ip.sh')], env: { STYLE: 'group' }, needs: ['ip', 'ping', 'sysctl'] },
    netloom: { cmd: [process.execPath, join(BENCH, 'topology-netloom.mjs')], env: {}, netloom: true },
  },
  phases: ['build', 'ping', 'teardown'],
  parse(stdout, N) {
    const m = PHASE.exec(stdout);
    if (!m) return { ok: false, error: 'no phase line' };
    if (Number(m[2]) !== N) return { ok: false, error: `pinged ns${m[2]}, expected ns${N}` };
    return { ok: true, phases: { build: Number(m[3]), ping: Number(m[4]), teardown: Number(m[5]) }, line: m[0] };
  },
  bases: ['ip-steps', 'ip-group'],
  ratioKeys: ['build', 'teardown', 'wall'],
  netloomProbe:
    "const m = await import(process.env.NETLOOM_DIST ? 'file://' + process.env.NETLOOM_DIST : './dist/index.js'); " +
    "if (typeof m.topology !== 'function' || typeof m.Topology?.prototype?.destroy !== 'function') { console.error('dist/index.js: no topology()'); process.exit(1); } " +
    "const nl = await m.open(); await nl.link.list(); await nl.close();",
  describe: (N) => `N=${N} namespaces on ${process.env.B ?? 4} bridges (each: a veth made inside, an address, a default route; one ping ns1 -> ns${N} across bridges).`,
  notes: [
    // The machine is shared: say how busy it was when the run started.
    `Load average when the run started: ${loadavg().map((x) => x.toFixed(2)).join(', ')} (1, 5, 15 min; 2 cores).`,
    '`netloom` is one declaration: `topology(...).apply()` then `.destroy()` (its links in a group deleted in one request, its namespaces deleted). `ip-steps` makes the same objects with `ip -batch` (peer made inside each namespace) and deletes them one by one; `ip-group` does the same build with the links in a group and tears down with `link del group 7` and the namespace deletes.',
  ],
});
