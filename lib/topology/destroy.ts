/**
 * Removing what a topology owns, found by its marks (so it works after a
 * crash, with or without the declaration), and nothing else:
 *
 * 1. in the namespaces it uses but does not own (the current one, external
 *    ones), the links marked `netloom:NAME`: a whole link group in one
 *    kernel batch (`ip link del group N`) when every link of the group is
 *    the topology's, one by one otherwise;
 *    and the nf_tables tables marked `netloom:NAME` (its NAT and firewall);
 * 2. every named namespace whose `lo` is marked `netloom:NAME:netns`:
 *    deleted (`ip netns del`), which removes all its links and tables in
 *    one go.
 *
 * Anonymous namespaces vanish with the handles that hold them (the
 * topology's, or the process's when it died).
 * @module
 */
import { netns } from '../netns/netns.js';
import type { OperationOptions } from '../netlink/socket.js';
import type { NsHandle } from './live.js';
import { loAlias, ownedNamedNamespaces } from './live.js';
import { ROUTE_PROTOCOL, isLinkOf, isNetnsOf } from './marks.js';
import { deleteMarkedTables } from './nft-live.js';

/** What destroy removed. */
export interface DestroyResult {
  /** The named namespaces deleted. */
  namespaces: string[];
  /** The links deleted in namespaces the topology does not own, as 'NAMESPACE/LINK'. */
  links: string[];
  /** The nf_tables tables deleted in namespaces the topology does not own, as 'NAMESPACE/FAMILY NAME'. */
  tables: string[];
  /** Anonymous namespaces let go (they vanish once nothing holds them). */
  anonymous: number;
  /**
   * Nexthop objects deleted in namespaces the topology does not own, as
   * 'NAMESPACE/ID': the declared ones still marked by the topology's
   * protocol (those on its links go with the links). Only with the
   * declaration: `destroyTopology(name)` cannot tell them from other
   * topologies' and leaves a blackhole or group nexthop in place.
   */
  nexthops: string[];
}

const GONE = new Set(['ENODEV', 'ENOENT']);
const ignoreGone = (e: unknown): void => {
  if (!GONE.has((e as { code?: string }).code ?? '')) throw e;
};

/** A namespace the topology uses without owning it, to clean of its marked links. */
export interface DestroyTarget {
  /** For the report: the namespace's key or description. */
  label: string;
  /** An open handle on it. */
  handle: NsHandle;
}

/** Delete the links marked as topology `topology`'s in one namespace; returns their names. */
export async function deleteMarkedLinks(topology: string, target: DestroyTarget, opts: OperationOptions = {}): Promise<string[]> {
  const { nl } = target.handle;
  const links = await nl.link.list({}, opts);
  const ours = links.filter((l) => isLinkOf(l.alias, topology));
  const groups = new Map<number, boolean>(); // group -> every member is ours
  for (const l of links) {
    const g = l.group ?? 0;
    if (g === 0) continue;
    groups.set(g, (groups.get(g) ?? true) && isLinkOf(l.alias, topology));
  }
  const batch = new Set([...groups].filter(([, all]) => all).map(([g]) => g));
  await Promise.all([...batch].map((g) => nl.link.delGroup(g, opts).catch(ignoreGone)));
  // The rest one by one (a veth takes its peer along: ENODEV then is fine).
  await Promise.all(ours.filter((l) => !batch.has(l.group ?? 0)).map((l) => nl.link.del(l.ifindex, opts).catch(ignoreGone)));
  return ours.map((l) => `${target.label}/${l.name}`);
}

/**
 * Delete the nexthops `ids` of a namespace the topology does not own that
 * still carry its protocol (groups first, so that no member goes from under
 * one; the routes through them go with them); returns them as 'LABEL/ID'.
 */
export async function deleteDeclaredNexthops(target: DestroyTarget, ids: ReadonlySet<number>, opts: OperationOptions = {}): Promise<string[]> {
  if (ids.size === 0) return [];
  const { nl } = target.handle;
  const mine = (await nl.nexthop.list({}, opts)).filter((n) => ids.has(n.id) && n.protocol === ROUTE_PROTOCOL);
  for (const groups of [true, false]) {
    await Promise.all(mine.filter((n) => (n.group !== undefined) === groups).map((n) => nl.nexthop.del(n.id, opts).catch(ignoreGone)));
  }
  return mine.map((n) => `${target.label}/${n.id}`);
}

/**
 * Remove everything marked as topology `topology`'s: its links in `targets`
 * (the namespaces it uses without owning them), then its named namespaces
 * under `runDir`. `held`: named namespaces the caller has open already (by
 * name), whose marks are read through those handles instead of opening
 * them again; every other entry of the run directory is opened and looked at.
 */
export async function destroyMarked(
  topology: string,
  targets: readonly DestroyTarget[],
  runDir: string | undefined,
  opts: OperationOptions = {},
  held: ReadonlyMap<string, NsHandle> = new Map(),
): Promise<DestroyResult> {
  const dir = runDir === undefined ? {} : { runDir };
  // The two halves touch different namespaces, so they go at once: a
  // namespace that is unmounted here lives on while this process holds it,
  // so its veth ends in the targets are still deleted in the same batch.
  const [links, tables, names] = await Promise.all([
    Promise.all(targets.map((t) => deleteMarkedLinks(topology, t, opts))).then((l) => l.flat()),
    Promise.all(targets.map(async (t) => (await deleteMarkedTables(t.handle, topology, opts)).map((x) => `${t.label}/${x}`))).then((l) => l.flat()),
    (async () => {
      const [known, others] = await Promise.all([
        Promise.all(
          [...held].map(async ([name, h]) => {
            const alias = await loAlias(h, opts).catch(() => undefined);
            return isNetnsOf(alias, topology) ? name : undefined;
          }),
        ),
        ownedNamedNamespaces(topology, runDir, new Set(held.keys())),
      ]);
      const owned = [...known.filter((n): n is string => n !== undefined), ...others];
      await Promise.all(owned.map((n) => netns.del(n, dir).catch(ignoreGone)));
      return owned;
    })(),
  ]);
  return { namespaces: names, links, tables, anonymous: 0, nexthops: [] };
}
