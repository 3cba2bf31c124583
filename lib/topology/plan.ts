/**
 * The plan: what `apply` would create, change and remove, as a list of
 * steps in the order apply takes them, and as text (`netloom plan`).
 * @module
 */
import type { Diff, NsDiff } from './diff-types.js';
import type { QdiscSpec } from '../rtnl/tc/types.js';
import type { ModelLink, ModelTc } from './model.js';

/** The stages of an apply, in order. */
export type PlanStage = 'namespaces' | 'links' | 'masters' | 'qdiscs' | 'addresses' | 'nexthops' | 'routes' | 'neighbours' | 'fdb' | 'sysctls' | 'firewall' | 'removals';

/** All stages, in the order apply runs them. */
export const STAGES: readonly PlanStage[] = ['namespaces', 'links', 'masters', 'qdiscs', 'addresses', 'nexthops', 'routes', 'neighbours', 'fdb', 'sysctls', 'firewall', 'removals'];

/** What a step does. `replace`: delete, then make again (the kernel cannot change it in place). */
export type PlanAction = 'create' | 'change' | 'replace' | 'remove';

/** What a step works on. */
export type PlanObject = 'netns' | 'link' | 'qdisc' | 'address' | 'nexthop' | 'route' | 'neighbour' | 'fdb' | 'sysctl' | 'nftables';

/** One step of a plan. */
export interface PlanStep {
  /** The stage it belongs to. */
  stage: PlanStage;
  /** Create, change, replace or remove. */
  action: PlanAction;
  /** The kind of object. */
  object: PlanObject;
  /** The namespace's key in the declaration (for a namespace no longer declared: its name). */
  namespace: string;
  /** What, in iproute2 words: 'br0 (bridge)', '198.18.1.1/24 on eth0', 'default via 198.18.1.10'. */
  name: string;
  /** Where it is declared (undefined for what is removed). */
  path: string | undefined;
  /** For changes: each difference, 'mtu 1500 -> 9000'. */
  changes: string[];
}

/** What `plan()` returns. */
export interface Plan {
  /** The topology's name. */
  topology: string;
  /** Every step, in apply order. */
  steps: PlanStep[];
  /** True when apply would change nothing. */
  empty: boolean;
  /** Steps by action. */
  counts: Record<PlanAction, number>;
  /**
   * Why apply would refuse to start (a link or named namespace of that name
   * exists and is not the topology's). Empty when it can go ahead.
   */
  conflicts: string[];
}

function linkName(l: ModelLink): string {
  if (l.peer !== undefined) return `${l.name} (veth, peer ${l.peer.name} in ${l.peer.ns})`;
  return `${l.name} (${l.tun?.mode ?? l.kind})`; // a TAP is kind 'tun' to the kernel: say which
}

/** The step of each item of a difference (the diff's own objects as keys), for progress and error reports. */
export type StepIndex = Map<unknown, PlanStep>;

function nsSteps(d: NsDiff, index: StepIndex | undefined): PlanStep[] {
  const ns = d.ns.key;
  const out: PlanStep[] = [];
  const step = (ref: unknown, stage: PlanStage, action: PlanAction, object: PlanObject, name: string, path: string | undefined, changes: string[] = []): void => {
    const s: PlanStep = { stage, action, object, namespace: ns, name, path, changes };
    out.push(s);
    index?.set(ref, s);
  };
  if (d.create) step(d, 'namespaces', 'create', 'netns', d.ns.name ?? `${ns} (anonymous)`, d.ns.path);
  else if (d.lo?.up !== undefined) step(d.lo, 'namespaces', 'change', 'link', 'lo', d.ns.path, [`up ${String(!d.lo.up)} -> ${String(d.lo.up)}`]);
  for (const w of d.nsSysctls) step(w, 'namespaces', w.old === undefined ? 'create' : 'change', 'sysctl', w.sysctl.name, w.sysctl.path, [`${w.old ?? '(unset)'} -> ${w.sysctl.value}`]);
  const replaced = new Set(d.linkDeletes.map((x) => x.model));
  for (const l of d.linkCreates) step(l, 'links', replaced.has(l) || (l.peer !== undefined && replaced.has(l.peer)) ? 'replace' : 'create', 'link', linkName(l), l.path);
  for (const x of d.linkDeletes) {
    if (x.model.role === 'peer' && !d.linkCreates.includes(x.model)) step(x, 'links', 'replace', 'link', `${x.model.name} (veth peer of ${x.model.peer?.name ?? '?'})`, x.model.path);
  }
  for (const c of d.linkChanges) step(c, 'masters', 'change', 'link', c.model.name, c.model.path, c.desc);
  for (const w of d.tc) {
    if (w.action === 'remove') step(w, 'removals', 'remove', 'qdisc', `${w.live?.qdisc.kind ?? w.slot} ${w.live?.qdisc.handle ?? ''} on ${w.link.name}`, undefined);
    else step(w, 'qdiscs', w.action, 'qdisc', qdiscText(w.link.name, w.slot, w.link.tc), w.link.tc?.path, w.desc);
  }
  for (const a of d.addrCreates) step(a, 'addresses', 'create', 'address', `${a.addr.cidr} on ${a.link.name}`, a.addr.path);
  const flipped = new Set(d.nhDeletes.map((x) => x.model));
  for (const m of d.nhCreates) step(m, 'nexthops', flipped.has(m) ? 'replace' : 'create', 'nexthop', nexthopText(m.spec), m.path);
  for (const c of d.nhChanges) step(c, 'nexthops', 'change', 'nexthop', nexthopText(c.model.spec), c.model.path, c.desc);
  for (const r of d.routeCreates) step(r, 'routes', 'create', 'route', routeText(r.spec), r.path);
  for (const r of d.routeChanges) step(r, 'routes', 'change', 'route', routeText(r.model.spec), r.model.path, r.desc);
  for (const n of d.neighCreates) step(n, 'neighbours', 'create', 'neighbour', n.key, n.path);
  for (const n of d.neighChanges) step(n, 'neighbours', 'change', 'neighbour', n.model.key, n.model.path, n.desc);
  for (const f of d.fdbCreates) step(f, 'fdb', 'create', 'fdb', f.key, f.path);
  if (d.nft !== undefined) {
    // One transaction: the first step stands for it in progress and errors.
    const what = (t: string): string => `table ${t} (${summary(d.nft as NonNullable<NsDiff['nft']>, t)})`;
    const path = `${d.ns.path}.nat/firewall`;
    const refs: unknown[] = [d.nft];
    const ref = (): unknown => refs.shift() ?? {};
    for (const t of d.nft.plan.created) step(ref(), 'firewall', 'create', 'nftables', what(t), path);
    for (const t of d.nft.plan.replaced) step(ref(), 'firewall', 'replace', 'nftables', what(t), path);
    for (const t of d.nft.plan.removed) step(ref(), 'firewall', 'remove', 'nftables', `table ${t}`, undefined);
  }
  for (const w of d.ifSysctls) step(w, 'sysctls', w.old === undefined ? 'create' : 'change', 'sysctl', w.sysctl.name, w.sysctl.path, [`${w.old ?? '(unset)'} -> ${w.sysctl.value}`]);
  const nameOf = (ifindex: number): string => d.live?.byIndex.get(ifindex)?.name ?? `if${ifindex}`;
  for (const f of d.fdbRemoves) step(f, 'removals', 'remove', 'fdb', `${f.lladdr ?? '?'} dev ${nameOf(f.ifindex)}${f.dst === undefined ? '' : ` dst ${f.dst}`}`, undefined);
  for (const n of d.neighRemoves) step(n, 'removals', 'remove', 'neighbour', `${n.proxy ? 'proxy ' : ''}${n.dst ?? '?'} dev ${nameOf(n.ifindex)}`, undefined);
  for (const n of d.nhRemoves) step(n, 'removals', 'remove', 'nexthop', nexthopText({ ...n, dev: n.dev === undefined ? undefined : nameOf(n.dev) }), undefined);
  for (const r of d.routeRemoves) step(r, 'removals', 'remove', 'route', `${r.dst}${r.via === undefined ? '' : ` via ${r.via}`}${r.dev === undefined ? '' : ` dev ${nameOf(r.dev)}`}`, undefined);
  for (const a of d.addrRemoves) step(a, 'removals', 'remove', 'address', `${a.live.cidr} on ${a.link.name}`, undefined);
  for (const l of d.linkRemoves) step(l, 'removals', 'remove', 'link', `${l.name} (${l.kind ?? 'link'})`, undefined);
  return out;
}

/** `4 chains, 7 rules` of a declared table. */
function summary(w: NonNullable<NsDiff['nft']>, key: string): string {
  const t = w.ruleset.tables.find((x) => `${x.family} ${x.name}` === key);
  const chains = t?.chains ?? [];
  const rules = chains.reduce((n, c) => n + (c.rules?.length ?? 0), 0);
  return `${chains.length} chain${chains.length === 1 ? '' : 's'}, ${rules} rule${rules === 1 ? '' : 's'}`;
}

/** A qdisc slot in `tc` words: 'tbf 1: on eth0 (rate 8mbit)', 'htb 1: on eth0 (2 classes, 1 filter)', 'ingress on eth0 (1 filter)'. */
function qdiscText(dev: string, slot: 'root' | 'ingress', tc: ModelTc | undefined): string {
  const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : what.endsWith('s') ? 'es' : 's'}`;
  if (slot === 'ingress') return `ingress on ${dev} (${n(tc?.ingress?.length ?? 0, 'filter')})`;
  const r = tc?.root as (QdiscSpec & { handle?: unknown; rate?: unknown }) | undefined;
  const what = r?.kind === 'htb' ? `${n(tc?.classes.length ?? 0, 'class')}, ${n(tc?.filters.length ?? 0, 'filter')}` : r?.rate !== undefined ? `rate ${String(r.rate)}` : '';
  return `${r?.kind ?? '?'} ${String(r?.handle ?? '')} on ${dev}${what === '' ? '' : ` (${what})`}`;
}

/** A nexthop in `ip nexthop` words: 'id 1 via 198.18.0.2 dev eth0', 'id 10 group 1,3/2' (member 1 with weight 3, member 2). */
function nexthopText(s: { id: number; via?: string | undefined; dev?: string | number | undefined; blackhole?: boolean; fdb?: boolean; group?: Array<{ id: number; weight?: number }> | undefined }): string {
  const group = s.group?.map((g) => `${g.id}${(g.weight ?? 1) === 1 ? '' : `,${g.weight ?? 1}`}`).join('/');
  return [`id ${s.id}`, group === undefined ? '' : `group ${group}`, s.via === undefined ? '' : `via ${s.via}`, s.dev === undefined ? '' : `dev ${s.dev}`, s.blackhole === true ? 'blackhole' : '', s.fdb === true ? 'fdb' : '']
    .filter(Boolean)
    .join(' ');
}

/** A route in `ip route` words. */
export function routeText(r: { dst: string; via?: string | undefined; nhid?: number | undefined; dev?: string | number | undefined; table?: unknown; metric?: number | undefined }): string {
  return [r.dst, r.nhid === undefined ? '' : `nhid ${r.nhid}`, r.via === undefined ? '' : `via ${r.via}`, r.dev === undefined ? '' : `dev ${r.dev}`, r.table === undefined ? '' : `table ${String(r.table)}`, r.metric === undefined ? '' : `metric ${r.metric}`]
    .filter(Boolean)
    .join(' ');
}

/** The public plan of a difference. */
export function toPlan(diff: Diff, index?: StepIndex): Plan {
  const steps = diff.namespaces.flatMap((d) => nsSteps(d, index));
  for (const name of diff.nsRemoves) {
    const s: PlanStep = { stage: 'removals', action: 'remove', object: 'netns', namespace: name, name, path: undefined, changes: [] };
    steps.push(s);
    index?.set(name, s);
  }
  for (const key of diff.released) {
    const s: PlanStep = { stage: 'removals', action: 'remove', object: 'netns', namespace: key, name: `${key} (anonymous)`, path: undefined, changes: [] };
    steps.push(s);
    index?.set(`released:${key}`, s);
  }
  steps.sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
  const counts: Record<PlanAction, number> = { create: 0, change: 0, replace: 0, remove: 0 };
  for (const s of steps) counts[s.action]++;
  return { topology: diff.model.name, steps, empty: steps.length === 0, counts, conflicts: diff.conflicts };
}

const SIGN: Record<PlanAction, string> = { create: '+', change: '~', replace: '-/+', remove: '-' };

/**
 * A plan as text, one line per step, like:
 * ```
 * + netns lab-ns1
 * + link br0 (bridge)                     in switch   namespaces.switch.links[0]
 * ~ link eth0: mtu 1500 -> 9000           in ns1      namespaces.ns1.links[0]
 * 3 to create, 1 to change, 0 to replace, 0 to remove
 * ```
 */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  for (const c of plan.conflicts) lines.push(`! conflict: ${c}`);
  for (const s of plan.steps) {
    const what = `${SIGN[s.action]} ${s.object} ${s.name}${s.changes.length > 0 ? `: ${s.changes.join(', ')}` : ''}`;
    lines.push(`${what.padEnd(48)} in ${s.namespace}${s.path === undefined ? '' : `  (${s.path})`}`);
  }
  const c = plan.counts;
  lines.push(
    plan.empty && plan.conflicts.length === 0
      ? `topology '${plan.topology}' is up to date: nothing to do`
      : `${c.create} to create, ${c.change} to change, ${c.replace} to replace, ${c.remove} to remove${plan.conflicts.length > 0 ? `; ${plan.conflicts.length} conflict(s): apply would refuse` : ''}`,
  );
  return lines.join('\n');
}
