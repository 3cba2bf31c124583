/**
 * The public types of nexthop objects: what `ip nexthop` takes and shows.
 * @module
 */
import type { RawReply } from '../../netlink/native.js';
import type { LinkRef } from '../values/ifindex.js';

/** Who installed a nexthop (`proto NAME`), or a number 0..255. */
export type NexthopProtocol = 'unspec' | 'redirect' | 'kernel' | 'boot' | 'static' | 'ra' | 'dhcp' | (number & {});

/** How a group spreads flows over its members (`type mpath|resilient`), or a number. */
export type NexthopGroupType = 'mpath' | 'resilient' | (number & {});

/** One member of a nexthop group (`group ID[,WEIGHT]/...`). */
export interface NexthopGroupMember {
  /** The id of an existing (non-group) nexthop object. */
  id: number;
  /** Relative weight, 1..65536 (default 1; above 256 needs kernel 6.12 or later). */
  weight?: number;
}

/** The timers and size of a resilient group (`type resilient buckets N idle_timer S unbalanced_timer S`). */
export interface ResilientOptions {
  /** Number of hash buckets, 1..65535 (the kernel requires it). */
  buckets?: number;
  /** Seconds a bucket must be idle before it may move to another member (`idle_timer`). */
  idleTimer?: number;
  /** Seconds the group may stay unbalanced before busy buckets move too (`unbalanced_timer`; 0: never). */
  unbalancedTimer?: number;
}

/**
 * A nexthop object to add or replace, as `ip nexthop add` takes it. One of:
 * a gateway and/or device (`via`, `dev`), `blackhole`, `fdb` (a VXLAN FDB
 * nexthop: `via` without `dev`), or a `group` of other nexthop ids.
 */
export interface NexthopObjectSpec {
  /** The id routes name it by (`id N`, `ip route add ... nhid N`), 1..4294967295. */
  id: number;
  /** Address family when no `via` says it (`ip -6 nexthop add id 1 blackhole`). Default: 'inet' (groups: none). */
  family?: 'inet' | 'inet6';
  /** The gateway (`via ADDR`). */
  via?: string;
  /** The outgoing link (`dev DEV`); required unless blackhole, fdb or group. */
  dev?: LinkRef;
  /** Pretend the gateway is directly reachable on `dev` (`onlink`). */
  onlink?: boolean;
  /** Drop packets (`blackhole`); excludes via, dev and group. */
  blackhole?: boolean;
  /** A nexthop for the bridge FDB of VXLAN devices (`fdb`): `via` without `dev`, or a group of fdb nexthops. */
  fdb?: boolean;
  /** The members of a group (`group 1,3/2,5`); excludes via, dev, onlink and blackhole. */
  group?: NexthopGroupMember[];
  /** The group's type (`type mpath|resilient`). Default: mpath (hash-threshold). */
  groupType?: 'mpath' | 'resilient';
  /** Settings of a resilient group. */
  resilient?: ResilientOptions;
  /** Who installs it (`proto P`). Default, as iproute2: unspec. */
  protocol?: NexthopProtocol;
}

/** A decoded member of a nexthop group. */
export interface NexthopGroupEntry {
  id: number;
  /** 1..65536. */
  weight: number;
}

/** A decoded nexthop object. */
export interface NexthopObject {
  id: number;
  /** 'inet' / 'inet6'; undefined for groups (AF_UNSPEC). */
  family: 'inet' | 'inet6' | (number & {}) | undefined;
  /** The gateway (NHA_GATEWAY). */
  via: string | undefined;
  /** The outgoing link's ifindex (NHA_OIF). */
  dev: number | undefined;
  blackhole: boolean;
  fdb: boolean;
  /** The nexthop was added `onlink`. */
  onlink: boolean;
  /** The members, for a group. */
  group: NexthopGroupEntry[] | undefined;
  /** The group's type, for a group. */
  groupType: NexthopGroupType | undefined;
  /** Buckets and timers (seconds) of a resilient group. */
  resilient: { buckets: number | undefined; idleTimer: number | undefined; unbalancedTimer: number | undefined; unbalancedTime: number | undefined } | undefined;
  protocol: NexthopProtocol;
  /** The scope the kernel computed ('link' with a gateway, 'host' for a device alone, ...), a number for others. */
  scope: 'global' | 'site' | 'link' | 'host' | 'nowhere' | (number & {});
  /** RTNH_F_* names: 'dead', 'onlink', 'linkdown', ... */
  flags: string[];
  /** Everything the kernel sent. */
  raw: RawReply;
}

/** Filter of {@link NexthopApi.list}. */
export interface NexthopFilter {
  /** Only nexthops through this link (`dev DEV`). */
  dev?: LinkRef;
  /** Only nexthops whose link is enslaved to this master (`master DEV`). */
  master?: LinkRef;
  /** Only groups (`groups`). */
  groups?: boolean;
  /** Only FDB nexthops (`fdb`). */
  fdb?: boolean;
  /** Only this id (`id N`); {@link NexthopApi.get} asks for one directly. */
  id?: number;
  /** Only this family (`ip -4|-6 nexthop`). */
  family?: 'inet' | 'inet6';
}
