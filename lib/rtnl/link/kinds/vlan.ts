/**
 * Link kind `vlan` (IFLA_VLAN_*): an 802.1Q/802.1ad sub-interface of a parent
 * link.
 * @module
 */
import type { RawAttrs, RawValue } from '../../../netlink/native.js';
import type { LinkCommonAddOptions } from '../basics.js';
import type { ConstantLookup, EncodeEnv, KindModule, LinkRef, ValidateContext } from './kind.js';
import { checkBool, checkInt, checkKnownKeys, checkObject, checkOneOf, join, show, typeError } from './check.js';
import { dEnum, dNest, dNum, kOf, tryK, wordsOf } from './attr-values.js';

/** The tag protocol (`protocol 802.1Q|802.1ad`). */
export type VlanProtocol = '802.1q' | '802.1ad';

/** VLAN device flags; each one given is set or cleared, the others are left alone. */
export interface VlanFlags {
  /** Reorder the header so the VLAN tag is invisible above (`reorder_hdr on|off`). Kernel default on. */
  reorderHdr?: boolean;
  /** GARP VLAN Registration Protocol (`gvrp on|off`). */
  gvrp?: boolean;
  /** Do not follow the parent's operational state (`loose_binding on|off`). */
  looseBinding?: boolean;
  /** Multiple VLAN Registration Protocol (`mvrp on|off`). */
  mvrp?: boolean;
  /** Follow only the bridge VLAN's state (`bridge_binding on|off`). */
  bridgeBinding?: boolean;
}

/** One priority mapping of a VLAN QoS map. */
export interface VlanQosMapping {
  /** Ingress: the 802.1p priority, 0..7. Egress: the skb priority. */
  from: number;
  /** Ingress: the skb priority. Egress: the 802.1p priority, 0..7. */
  to: number;
}

/** vlan options changeable with `set` (with `kind: 'vlan'`). */
export interface VlanSetOptions {
  /** Device flags. */
  flags?: VlanFlags;
  /** 802.1p priority → skb priority on receive (`ingress-qos-map FROM:TO ...`). */
  ingressQosMap?: VlanQosMapping[];
  /** skb priority → 802.1p priority on transmit (`egress-qos-map FROM:TO ...`). */
  egressQosMap?: VlanQosMapping[];
}

/**
 * `nl.link.add({ kind: 'vlan', name, parent, id })`.
 * Equivalent to: `ip link add link PARENT name NAME type vlan id ID [protocol PROTO] [FLAGS]`.
 */
export interface VlanAddOptions extends LinkCommonAddOptions, VlanSetOptions {
  /** The link kind (IFLA_INFO_KIND 'vlan'). */
  kind: 'vlan';
  /** The parent link (`link DEV`; IFLA_LINK). */
  parent: LinkRef;
  /** The VLAN ID, 0..4095 (`id ID`). */
  id: number;
  /** The tag protocol (`protocol`). Kernel default '802.1q'. */
  protocol?: VlanProtocol;
}

/** What `get`/`list` report about a vlan. */
export interface VlanInfo {
  /** The VLAN ID. */
  id?: number;
  /** The tag protocol (a number if unknown to netloom). */
  protocol?: VlanProtocol | number;
  /** Device flags (named `vlanFlags` so as not to clash with the link's IFF_* `flags`). */
  vlanFlags?: VlanFlags;
  /** Ingress QoS map. */
  ingressQosMap?: VlanQosMapping[];
  /** Egress QoS map. */
  egressQosMap?: VlanQosMapping[];
}

const PROTOCOLS: ReadonlyArray<readonly [VlanProtocol, string]> = [
  ['802.1q', 'ETH_P_8021Q'],
  ['802.1ad', 'ETH_P_8021AD'],
];

const FLAG_BITS: ReadonlyArray<readonly [keyof VlanFlags, string]> = [
  ['reorderHdr', 'VLAN_FLAG_REORDER_HDR'],
  ['gvrp', 'VLAN_FLAG_GVRP'],
  ['looseBinding', 'VLAN_FLAG_LOOSE_BINDING'],
  ['mvrp', 'VLAN_FLAG_MVRP'],
  ['bridgeBinding', 'VLAN_FLAG_BRIDGE_BINDING'],
];
const FLAG_KEYS = new Set<string>(FLAG_BITS.map(([f]) => f));
const MAP_KEYS = new Set(['from', 'to']);

/** The vlan option names. */
export const VLAN_OPTIONS: readonly string[] = ['id', 'protocol', 'flags', 'ingressQosMap', 'egressQosMap'];
/** The vlan options `set` may change. */
export const VLAN_SET_OPTIONS: readonly string[] = ['flags', 'ingressQosMap', 'egressQosMap'];

function checkQosMap(ctx: ValidateContext, path: string, v: unknown, prioSide: 'from' | 'to'): void {
  if (!Array.isArray(v)) typeError(ctx, path, `must be an array of { from, to }, got ${show(v)}`);
  v.forEach((m: unknown, i: number) => {
    const p = `${path}[${i}]`;
    const o = checkObject(ctx, p, m);
    checkKnownKeys(ctx, p, o, MAP_KEYS);
    for (const side of ['from', 'to'] as const) {
      if (o[side] === undefined) typeError(ctx, join(p, side), 'is required');
      checkInt(ctx, join(p, side), o[side], 0, side === prioSide ? 7 : 0xffffffff);
    }
  });
}

/** Check vlan options (`id` required on add). */
export function validate(spec: Readonly<Record<string, unknown>>, ctx: ValidateContext, path: string): void {
  if (ctx.mode === 'add' && spec.id === undefined) typeError(ctx, join(path, 'id'), 'is required (the VLAN ID, 0..4095)');
  if (spec.id !== undefined) checkInt(ctx, join(path, 'id'), spec.id, 0, 4095);
  if (spec.protocol !== undefined) checkOneOf(ctx, join(path, 'protocol'), spec.protocol, wordsOf(PROTOCOLS));
  if (spec.flags !== undefined) {
    const p = join(path, 'flags');
    const flags = checkObject(ctx, p, spec.flags);
    checkKnownKeys(ctx, p, flags, FLAG_KEYS, () => 'unknown vlan flag');
    for (const key of FLAG_KEYS) if (flags[key] !== undefined) checkBool(ctx, join(p, key), flags[key]);
  }
  if (spec.ingressQosMap !== undefined) checkQosMap(ctx, join(path, 'ingressQosMap'), spec.ingressQosMap, 'from');
  if (spec.egressQosMap !== undefined) checkQosMap(ctx, join(path, 'egressQosMap'), spec.egressQosMap, 'to');
}

function qos(map: VlanQosMapping[]): RawAttrs {
  return { mapping: map.map((m) => ({ from: m.from, to: m.to })) };
}

/** IFLA_INFO_DATA of validated vlan options. */
export function encode(spec: Readonly<Record<string, unknown>>, env: EncodeEnv): { data?: RawAttrs } {
  const { k } = env;
  const data: RawAttrs = {};
  if (typeof spec.id === 'number') data.id = spec.id;
  if (typeof spec.protocol === 'string') data.protocol = kOf(k, PROTOCOLS, spec.protocol as VlanProtocol);
  const flags = spec.flags as VlanFlags | undefined;
  if (flags !== undefined) {
    let set = 0;
    let mask = 0;
    for (const [key, name] of FLAG_BITS) {
      const v = flags[key];
      if (v === undefined) continue;
      const bit = k(name);
      mask |= bit;
      if (v) set |= bit;
    }
    if (mask !== 0) data.flags = { flags: set >>> 0, mask: mask >>> 0 };
  }
  if (spec.ingressQosMap !== undefined) data.ingressQos = qos(spec.ingressQosMap as VlanQosMapping[]);
  if (spec.egressQosMap !== undefined) data.egressQos = qos(spec.egressQosMap as VlanQosMapping[]);
  return Object.keys(data).length > 0 ? { data } : {};
}

function decodeQos(v: RawValue | undefined): VlanQosMapping[] | undefined {
  const nest = dNest(v);
  if (nest === undefined) return undefined;
  const list = Array.isArray(nest.mapping) ? nest.mapping : nest.mapping === undefined ? [] : [nest.mapping];
  const out: VlanQosMapping[] = [];
  for (const m of list) {
    const s = dNest(m);
    const from = dNum(s?.from);
    const to = dNum(s?.to);
    if (from !== undefined && to !== undefined) out.push({ from, to });
  }
  return out;
}

/** Friendly fields from a vlan's IFLA_INFO_DATA. */
export function decode(data: RawAttrs, k: ConstantLookup): VlanInfo {
  const out: VlanInfo = {};
  const id = dNum(data.id);
  if (id !== undefined) out.id = id;
  const protocol = dEnum(k, PROTOCOLS, data.protocol);
  if (protocol !== undefined) out.protocol = protocol;
  const f = dNest(data.flags);
  const bits = dNum(f?.flags);
  if (bits !== undefined) {
    const flags: VlanFlags = {};
    for (const [key, name] of FLAG_BITS) {
      const bit = tryK(k, name);
      if (bit !== undefined) flags[key] = (bits & bit) !== 0;
    }
    out.vlanFlags = flags;
  }
  const ingress = decodeQos(data.ingressQos);
  if (ingress !== undefined) out.ingressQosMap = ingress;
  const egress = decodeQos(data.egressQos);
  if (egress !== undefined) out.egressQosMap = egress;
  return out;
}

/** The vlan kind for the registry. */
export const vlanKind: KindModule<'vlan', VlanAddOptions, VlanSetOptions, VlanInfo> = {
  kind: 'vlan',
  options: VLAN_OPTIONS,
  setOptions: VLAN_SET_OPTIONS,
  parent: 'required',
  refs: [],
  validate,
  encode,
  decode,
};
