/**
 * The argument checkers: each turns bad input into a `TypeError`/`RangeError`
 * whose message names the operation and the field ('link.add: mtu: ...'),
 * or returns the value typed.
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { NetNs } from '../../../netns/netns.js';
import type { LinkRef, NetnsTarget, ValidateContext } from './kind.js';

// ---------------------------------------------------------------------------
// Messages

/** Render a value for an error message: strings quoted, objects by type. */
export function show(v: unknown): string {
  if (typeof v === 'string') {
    const body = JSON.stringify(v).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
    return `'${body}'`;
  }
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'boolean' || v === undefined || v === null) return String(v);
  if (Buffer.isBuffer(v)) return 'a Buffer';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  return 'an object';
}

/** Join a path prefix ('peer') and a field name ('name') into 'peer.name'. */
export function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** Throw a TypeError "OP: PATH: MESSAGE" (wrong type, unparsable text, unknown field). */
export function typeError(ctx: ValidateContext, path: string, message: string): never {
  throw new TypeError(`${ctx.op}: ${path}: ${message}`);
}

/** Throw a RangeError "OP: PATH: MESSAGE" (right type, value not allowed). */
export function rangeError(ctx: ValidateContext, path: string, message: string): never {
  throw new RangeError(`${ctx.op}: ${path}: ${message}`);
}

// ---------------------------------------------------------------------------
// Checkers. Each one throws naming `path`, or returns the value typed.

/** A plain object (not null, an array or a Buffer). */
export function checkObject(ctx: ValidateContext, path: string, v: unknown): Readonly<Record<string, unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Buffer.isBuffer(v)) {
    typeError(ctx, path, `must be an object, got ${show(v)}`);
  }
  return v as Record<string, unknown>;
}

/**
 * The names of the fields of `obj` that are set (an `undefined` value counts
 * as absent, the usual convention for optional fields).
 */
export function presentKeys(obj: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(obj).filter((key) => obj[key] !== undefined);
}

/** Reject any set field of `obj` not in `allowed`, with `why(key)` as the message. */
export function checkKnownKeys(
  ctx: ValidateContext,
  prefix: string,
  obj: Readonly<Record<string, unknown>>,
  allowed: ReadonlySet<string>,
  why: (key: string) => string = () => 'unknown option',
): void {
  for (const key of presentKeys(obj)) {
    if (!allowed.has(key)) typeError(ctx, join(prefix, key), why(key));
  }
}

/** Throw "is required" when `v` is undefined. */
export function checkRequired(ctx: ValidateContext, path: string, v: unknown): void {
  if (v === undefined) typeError(ctx, path, 'is required');
}

/** An integer in min..max (TypeError for non-numbers, RangeError otherwise). */
export function checkInt(ctx: ValidateContext, path: string, v: unknown, min: number, max: number): number {
  const message = `must be an integer ${min}..${max}, got ${show(v)}`;
  if (typeof v !== 'number') typeError(ctx, path, message);
  if (!Number.isInteger(v) || v < min || v > max) rangeError(ctx, path, message);
  return v;
}

/** An unsigned 32-bit integer. */
export function checkU32(ctx: ValidateContext, path: string, v: unknown, min = 0): number {
  return checkInt(ctx, path, v, min, 0xffffffff);
}

/** `true` or `false`. */
export function checkBool(ctx: ValidateContext, path: string, v: unknown): boolean {
  if (typeof v !== 'boolean') typeError(ctx, path, `must be a boolean, got ${show(v)}`);
  return v;
}

/** One of a fixed set of words (TypeError for non-strings, RangeError for other words). */
export function checkOneOf<T extends string>(ctx: ValidateContext, path: string, v: unknown, words: readonly T[]): T {
  const message = `must be one of ${words.map((w) => `'${w}'`).join(', ')}, got ${show(v)}`;
  if (typeof v !== 'string') typeError(ctx, path, message);
  if (!(words as readonly string[]).includes(v)) rangeError(ctx, path, message);
  return v as T;
}

/** A string of at most `maxBytes` UTF-8 bytes without NUL. */
export function checkString(ctx: ValidateContext, path: string, v: unknown, maxBytes: number): string {
  if (typeof v !== 'string') typeError(ctx, path, `must be a string, got ${show(v)}`);
  const bytes = Buffer.byteLength(v);
  if (bytes > maxBytes) rangeError(ctx, path, `must be at most ${maxBytes} bytes, got ${bytes}`);
  if (v.includes('\0')) rangeError(ctx, path, `must not contain NUL, got ${show(v)}`);
  return v;
}

/** IFNAMSIZ - 1: the longest interface name. */
export const IFNAME_MAX = 15;
/** ALTIFNAMSIZ - 1: the longest alternative name (names longer than IFNAME_MAX are looked up as altnames). */
export const ALTNAME_MAX = 127;

/**
 * An interface name as the kernel's dev_valid_name() accepts it: 1..max
 * bytes, not '.' or '..', no '/', ':', whitespace or NUL.
 */
export function checkIfname(ctx: ValidateContext, path: string, v: unknown, max = IFNAME_MAX): string {
  if (typeof v !== 'string') typeError(ctx, path, `must be a string, got ${show(v)}`);
  const bytes = Buffer.byteLength(v);
  if (bytes < 1 || bytes > max) rangeError(ctx, path, `must be 1..${max} bytes, got ${bytes} (${show(v)})`);
  if (v === '.' || v === '..') rangeError(ctx, path, `must not be '.' or '..'`);
  if (/[/:\s\0]/.test(v)) rangeError(ctx, path, `must not contain '/', ':', whitespace or NUL, got ${show(v)}`);
  return v;
}

/** A {@link LinkRef}: an ifindex 1..2147483647 or a name (up to 127 bytes, alternative names included). */
export function checkLinkRef(ctx: ValidateContext, path: string, v: unknown): LinkRef {
  if (typeof v === 'number') return checkInt(ctx, path, v, 1, 0x7fffffff);
  if (typeof v === 'string') return checkIfname(ctx, path, v, ALTNAME_MAX);
  return typeError(ctx, path, `must be an interface name or an ifindex, got ${show(v)}`);
}

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/**
 * A MAC address "aa:bb:cc:dd:ee:ff" (six two-digit hex octets). With
 * `unicast`, also not multicast and not all zeros (the kernel's
 * is_valid_ether_addr()). Returns it in lower case.
 */
export function checkMac(ctx: ValidateContext, path: string, v: unknown, unicast: boolean): string {
  if (typeof v !== 'string') typeError(ctx, path, `must be a MAC address string like 'aa:bb:cc:dd:ee:ff', got ${show(v)}`);
  if (!MAC_RE.test(v)) typeError(ctx, path, `not a MAC address: ${show(v)}`);
  const mac = v.toLowerCase();
  if (unicast) {
    if ((parseInt(mac.slice(0, 2), 16) & 1) !== 0) rangeError(ctx, path, `must be a unicast MAC address, got ${show(v)}`);
    if (mac === '00:00:00:00:00:00') rangeError(ctx, path, `must not be all zeros`);
  }
  return mac;
}

/** An IP address and its family. */
export interface ParsedIp {
  /** The address as given (text). */
  addr: string;
  /** 4 or 6. */
  family: 4 | 6;
}

/** An IPv4 or IPv6 address in text form (restricted to one family when `family` is given). */
export function checkIp(ctx: ValidateContext, path: string, v: unknown, family?: 4 | 6): ParsedIp {
  const what = family === 4 ? 'an IPv4 address' : family === 6 ? 'an IPv6 address' : 'an IP address';
  if (typeof v !== 'string') typeError(ctx, path, `must be ${what} string, got ${show(v)}`);
  const f = isIPv4(v) ? 4 : isIPv6(v) ? 6 : undefined;
  if (f === undefined || (family !== undefined && f !== family)) typeError(ctx, path, `not ${what}: ${show(v)}`);
  return { addr: v, family: f };
}

/** True for 224.0.0.0/4 and ff00::/8. */
export function isMulticastIp(ip: ParsedIp): boolean {
  if (ip.family === 4) {
    const first = Number(ip.addr.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return /^ff/i.test(ip.addr);
}

/**
 * A duration in seconds (fractional allowed) for a kernel field in clock_t
 * units, USER_HZ = 100 per second. Returns centiseconds, rounded.
 */
export function checkSeconds(ctx: ValidateContext, path: string, v: unknown, min: number, max: number): number {
  const message = `must be a number of seconds ${min}..${max}, got ${show(v)}`;
  if (typeof v !== 'number') typeError(ctx, path, message);
  if (!Number.isFinite(v) || v < min || v > max) rangeError(ctx, path, message);
  return Math.round(v * 100);
}

/** The largest number of seconds a u32 clock_t (centiseconds) holds. */
export const CLOCK_U32_MAX_SECONDS = 42949672.95;

/** A {@link NetnsTarget}: a NetNs handle (anything with an `fd`) or `{ pid }`. */
export function checkNetns(ctx: ValidateContext, path: string, v: unknown): NetnsTarget {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    if ('pid' in v) {
      checkInt(ctx, join(path, 'pid'), (v as { pid: unknown }).pid, 1, 0x7fffffff);
      return v as { pid: number };
    }
    if ('fd' in v) return v as NetNs;
  }
  return typeError(ctx, path, `must be a NetNs handle or { pid }, got ${show(v)}`);
}

/** Whether two namespace targets certainly name the same namespace (same handle, or same pid). */
export function sameNetns(a: NetnsTarget | undefined, b: NetnsTarget | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === b) return true;
  if ('pid' in a && 'pid' in b) return a.pid === b.pid;
  return false;
}
