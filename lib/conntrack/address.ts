/**
 * Addresses compared as bytes, not as text: '2001:DB8::1' and
 * '2001:db8:0:0::1' name the same address the kernel reports as
 * '2001:db8::1'.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { CtFamily } from './types.js';

/** The family of an address text, undefined when it is none. */
export function addrFamily(text: string): CtFamily | undefined {
  return isIPv4(text) ? 'ip' : isIPv6(text) ? 'ip6' : undefined;
}

function v6Groups(address: string): number[] {
  let s = address.replace(/%.*$/, '');
  // An IPv4 tail ('::ffff:198.18.0.1') is the last two groups.
  const m = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (m) {
    const [a, b, c, d] = m.slice(2).map(Number) as [number, number, number, number];
    s = `${m[1] ?? ''}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const gap = s.indexOf('::');
  if (gap < 0) return parse(s);
  const head = parse(s.slice(0, gap));
  const rest = parse(s.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
}

/** A key equal for equal addresses (the address's bytes in hex), undefined when the text is no address. */
export function addrKey(text: string): string | undefined {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number)).toString('hex');
  if (!isIPv6(text)) return undefined;
  return v6Groups(text)
    .map((g) => g.toString(16).padStart(4, '0'))
    .join('');
}
