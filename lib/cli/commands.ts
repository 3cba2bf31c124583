/**
 * The `netloom` subcommands. Each takes its arguments (already split off
 * the command name) and the output streams, and resolves with the exit
 * code; wrong usage throws {@link UsageError} (exit code 2).
 * @module
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { netns, type NetNs } from '../netns/netns.js';
import { TopologyError } from '../topology/errors.js';
import { graphOfScan, renderGraph, type GraphFormat } from '../topology/graph.js';
import { loadTopology } from '../topology/load.js';
import { TOPOLOGY_NAME_RE } from '../topology/marks.js';
import { formatPlan } from '../topology/plan.js';
import { scanNamespaces } from '../topology/scan.js';
import { destroyTopology, topology, type TopologyOptions } from '../topology/topology.js';
import type { TopologySpec } from '../topology/types.js';
import { DEMO_PINGS, DEMO_TOPOLOGY } from './demo-topology.js';
import { countsText, declarationTable, progressLine, table } from './output.js';
import { renderTree } from './show.js';

/** Where a command writes. */
export interface Io {
  /** A line (or lines) to standard output. */
  out(text: string): void;
  /** A line (or lines) to standard error. */
  err(text: string): void;
}

/** Wrong usage: unknown command or option, missing argument. Exit code 2. */
export class UsageError extends Error {
  /** @internal */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

function parse<O extends Options>(args: string[], options: O, positionals: { min: number; max: number; what: string }) {
  const config = { args, options, allowPositionals: true as const, strict: true as const };
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (parsed.positionals.length < positionals.min) throw new UsageError(`missing ${positionals.what}`);
  if (parsed.positionals.length > positionals.max) throw new UsageError(`unexpected argument '${parsed.positionals[positionals.max] ?? ''}'`);
  return parsed;
}

const TOPO_OPTIONS = {
  name: { type: 'string' },
  prefix: { type: 'string' },
  netns: { type: 'string' },
  'allow-current': { type: 'boolean' },
} as const;

interface Loaded {
  spec: TopologySpec;
  opts: TopologyOptions;
  held: NetNs | undefined;
}

/** Read FILE and apply --name, --prefix, --netns. */
async function loadWith(file: string, values: { name?: string | undefined; prefix?: string | undefined; netns?: string | undefined }): Promise<Loaded> {
  const spec = await loadTopology(file);
  if (values.name !== undefined) {
    if (!TOPOLOGY_NAME_RE.test(values.name)) throw new UsageError(`--name: not a topology name: '${values.name}' (letters, digits, '.', '_', '-')`);
    spec.name = values.name;
  }
  const opts: TopologyOptions = {};
  if (values.prefix !== undefined) opts.netnsPrefix = values.prefix;
  let held: NetNs | undefined;
  if (values.netns !== undefined) {
    held = await netns.open(values.netns);
    opts.netns = held;
  }
  return { spec, opts, held };
}

/** Namespaces a command-line apply must not have (they would die with this process, or touch its own namespace). */
function refuseForUp(spec: TopologySpec, allowCurrent: boolean): void {
  if (typeof spec.namespaces !== 'object' || spec.namespaces === null) return; // validation says what is wrong
  for (const [key, ns] of Object.entries(spec.namespaces)) {
    if (ns?.anonymous === true) {
      throw new Error(`namespaces.${key}: anonymous namespaces live only as long as the process that made them, and 'netloom up' exits at once: give it a name (or use the library, which holds them)`);
    }
    if (ns?.current === true && !allowCurrent) {
      throw new Error(`namespaces.${key}: 'current: true' would put links in the namespace netloom runs in (this machine's own network, here); pass --netns NAME to use a named namespace for it, or --allow-current if that is what you want`);
    }
  }
}

let interrupted: NodeJS.Signals | undefined;

/** The signal that interrupted the command, if one did (the exit code is then 130). */
export function interruptedBy(): NodeJS.Signals | undefined {
  return interrupted;
}

/** Ctrl-C / SIGTERM: the first aborts (the command then rolls back or tears down); the second stops waiting. */
function onSignals(io: Io, ac: AbortController, hint: string): () => void {
  let count = 0;
  const handler = (sig: NodeJS.Signals): void => {
    count++;
    interrupted ??= sig;
    if (count === 1) {
      io.err(`netloom: ${sig}: stopping and cleaning up (again to stop waiting)`);
      ac.abort(new Error(`interrupted by ${sig}`));
    } else {
      io.err(`netloom: ${sig} again: exiting now; ${hint}`);
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** `netloom up FILE`. */
export async function up(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...TOPO_OPTIONS, quiet: { type: 'boolean', short: 'q' } }, { min: 1, max: 1, what: 'FILE (a topology declaration, YAML or JSON)' });
  const file = positionals[0] as string;
  const { spec, opts, held } = await loadWith(file, values);
  const ac = new AbortController();
  const off = onSignals(io, ac, `'netloom down ${file}' removes what is left`);
  try {
    refuseForUp(spec, values['allow-current'] === true || held !== undefined);
    const topo = topology(spec, opts);
    try {
      io.out(`netloom up ${file}: topology '${topo.name}'${spec.description === undefined ? '' : ` (${spec.description})`}`);
      const result = await topo.apply({ signal: ac.signal, onProgress: (e) => {
        const line = values.quiet === true ? undefined : progressLine(e);
        if (line !== undefined) io.out(line);
      } });
      if (result.plan.empty) io.out('  nothing to do: the kernel already matches the declaration');
      io.out('');
      io.out(table(['stage', 'steps', 'ms'], result.stages.map((s) => [s.stage, String(s.steps), s.ms.toFixed(1)]), '  '));
      io.out('');
      io.out(declarationTable(spec));
      io.out('');
      io.out(`up: ${countsText(result.plan)} in ${(result.ms / 1000).toFixed(3)} s`);
      return 0;
    } finally {
      await topo.close();
    }
  } finally {
    off();
    held?.close();
  }
}

/** `netloom down FILE` / `netloom down --name NAME`. */
export async function down(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, TOPO_OPTIONS, { min: 0, max: 1, what: 'FILE' });
  const file = positionals[0];
  if (file === undefined && values.name === undefined) throw new UsageError('give FILE (the declaration) or --name NAME (remove by the marks alone)');
  let result;
  let name: string;
  if (file !== undefined) {
    const { spec, opts, held } = await loadWith(file, values);
    try {
      const topo = topology(spec, opts);
      name = topo.name;
      try {
        result = await topo.destroy();
      } finally {
        await topo.close();
      }
    } finally {
      held?.close();
    }
  } else {
    name = values.name as string;
    if (!TOPOLOGY_NAME_RE.test(name)) throw new UsageError(`--name: not a topology name: '${name}'`);
    const held = values.netns === undefined ? undefined : await netns.open(values.netns);
    try {
      result = await destroyTopology(name, held === undefined ? {} : { netns: held });
    } finally {
      held?.close();
    }
  }
  for (const n of result.namespaces) io.out(`  - netns ${n}`);
  for (const l of result.links) io.out(`  - link ${l}`);
  io.out(`down: topology '${name}': ${result.namespaces.length} namespace(s) and ${result.links.length} link(s) elsewhere removed`);
  return 0;
}

/** `netloom plan FILE`. */
export async function plan(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...TOPO_OPTIONS, json: { type: 'boolean' } }, { min: 1, max: 1, what: 'FILE' });
  const { spec, opts, held } = await loadWith(positionals[0] as string, values);
  try {
    const topo = topology(spec, opts);
    try {
      const p = await topo.plan();
      io.out(values.json === true ? JSON.stringify(p, null, 2) : formatPlan(p));
      if (p.conflicts.length > 0) {
        io.err(`netloom plan: ${p.conflicts.length} conflict(s): apply would refuse`);
        return 1;
      }
      return 0;
    } finally {
      await topo.close();
    }
  } finally {
    held?.close();
  }
}

/** `netloom show`. */
export async function show(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, 'run-dir': { type: 'string' } }, { min: 0, max: 0, what: '' });
  const scan = await scanNamespaces(values['run-dir'] === undefined ? {} : { runDir: values['run-dir'] });
  if (values.json === true) {
    io.out(
      JSON.stringify(
        {
          namespaces: scan.namespaces.map((n) => ({
            name: n.label,
            named: n.named,
            owner: n.owner,
            links: n.links.map((l) => ({
              name: l.name, ifindex: l.ifindex, kind: l.kind, up: l.up, operstate: l.operstate, master: l.master, mac: l.mac, mtu: l.mtu,
              addresses: n.addrs.filter((a) => a.ifindex === l.ifindex).map((a) => a.cidr),
              qdiscs: n.qdiscs.filter((q) => q.ifindex === l.ifindex && q.handle !== '0:').map(({ raw: _raw, stats: _stats, ifindex: _i, ...q }) => q),
            })),
            nexthops: n.nexthops.map(({ raw: _raw, ...x }) => x),
          })),
          pairs: scan.pairs,
        },
        null,
        2,
      ),
    );
  } else {
    io.out(renderTree(scan));
  }
  return 0;
}

const FORMATS: readonly GraphFormat[] = ['mermaid', 'dot', 'svg'];

/** `netloom graph FILE|--live`. */
export async function graph(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { live: { type: 'boolean' }, format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' } }, { min: 0, max: 1, what: 'FILE or --live' });
  const format = (values.format ?? 'mermaid') as GraphFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format: must be one of ${FORMATS.join(', ')}, got '${String(values.format)}'`);
  const file = positionals[0];
  if ((file === undefined) === (values.live !== true)) throw new UsageError('give either FILE (the declared topology) or --live (what the kernel has)');
  let text: string;
  if (file !== undefined) {
    const topo = topology(await loadTopology(file));
    text = await topo.graph({ format });
    await topo.close();
  } else {
    text = await renderGraph(graphOfScan(await scanNamespaces()), format);
  }
  if (values.output !== undefined) await writeFile(values.output, text);
  else io.out(text.trimEnd());
  return 0;
}

/** `netloom demo`: scenario S2 built, proven with pings, shown, torn down. */
export async function demo(args: string[], io: Io): Promise<number> {
  parse(args, {}, { min: 0, max: 0, what: '' });
  const tag = `netloom-demo-${process.pid}`;
  const spec: TopologySpec = { ...structuredClone(DEMO_TOPOLOGY), name: tag };
  const ac = new AbortController();
  const off = onSignals(io, ac, `'netloom down --name ${tag}' removes what is left`);
  const topo = topology(spec, { netnsPrefix: `${tag}-` });
  let failed = false;
  try {
    io.out(`netloom demo: scenario S2, a bridge as a virtual switch for two namespaces`);
    io.out(`  built in namespaces of its own (${topo.namespaces.map((k) => topo.netnsName(k)).join(', ')}); this machine's own network is not touched`);
    const result = await topo.apply({ signal: ac.signal, onProgress: (e) => {
      const line = progressLine(e);
      if (line !== undefined) io.out(line);
    } });
    io.out(`  built: ${countsText(result.plan)} in ${(result.ms / 1000).toFixed(3)} s`);
    for (const p of DEMO_PINGS) {
      ac.signal.throwIfAborted();
      const r = await topo.netns(p.from).ping(p.to, { count: 2, interval: 100, timeout: 2000 });
      io.out(`  ping ${p.from} -> ${p.what} (${p.to}): ${r.received}/${r.sent} replies, rtt ${r.rtts.map((x) => x.toFixed(3)).join(' ')} ms`);
      if (r.received === 0) throw new Error(`no reply from ${p.to}`);
    }
    const only = new Map<string, NetNs>(topo.namespaces.map((k) => [topo.netnsName(k) ?? k, topo.netns(k)]));
    io.out(renderTree(await scanNamespaces({ only })).replace(/^/gm, '  '));
    io.out('ok: built, proven with ping; tearing down');
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    try {
      const d = await topo.destroy();
      await topo.close();
      const left = (await netns.list()).filter((n) => n.startsWith(`${tag}-`));
      if (left.length > 0) throw new Error(`left behind: ${left.join(', ')}`);
      io.out(`torn down: ${d.namespaces.length} namespaces removed, nothing left behind`);
    } catch (e) {
      if (!failed) throw e;
      io.err(`netloom demo: cleanup: ${(e as Error).message}`);
    } finally {
      off();
    }
  }
  return 0;
}

/** The package version, from package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** How a failure reads on stderr. */
export function describeFailure(e: unknown): string {
  if (e instanceof TopologyError) {
    const lines = [e.message];
    for (const r of e.rollbackErrors) lines.push(`  roll-back: ${(r as Error).message}`);
    return lines.join('\n');
  }
  return e instanceof Error ? e.message : String(e);
}
