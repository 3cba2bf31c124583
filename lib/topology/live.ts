/**
 * What the kernel has: the handles on a topology's namespaces, and one
 * namespace's links, addresses, routes, nexthops, neighbours, FDB entries
 * and sysctls read in one go (the dumps pipelined on its socket).
 * @module
 */
import type { Address } from '../rtnl/addr/types.js';
import type { FdbRecord } from '../rtnl/fdb/types.js';
import { open, type Netlink } from '../rtnl/handle.js';
import type { Link } from '../rtnl/link/types.js';
import type { Neighbour } from '../rtnl/neigh/types.js';
import type { NexthopObject } from '../rtnl/nexthop/types.js';
import { NetNs, netns } from '../netns/netns.js';
import type { OperationOptions } from '../netlink/socket.js';
import type { Route } from '../rtnl/route/types.js';
import { isNetnsOf } from './marks.js';
import type { ModelNs, ModelSysctl } from './model.js';
import { closeNft, type NftLive } from './nft-live.js';
import type { LiveTc } from './tc-live.js';

/** An open namespace and an rtnetlink handle in it. */
export interface NsHandle {
  /** The namespace (owned by the topology handle, closed with it). */
  ns: NetNs;
  /** rtnetlink in it. */
  nl: Netlink;
  /** An anonymous namespace the topology made (it lives as long as this handle). */
  anonymous?: boolean;
}

/** One namespace as the kernel has it. */
export interface LiveNs {
  /** Every link. */
  links: Link[];
  /** Links by name. */
  byName: Map<string, Link>;
  /** Links by ifindex. */
  byIndex: Map<number, Link>;
  /** Every address. */
  addrs: Address[];
  /** Routes of every table but `local`, without cached ones. */
  routes: Route[];
  /** Neighbour entries (the proxy table too, when asked for). */
  neigh: Neighbour[];
  /** FDB entries. */
  fdb: FdbRecord[];
  /** The sysctls asked for; undefined where there is no such file (yet). */
  sysctls: Map<string, string | undefined>;
  /** For namespaces that declare NAT or a firewall: what applying it would do. */
  nft?: NftLive;
  /** Why the declared ruleset cannot be applied (a table in the way that is not the topology's). */
  nftConflict?: string;
  /** Nexthop objects. */
  nexthops: NexthopObject[];
  /** Traffic control of the links that declare it or are the topology's, by link name (filled in by {@link readTc}). */
  tc: Map<string, LiveTc>;
}

/** Open `ns`, then an rtnetlink handle in it; the namespace is closed again if the handle fails. */
export async function handleOn(ns: NetNs, opts: OperationOptions = {}): Promise<NsHandle> {
  try {
    return { ns, nl: await open({ netns: ns, ...(opts.signal === undefined ? {} : { signal: opts.signal }) }) };
  } catch (e) {
    ns.close();
    throw e;
  }
}

/** Close a handle pair (idempotent, never throws). */
export async function closeHandle(h: NsHandle): Promise<void> {
  await closeNft(h);
  await h.nl.close().catch(() => undefined);
  h.ns.close();
}

const LOCAL_TABLE = 255;

/** Read what a namespace has. `proxy`: also dump the neighbour proxy table. */
export async function readLive(h: NsHandle, sysctls: readonly ModelSysctl[], proxy: boolean, opts: OperationOptions = {}): Promise<LiveNs> {
  const signal = opts.signal === undefined ? {} : { signal: opts.signal };
  const [links, addrs, routes, neigh, proxies, fdb, nexthops, values] = await Promise.all([
    h.nl.link.list({}, signal),
    h.nl.addr.list({}, signal),
    h.nl.route.list({ table: 'all' }, signal),
    h.nl.neigh.list({}, signal),
    proxy ? h.nl.neigh.list({ proxy: true }, signal) : Promise.resolve([] as Neighbour[]),
    h.nl.fdb.list({}, signal),
    h.nl.nexthop.list({}, signal),
    Promise.all(sysctls.map((s) => h.ns.sysctl.get(s.name).catch((e: unknown) => {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }))),
  ]);
  const byName = new Map<string, Link>();
  const byIndex = new Map<number, Link>();
  for (const l of links) {
    byName.set(l.name, l);
    byIndex.set(l.ifindex, l);
  }
  const tableOf = (r: Route): number => (r.table === 'main' ? 254 : r.table === 'local' ? LOCAL_TABLE : r.table === 'default' ? 253 : r.table);
  return {
    links,
    byName,
    byIndex,
    addrs,
    routes: routes.filter((r) => tableOf(r) !== LOCAL_TABLE),
    neigh: [...neigh, ...proxies],
    fdb,
    sysctls: new Map(sysctls.map((s, i) => [s.name, values[i]])),
    nexthops,
    tc: new Map(),
  };
}

/** The route table id of a decoded route. */
export function tableId(r: Route): number {
  return r.table === 'main' ? 254 : r.table === 'local' ? 255 : r.table === 'default' ? 253 : r.table;
}

/**
 * Open an existing namespace of the model, or undefined if it does not exist
 * (a named one not made yet; an anonymous one this handle does not hold).
 * `current`: the namespace standing for `current: true` ones.
 */
export async function openExisting(ns: ModelNs, current: NetNs | undefined, runDir: string | undefined): Promise<NetNs | undefined> {
  switch (ns.source) {
    case 'anonymous':
      return undefined;
    case 'current':
      return current === undefined ? netns.current() : netns.open({ path: `/proc/self/fd/${current.fd}` });
    case 'external':
      return netns.open(ns.external as { name: string } | { pid: number } | { path: string });
    case 'named':
      try {
        return await netns.open({ name: ns.name as string, ...(runDir === undefined ? {} : { runDir }) });
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return undefined;
        throw e;
      }
  }
}

/** The alias of `lo` in a namespace (the mark of the topology that made it, if any). */
export async function loAlias(h: NsHandle, opts: OperationOptions = {}): Promise<string | undefined> {
  return (await h.nl.link.get('lo', opts)).alias;
}

/**
 * The named namespaces under the run directory whose `lo` carries the mark
 * of topology `topology`, except the names in `skip`. Namespaces that vanish
 * or cannot be opened meanwhile (other people's, being deleted) are passed
 * over.
 */
export async function ownedNamedNamespaces(topology: string, runDir: string | undefined, skip: ReadonlySet<string>): Promise<string[]> {
  const dir = runDir === undefined ? {} : { runDir };
  const names = (await netns.list(dir)).filter((n) => !skip.has(n));
  const owned = await Promise.all(
    names.map(async (name) => {
      let ns: NetNs;
      try {
        ns = await netns.open({ name, ...dir });
      } catch {
        return undefined;
      }
      try {
        const h = await handleOn(ns);
        try {
          return isNetnsOf(await loAlias(h), topology) ? name : undefined;
        } finally {
          await closeHandle(h);
        }
      } catch {
        return undefined;
      }
    }),
  );
  return owned.filter((n): n is string => n !== undefined);
}

