/**
 * The link attributes every kind shares: the option names and types common
 * to `add` and `set` of any link, and the basic fields that a link and a
 * veth peer both have (each end has its own ifinfomsg), checked and encoded
 * once for both.
 * @module
 */
import type { RawAttrs } from '../../netlink/native.js';
import type { ConstantLookup, LinkRef, NetnsTarget, ValidateContext } from './kinds/kind.js';
import { checkBool, checkIfname, checkInt, checkMac, checkNetns, checkOneOf, checkU32, join } from './kinds/check.js';
import { wordsOf } from './kinds/attr-values.js';

/**
 * How the kernel makes the IPv6 link-local address of a link
 * (IFLA_INET6_ADDR_GEN_MODE; `ip link set X addrgenmode MODE`). `'none'`
 * skips IPv6 link-local set-up entirely: no address, no DAD, no MLD, which
 * makes creating many links much faster when IPv6 is not needed on them.
 */
export type AddrGenMode = 'eui64' | 'none' | 'stable-privacy' | 'random';

/**
 * Options every kind accepts in `nl.link.add(...)`, besides `kind` and the
 * kind's own options.
 */
export interface LinkCommonAddOptions {
  /** Interface name, 1..15 bytes, no '/', ':' or whitespace (`ip link add NAME`). */
  name: string;
  /** MTU in bytes, 68..65535 (`mtu N`). */
  mtu?: number;
  /** Link-layer address, "aa:bb:cc:dd:ee:ff", unicast (`address MAC`). Default: random. */
  mac?: string;
  /** Link-layer broadcast address (`broadcast MAC`). */
  broadcast?: string;
  /** Transmit queue length in packets (`txqueuelen N`). */
  txqlen?: number;
  /** Bring the link up right away (`ip link add ... up`): IFF_UP in the same request. */
  up?: boolean;
  /**
   * Enslave the new link to this bridge/bond/VRF (`master DEV`). With
   * `netns`, give the master's ifindex in that namespace (a name would be
   * looked up in this handle's namespace).
   */
  master?: LinkRef;
  /** Link group, 1..4294967295 (`group N`); see `nl.link.delGroup` for deleting a whole group at once. */
  group?: number;
  /**
   * Interface alias, at most 254 bytes (`alias TEXT`). The kernel ignores
   * IFLA_IFALIAS in creation requests, so netloom sets it with a second
   * request right after creating the link. Not combinable with `netns`.
   */
  alias?: string;
  /** Create the link directly inside this namespace (`ip link add ... netns NS`): cheaper than moving it later. */
  netns?: NetnsTarget;
  /** Number of transmit queues, 1..4096 (`numtxqueues N`). */
  numTxQueues?: number;
  /** Number of receive queues, 1..4096 (`numrxqueues N`). */
  numRxQueues?: number;
  /**
   * IPv6 link-local address generation (`addrgenmode MODE`); `'none'` skips
   * IPv6 set-up. The kernel refuses it in a creation request
   * (EAFNOSUPPORT), so netloom sends it in a second request right after
   * creating the link, and with `up` brings the link up only then, so no
   * link-local work starts. Not combinable with `netns`.
   */
  addrGenMode?: AddrGenMode;
}

/** The IN6_ADDR_GEN_MODE_* constant name of each {@link AddrGenMode}. */
export const ADDR_GEN_MODES: ReadonlyArray<readonly [AddrGenMode, string]> = [
  ['eui64', 'IN6_ADDR_GEN_MODE_EUI64'],
  ['none', 'IN6_ADDR_GEN_MODE_NONE'],
  ['stable-privacy', 'IN6_ADDR_GEN_MODE_STABLE_PRIVACY'],
  ['random', 'IN6_ADDR_GEN_MODE_RANDOM'],
];

/** `afSpec` carrying an IPv6 address generation mode. */
export function encodeAddrGenMode(mode: AddrGenMode, k: ConstantLookup): RawAttrs {
  const name = ADDR_GEN_MODES.find(([m]) => m === mode)?.[1] ?? 'IN6_ADDR_GEN_MODE_EUI64';
  return { inet6: { addrGenMode: k(name) } };
}

/** The attributes that move or create a link in a namespace: netNsFd or netNsPid. */
export function encodeNetns(target: NetnsTarget): RawAttrs {
  if ('pid' in target) return { netNsPid: target.pid };
  return { netNsFd: target.fd };
}

/** The MTU range netloom accepts for the Ethernet-like kinds it knows. */
export const MTU_RANGE: readonly [number, number] = [68, 65535];

/** The basic fields {@link validateBasics} checks and {@link encodeBasics} encodes. */
export const BASIC_FIELDS: readonly string[] = [
  'name',
  'mtu',
  'mac',
  'broadcast',
  'txqlen',
  'up',
  'group',
  'netns',
  'numTxQueues',
  'numRxQueues',
  'addrGenMode',
];

/** The basic fields the kernel takes only when a link is created. */
export const CREATE_ONLY_FIELDS: readonly string[] = ['numTxQueues', 'numRxQueues'];

/** The boolean switches only `set` takes: interface flags and u8 attributes. */
export const SET_SWITCHES: readonly string[] = ['promisc', 'allmulticast', 'arp', 'multicast', 'carrier', 'protoDown'];

/** The common `add` options. */
export const COMMON_ADD_OPTIONS: readonly string[] = ['kind', ...BASIC_FIELDS, 'master', 'alias'];
/** The common `set` options. */
export const COMMON_SET_OPTIONS: readonly string[] = [
  'kind',
  ...BASIC_FIELDS.filter((f) => !CREATE_ONLY_FIELDS.includes(f)),
  ...SET_SWITCHES,
  'master',
  'alias',
  'bridgePort',
  'bondPort',
];

/**
 * Check the basic link fields of `spec` that are set: name, mtu, mac,
 * broadcast, txqlen, up, group, netns, numTxQueues, numRxQueues, addrGenMode.
 */
export function validateBasics(
  spec: Readonly<Record<string, unknown>>,
  ctx: ValidateContext,
  path: string,
  mtu: readonly [number, number] = MTU_RANGE,
): void {
  if (spec.name !== undefined) checkIfname(ctx, join(path, 'name'), spec.name);
  if (spec.mtu !== undefined) checkInt(ctx, join(path, 'mtu'), spec.mtu, mtu[0], mtu[1]);
  if (spec.mac !== undefined) checkMac(ctx, join(path, 'mac'), spec.mac, true);
  if (spec.broadcast !== undefined) checkMac(ctx, join(path, 'broadcast'), spec.broadcast, false);
  if (spec.txqlen !== undefined) checkU32(ctx, join(path, 'txqlen'), spec.txqlen);
  if (spec.up !== undefined) checkBool(ctx, join(path, 'up'), spec.up);
  if (spec.group !== undefined) checkU32(ctx, join(path, 'group'), spec.group);
  if (spec.netns !== undefined) checkNetns(ctx, join(path, 'netns'), spec.netns);
  if (spec.numTxQueues !== undefined) checkInt(ctx, join(path, 'numTxQueues'), spec.numTxQueues, 1, 4096);
  if (spec.numRxQueues !== undefined) checkInt(ctx, join(path, 'numRxQueues'), spec.numRxQueues, 1, 4096);
  if (spec.addrGenMode !== undefined) checkOneOf(ctx, join(path, 'addrGenMode'), spec.addrGenMode, wordsOf(ADDR_GEN_MODES));
}

/** The ifinfomsg flag bits and attributes of validated basic fields. */
export interface EncodedBasics {
  /** ifi_flags: the bits to set. */
  ifiFlags: number;
  /** ifi_change: the bits to change. */
  ifiChange: number;
  /** The attributes. */
  attrs: RawAttrs;
}

/** Encode the basic fields of a validated `spec` (see {@link validateBasics}). */
export function encodeBasics(spec: Readonly<Record<string, unknown>>, k: ConstantLookup): EncodedBasics {
  const attrs: RawAttrs = {};
  let ifiFlags = 0;
  let ifiChange = 0;
  if (typeof spec.name === 'string') attrs.ifname = spec.name;
  if (typeof spec.mtu === 'number') attrs.mtu = spec.mtu;
  if (typeof spec.mac === 'string') attrs.address = spec.mac.toLowerCase();
  if (typeof spec.broadcast === 'string') attrs.broadcast = spec.broadcast.toLowerCase();
  if (typeof spec.txqlen === 'number') attrs.txqlen = spec.txqlen;
  if (typeof spec.up === 'boolean') {
    const up = k('IFF_UP');
    ifiChange |= up;
    if (spec.up) ifiFlags |= up;
  }
  if (typeof spec.group === 'number') attrs.group = spec.group;
  if (spec.netns !== undefined) Object.assign(attrs, encodeNetns(spec.netns as NetnsTarget));
  if (typeof spec.numTxQueues === 'number') attrs.numTxQueues = spec.numTxQueues;
  if (typeof spec.numRxQueues === 'number') attrs.numRxQueues = spec.numRxQueues;
  if (typeof spec.addrGenMode === 'string') attrs.afSpec = encodeAddrGenMode(spec.addrGenMode as AddrGenMode, k);
  return { ifiFlags: ifiFlags >>> 0, ifiChange: ifiChange >>> 0, attrs };
}
