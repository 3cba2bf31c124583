/**
 * Pictures of a topology, declared or live: Mermaid (for Markdown) and
 * Graphviz DOT, and SVG drawn in-process by Graphviz compiled to
 * WebAssembly (@viz-js/viz), so no system program is needed; a `dot`
 * program can still be named to draw it instead. Namespaces are boxes, links are
 * nodes labelled with their kind and addresses, veth pairs are edges
 * between namespaces, ports point at their bridge, bond or VRF (drawn as
 * hexagons). TUN/TAP devices
 * are labelled `tun` or `tap` (the kernel calls both kind `tun`).
 * @module
 */
import { spawn } from 'node:child_process';
import type { Model } from './model.js';
import type { Scan } from './scan.js';
import { liveTunMode } from './tuntap.js';

/** Kinds other links are ports of, drawn as hexagons. */
const MASTER_KINDS = new Set(['bridge', 'bond', 'vrf']);

/** A namespace in a picture. */
export interface GraphNamespace {
  /** Unique id. */
  id: string;
  /** What the box says. */
  label: string;
}

/** A link in a picture. */
export interface GraphNode {
  /** Unique id. */
  id: string;
  /** The namespace id. */
  ns: string;
  /** The link's name. */
  name: string;
  /** Its kind ('bridge', 'veth', 'tun', 'tap', ...; '' when it has none, like lo). */
  kind: string;
  /** Its addresses. */
  addresses: string[];
}

/** An edge: a veth pair, a port and its master, a link and the one it is made on. */
export interface GraphEdge {
  /** Node id. */
  from: string;
  /** Node id. */
  to: string;
  /** What joins them. */
  kind: 'veth' | 'master' | 'lower';
}

/** A picture-neutral view of a topology. */
export interface TopologyGraph {
  /** The title. */
  title: string;
  /** The boxes. */
  namespaces: GraphNamespace[];
  /** The links. */
  nodes: GraphNode[];
  /** The edges. */
  edges: GraphEdge[];
}

/** Output formats of a graph. */
export type GraphFormat = 'mermaid' | 'dot' | 'svg';

/** The graph of a declaration. */
export function graphOfModel(model: Model): TopologyGraph {
  const namespaces: GraphNamespace[] = [];
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const nodeId = (ns: string, name: string): string => `${ns}/${name}`;
  for (const ns of model.namespaces) {
    const how = ns.source === 'named' ? (ns.name === ns.key ? '' : ` (${ns.name ?? ''})`) : ` (${ns.source})`;
    namespaces.push({ id: ns.key, label: `${ns.key}${how}` });
    for (const l of ns.links) {
      nodes.push({ id: nodeId(ns.key, l.name), ns: ns.key, name: l.name, kind: l.tun?.mode ?? l.kind, addresses: l.addresses.map((a) => a.cidr) });
      if (l.master !== undefined) edges.push({ from: nodeId(ns.key, l.name), to: nodeId(ns.key, l.master), kind: 'master' });
      for (const lower of l.lowers) edges.push({ from: nodeId(ns.key, l.name), to: nodeId(l.linkNetns ?? ns.key, lower), kind: 'lower' });
      if (l.role === 'link' && l.peer !== undefined) edges.push({ from: nodeId(ns.key, l.name), to: nodeId(l.peer.ns, l.peer.name), kind: 'veth' });
    }
  }
  const ids = new Set(nodes.map((n) => n.id));
  return { title: model.description === undefined ? model.name : `${model.name}: ${model.description}`, namespaces, nodes, edges: edges.filter((e) => ids.has(e.from) && ids.has(e.to)) };
}

/** The graph of namespaces as read from the kernel. */
export function graphOfScan(scan: Scan, title = 'live namespaces'): TopologyGraph {
  const namespaces: GraphNamespace[] = [];
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const ns of scan.namespaces) {
    namespaces.push({ id: ns.label, label: ns.owner === undefined ? ns.label : `${ns.label} [${ns.owner}]` });
    const byIndex = new Map(ns.links.map((l) => [l.ifindex, l]));
    for (const l of ns.links) {
      const addresses = ns.addrs.filter((a) => a.ifindex === l.ifindex && !(a.family === 'inet6' && /^fe[89ab]/i.test(a.address))).map((a) => a.cidr);
      nodes.push({ id: `${ns.label}/${l.name}`, ns: ns.label, name: l.name, kind: liveTunMode(l) ?? l.kind ?? '', addresses });
      const master = l.master === undefined ? undefined : byIndex.get(l.master);
      if (master !== undefined) edges.push({ from: `${ns.label}/${l.name}`, to: `${ns.label}/${master.name}`, kind: 'master' });
      const parent = l.kind !== 'veth' && l.parent !== undefined && l.linkNetnsid === undefined ? byIndex.get(l.parent) : undefined;
      if (parent !== undefined && parent !== l) edges.push({ from: `${ns.label}/${l.name}`, to: `${ns.label}/${parent.name}`, kind: 'lower' });
    }
  }
  for (const p of scan.pairs) edges.push({ from: `${p.a.ns}/${p.a.link}`, to: `${p.b.ns}/${p.b.link}`, kind: 'veth' });
  return { title, namespaces, nodes, edges };
}

function label(n: GraphNode, newline: string): string {
  return [n.name, n.kind === '' ? undefined : n.kind, ...n.addresses].filter((x) => x !== undefined).join(newline);
}

/** Ids safe in both languages: letters, digits and '_', unique. */
function idMap(g: TopologyGraph): Map<string, string> {
  const m = new Map<string, string>();
  let i = 0;
  for (const ns of g.namespaces) m.set(`ns:${ns.id}`, `ns${i++}_${ns.id.replace(/\W/g, '_')}`);
  for (const n of g.nodes) m.set(n.id, `l${i++}_${n.name.replace(/\W/g, '_')}`);
  return m;
}

const mq = (s: string): string => s.replace(/"/g, '#quot;');

/** Mermaid flowchart source. */
export function toMermaid(g: TopologyGraph): string {
  const ids = idMap(g);
  const out = ['flowchart LR', `  %% ${g.title.replace(/\n/g, ' ')}`];
  for (const ns of g.namespaces) {
    out.push(`  subgraph ${ids.get(`ns:${ns.id}`) ?? ''}["${mq(ns.label)}"]`);
    for (const n of g.nodes.filter((x) => x.ns === ns.id)) {
      const text = mq(label(n, '<br/>'));
      out.push(MASTER_KINDS.has(n.kind) ? `    ${ids.get(n.id) ?? ''}{{"${text}"}}` : `    ${ids.get(n.id) ?? ''}["${text}"]`);
    }
    out.push('  end');
  }
  for (const e of g.edges) {
    const a = ids.get(e.from) ?? '';
    const b = ids.get(e.to) ?? '';
    if (e.kind === 'veth') out.push(`  ${a} <-->|veth| ${b}`);
    else if (e.kind === 'master') out.push(`  ${a} -.->|port of| ${b}`);
    else out.push(`  ${a} -.->|on| ${b}`);
  }
  return `${out.join('\n')}\n`;
}

// A DOT string: backslashes and quotes escaped, line breaks as DOT's own \n (centred lines).
const dq = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** Graphviz DOT source. */
export function toDot(g: TopologyGraph): string {
  const ids = idMap(g);
  const out = [
    `graph ${dq(g.title)} {`,
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=12, labelloc=t, label=' + dq(g.title) + '];',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const ns of g.namespaces) {
    out.push(`  subgraph cluster_${ids.get(`ns:${ns.id}`) ?? ''} {`, `    label=${dq(ns.label)}; style="rounded,dashed";`);
    for (const n of g.nodes.filter((x) => x.ns === ns.id)) {
      const shape = MASTER_KINDS.has(n.kind) ? ', shape=hexagon' : '';
      out.push(`    ${ids.get(n.id) ?? ''} [label=${dq(label(n, '\n'))}${shape}];`);
    }
    out.push('  }');
  }
  for (const e of g.edges) {
    const a = ids.get(e.from) ?? '';
    const b = ids.get(e.to) ?? '';
    if (e.kind === 'veth') out.push(`  ${a} -- ${b} [label="veth", penwidth=2];`);
    else if (e.kind === 'master') out.push(`  ${a} -- ${b} [style=dashed, label="port"];`);
    else out.push(`  ${a} -- ${b} [style=dotted, label="on"];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Options of {@link toSvg}. */
export interface SvgOptions {
  /**
   * A Graphviz `dot` program to run (`dot -Tsvg`) instead of the built-in
   * WebAssembly Graphviz, for a system build with other fonts or plugins.
   * Default: none, draw in-process.
   */
  dot?: string;
  /** Cancels a running `dot` program (the in-process renderer is synchronous). */
  signal?: AbortSignal;
}

// The WebAssembly Graphviz is 1.2 MB of JavaScript: load and instantiate it
// once, on the first SVG asked for, not when netloom is imported.
let viz: Promise<{ renderString(input: string, options: { format: string; engine: string }): string }> | undefined;

function builtinGraphviz(): NonNullable<typeof viz> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return viz;
}

/**
 * SVG of the graph, drawn by Graphviz's `dot` layout. By default in-process
 * (Graphviz compiled to WebAssembly, nothing to install); with `opts.dot`,
 * by piping the DOT source through that program, rejecting with a clear
 * message when it is not installed.
 */
export async function toSvg(g: TopologyGraph, opts: SvgOptions = {}): Promise<string> {
  const source = toDot(g);
  if (opts.dot === undefined) {
    opts.signal?.throwIfAborted();
    const graphviz = await builtinGraphviz();
    try {
      return graphviz.renderString(source, { format: 'svg', engine: 'dot' });
    } catch (e) {
      throw new Error(`graph: Graphviz could not draw the graph: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return runDot(opts.dot, source, opts.signal);
}

function runDot(program: string, source: string, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['-Tsvg'], { stdio: ['pipe', 'pipe', 'pipe'], ...(signal === undefined ? {} : { signal }) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? new Error(`graph: SVG output with the '${program}' program needs it installed (Debian/Ubuntu: apt-get install graphviz); without the dot option SVG is drawn in-process and needs nothing`)
          : e,
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString());
      else if (code !== null) reject(new Error(`graph: ${program} -Tsvg failed (exit ${code}): ${Buffer.concat(err).toString().trim()}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(source);
  });
}

/** A graph in one of the formats (SVG drawn in-process by Graphviz in WebAssembly). */
export async function renderGraph(g: TopologyGraph, format: GraphFormat = 'mermaid'): Promise<string> {
  if (format === 'mermaid') return toMermaid(g);
  if (format === 'dot') return toDot(g);
  if (format === 'svg') return toSvg(g);
  throw new RangeError(`graph: format: must be 'mermaid', 'dot' or 'svg', got '${String(format)}'`);
}
