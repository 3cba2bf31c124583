#!/usr/bin/env node
// W1 side by side: netloom vs iproute2 `ip -batch` vs pyroute2, with IPv6 on
// and off in the test namespace. See bench/README.md.
//
// Every run is one process tree under anchors/fresh-netns (a new network
// namespace and a private /run/netns that vanish with it), timed by
// /usr/bin/time for wall, user CPU, system CPU and peak RSS; each tool also
// prints its own phase line (build, dump, teardown), parsed here.
//
// Env: N (pairs, default 1000), TOOLS (comma list of ip-batch, pyroute2,
// netloom-steps, netloom-fast; default all), IPV6 (on,off | on | off; default
// both), REPEAT (runs per tool and setting, default 1; the tables show the
// median), TIMEOUT (seconds per run, default 900), OUT (results directory,
// default bench/results), NETLOOM_SNAPSHOT (default 1: netloom's dist/ and
// addon are copied to a temporary directory first and every netloom run
// loads that copy, so a rebuild during the run cannot change what is
// measured; 0: load them in place).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cpus, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const ANCHORS = join(BENCH, 'anchors');
const FRESH = join(ANCHORS, 'fresh-netns');
const PY = '/usr/bin/python3'; // Debian's python3 with python3-pyroute2 (not the pyenv one on PATH)
const TIME = '/usr/bin/time';

const ALL_TOOLS = ['ip-batch', 'pyroute2', 'netloom-steps', 'netloom-fast'];
const N = intEnv('N', 1000, 1, 100000);
const REPEAT = intEnv('REPEAT', 1, 1, 100);
const TIMEOUT = intEnv('TIMEOUT', 900, 10, 3600);
const TOOLS = listEnv('TOOLS', ALL_TOOLS, ALL_TOOLS);
const IPV6 = listEnv('IPV6', ['on', 'off'], ['on', 'off']);
const OUT = resolve(process.env.OUT ?? join(BENCH, 'results'));

function intEnv(name, dflt, min, max) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) die(`${name} must be an integer ${min}..${max}, got '${v}'`);
  return n;
}

function listEnv(name, dflt, allowed) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const it of items) if (!allowed.includes(it)) die(`${name}: unknown '${it}' (known: ${allowed.join(', ')})`);
  return allowed.filter((a) => items.includes(a)); // fixed order, no duplicates
}

function die(msg) {
  console.error(`w1: ${msg}`);
  process.exit(2);
}

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

// ---------------------------------------------------------------------------
// What each tool runs, and whether it can run here.

const TOOL_DEFS = {
  'ip-batch': { cmd: ['sh', join(ANCHORS, 'ip/w1.sh')], env: {} },
  pyroute2: { cmd: [PY, join(ANCHORS, 'pyroute2/w1.py')], env: {} },
  'netloom-steps': { cmd: [process.execPath, join(BENCH, 'w1-netloom.mjs')], env: { STYLE: 'steps' }, netloom: true },
  'netloom-fast': { cmd: [process.execPath, join(BENCH, 'w1-netloom.mjs')], env: { STYLE: 'fast' }, netloom: true },
};

// The netloom build under test: a private copy of dist/ and the addon (see
// NETLOOM_SNAPSHOT above), and where it came from.
const ADDON = process.env.NETLOOM_ADDON ? resolve(process.env.NETLOOM_ADDON) : join(ROOT, 'build/Release/netloom.node');
let netloomEnv = {};
let snapshotDir;
function snapshotNetloom() {
  const info = {
    commit: sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']) ?? null,
    uncommitted: (spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'lib', 'native'], { encoding: 'utf8' }).stdout ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3)),
    addon: ADDON,
  };
  if (!existsSync(ADDON) || !existsSync(join(ROOT, 'dist/index.js'))) return info;
  info.addonBuilt = statSync(ADDON).mtime.toISOString();
  info.distBuilt = statSync(join(ROOT, 'dist/index.js')).mtime.toISOString();
  info.addonSha256 = createHash('sha256').update(readFileSync(ADDON)).digest('hex').slice(0, 16);
  if (process.env.NETLOOM_SNAPSHOT === '0') {
    if (process.env.NETLOOM_ADDON) netloomEnv = { NETLOOM_ADDON: ADDON };
    return info;
  }
  snapshotDir = mkdtempSync(join(tmpdir(), 'w1-netloom-'));
  process.on('exit', () => rmSync(snapshotDir, { recursive: true, force: true }));
  cpSync(join(ROOT, 'dist'), join(snapshotDir, 'dist'), { recursive: true });
  mkdirSync(join(snapshotDir, 'build/Release'), { recursive: true });
  copyFileSync(ADDON, join(snapshotDir, 'build/Release/netloom.node'));
  const nsexec = join(dirname(ADDON), 'netloom-nsexec');
  if (existsSync(nsexec)) copyFileSync(nsexec, join(snapshotDir, 'build/Release/netloom-nsexec'));
  netloomEnv = {
    NETLOOM_DIST: join(snapshotDir, 'dist/index.js'),
    NETLOOM_ADDON: join(snapshotDir, 'build/Release/netloom.node'),
    NETLOOM_NSEXEC: join(snapshotDir, 'build/Release/netloom-nsexec'),
  };
  info.snapshot = true;
  return info;
}

function availability(tool) {
  if (tool === 'ip-batch') return sh('ip', ['-V']) ? { ok: true } : { ok: false, why: 'ip (iproute2) not found' };
  if (tool === 'pyroute2') {
    if (!existsSync(PY)) return { ok: false, why: `${PY} not found` };
    if (spawnSync(PY, ['-c', 'import pyroute2'], { stdio: 'ignore' }).status !== 0) {
      return { ok: false, why: `pyroute2 is not installed for ${PY}; install it with: apt-get install -y python3-pyroute2` };
    }
    return { ok: true };
  }
  // netloom: the compiled API and the native addon must both load.
  const probe = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', "const m = await import(process.env.NETLOOM_DIST ? 'file://' + process.env.NETLOOM_DIST : './dist/index.js'); const nl = await m.open(); const ok = typeof nl.link?.add === 'function' && typeof nl.link?.delGroup === 'function' && typeof nl.link?.list === 'function'; if (ok) await nl.link.list(); await nl.close(); if (!ok) { console.error('dist/index.js: open() has no link.add/list/delGroup'); process.exit(1); }"],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...netloomEnv } },
  );
  if (probe.status !== 0) {
    const err = (probe.stderr || '').trim().split('\n').slice(-3).join(' | ');
    return { ok: false, why: `netloom does not load (${err}); build it with: npx node-gyp rebuild && npx tsc -p tsconfig.json` };
  }
  return { ok: true };
}

// ---------------------------------------------------------------------------
// Host safety: the host's links and /run/netns must be the same after each run.

function hostState() {
  const links = (sh('ip', ['-o', 'link']) ?? '')
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0])
    .filter(Boolean)
    .sort();
  const netns = existsSync('/run/netns') ? readdirSync('/run/netns').sort() : [];
  return JSON.stringify({ links, netns });
}

// ---------------------------------------------------------------------------
// One run.

// Ctrl-C / SIGTERM: end the running tool's process group too (it runs detached).
let currentChild;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (currentChild) {
      try {
        process.kill(-currentChild.pid, 'SIGKILL');
      } catch {}
    }
    process.exit(130);
  });
}

const PHASE = /^W1 (\S+) ok: (\d+) links dumped; build ([\d.]+)s dump ([\d.]+)s teardown ([\d.]+)s$/m;

function runOnce(tool, ipv6) {
  const def = TOOL_DEFS[tool];
  const dir = mkdtempSync(join(tmpdir(), 'w1-'));
  const timeFile = join(dir, 'time');
  // Inside the fresh namespace: optionally turn IPv6 off (all + default, so
  // lo and every new link), check it took, then exec the tool.
  const prologue =
    ipv6 === 'off'
      ? 'set -e; echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6; ' +
        'test "$(cat /proc/sys/net/ipv6/conf/default/disable_ipv6)" = 1; exec "$@"'
      : 'exec "$@"';
  const args = ['-f', '%e %U %S %M', '-o', timeFile, FRESH, 'sh', '-c', prologue, 'w1-run', ...def.cmd];
  return new Promise((done) => {
    const child = spawn(TIME, args, {
      cwd: ROOT,
      env: { ...process.env, ...(def.netloom ? netloomEnv : {}), ...def.env, N: String(N) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group, so a timeout can end the whole tree
    });
    currentChild = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, TIMEOUT * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      currentChild = undefined;
      let time;
      try {
        // /usr/bin/time writes "Command exited with non-zero status N" first on failure.
        const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop();
        const [e, u, s, m] = last.split(/\s+/).map(Number);
        if ([e, u, s, m].every(Number.isFinite)) time = { wall: e, user: u, sys: s, rssMiB: m / 1024 };
      } catch {}
      rmSync(dir, { recursive: true, force: true });
      const m = PHASE.exec(stdout);
      const expect = 2 * N + 2;
      let error;
      if (timedOut) error = `timed out after ${TIMEOUT}s`;
      else if (code !== 0) error = `exit ${code ?? signal}`;
      else if (!m) error = 'no phase line';
      else if (Number(m[2]) !== expect) error = `dumped ${m[2]} links, expected ${expect}`;
      if (error) {
        const lines = stderr.trim().split('\n');
        const tail = lines.length > 10 ? [...lines.slice(0, 4), '...', ...lines.slice(-5)] : lines;
        done({ tool, ipv6, ok: false, error, stderr: tail.join('\n'), ...time });
        return;
      }
      done({
        tool,
        ipv6,
        ok: true,
        links: Number(m[2]),
        build: Number(m[3]),
        dump: Number(m[4]),
        teardown: Number(m[5]),
        ...time,
        line: m[0],
      });
    });
  });
}

// ---------------------------------------------------------------------------
// Summaries and tables.

const METRICS = ['build', 'dump', 'teardown', 'wall', 'user', 'sys', 'rssMiB'];
const TIMED = ['build', 'dump', 'teardown', 'wall'];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

function summarize(runs) {
  const ok = runs.filter((r) => r.ok);
  if (ok.length === 0) return undefined;
  const out = { runs: ok.length };
  for (const k of METRICS) {
    const xs = ok.map((r) => r[k]).filter((x) => typeof x === 'number');
    out[k] = xs.length ? median(xs) : undefined;
  }
  return out;
}

function ratios(base, s) {
  if (!base || !s) return undefined;
  const out = {};
  for (const k of TIMED) out[k] = base[k] > 0 && s[k] > 0 ? base[k] / s[k] : undefined;
  return out;
}

const f3 = (x) => (typeof x === 'number' ? x.toFixed(3) : '-');
const f1 = (x) => (typeof x === 'number' ? x.toFixed(1) : '-');
const fr = (x) => (typeof x === 'number' ? (x >= 10 ? x.toFixed(1) : x.toFixed(2)) + 'x' : '-');

function tableRows(setting) {
  const rows = [];
  const ip = setting.summary['ip-batch'];
  const py = setting.summary.pyroute2;
  for (const tool of setting.tools) {
    const s = setting.summary[tool];
    const st = setting.status[tool];
    if (!s) {
      rows.push([tool, st ?? 'failed', '', '', '', '', '', '', '', '', '']);
      continue;
    }
    const vIp = tool === 'ip-batch' ? undefined : ratios(ip, s);
    const vPy = tool.startsWith('netloom') ? ratios(py, s) : undefined;
    const rr = (r) => (r ? `${fr(r.build)} / ${fr(r.dump)} / ${fr(r.teardown)} / ${fr(r.wall)}` : '-');
    rows.push([tool, f3(s.build), f3(s.dump), f3(s.teardown), f3(s.wall), f3(s.user), f3(s.sys), f1(s.rssMiB), rr(vIp), rr(vPy)]);
  }
  return rows;
}

const HEAD = ['tool', 'build s', 'dump s', 'teardown s', 'wall s', 'user s', 'sys s', 'peak RSS MiB', 'ip-batch ÷ tool (build / dump / teardown / wall)', 'pyroute2 ÷ tool (build / dump / teardown / wall)'];

function textTable(rows) {
  const all = [HEAD, ...rows];
  const w = HEAD.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? '').length)));
  const line = (r) => r.map((x, c) => (c === 0 ? String(x ?? '').padEnd(w[c]) : String(x ?? '').padStart(w[c]))).join('  ').trimEnd();
  return [line(HEAD), ...rows.map(line)].join('\n');
}

function mdTable(rows) {
  const esc = (x) => String(x ?? '').replace(/\|/g, '\\|');
  return [
    `| ${HEAD.map(esc).join(' | ')} |`,
    `| ${HEAD.map((_, c) => (c === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${HEAD.map((_, c) => esc(r[c])).join(' | ')} |`),
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Main.

if (!existsSync(TIME)) die(`${TIME} not found (apt-get install -y time)`);
if (typeof process.getuid === 'function' && process.getuid() !== 0) die('needs root (unshare --net, link creation)');
if (!existsSync('/run/netns')) {
  // fresh-netns mounts a private tmpfs over /run/netns, so the directory must
  // exist; `ip netns add` would create the same empty directory.
  mkdirSync('/run/netns', { recursive: true, mode: 0o755 });
  console.log('w1: created the empty directory /run/netns (fresh-netns mounts its private tmpfs there)');
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  kernel: release(),
  node: process.version,
  iproute2: sh('ip', ['-V']),
  pyroute2: sh('dpkg-query', ['-W', '-f', '${Version}', 'python3-pyroute2']) ?? null,
  netloom: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
};
const netloomBuild = TOOLS.some((t) => TOOL_DEFS[t].netloom) ? snapshotNetloom() : undefined;

const avail = {};
for (const tool of TOOLS) {
  avail[tool] = availability(tool);
  if (!avail[tool].ok) console.log(`w1: skipping ${tool}: ${avail[tool].why}`);
}
const runnable = TOOLS.filter((t) => avail[t].ok);

const baseline = hostState();
const date = new Date().toISOString();
console.log(
  `W1 N=${N} pairs (${2 * N + 2} links), tools ${runnable.join(', ') || '(none)'}, IPv6 ${IPV6.join(', ')}, repeat ${REPEAT}; ` +
    `${machine.cpus} CPUs (${machine.cpuModel}), kernel ${machine.kernel}, node ${machine.node}`,
);
if (netloomBuild) {
  console.log(
    `netloom ${netloomBuild.commit ?? '?'}${netloomBuild.uncommitted.length ? ` + uncommitted ${netloomBuild.uncommitted.join(' ')}` : ''}, ` +
      `addon built ${netloomBuild.addonBuilt ?? '?'} (sha256 ${netloomBuild.addonSha256 ?? '?'}), dist built ${netloomBuild.distBuilt ?? '?'}` +
      (netloomBuild.snapshot ? ', run from a snapshot copy' : ''),
  );
}

const settings = [];
for (const ipv6 of IPV6) {
  const runs = [];
  for (let rep = 1; rep <= REPEAT; rep++) {
    for (const tool of runnable) {
      const t0 = Date.now();
      const r = await runOnce(tool, ipv6);
      r.rep = rep;
      runs.push(r);
      const tag = `[IPv6 ${ipv6}, ${tool}, run ${rep}/${REPEAT}, ${((Date.now() - t0) / 1000).toFixed(1)} s]`;
      if (r.ok) {
        console.log(`${tag} ${r.line} | wall ${f3(r.wall)}s user ${f3(r.user)}s sys ${f3(r.sys)}s rss ${f1(r.rssMiB)}MiB`);
      } else {
        console.log(`${tag} FAILED: ${r.error}${r.stderr ? '\n  ' + r.stderr.replace(/\n/g, '\n  ') : ''}`);
      }
      const now = hostState();
      if (now !== baseline) {
        console.error(`w1: the host's links or /run/netns changed after ${tool}!\n  before ${baseline}\n  after  ${now}`);
        process.exit(3);
      }
    }
  }
  const summary = {};
  const status = {};
  for (const tool of TOOLS) {
    if (!avail[tool].ok) {
      status[tool] = 'skipped';
      continue;
    }
    summary[tool] = summarize(runs.filter((r) => r.tool === tool));
    if (!summary[tool]) status[tool] = 'failed';
  }
  const ratioVsIp = {};
  const ratioVsPy = {};
  for (const tool of TOOLS) {
    if (tool !== 'ip-batch') ratioVsIp[tool] = ratios(summary['ip-batch'], summary[tool]);
    if (tool.startsWith('netloom')) ratioVsPy[tool] = ratios(summary.pyroute2, summary[tool]);
  }
  settings.push({ ipv6, tools: TOOLS, summary, status, ratioVsIp, ratioVsPy, runs });
}

const mdParts = [
  `# W1 results, ${date}`,
  '',
  `N=${N} veth pairs (${2 * N + 2} links dumped), repeat ${REPEAT} (median shown), ${machine.cpus} CPUs (${machine.cpuModel}), ` +
    `kernel ${machine.kernel}, node ${machine.node}, ${machine.iproute2}, python3-pyroute2 ${machine.pyroute2 ?? 'not installed'}, ` +
    `netloom ${machine.netloom}${netloomBuild ? ` (commit ${netloomBuild.commit ?? '?'}${netloomBuild.uncommitted.length ? ' + uncommitted ' + netloomBuild.uncommitted.join(' ') : ''}, addon sha256 ${netloomBuild.addonSha256 ?? '?'})` : ''}.`,
  'Ratios are the other tool\'s time divided by this tool\'s: above 1 means this tool is faster.',
];
for (const s of settings) {
  const rows = tableRows(s);
  console.log(`\nW1, N=${N}, IPv6 ${s.ipv6} in the namespace (median of ${REPEAT}):`);
  console.log(textTable(rows));
  mdParts.push('', `## IPv6 ${s.ipv6}`, '', mdTable(rows));
}

mkdirSync(OUT, { recursive: true });
const json = { workload: 'W1', date, N, repeat: REPEAT, machine, netloomBuild, settings };
writeFileSync(join(OUT, 'w1-latest.json'), JSON.stringify(json, null, 2) + '\n');
writeFileSync(join(OUT, 'w1-latest.md'), mdParts.join('\n') + '\n');
console.log(`\nwrote ${join(OUT, 'w1-latest.json')} and ${join(OUT, 'w1-latest.md')}`);
const failed = settings.some((s) => Object.values(s.status).includes('failed'));
process.exitCode = failed ? 1 : 0;
