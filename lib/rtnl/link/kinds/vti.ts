/**
 * Link kind `vti` (IFLA_VTI_*): a virtual tunnel interface over IPv4 for
 * route-based IPsec: packets routed into it are encrypted by the XFRM
 * policies whose mark matches the tunnel's key. Also the module vti6 is
 * built from.
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import type { KindModule } from './kind.js';
import { checkU32, join, typeError } from './check.js';
import { dNum } from './attr-values.js';
import { type TunnelEndpoints, type TunnelInfo, type TunnelShape, decodeTunnel, encodeTunnel, tunnelOptions, validateTunnel } from './tunnel-common.js';

/** The keys of a vti (the XFRM marks it matches); `key` or the per-direction ones, not both. */
export interface VtiKeyOptions {
  /** The key both ways, 0..4294967295 (`key KEY`). */
  key?: number;
  /** The key (mark) of incoming packets (`ikey KEY`). */
  ikey?: number;
  /** The key (mark) of outgoing packets (`okey KEY`). */
  okey?: number;
}

/**
 * `nl.link.add({ kind: 'vti', name, remote, local, key })`.
 * Equivalent to: `ip link add NAME type vti remote ADDR local ADDR [key KEY | ikey KEY okey KEY] [dev DEV] [fwmark MARK]`.
 */
export interface VtiAddOptions extends LinkCommonAddOptions, TunnelEndpoints, VtiKeyOptions {
  /** The link kind (IFLA_INFO_KIND 'vti'). */
  kind: 'vti';
}

/** What `get`/`list` report about a vti or vti6. */
export interface VtiInfo extends Pick<TunnelInfo, 'local' | 'remote' | 'dev' | 'fwmark'> {
  ikey?: number;
  okey?: number;
}

/** The module of a vti kind over `shape.family`. */
export function vtiModule<K extends string, A extends object>(shape: TunnelShape & { kind: K }): KindModule<K, A, Record<never, never>, VtiInfo> {
  return {
    kind: shape.kind,
    options: [...tunnelOptions(shape), 'key', 'ikey', 'okey'],
    setOptions: [],
    parent: 'none',
    refs: ['dev'],
    validate(spec, ctx, path) {
      validateTunnel(spec, ctx, path, shape);
      for (const key of ['key', 'ikey', 'okey']) if (spec[key] !== undefined) checkU32(ctx, join(path, key), spec[key]);
      if (spec.key !== undefined) {
        for (const one of ['ikey', 'okey']) if (spec[one] !== undefined) typeError(ctx, join(path, one), 'cannot be combined with key (key sets both directions)');
      }
    },
    encode(spec, env) {
      const data = encodeTunnel(spec, env, shape);
      data.ikey = ((spec.key ?? spec.ikey) as number | undefined) ?? 0;
      data.okey = ((spec.key ?? spec.okey) as number | undefined) ?? 0;
      return { data };
    },
    decode(data, k) {
      const out: VtiInfo = decodeTunnel(data, k, shape);
      const ikey = dNum(data.ikey);
      if (ikey !== undefined) out.ikey = ikey;
      const okey = dNum(data.okey);
      if (okey !== undefined) out.okey = okey;
      return out;
    },
  };
}

/** The vti kind for the registry. */
export const vtiKind = vtiModule<'vti', VtiAddOptions>({ kind: 'vti', family: 4, twin: 'vti6', vti: true });
