/**
 * The difference between a checked declaration and what the kernel has:
 * pure, from the {@link Model} and the {@link LiveNs} of each namespace.
 * `apply` executes it stage by stage; `plan` shows it.
 *
 * Links are matched by name in their namespace. A matching link that is not
 * marked as the topology's is a conflict (netloom never takes over what it
 * did not make). One that is marked but cannot be changed into the declared
 * one (another kind, an option the kernel takes only at creation, a veth
 * whose other end is not the declared peer) is replaced: deleted and made
 * again, and so are the links made on top of it (a macvlan on its parent).
 * TUN/TAP devices are links of kind `tun` like the others; what only
 * /dev/net/tun sets (mode, owner, group, multi-queue) is compared in
 * tuntap.ts.
 * @module
 */
import type { Address } from '../rtnl/addr/types.js';
import type { FdbRecord } from '../rtnl/fdb/types.js';
import { kindModule } from '../rtnl/link/kinds/index.js';
import type { Link } from '../rtnl/link/api.js';
import type { Neighbour } from '../rtnl/neigh/types.js';
import type { Route } from '../rtnl/route/types.js';
import type { LiveNs } from './live.js';
import { tableId } from './live.js';
import { ROUTE_PROTOCOL, isLinkOf } from './marks.js';
import {
  type Model,
  type ModelAddress,
  type ModelFdb,
  type ModelLink,
  type ModelNeigh,
  type ModelNs,
  type ModelRoute,
  type ModelSysctl,
  canonicalIp,
  fdbKey,
  neighKey,
  ownsNamespace,
  routeKey,
} from './model.js';
import { tunDiffers } from './tuntap.js';
import { normalizeSysctl } from './validate.js';

/** A sysctl to write, and what it was. */
export interface SysctlWork {
  /** The declared sysctl. */
  sysctl: ModelSysctl;
  /** The value before (undefined: the file does not exist yet). */
  old: string | undefined;
}

/** Changes to an existing link, in the order they must be sent. */
export interface LinkChange {
  /** The declared link. */
  model: ModelLink;
  /** The link as it is. */
  live: Link;
  /** Common attributes for `link.set` (master included). */
  set: Record<string, unknown>;
  /** Kind options for `link.set` with `kind`. */
  kindSet: Record<string, unknown> | undefined;
  /** Bridge port options (sent after the master is set). */
  bridgePort: Record<string, unknown> | undefined;
  /** Human-readable: 'mtu 1500 -> 9000'. */
  desc: string[];
  /** What `link.set` restores the common attributes with on rollback. */
  undo: Record<string, unknown>;
}

/** A declared object and the live one it differs from. */
export interface Changed<M, L> {
  /** Declared. */
  model: M;
  /** Live. */
  live: L;
  /** Human-readable differences. */
  desc: string[];
}

/** Everything to do in one namespace. */
export interface NsDiff {
  /** The declared namespace. */
  ns: ModelNs;
  /** What it has now; undefined when it does not exist yet. */
  live: LiveNs | undefined;
  /** The topology creates it. */
  create: boolean;
  /** `lo` changes: up/down, and the namespace mark (namespaces the topology makes). */
  lo: { up?: boolean; alias?: string } | undefined;
  /** Namespace-wide sysctls (written right after the namespace exists). */
  nsSysctls: SysctlWork[];
  /** Per-interface sysctls (written once the links exist). */
  ifSysctls: SysctlWork[];
  /** Links deleted to be made again (replacements). */
  linkDeletes: Array<{ live: Link; model: ModelLink }>;
  /** Links to create here (a veth's far end comes with it, wherever it lives). */
  linkCreates: ModelLink[];
  /** Links to change. */
  linkChanges: LinkChange[];
  /** Links of the topology no longer declared. */
  linkRemoves: Link[];
  /** Addresses to add. */
  addrCreates: Array<{ link: ModelLink; addr: ModelAddress }>;
  /** Addresses no longer declared on the topology's links. */
  addrRemoves: Array<{ link: ModelLink; live: Address }>;
  /** Routes to add. */
  routeCreates: ModelRoute[];
  /** Routes to replace. */
  routeChanges: Array<Changed<ModelRoute, Route>>;
  /** The topology's routes no longer declared. */
  routeRemoves: Route[];
  /** Neighbour entries to add. */
  neighCreates: ModelNeigh[];
  /** Neighbour entries to replace. */
  neighChanges: Array<Changed<ModelNeigh, Neighbour>>;
  /** Permanent entries on the topology's links no longer declared. */
  neighRemoves: Neighbour[];
  /** FDB entries to add. */
  fdbCreates: ModelFdb[];
  /** Remote (VXLAN) entries on the topology's links no longer declared. */
  fdbRemoves: FdbRecord[];
}

/** The whole difference. */
export interface Diff {
  /** The declaration. */
  model: Model;
  /** Per declared namespace, in declaration order. */
  namespaces: NsDiff[];
  /** Named namespaces marked as the topology's but no longer declared. */
  nsRemoves: string[];
  /** Anonymous namespaces the handle holds and no longer declared (let go of). */
  released: string[];
  /** Why the declaration cannot be applied as things are (nothing is touched then). */
  conflicts: string[];
  /** `ns/name` of every link end made (again) by this apply. */
  fresh: Set<string>;
}

/** What the diff needs to know about each namespace. */
export interface DiffInput {
  /** Live state by namespace key; absent when the namespace does not exist yet. */
  live: Map<string, LiveNs>;
  /** Named namespaces that exist but are not the topology's, by key (conflicts). */
  foreign: Map<string, string>;
  /** Named namespaces marked as the topology's and not declared. */
  undeclared: string[];
  /** Keys of anonymous namespaces held and no longer declared. */
  released: string[];
}

const id = (ns: string, name: string): string => `${ns}/${name}`;

/** Whether two values are the same setting: numbers within 0.006 (seconds in centiseconds), addresses canonical, lists in any order. */
export function sameValue(declared: unknown, live: unknown): boolean {
  if (live === undefined) return true; // the kernel does not report it: nothing to compare
  if (typeof declared === 'number' && typeof live === 'number') return Math.abs(declared - live) < 0.006;
  if (typeof declared === 'string' && typeof live === 'string') return canonicalIp(declared).toLowerCase() === canonicalIp(live).toLowerCase();
  if (Array.isArray(declared) && Array.isArray(live)) {
    if (declared.length !== live.length) return false;
    const a = declared.map((x) => JSON.stringify(x).toLowerCase()).sort();
    const b = live.map((x) => JSON.stringify(x).toLowerCase()).sort();
    return a.every((x, i) => x === b[i]);
  }
  if (typeof declared === 'object' && declared !== null && typeof live === 'object' && live !== null) {
    return Object.entries(declared).every(([k, v]) => v === undefined || sameValue(v, (live as Record<string, unknown>)[k]));
  }
  return declared === live;
}

function paired(a: Link, b: Link, crossNs: boolean): boolean {
  if (a.parent !== b.ifindex || b.parent !== a.ifindex) return false;
  return crossNs ? a.linkNetnsid !== undefined && b.linkNetnsid !== undefined : a.linkNetnsid === undefined && b.linkNetnsid === undefined;
}

const CREATION_ONLY = ['numTxQueues', 'numRxQueues'];

/** Compute the difference. */
export function computeDiff(model: Model, input: DiffInput): Diff {
  const conflicts: string[] = [];
  const liveOf = (key: string): LiveNs | undefined => input.live.get(key);
  const liveLink = (l: ModelLink): Link | undefined => liveOf(l.ns)?.byName.get(l.name);
  const byId = new Map<string, ModelLink>();
  for (const ns of model.namespaces) for (const l of ns.links) byId.set(id(ns.key, l.name), l);

  for (const [key, why] of input.foreign) conflicts.push(`namespaces.${key}: ${why}`);

  // Which declared link ends exist and are the topology's.
  const owned = new Map<ModelLink, Link>();
  for (const ns of model.namespaces) {
    for (const l of ns.links) {
      const live = liveLink(l);
      if (live === undefined) continue;
      if (!isLinkOf(live.alias, model.name)) {
        conflicts.push(`${l.path}: link '${l.name}' exists in namespace '${ns.key}' and is not topology '${model.name}''s (its alias is ${live.alias === undefined ? 'empty' : `'${live.alias}'`}); remove it or rename the declared one`);
        continue;
      }
      owned.set(l, live);
    }
  }

  // Replacements: another kind, creation-only options, broken veth pairs,
  // and (to a fixed point) everything made on top of a link made again.
  const replace = new Set<ModelLink>();
  const fresh = new Set<string>();
  const markFresh = (l: ModelLink): void => {
    fresh.add(id(l.ns, l.name));
    if (owned.has(l)) replace.add(l);
  };
  for (const [l, live] of owned) {
    if (live.kind !== l.kind || tunDiffers(l, live) || creationDiffers(l, live, (ns, n) => liveOf(ns)?.byName.get(n))) markFresh(l);
  }
  for (const ns of model.namespaces) {
    for (const l of ns.links) {
      if (!owned.has(l) && liveLink(l) === undefined) fresh.add(id(l.ns, l.name));
      if (l.role !== 'link' || l.peer === undefined) continue;
      const a = owned.get(l);
      const b = owned.get(l.peer);
      if (a !== undefined && b !== undefined && paired(a, b, l.ns !== l.peer.ns)) continue;
      // Missing, or not each other's peer: the pair is made (again).
      markFresh(l);
      markFresh(l.peer);
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const l of byId.values()) {
      if (fresh.has(id(l.ns, l.name))) continue;
      const lowerNs = l.linkNetns ?? l.ns;
      const pairFresh = l.peer !== undefined && fresh.has(id(l.peer.ns, l.peer.name));
      if (pairFresh || l.lowers.some((n) => fresh.has(id(lowerNs, n)))) {
        markFresh(l);
        if (l.peer !== undefined) markFresh(l.peer);
        changed = true;
      }
    }
  }

  const namespaces: NsDiff[] = model.namespaces.map((ns) => {
    const live = liveOf(ns.key);
    const d: NsDiff = {
      ns,
      live,
      create: live === undefined && ownsNamespace(ns),
      lo: undefined,
      nsSysctls: [],
      ifSysctls: [],
      linkDeletes: [],
      linkCreates: [],
      linkChanges: [],
      linkRemoves: [],
      addrCreates: [],
      addrRemoves: [],
      routeCreates: [],
      routeChanges: [],
      routeRemoves: [],
      neighCreates: [],
      neighChanges: [],
      neighRemoves: [],
      fdbCreates: [],
      fdbRemoves: [],
    };
    const lo = live?.byName.get('lo');
    if (d.create) d.lo = { alias: undefined, up: ns.lo === true };
    else if (ns.lo !== undefined && lo !== undefined && lo.up !== ns.lo) d.lo = { up: ns.lo };
    for (const s of ns.sysctls) {
      const old = live?.sysctls.get(s.name);
      if (old !== undefined && normalizeSysctl(old) === s.value) continue;
      (s.iface === undefined ? d.nsSysctls : d.ifSysctls).push({ sysctl: s, old });
    }
    return d;
  });

  for (const d of namespaces) {
    const { ns, live } = d;
    const isFresh = (name: string): boolean => fresh.has(id(ns.key, name));
    // Links.
    for (const l of ns.links) {
      const lv = owned.get(l);
      if (replace.has(l) && lv !== undefined) d.linkDeletes.push({ live: lv, model: l });
      if (isFresh(l.name)) {
        if (l.role === 'link') d.linkCreates.push(l);
        continue;
      }
      if (lv === undefined) continue;
      const change = linkChange(l, lv, live as LiveNs, isFresh);
      if (change !== undefined) d.linkChanges.push(change);
    }
    if (live !== undefined) {
      const declaredNames = new Set(ns.links.map((l) => l.name));
      for (const lv of live.links) if (!declaredNames.has(lv.name) && isLinkOf(lv.alias, model.name)) d.linkRemoves.push(lv);
    }
    const goneIndexes = new Set<number>([...d.linkDeletes.map((x) => x.live.ifindex), ...d.linkRemoves.map((x) => x.ifindex)]);
    const ourIndexes = new Set<number>((live?.links ?? []).filter((x) => isLinkOf(x.alias, model.name)).map((x) => x.ifindex));
    const nameOf = (ifindex: number | undefined): string | undefined => (ifindex === undefined ? undefined : live?.byIndex.get(ifindex)?.name);
    const staying = (ifindex: number | undefined): boolean => ifindex !== undefined && !goneIndexes.has(ifindex) && !isFresh(nameOf(ifindex) ?? '');

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

    // Routes: matched on family, destination, table and metric.
    const liveRoutes = new Map<string, Route>();
    for (const r of live?.routes ?? []) {
      if (r.flags.includes('cloned')) continue;
      liveRoutes.set(routeKey(r.family, routeDst(r), tableId(r), r.metric), r);
    }
    for (const r of ns.routes) {
      const lr = liveRoutes.get(r.key);
      const devGone = lr !== undefined && (lr.dev !== undefined ? !staying(lr.dev) : (lr.nexthops ?? []).some((h) => !staying(h.dev)));
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
      if (devs.some((x) => goneIndexes.has(x))) continue; // goes with its link
      // Elsewhere than in its own namespaces the topology only claims routes through its own links.
      if (!ownsNamespace(ns) && !devs.some((x) => ourIndexes.has(x))) continue;
      d.routeRemoves.push(lr);
    }

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

    // Per-interface sysctls of links made now are written after them.
    for (const s of ns.sysctls) {
      if (s.iface === undefined || !isFresh(s.iface) || d.ifSysctls.some((w) => w.sysctl === s)) continue;
      d.ifSysctls.push({ sysctl: s, old: live?.sysctls.get(s.name) });
    }
  }
  return { model, namespaces, nsRemoves: input.undeclared, released: input.released, conflicts, fresh };
}

/** A decoded route's destination as a route key has it. */
export function routeDst(r: Route): string {
  if (r.dst === 'default') return 'default';
  const slash = r.dst.lastIndexOf('/');
  return `${canonicalIp(r.dst.slice(0, slash))}${r.dst.slice(slash)}`;
}

/** True if a kind option the kernel takes only at creation, or a lower link, differs. */
function creationDiffers(l: ModelLink, live: Link, find: (ns: string, name: string) => Link | undefined): boolean {
  const rec = live as unknown as Record<string, unknown>;
  for (const k of CREATION_ONLY) if (l.options[k] !== undefined && !sameValue(l.options[k], rec[k])) return true;
  const mod = kindModule(l.kind);
  if (mod !== undefined) {
    for (const k of mod.options) {
      if (k === 'peer' || mod.setOptions.includes(k) || mod.refs.includes(k)) continue;
      const v = l.options[k];
      if (v !== undefined && !sameValue(v, rec[k])) return true;
    }
  }
  const lowerNs = l.linkNetns ?? l.ns;
  const p = l.options.parent;
  if (typeof p === 'string') {
    const lower = find(lowerNs, p);
    if (lower !== undefined && live.parent !== lower.ifindex) return true;
  }
  for (const ref of mod?.refs ?? []) {
    const n = l.options[ref];
    if (typeof n !== 'string') continue;
    const lower = find(lowerNs, n);
    if (lower !== undefined && rec[ref] !== lower.ifindex) return true;
  }
  return false;
}

function linkChange(l: ModelLink, live: Link, ns: LiveNs, isFresh: (name: string) => boolean): LinkChange | undefined {
  const set: Record<string, unknown> = {};
  const undo: Record<string, unknown> = {};
  const desc: string[] = [];
  const common = (key: string, want: unknown, have: unknown, restore: unknown = have): void => {
    if (want === undefined || sameValue(want, have) && have !== undefined) return;
    set[key] = want;
    undo[key] = restore;
    desc.push(`${key} ${have === undefined ? '(none)' : String(have)} -> ${String(want)}`);
  };
  common('up', l.up, live.up);
  common('mtu', l.options.mtu, live.mtu);
  common('mac', l.options.mac, live.mac);
  common('txqlen', l.options.txqlen, live.txqlen);
  common('group', l.group, live.group);
  if ((live.alias ?? '') !== l.alias) {
    set.alias = l.alias;
    undo.alias = live.alias ?? '';
    desc.push(`alias '${live.alias ?? ''}' -> '${l.alias}'`);
  }
  if (l.options.addrGenMode !== undefined && live.addrGenMode !== l.options.addrGenMode) {
    set.addrGenMode = l.options.addrGenMode;
    if (typeof live.addrGenMode === 'string') undo.addrGenMode = live.addrGenMode;
    desc.push(`addrGenMode ${String(live.addrGenMode)} -> ${String(l.options.addrGenMode)}`);
  }
  const haveMaster = live.master !== undefined && live.master !== 0 ? ns.byIndex.get(live.master) : undefined;
  if (l.master === undefined) {
    if (haveMaster !== undefined) {
      set.master = null;
      undo.master = haveMaster.ifindex;
      desc.push(`master ${haveMaster.name} -> (none)`);
    }
  } else if (haveMaster?.name !== l.master || isFresh(l.master)) {
    set.master = l.master;
    undo.master = haveMaster === undefined ? null : haveMaster.ifindex;
    desc.push(`master ${haveMaster?.name ?? '(none)'} -> ${l.master}`);
  }
  let kindSet: Record<string, unknown> | undefined;
  const mod = kindModule(l.kind);
  for (const k of mod?.setOptions ?? []) {
    const v = l.options[k];
    if (v === undefined || mod?.refs.includes(k)) continue;
    const have = (live as unknown as Record<string, unknown>)[k];
    if (sameValue(v, have)) continue;
    kindSet ??= {};
    kindSet[k] = v;
    desc.push(`${k} ${JSON.stringify(have)} -> ${JSON.stringify(v)}`);
  }
  let bridgePort: Record<string, unknown> | undefined;
  if (l.bridgePort !== undefined) {
    const enslavedNow = set.master !== undefined;
    for (const [k, v] of Object.entries(l.bridgePort)) {
      if (v === undefined) continue;
      const have = enslavedNow ? undefined : (live.bridgePort as Record<string, unknown> | undefined)?.[k];
      if (k === 'backupPort') {
        const want = v === null ? undefined : v;
        const haveName = typeof have === 'number' ? ns.byIndex.get(have)?.name : undefined;
        if (!enslavedNow && haveName === want) continue;
      } else if (!enslavedNow && have !== undefined && sameValue(v, have)) continue;
      bridgePort ??= {};
      bridgePort[k] = v;
      desc.push(`bridgePort.${k} -> ${JSON.stringify(v)}`);
    }
  }
  if (desc.length === 0) return undefined;
  return { model: l, live, set, kindSet, bridgePort, desc, undo };
}

function routeDiffers(r: ModelRoute, lr: Route, live: LiveNs): string[] {
  const desc: string[] = [];
  const s = r.spec;
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
