#!/usr/bin/env node
// Loading a ruleset and listing it back, side by side in one run: netloom
// (bench/nft-netloom.mjs: one nft.apply() transaction, rule.list() into
// typed rules) vs `nft -f` of the same rules vs one `nft add rule` per rule
// (anchors/nft/rules.sh). Each run is a whole process in a fresh network
// namespace (`unshare --net`, timed by /usr/bin/time: wall, user, system,
// peak RSS), the tools interleaved round by round; medians over rounds.
// `nft add rule` per rule runs EACH_N rules (default 300) and its load time
// is scaled to N (one process per rule costs the same for each).
//
// Before each run the machine must be quiet (bench/quiet.mjs); a run that
// started on a busy machine is marked DISTURBED, and so is the whole result
// if any run was.
//
// WORKLOAD=sets: the second workload, N (default 100000) addresses in an
// ipv4_addr set, loaded and listed back: netloom (bench/nft-sets-netloom.mjs:
// one set.elements.add(), set.elements.list() into address text) vs `nft -f`
// of one `add element` statement and `nft list set` (anchors/nft/sets.sh).
//
// Env: WORKLOAD (rules, or sets), N (rules, default 10000; elements, default
// 100000), ROUNDS (default 5), EACH_N, QUIET_MAX_S, OUT (default
// bench/results). Results: OUT/nft-latest.{json,md} (sets: nft-sets-latest).
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, waitQuiet } from './quiet.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const SETS = process.env.WORKLOAD === 'sets';
const N = Number(process.env.N ?? (SETS ? 100000 : 10000));
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const EACH_N = Math.min(N, Number(process.env.EACH_N ?? 300));
const OUT = resolve(process.env.OUT ?? join(BENCH, 'results'));

const TOOLS = SETS
  ? {
      netloom: { cmd: [process.execPath, join(BENCH, 'nft-sets-netloom.mjs')], env: { N: String(N) }, scale: 1 },
      'nft -f': { cmd: ['sh', join(BENCH, 'anchors/nft/sets.sh')], env: { N: String(N) }, scale: 1 },
    }
  : {
      netloom: { cmd: [process.execPath, join(BENCH, 'nft-netloom.mjs')], env: { N: String(N) }, scale: 1 },
      'nft -f': { cmd: ['sh', join(BENCH, 'anchors/nft/rules.sh')], env: { N: String(N), STYLE: 'file' }, scale: 1 },
      'nft add rule (each)': { cmd: ['sh', join(BENCH, 'anchors/nft/rules.sh')], env: { N: String(EACH_N), STYLE: 'each' }, scale: N / EACH_N },
    };
const LINE = /^NFT \S+ ok: (\d+) (?:rules|elements) listed; load ([\d.]+)s list ([\d.]+)s$/m;

function run(name) {
  const t = TOOLS[name];
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', 'unshare', '--net', ...t.cmd], { encoding: 'utf8', env: { ...process.env, ...t.env }, timeout: 600000 });
  const m = LINE.exec(r.stdout ?? '');
  const tm = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m || !tm) throw new Error(`${name}: failed (${r.status}): ${(r.stderr ?? '').slice(-400)} ${r.stdout ?? ''}`);
  return { load: Number(m[2]) * t.scale, list: Number(m[3]), wall: Number(tm[1]), user: Number(tm[2]), sys: Number(tm[3]), rssMiB: Number(tm[4]) / 1024 };
}

for (const bin of ['nft', 'unshare', '/usr/bin/time']) {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) {
    console.error(`nft bench: ${bin} not found (apt-get install -y nftables util-linux time)`);
    process.exit(2);
  }
}
const runs = Object.fromEntries(Object.keys(TOOLS).map((k) => [k, []]));
let disturbed = false;
for (let round = 1; round <= ROUNDS; round++) {
  for (const name of Object.keys(TOOLS)) {
    const q = await waitQuiet();
    const r = { ...run(name), quiet: q.quiet, busyBefore: Number(q.busy.toFixed(2)) };
    if (!q.quiet) disturbed = true;
    runs[name].push(r);
    console.log(`round ${round}/${ROUNDS} ${name.padEnd(20)} load ${r.load.toFixed(3)}s list ${r.list.toFixed(3)}s wall ${r.wall.toFixed(2)}s user ${r.user.toFixed(2)}s rss ${r.rssMiB.toFixed(0)} MiB${q.quiet ? '' : ' DISTURBED'}`);
  }
}
const summary = Object.fromEntries(
  Object.entries(runs).map(([k, rs]) => [k, Object.fromEntries(['load', 'list', 'wall', 'user', 'sys', 'rssMiB'].map((f) => [f, median(rs.map((r) => r[f]))]))]),
);
const commit = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const date = new Date().toISOString();
const nl = summary.netloom;
const ratio = (base, f) => (nl[f] > 0 ? summary[base][f] / nl[f] : NaN);
const rows = Object.entries(summary).map(
  ([k, s]) => `| ${k}${k.includes('each') ? ` (${EACH_N} run, scaled to ${N})` : ''} | ${s.load.toFixed(3)} | ${s.list.toFixed(3)} | ${s.wall.toFixed(2)} | ${s.user.toFixed(2)} | ${s.rssMiB.toFixed(0)} |`,
);
const what = SETS ? 'elements of an ipv4_addr set' : 'rules';
const ratios = SETS
  ? `Ratios (other ÷ netloom, above 1: netloom faster): load vs \`nft -f\` ${ratio('nft -f', 'load').toFixed(2)}, list vs \`nft list set\` ${ratio('nft -f', 'list').toFixed(2)}, whole process vs \`nft -f\` ${ratio('nft -f', 'wall').toFixed(2)}.`
  : `Ratios (other ÷ netloom, above 1: netloom faster): load vs \`nft -f\` ${ratio('nft -f', 'load').toFixed(2)}, list vs \`nft list ruleset\` ${ratio('nft -f', 'list').toFixed(2)}, whole process vs \`nft -f\` ${ratio('nft -f', 'wall').toFixed(2)}, load vs one \`nft add rule\` per rule ${ratio('nft add rule (each)', 'load').toFixed(1)}.`;
const md = [
  `# nf_tables: ${N} ${what} loaded and listed`,
  '',
  `${date}, commit ${commit}, ${ROUNDS} rounds interleaved, medians; ${disturbed ? '**DISTURBED: some runs started on a busy machine; read the figures as lower bounds**' : 'every run started on a quiet machine (quiet)'}.`,
  '',
  '| tool | load s | list s | whole process s | user s | peak RSS MiB |',
  '|---|---|---|---|---|---|',
  ...rows,
  '',
  ratios,
  '',
  SETS ? 'netloom lists into typed elements (address text); nft prints text.' : 'netloom lists into typed rules (every rule decoded and read back into its body); nft prints text.',
  '',
];
mkdirSync(OUT, { recursive: true });
const base = SETS ? 'nft-sets-latest' : 'nft-latest';
writeFileSync(join(OUT, `${base}.json`), `${JSON.stringify({ date, commit, workload: SETS ? 'sets' : 'rules', N, rounds: ROUNDS, eachN: EACH_N, disturbed, summary, runs }, null, 1)}\n`);
writeFileSync(join(OUT, `${base}.md`), `${md.join('\n')}\n`);
console.log(md.join('\n'));
