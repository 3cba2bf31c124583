/**
 * Link kind `bridge` (IFLA_BR_*), and the bridge port options a link gets
 * when it is enslaved to a bridge (IFLA_BRPORT_*, sent as IFLA_INFO_SLAVE_DATA
 * with slave kind 'bridge').
 *
 * Durations: the kernel takes bridge times as clock_t, in hundredths of a
 * second (USER_HZ = 100), and `ip link ... type bridge forward_delay 400`
 * passes that number through (400 = 4 s). netloom takes seconds, fractional
 * allowed (`forwardDelay: 4`), and sends `Math.round(seconds * 100)`.
 * @module
 */
import type { RawAttrs, RawValue } from '../../../netlink/native.js';
import type { LinkCommonAddOptions } from '../basics.js';
import type { ConstantLookup, EncodeEnv, KindModule, LinkRef, ValidateContext } from './kind.js';
import { CLOCK_U32_MAX_SECONDS, checkKnownKeys, checkLinkRef, checkMac, checkObject, join, rangeError } from './check.js';
import { dNest, dNum, dStr } from './attr-values.js';
import { type Field, boolField, decodeFields, encodeFields, enumField, intField, optionsOf, secondsField, validateFields } from './fields.js';

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

/** A bridge ID as STP reports it. */
export interface BridgeId {
  /** The bridge priority part. */
  priority: number;
  /** The MAC address part. */
  address: string;
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

function bridgeId(v: RawValue | undefined): BridgeId | undefined {
  const s = dNest(v);
  if (s === undefined) return undefined;
  const priority = dNum(s.prio);
  const address = dStr(s.addr) ?? (Buffer.isBuffer(s.addr) ? [...s.addr].map((b) => b.toString(16).padStart(2, '0')).join(':') : undefined);
  if (priority === undefined || address === undefined) return undefined;
  return { priority, address };
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

// ---------------------------------------------------------------------------
// Bridge ports

/** STP port states (`state 0..4`). */
export type BridgePortState = 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking';

/**
 * Options of a link enslaved to a bridge, for
 * `nl.link.set(port, { bridgePort: { ... } })`.
 * Equivalent to: `ip link set dev PORT type bridge_slave OPTIONS`
 * (or `bridge link set dev PORT OPTIONS`).
 */
export interface BridgePortOptions {
  /** STP port state (`state N`: 0 disabled, 1 listening, 2 learning, 3 forwarding, 4 blocking). */
  state?: BridgePortState;
  /** STP port priority, 0..63 (`priority`). */
  priority?: number;
  /** STP path cost, 1..65535 (`cost`). */
  cost?: number;
  /** Send frames back out of the port they came in on (`hairpin on|off`; IFLA_BRPORT_MODE). */
  hairpin?: boolean;
  /** BPDU guard: disable the port if it receives STP BPDUs (`guard on|off`). */
  guard?: boolean;
  /** Root block: never let this port become root port (`root_block on|off`; IFLA_BRPORT_PROTECT). */
  rootBlock?: boolean;
  /** Leave a multicast group as soon as an IGMP leave arrives (`fastleave on|off`). */
  fastLeave?: boolean;
  /** Learn source MACs into the FDB (`learning on|off`). Default on. */
  learning?: boolean;
  /** Flood unknown unicast to this port (`flood on|off`; IFLA_BRPORT_UNICAST_FLOOD). Default on. */
  flood?: boolean;
  /** Proxy ARP (`proxy_arp on|off`). */
  proxyArp?: boolean;
  /** Proxy ARP for Wi-Fi (`proxy_arp_wifi on|off`). */
  proxyArpWifi?: boolean;
  /** Multicast router port mode: 0 off, 1 learned, 2 always, 3 temporary (`mcast_router`). */
  mcastRouter?: number;
  /** Flood unknown multicast to this port (`mcast_flood on|off`). Default on. */
  mcastFlood?: boolean;
  /** Turn multicast into unicast per subscriber (`mcast_to_unicast on|off`). */
  mcastToUnicast?: boolean;
  /** VLAN tunnel mapping (`vlan_tunnel on|off`). */
  vlanTunnel?: boolean;
  /** Flood broadcast to this port (`bcast_flood on|off`). Default on. */
  bcastFlood?: boolean;
  /** Link-local group addresses to forward from this port (`group_fwd_mask`); bit 1 (MAC pause) is not allowed. */
  groupFwdMask?: number;
  /** Suppress ARP/ND on this port (`neigh_suppress on|off`). */
  neighSuppress?: boolean;
  /** Per-VLAN ARP/ND suppression (`neigh_vlan_suppress on|off`). */
  neighVlanSuppress?: boolean;
  /** Isolated port: talks only to non-isolated ports (`isolated on|off`). */
  isolated?: boolean;
  /** 802.1X locked port (`locked on|off`). */
  locked?: boolean;
  /** MAC authentication bypass (`mab on|off`). */
  mab?: boolean;
  /** Fail over to this port when the port loses carrier (`backup_port DEV`); `null` clears it (`nobackup_port`). */
  backupPort?: LinkRef | null;
  /** Limit of multicast groups joined on this port, 0 for none (`mcast_max_groups`). */
  mcastMaxGroups?: number;
  /** Limit of IGMPv3/MLDv2 explicit-tracking hosts, at least 1 (`mcast_eht_hosts_limit`). */
  mcastEhtHostsLimit?: number;
}

/** What `get`/`list` report about a bridge port, from IFLA_INFO_SLAVE_DATA. */
export interface BridgePortInfo extends Omit<BridgePortOptions, 'backupPort'> {
  /** The backup port's ifindex. */
  backupPort?: number;
  /** The STP port ID. */
  id?: number;
  /** The port number. */
  portNo?: number;
  /** STP designated port. */
  designatedPort?: number;
  /** STP designated cost. */
  designatedCost?: number;
  /** STP root bridge ID as seen on this port. */
  rootId?: BridgeId;
  /** STP designated bridge ID. */
  bridgeId?: BridgeId;
  /** Multicast groups currently joined on this port. */
  mcastGroups?: number;
}

const PORT_STATES: ReadonlyArray<readonly [BridgePortState, string]> = [
  ['disabled', 'BR_STATE_DISABLED'],
  ['listening', 'BR_STATE_LISTENING'],
  ['learning', 'BR_STATE_LEARNING'],
  ['forwarding', 'BR_STATE_FORWARDING'],
  ['blocking', 'BR_STATE_BLOCKING'],
];

// The kernel's br_port_policy takes these "flags" as NLA_U8 0/1 and reports
// them the same way (the YNL spec calls them `flag`); netloom sends 0/1.
const PORT_FIELDS: readonly Field[] = [
  enumField('state', 'state', PORT_STATES),
  intField('priority', 'priority', 0, 63),
  intField('cost', 'cost', 1, 65535),
  boolField('hairpin', 'mode'),
  boolField('guard'),
  boolField('rootBlock', 'protect'),
  boolField('fastLeave'),
  boolField('learning'),
  boolField('flood', 'unicastFlood'),
  boolField('proxyArp', 'proxyarp'),
  boolField('proxyArpWifi', 'proxyarpWifi'),
  intField('mcastRouter', 'multicastRouter', 0, 3),
  boolField('mcastFlood'),
  boolField('mcastToUnicast', 'mcastToUcast'),
  boolField('vlanTunnel'),
  boolField('bcastFlood'),
  intField('groupFwdMask', 'groupFwdMask', 0, 0xffff),
  boolField('neighSuppress'),
  boolField('neighVlanSuppress'),
  boolField('isolated'),
  boolField('locked'),
  boolField('mab'),
  intField('mcastMaxGroups', 'mcastMaxGroups', 0, 0xffffffff),
  intField('mcastEhtHostsLimit', 'mcastEhtHostsLimit', 1, 0xffffffff),
];

/** The bridge port option names. */
export const BRIDGE_PORT_OPTIONS: readonly string[] = [...optionsOf(PORT_FIELDS), 'backupPort'];
const PORT_OPTION_SET = new Set(BRIDGE_PORT_OPTIONS);

/** BR_GROUPFWD_MACPAUSE: a port may not forward MAC pause frames. */
const GROUPFWD_MACPAUSE = 0x0002;

/** Check `bridgePort` options at `path` (usually 'bridgePort'). */
export function validateBridgePort(v: unknown, ctx: ValidateContext, path: string): void {
  const spec = checkObject(ctx, path, v);
  checkKnownKeys(ctx, path, spec, PORT_OPTION_SET, () => 'unknown bridge port option');
  validateFields(spec, PORT_FIELDS, ctx, path);
  const mask = spec.groupFwdMask;
  if (typeof mask === 'number' && (mask & GROUPFWD_MACPAUSE) !== 0) {
    rangeError(ctx, join(path, 'groupFwdMask'), `must not include bit 0x0002 (MAC pause frames), got ${mask}`);
  }
  if (spec.backupPort !== undefined && spec.backupPort !== null) checkLinkRef(ctx, join(path, 'backupPort'), spec.backupPort);
}

/**
 * IFLA_INFO_SLAVE_DATA for validated bridge port options. `backupPort` is
 * taken from `env.resolved['bridgePort.backupPort']` (0 clears it).
 */
export function encodeBridgePort(spec: Readonly<Record<string, unknown>>, env: EncodeEnv): RawAttrs {
  const out: RawAttrs = {};
  encodeFields(spec, PORT_FIELDS, env.k, out);
  if (spec.backupPort === null) out.backupPort = 0;
  else if (spec.backupPort !== undefined) {
    const ifindex = env.resolved['bridgePort.backupPort'] ?? (typeof spec.backupPort === 'number' ? spec.backupPort : undefined);
    if (ifindex === undefined) throw new Error('netloom: bridgePort.backupPort was not resolved to an ifindex');
    out.backupPort = ifindex;
  }
  return out;
}

/** Friendly fields from a bridge port's IFLA_INFO_SLAVE_DATA. */
export function decodeBridgePort(data: RawAttrs, k: ConstantLookup): BridgePortInfo {
  const out = decodeFields(data, PORT_FIELDS, k) as BridgePortInfo;
  const nums: Array<[keyof BridgePortInfo & ('backupPort' | 'id' | 'portNo' | 'designatedPort' | 'designatedCost' | 'mcastGroups'), string]> = [
    ['backupPort', 'backupPort'],
    ['id', 'id'],
    ['portNo', 'no'],
    ['designatedPort', 'designatedPort'],
    ['designatedCost', 'designatedCost'],
    ['mcastGroups', 'mcastNGroups'],
  ];
  for (const [option, attr] of nums) {
    const n = dNum(data[attr]);
    if (n !== undefined) out[option] = n;
  }
  const rootId = bridgeId(data.rootId);
  if (rootId !== undefined) out.rootId = rootId;
  const bid = bridgeId(data.bridgeId);
  if (bid !== undefined) out.bridgeId = bid;
  return out;
}

