/**
 * Link kind `bridge` (IFLA_BR_*): the bridge device's own options and what
 * the kernel reports about it. The options of a link enslaved to a bridge
 * are in bridge-port.ts (re-exported here, so this module still offers all
 * of the bridge).
 *
 * Durations: the kernel takes bridge times as clock_t, in hundredths of a
 * second (USER_HZ = 100), and `ip link ... type bridge forward_delay 400`
 * passes that number through (400 = 4 s). netloom takes seconds, fractional
 * allowed (`forwardDelay: 4`), and sends `Math.round(seconds * 100)`.
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { LinkCommonAddOptions } from '../basics.js';
import type { ConstantLookup, EncodeEnv, KindModule, ValidateContext } from './kind.js';
import { CLOCK_U32_MAX_SECONDS, checkMac, join, rangeError } from './check.js';
import { dNum, dStr } from './attr-values.js';
import { type Field, boolField, decodeFields, encodeFields, enumField, intField, optionsOf, secondsField, validateFields } from './fields.js';
import { type BridgeId, bridgeId } from './bridge-port.js';

export type { BridgeId, BridgePortInfo, BridgePortOptions, BridgePortState } from './bridge-port.js';
export { BRIDGE_PORT_OPTIONS, decodeBridgePort, encodeBridgePort, validateBridgePort } from './bridge-port.js';

/** The VLAN protocols a bridge filters on (`vlan_protocol 802.1Q|802.1ad`). */
export type BridgeVlanProtocol = '802.1q' | '802.1ad';

/** Bridge options: for `add` with `kind: 'bridge'`, and all changeable with `set` and `kind: 'bridge'`. */
export interface BridgeOptions {
  /** Kernel STP on/off (`stp_state 1|0`; IFLA_BR_STP_STATE). Default off. */
  stp?: boolean;
  /**
   * Forwarding delay in seconds (`forward_delay` takes centiseconds: 4 s is
   * `forward_delay 400`). With STP on the kernel wants 2..30 s. Default 15 s.
   */
  forwardDelay?: number;
  /** STP hello time in seconds, 1..10 (`hello_time`, centiseconds). Default 2 s. */
  helloTime?: number;
  /** STP max message age in seconds, 6..40 (`max_age`, centiseconds). Default 20 s. */
  maxAge?: number;
  /** FDB entry ageing time in seconds (`ageing_time`, centiseconds); 0 makes the bridge act as a hub. Default 300 s. */
  ageingTime?: number;
  /** Bridge priority for STP root election, 0..65535 (`priority`). Default 32768. */
  priority?: number;
  /**
   * Which link-local group addresses (01:80:c2:00:00:0X) to forward, a bit per
   * X (`group_fwd_mask`). Bits 0-2 (STP, MAC pause, LACP) are restricted.
   */
  groupFwdMask?: number;
  /** The STP group address, 01:80:c2:00:00:0X (`group_address`). */
  groupAddress?: string;
  /** VLAN filtering on/off (`vlan_filtering 1|0`). */
  vlanFiltering?: boolean;
  /** The VLAN protocol filtered on (`vlan_protocol`). Default '802.1q'. */
  vlanProtocol?: BridgeVlanProtocol;
  /** PVID for new ports, 1..4094, or 0 for none (`vlan_default_pvid`). Default 1. */
  vlanDefaultPvid?: number;
  /** Per-VLAN statistics (`vlan_stats_enabled`). */
  vlanStatsEnabled?: boolean;
  /** Per-port per-VLAN statistics (`vlan_stats_per_port`). */
  vlanStatsPerPort?: boolean;
  /** IGMP/MLD snooping on/off (`mcast_snooping 1|0`). Default on. */
  multicastSnooping?: boolean;
  /** Multicast router port mode of the bridge itself: 0 off, 1 learned (default), 2 always (`mcast_router`). */
  mcastRouter?: number;
  /** Act as IGMP/MLD querier (`mcast_querier`). */
  mcastQuerier?: boolean;
  /** Use the bridge's IP address as querier source (`mcast_query_use_ifaddr`). */
  mcastQueryUseIfaddr?: boolean;
  /** Multicast database size limit (`mcast_hash_max`). */
  mcastHashMax?: number;
  /** Last member query count (`mcast_last_member_count`). */
  mcastLastMemberCount?: number;
  /** Startup query count (`mcast_startup_query_count`). */
  mcastStartupQueryCount?: number;
  /** Last member query interval in seconds (`mcast_last_member_interval`, centiseconds). */
  mcastLastMemberInterval?: number;
  /** Group membership interval in seconds (`mcast_membership_interval`, centiseconds). */
  mcastMembershipInterval?: number;
  /** Other querier present interval in seconds (`mcast_querier_interval`, centiseconds). */
  mcastQuerierInterval?: number;
  /** Query interval in seconds (`mcast_query_interval`, centiseconds). */
  mcastQueryInterval?: number;
  /** Query response interval in seconds (`mcast_query_response_interval`, centiseconds). */
  mcastQueryResponseInterval?: number;
  /** Startup query interval in seconds (`mcast_startup_query_interval`, centiseconds). */
  mcastStartupQueryInterval?: number;
  /** Multicast statistics (`mcast_stats_enabled`). */
  mcastStatsEnabled?: boolean;
  /** IGMP version, 2..3 (`mcast_igmp_version`). */
  mcastIgmpVersion?: number;
  /** MLD version, 1..2 (`mcast_mld_version`). */
  mcastMldVersion?: number;
  /** Pass bridged IPv4 traffic through iptables (`nf_call_iptables`). */
  nfCallIptables?: boolean;
  /** Pass bridged IPv6 traffic through ip6tables (`nf_call_ip6tables`). */
  nfCallIp6tables?: boolean;
  /** Pass bridged ARP through arptables (`nf_call_arptables`). */
  nfCallArptables?: boolean;
  /** Limit of dynamically learned FDB entries, 0 for none (`fdb_max_learned`). */
  fdbMaxLearned?: number;
}

/**
 * `nl.link.add({ kind: 'bridge', ... })`.
 * Equivalent to: `ip link add NAME type bridge [OPTIONS]`.
 */
export interface BridgeAddOptions extends LinkCommonAddOptions, BridgeOptions {
  /** The link kind (IFLA_INFO_KIND 'bridge'). */
  kind: 'bridge';
}

/** What `get`/`list` report about a bridge, from its IFLA_INFO_DATA. Times in seconds. */
export interface BridgeInfo extends BridgeOptions {
  /** This bridge's STP ID. */
  bridgeId?: BridgeId;
  /** The STP root bridge's ID. */
  rootId?: BridgeId;
  /** The port number towards the root, 0 when this bridge is root. */
  rootPort?: number;
  /** The STP path cost to the root. */
  rootPathCost?: number;
  /** STP topology change in progress. */
  topologyChange?: boolean;
  /** STP topology change detected. */
  topologyChangeDetected?: boolean;
  /** Number of dynamically learned FDB entries. */
  fdbLearned?: number;
}

const VLAN_PROTOCOLS: ReadonlyArray<readonly [BridgeVlanProtocol, string]> = [
  ['802.1q', 'ETH_P_8021Q'],
  ['802.1ad', 'ETH_P_8021AD'],
];

const T = CLOCK_U32_MAX_SECONDS;

const FIELDS: readonly Field[] = [
  boolField('stp', 'stpState'),
  secondsField('forwardDelay', 'forwardDelay', 0, T),
  secondsField('helloTime', 'helloTime', 1, 10),
  secondsField('maxAge', 'maxAge', 6, 40),
  secondsField('ageingTime', 'ageingTime', 0, T),
  intField('priority', 'priority', 0, 0xffff),
  intField('groupFwdMask', 'groupFwdMask', 0, 0xffff),
  boolField('vlanFiltering'),
  enumField('vlanProtocol', 'vlanProtocol', VLAN_PROTOCOLS),
  intField('vlanDefaultPvid', 'vlanDefaultPvid', 0, 4094),
  boolField('vlanStatsEnabled'),
  boolField('vlanStatsPerPort'),
  boolField('multicastSnooping', 'mcastSnooping'),
  intField('mcastRouter', 'mcastRouter', 0, 2),
  boolField('mcastQuerier'),
  boolField('mcastQueryUseIfaddr'),
  intField('mcastHashMax', 'mcastHashMax', 1, 0xffffffff),
  intField('mcastLastMemberCount', 'mcastLastMemberCnt', 0, 0xffffffff),
  intField('mcastStartupQueryCount', 'mcastStartupQueryCnt', 0, 0xffffffff),
  secondsField('mcastLastMemberInterval', 'mcastLastMemberIntvl', 0, T),
  secondsField('mcastMembershipInterval', 'mcastMembershipIntvl', 0, T),
  secondsField('mcastQuerierInterval', 'mcastQuerierIntvl', 0, T),
  secondsField('mcastQueryInterval', 'mcastQueryIntvl', 0, T),
  secondsField('mcastQueryResponseInterval', 'mcastQueryResponseIntvl', 0, T),
  secondsField('mcastStartupQueryInterval', 'mcastStartupQueryIntvl', 0, T),
  boolField('mcastStatsEnabled'),
  intField('mcastIgmpVersion', 'mcastIgmpVersion', 2, 3),
  intField('mcastMldVersion', 'mcastMldVersion', 1, 2),
  boolField('nfCallIptables'),
  boolField('nfCallIp6tables'),
  boolField('nfCallArptables'),
  intField('fdbMaxLearned', 'fdbMaxLearned', 0, 0xffffffff),
];

/** The bridge's own option names. */
export const BRIDGE_OPTIONS: readonly string[] = [...optionsOf(FIELDS), 'groupAddress'];

/** BR_GROUPFWD_RESTRICTED: STP, MAC pause and LACP frames may not be forwarded. */
const GROUPFWD_RESTRICTED = 0x0007;

/** Check bridge options (names already checked). */
export function validate(spec: Readonly<Record<string, unknown>>, ctx: ValidateContext, path: string): void {
  validateFields(spec, FIELDS, ctx, path);
  const mask = spec.groupFwdMask;
  if (typeof mask === 'number' && (mask & GROUPFWD_RESTRICTED) !== 0) {
    rangeError(ctx, join(path, 'groupFwdMask'), `must not include bits 0x0007 (STP, MAC pause and LACP frames are never forwarded), got ${mask}`);
  }
  if (spec.groupAddress !== undefined) {
    const p = join(path, 'groupAddress');
    const mac = checkMac(ctx, p, spec.groupAddress, false);
    if (!/^01:80:c2:00:00:0[0-9a-f]$/.test(mac)) rangeError(ctx, p, `must be a link-local group address 01:80:c2:00:00:0X, got '${mac}'`);
  }
}

/** The IFLA_INFO_DATA of validated bridge options. */
export function encode(spec: Readonly<Record<string, unknown>>, env: EncodeEnv): { data?: RawAttrs } {
  const data: RawAttrs = {};
  encodeFields(spec, FIELDS, env.k, data);
  if (typeof spec.groupAddress === 'string') data.groupAddr = spec.groupAddress.toLowerCase();
  return Object.keys(data).length > 0 ? { data } : {};
}

/** Friendly fields from a bridge's IFLA_INFO_DATA. */
export function decode(data: RawAttrs, k: ConstantLookup): BridgeInfo {
  const out = decodeFields(data, FIELDS, k) as BridgeInfo;
  const groupAddress = dStr(data.groupAddr);
  if (groupAddress !== undefined) out.groupAddress = groupAddress;
  const ids: Array<[keyof BridgeInfo & ('bridgeId' | 'rootId'), string]> = [
    ['bridgeId', 'bridgeId'],
    ['rootId', 'rootId'],
  ];
  for (const [option, attr] of ids) {
    const id = bridgeId(data[attr]);
    if (id !== undefined) out[option] = id;
  }
  const rootPort = dNum(data.rootPort);
  if (rootPort !== undefined) out.rootPort = rootPort;
  const rootPathCost = dNum(data.rootPathCost);
  if (rootPathCost !== undefined) out.rootPathCost = rootPathCost;
  const tc = dNum(data.topologyChange);
  if (tc !== undefined) out.topologyChange = tc !== 0;
  const tcd = dNum(data.topologyChangeDetected);
  if (tcd !== undefined) out.topologyChangeDetected = tcd !== 0;
  const learned = dNum(data.fdbNLearned);
  if (learned !== undefined) out.fdbLearned = learned;
  return out;
}

/** The bridge kind for the registry. */
export const bridgeKind: KindModule<'bridge', BridgeAddOptions, BridgeOptions, BridgeInfo> = {
  kind: 'bridge',
  options: BRIDGE_OPTIONS,
  setOptions: BRIDGE_OPTIONS,
  parent: 'none',
  refs: [],
  validate,
  encode,
  decode,
};
