/**
 * tc's words for handles, rates, sizes and times ('1:10', '8mbit', '32kbit',
 * '50ms'), parsed the way iproute2's tc parses them and checked, with errors
 * naming the field; and handles formatted back the way tc prints them.
 * @module
 */
import { constant } from '../../netlink/native.js';

/**
 * A qdisc or class handle as tc writes it: 'MAJ:' (a qdisc), 'MAJ:MIN' (a
 * class), both hexadecimal, or a raw 32-bit number. Parents also take
 * 'root', 'ingress' and 'egress' (parsed by `parseParent`).
 */
export type TcHandle = string | number;

const HEX = /^[0-9a-fA-F]{1,4}$/;

/** 'MAJ:MIN' / 'MAJ:' / ':MIN' / a u32 → the 32-bit handle; TypeError/RangeError naming `field`. */
export function parseHandle(v: unknown, field: string): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${field}: must be a u32 handle or 'MAJ:MIN', got ${v}`);
    return v;
  }
  if (typeof v !== 'string') throw new TypeError(`${field}: must be a handle like '1:' or '1:10'`);
  const colon = v.indexOf(':');
  const maj = colon < 0 ? v : v.slice(0, colon);
  const min = colon < 0 ? '' : v.slice(colon + 1);
  if (colon < 0 || (maj !== '' && !HEX.test(maj)) || (min !== '' && !HEX.test(min)) || (maj === '' && min === '')) {
    throw new TypeError(`${field}: not a handle: '${v}' (hexadecimal 'MAJ:', 'MAJ:MIN' or ':MIN')`);
  }
  return ((maj === '' ? 0 : parseInt(maj, 16)) * 0x10000 + (min === '' ? 0 : parseInt(min, 16))) >>> 0;
}

/**
 * A parent: 'root', 'ingress' (a qdisc's: the ingress/clsact slot; a
 * filter's: the ingress hook), 'egress' (a filter's, on clsact) or a handle.
 */
export function parseParent(v: unknown, field: string, forFilter: boolean): number {
  if (v === 'root') return constant('TC_H_ROOT');
  if (v === 'ingress' || (forFilter && v === 'egress')) {
    if (!forFilter) return constant('TC_H_INGRESS');
    const min = v === 'ingress' ? constant('TC_H_MIN_INGRESS') : constant('TC_H_MIN_EGRESS');
    return ((constant('TC_H_CLSACT') & 0xffff0000) | min) >>> 0;
  }
  if (typeof v === 'string' && !v.includes(':')) {
    throw new TypeError(`${field}: must be 'root', 'ingress'${forFilter ? ", 'egress'" : ''} or a handle like '1:' or '1:10', got '${v}'`);
  }
  return parseHandle(v, field);
}

/** A 32-bit handle as tc prints it: '1:', '1:10', 'ffff:'; 0 is 'none'. */
export function formatHandle(h: number): string {
  if (h === 0) return 'none';
  const maj = (h >>> 16).toString(16);
  const min = h & 0xffff;
  return min === 0 ? `${maj}:` : `${maj}:${min.toString(16)}`;
}

/** A parent as the API names it: 'root', 'ingress', 'egress' or a handle. */
export function formatParent(h: number): string {
  if (h === constant('TC_H_ROOT')) return 'root';
  if (h === constant('TC_H_INGRESS')) return 'ingress';
  const clsact = constant('TC_H_CLSACT') & 0xffff0000;
  if (h === ((clsact | constant('TC_H_MIN_INGRESS')) >>> 0)) return 'ingress';
  if (h === ((clsact | constant('TC_H_MIN_EGRESS')) >>> 0)) return 'egress';
  return formatHandle(h);
}

const RATE_UNITS: Record<string, number> = {
  bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, tbit: 1e12,
  kibit: 1024, mibit: 1024 ** 2, gibit: 1024 ** 3, tibit: 1024 ** 4,
  bps: 8, kbps: 8e3, mbps: 8e6, gbps: 8e9, tbps: 8e12,
  kibps: 8 * 1024, mibps: 8 * 1024 ** 2, gibps: 8 * 1024 ** 3, tibps: 8 * 1024 ** 4,
};

/**
 * A rate in bits per second: a number, or tc's text ('8mbit', '10Mbit',
 * '1gbit', '125kbps' = kilobytes per second). Returns bytes per second, as
 * the kernel takes it (bits / 8, truncated, like tc). Zero and negative
 * rates are refused: RangeError naming `field`.
 */
export function parseRate(v: unknown, field: string): number {
  let bits: number;
  if (typeof v === 'number') bits = v;
  else if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(v.trim());
    const unit = m ? ((m[2] ?? '') === '' ? 1 : RATE_UNITS[(m[2] ?? '').toLowerCase()]) : undefined;
    if (!m || unit === undefined) throw new TypeError(`${field}: not a rate: '${v}' (bits per second, or text like '8mbit')`);
    bits = Number(m[1]) * unit;
  } else throw new TypeError(`${field}: must be bits per second or text like '8mbit'`);
  if (!Number.isFinite(bits) || bits < 8) throw new RangeError(`${field}: must be at least 8 bits per second, got ${String(v)}`);
  const bytes = Math.trunc(bits / 8);
  if (bytes > Number.MAX_SAFE_INTEGER) throw new RangeError(`${field}: too large: ${String(v)}`);
  return bytes;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3,
  kbit: 1024 / 8, mbit: 1024 ** 2 / 8, gbit: 1024 ** 3 / 8,
};

/** A size in bytes: a number, or tc's text ('32kbit' = 4096, '16kb', '1500'); RangeError/TypeError naming `field`. */
export function parseSize(v: unknown, field: string, min = 1): number {
  let bytes: number;
  if (typeof v === 'number') bytes = v;
  else if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(v.trim());
    const unit = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
    if (!m || unit === undefined) throw new TypeError(`${field}: not a size: '${v}' (bytes, or text like '32kbit' or '16kb')`);
    bytes = Math.trunc(Number(m[1]) * unit);
  } else throw new TypeError(`${field}: must be bytes or text like '32kbit'`);
  if (!Number.isInteger(bytes) || bytes < min || bytes > 0xffffffff) throw new RangeError(`${field}: must be an integer number of bytes ${min}..4294967295, got ${String(v)}`);
  return bytes;
}

const TIME_UNITS: Record<string, number> = { s: 1e6, sec: 1e6, secs: 1e6, ms: 1e3, msec: 1e3, msecs: 1e3, us: 1, usec: 1, usecs: 1 };

/** A time in microseconds: a number of milliseconds, or tc's text ('50ms', '1s', '200us'); errors naming `field`. */
export function parseTime(v: unknown, field: string): number {
  let us: number;
  if (typeof v === 'number') us = v * 1000;
  else if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(v.trim());
    const unit = m ? ((m[2] ?? '') === '' ? 1 : TIME_UNITS[(m[2] ?? '').toLowerCase()]) : undefined;
    if (!m || unit === undefined) throw new TypeError(`${field}: not a time: '${v}' (milliseconds, or text like '50ms')`);
    us = Number(m[1]) * unit;
  } else throw new TypeError(`${field}: must be milliseconds or text like '50ms'`);
  if (!Number.isFinite(us) || us <= 0 || us > 0xffffffff) throw new RangeError(`${field}: must be a positive time up to about 71 minutes, got ${String(v)}`);
  return Math.trunc(us);
}

/** The ethertype a filter matches: 'ip', 'ipv6', 'all', '802.1q', '802.1ad', 'arp' or a number. */
export function parseProtocol(v: unknown, field: string): number {
  const names: Record<string, string> = { ip: 'ETH_P_IP', ipv6: 'ETH_P_IPV6', all: 'ETH_P_ALL', '802.1q': 'ETH_P_8021Q', '802.1ad': 'ETH_P_8021AD', arp: 'ETH_P_ARP' };
  const name = typeof v === 'string' ? names[v.toLowerCase()] : undefined;
  if (name !== undefined) return constant(name);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff) return v;
  throw new TypeError(`${field}: must be 'ip', 'ipv6', 'all', '802.1q', '802.1ad', 'arp' or an ethertype 0..65535, got ${String(v)}`);
}

/** An ethertype back to its name where it has one. */
export function formatProtocol(p: number): string | number {
  const names: [string, string][] = [['ip', 'ETH_P_IP'], ['ipv6', 'ETH_P_IPV6'], ['all', 'ETH_P_ALL'], ['802.1q', 'ETH_P_8021Q'], ['802.1ad', 'ETH_P_8021AD'], ['arp', 'ETH_P_ARP']];
  for (const [n, c] of names) if (constant(c) === p) return n;
  return p;
}
