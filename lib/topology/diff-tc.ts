/**
 * The traffic control and nexthop objects of a difference, per namespace:
 * qdisc slots to make, replace or remove on the declared links, and
 * nexthops to make, replace in place, delete and make again, or remove.
 * @module
 */
import type { Link } from '../rtnl/link/types.js';
import type { NexthopObject } from '../rtnl/nexthop/types.js';
import type { NsView } from './diff-objects.js';
import type { LiveNs } from './live.js';
import { ROUTE_PROTOCOL } from './marks.js';
import { type ModelLink, type ModelNexthop, canonicalIp, ownsNamespace } from './model.js';
import { ingressDiffers, rootDiffers } from './tc-live.js';

/** Root and ingress slots of each declared link of the namespace. */
export function diffTc(v: NsView, owned: Map<ModelLink, Link>): void {
  const { d, isFresh } = v;
  const live = d.live;
  const ifindexOf = (name: string): number | undefined => live?.byName.get(name)?.ifindex;
  for (const l of d.ns.links) {
    const tc = l.tc;
    const fresh = isFresh(l.name) || !owned.has(l);
    const have = fresh ? undefined : live?.tc.get(l.name);
    // A mirred target made again has a new ifindex: the filters naming the old one are replaced.
    const retarget = (list: readonly { actions?: Array<{ dev: unknown }> }[]): string[] =>
      list.flatMap((f) => f.actions ?? []).filter((a) => typeof a.dev === 'string' && isFresh(a.dev)).map((a) => `mirred target ${String(a.dev)} is made again`);
    if (tc?.root !== undefined) {
      if (have?.root === undefined) d.tc.push({ link: l, slot: 'root', action: 'create', live: undefined, desc: [] });
      else {
        const desc = [...rootDiffers(tc, have.root, ifindexOf), ...retarget(tc.filters)];
        if (desc.length > 0) d.tc.push({ link: l, slot: 'root', action: 'replace', live: have.root, desc });
      }
    } else if (have?.root !== undefined) d.tc.push({ link: l, slot: 'root', action: 'remove', live: have.root, desc: [] });
    if (tc?.ingress !== undefined) {
      if (have?.ingress === undefined) d.tc.push({ link: l, slot: 'ingress', action: 'create', live: undefined, desc: [] });
      else {
        const desc = [...ingressDiffers(tc.ingress, have.ingress, ifindexOf), ...retarget(tc.ingress)];
        if (desc.length > 0) d.tc.push({ link: l, slot: 'ingress', action: 'replace', live: have.ingress, desc });
      }
    } else if (have?.ingress !== undefined) d.tc.push({ link: l, slot: 'ingress', action: 'remove', live: have.ingress, desc: [] });
  }
}

const ours = (n: NexthopObject): boolean => n.protocol === ROUTE_PROTOCOL;

/** The differences of a declared nexthop from the live one with its id. */
function nexthopDiffers(m: ModelNexthop, n: NexthopObject, live: LiveNs): string[] {
  const s = m.spec;
  const out: string[] = [];
  const cmp = (what: string, want: unknown, have: unknown): void => {
    if (want !== have) out.push(`${what} ${have === undefined ? '(none)' : String(have)} -> ${want === undefined ? '(none)' : String(want)}`);
  };
  if (s.group !== undefined) {
    const text = (g: Array<{ id: number; weight?: number }>): string => g.map((x) => `${x.id}${(x.weight ?? 1) === 1 ? '' : `,${x.weight ?? 1}`}`).sort().join('/');
    cmp('group', text(s.group), text(n.group ?? []));
    cmp('type', s.groupType ?? 'mpath', n.groupType);
    if (s.resilient?.buckets !== undefined) cmp('buckets', s.resilient.buckets, n.resilient?.buckets);
  } else {
    cmp('via', s.via === undefined ? undefined : canonicalIp(s.via), n.via === undefined ? undefined : canonicalIp(n.via));
    cmp('dev', s.dev, n.dev === undefined ? undefined : live.byIndex.get(n.dev)?.name);
    cmp('blackhole', s.blackhole === true, n.blackhole);
    cmp('onlink', s.onlink === true, n.onlink);
  }
  cmp('fdb', s.fdb === true, n.fdb);
  cmp('protocol', s.protocol, n.protocol);
  return out;
}

/**
 * Nexthops to make, change, delete and make again, and remove; returns the
 * ids whose nexthop is gone by the time routes are made (deleted here, or
 * going with a link), so that routes through them are made again too.
 * A nexthop of that id in a namespace not the topology's own that is not
 * its (protocol) is a conflict.
 */
export function diffNexthops(v: NsView, conflicts: string[]): Set<number> {
  const { d, goneIndexes, ourIndexes, isFresh } = v;
  const { ns, live } = d;
  const gone = new Set<number>();
  const byId = new Map((live?.nexthops ?? []).map((n) => [n.id, n]));
  // A single nexthop on a link that is deleted goes with it (and leaves its groups).
  const withLink = (n: NexthopObject): boolean => n.dev !== undefined && goneIndexes.has(n.dev);
  for (const n of live?.nexthops ?? []) if (withLink(n)) gone.add(n.id);
  // A group whose members all go is removed by the kernel too (with the routes through it).
  for (const n of live?.nexthops ?? []) if (n.group !== undefined && n.group.length > 0 && n.group.every((g) => gone.has(g.id))) gone.add(n.id);
  for (const m of ns.nexthops) {
    const n = byId.get(m.id);
    if (n !== undefined && !ownsNamespace(ns) && !ours(n)) {
      conflicts.push(`${m.path}: nexthop ${m.id} exists in namespace '${ns.key}' and is not the topology's (protocol ${String(n.protocol)})`);
      continue;
    }
    const memberMade = (m.spec.group ?? []).some((g) => d.nhCreates.some((c) => c.id === g.id));
    const devFresh = typeof m.spec.dev === 'string' && isFresh(m.spec.dev);
    if (n === undefined || gone.has(n.id) || devFresh) {
      d.nhCreates.push(m);
      continue;
    }
    if ((n.group === undefined) !== (m.spec.group === undefined)) {
      // The kernel replaces a group only with a group, a single nexthop only with one.
      d.nhDeletes.push({ model: m, live: n });
      d.nhCreates.push(m);
      gone.add(m.id);
      continue;
    }
    const desc = nexthopDiffers(m, n, live as LiveNs);
    if (memberMade && desc.length === 0) desc.push('members made again');
    if (desc.length > 0) d.nhChanges.push({ model: m, live: n, desc });
  }
  const declared = new Set(ns.nexthops.map((m) => m.id));
  const removes = (live?.nexthops ?? []).filter((n) => {
    if (declared.has(n.id) || !ours(n) || gone.has(n.id)) return false;
    // Elsewhere than in its own namespaces the topology only claims nexthops through its own links.
    return ownsNamespace(ns) || (n.dev !== undefined && ourIndexes.has(n.dev));
  });
  d.nhRemoves.push(...removes.filter((n) => n.group !== undefined), ...removes.filter((n) => n.group === undefined));
  for (const n of removes) gone.add(n.id);
  return gone;
}
