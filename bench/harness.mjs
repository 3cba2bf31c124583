// Shared side-by-side harness for bench/w2.mjs and bench/routes.mjs: the
// structure of bench/w1.mjs (which exports nothing), made generic.
//
// Every run is one process tree under anchors/fresh-netns (a new network
// namespace and a private /run/netns that vanish with it), timed by
// /usr/bin/time for wall, user CPU, system CPU and peak RSS; each tool prints
// its own phase line, parsed by the workload's `parse`. netloom's dist/ and
// addon are copied to a temporary directory first (NETLOOM_SNAPSHOT=1, the
// default), so a rebuild during the run cannot change what is measured.
//
// Between runs the harness waits until the kernel has finished destroying
// the namespaces of the run before (the net_namespace slab count in
// /proc/slabinfo stops changing): namespace cleanup is asynchronous and
// holds the rtnl lock, so without the wait a run pays for the last one's
// teardown (seen: a 10-namespace build taking 3.3 s instead of 0.25 s).
//
// Common env: N, TOOLS, IPV6 (on,off | on | off), REPEAT, TIMEOUT (s per run),
// OUT (results directory), NETLOOM_SNAPSHOT (0: load dist/ and the addon in
// place), NETLOOM_ADDON.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cpus, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(BENCH, '..');
export const ANCHORS = join(BENCH, 'anchors');
export const FRESH = join(ANCHORS, 'fresh-netns');
export const PY = '/usr/bin/python3'; // Debian's python3 with python3-pyroute2 (not the pyenv one on PATH)
const TIME = '/usr/bin/time';

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * cfg: {
 *   id: 'w2' (results file prefix, log tag), title: 'W2',
 *   N: { dflt, min, max }, unit: 'namespaces' (for the header),
 *   tools: { name: { cmd: [...], env: {}, netloom?: true, needs?: [binary...], python?: true } } (ordered),
 *   phases: ['build', 'ping', 'teardown'] (names of the tool's own phase times),
 *   parse(stdout, N): { ok: true, phases: {name: s}, info: {...}, line } | { ok: false, error },
 *   bases: ['ip-batch', 'pyroute2'] (ratio columns: base time ÷ tool time),
 *   ratioKeys: ['build', 'teardown', 'wall'],
 *   netloomProbe: JS source run with the snapshot's env, must exit 0,
 *   describe(N): one line for the markdown header,
 *   notes: [markdown lines] (optional),
 * }
 */
export async function runBench(cfg) {
  const die = (msg) => {
    console.error(`${cfg.id}: ${msg}`);
    process.exit(2);
  };
  const intEnv = (name, dflt, min, max) => {
    const v = process.env[name];
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) die(`${name} must be an integer ${min}..${max}, got '${v}'`);
    return n;
  };
  const listEnv = (name, dflt, allowed) => {
    const v = process.env[name];
    if (v === undefined || v === '') return dflt;
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    for (const it of items) if (!allowed.includes(it)) die(`${name}: unknown '${it}' (known: ${allowed.join(', ')})`);
    return allowed.filter((a) => items.includes(a));
  };

  const ALL_TOOLS = Object.keys(cfg.tools);
  const N = intEnv('N', cfg.N.dflt, cfg.N.min, cfg.N.max);
  const REPEAT = intEnv('REPEAT', 1, 1, 100);
  const TIMEOUT = intEnv('TIMEOUT', 900, 10, 7200);
  const TOOLS = listEnv('TOOLS', ALL_TOOLS, ALL_TOOLS);
  const IPV6 = listEnv('IPV6', ['on', 'off'], ['on', 'off']);
  const OUT = resolve(process.env.OUT ?? join(BENCH, 'results'));

  // ---- the netloom build under test (a snapshot copy, as w1.mjs)
  const ADDON = process.env.NETLOOM_ADDON ? resolve(process.env.NETLOOM_ADDON) : join(ROOT, 'build/Release/netloom.node');
  let netloomEnv = {};
  const snapshotNetloom = () => {
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
    const snapshotDir = mkdtempSync(join(tmpdir(), `${cfg.id}-netloom-`));
    process.on('exit', () => rmSync(snapshotDir, { recursive: true, force: true }));
    cpSync(join(ROOT, 'dist'), join(snapshotDir, 'dist'), { recursive: true });
    // dist/ requires node-gyp-build: resolve it from the checkout's node_modules
    // (a link, removed with the snapshot; the tree it points to is left alone).
    symlinkSync(join(ROOT, 'node_modules'), join(snapshotDir, 'node_modules'));
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
  };

  const availability = (tool) => {
    const def = cfg.tools[tool];
    for (const bin of def.needs ?? []) {
      if (!sh('sh', ['-c', `command -v ${bin}`])) return { ok: false, why: `${bin} not found${bin === 'ping' ? ' (apt-get install -y iputils-ping)' : ''}` };
    }
    if (def.python) {
      if (!existsSync(PY)) return { ok: false, why: `${PY} not found` };
      if (spawnSync(PY, ['-c', 'import pyroute2'], { stdio: 'ignore' }).status !== 0) {
        return { ok: false, why: `pyroute2 is not installed for ${PY}; install it with: apt-get install -y python3-pyroute2` };
      }
    }
    if (def.netloom) {
      const probe = spawnSync(process.execPath, ['--input-type=module', '-e', cfg.netloomProbe], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ...netloomEnv },
      });
      if (probe.status !== 0) {
        const err = (probe.stderr || '').trim().split('\n').slice(-3).join(' | ');
        return { ok: false, why: `netloom does not load or lacks the API (${err}); build it with: npx node-gyp rebuild && npx tsc -p tsconfig.json` };
      }
    }
    return { ok: true };
  };

  // ---- host safety: the host's links and /run/netns must not change
  const OURS = /^(ns\d+|br0|r[01])$/;
  const foreign = new Set();
  const hostState = () => {
    const links = (sh('ip', ['-o', 'link']) ?? '')
      .split('\n')
      .map((l) => l.split(':')[1]?.trim().split('@')[0])
      .filter(Boolean)
      .sort();
    // Only names our tools use count: other people's test suites on this
    // machine make (and remove) their own entries in the host's /run/netns
    // meanwhile; those are reported once but do not stop the run.
    const all = existsSync('/run/netns') ? readdirSync('/run/netns').sort() : [];
    for (const n of all) {
      if (!OURS.test(n) && !foreign.has(n)) {
        foreign.add(n);
        console.log(`${cfg.id}: note: /run/netns/${n} on the host is not ours (another process's); ignored`);
      }
    }
    const netns = all.filter((n) => OURS.test(n));
    return JSON.stringify({ links, netns });
  };

  // ---- wait for the kernel's asynchronous namespace cleanup (bounded)
  const netnsObjects = () => {
    try {
      const line = readFileSync('/proc/slabinfo', 'utf8').split('\n').find((l) => l.startsWith('net_namespace '));
      return line ? Number(line.split(/\s+/)[1]) : undefined;
    } catch {
      return undefined;
    }
  };
  const settle = async () => {
    const t0 = Date.now();
    let last = netnsObjects();
    if (last === undefined) {
      await sleep(2000);
      return { waited: 2, netns: undefined };
    }
    let stableSince = Date.now();
    while (Date.now() - t0 < 60_000) {
      await sleep(100);
      const n = netnsObjects();
      if (n !== last) {
        last = n;
        stableSince = Date.now();
      } else if (Date.now() - stableSince >= 1000) break;
    }
    return { waited: (Date.now() - t0) / 1000, netns: last };
  };

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

  const runOnce = (tool, ipv6) => {
    const def = cfg.tools[tool];
    const dir = mkdtempSync(join(tmpdir(), `${cfg.id}-`));
    const timeFile = join(dir, 'time');
    const prologue =
      ipv6 === 'off'
        ? 'set -e; echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6; ' +
          'test "$(cat /proc/sys/net/ipv6/conf/default/disable_ipv6)" = 1; exec "$@"'
        : 'exec "$@"';
    const args = ['-f', '%e %U %S %M', '-o', timeFile, FRESH, 'sh', '-c', prologue, `${cfg.id}-run`, ...def.cmd];
    return new Promise((done) => {
      const child = spawn(TIME, args, {
        cwd: ROOT,
        env: { ...process.env, ...(def.netloom ? netloomEnv : {}), ...def.env, N: String(N) },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
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
          const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop();
          const [e, u, s, m] = last.split(/\s+/).map(Number);
          if ([e, u, s, m].every(Number.isFinite)) time = { wall: e, user: u, sys: s, rssMiB: m / 1024 };
        } catch {}
        rmSync(dir, { recursive: true, force: true });
        let error;
        let parsed;
        if (timedOut) error = `timed out after ${TIMEOUT}s`;
        else if (code !== 0) error = `exit ${code ?? signal}`;
        else {
          parsed = cfg.parse(stdout, N);
          if (!parsed.ok) error = parsed.error;
        }
        if (error) {
          const lines = (stderr.trim() + (stdout.trim() ? '\n' + stdout.trim() : '')).split('\n');
          const tail = lines.length > 10 ? [...lines.slice(0, 4), '...', ...lines.slice(-5)] : lines;
          done({ tool, ipv6, ok: false, error, stderr: tail.join('\n'), ...time });
          return;
        }
        done({ tool, ipv6, ok: true, ...parsed.phases, ...(parsed.info ?? {}), ...time, line: parsed.line });
      });
    });
  };

  // ---- summaries and tables
  const METRICS = [...cfg.phases, 'wall', 'user', 'sys', 'rssMiB'];
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const k = s.length >> 1;
    return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
  };
  const summarize = (runs, reduce = median) => {
    const ok = runs.filter((r) => r.ok);
    if (ok.length === 0) return undefined;
    const out = { runs: ok.length };
    for (const k of METRICS) {
      const xs = ok.map((r) => r[k]).filter((x) => typeof x === 'number');
      out[k] = xs.length ? reduce(xs) : undefined;
    }
    return out;
  };
  const best = (xs) => Math.min(...xs);
  const ratios = (base, s) => {
    if (!base || !s) return undefined;
    const out = {};
    for (const k of cfg.ratioKeys) out[k] = base[k] > 0 && s[k] > 0 ? base[k] / s[k] : undefined;
    return out;
  };
  const f3 = (x) => (typeof x === 'number' ? x.toFixed(3) : '-');
  const f1 = (x) => (typeof x === 'number' ? x.toFixed(1) : '-');
  const fr = (x) => (typeof x === 'number' ? (x >= 10 ? x.toFixed(1) : x.toFixed(2)) + 'x' : '-');
  const HEAD = [
    'tool',
    ...cfg.phases.map((p) => `${p} s`),
    'wall s',
    'user s',
    'sys s',
    'peak RSS MiB',
    ...cfg.bases.map((b) => `${b} ÷ tool (${cfg.ratioKeys.join(' / ')})`),
  ];
  const tableRows = (setting, which = 'summary') => {
    const rows = [];
    const ratioSet = which === 'summary' ? setting.ratios : setting.bestRatios;
    for (const tool of setting.tools) {
      const s = setting[which][tool];
      if (!s) {
        rows.push([tool, setting.status[tool] ?? 'failed']);
        continue;
      }
      const rr = (r) => (r ? cfg.ratioKeys.map((k) => fr(r[k])).join(' / ') : '-');
      rows.push([
        tool,
        ...cfg.phases.map((p) => f3(s[p])),
        f3(s.wall),
        f3(s.user),
        f3(s.sys),
        f1(s.rssMiB),
        ...cfg.bases.map((b) => (b === tool ? '' : rr(ratioSet[b]?.[tool]))),
      ]);
    }
    return rows;
  };
  const textTable = (rows) => {
    const all = [HEAD, ...rows];
    const w = HEAD.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? '').length)));
    const line = (r) => r.map((x, c) => (c === 0 ? String(x ?? '').padEnd(w[c]) : String(x ?? '').padStart(w[c]))).join('  ').trimEnd();
    return [line(HEAD), ...rows.map(line)].join('\n');
  };
  const mdTable = (rows) => {
    const esc = (x) => String(x ?? '').replace(/\|/g, '\\|');
    return [
      `| ${HEAD.map(esc).join(' | ')} |`,
      `| ${HEAD.map((_, c) => (c === 0 ? '---' : '---:')).join(' | ')} |`,
      ...rows.map((r) => `| ${HEAD.map((_, c) => esc(r[c])).join(' | ')} |`),
    ].join('\n');
  };

  // Medians (and, with several runs, the best run of each tool: on a shared
  // machine other work holding the rtnl lock only ever slows a run down),
  // ratios, tables, results files.
  const finish = ({ date, N, REPEAT, machine, netloomBuild, raw, OUT }) => {
    const settings = raw.map(({ ipv6, tools, status: st0, runs }) => {
      const summary = {};
      const bestOf = {};
      const status = {};
      for (const tool of tools) {
        if (st0?.[tool] === 'skipped') {
          status[tool] = 'skipped';
          continue;
        }
        const mine = runs.filter((r) => r.tool === tool);
        summary[tool] = summarize(mine);
        bestOf[tool] = summarize(mine, best);
        if (!summary[tool]) status[tool] = 'failed';
      }
      const rat = {};
      const bestRat = {};
      for (const b of cfg.bases) {
        rat[b] = {};
        bestRat[b] = {};
        for (const tool of tools) {
          if (tool === b) continue;
          rat[b][tool] = ratios(summary[b], summary[tool]);
          bestRat[b][tool] = ratios(bestOf[b], bestOf[tool]);
        }
      }
      return { ipv6, tools, summary, status, ratios: rat, best: bestOf, bestRatios: bestRat, runs };
    });
    const mdParts = [
      `# ${cfg.title} results, ${date}`,
      '',
      `${cfg.describe(N)} Repeat ${REPEAT} (median shown${REPEAT > 1 ? ', then the best run of each tool' : ''}), ${machine.cpus} CPUs (${machine.cpuModel}), ` +
        `kernel ${machine.kernel}, node ${machine.node}, ${machine.iproute2}, python3-pyroute2 ${machine.pyroute2 ?? 'not installed'}, ` +
        `netloom ${machine.netloom}${netloomBuild ? ` (commit ${netloomBuild.commit ?? '?'}${netloomBuild.uncommitted.length ? ' + uncommitted ' + netloomBuild.uncommitted.join(' ') : ''}, addon sha256 ${netloomBuild.addonSha256 ?? '?'})` : ''}.`,
      "Ratios are the other tool's time divided by this tool's: above 1 means this tool is faster.",
      ...(cfg.notes ?? []),
    ];
    for (const s of settings) {
      const rows = tableRows(s);
      console.log(`\n${cfg.title}, N=${N}, IPv6 ${s.ipv6} in the namespace (median of ${REPEAT}):`);
      console.log(textTable(rows));
      mdParts.push('', `## IPv6 ${s.ipv6}`, '', `Median of ${REPEAT}:`, '', mdTable(rows));
      if (REPEAT > 1) {
        const bestRows = tableRows(s, 'best');
        console.log(`\n${cfg.title}, N=${N}, IPv6 ${s.ipv6}, best of ${REPEAT} (each column its own minimum):`);
        console.log(textTable(bestRows));
        mdParts.push('', `Best of ${REPEAT} (each column its own minimum over the runs):`, '', mdTable(bestRows));
      }
    }
    mkdirSync(OUT, { recursive: true });
    const json = { workload: cfg.title, date, N, repeat: REPEAT, machine, netloomBuild, settings };
    writeFileSync(join(OUT, `${cfg.id}-latest.json`), JSON.stringify(json, null, 2) + '\n');
    writeFileSync(join(OUT, `${cfg.id}-latest.md`), mdParts.join('\n') + '\n');
    console.log(`\nwrote ${join(OUT, `${cfg.id}-latest.json`)} and ${join(OUT, `${cfg.id}-latest.md`)}`);
    const failed = settings.some((s) => Object.values(s.status).includes('failed'));
    process.exitCode = failed ? 1 : 0;
    return json;
  };

  // RERENDER=results.json: no runs, only the summaries, tables and files again
  // (from the runs kept in that JSON), into OUT.
  if (process.env.RERENDER) {
    const j = JSON.parse(readFileSync(resolve(process.env.RERENDER), 'utf8'));
    return finish({ date: j.date, N: j.N, REPEAT: j.repeat, machine: j.machine, netloomBuild: j.netloomBuild, raw: j.settings, OUT });
  }

  // ---- main
  if (!existsSync(TIME)) die(`${TIME} not found (apt-get install -y time)`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) die('needs root (unshare --net, link creation)');
  if (!existsSync('/run/netns')) {
    mkdirSync('/run/netns', { recursive: true, mode: 0o755 });
    console.log(`${cfg.id}: created the empty directory /run/netns (fresh-netns mounts its private tmpfs there)`);
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
  const netloomBuild = TOOLS.some((t) => cfg.tools[t].netloom) ? snapshotNetloom() : undefined;
  const avail = {};
  for (const tool of TOOLS) {
    avail[tool] = availability(tool);
    if (!avail[tool].ok) console.log(`${cfg.id}: skipping ${tool}: ${avail[tool].why}`);
  }
  const runnable = TOOLS.filter((t) => avail[t].ok);
  const baseline = hostState();
  const date = new Date().toISOString();
  console.log(
    `${cfg.title} N=${N} ${cfg.unit}, tools ${runnable.join(', ') || '(none)'}, IPv6 ${IPV6.join(', ')}, repeat ${REPEAT}; ` +
      `${machine.cpus} CPUs (${machine.cpuModel}), kernel ${machine.kernel}, node ${machine.node}`,
  );
  if (netloomBuild) {
    console.log(
      `netloom ${netloomBuild.commit ?? '?'}${netloomBuild.uncommitted.length ? ` + uncommitted ${netloomBuild.uncommitted.join(' ')}` : ''}, ` +
        `addon built ${netloomBuild.addonBuilt ?? '?'} (sha256 ${netloomBuild.addonSha256 ?? '?'}), dist built ${netloomBuild.distBuilt ?? '?'}` +
        (netloomBuild.snapshot ? ', run from a snapshot copy' : ''),
    );
  }

  const raw = [];
  for (const ipv6 of IPV6) {
    const runs = [];
    for (let rep = 1; rep <= REPEAT; rep++) {
      for (const tool of runnable) {
        const quiet = await settle();
        const t0 = Date.now();
        const r = await runOnce(tool, ipv6);
        r.rep = rep;
        r.settledBefore = quiet.waited;
        runs.push(r);
        const tag = `[IPv6 ${ipv6}, ${tool}, run ${rep}/${REPEAT}, ${((Date.now() - t0) / 1000).toFixed(1)} s, settled ${quiet.waited.toFixed(1)} s before]`;
        if (r.ok) console.log(`${tag} ${r.line} | wall ${f3(r.wall)}s user ${f3(r.user)}s sys ${f3(r.sys)}s rss ${f1(r.rssMiB)}MiB`);
        else console.log(`${tag} FAILED: ${r.error}${r.stderr ? '\n  ' + r.stderr.replace(/\n/g, '\n  ') : ''}`);
        const now = hostState();
        if (now !== baseline) {
          console.error(`${cfg.id}: the host's links or /run/netns changed after ${tool}!\n  before ${baseline}\n  after  ${now}`);
          process.exit(3);
        }
      }
    }
    const status = {};
    for (const tool of TOOLS) if (!avail[tool].ok) status[tool] = 'skipped';
    raw.push({ ipv6, tools: TOOLS, status, runs });
  }
  return finish({ date, N, REPEAT, machine, netloomBuild, raw, OUT });
}
