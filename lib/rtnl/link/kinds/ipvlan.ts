/**
 * Link kinds `ipvlan` and `ipvtap` (IFLA_IPVLAN_*): links that share their
 * parent's MAC address and are told apart by IP address. ipvtap is the same
 * device with a character device for a VM's use.
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { LinkCommonAddOptions } from '../basics.js';
import { type ConstantLookup, type EncodeEnv, type KindModule, type LinkRef, type ValidateContext, twinKind } from './kind.js';
import { checkOneOf, join } from './check.js';
import { dEnum, dNum, kOf, tryK, wordsOf } from './attr-values.js';

/** Where ipvlan switches: 'l2', 'l3' (the kernel's default), or 'l3s' (l3 with netfilter/conntrack) (`mode MODE`). */
export type IpvlanMode = 'l2' | 'l3' | 'l3s';

/** How ipvlan links on one parent reach each other: 'bridge' (default) directly, 'private' not at all, 'vepa' via the switch. */
export type IpvlanFlags = 'bridge' | 'private' | 'vepa';

/** ipvlan/ipvtap options; both changeable with `set` (with `kind`). */
export interface IpvlanOptions {
  /** The mode (`mode l2|l3|l3s`). */
  mode?: IpvlanMode;
  /** The isolation flag (`bridge` | `private` | `vepa`). */
  flags?: IpvlanFlags;
}

/**
 * `nl.link.add({ kind: 'ipvlan', name, parent, mode })`.
 * Equivalent to: `ip link add link PARENT name NAME type ipvlan mode MODE [FLAGS]`.
 */
export interface IpvlanAddOptions extends LinkCommonAddOptions, IpvlanOptions {
  /** The link kind (IFLA_INFO_KIND 'ipvlan'). */
  kind: 'ipvlan';
  /** The parent link (`link DEV`; IFLA_LINK). */
  parent: LinkRef;
}

/**
 * `nl.link.add({ kind: 'ipvtap', name, parent, mode })`.
 * Equivalent to: `ip link add link PARENT name NAME type ipvtap mode MODE [FLAGS]`.
 */
export interface IpvtapAddOptions extends LinkCommonAddOptions, IpvlanOptions {
  /** The link kind (IFLA_INFO_KIND 'ipvtap'). */
  kind: 'ipvtap';
  /** The parent link (`link DEV`; IFLA_LINK). */
  parent: LinkRef;
}

/** What `get`/`list` report about an ipvlan/ipvtap. */
export interface IpvlanInfo {
  /** The mode (a number if unknown to netloom). */
  mode?: IpvlanMode | number;
  /** The isolation flag (named `ipvlanFlags` so as not to clash with the link's IFF_* `flags`). */
  ipvlanFlags?: IpvlanFlags | number;
}

const MODES: ReadonlyArray<readonly [IpvlanMode, string]> = [
  ['l2', 'IPVLAN_MODE_L2'],
  ['l3', 'IPVLAN_MODE_L3'],
  ['l3s', 'IPVLAN_MODE_L3S'],
];

const FLAGS: readonly IpvlanFlags[] = ['bridge', 'private', 'vepa'];

/** The ipvlan/ipvtap option names. */
export const IPVLAN_OPTIONS: readonly string[] = ['mode', 'flags'];

/** Check ipvlan options. */
export function validate(spec: Readonly<Record<string, unknown>>, ctx: ValidateContext, path: string): void {
  if (spec.mode !== undefined) checkOneOf(ctx, join(path, 'mode'), spec.mode, wordsOf(MODES));
  if (spec.flags !== undefined) checkOneOf(ctx, join(path, 'flags'), spec.flags, FLAGS);
}

function flagValue(k: ConstantLookup, f: IpvlanFlags): number {
  if (f === 'private') return k('IPVLAN_F_PRIVATE');
  if (f === 'vepa') return k('IPVLAN_F_VEPA');
  return 0;
}

/** IFLA_INFO_DATA of validated ipvlan options. */
export function encode(spec: Readonly<Record<string, unknown>>, env: EncodeEnv): { data?: RawAttrs } {
  const data: RawAttrs = {};
  if (typeof spec.mode === 'string') data.mode = kOf(env.k, MODES, spec.mode as IpvlanMode);
  if (typeof spec.flags === 'string') data.flags = flagValue(env.k, spec.flags as IpvlanFlags);
  return Object.keys(data).length > 0 ? { data } : {};
}

/** Friendly fields from an ipvlan's IFLA_INFO_DATA. */
export function decode(data: RawAttrs, k: ConstantLookup): IpvlanInfo {
  const out: IpvlanInfo = {};
  const mode = dEnum(k, MODES, data.mode);
  if (mode !== undefined) out.mode = mode;
  const flags = dNum(data.flags);
  if (flags !== undefined) {
    if (flags === 0) out.ipvlanFlags = 'bridge';
    else if (flags === tryK(k, 'IPVLAN_F_PRIVATE')) out.ipvlanFlags = 'private';
    else if (flags === tryK(k, 'IPVLAN_F_VEPA')) out.ipvlanFlags = 'vepa';
    else out.ipvlanFlags = flags;
  }
  return out;
}

/** The ipvlan kind for the registry. */
export const ipvlanKind: KindModule<'ipvlan', IpvlanAddOptions, IpvlanOptions, IpvlanInfo> = {
  kind: 'ipvlan',
  options: IPVLAN_OPTIONS,
  setOptions: IPVLAN_OPTIONS,
  parent: 'required',
  refs: [],
  validate,
  encode,
  decode,
};

/** The ipvtap kind for the registry (same options as ipvlan). */
export const ipvtapKind: KindModule<'ipvtap', IpvtapAddOptions, IpvlanOptions, IpvlanInfo> = twinKind(ipvlanKind, 'ipvtap');
