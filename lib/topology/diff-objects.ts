/**
 * The objects on the links in a difference, per namespace: addresses,
 * routes (matched on family, destination, table and metric), neighbours and
 * FDB entries to add, replace or remove.
 * @module
 */
import type { FdbRecord } from '../rtnl/fdb/types.js';
import type { Link } from '../rtnl/link/types.js';
import type { Neighbour } from '../rtnl/neigh/types.js';
import type { Route } from '../rtnl/route/types.js';
import type { NsDiff } from './diff-types.js';
import type { LiveNs } from './live.js';
import { tableId } from './live.js';
import { ROUTE_PROTOCOL } from './marks.js';
import { type ModelLink, type ModelRoute, canonicalIp, fdbKey, neighKey, ownsNamespace, routeKey } from './model.js';

/** One namespace's difference as its objects are compared: which of its links stay, go or are made now. */
export interface NsView {
  d: NsDiff;
  isFresh: (name: string) => boolean;
  /** Links deleted or removed by this apply. */
  goneIndexes: Set<number>;
  /** The topology's links. */
  ourIndexes: Set<number>;
  nameOf: (ifindex: number | undefined) => string | undefined;
  /** The link stays as it is (not deleted, removed or made again). */
  staying: (ifindex: number | undefined) => boolean;
  /** Ids of nexthops deleted by this apply (routes through them go with them). */
  goneNexthops: Set<number>;
}

/** Addresses to add to, and remove from, the declared links. */
export function diffAddresses(v: NsView, owned: Map<ModelLink, Link>): void {
  const { d, isFresh } = v;
  const { ns, live } = d;
  // Addresses.
  for (const l of ns.links) {
    const lv = owned.get(l);
    if (isFresh(l.name) || lv === undefined) {
      for (const addr of l.addresses) d.addrCreates.push({ link: l, addr });
      continue;
    }
    const have = (live as LiveNs).addrs.filter((a) => a.ifindex === lv.ifindex);
    const haveKeys = new Set(have.map((a) => `${canonicalIp(a.address)}/${a.prefixlen}`));
    for (const addr of l.addresses) if (!haveKeys.has(addr.key)) d.addrCreates.push({ link: l, addr });
    const want = new Set(l.addresses.map((a) => a.key));
    for (const a of have) {
      const key = `${canonicalIp(a.address)}/${a.prefixlen}`;
      if (want.has(key)) continue;
      if (a.family === 'inet6' && /^fe[89ab]/i.test(a.address)) continue; // the kernel's own link-local address
      d.addrRemoves.push({ link: l, live: a });
    }
  }
}

/** Routes to add, replace and remove; a route in a namespace not the topology's own that is someone else's is a conflict. */
export function diffRoutes(v: NsView, conflicts: string[]): void {
  const { d, goneIndexes, ourIndexes, staying, goneNexthops } = v;
  const { ns, live } = d;
  // Routes: matched on family, destination, table and metric.
  const liveRoutes = new Map<string, Route>();
  for (const r of live?.routes ?? []) {
    if (r.flags.includes('cloned')) continue;
    liveRoutes.set(routeKey(r.family, routeDst(r), tableId(r), r.metric), r);
  }
  for (const r of ns.routes) {
    const lr = liveRoutes.get(r.key);
    const devGone =
      lr !== undefined && ((lr.nhid !== undefined && goneNexthops.has(lr.nhid)) || (lr.dev !== undefined ? !staying(lr.dev) : (lr.nexthops ?? []).some((h) => !staying(h.dev))));
    if (lr === undefined || devGone) {
      d.routeCreates.push(r);
      continue;
    }
    const desc = routeDiffers(r, lr, live as LiveNs);
    if (desc.length === 0) continue;
    if (!ownsNamespace(ns) && lr.protocol !== ROUTE_PROTOCOL && r.spec.protocol === ROUTE_PROTOCOL) {
      conflicts.push(`${r.path}: a route ${r.key} exists in namespace '${ns.key}' and is not the topology's (${desc.join(', ')})`);
      continue;
    }
    d.routeChanges.push({ model: r, live: lr, desc });
  }
  const wantRoutes = new Set(ns.routes.map((r) => r.key));
  for (const [key, lr] of liveRoutes) {
    if (wantRoutes.has(key) || lr.protocol !== ROUTE_PROTOCOL) continue;
    const devs = lr.dev !== undefined ? [lr.dev] : (lr.nexthops ?? []).map((h) => h.dev);
    if (devs.some((x) => goneIndexes.has(x)) || (lr.nhid !== undefined && goneNexthops.has(lr.nhid))) continue; // goes with its link or nexthop
    // Elsewhere than in its own namespaces the topology only claims routes through its own links.
    if (!ownsNamespace(ns) && !devs.some((x) => ourIndexes.has(x))) continue;
    d.routeRemoves.push(lr);
  }
}

/** Neighbour entries to add, replace and remove. */
export function diffNeighbours(v: NsView): void {
  const { d, goneIndexes, ourIndexes, nameOf, staying } = v;
  const { ns, live } = d;
  // Neighbours: permanent entries on the topology's links.
  const liveNeigh = new Map<string, Neighbour>();
  for (const n of live?.neigh ?? []) {
    const dev = nameOf(n.ifindex);
    if (dev === undefined || n.dst === undefined) continue;
    liveNeigh.set(neighKey(n.dst, dev, n.proxy), n);
  }
  for (const n of ns.neighbours) {
    const ln = liveNeigh.get(n.key);
    if (ln === undefined || !staying(ln.ifindex)) {
      d.neighCreates.push(n);
      continue;
    }
    const desc: string[] = [];
    if (n.entry.lladdr !== undefined && ln.lladdr?.toLowerCase() !== n.entry.lladdr.toLowerCase()) desc.push(`lladdr ${ln.lladdr ?? '(none)'} -> ${n.entry.lladdr.toLowerCase()}`);
    const state = n.entry.state ?? 'permanent';
    if (!n.entry.proxy && !ln.state.includes(state)) desc.push(`state ${ln.state.join(',')} -> ${state}`);
    if (desc.length > 0) d.neighChanges.push({ model: n, live: ln, desc });
  }
  const wantNeigh = new Set(ns.neighbours.map((n) => n.key));
  for (const [key, ln] of liveNeigh) {
    if (wantNeigh.has(key) || !ourIndexes.has(ln.ifindex) || goneIndexes.has(ln.ifindex)) continue;
    if (ln.proxy || ln.state.includes('permanent')) d.neighRemoves.push(ln);
  }
}

/** FDB entries to add and remove. */
export function diffFdb(v: NsView): void {
  const { d, goneIndexes, ourIndexes, nameOf, staying } = v;
  const { ns, live } = d;
  // FDB: every declared entry; removals only of remote (VXLAN) entries on
  // the topology's links (bridges make permanent entries of their own).
  const liveFdb = new Map<string, FdbRecord>();
  for (const e of live?.fdb ?? []) {
    const dev = nameOf(e.ifindex);
    if (dev === undefined || e.lladdr === undefined) continue;
    // The kernel flags entries of a device's own table 'self'; the bridge's own table (`master`) has no flag for it.
    liveFdb.set(fdbKey(e.lladdr, dev, e.vlan, e.dst, !e.flags.includes('self')), e);
  }
  for (const f of ns.fdb) {
    const le = liveFdb.get(f.key);
    if (le === undefined || !staying(le.ifindex)) d.fdbCreates.push(f);
  }
  const wantFdb = new Set(ns.fdb.map((f) => f.key));
  for (const [key, le] of liveFdb) {
    if (wantFdb.has(key) || le.dst === undefined || !ourIndexes.has(le.ifindex) || goneIndexes.has(le.ifindex)) continue;
    d.fdbRemoves.push(le);
  }
}

/** A decoded route's destination as a route key has it. */
export function routeDst(r: Route): string {
  if (r.dst === 'default') return 'default';
  const slash = r.dst.lastIndexOf('/');
  return `${canonicalIp(r.dst.slice(0, slash))}${r.dst.slice(slash)}`;
}

function routeDiffers(r: ModelRoute, lr: Route, live: LiveNs): string[] {
  const desc: string[] = [];
  const s = r.spec;
  if (s.nhid !== undefined || lr.nhid !== undefined) {
    // Through a nexthop object: the kernel reports its gateway, device and type too; the id is what was declared.
    if (s.nhid !== lr.nhid) desc.push(`nhid ${lr.nhid ?? '(none)'} -> ${s.nhid ?? '(none)'}`);
    if (s.nhid !== undefined) return desc;
  }
  const via = s.via === undefined ? undefined : canonicalIp(s.via);
  if (via !== (lr.via === undefined ? undefined : canonicalIp(lr.via)) && s.nexthops === undefined) desc.push(`via ${lr.via ?? '(none)'} -> ${via ?? '(none)'}`);
  if (typeof s.dev === 'string') {
    const have = lr.dev === undefined ? undefined : live.byIndex.get(lr.dev)?.name;
    if (have !== s.dev) desc.push(`dev ${have ?? '(none)'} -> ${s.dev}`);
  }
  if (s.src !== undefined && canonicalIp(s.src) !== (lr.src === undefined ? undefined : canonicalIp(lr.src))) desc.push(`src ${lr.src ?? '(none)'} -> ${s.src}`);
  const type = s.type ?? 'unicast';
  if (type !== lr.type) desc.push(`type ${String(lr.type)} -> ${String(type)}`);
  if (s.mtu !== undefined && s.mtu !== lr.mtu) desc.push(`mtu ${lr.mtu ?? '(none)'} -> ${s.mtu}`);
  if (s.advmss !== undefined && s.advmss !== lr.advmss) desc.push(`advmss ${lr.advmss ?? '(none)'} -> ${s.advmss}`);
  if (s.nexthops !== undefined) {
    // Every declared path must be there (a path declared without dev matches whatever link the kernel chose).
    const have = [...(lr.nexthops ?? [])];
    const matches = s.nexthops.every((h) => {
      const i = have.findIndex(
        (x) =>
          (h.via === undefined ? x.via === undefined : x.via !== undefined && canonicalIp(x.via) === canonicalIp(h.via)) &&
          x.weight === (h.weight ?? 1) &&
          (h.dev === undefined || live.byIndex.get(x.dev)?.name === h.dev),
      );
      if (i >= 0) have.splice(i, 1);
      return i >= 0;
    });
    if (!matches || have.length > 0) desc.push('nexthops differ');
  }
  return desc;
}
