#!/usr/bin/env node
// Dumps, side by side in one run: 2N links (N veth pairs, default 1001:
// 2002 links and lo) listed by netloom (`nl.link.list()`, typed links) vs
// `ip -d -o link show` and `ip -j -d link show`; and R routes (default
// 100,000 host routes via a gateway) listed by netloom
// (`nl.route.list({ family: 'inet' })`) vs `ip -4 route show`. Each run is a
// whole process (timed by /usr/bin/time: wall, user, system, peak RSS);
// netloom also prints the in-process time of its list() call (the first in
// the process, nothing warmed up). Tools interleave round by round (the order
// rotates each round); medians over rounds.
//
// Everything happens in one fresh network namespace (anchors/fresh-netns,
// with a private /run/netns): the links are made there and the routes in a
// named namespace `routes` inside it (both with `ip -batch`: setup, not
// measured); the host's interfaces are never seen, and all of it vanishes
// with the process. IPv6 is off in both unless IPV6=on.
//
// `netloom+read` lists and then reads every field of every result, `raw`
// included (JSON.stringify): what a caller who reads everything pays.
// BASE_DIST=/path/to/dist/index.js adds `netloom@base` (another build, for
// before/after in one run; it needs its own addon beside it as usual).
//
// Before each run the machine must be quiet (bench/quiet.mjs); a run that
// started on a busy machine is marked DISTURBED, and so is the whole result.
// Results go to OUT/dump-latest.{json,md} only when no run was disturbed
// (otherwise the tables are printed and nothing is written).
//
// Env: N (veth pairs, default 1001), ROUTES (default 100000, 1..130816),
// ROUNDS (default 5), IPV6 (off|on), QUIET_MAX_S, OUT (default bench/results),
// BASE_DIST.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, waitQuiet } from './quiet.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const N = Number(process.env.N ?? 1001);
const ROUTES = Number(process.env.ROUTES ?? 100000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const IPV6 = process.env.IPV6 ?? 'off';
const OUT = resolve(process.env.OUT ?? join(BENCH, 'results'));
if (!Number.isInteger(N) || N < 1 || N > 10000) throw new RangeError(`N must be an integer 1..10000, got ${process.env.N}`);
if (!Number.isInteger(ROUTES) || ROUTES < 1 || ROUTES > 130816) throw new RangeError(`ROUTES must be an integer 1..130816, got ${process.env.ROUTES}`);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 100) throw new RangeError(`ROUNDS must be an integer 1..100, got ${process.env.ROUNDS}`);
if (IPV6 !== 'on' && IPV6 !== 'off') throw new RangeError(`IPV6 must be on or off, got ${IPV6}`);

// The outer process only re-runs this file inside a fresh namespace.
if (process.env.DUMP_INNER !== '1') {
  const r = spawnSync(join(BENCH, 'anchors/fresh-netns'), [process.execPath, fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, DUMP_INNER: '1' } });
  process.exit(r.status ?? 1);
}

const sh = (script, input) => {
  const r = spawnSync('sh', ['-c', script], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`dump bench setup: '${script}' failed: ${r.stderr}`);
  return r.stdout;
};
const V6OFF = 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6';

// ---- setup (not measured)
if (IPV6 === 'off') sh(V6OFF);
sh('ip -batch -', Array.from({ length: N }, (_, k) => `link add h${k + 1} type veth peer name p${k + 1}\n`).join(''));
sh('ip netns add routes');
if (IPV6 === 'off') sh(`ip netns exec routes sh -c '${V6OFF}'`);
sh('ip -n routes link add r0 type veth peer name r1 && ip -n routes addr add 198.18.0.1/24 dev r0 && ip -n routes link set r0 up && ip -n routes link set r1 up');
const dst = (k) => {
  const o = 256 + k;
  return `198.${18 + (o >> 16)}.${(o >> 8) & 255}.${o & 255}/32`;
};
sh('ip -n routes -batch -', Array.from({ length: ROUTES }, (_, k) => `route add ${dst(k)} via 198.18.0.2\n`).join(''));
const LINKS = 2 * N + 1; // the pairs and lo
const ROUTES_SEEN = ROUTES + 1; // and the connected /24

// ---- the tools: a command, and what its output must show
const node = (env) => ({ cmd: [process.execPath, join(BENCH, 'dump-netloom.mjs')], env });
const netloomCount = (out) => Number(/^DUMP netloom ok: (\d+) /m.exec(out)?.[1]);
const netloomTimes = (out) => {
  const m = /list ([\d.]+)s read ([\d.]+)s$/m.exec(out);
  return m ? { inProcess: Number(m[1]), read: Number(m[2]) } : {};
};
const lines = (out) => out.split('\n').filter(Boolean).length;
const WORKLOADS = {
  links: {
    expect: LINKS,
    tools: {
      'ip -d -o link show': { cmd: ['ip', '-d', '-o', 'link', 'show'], count: lines },
      'ip -j -d link show': { cmd: ['ip', '-j', '-d', 'link', 'show'], count: (out) => JSON.parse(out).length },
      netloom: { ...node({ WHAT: 'links' }), count: netloomCount, times: netloomTimes },
      'netloom+read': { ...node({ WHAT: 'links', READ: 'all' }), count: netloomCount, times: netloomTimes },
    },
  },
  routes: {
    expect: ROUTES_SEEN,
    tools: {
      'ip -4 route show': { cmd: ['ip', '-n', 'routes', '-4', 'route', 'show'], count: lines },
      netloom: { ...node({ WHAT: 'routes' }), count: netloomCount, times: netloomTimes },
      'netloom+read': { ...node({ WHAT: 'routes', READ: 'all' }), count: netloomCount, times: netloomTimes },
    },
  },
};
if (process.env.BASE_DIST) {
  for (const [what, w] of Object.entries(WORKLOADS)) {
    w.tools['netloom@base'] = { ...node({ WHAT: what, NETLOOM_DIST: resolve(process.env.BASE_DIST) }), count: netloomCount, times: netloomTimes };
  }
}

function run(t) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', ...t.cmd], { encoding: 'utf8', env: { ...process.env, ...t.env }, timeout: 600000, maxBuffer: 1 << 30 });
  const tm = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '');
  if (r.status !== 0 || !tm) throw new Error(`${t.cmd.join(' ')}: failed (${r.status}): ${(r.stderr ?? '').slice(-400)}`);
  const stdout = r.stdout;
  return { count: t.count(stdout), ...(t.times?.(stdout) ?? {}), wall: Number(tm[1]), user: Number(tm[2]), sys: Number(tm[3]), rssMiB: Number(tm[4]) / 1024 };
}

// ---- rounds, interleaved
const runs = {};
let disturbed = false;
for (const [what, w] of Object.entries(WORKLOADS)) {
  runs[what] = Object.fromEntries(Object.keys(w.tools).map((k) => [k, []]));
  const names = Object.keys(w.tools);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      const q = await waitQuiet();
      const r = { ...run(w.tools[name]), quiet: q.quiet, busyBefore: Number(q.busy.toFixed(2)) };
      if (r.count !== w.expect) throw new Error(`${what} ${name}: counted ${r.count}, expected ${w.expect}`);
      if (!q.quiet) disturbed = true;
      runs[what][name].push(r);
      const inproc = r.inProcess === undefined ? '' : ` in-process ${r.inProcess.toFixed(3)}s`;
      console.log(`${what} round ${round + 1}/${ROUNDS} ${name.padEnd(20)}${inproc} wall ${r.wall.toFixed(3)}s user ${r.user.toFixed(2)}s rss ${r.rssMiB.toFixed(0)} MiB${q.quiet ? '' : ' DISTURBED'}`);
    }
  }
}

// ---- medians, ratios, results
const FIELDS = ['inProcess', 'read', 'wall', 'user', 'sys', 'rssMiB'];
const summary = {};
for (const [what, byTool] of Object.entries(runs)) {
  summary[what] = {};
  for (const [tool, rs] of Object.entries(byTool)) {
    summary[what][tool] = Object.fromEntries(FIELDS.filter((f) => rs[0][f] !== undefined).map((f) => [f, median(rs.map((r) => r[f]))]));
  }
}
const fx = (v, d = 3) => (v === undefined ? '-' : v.toFixed(d));
const base = { links: 'ip -d -o link show', routes: 'ip -4 route show' };
const md = [`# Dumps: ${LINKS} links and ${ROUTES_SEEN} routes, netloom vs ip`, ''];
const commit = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const date = new Date().toISOString();
md.push(`${date}, commit ${commit}, IPv6 ${IPV6}, ${ROUNDS} rounds interleaved, medians; ${disturbed ? '**DISTURBED: some runs started on a busy machine; read the figures with care**' : 'every run started on a quiet machine (quiet)'}.`, '');
for (const [what, s] of Object.entries(summary)) {
  const b = s[base[what]];
  md.push(`## ${what}`, '', `| tool | in-process s | read-all s | whole process s | user s | sys s | peak RSS MiB | ${base[what]} ÷ tool (whole process) | ${base[what]} ÷ tool in-process |`, '|---|---|---|---|---|---|---|---|---|');
  for (const [tool, v] of Object.entries(s)) {
    const inproc = v.inProcess === undefined ? '-' : (b.wall / v.inProcess).toFixed(2);
    md.push(`| ${tool} | ${fx(v.inProcess)} | ${fx(v.read)} | ${fx(v.wall)} | ${fx(v.user, 2)} | ${fx(v.sys, 2)} | ${fx(v.rssMiB, 0)} | ${(b.wall / v.wall).toFixed(2)} | ${inproc} |`);
  }
  md.push('');
}
md.push('Ratios are ip\'s whole-process time divided by the tool\'s: above 1 means the tool is faster. netloom\'s in-process time is its first list() call (typed objects for every link or route); its whole process includes starting node and loading the library.', '');
console.log(md.join('\n'));
if (disturbed) {
  console.log(`dump bench: DISTURBED, so ${join(OUT, 'dump-latest.*')} was not written`);
} else {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'dump-latest.json'), `${JSON.stringify({ date, commit, N, routes: ROUTES, ipv6: IPV6, rounds: ROUNDS, disturbed, summary, runs }, null, 1)}\n`);
  writeFileSync(join(OUT, 'dump-latest.md'), `${md.join('\n')}\n`);
}
