/**
 * The checked, normalised form of a declaration that plan, apply, destroy
 * and graph work from: every link end (a veth's peer included) as a node of
 * the namespace it lives in, every reference resolved to a namespace key or
 * a link name, every default filled in. Internal: the public shape is the
 * declaration (types.ts) and the plan (plan.ts).
 * @module
 */
import { SocketAddress, isIPv6 } from 'node:net';
import type { AddrAddOptions } from '../rtnl/addr/types.js';
import type { FdbEntry } from '../rtnl/fdb/types.js';
import type { NeighEntry } from '../rtnl/neigh/types.js';
import type { NexthopObjectSpec } from '../rtnl/nexthop/types.js';
import type { RouteSpec } from '../rtnl/route/types.js';
import type { ClassSpec, FilterSpec, QdiscSpec } from '../rtnl/tc/types.js';
import type { NftRuleset } from '../nft/ruleset.js';

/** Where a namespace comes from, and so whether the topology owns it. */
export type NsSource = 'named' | 'anonymous' | 'current' | 'external';

/** A checked topology. */
export interface Model {
  /** The topology's name (its identity in the marks). */
  name: string;
  /** The declared description. */
  description: string | undefined;
  /** The link group for the topology's links. */
  group: number;
  /** The namespaces, in declaration order. */
  namespaces: ModelNs[];
  /** The same, by key. */
  byKey: Map<string, ModelNs>;
}

/** One namespace of a checked topology. */
export interface ModelNs {
  /** The declaration's key. */
  key: string;
  /** `namespaces.KEY`, for messages. */
  path: string;
  /** Named, anonymous, current or external. */
  source: NsSource;
  /** For named ones: the name under the run directory (prefix applied). */
  name: string | undefined;
  /** For external ones: how to open it. */
  external: { name: string } | { pid: number } | { path: string } | undefined;
  /** Whether to bring lo up (undefined: leave it). */
  lo: boolean | undefined;
  /** Sysctls, namespace-wide first, per interface after. */
  sysctls: ModelSysctl[];
  /** Every link end that lives here (veth peers declared elsewhere included, TUN/TAP devices too). */
  links: ModelLink[];
  /** Nexthop objects, members before the groups that use them. */
  nexthops: ModelNexthop[];
  /** Routes. */
  routes: ModelRoute[];
  /** Neighbour entries. */
  neighbours: ModelNeigh[];
  /** FDB entries. */
  fdb: ModelFdb[];
  /** The nf_tables ruleset of its `nat:` and `firewall:` (undefined: it declares neither, and its tables are left alone). */
  nft: NftRuleset | undefined;
}

/** True if the topology creates (and so owns and removes) this namespace. */
export function ownsNamespace(ns: ModelNs): boolean {
  return ns.source === 'named' || ns.source === 'anonymous';
}

/** A sysctl to write. */
export interface ModelSysctl {
  /** The name as declared. */
  name: string;
  /** The value as the kernel prints it back (booleans as 1/0). */
  value: string;
  /** The declaration path. */
  path: string;
  /** The interface a per-interface sysctl belongs to (`net.ipv4.conf.IFACE.*`); undefined for namespace-wide ones. */
  iface: string | undefined;
}

/** One link end. */
export interface ModelLink {
  /** The key of the namespace it lives in. */
  ns: string;
  /** Its name there. */
  name: string;
  /** IFLA_INFO_KIND. */
  kind: string;
  /** The declaration path (`namespaces.a.links[0]`, or `....peer` for a veth's far end). */
  path: string;
  /** A declared link, or the far end of a declared veth. */
  role: 'link' | 'peer';
  /**
   * What `link.add` gets besides what the topology adds itself (name, kind
   * options, mtu, mac, txqlen, queues, addrGenMode, parent). For a peer: its
   * basic fields.
   */
  options: Record<string, unknown>;
  /** Administratively up. */
  up: boolean;
  /** The master's name, in the same namespace. */
  master: string | undefined;
  /** Bridge port options. */
  bridgePort: Record<string, unknown> | undefined;
  /** Bond port options. */
  bondPort: Record<string, unknown> | undefined;
  /** The full alias: the mark, then the declared alias. */
  alias: string;
  /** The link group. */
  group: number;
  /** Addresses. */
  addresses: ModelAddress[];
  /** The namespace key where `parent`/`dev` live, if not `ns`. */
  linkNetns: string | undefined;
  /** The names of links this one is made on top of (parent, vxlan dev), in `linkNetns ?? ns`. */
  lowers: string[];
  /** For a veth: the other end (set on both ends). */
  peer: ModelLink | undefined;
  /** For a TUN/TAP device (kind `tun`): what only /dev/net/tun sets. */
  tun: ModelTun | undefined;
  /** Traffic control on it (undefined: none declared). */
  tc: ModelTc | undefined;
}

/**
 * A link's declared traffic control, as `nl.tc` requests (dev: the link's
 * name), per slot: the root qdisc with its classes and filters, and the
 * ingress qdisc with its filters.
 */
export interface ModelTc {
  /** The declaration path (`....qdisc`). */
  path: string;
  /** The root qdisc (handle filled in), or undefined: the kernel's default stays. */
  root: QdiscSpec | undefined;
  /** htb classes, parents first. */
  classes: ClassSpec[];
  /** Filters on the root qdisc (prio filled in). */
  filters: FilterSpec[];
  /** Filters on the ingress hook; undefined: no ingress qdisc. */
  ingress: FilterSpec[] | undefined;
}

/** A nexthop object. */
export interface ModelNexthop {
  /** What `nexthop.add`/`replace` get (protocol filled in, dev by name). */
  spec: NexthopObjectSpec;
  /** Its id. */
  id: number;
  /** The declaration path. */
  path: string;
}

/**
 * What a TUN/TAP device is made with (TUNSETIFF, TUNSETOWNER, TUNSETGROUP).
 * The topology never changes these on a live device: a difference makes it
 * again.
 */
export interface ModelTun {
  /** `tun` or `tap`. */
  mode: 'tun' | 'tap';
  /** The uid allowed to open it; undefined: none (-1 to the kernel). */
  owner: number | undefined;
  /** The gid allowed to open it; undefined: none. */
  group: number | undefined;
  /** IFF_MULTI_QUEUE. */
  multiQueue: boolean;
}

/** An address of a link. */
export interface ModelAddress {
  /** As declared. */
  cidr: string;
  /** `address/prefixlen` with the address in canonical text, as the kernel reports it. */
  key: string;
  /** `ip addr add` options. */
  options: AddrAddOptions;
  /** The declaration path. */
  path: string;
}

/** A route. */
export interface ModelRoute {
  /** What `route.add`/`replace` get (protocol filled in). */
  spec: RouteSpec;
  /** Family, destination, table and metric: what identifies a route to the kernel. */
  key: string;
  /** The declaration path. */
  path: string;
  /** Whether it needs a gateway to be reachable first (added after routes without one). */
  viaGateway: boolean;
}

/** A neighbour entry. */
export interface ModelNeigh {
  /** What `neigh.add`/`replace` get. */
  entry: NeighEntry;
  /** Destination and link: what identifies it. */
  key: string;
  /** The declaration path. */
  path: string;
}

/** An FDB entry. */
export interface ModelFdb {
  /** What `fdb.add`/`append` get. */
  entry: FdbEntry;
  /** MAC, link, VLAN, remote and table: what identifies it. */
  key: string;
  /** The declaration path. */
  path: string;
}

/** An IP address in the canonical text the kernel reports (IPv6 compressed, lower case). */
export function canonicalIp(text: string): string {
  if (!isIPv6(text)) return text;
  try {
    return new SocketAddress({ address: text, family: 'ipv6' }).address;
  } catch {
    return text.toLowerCase();
  }
}

/** The key of a route: family, destination, table id, metric (the kernel's default when undeclared). */
export function routeKey(family: 'inet' | 'inet6', dst: string, table: number, metric: number | undefined): string {
  const m = metric ?? (family === 'inet' ? 0 : 1024);
  return `${family} ${dst} table ${table} metric ${m}`;
}

/** The key of a neighbour entry. */
export function neighKey(dst: string, dev: string, proxy: boolean): string {
  return `${proxy ? 'proxy ' : ''}${canonicalIp(dst)} dev ${dev}`;
}

/** The key of an FDB entry. */
export function fdbKey(lladdr: string, dev: string, vlan: number | undefined, dst: string | undefined, master: boolean): string {
  return `${lladdr.toLowerCase()} dev ${dev}${vlan === undefined ? '' : ` vlan ${vlan}`}${dst === undefined ? '' : ` dst ${canonicalIp(dst)}`}${master ? ' master' : ''}`;
}
