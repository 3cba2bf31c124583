#!/usr/bin/env node
// CNI plugins side by side: ADD then DEL of N containers (default 100) with
// netloom-bridge (IPAM: the reference host-local, and netloom-ipam in the
// same process) and with the reference bridge + host-local (Debian's
// containernetworking-plugins), sequentially and PARALLEL at a time
// (default 10), the tools interleaved round by round, medians over ROUNDS
// (default 3). Each run has a host namespace of its own and N container
// namespaces made beforehand (not timed); every plugin is exec'd by
// bench/cni-runtime.mjs, one process in the host namespace forking plugins
// plainly as containerd does (Node start-up included for netloom one-shot).
// The resident way: netloom-cni-shim as the plugin executable, forwarding to
// a `netloom-cni daemon` started in the host namespace for the run.
// Also: one plugin exec's cost (VERSION, the start-up alone). Quiet-checked
// (bench/quiet.mjs). Results: OUT/cni-latest.{json,md}.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, waitQuiet } from './quiet.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const { netns } = await import(process.env.NETLOOM_DIST ?? '../dist/index.js');
const N = Number(process.env.N ?? 100);
const PARALLEL = Number(process.env.PARALLEL ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const OUT = resolve(process.env.OUT ?? join(BENCH, 'results'));
const NETLOOM = join(ROOT, 'dist/cni/main.js');
const REF = '/usr/lib/cni';
const SHIM = join(ROOT, 'build/Release/netloom-cni-shim');
const RUNTIME = join(BENCH, 'cni-runtime.mjs');

const TOOLS = {
  'reference bridge + host-local': { bin: `${REF}/bridge`, type: 'bridge', ipam: 'host-local' },
  'netloom-bridge + host-local': { bin: NETLOOM, type: 'netloom-bridge', ipam: 'host-local' },
  'netloom-bridge + netloom-ipam': { bin: NETLOOM, type: 'netloom-bridge', ipam: 'netloom-ipam' },
  'netloom-bridge + netloom-ipam, resident (shim + daemon)': { bin: SHIM, type: 'netloom-bridge', ipam: 'netloom-ipam', daemon: true },
};

/** `netloom-cni daemon` inside `host`, listening on `socket`; resolves with the child once it listens. */
async function startDaemon(host, socket) {
  const child = host.spawn([process.execPath, NETLOOM, 'daemon', '--socket', socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.setEncoding('utf8');
  let out = '';
  while (!out.includes('listening')) {
    const [d] = await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => [null])]);
    if (d === null) throw new Error('the CNI daemon exited');
    out += d;
  }
  return child;
}

async function run(tool, width) {
  const t = TOOLS[tool];
  const host = await netns.create();
  const dataDir = mkdtempSync(join(tmpdir(), 'netloom-bench-cni-'));
  const containers = [];
  let daemon;
  try {
    for (let i = 0; i < N; i++) containers.push(await netns.create());
    const socket = join(dataDir, 'cni.sock');
    if (t.daemon) daemon = await startDaemon(host, socket);
    const conf = JSON.stringify({ cniVersion: '1.0.0', name: 'bench', type: t.type, bridge: 'cni0', isGateway: true, ipam: { type: t.ipam, subnet: '198.18.96.0/22', dataDir } });
    // The runtime: one process in the host namespace, started before the clock, exec'ing the plugin plainly.
    const runtime = host.spawn([process.execPath, RUNTIME], { stdio: ['pipe', 'pipe', 'inherit'] });
    runtime.stdin.end(JSON.stringify({ bin: t.bin, conf, width, netns: containers.map((ns) => `/proc/${process.pid}/fd/${ns.fd}`), env: { PATH: process.env.PATH, CNI_PATH: REF, NETLOOM_CNI_SOCKET: socket } }));
    let out = '';
    runtime.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    const [code] = await once(runtime, 'close');
    if (code !== 0) throw new Error(`${tool}: the runtime failed (exit ${code})`);
    const r = JSON.parse(out);
    return { add: r.add, del: r.del, total: r.add + r.del };
  } finally {
    daemon?.kill('SIGKILL');
    for (const c of containers) c.close();
    host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function execCost(bin) {
  const times = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    spawnSync(bin, [], { input: '{"cniVersion":"1.0.0"}', env: { PATH: process.env.PATH, CNI_COMMAND: 'VERSION' } });
    times.push(performance.now() - t0);
  }
  return median(times);
}

const runs = {};
let disturbed = false;
for (let round = 1; round <= ROUNDS; round++) {
  for (const width of [1, PARALLEL]) {
    for (const tool of Object.keys(TOOLS)) {
      const key = `${tool} | ${width === 1 ? 'sequential' : `${width} in parallel`}`;
      const q = await waitQuiet();
      if (!q.quiet) disturbed = true;
      const r = await run(tool, width);
      (runs[key] ??= []).push({ ...r, quiet: q.quiet });
      console.log(`round ${round}/${ROUNDS} ${key.padEnd(50)} ADD ${r.add.toFixed(2)}s DEL ${r.del.toFixed(2)}s${q.quiet ? '' : ' DISTURBED'}`);
    }
  }
}
const summary = Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, Object.fromEntries(['add', 'del', 'total'].map((f) => [f, median(rs.map((r) => r[f]))]))]));
const cost = { netloom: execCost(NETLOOM), reference: execCost(`${REF}/bridge`), shim: execCost(SHIM) };
const commit = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const date = new Date().toISOString();
const ratio = (mode, tool) => summary[`reference bridge + host-local | ${mode}`].total / summary[`${tool} | ${mode}`].total;
const modes = ['sequential', `${PARALLEL} in parallel`];
const md = [
  `# CNI: ADD + DEL of ${N} containers`,
  '',
  `${date}, commit ${commit}, ${ROUNDS} rounds interleaved, medians; ${disturbed ? '**DISTURBED: some runs started on a busy machine; read the figures as lower bounds**' : 'every run started on a quiet machine (quiet)'}.`,
  '',
  '| plugins | mode | ADD s | DEL s | total s | reference ÷ this (above 1: faster) |',
  '|---|---|---|---|---|---|',
  ...Object.entries(summary).map(([k, s]) => {
    const [tool, mode] = k.split(' | ');
    return `| ${tool} | ${mode} | ${s.add.toFixed(2)} | ${s.del.toFixed(2)} | ${s.total.toFixed(2)} | ${ratio(mode, tool).toFixed(2)} |`;
  }),
  '',
  `One plugin exec (VERSION, start-up alone, median of 10): netloom-cni ${cost.netloom.toFixed(0)} ms (Node starting and loading the addon), the reference bridge ${cost.reference.toFixed(0)} ms, netloom-cni-shim ${cost.shim.toFixed(1)} ms (no daemon listening: it answers code 11 at once).`,
  '',
];
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'cni-latest.json'), `${JSON.stringify({ date, commit, N, parallel: PARALLEL, rounds: ROUNDS, disturbed, summary, cost, runs, modes }, null, 1)}\n`);
writeFileSync(join(OUT, 'cni-latest.md'), `${md.join('\n')}\n`);
console.log(md.join('\n'));
