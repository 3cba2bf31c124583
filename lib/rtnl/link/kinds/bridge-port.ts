/**
 * The bridge port options a link gets when it is enslaved to a bridge
 * (IFLA_BRPORT_*, sent as IFLA_INFO_SLAVE_DATA with slave kind 'bridge'),
 * for any link whatever its kind, and the STP bridge IDs that both a port
 * and a bridge report.
 * @module
 */
import type { RawAttrs, RawValue } from '../../../netlink/native.js';
import type { ConstantLookup, EncodeEnv, LinkRef, ValidateContext } from './kind.js';
import { checkKnownKeys, checkLinkRef, checkObject, join, rangeError } from './check.js';
import { dNest, dNum, dStr } from './attr-values.js';
import { type Field, boolField, decodeFields, encodeFields, enumField, intField, optionsOf, validateFields } from './fields.js';

/** A bridge ID as STP reports it. */
export interface BridgeId {
  /** The bridge priority part. */
  priority: number;
  /** The MAC address part. */
  address: string;
}

/** A {@link BridgeId} from its nested IFLA_BR(PORT)_*_ID attribute. */
export function bridgeId(v: RawValue | undefined): BridgeId | undefined {
  const s = dNest(v);
  if (s === undefined) return undefined;
  const priority = dNum(s.prio);
  const address = dStr(s.addr) ?? (Buffer.isBuffer(s.addr) ? [...s.addr].map((b) => b.toString(16).padStart(2, '0')).join(':') : undefined);
  if (priority === undefined || address === undefined) return undefined;
  return { priority, address };
}

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

