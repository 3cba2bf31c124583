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
import { isLinkOf } from './marks.js';
import { type Model, ownsNamespace } from './model.js';
import type { Diff, DiffInput, NsDiff } from './diff-types.js';
import { diffLinks, id, matchLinks } from './diff-links.js';
import { diffAddresses, diffFdb, diffNeighbours, diffRoutes, type NsView } from './diff-objects.js';
import { diffNexthops, diffTc } from './diff-tc.js';
import type { LiveNs } from './live.js';
import { normalizeSysctl } from './validate-ns.js';

/** Compute the difference. */
export function computeDiff(model: Model, input: DiffInput): Diff {
  const conflicts: string[] = [];
  const liveOf = (key: string): LiveNs | undefined => input.live.get(key);

  for (const [key, why] of input.foreign) conflicts.push(`namespaces.${key}: ${why}`);

  const { owned, fresh, replace } = matchLinks(model, input, conflicts);

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
      tc: [],
      nhDeletes: [],
      nhCreates: [],
      nhChanges: [],
      nhRemoves: [],
      routeCreates: [],
      routeChanges: [],
      routeRemoves: [],
      neighCreates: [],
      neighChanges: [],
      neighRemoves: [],
      fdbCreates: [],
      fdbRemoves: [],
      nft: undefined,
    };
    if (ns.nft !== undefined) {
      if (live?.nftConflict !== undefined) conflicts.push(`${ns.path}: ${live.nftConflict}`);
      const p = live?.nft?.plan ?? { created: ns.nft.tables.map((t) => `${t.family} ${t.name}`), replaced: [], removed: [] };
      if (p.created.length + p.replaced.length + p.removed.length > 0) d.nft = { ruleset: ns.nft, plan: p, before: live?.nft?.before ?? { owner: model.name, tables: [] } };
    }
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
    diffLinks(d, model, owned, replace, isFresh);
    const goneIndexes = new Set<number>([...d.linkDeletes.map((x) => x.live.ifindex), ...d.linkRemoves.map((x) => x.ifindex)]);
    const ourIndexes = new Set<number>((live?.links ?? []).filter((x) => isLinkOf(x.alias, model.name)).map((x) => x.ifindex));
    const nameOf = (ifindex: number | undefined): string | undefined => (ifindex === undefined ? undefined : live?.byIndex.get(ifindex)?.name);
    const staying = (ifindex: number | undefined): boolean => ifindex !== undefined && !goneIndexes.has(ifindex) && !isFresh(nameOf(ifindex) ?? '');

    const view: NsView = { d, isFresh, goneIndexes, ourIndexes, nameOf, staying, goneNexthops: new Set() };

    diffAddresses(view, owned);
    diffTc(view, owned);
    view.goneNexthops = diffNexthops(view, conflicts);
    diffRoutes(view, conflicts);
    diffNeighbours(view);
    diffFdb(view);

    // Per-interface sysctls of links made now are written after them.
    for (const s of ns.sysctls) {
      if (s.iface === undefined || !isFresh(s.iface) || d.ifSysctls.some((w) => w.sysctl === s)) continue;
      d.ifSysctls.push({ sysctl: s, old: live?.sysctls.get(s.name) });
    }
  }
  return { model, namespaces, nsRemoves: input.undeclared, released: input.released, conflicts, fresh };
}

