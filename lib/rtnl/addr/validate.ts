/**
 * Checking an address to add or replace and building its RTM_NEWADDR body,
 * before any I/O.
 * @module
 */
import { constant, type RawAttrs } from '../../netlink/native.js';
import type { OperationOptions } from '../../netlink/socket.js';
import { parseCidr, type Family } from '../values/cidr.js';
import { U32_MAX, checkBool, checkKeys } from '../values/checks.js';
import type { LinkRef } from '../values/ifindex.js';
import { SCOPES, familyNumber } from '../values/tables.js';
import type { AddrAddOptions, AddrFlagOptions } from './types.js';

/** INFINITY_LIFE_TIME: a lifetime of 'forever'. */
const INFINITY = U32_MAX;
const FLAG_OPTIONS: Record<keyof AddrFlagOptions, string> = {
  nodad: 'IFA_F_NODAD',
  noprefixroute: 'IFA_F_NOPREFIXROUTE',
  autojoin: 'IFA_F_MCAUTOJOIN',
  mngtmpaddr: 'IFA_F_MANAGETEMPADDR',
  home: 'IFA_F_HOMEADDRESS',
  optimistic: 'IFA_F_OPTIMISTIC',
};
const ADD_KEYS = new Set<string>(['peer', 'broadcast', 'label', 'scope', 'validLft', 'preferredLft', 'metric', ...Object.keys(FLAG_OPTIONS), 'signal']);

function broadcastOf(c: { address: string; prefixlen: number }): string {
  const bytes = c.address.split('.').map(Number);
  const v = (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
  const mask = c.prefixlen === 0 ? 0 : (0xffffffff << (32 - c.prefixlen)) >>> 0;
  const b = (v | (~mask >>> 0)) >>> 0;
  return [b >>> 24, (b >>> 16) & 255, (b >>> 8) & 255, b & 255].join('.');
}

function lifetime(v: number | 'forever' | undefined, field: string): number {
  if (v === undefined || v === 'forever') return INFINITY;
  if (!Number.isInteger(v) || v < 0 || v >= INFINITY) throw new RangeError(`${field}: must be seconds 0..4294967294 or 'forever', got ${String(v)}`);
  return v;
}

/** The `peer` of a point-to-point address, in the address's family. */
export function parsePeer(op: string, c: { family: Family }, peer: string): { family: Family; address: string; prefixlen: number } {
  const p = parseCidr(peer, `${op}: peer`);
  if (p.family !== c.family) throw new TypeError(`${op}: peer: family differs from the address`);
  return p;
}

/** The ifaddrmsg header of an address (`ifaFlags` the low 8 bits, as ip sends them). */
export function buildAddrHeader(c: { family: Family; prefixlen: number }, ifindex: number, flags: number): Record<string, number> {
  return { ifaFamily: familyNumber(c.family), ifaPrefixlen: c.prefixlen, ifaFlags: flags, ifaIndex: ifindex };
}

/**
 * Every check of an address to add or replace, and its message without the
 * link's ifindex, without any I/O. Errors are TypeError/RangeError starting
 * 'OP: FIELD: '. (Exported for declarations checked as a whole before
 * anything is touched: topologies.)
 */
export function validateAddr(op: string, cidr: string, opts: AddrAddOptions & OperationOptions, dev?: LinkRef): { header: Record<string, number>; attrs: RawAttrs } {
  checkKeys(opts, ADD_KEYS, op);
  const c = parseCidr(cidr, `${op}: cidr`);
  let ifaFlags = 0;
  for (const [k, name] of Object.entries(FLAG_OPTIONS)) {
    if (checkBool(opts[k as keyof AddrFlagOptions], `${op}: ${k}`)) ifaFlags |= constant(name);
  }
  const attrs: RawAttrs = { local: c.address, address: c.address };
  if (opts.peer !== undefined) {
    const p = parsePeer(op, c, opts.peer);
    attrs.address = p.address;
    if (opts.peer.includes('/')) c.prefixlen = p.prefixlen;
  }
  if (opts.broadcast !== undefined) {
    if (c.family !== 'inet') throw new TypeError(`${op}: broadcast: IPv4 only`);
    attrs.broadcast = opts.broadcast === '+' ? broadcastOf(c) : parseCidr(opts.broadcast, `${op}: broadcast`).address;
  }
  if (opts.label !== undefined) {
    if (typeof opts.label !== 'string' || opts.label.length === 0 || Buffer.byteLength(opts.label) > 15) throw new TypeError(`${op}: label: must be 1..15 bytes`);
    // As ip: the label is the device name or starts with it and a colon
    // (the kernel would take any; tools that read labels expect this).
    if (typeof dev === 'string' && opts.label !== dev && !opts.label.startsWith(`${dev}:`)) {
      throw new TypeError(`${op}: label: must be '${dev}' or start with '${dev}:', got '${opts.label}'`);
    }
    attrs.label = opts.label;
  }
  const valid = lifetime(opts.validLft, `${op}: validLft`);
  const preferred = lifetime(opts.preferredLft, `${op}: preferredLft`);
  if (preferred > valid) throw new RangeError(`${op}: preferredLft: must not exceed validLft`);
  if (valid !== INFINITY || preferred !== INFINITY) attrs.cacheinfo = { ifaPrefered: preferred, ifaValid: valid };
  if (opts.metric !== undefined) {
    if (!Number.isInteger(opts.metric) || opts.metric < 0 || opts.metric > INFINITY) throw new RangeError(`${op}: metric: must be 0..4294967295`);
    attrs.rtPriority = opts.metric;
  }
  // IFA_FLAGS carries all flag bits; the header's u8 keeps the low ones, as ip does.
  if (ifaFlags > 0xff) attrs.flags = ifaFlags;
  let scope = 0;
  if (opts.scope !== undefined) scope = SCOPES.number(opts.scope, `${op}: scope`);
  else if (c.family === 'inet' && c.address.startsWith('127.')) scope = constant('RT_SCOPE_HOST');
  const header = { ifaFamily: familyNumber(c.family), ifaPrefixlen: c.prefixlen, ifaFlags: ifaFlags & 0xff, ifaScope: scope };
  return { header, attrs };
}
