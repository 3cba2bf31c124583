/**
 * What the GRE kinds share (gre, gretap, ip6gre, ip6gretap): keys,
 * checksums and sequence numbers per direction (IFLA_GRE_IKEY/OKEY and the
 * GRE_KEY/GRE_CSUM/GRE_SEQ bits of IFLA_GRE_IFLAGS/OFLAGS), and the kind
 * module built from them and the shared tunnel options (tunnel-common.ts).
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { ConstantLookup, EncodeEnv, KindModule, ValidateContext } from './kind.js';
import { checkBool, checkU32, join, rangeError, typeError } from './check.js';
import { dBool, dNum, tryK, u8 } from './attr-values.js';
import { type TunnelInfo, type TunnelShape, decodeTunnel, encodeTunnel, tunnelOptions, validateTunnel } from './tunnel-common.js';

/** GRE keys, checksums and sequence numbers; the both-ways option or the per-direction ones, not both. */
export interface GreKeyOptions {
  /** The GRE key both ways, 0..4294967295 (`key KEY`). Tunnels with different keys between the same ends are different tunnels. */
  key?: number;
  /** The key incoming packets must carry (`ikey KEY`). */
  ikey?: number;
  /** The key put on outgoing packets (`okey KEY`). */
  okey?: number;
  /** Checksums both ways (`csum`). */
  csum?: boolean;
  /** Require checksums on incoming packets (`icsum`). */
  icsum?: boolean;
  /** Checksum outgoing packets (`ocsum`). */
  ocsum?: boolean;
  /** Sequence numbers both ways (`seq`). */
  seq?: boolean;
  /** Drop incoming packets out of sequence (`iseq`). */
  iseq?: boolean;
  /** Number outgoing packets (`oseq`). */
  oseq?: boolean;
}

/** What `get`/`list` report about GRE keys and flags: per direction. */
export interface GreKeyInfo {
  /** The incoming key, when incoming packets need one. */
  ikey?: number;
  /** The outgoing key, when outgoing packets carry one. */
  okey?: number;
  icsum?: boolean;
  ocsum?: boolean;
  iseq?: boolean;
  oseq?: boolean;
}

/** The GRE key option names. */
export const GRE_KEY_OPTIONS: readonly string[] = ['key', 'ikey', 'okey', 'csum', 'icsum', 'ocsum', 'seq', 'iseq', 'oseq'];

const BOTH_WAYS: ReadonlyArray<readonly [both: string, i: string, o: string]> = [
  ['key', 'ikey', 'okey'],
  ['csum', 'icsum', 'ocsum'],
  ['seq', 'iseq', 'oseq'],
];

/** Check GRE key options. */
export function validateGreKeys(spec: Readonly<Record<string, unknown>>, ctx: ValidateContext, path: string): void {
  for (const [both, i, o] of BOTH_WAYS) {
    const check = both === 'key' ? (p: string, v: unknown): unknown => checkU32(ctx, p, v) : (p: string, v: unknown): unknown => checkBool(ctx, p, v);
    for (const key of [both, i, o]) if (spec[key] !== undefined) check(join(path, key), spec[key]);
    if (spec[both] !== undefined) {
      for (const one of [i, o]) if (spec[one] !== undefined) typeError(ctx, join(path, one), `cannot be combined with ${both} (${both} sets both directions)`);
    }
  }
}

/** IFLA_GRE_IKEY/OKEY/IFLAGS/OFLAGS of validated options (zero keys and flags when none is asked, as ip sends them). */
export function encodeGreKeys(spec: Readonly<Record<string, unknown>>, k: ConstantLookup, out: RawAttrs): void {
  let iflags = 0;
  let oflags = 0;
  const ikey = (spec.key ?? spec.ikey) as number | undefined;
  const okey = (spec.key ?? spec.okey) as number | undefined;
  if (ikey !== undefined) iflags |= k('GRE_KEY');
  if (okey !== undefined) oflags |= k('GRE_KEY');
  for (const [both, i, o, bit] of [['csum', 'icsum', 'ocsum', 'GRE_CSUM'], ['seq', 'iseq', 'oseq', 'GRE_SEQ']] as const) {
    if (spec[both] === true || spec[i] === true) iflags |= k(bit);
    if (spec[both] === true || spec[o] === true) oflags |= k(bit);
  }
  out.ikey = ikey ?? 0;
  out.okey = okey ?? 0;
  out.iflags = iflags;
  out.oflags = oflags;
}

/** GRE keys and flags from IFLA_INFO_DATA. */
export function decodeGreKeys(data: RawAttrs, k: ConstantLookup): GreKeyInfo {
  const out: GreKeyInfo = {};
  const bit = (name: string): number => tryK(k, name) ?? 0;
  const iflags = dNum(data.iflags);
  const oflags = dNum(data.oflags);
  if (iflags !== undefined) {
    if ((iflags & bit('GRE_KEY')) !== 0) out.ikey = dNum(data.ikey) ?? 0;
    out.icsum = (iflags & bit('GRE_CSUM')) !== 0;
    out.iseq = (iflags & bit('GRE_SEQ')) !== 0;
  }
  if (oflags !== undefined) {
    if ((oflags & bit('GRE_KEY')) !== 0) out.okey = dNum(data.okey) ?? 0;
    out.ocsum = (oflags & bit('GRE_CSUM')) !== 0;
    out.oseq = (oflags & bit('GRE_SEQ')) !== 0;
  }
  return out;
}

/**
 * The module of a GRE kind: the shared tunnel options, GRE keys, and for
 * IPv4 GRE `ignoreDf` (`ignore-df`: send oversized packets fragmented
 * rather than refused; needs `pmtudisc: false`).
 */
export function greModule<K extends string, A extends object, I extends object>(shape: TunnelShape & { kind: K }): KindModule<K, A, Record<never, never>, I> {
  const v4 = shape.family === 4;
  const options = [...tunnelOptions(shape), ...GRE_KEY_OPTIONS, ...(v4 ? ['ignoreDf'] : [])];
  return {
    kind: shape.kind,
    options,
    setOptions: [],
    parent: 'none',
    refs: ['dev'],
    validate(spec, ctx, path) {
      validateTunnel(spec, ctx, path, shape);
      validateGreKeys(spec, ctx, path);
      if (spec.external === true) {
        for (const key of [...GRE_KEY_OPTIONS, 'ignoreDf']) {
          if (spec[key] !== undefined) typeError(ctx, join(path, key), 'cannot be combined with external (a flow-based tunnel takes its keys from each packet)');
        }
      }
      if (spec.ignoreDf !== undefined) {
        checkBool(ctx, join(path, 'ignoreDf'), spec.ignoreDf);
        if (spec.ignoreDf === true && spec.pmtudisc !== false) rangeError(ctx, join(path, 'ignoreDf'), 'needs pmtudisc: false (the kernel refuses ignore-df with path MTU discovery on)');
      }
    },
    encode(spec, env: EncodeEnv) {
      const data = encodeTunnel(spec, env, shape);
      if (spec.external === true) return { data };
      encodeGreKeys(spec, env.k, data);
      if (typeof spec.ignoreDf === 'boolean') data.ignoreDf = u8(spec.ignoreDf);
      // ip's link_gre6.c starts every ip6gre/ip6gretap with erspan_ver 1; only
      // ip6erspan reads it. Sent too, so the request is the one ip sends.
      if (!v4) data.erspanVer = 1;
      return { data };
    },
    decode(data, k) {
      const out: TunnelInfo & GreKeyInfo & { ignoreDf?: boolean } = { ...decodeTunnel(data, k, shape), ...decodeGreKeys(data, k) };
      const ignoreDf = dBool(data.ignoreDf);
      if (v4 && ignoreDf !== undefined) out.ignoreDf = ignoreDf;
      return out as I;
    },
  };
}
