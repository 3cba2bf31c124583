/**
 * Name tables the objects share: routing tables, scopes, address families,
 * routing protocols, RTNH_F_* nexthop flags, NTF_* neighbour flags
 * (friendly name ↔ kernel number).
 * @module
 */
import { constant } from '../../netlink/native.js';
import { ConstantNames } from '../../netlink/constant-names.js';
import type { Family } from './cidr.js';

/** A routing table: a number 1..4294967295, or one of the reserved names. */
export type RouteTable = number | 'main' | 'local' | 'default';

const TABLE_NAMES = { main: 'RT_TABLE_MAIN', local: 'RT_TABLE_LOCAL', default: 'RT_TABLE_DEFAULT' } as const;
/**
 * The reserved routing-table names and their constants, as a plain record
 * (rules look names up in it). Routes and rules each keep their own
 * `tableNumber`: they word errors differently and check in a different
 * order (a route's `table: null` is a TypeError, a rule's a RangeError).
 */
export const TABLE_CONSTANTS: Readonly<Record<string, string>> = TABLE_NAMES;
/** The reserved routing-table names both ways (routes). */
export const TABLES = new ConstantNames(TABLE_NAMES);

/** Scopes (`scope global|site|link|host|nowhere`) of addresses and routes. */
export const SCOPES = new ConstantNames({ global: 'RT_SCOPE_UNIVERSE', site: 'RT_SCOPE_SITE', link: 'RT_SCOPE_LINK', host: 'RT_SCOPE_HOST', nowhere: 'RT_SCOPE_NOWHERE' });

/** Who installed a route or nexthop object (`proto NAME`). */
export const PROTOCOLS = new ConstantNames({
  unspec: 'RTPROT_UNSPEC', redirect: 'RTPROT_REDIRECT', kernel: 'RTPROT_KERNEL', boot: 'RTPROT_BOOT', static: 'RTPROT_STATIC', ra: 'RTPROT_RA', dhcp: 'RTPROT_DHCP',
});

/** RTNH_F_* flags of a path of a route (rtnh_flags) or of a nexthop object (nh_flags). */
export const NH_FLAG_TABLE = { dead: 'RTNH_F_DEAD', pervasive: 'RTNH_F_PERVASIVE', onlink: 'RTNH_F_ONLINK', linkdown: 'RTNH_F_LINKDOWN' } as const;
/** {@link NH_FLAG_TABLE} both ways. */
export const NH_FLAGS = new ConstantNames(NH_FLAG_TABLE);

/** NTF_* flags of neighbour and FDB entries (ndm_flags). */
const NTF_FLAGS = new ConstantNames({
  use: 'NTF_USE', self: 'NTF_SELF', master: 'NTF_MASTER', proxy: 'NTF_PROXY',
  extern_learn: 'NTF_EXT_LEARNED', offload: 'NTF_OFFLOADED', router: 'NTF_ROUTER',
});

/** Flag names of an ndm_flags value. */
export function ntfFlagNames(f: number): string[] {
  return NTF_FLAGS.flags(f);
}

/** AF_INET / AF_INET6, or AF_UNSPEC for no family (a dump of both). */
export function familyNumber(f: Family | undefined): number {
  return constant(f === undefined ? 'AF_UNSPEC' : f === 'inet' ? 'AF_INET' : 'AF_INET6');
}

/** 'inet' / 'inet6' of AF_INET / AF_INET6; any other family stays a number. */
export function familyName(af: number): Family | number {
  return af === constant('AF_INET') ? 'inet' : af === constant('AF_INET6') ? 'inet6' : af;
}

/** 'inet6' for AF_INET6, else 'inet': for messages (addresses, routes) only ever of the two. */
export function inetFamilyName(af: unknown): Family {
  return af === constant('AF_INET6') ? 'inet6' : 'inet';
}
