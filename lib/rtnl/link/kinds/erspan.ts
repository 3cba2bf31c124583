/**
 * Link kind `erspan` (IFLA_GRE_* with IFLA_GRE_ERSPAN_*): Cisco's
 * Encapsulated Remote SPAN over IPv4 GRE, a tunnel that carries mirrored
 * Ethernet frames to a remote analyser. The session ID travels in the GRE
 * key, so the kernel requires a key (10 bits) and sequence numbers both
 * ways; netloom sets both from `key`.
 * @module
 */
import type { LinkCommonAddOptions } from '../basics.js';
import type { KindModule } from './kind.js';
import { checkInt, checkOneOf, join, rangeError, typeError } from './check.js';
import { dNum } from './attr-values.js';
import { decodeGreKeys, encodeGreKeys } from './gre-common.js';
import { type Tunnel4Options, type TunnelInfo, type TunnelShape, decodeTunnel, encodeTunnel, tunnelOptions, validateTunnel } from './tunnel-common.js';

/** The mirrored traffic's direction in an ERSPAN version 2 header (`erspan_dir ingress|egress`). */
export type ErspanDirection = 'ingress' | 'egress';

/**
 * `nl.link.add({ kind: 'erspan', name, remote, local, key, version, ... })`.
 * Equivalent to: `ip link add NAME type erspan remote ADDR local ADDR seq key KEY erspan_ver 1 erspan INDEX`
 * (or `erspan_ver 2 erspan_dir DIR erspan_hwid ID`).
 */
export interface ErspanAddOptions extends LinkCommonAddOptions, Tunnel4Options {
  /** The link kind (IFLA_INFO_KIND 'erspan'). */
  kind: 'erspan';
  /** The ERSPAN session ID, 0..1023, sent as the GRE key both ways with sequence numbers (`seq key KEY`). Required unless `external`. */
  key?: number;
  /** The ERSPAN version, 0..2 (`erspan_ver N`): 1 is type II, 2 is type III. Kernel default 1. */
  version?: number;
  /** Version 1: the port index, 0..1048575 (`erspan INDEX`). */
  index?: number;
  /** Version 2: the direction of the mirrored traffic (`erspan_dir`). */
  direction?: ErspanDirection;
  /** Version 2: the hardware ID, 0..63 (`erspan_hwid ID`). */
  hwid?: number;
}

/** What `get`/`list` report about an erspan tunnel. */
export interface ErspanInfo extends TunnelInfo {
  /** The session ID (the GRE key). */
  key?: number;
  version?: number;
  index?: number;
  /** A number if unknown to netloom. */
  direction?: ErspanDirection | number;
  hwid?: number;
}

const SHAPE: TunnelShape = { kind: 'erspan', family: 4, twin: 'ip6erspan' };
const ERSPAN_OWN = ['key', 'version', 'index', 'direction', 'hwid'];
// The kernel's enum erspan_bso values for erspan_dir (include/net/erspan.h, not UAPI): ingress 0, egress 1, as ip sends them.
const DIRECTIONS: readonly ErspanDirection[] = ['ingress', 'egress'];

/** The erspan option names. */
export const ERSPAN_OPTIONS: readonly string[] = [...tunnelOptions(SHAPE), ...ERSPAN_OWN];

/** The erspan kind for the registry. */
export const erspanKind: KindModule<'erspan', ErspanAddOptions, Record<never, never>, ErspanInfo> = {
  kind: 'erspan',
  options: ERSPAN_OPTIONS,
  setOptions: [],
  parent: 'none',
  refs: ['dev'],
  validate(spec, ctx, path) {
    const at = (key: string): string => join(path, key);
    validateTunnel(spec, ctx, path, SHAPE);
    if (spec.external === true) {
      for (const key of ERSPAN_OWN) if (spec[key] !== undefined) typeError(ctx, at(key), 'cannot be combined with external (a flow-based tunnel takes its ERSPAN fields from each packet)');
      return;
    }
    if (ctx.mode === 'add' && spec.key === undefined) typeError(ctx, at('key'), 'is required (the ERSPAN session ID, 0..1023), unless external is true');
    if (spec.key !== undefined) checkInt(ctx, at('key'), spec.key, 0, 1023);
    const version = spec.version === undefined ? 1 : checkInt(ctx, at('version'), spec.version, 0, 2);
    if (spec.index !== undefined) {
      checkInt(ctx, at('index'), spec.index, 0, 0xfffff);
      if (version !== 1) rangeError(ctx, at('index'), `applies to ERSPAN version 1 only, got version ${version}`);
    }
    for (const key of ['direction', 'hwid']) {
      if (spec[key] === undefined) continue;
      if (key === 'direction') checkOneOf(ctx, at(key), spec[key], DIRECTIONS);
      else checkInt(ctx, at(key), spec[key], 0, 63);
      if (version !== 2) rangeError(ctx, at(key), `applies to ERSPAN version 2 only, got version ${version}`);
    }
  },
  encode(spec, env) {
    const data = encodeTunnel(spec, env, SHAPE);
    if (spec.external === true) return { data };
    encodeGreKeys({ key: spec.key, seq: true }, env.k, data);
    if (typeof spec.version === 'number') data.erspanVer = spec.version;
    if (typeof spec.index === 'number') data.erspanIndex = spec.index;
    if (typeof spec.direction === 'string') data.erspanDir = DIRECTIONS.indexOf(spec.direction as ErspanDirection);
    if (typeof spec.hwid === 'number') data.erspanHwid = spec.hwid;
    return { data };
  },
  decode(data, k) {
    const out: ErspanInfo = decodeTunnel(data, k, SHAPE);
    const key = decodeGreKeys(data, k).okey;
    if (key !== undefined) out.key = key;
    const version = dNum(data.erspanVer);
    if (version !== undefined) out.version = version;
    const index = dNum(data.erspanIndex);
    if (index !== undefined) out.index = index;
    const dir = dNum(data.erspanDir);
    if (dir !== undefined) out.direction = DIRECTIONS[dir] ?? dir;
    const hwid = dNum(data.erspanHwid);
    if (hwid !== undefined) out.hwid = hwid;
    return out;
  },
};
