/**
 * The bytes rules compare against: addresses and prefixes (parsed here, with
 * the field named when they are wrong), ports in network order, and the
 * host-order words nf_tables keeps marks, interface indexes and conntrack
 * bits in.
 * @module
 */
import { endianness } from 'node:os';
import { isIPv6 } from 'node:net';

const LE = endianness() === 'LE';

/** A 32-bit value as the kernel keeps it in a register (host byte order). */
export function hostU32(n: number): Buffer {
  // allocUnsafe: a slice of Node's pool (no ArrayBuffer of its own per value); every byte is written.
  const b = Buffer.allocUnsafe(4);
  if (LE) b.writeUInt32LE(n >>> 0);
  else b.writeUInt32BE(n >>> 0);
  return b;
}

/** A host-order 32-bit register value back to a number (undefined unless exactly 4 bytes). */
export function readHostU32(b: Buffer): number | undefined {
  if (b.length !== 4) return undefined;
  return LE ? b.readUInt32LE(0) : b.readUInt32BE(0);
}

/** A port, as packets carry it (2 bytes, network order). */
export function be16(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n);
  return b;
}

/** One byte (a protocol number, a family). */
export function u8(n: number): Buffer {
  const b = Buffer.allocUnsafe(1);
  b.writeUInt8(n);
  return b;
}

/** An interface name as `meta iifname` compares it: 16 bytes NUL-padded, or just the prefix before a trailing `*`. */
export function ifnameBytes(name: string): Buffer {
  if (name.endsWith('*')) return Buffer.from(name.slice(0, -1));
  const b = Buffer.alloc(16);
  b.write(name);
  return b;
}

/** The name back from what `ifnameBytes` made. */
export function ifnameText(b: Buffer): string {
  if (b.length === 16 && b[15] === 0) return b.subarray(0, b.indexOf(0)).toString();
  return `${b.toString()}*`;
}

/**
 * Dotted-quad IPv4 text in bytes, or undefined: exactly the text node's
 * isIPv4 accepts (four parts of 0..255, no leading zeros), read in one pass
 * (a set of 100,000 addresses reads each of them).
 */
export function ipv4Bytes(text: string): Buffer | undefined {
  const b = Buffer.allocUnsafe(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a '.' after the end closes the last part
    if (c === 46) {
      if (digits === 0 || part > 3) return undefined;
      b[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return undefined; // a leading zero
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return undefined;
    } else return undefined;
  }
  return part === 4 ? b : undefined;
}

/** An IPv4 or IPv6 address in bytes. */
export function addrBytes(text: string): Buffer | undefined {
  const quad = ipv4Bytes(text);
  if (quad !== undefined) return quad;
  if (!isIPv6(text)) return undefined;
  let s = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4 !== null) {
    const q = (v4[1] as string).split('.').map(Number) as [number, number, number, number];
    s = `${s.slice(0, v4.index)}${((q[0] << 8) | q[1]).toString(16)}:${((q[2] << 8) | q[3]).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? (s.split('::') as [string, string]) : [s, undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

/** Bytes back to address text (IPv6 in RFC 5952 form). */
export function addrText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  // The longest run of two or more zero groups becomes '::' (the first such, on a tie).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** A parsed address or prefix. */
export interface Prefix {
  family: 'ip' | 'ip6';
  bytes: Buffer;
  len: number;
}

/**
 * `198.18.1.0/24`, `2001:db8::1` → bytes and prefix length; a sentence
 * saying what is wrong otherwise (host bits set, a length out of range).
 */
export function parsePrefix(text: string): Prefix | string {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bytes = addrBytes(addr);
  if (bytes === undefined) return `must be an IPv4 or IPv6 address or prefix, got ${JSON.stringify(text)}`;
  const max = bytes.length * 8;
  let len = max;
  if (slash >= 0) {
    const l = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(l) || Number(l) > max) return `prefix length must be 0..${max}, got ${JSON.stringify(text)}`;
    len = Number(l);
  }
  if (len === 0) return `${text} matches every address: leave the field out instead`;
  const masked = Buffer.from(bytes);
  for (let bit = len; bit < max; bit++) masked[bit >> 3] = (masked[bit >> 3] as number) & ~(0x80 >> (bit & 7));
  if (!masked.equals(bytes)) return `${text} has host bits set: the prefix is ${addrText(masked)}/${len}`;
  return { family: bytes.length === 4 ? 'ip' : 'ip6', bytes, len };
}

/** A mask of `len` leading one bits over `size` bytes. */
export function prefixMask(len: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let bit = 0; bit < len; bit++) b[bit >> 3] = (b[bit >> 3] as number) | (0x80 >> (bit & 7));
  return b;
}

/**
 * The key after `b` (big-endian, as the kernel compares keys), or undefined
 * past the last one: where an interval set's range ends.
 */
export function nextKey(b: Buffer): Buffer | undefined {
  const out = Buffer.from(b);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0xff) {
      out[i] = (out[i] as number) + 1;
      return out;
    }
    out[i] = 0;
  }
  return undefined;
}
