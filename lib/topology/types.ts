/**
 * The declaration of a topology: plain data, the same as a TypeScript object
 * and as a YAML or JSON file. Names are what the kernel and iproute2 use;
 * every link, address, route, neighbour and FDB entry belongs to the
 * namespace it is declared in.
 *
 * ```yaml
 * name: lab
 * namespaces:
 *   switch:
 *     links:
 *       - { kind: bridge, name: br0, addresses: [198.18.1.10/24] }
 *   ns1:
 *     links:
 *       - kind: veth
 *         name: eth0
 *         addresses: [198.18.1.11/24]
 *         peer: { name: veth1, netns: switch, master: br0 }
 *     routes:
 *       - { dst: default, via: 198.18.1.10 }
 * ```
 * @module
 */
import type { AddrAddOptions } from '../rtnl/addr/types.js';
import type { FdbEntry } from '../rtnl/fdb/types.js';
import type { BondAddOptions } from '../rtnl/link/kinds/bond.js';
import type { BondPortOptions } from '../rtnl/link/kinds/bond-port.js';
import type { BridgeAddOptions } from '../rtnl/link/kinds/bridge.js';
import type { BridgePortOptions } from '../rtnl/link/kinds/bridge-port.js';
import type { DummyAddOptions } from '../rtnl/link/kinds/dummy.js';
import type { ErspanAddOptions } from '../rtnl/link/kinds/erspan.js';
import type { GeneveAddOptions } from '../rtnl/link/kinds/geneve.js';
import type { GreAddOptions } from '../rtnl/link/kinds/gre.js';
import type { GretapAddOptions } from '../rtnl/link/kinds/gretap.js';
import type { GenericLinkAddOptions } from '../rtnl/link/kinds/index.js';
import type { IfbAddOptions } from '../rtnl/link/kinds/ifb.js';
import type { Ip6greAddOptions } from '../rtnl/link/kinds/ip6gre.js';
import type { Ip6gretapAddOptions } from '../rtnl/link/kinds/ip6gretap.js';
import type { Ip6tnlAddOptions } from '../rtnl/link/kinds/ip6tnl.js';
import type { IpipAddOptions } from '../rtnl/link/kinds/ipip.js';
import type { IpvlanAddOptions, IpvtapAddOptions } from '../rtnl/link/kinds/ipvlan.js';
import type { MacvlanAddOptions, MacvtapAddOptions } from '../rtnl/link/kinds/macvlan.js';
import type { SitAddOptions } from '../rtnl/link/kinds/sit.js';
import type { VethAddOptions, VethPeerOptions } from '../rtnl/link/kinds/veth.js';
import type { VlanAddOptions } from '../rtnl/link/kinds/vlan.js';
import type { VrfAddOptions } from '../rtnl/link/kinds/vrf.js';
import type { VtiAddOptions } from '../rtnl/link/kinds/vti.js';
import type { Vti6AddOptions } from '../rtnl/link/kinds/vti6.js';
import type { VxlanAddOptions } from '../rtnl/link/kinds/vxlan.js';
import type { NeighEntry } from '../rtnl/neigh/types.js';
import type { NexthopObjectSpec } from '../rtnl/nexthop/types.js';
import type { NexthopSpec, RouteSpec } from '../rtnl/route/types.js';
import type { ClassSpec, FifoQdisc, FilterSpec, HtbQdisc, MirredAction, TbfQdisc } from '../rtnl/tc/types.js';
import type { FilterOptions, MasqueradeOptions, OneToOneOptions, PublishPortOptions } from '../nft/recipes.js';
import type { NftReject, NftRuleBody } from '../nft/rule-types.js';

/**
 * A whole network: namespaces and what is in them. `name` is the
 * topology's identity: netloom marks what it creates with it (link aliases
 * `netloom:NAME`, a link group, the `lo` alias of namespaces it made), so
 * two declarations with the same name are the same topology.
 */
export interface TopologySpec {
  /** 1..64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
  name: string;
  /** Free text, shown by `netloom plan` and in graphs. */
  description?: string;
  /**
   * The link group (1..4294967295) netloom puts its links in, so that
   * destroy removes a namespace's links in one kernel batch (`ip link del
   * group N`). Default: derived from `name`. A link's own `group` wins.
   */
  group?: number;
  /** The namespaces, by a key that the rest of the declaration uses to refer to them. */
  namespaces: Record<string, TopologyNamespace>;
}

/**
 * One network namespace. Which namespace it is, at most one of:
 * - nothing: a named namespace called like its key (`ip netns add KEY`),
 *   created by the topology and removed by destroy;
 * - `name`: the same, under another name;
 * - `anonymous: true`: a namespace that lives as long as the topology
 *   handle (nothing to clean up if the process dies; not for `netloom up`);
 * - `current: true`: the namespace the topology is applied from (or
 *   {@link TopologyOptions.netns}); never created or removed, only the
 *   links declared in it are;
 * - `external`: an existing namespace (`{ name }`, `{ pid }` or `{ path }`),
 *   never created or removed.
 */
export interface TopologyNamespace {
  /** The name under /run/netns (with {@link TopologyOptions.netnsPrefix} in front). Default: the key. */
  name?: string;
  /** An anonymous namespace held by the topology handle. */
  anonymous?: boolean;
  /** The namespace the topology is applied from (or {@link TopologyOptions.netns}). */
  current?: boolean;
  /** An existing namespace the topology uses but does not own. */
  external?: { name: string } | { pid: number } | { path: string };
  /**
   * Bring `lo` up (`ip link set lo up`). Default true for namespaces the
   * topology creates; left alone in `current` and `external` ones unless set.
   */
  lo?: boolean;
  /**
   * Network sysctls (`net.*`), by name: `net.ipv4.ip_forward: 1`. Names
   * with a dot inside a part (an interface `eth0.5`) take the `/` form:
   * `net/ipv4/conf/eth0.5/rp_filter`. Namespace-wide ones are written right
   * after the namespace is made (so `net.ipv6.conf.default.*` applies to the
   * links made next), per-interface ones once the links exist.
   */
  sysctls?: Record<string, string | number | boolean>;
  /** The links that live in this namespace. */
  links?: TopologyLink[];
  /**
   * Nexthop objects (`ip nexthop add id N ...`), which routes name with
   * `nhid`: made after the addresses (a gateway must be reachable) and
   * before the routes, groups after their members; marked as the
   * topology's by their protocol (like its routes).
   */
  nexthops?: TopologyNexthop[];
  /** Routes (`ip route add ...`); `dev` names a link in this namespace, `nhid` a declared nexthop. */
  routes?: TopologyRoute[];
  /** Neighbour (ARP/NDP) entries (`ip neigh add ...`). */
  neighbours?: TopologyNeighbour[];
  /** Bridge / VXLAN forwarding entries (`bridge fdb add|append ...`). */
  fdb?: TopologyFdbEntry[];
  /**
   * TUN/TAP devices (`ip tuntap add ...`): made through /dev/net/tun (the
   * kernel has no rtnetlink request for them) as persistent devices, so they
   * outlive the process that applies the topology; everything else about
   * them (mtu, up, master, addresses, the marks) goes over rtnetlink like
   * any link. Their names share the namespace's link names.
   */
  tuntap?: TopologyTunTap[];
  /**
   * NAT in this namespace (a router's): kept in the nf_tables table
   * `inet netloom-NAME`, marked as the topology's, made and replaced whole
   * in one transaction. See {@link TopologyNat}.
   */
  nat?: TopologyNat;
  /** Filter rules per hook, in the same table. See {@link TopologyFirewall}. */
  firewall?: TopologyFirewall;
}

/**
 * A namespace's NAT, in the words of netloom's rule helpers.
 *
 * ```yaml
 * nat:
 *   masquerade: [{ from: 198.18.1.0/24, notOutIface: br0 }]
 *   publish: [{ proto: tcp, port: 8080, to: '198.18.1.2:80', notInIface: br0 }]
 *   oneToOne: [{ private: 198.18.1.3, public: 198.18.2.10, iface: out0 }]
 * ```
 */
export interface TopologyNat {
  /** Source NAT to the outgoing interface's address ({@link masquerade}). */
  masquerade?: MasqueradeOptions[];
  /** Published ports: DNAT of arriving traffic ({@link publishPort}). */
  publish?: PublishPortOptions[];
  /** One-to-one NAT, both ways ({@link snat} and {@link dnat}). */
  oneToOne?: OneToOneOptions[];
}

/** A firewall rule: `{ allow: {...} }`, `{ deny: {...} }` (the helpers), or any rule body. */
export type TopologyFirewallRule = { allow: FilterOptions } | { deny: FilterOptions & { reject?: NftReject } } | NftRuleBody;

/** One hook's filter chain: its policy and its rules, in order. */
export interface TopologyFirewallChain {
  /** What happens to packets no rule decided on. Default accept. */
  policy?: 'accept' | 'drop';
  rules?: TopologyFirewallRule[];
}

/** A namespace's filter chains, by hook. */
export interface TopologyFirewall {
  input?: TopologyFirewallChain;
  forward?: TopologyFirewallChain;
  output?: TopologyFirewallChain;
}

/** An address on a link: `'198.18.1.1/24'`, or the CIDR with `ip addr add` options. */
export type TopologyAddress = string | ({ cidr: string } & AddrAddOptions);

/** What every link of a topology has besides its kind's `link.add` options. */
export interface TopologyLinkCommon {
  /**
   * Bring it up. Default **true** in a topology (unlike `ip link add`): a
   * declared network is meant to carry traffic.
   */
  up?: boolean;
  /** The bridge, bond or VRF this link is a port of: a link of the same namespace. */
  master?: string;
  /** Bridge port options, for a port of a bridge (`ip link set X type bridge_slave ...`); not for bond or VRF ports. */
  bridgePort?: BridgePortOptions;
  /** Bond port options, for a port of a bond (`ip link set X type bond_slave queue_id N prio N`). */
  bondPort?: BondPortOptions;
  /** Addresses (`ip addr add CIDR dev NAME`). */
  addresses?: TopologyAddress[];
  /** Traffic control on the link: its root qdisc, htb classes, filters, an ingress qdisc. See {@link TopologyQdisc}. */
  qdisc?: TopologyQdisc;
  /**
   * The namespace where `parent` (and a vxlan's `dev`) live, when not this
   * one: the link is created from there directly into this namespace (as
   * `ip link add link eth0 name mv0 netns ns1 type macvlan`), the kernel's
   * "link-netns".
   */
  linkNetns?: string;
}

/** The far end of a declared veth pair: a link of its own, in `netns`. */
export interface TopologyVethPeer extends Omit<VethPeerOptions, 'netns' | 'name'> {
  /** The peer's name (required: the topology finds it by name). */
  name: string;
  /** The key of the namespace the peer lives in. Default: the link's own. */
  netns?: string;
  /** Interface alias (after netloom's mark). */
  alias?: string;
  /** The peer's master, a link of the peer's namespace. */
  master?: string;
  /** Bridge port options, when the peer is a bridge port. */
  bridgePort?: BridgePortOptions;
  /** Bond port options, when the peer is a bond port. */
  bondPort?: BondPortOptions;
  /** The peer's addresses. */
  addresses?: TopologyAddress[];
  /** Traffic control on the peer. */
  qdisc?: TopologyQdisc;
}

type Declared<T> = Omit<T, 'netns' | 'master' | 'up'> & TopologyLinkCommon;

/** A declared veth pair: this end lives in the namespace it is declared in, `peer` in `peer.netns`. */
export type TopologyVeth = Omit<Declared<VethAddOptions>, 'peer'> & { peer: TopologyVethPeer };

/**
 * A declared link: `nl.link.add` options of any kind netloom knows (or a
 * generic kind with raw `data`), without `netns` (the namespace it is
 * declared in is where it lives) and with {@link TopologyLinkCommon}.
 * A bond's or a VRF's ports name it as their `master`; a tunnel's `dev`
 * (its underlay) is a link of the same namespace (or of `linkNetns`).
 * A bond in a topology takes no `primary`: its ports are made after it,
 * so there is no port to name yet (set it once applied:
 * `nl.link.set(bond, { kind: 'bond', primary })`).
 */
export type TopologyLink =
  | TopologyVeth
  | Declared<BridgeAddOptions>
  | Declared<MacvlanAddOptions>
  | Declared<MacvtapAddOptions>
  | Declared<VxlanAddOptions>
  | Declared<VlanAddOptions>
  | Declared<IpvlanAddOptions>
  | Declared<IpvtapAddOptions>
  | Declared<IfbAddOptions>
  | Declared<DummyAddOptions>
  | Declared<IpipAddOptions>
  | Declared<SitAddOptions>
  | Declared<Ip6tnlAddOptions>
  | Declared<GreAddOptions>
  | Declared<GretapAddOptions>
  | Declared<Ip6greAddOptions>
  | Declared<Ip6gretapAddOptions>
  | Declared<ErspanAddOptions>
  | Declared<VtiAddOptions>
  | Declared<Vti6AddOptions>
  | Declared<GeneveAddOptions>
  | Omit<Declared<BondAddOptions>, 'primary'>
  | Declared<VrfAddOptions>
  | Declared<GenericLinkAddOptions>;

/** A declared route: `RouteSpec` with links named by name. */
export type TopologyRoute = Omit<RouteSpec, 'dev' | 'nexthops'> & {
  /** The outgoing link, by name. */
  dev?: string;
  /** The paths of a multipath route. */
  nexthops?: Array<Omit<NexthopSpec, 'dev'> & { dev?: string }>;
};

/** A declared neighbour entry: `NeighEntry` with the link named by name. */
export type TopologyNeighbour = Omit<NeighEntry, 'dev'> & {
  /** The link the neighbour is on. */
  dev: string;
};

/** A declared FDB entry: `FdbEntry` with links named by name. */
export type TopologyFdbEntry = Omit<FdbEntry, 'dev' | 'via'> & {
  /** The bridge port, bridge or VXLAN device. */
  dev: string;
  /** VXLAN: the device to reach `dst` through. */
  via?: string;
};

/**
 * A TUN or TAP device of a topology (see {@link TopologyNamespace.tuntap}),
 * as `ip tuntap add dev NAME mode tun|tap [user U] [group G] [multi_queue]`
 * followed by `ip link set` and `ip addr add`. Nobody reads it until a
 * program opens it (`Tun.open({ name, netns })`): till then it has no
 * carrier (NO-CARRIER), so the kernel sends it nothing, though its
 * addresses and routes are in place.
 */
export interface TopologyTunTap {
  /** The interface name (1..15 bytes; no `%d` template: the topology finds it by name). */
  name: string;
  /** Layer 3 (`tun`, IP packets) or layer 2 (`tap`, Ethernet frames). */
  mode: 'tun' | 'tap';
  /** The user (uid) allowed to open the device besides CAP_NET_ADMIN holders (`user U`). */
  owner?: number;
  /** The group (gid) allowed to open the device (`group G`; not the link group). */
  group?: number;
  /** Several queues (IFF_MULTI_QUEUE, `multi_queue`). Default false. */
  multiQueue?: boolean;
  /** Bring it up. Default true. */
  up?: boolean;
  /** MTU (68..65535; the kernel caps a TAP at 65521). */
  mtu?: number;
  /** Transmit queue length. */
  txqlen?: number;
  /** TAP only: the Ethernet address (default: a random one). */
  mac?: string;
  /** Interface alias (after netloom's mark). */
  alias?: string;
  /** TAP: the bridge it is a port of; either mode: a VRF. A link of the same namespace. */
  master?: string;
  /** Bridge port options, for a TAP on a bridge. */
  bridgePort?: BridgePortOptions;
  /** Addresses. */
  addresses?: TopologyAddress[];
}

/** A declared nexthop object: `NexthopObjectSpec` with the link named by name. */
export type TopologyNexthop = Omit<NexthopObjectSpec, 'dev'> & {
  /** The outgoing link, by name (a link of this namespace). */
  dev?: string;
};

/** An htb class of a link's root qdisc (`tc class add dev LINK parent P classid C htb rate R ...`). */
export type TopologyTcClass = Omit<ClassSpec, 'dev' | 'kind' | 'parent'> & {
  /** 'htb' (the only class kind netloom knows; default). */
  kind?: 'htb';
  /** The qdisc ('1:', the default) or a class declared before this one ('1:1'). */
  parent?: ClassSpec['parent'];
};

/** A u32 filter (`tc filter add dev LINK parent ... u32 match ... [flowid C] [action mirred ...]`). */
export type TopologyTcFilter = Omit<FilterSpec, 'dev' | 'kind' | 'parent' | 'actions'> & {
  /** 'u32' (default). */
  kind?: 'u32';
  /** mirred actions; `dev` is a link of the same namespace, by name. */
  actions?: Array<Omit<MirredAction, 'dev'> & { dev: string }>;
};

type RootQdisc = Omit<TbfQdisc, 'dev' | 'parent'> | Omit<HtbQdisc, 'dev' | 'parent'> | Omit<FifoQdisc, 'dev' | 'parent'>;

/**
 * Traffic control on a link: the root qdisc's kind and options (those of
 * `nl.tc.qdisc.add`; handle default '1:'), for an htb its `classes` and the
 * `filters` that sort packets into them, and an `ingress` qdisc with its
 * filters (mirred redirects). Either part may be left out.
 *
 * ```yaml
 * qdisc: { kind: tbf, rate: 8mbit, burst: 32kb, latency: 50ms }
 * qdisc:
 *   kind: htb
 *   default: 20
 *   classes: [{ classid: '1:10', rate: 8mbit }, { classid: '1:20', rate: 2mbit, ceil: 4mbit }]
 *   filters: [{ protocol: ip, match: { dst: 198.18.2.0/24 }, classid: '1:10' }]
 *   ingress: { filters: [{ match: all, actions: [{ kind: mirred, dev: veth1 }] }] }
 * ```
 *
 * The topology compares it with the kernel's (`tc qdisc/class/filter show`)
 * as a whole, per slot: a root or ingress part that differs in anything is
 * replaced (deleted with its classes and filters, made again). On the
 * topology's links, a root qdisc (other than the kernel's default) or an
 * ingress qdisc that is no longer declared is removed.
 */
export type TopologyQdisc = (RootQdisc | { kind?: undefined }) & {
  /** htb classes, parents before children. */
  classes?: TopologyTcClass[];
  /** Filters on the root qdisc (an htb's): prio default 1, 2, ... in order. */
  filters?: TopologyTcFilter[];
  /** An ingress qdisc (`tc qdisc add dev LINK ingress`): `true`, or with filters on its hook. */
  ingress?: boolean | { filters?: TopologyTcFilter[] };
};
