/**
 * A link enslaved to a bond (IFLA_BOND_SLAVE_*, IFLA_INFO_SLAVE_DATA with
 * slave kind 'bond'): what it reports about itself, decoded as `bondPort`
 * (the `bond_slave` part of `ip -d link show PORT`), and the two options a
 * port takes, `queueId` and `prio`, set with `nl.link.set(port, { bondPort })`
 * (`ip link set PORT type bond_slave queue_id N prio N`).
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { ConstantLookup, EncodeEnv, ValidateContext } from './kind.js';
import { checkKnownKeys, checkObject } from './check.js';
import { dEnum, dNum, dStr } from './attr-values.js';
import { type Field, encodeFields, intField, optionsOf, validateFields } from './fields.js';

/**
 * The options of a bond port (what the kernel's bond_slave_changelink takes):
 * `ip link set PORT type bond_slave queue_id N prio N`.
 */
export interface BondPortOptions {
  /** The transmit queue of the bond this port is mapped to, 0..65535 (`queue_id`; 0: none). */
  queueId?: number;
  /** The port's priority when the bond reselects its active port, a signed 32-bit number (`prio`; kernel 6.0+). */
  prio?: number;
}

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
    if (n !== undefined) out[key] = key === 'prio' ? n | 0 : n; // prio is the kernel's s32
  }
  const mac = dStr(data.permHwaddr);
  if (mac !== undefined) out.permMac = mac;
  return out;
}

const OPTION_FIELDS: readonly Field[] = [intField('queueId', 'queueId', 0, 0xffff), intField('prio', 'prio', -0x80000000, 0x7fffffff)];

/** The option names of {@link BondPortOptions}. */
export const BOND_PORT_OPTIONS: readonly string[] = optionsOf(OPTION_FIELDS);
const OPTION_SET = new Set(BOND_PORT_OPTIONS);

/** Check `bondPort` options at `path` (usually 'bondPort'). */
export function validateBondPort(v: unknown, ctx: ValidateContext, path: string): void {
  const spec = checkObject(ctx, path, v);
  checkKnownKeys(ctx, path, spec, OPTION_SET, () => 'unknown bond port option (a bond port takes queueId and prio)');
  validateFields(spec, OPTION_FIELDS, ctx, path);
}

/** IFLA_INFO_SLAVE_DATA for validated bond port options (prio as the kernel's u32 of an s32). */
export function encodeBondPort(spec: Readonly<Record<string, unknown>>, env: EncodeEnv): RawAttrs {
  const out: RawAttrs = {};
  encodeFields(spec, OPTION_FIELDS, env.k, out);
  if (typeof out.prio === 'number') out.prio = out.prio >>> 0;
  return out;
}
