/**
 * The public types of routes: what `ip route` takes and shows.
 * @module
 */
import type { RawReply } from '../../netlink/native.js';
import type { OperationOptions } from '../../netlink/socket.js';
import type { LinkRef } from '../values/ifindex.js';
// The table type is shared with rules (values/tables.ts defines it: 'main' | 'local' | 'default' | id).
import type { RouteTable } from '../values/tables.js';

/** Route scopes by name (`ip route ... scope NAME`), or a number. */
export type RouteScope = 'global' | 'site' | 'link' | 'host' | 'nowhere' | (number & {});
/** Route types (`ip route add TYPE PREFIX`), or a number for ones without a name. */
export type RouteType =
  | 'unspec'
  | 'unicast'
  | 'local'
  | 'broadcast'
  | 'anycast'
  | 'multicast'
  | 'blackhole'
  | 'unreachable'
  | 'prohibit'
  | 'throw'
  | 'nat'
  | (number & {});
/** Who installed a route (`proto NAME`), or a number (iproute2's rt_protos ids, 0..255). */
export type RouteProtocol = 'unspec' | 'redirect' | 'kernel' | 'boot' | 'static' | 'ra' | 'dhcp' | (number & {});

/** One path of a multipath route (`nexthop via GW dev DEV weight W onlink`). */
export interface NexthopSpec {
  /** The gateway, in the family of the route's destination. */
  via?: string;
  /** The outgoing link. */
  dev?: LinkRef;
  /** Relative weight, 1..256 (default 1). */
  weight?: number;
  /** Pretend the gateway is directly reachable on `dev`. */
  onlink?: boolean;
}

/** A route to add, replace, append or delete, as `ip route add` takes it. */
export interface RouteSpec {
  /** 'default' or a prefix ('198.18.1.0/24', '2001:db8:1::/64'; a bare address is a host route). */
  dst: string;
  /** Address family, needed only for `dst: 'default'` without `via`/`nexthops` (default 'inet'). */
  family?: 'inet' | 'inet6';
  /**
   * The gateway (`via GW`): same family as `dst`, or an IPv6 gateway for an
   * IPv4 route (`via inet6 GW`, sent as RTA_VIA; for `dst: 'default'` give `family: 'inet'`).
   */
  via?: string;
  /** The outgoing link (`dev DEV`). */
  dev?: LinkRef;
  /** A nexthop object to route through (`nhid N`, RTA_NH_ID; see `nl.nexthop`); excludes via, dev, onlink and nexthops. */
  nhid?: number;
  /** Preferred source address for traffic the host sends along the route (`src ADDR`, RTA_PREFSRC). */
  src?: string;
  /** The metric (`metric N`, RTA_PRIORITY). The kernel picks 0 (IPv4) or 1024 (IPv6) when absent. */
  metric?: number;
  /** The table (`table T`). Default: main. */
  table?: RouteTable;
  /** The scope. Default, as iproute2: host for local/nat, link for broadcast/multicast/anycast and for unicast routes without a gateway (IPv4), global otherwise. */
  scope?: RouteScope;
  /** The type. Default: unicast. */
  type?: RouteType;
  /** Who installs it (`proto P`). Default, as iproute2: boot. */
  protocol?: RouteProtocol;
  /** Pretend the gateway is directly reachable on `dev` (`onlink`). */
  onlink?: boolean;
  /** Path MTU (`mtu N`, RTAX_MTU). */
  mtu?: number;
  /** Advertised TCP MSS (`advmss N`, RTAX_ADVMSS). */
  advmss?: number;
  /** Several paths (`nexthop ... nexthop ...`, RTA_MULTIPATH); excludes `via`, `dev` and `onlink`. */
  nexthops?: NexthopSpec[];
}

/** One decoded path of a multipath route. */
export interface Nexthop {
  /** The gateway, if any. */
  via: string | undefined;
  /** The outgoing link's ifindex. */
  dev: number;
  /** Relative weight (1..256). */
  weight: number;
  /** The path was added `onlink`. */
  onlink: boolean;
  /** RTNH_F_* flag names: 'dead', 'pervasive', 'onlink', 'linkdown'. */
  flags: string[];
}

/** A decoded route (from a dump or from {@link RouteApi.get}). */
export interface Route {
  /** Address family. */
  family: 'inet' | 'inet6';
  /** 'default' or `prefix/len` (a host route too: '198.18.0.9/32'). */
  dst: string;
  /** The gateway, if any (RTA_GATEWAY, or RTA_VIA for a gateway of the other family). */
  via: string | undefined;
  /** The outgoing link's ifindex (RTA_OIF), if any. */
  dev: number | undefined;
  /** The nexthop object the route goes through (RTA_NH_ID), if any. */
  nhid: number | undefined;
  /** The preferred source (RTA_PREFSRC). */
  src: string | undefined;
  /** The metric (RTA_PRIORITY). */
  metric: number | undefined;
  /** The table: 'main', 'local', 'default' or the id. */
  table: RouteTable;
  /** The scope ('global', 'link', 'host', ...). */
  scope: RouteScope;
  /** The type ('unicast', 'local', 'broadcast', 'blackhole', ...). */
  type: RouteType;
  /** Who installed it ('kernel', 'boot', 'static', ...). */
  protocol: RouteProtocol;
  /** The route was added `onlink`. */
  onlink: boolean;
  /** Path MTU metric, if set. */
  mtu: number | undefined;
  /** Advertised MSS metric, if set. */
  advmss: number | undefined;
  /** The paths of a multipath route. */
  nexthops: Nexthop[] | undefined;
  /** rtm_flags names: 'dead', 'onlink', 'linkdown', 'cloned', 'notify', ... */
  flags: string[];
  /**
   * Everything the kernel sent. From `list()` and `dump()`, for a route whose
   * message has more than the typed fields read (IPv6 cacheinfo), it is
   * decoded from the message's bytes the first time it is read.
   */
  raw: RawReply;
}

/** Filter of {@link RouteApi.list}. */
export interface RouteFilter {
  /** The table, or 'all'. Default: main (as `ip route show`). */
  table?: RouteTable | 'all';
  /** Only this family. Default: both. */
  family?: 'inet' | 'inet6';
  /** Only routes through this link (directly or as one of the nexthops). */
  dev?: LinkRef;
  /** Only this type. */
  type?: RouteType;
  /** Only routes installed by this protocol. */
  protocol?: RouteProtocol;
}

/** Options of {@link RouteApi.get}. */
export interface RouteGetOptions extends OperationOptions {
  /** Source address of the packet (`from ADDR`). */
  from?: string;
  /** The outgoing link to force (`oif DEV`). */
  oif?: LinkRef;
  /** The incoming link, to ask how forwarded traffic would go (`iif DEV`). */
  iif?: LinkRef;
  /** Firewall mark (`mark N`). */
  mark?: number;
  /** Return the FIB entry that matched rather than the resolved route (`fibmatch`). */
  fibmatch?: boolean;
}
