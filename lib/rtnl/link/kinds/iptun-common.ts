/**
 * What the IP-in-IP kinds share (ipip, sit, ip6tnl: IFLA_IPTUN_*): the
 * shared tunnel options and a `mode`, the inner protocol the tunnel
 * carries (IFLA_IPTUN_PROTO). Like ip, netloom sends protocol 0 ('any')
 * when no mode is given.
 * @module
 */
import type { ConstantLookup, KindModule } from './kind.js';
import { checkOneOf, join, typeError } from './check.js';
import { dEnum, kOf, wordsOf } from './attr-values.js';
import { type TunnelInfo, type TunnelShape, decodeTunnel, encodeTunnel, tunnelOptions, validateTunnel } from './tunnel-common.js';

/** [mode word, IPPROTO_* constant] pairs of one kind. */
export type IptunModes<M extends string> = ReadonlyArray<readonly [M, string]>;

/** The module of an IP-in-IP kind with the given modes (the first pair is the default, sent when no mode is given). */
export function iptunModule<K extends string, M extends string, A extends object, I extends object>(
  shape: TunnelShape & { kind: K },
  modes: IptunModes<M>,
  extra: { flags?: boolean } = {},
): KindModule<K, A, Record<never, never>, I> {
  return {
    kind: shape.kind,
    options: [...tunnelOptions(shape), 'mode'],
    setOptions: [],
    parent: 'none',
    refs: ['dev'],
    validate(spec, ctx, path) {
      validateTunnel(spec, ctx, path, shape);
      if (spec.mode !== undefined) {
        if (spec.external === true) typeError(ctx, join(path, 'mode'), 'cannot be combined with external (a flow-based tunnel takes its endpoints from each packet)');
        checkOneOf(ctx, join(path, 'mode'), spec.mode, wordsOf(modes));
      }
    },
    encode(spec, env) {
      const data = encodeTunnel(spec, env, shape);
      if (spec.external === true) return { data };
      data.proto = kOf(env.k, modes, (spec.mode as M | undefined) ?? (modes[0] as readonly [M, string])[0]);
      // ip's link_iptnl.c sends sit's IFLA_IPTUN_FLAGS (ISATAP) even when 0.
      if (extra.flags) data.flags = 0;
      return { data };
    },
    decode(data, k: ConstantLookup) {
      const out: TunnelInfo & { mode?: M | number } = decodeTunnel(data, k, shape);
      const mode = dEnum(k, modes, data.proto);
      if (mode !== undefined) out.mode = mode;
      return out as I;
    },
  };
}
