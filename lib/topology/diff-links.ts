/**
 * The links of a difference: which declared link ends exist and are the
 * topology's, which must be made (again), and the changes to the others.
 * @module
 */
import { kindModule } from '../rtnl/link/kinds/index.js';
import type { Link } from '../rtnl/link/types.js';
import type { DiffInput, LinkChange, NsDiff } from './diff-types.js';
import type { LiveNs } from './live.js';
import { isLinkOf } from './marks.js';
import { type Model, type ModelLink, canonicalIp } from './model.js';
import { tunDiffers } from './tuntap.js';

export const id = (ns: string, name: string): string => `${ns}/${name}`;

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

/**
 * Match the declared links with the live ones: `owned`, the live link of each
 * declared end that exists and is the topology's (one that is not is a
 * conflict); `fresh`, `ns/name` of every end made (again); `replace`, the
 * owned ones among them (deleted first).
 */
export function matchLinks(
  model: Model,
  input: DiffInput,
  conflicts: string[],
): { owned: Map<ModelLink, Link>; fresh: Set<string>; replace: Set<ModelLink> } {
  const liveOf = (key: string): LiveNs | undefined => input.live.get(key);
  const liveLink = (l: ModelLink): Link | undefined => liveOf(l.ns)?.byName.get(l.name);
  const byId = new Map<string, ModelLink>();
  for (const ns of model.namespaces) for (const l of ns.links) byId.set(id(ns.key, l.name), l);

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
  return { owned, fresh, replace };
}

/** The link work of one namespace: deletes of replaced links, creates, changes, and removals of links no longer declared. */
export function diffLinks(d: NsDiff, model: Model, owned: Map<ModelLink, Link>, replace: Set<ModelLink>, isFresh: (name: string) => boolean): void {
  const { ns, live } = d;
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
  let bondPort: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(l.bondPort ?? {})) {
    const have = set.master !== undefined ? undefined : (live.bondPort as Record<string, unknown> | undefined)?.[k];
    if (v === undefined || have === v) continue;
    bondPort ??= {};
    bondPort[k] = v;
    desc.push(`bondPort.${k} ${have === undefined ? '(none)' : String(have)} -> ${String(v)}`);
  }
  return { model: l, live, set, kindSet, bridgePort, bondPort, desc, undo };
}
