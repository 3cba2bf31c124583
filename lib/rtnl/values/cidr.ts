/**
 * IP address and prefix text ('198.18.0.1/24', '2001:db8::1') parsed and
 * checked, with errors naming the field.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';

/** An IP address family as the API names it. */
export type Family = 'inet' | 'inet6';

/** A parsed `ADDRESS[/PREFIX]`. */
interface Cidr {
  family: 'inet' | 'inet6';
  address: string;
  prefixlen: number;
}

/** Parse 'a.b.c.d/n' or 'x::y/n' (prefix defaults to the full length); TypeError/RangeError naming `field`. */
export function parseCidr(text: unknown, field: string): Cidr {
  if (typeof text !== 'string') throw new TypeError(`${field}: must be a string like '198.18.0.1/24', got ${typeof text}`);
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIPv4(address) ? 'inet' : isIPv6(address) ? 'inet6' : undefined;
  if (family === undefined) throw new TypeError(`${field}: not an IP address: '${text}'`);
  const max = family === 'inet' ? 32 : 128;
  let prefixlen = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) throw new RangeError(`${field}: prefix length must be 0..${max}, got '${p}' in '${text}'`);
    prefixlen = Number(p);
  }
  return { family, address, prefixlen };
}

/** An address without a prefix length ('198.18.0.1', not '198.18.0.1/32'); errors as {@link parseCidr}'s. */
export function parseAddress(text: unknown, field: string): { family: Family; address: string } {
  if (typeof text === 'string' && text.includes('/')) throw new TypeError(`${field}: must be an address without a prefix length, got '${text}'`);
  const c = parseCidr(text, field);
  return { family: c.family, address: c.address };
}

/** The family of a bare IP address; TypeError naming `field` for anything else. */
export function ipFamily(v: unknown, field: string): Family {
  if (typeof v === 'string' && isIPv4(v)) return 'inet';
  if (typeof v === 'string' && isIPv6(v)) return 'inet6';
  throw new TypeError(`${field}: not an IP address: '${String(v)}'`);
}
