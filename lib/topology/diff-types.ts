/**
 * The shape of a difference between a declaration and the live state: what
 * to do, per namespace and object, as `apply` executes it and `plan` shows it.
 * @module
 */
import type { Address } from '../rtnl/addr/types.js';
import type { FdbRecord } from '../rtnl/fdb/types.js';
import type { Link } from '../rtnl/link/types.js';
import type { Neighbour } from '../rtnl/neigh/types.js';
import type { NexthopObject } from '../rtnl/nexthop/types.js';
import type { Route } from '../rtnl/route/types.js';
import type { LiveNs } from './live.js';
import type { NftApplyResult } from '../nft/ruleset-apply.js';
import type { NftRuleset } from '../nft/ruleset.js';
import type { Model, ModelAddress, ModelFdb, ModelLink, ModelNeigh, ModelNexthop, ModelNs, ModelRoute, ModelSysctl } from './model.js';
import type { LiveSlot } from './tc-live.js';

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
  /** Bond port options (sent after the master is set). */
  bondPort: Record<string, unknown> | undefined;
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
  /** Traffic control slots to make, replace (delete, then make) or remove, per link. */
  tc: TcWork[];
  /** Nexthops deleted to be made again (a group that becomes a single nexthop, or the other way round). */
  nhDeletes: Array<{ model: ModelNexthop; live: NexthopObject }>;
  /** Nexthops to make (members before groups). */
  nhCreates: ModelNexthop[];
  /** Nexthops to replace in place. */
  nhChanges: Array<Changed<ModelNexthop, NexthopObject>>;
  /** The topology's nexthops no longer declared (groups first). */
  nhRemoves: NexthopObject[];
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
  /** The namespace's NAT and firewall, when its tables are to be made, replaced or removed. */
  nft: NftWork | undefined;
}

/** One traffic control slot of one link: the root qdisc (with classes and filters) or the ingress one. */
export interface TcWork {
  /** The link (declared; for a removal, the declared link that no longer declares it). */
  link: ModelLink;
  /** Which slot. */
  slot: 'root' | 'ingress';
  /** Make it (nothing of ours there), replace it (it differs), or remove it (no longer declared). */
  action: 'create' | 'replace' | 'remove';
  /** What is there now (replace, remove). */
  live: LiveSlot | undefined;
  /** For a replace: what differs. */
  desc: string[];
}

/** The nf_tables work of one namespace: one transaction. */
export interface NftWork {
  /** The declared ruleset. */
  ruleset: NftRuleset;
  /** What applying it does, by table. */
  plan: Pick<NftApplyResult, 'created' | 'replaced' | 'removed'>;
  /** The topology's tables as they were (what a rollback restores). */
  before: NftRuleset;
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
