/**
 * What a link enslaved to a bond reports about itself (IFLA_BOND_SLAVE_*,
 * IFLA_INFO_SLAVE_DATA with slave kind 'bond'), decoded as `bondPort`.
 * Equivalent to the `bond_slave` part of `ip -d link show PORT`.
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { ConstantLookup } from './kind.js';
import { dEnum, dNum, dStr } from './attr-values.js';

/** Whether the bond sends through this port (`state ACTIVE|BACKUP`). */
export type BondPortState = 'active' | 'backup';
/** The port's link as the bond's monitor sees it (`mii_status UP|GOING_DOWN|DOWN|GOING_BACK`). */
export type BondPortMiiStatus = 'up' | 'fail' | 'down' | 'back';

/** What `get`/`list` report about a bond port. */
export interface BondPortInfo {
  /** A number if unknown to netloom. */
  state?: BondPortState | number;
  /** A number if unknown to netloom. */
  miiStatus?: BondPortMiiStatus | number;
  /** How often the port's link failed. */
  linkFailureCount?: number;
  /** The port's own MAC address (the bond may have changed the one it uses). */
  permMac?: string;
  /** The transmit queue the port is mapped to (`queue_id`). */
  queueId?: number;
  /** The port's priority for reselection (`prio`). */
  prio?: number;
  /** 802.3ad: the aggregator the port belongs to. */
  adAggregatorId?: number;
  /** 802.3ad: the actor's port state bits. */
  adActorOperPortState?: number;
  /** 802.3ad: the partner's port state bits. */
  adPartnerOperPortState?: number;
}

const STATES: ReadonlyArray<readonly [BondPortState, string]> = [
  ['active', 'BOND_STATE_ACTIVE'],
  ['backup', 'BOND_STATE_BACKUP'],
];
const MII: ReadonlyArray<readonly [BondPortMiiStatus, string]> = [
  ['up', 'BOND_LINK_UP'],
  ['fail', 'BOND_LINK_FAIL'],
  ['down', 'BOND_LINK_DOWN'],
  ['back', 'BOND_LINK_BACK'],
];
const NUMS = ['linkFailureCount', 'queueId', 'prio', 'adAggregatorId', 'adActorOperPortState', 'adPartnerOperPortState'] as const;

/** Friendly fields from a bond port's IFLA_INFO_SLAVE_DATA. */
export function decodeBondPort(data: RawAttrs, k: ConstantLookup): BondPortInfo {
  const out: BondPortInfo = {};
  const state = dEnum(k, STATES, data.state);
  if (state !== undefined) out.state = state;
  const mii = dEnum(k, MII, data.miiStatus);
  if (mii !== undefined) out.miiStatus = mii;
  for (const key of NUMS) {
    const n = dNum(data[key]);
    if (n !== undefined) out[key] = n;
  }
  const mac = dStr(data.permHwaddr);
  if (mac !== undefined) out.permMac = mac;
  return out;
}
