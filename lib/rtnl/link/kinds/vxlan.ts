/**
 * Link kind `vxlan` (IFLA_VXLAN_*): a VXLAN tunnel endpoint.
 *
 * netloom always sends the UDP destination port, 4789 (the IANA port) unless
 * `port` says otherwise: a kernel given no port uses the legacy Linux default
 * 8472, which iproute2 warns about.
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { LinkCommonAddOptions } from '../basics.js';
import type { ConstantLookup, EncodeEnv, KindModule, LinkRef, ValidateContext } from './kind.js';
import {
  type ParsedIp,
  checkInt,
  checkIp,
  checkKnownKeys,
  checkLinkRef,
  checkObject,
  isMulticastIp,
  join,
  rangeError,
  show,
  typeError,
} from './check.js';
import { dBool, dEnum, dNest, dNum, dStr } from './attr-values.js';
import { type Field, boolField, decodeFields, encodeFields, enumField, optionsOf, validateFields } from './fields.js';

/** The IANA VXLAN port, netloom's default. */
export const VXLAN_DEFAULT_PORT = 4789;

/** How the outer IPv4 header's Don't Fragment bit is set (`df unset|set|inherit`). */
export type VxlanDf = 'unset' | 'set' | 'inherit';

/** A UDP source port range. */
export interface PortRange {
  /** Lowest port, 1..65535. */
  low: number;
  /** Highest port, low..65535. */
  high: number;
}

/** vxlan options (`VxlanSetOptions` lists the ones `set` may change). */
export interface VxlanOptions {
  /** The VNI, 0..16777215 (`id VNI`). Required by `add` unless `collectMetadata`. */
  id?: number;
  /** The underlay link for the tunnel (`dev DEV`; IFLA_VXLAN_LINK). Required with `multicastGroup`. */
  dev?: LinkRef;
  /** Source IP of the outer packets, IPv4 or IPv6 (`local IP`). */
  local?: string;
  /** Unicast remote VTEP, IPv4 or IPv6 (`remote IP`; sent as IFLA_VXLAN_GROUP/GROUP6, as ip does). */
  remote?: string;
  /** Multicast group to join, IPv4 or IPv6 (`group IP`). Named so as not to clash with the link group `group`. */
  multicastGroup?: string;
  /** UDP destination port, 1..65535 (`dstport PORT`). Default 4789. */
  port?: number;
  /** Outer TTL, 0..255, or 'inherit' from the inner packet (`ttl N|inherit`). */
  ttl?: number | 'inherit';
  /** Outer TOS, 0..255; 1 means inherit (`tos N`). */
  tos?: number;
  /** Learn remote MACs into the FDB (`learning` / `nolearning`). Kernel default on. */
  learning?: boolean;
  /** FDB entry lifetime in seconds (`ageing SECONDS`). */
  ageing?: number;
  /** Maximum number of FDB entries, 0 for no limit (`maxaddress N`). */
  limit?: number;
  /** UDP source port range (`srcport LOW HIGH`). */
  srcPortRange?: PortRange;
  /** ARP/ND proxy (`proxy`). */
  proxy?: boolean;
  /** Notify user space of L2 misses (`l2miss`). */
  l2miss?: boolean;
  /** Notify user space of L3 misses (`l3miss`). */
  l3miss?: boolean;
  /** UDP checksums over IPv4 (`udpcsum` / `noudpcsum`). */
  udpCsum?: boolean;
  /** Zero UDP checksums on IPv6 transmit (`udp6zerocsumtx`). */
  udpZeroCsum6Tx?: boolean;
  /** Accept zero UDP checksums on IPv6 receive (`udp6zerocsumrx`). */
  udpZeroCsum6Rx?: boolean;
  /** Remote checksum offload on transmit (`remcsumtx`). */
  remcsumTx?: boolean;
  /** Remote checksum offload on receive (`remcsumrx`). */
  remcsumRx?: boolean;
  /** Flow-based (metadata) mode for tc/BPF/OVS (`external`). */
  collectMetadata?: boolean;
  /** Group Policy extension (`gbp`). */
  gbp?: boolean;
  /** Don't Fragment bit of outer IPv4 packets (`df unset|set|inherit`). */
  df?: VxlanDf;
  /** IPv6 flow label, 0..1048575 (`flowlabel N`); IPv6 tunnels only. */
  label?: number;
}

/**
 * `nl.link.add({ kind: 'vxlan', name, id, ... })`.
 * Equivalent to: `ip link add NAME type vxlan id VNI dstport 4789 [dev DEV] [local IP] [remote IP | group IP] ...`.
 */
export interface VxlanAddOptions extends LinkCommonAddOptions, VxlanOptions {
  /** The link kind (IFLA_INFO_KIND 'vxlan'). */
  kind: 'vxlan';
}

/** The vxlan options the kernel lets `set` change (others fail with "Cannot change ..."). */
export const VXLAN_SET_OPTIONS: readonly string[] = [
  'dev',
  'local',
  'remote',
  'multicastGroup',
  'ttl',
  'tos',
  'label',
  'learning',
  'ageing',
  'limit',
  'df',
];

/** Options `set` may change on a vxlan. */
export type VxlanSetOptions = Pick<
  VxlanOptions,
  'dev' | 'local' | 'remote' | 'multicastGroup' | 'ttl' | 'tos' | 'label' | 'learning' | 'ageing' | 'limit' | 'df'
>;

/** What `get`/`list` report about a vxlan. */
export interface VxlanInfo extends Omit<VxlanOptions, 'dev' | 'df'> {
  /** The underlay link's ifindex. */
  dev?: number;
  /** The DF setting (a number if unknown to netloom). */
  df?: VxlanDf | number;
}

const DF: ReadonlyArray<readonly [VxlanDf, string]> = [
  ['unset', 'VXLAN_DF_UNSET'],
  ['set', 'VXLAN_DF_SET'],
  ['inherit', 'VXLAN_DF_INHERIT'],
];

const FIELDS: readonly Field[] = [
  { option: 'id', attr: 'id', type: 'int', min: 0, max: 0xffffff },
  { option: 'port', attr: 'port', type: 'int', min: 1, max: 65535 },
  { option: 'tos', attr: 'tos', type: 'int', min: 0, max: 255 },
  boolField('learning'),
  { option: 'ageing', attr: 'ageing', type: 'int', min: 0, max: 0xffffffff },
  { option: 'limit', attr: 'limit', type: 'int', min: 0, max: 0xffffffff },
  boolField('proxy'),
  boolField('l2miss'),
  boolField('l3miss'),
  boolField('udpCsum'),
  boolField('udpZeroCsum6Tx'),
  boolField('udpZeroCsum6Rx'),
  boolField('remcsumTx'),
  boolField('remcsumRx'),
  boolField('collectMetadata'),
  { option: 'gbp', attr: 'gbp', type: 'flag' },
  enumField('df', 'df', DF),
  { option: 'label', attr: 'label', type: 'int', min: 0, max: 0xfffff },
];

/** The vxlan option names. */
export const VXLAN_OPTIONS: readonly string[] = [...optionsOf(FIELDS), 'dev', 'local', 'remote', 'multicastGroup', 'ttl', 'srcPortRange'];

const RANGE_KEYS = new Set(['low', 'high']);

/**
 * Check vxlan options: ranges, address families (local and remote/group
 * alike), remote unicast vs multicastGroup multicast, and on `add` an `id`
 * (unless collectMetadata) and a `dev` for a multicast group.
 */
export function validate(spec: Readonly<Record<string, unknown>>, ctx: ValidateContext, path: string): void {
  validateFields(spec, FIELDS, ctx, path);
  if (ctx.mode === 'add' && spec.id === undefined && spec.collectMetadata !== true) {
    typeError(ctx, join(path, 'id'), 'is required (the VNI, 0..16777215), unless collectMetadata is true');
  }
  if (spec.dev !== undefined) checkLinkRef(ctx, join(path, 'dev'), spec.dev);
  if (spec.ttl !== undefined && spec.ttl !== 'inherit') {
    if (typeof spec.ttl !== 'number') typeError(ctx, join(path, 'ttl'), `must be an integer 0..255 or 'inherit', got ${show(spec.ttl)}`);
    checkInt(ctx, join(path, 'ttl'), spec.ttl, 0, 255);
  }
  let local: ParsedIp | undefined;
  let far: ParsedIp | undefined;
  let farName = '';
  if (spec.local !== undefined) local = checkIp(ctx, join(path, 'local'), spec.local);
  if (spec.remote !== undefined) {
    far = checkIp(ctx, join(path, 'remote'), spec.remote);
    farName = 'remote';
    if (isMulticastIp(far)) rangeError(ctx, join(path, 'remote'), `must be a unicast address (use multicastGroup for ${show(spec.remote)})`);
  }
  if (spec.multicastGroup !== undefined) {
    const p = join(path, 'multicastGroup');
    if (far !== undefined) typeError(ctx, p, 'cannot be combined with remote');
    far = checkIp(ctx, p, spec.multicastGroup);
    farName = 'multicastGroup';
    if (!isMulticastIp(far)) rangeError(ctx, p, `must be a multicast address, got ${show(spec.multicastGroup)}`);
    if (ctx.mode === 'add' && spec.dev === undefined) typeError(ctx, join(path, 'dev'), 'is required with multicastGroup');
  }
  if (local !== undefined && far !== undefined && local.family !== far.family) {
    rangeError(ctx, join(path, 'local'), `must be the same address family as ${farName} (IPv${far.family}), got ${show(local.addr)}`);
  }
  if (typeof spec.label === 'number' && spec.label !== 0 && (local?.family === 4 || far?.family === 4)) {
    rangeError(ctx, join(path, 'label'), 'applies to IPv6 tunnels only');
  }
  if (spec.srcPortRange !== undefined) {
    const p = join(path, 'srcPortRange');
    const r = checkObject(ctx, p, spec.srcPortRange);
    checkKnownKeys(ctx, p, r, RANGE_KEYS);
    if (r.low === undefined) typeError(ctx, join(p, 'low'), 'is required');
    if (r.high === undefined) typeError(ctx, join(p, 'high'), 'is required');
    const low = checkInt(ctx, join(p, 'low'), r.low, 1, 65535);
    const high = checkInt(ctx, join(p, 'high'), r.high, 1, 65535);
    if (high < low) rangeError(ctx, join(p, 'high'), `must be at least low (${low}), got ${high}`);
  }
}

function ipAttr(addr: string, v4: string, v6: string, out: RawAttrs): void {
  out[addr.includes(':') ? v6 : v4] = addr;
}

/**
 * IFLA_INFO_DATA of validated vxlan options; `dev` is taken from
 * `env.resolved.dev`. On `add`, `port` defaults to 4789.
 */
export function encode(spec: Readonly<Record<string, unknown>>, env: EncodeEnv): { data?: RawAttrs } {
  const data: RawAttrs = {};
  encodeFields(spec, FIELDS, env.k, data);
  if (env.mode === 'add' && data.port === undefined) data.port = VXLAN_DEFAULT_PORT;
  if (spec.dev !== undefined) {
    const ifindex = env.resolved.dev ?? (typeof spec.dev === 'number' ? spec.dev : undefined);
    if (ifindex === undefined) throw new Error('netloom: vxlan dev was not resolved to an ifindex');
    data.link = ifindex;
  }
  if (typeof spec.local === 'string') ipAttr(spec.local, 'local', 'local6', data);
  if (typeof spec.remote === 'string') ipAttr(spec.remote, 'group', 'group6', data);
  if (typeof spec.multicastGroup === 'string') ipAttr(spec.multicastGroup, 'group', 'group6', data);
  if (spec.ttl === 'inherit') data.ttlInherit = true;
  else if (typeof spec.ttl === 'number') data.ttl = spec.ttl;
  const range = spec.srcPortRange as PortRange | undefined;
  if (range !== undefined) data.portRange = { low: range.low, high: range.high };
  return Object.keys(data).length > 0 ? { data } : {};
}

/** Friendly fields from a vxlan's IFLA_INFO_DATA. */
export function decode(data: RawAttrs, k: ConstantLookup): VxlanInfo {
  const out = decodeFields(data, FIELDS.filter((f) => f.option !== 'df'), k) as VxlanInfo;
  const df = dEnum(k, DF, data.df);
  if (df !== undefined) out.df = df;
  const dev = dNum(data.link);
  if (dev !== undefined) out.dev = dev;
  const local = dStr(data.local) ?? dStr(data.local6);
  if (local !== undefined) out.local = local;
  const group = dStr(data.group) ?? dStr(data.group6);
  if (group !== undefined) {
    const fam = group.includes(':') ? 6 : 4;
    if (isMulticastIp({ addr: group, family: fam })) out.multicastGroup = group;
    else out.remote = group;
  }
  // The kernel takes IFLA_VXLAN_TTL_INHERIT as a flag but reports it as a
  // u8 0/1. A codec that decodes it as a flag says `true` either way; then
  // only a zero TTL can mean inherit.
  const ttl = dNum(data.ttl);
  const inherit = typeof data.ttlInherit === 'boolean' ? data.ttlInherit && !ttl : dBool(data.ttlInherit) === true;
  if (inherit) out.ttl = 'inherit';
  else if (ttl !== undefined) out.ttl = ttl;
  const range = dNest(data.portRange);
  const low = dNum(range?.low);
  const high = dNum(range?.high);
  if (low !== undefined && high !== undefined) out.srcPortRange = { low, high };
  return out;
}

/** The vxlan kind for the registry. */
export const vxlanKind: KindModule<'vxlan', VxlanAddOptions, VxlanSetOptions, VxlanInfo> = {
  kind: 'vxlan',
  options: VXLAN_OPTIONS,
  setOptions: VXLAN_SET_OPTIONS,
  parent: 'none',
  refs: ['dev'],
  validate,
  encode,
  decode,
};
