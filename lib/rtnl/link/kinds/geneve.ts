/**
 * Link kind `geneve` (IFLA_GENEVE_*): a Generic Network Virtualization
 * Encapsulation (RFC 8926) tunnel endpoint, Ethernet over UDP like vxlan,
 * point to point to one remote.
 *
 * Like ip, netloom sends the VNI, label, ttl and tos on `add` (0 when not
 * given) and the UDP port only when given (the kernel's default is the IANA
 * port 6081).
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { LinkCommonAddOptions } from '../basics.js';
import type { KindModule } from './kind.js';
import { checkInt, checkIp, join, rangeError, show, typeError } from './check.js';
import { dBool, dEnum, dNum, dStr } from './attr-values.js';
import { type Field, boolField, decodeFields, encodeFields, enumField, flagField, intField, optionsOf, validateFields } from './fields.js';

/** The Don't Fragment bit of outer IPv4 packets (`df unset|set|inherit`). */
export type GeneveDf = 'unset' | 'set' | 'inherit';

/** geneve options. */
export interface GeneveOptions {
  /** The VNI, 0..16777215 (`id VNI`). Required unless `external`. */
  id?: number;
  /** The remote endpoint, IPv4 or IPv6 (`remote ADDR`; IFLA_GENEVE_REMOTE or REMOTE6). Required unless `external`. */
  remote?: string;
  /** UDP destination port, 1..65535 (`dstport PORT`). Kernel default 6081. */
  port?: number;
  /** Outer TTL 0..255, or 'inherit' from the inner packet (`ttl N|inherit`). Default 0 (the route's). */
  ttl?: number | 'inherit';
  /** Outer TOS 0..255; 1 means inherit (`tos N|inherit`). Default 0. */
  tos?: number;
  /** IPv6 flow label 0..1048575 (`flowlabel N`); IPv6 remotes only. Default 0. */
  label?: number;
  /** Don't Fragment bit of outer IPv4 packets (`df`). */
  df?: GeneveDf;
  /** UDP checksums over IPv4 (`udpcsum` / `noudpcsum`). */
  udpCsum?: boolean;
  /** Zero UDP checksums on IPv6 transmit (`udp6zerocsumtx`). */
  udpZeroCsum6Tx?: boolean;
  /** Accept zero UDP checksums on IPv6 receive (`udp6zerocsumrx`). */
  udpZeroCsum6Rx?: boolean;
  /** Flow-based (metadata) mode for tc/BPF/OVS (`external`). */
  external?: boolean;
  /** Carry the inner packet's protocol, not only Ethernet (`innerprotoinherit`); needs `external`. */
  innerProtoInherit?: boolean;
}

/**
 * `nl.link.add({ kind: 'geneve', name, id, remote, ... })`.
 * Equivalent to: `ip link add NAME type geneve id VNI remote ADDR [dstport PORT] [ttl N] [tos N] [df MODE] ...`.
 */
export interface GeneveAddOptions extends LinkCommonAddOptions, GeneveOptions {
  /** The link kind (IFLA_INFO_KIND 'geneve'). */
  kind: 'geneve';
}

/** What `get`/`list` report about a geneve. */
export interface GeneveInfo extends Omit<GeneveOptions, 'df'> {
  /** A number if unknown to netloom. */
  df?: GeneveDf | number;
}

const DF: ReadonlyArray<readonly [GeneveDf, string]> = [
  ['unset', 'GENEVE_DF_UNSET'],
  ['set', 'GENEVE_DF_SET'],
  ['inherit', 'GENEVE_DF_INHERIT'],
];

const FIELDS: readonly Field[] = [
  intField('id', 'id', 0, 0xffffff),
  intField('port', 'port', 1, 65535),
  intField('tos', 'tos', 0, 255),
  intField('label', 'label', 0, 0xfffff),
  enumField('df', 'df', DF),
  boolField('udpCsum'),
  boolField('udpZeroCsum6Tx'),
  boolField('udpZeroCsum6Rx'),
  flagField('external', 'collectMetadata'),
  flagField('innerProtoInherit'),
];

/** The geneve option names. */
export const GENEVE_OPTIONS: readonly string[] = [...optionsOf(FIELDS), 'remote', 'ttl'];

/** The geneve kind for the registry. */
export const geneveKind: KindModule<'geneve', GeneveAddOptions, Record<never, never>, GeneveInfo> = {
  kind: 'geneve',
  options: GENEVE_OPTIONS,
  setOptions: [],
  parent: 'none',
  refs: [],
  validate(spec, ctx, path) {
    const at = (key: string): string => join(path, key);
    validateFields(spec, FIELDS, ctx, path);
    if (spec.external === true) {
      for (const key of ['id', 'remote']) if (spec[key] !== undefined) typeError(ctx, at(key), 'cannot be combined with external (a flow-based geneve takes it from each packet)');
    } else if (ctx.mode === 'add') {
      if (spec.id === undefined) typeError(ctx, at('id'), 'is required (the VNI, 0..16777215), unless external is true');
      if (spec.remote === undefined) typeError(ctx, at('remote'), 'is required (the remote endpoint), unless external is true');
    }
    if (spec.innerProtoInherit === true && spec.external !== true) typeError(ctx, at('innerProtoInherit'), 'needs external: true');
    const remote = spec.remote === undefined ? undefined : checkIp(ctx, at('remote'), spec.remote);
    if (spec.ttl !== undefined && spec.ttl !== 'inherit') {
      if (typeof spec.ttl !== 'number') typeError(ctx, at('ttl'), `must be an integer 0..255 or 'inherit', got ${show(spec.ttl)}`);
      checkInt(ctx, at('ttl'), spec.ttl, 0, 255);
    }
    if (typeof spec.label === 'number' && spec.label !== 0 && remote?.family === 4) rangeError(ctx, at('label'), 'applies to IPv6 remotes only');
  },
  encode(spec, env) {
    const data: RawAttrs = {};
    encodeFields(spec, FIELDS, env.k, data);
    if (typeof spec.remote === 'string') data[spec.remote.includes(':') ? 'remote6' : 'remote'] = spec.remote;
    if (spec.ttl === 'inherit') data.ttlInherit = 1;
    else if (typeof spec.ttl === 'number') data.ttl = spec.ttl;
    if (env.mode === 'add') {
      data.id ??= 0;
      data.label ??= 0;
      data.ttl ??= 0;
      data.tos ??= 0;
    }
    return { data };
  },
  decode(data, k) {
    const out = decodeFields(data, FIELDS.filter((f) => f.option !== 'df'), k) as GeneveInfo;
    const df = dEnum(k, DF, data.df);
    if (df !== undefined) out.df = df;
    const remote = dStr(data.remote) ?? dStr(data.remote6);
    if (remote !== undefined) out.remote = remote;
    const ttl = dNum(data.ttl);
    if (dBool(data.ttlInherit) === true) out.ttl = 'inherit';
    else if (ttl !== undefined) out.ttl = ttl;
    return out;
  },
};
