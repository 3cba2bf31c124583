/**
 * The public types of links: the `set` changes and `list` filters callers
 * pass, the {@link Link}s decoded from kernel replies, and the requests the
 * pure half hands to the I/O half.
 * @module
 */
import type { RawAttrs, RawMessage, RawReply } from '../../netlink/native.js';
import type { AddrGenMode } from './basics.js';
import type { LinkRef, NetnsTarget } from './kinds/kind.js';
import type { BondPortInfo, BondPortOptions } from './kinds/bond-port.js';
import type { BridgePortInfo, BridgePortOptions } from './kinds/bridge-port.js';
import type { KindInfoMap, KindSetOptionsMap, KnownKind } from './kinds/index.js';

// ---------------------------------------------------------------------------
// Public option types

/** Changes `nl.link.set` applies to any link. */
export interface LinkCommonSetOptions {
  /** Rename the link (`ip link set X name NEW`). The link must be down. */
  name?: string;
  /** MTU (`mtu N`); the kernel checks it against the device's min/max. */
  mtu?: number;
  /** Link-layer address (`address MAC`), unicast. */
  mac?: string;
  /** Link-layer broadcast address (`broadcast MAC`). */
  broadcast?: string;
  /** Transmit queue length (`txqueuelen N`). */
  txqlen?: number;
  /** Administratively up or down (`up` / `down`: IFF_UP). */
  up?: boolean;
  /** Promiscuous mode (`promisc on|off`: IFF_PROMISC). */
  promisc?: boolean;
  /** Receive all multicast (`allmulticast on|off`: IFF_ALLMULTI). */
  allmulticast?: boolean;
  /** ARP on or off (`arp on|off`: IFF_NOARP cleared/set). */
  arp?: boolean;
  /** Multicast capable (`multicast on|off`: IFF_MULTICAST). */
  multicast?: boolean;
  /** Enslave to a bridge/bond/VRF (`master DEV`), or `null` to release (`nomaster`: IFLA_MASTER 0). */
  master?: LinkRef | null;
  /** Link group (`group N`). */
  group?: number;
  /** Interface alias (`alias TEXT`); `''` clears it. At most 254 bytes. */
  alias?: string;
  /** Move the link to another namespace (`netns NS` / `netns PID`). */
  netns?: NetnsTarget;
  /** IPv6 link-local address generation (`addrgenmode MODE`). */
  addrGenMode?: AddrGenMode;
  /** Carrier on/off for devices that let user space set it, such as dummy (`carrier on|off`). */
  carrier?: boolean;
  /** Protocol down (`protodown on|off`). */
  protoDown?: boolean;
  /** Bridge port options, for a link enslaved to a bridge (`type bridge_slave ...`). */
  bridgePort?: BridgePortOptions;
  /**
   * Bond port options, for a link enslaved to a bond (`type bond_slave
   * queue_id N prio N`); the kernel refuses them (EOPNOTSUPP) on a link
   * that is not a bond's port.
   */
  bondPort?: BondPortOptions;
}

/**
 * The kind part of `nl.link.set` changes: nothing, or `kind: K` together with
 * the kind options the kernel lets `set` change (`ip link set X type K ...`),
 * or for a kind netloom has no table for, `kind` and raw `data`.
 */
export type LinkSetKindPart<K extends string> = [K] extends [never]
  ? { kind?: undefined }
  : K extends KnownKind
    ? { kind: K } & KindSetOptionsMap[K]
    : { kind: K; data?: RawAttrs };

/** What `nl.link.set(link, changes)` takes. */
export type LinkSetOptions<K extends string = never> = LinkCommonSetOptions & { kind?: K } & LinkSetKindPart<K>;

/** What `list`/`dump` can filter on. All given conditions must hold. */
export interface LinkFilter {
  /** Only links of this kind (IFLA_INFO_KIND); also sent to the kernel. */
  kind?: string;
  /** Only ports of this master (also sent to the kernel), or with `null` only links without a master. */
  master?: LinkRef | null;
  /** Only links in this group. */
  group?: number;
  /** Only links that are administratively up (true) or down (false). */
  up?: boolean;
  /** Only links whose name starts with this. */
  namePrefix?: string;
}

// ---------------------------------------------------------------------------
// Decoded links

/** Interface flags by their `ip link` names (open: unknown bits show as hex). */
export type LinkFlag =
  | 'up'
  | 'broadcast'
  | 'debug'
  | 'loopback'
  | 'pointopoint'
  | 'notrailers'
  | 'running'
  | 'noarp'
  | 'promisc'
  | 'allmulti'
  | 'master'
  | 'slave'
  | 'multicast'
  | 'portsel'
  | 'automedia'
  | 'dynamic'
  | 'lower-up'
  | 'dormant'
  | 'echo'
  | (string & {});

/** RFC 2863 operational state (IFLA_OPERSTATE), as `ip link` prints it in lower case. */
export type OperState = 'unknown' | 'notpresent' | 'down' | 'lowerlayerdown' | 'testing' | 'dormant' | 'up';

/** Interface counters (IFLA_STATS64), as numbers. */
export interface LinkStats {
  rxPackets: number;
  txPackets: number;
  rxBytes: number;
  txBytes: number;
  rxErrors: number;
  txErrors: number;
  rxDropped: number;
  txDropped: number;
  multicast: number;
  collisions: number;
  rxLengthErrors: number;
  rxOverErrors: number;
  rxCrcErrors: number;
  rxFrameErrors: number;
  rxFifoErrors: number;
  rxMissedErrors: number;
  txAbortedErrors: number;
  txCarrierErrors: number;
  txFifoErrors: number;
  txHeartbeatErrors: number;
  txWindowErrors: number;
  rxCompressed: number;
  txCompressed: number;
  rxNohandler: number;
  /** Newer kernels only. */
  rxOtherhostDropped?: number;
}

/** What every decoded link has, whatever its kind. */
export interface LinkBase {
  /** The ifindex. */
  ifindex: number;
  /** The interface name. */
  name: string;
  /** ARPHRD_* hardware type (1 Ethernet, 772 loopback, ...). */
  type: number;
  /** Interface flags by name: 'up', 'broadcast', 'lower-up', ... */
  flags: LinkFlag[];
  /** IFF_UP: administratively up. */
  up: boolean;
  /** IFF_RUNNING. */
  running: boolean;
  /** IFF_LOWER_UP: carrier. */
  lowerUp: boolean;
  /** Operational state. A number if unknown to netloom. */
  operstate: OperState | number | undefined;
  /** MTU. */
  mtu: number | undefined;
  /** The device's minimum MTU. */
  minMtu: number | undefined;
  /** The device's maximum MTU. */
  maxMtu: number | undefined;
  /** Link-layer address. */
  mac: string | undefined;
  /** Link-layer broadcast address. */
  broadcast: string | undefined;
  /** Permanent hardware address, when the device has one. */
  permMac: string | undefined;
  /** Transmit queue length. */
  txqlen: number | undefined;
  /** Link group (0 is the default group). */
  group: number | undefined;
  /** Interface alias. */
  alias: string | undefined;
  /** The master's ifindex (bridge, bond, VRF). */
  master: number | undefined;
  /** IFLA_LINK: the parent's ifindex; for a veth, the peer's. Lives in `linkNetnsid`'s namespace when that is set. */
  parent: number | undefined;
  /** The namespace id (in this namespace's numbering) where the parent/peer lives, when elsewhere. */
  linkNetnsid: number | undefined;
  /** Promiscuity count. */
  promiscuity: number | undefined;
  /** All-multicast count. */
  allmulti: number | undefined;
  /** Transmit queues. */
  numTxQueues: number | undefined;
  /** Receive queues. */
  numRxQueues: number | undefined;
  /** Carrier state. */
  carrier: boolean | undefined;
  /** Carrier changes so far. */
  carrierChanges: number | undefined;
  /** Queueing discipline. */
  qdisc: string | undefined;
  /** Alternative names. */
  altnames: string[];
  /** Counters. */
  stats: LinkStats | undefined;
  /** IPv6 address generation mode (a number if unknown to netloom). */
  addrGenMode: AddrGenMode | number | undefined;
  /** The master's kind as seen from the port ('bridge', 'bond', ...), for ports. */
  portKind: string | undefined;
  /** Bridge port details, for bridge ports. */
  bridgePort: BridgePortInfo | undefined;
  /** Bond port details, for bond ports. */
  bondPort: BondPortInfo | undefined;
  /**
   * Everything the kernel sent, unknown attributes included. From `list()`
   * and `dump()` it is decoded from the message's bytes the first time it is
   * read (the same value; reading it costs a decode, skipping it costs nothing).
   */
  raw: RawReply;
}

/** A decoded link of a known kind. */
export type KnownKindLink<K extends KnownKind> = LinkBase & { kind: K } & KindInfoMap[K];

type KindFieldName = { [K in KnownKind]: keyof KindInfoMap[K] }[KnownKind];

/**
 * A link of a kind netloom has no table for (`data` raw), or with no kind at
 * all (`kind: undefined`: lo, physical NICs). The known kinds' fields are
 * typed `undefined` here so that after `if (link.kind === 'bridge')` they
 * read as `T | undefined`; use {@link isLinkKind} to narrow fully.
 */
export type OtherLink = LinkBase & {
  /** The IFLA_INFO_KIND string, or undefined when the link has no IFLA_LINKINFO. */
  kind: string | undefined;
  /** IFLA_INFO_DATA as decoded by the native codec. */
  data?: RawAttrs;
} & { readonly [P in Exclude<KindFieldName, keyof LinkBase | 'kind' | 'data'>]?: undefined };

/** A decoded link: a union discriminated on `kind`. */
export type Link = { [K in KnownKind]: KnownKindLink<K> }[KnownKind] | OtherLink;

/** Narrow a {@link Link} to one known kind. */
export function isLinkKind<K extends KnownKind>(link: Link, kind: K): link is Extract<Link, { kind: K }> {
  return link.kind === kind;
}

/** A request ready for RtnlSocket.request: message type, extra flags, message. */
export interface LinkRequest {
  /** RTM_* message type. */
  type: number;
  /** NLM_F_* flags beyond REQUEST|ACK (which the native layer adds). */
  flags: number;
  /** The message. */
  msg: RawMessage;
}

/** A LinkRef option that must become an ifindex before the message is built. */
export interface RefToResolve {
  /** The option's path ('master', 'parent', 'dev', 'bridgePort.backupPort', 'link'): the key in `resolved`. */
  path: string;
  /** The name or ifindex given. */
  ref: LinkRef;
}
