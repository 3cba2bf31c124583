/**
 * Argument checks the objects share: TypeError/RangeError whose message
 * starts with the operation or field given, thrown before any I/O.
 * @module
 */
import type { Family } from './cidr.js';

/** The largest u32, also the kernel's "infinite" / "not set". */
export const U32_MAX = 0xffffffff;

/** A boolean or nothing (false); TypeError naming `field`. */
export function checkBool(v: unknown, field: string): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${field}: must be a boolean`);
  return v === true;
}

/** An integer lo..hi; RangeError naming `field`. */
export function checkInt(v: unknown, lo: number, hi: number, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${field}: must be an integer ${lo}..${hi}, got ${String(v)}`);
  return v;
}

/**
 * No key of `obj` outside `keys`: TypeError `OP: PATHKEY: unknown NOUN`
 * (a set that accepts OperationOptions lists 'signal').
 */
export function checkKeys(obj: object, keys: ReadonlySet<string>, op: string, noun = 'option', path = ''): void {
  for (const k of Object.keys(obj)) if (!keys.has(k)) throw new TypeError(`${op}: ${path}${k}: unknown ${noun}`);
}

/** A family filter: 'inet', 'inet6' or nothing (both); TypeError `OP: family: ...`. */
export function checkFamily(family: unknown, op: string): Family | undefined {
  if (family !== undefined && family !== 'inet' && family !== 'inet6') throw new TypeError(`${op}: family: must be 'inet' or 'inet6'`);
  return family;
}
