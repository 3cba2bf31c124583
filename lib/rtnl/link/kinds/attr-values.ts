/**
 * Attribute values both ways: decoders tolerant of what the native codec
 * hands over, the [word, CONSTANT_NAME] enum tables, and u8 booleans.
 * @module
 */
import type { RawAttrs, RawValue } from '../../../netlink/native.js';
import type { ConstantLookup } from './kind.js';

// ---------------------------------------------------------------------------
// Decoding helpers: tolerant of a codec that hands numbers as bigint, flags as
// `true`, or leaves attributes out.

/** A number from a decoded integer (bigint narrowed), else undefined. */
export function dNum(v: RawValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** A boolean from a u8 0/1 attribute or a flag; undefined when absent. */
export function dBool(v: RawValue | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  const n = dNum(v);
  return n === undefined ? undefined : n !== 0;
}

/** A string from a decoded string attribute (addresses included), else undefined. */
export function dStr(v: RawValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A nested attribute set, else undefined. */
export function dNest(v: RawValue | undefined): RawAttrs | undefined {
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v)) return v as RawAttrs;
  return undefined;
}

/** A constant, or undefined if the addon does not export it (decoding never fails on that). */
export function tryK(k: ConstantLookup, name: string): number | undefined {
  try {
    return k(name);
  } catch {
    return undefined;
  }
}

/** The word whose constant equals `v` ([word, CONSTANT_NAME] pairs), or the number itself if none does. */
export function dEnum<T extends string>(
  k: ConstantLookup,
  pairs: ReadonlyArray<readonly [T, string]>,
  v: RawValue | undefined,
): T | number | undefined {
  const n = dNum(v);
  if (n === undefined) return undefined;
  for (const [word, name] of pairs) if (tryK(k, name) === n) return word;
  return n;
}

/** The constant of the word `word` in `pairs`. */
export function kOf<T extends string>(k: ConstantLookup, pairs: ReadonlyArray<readonly [T, string]>, word: T): number {
  const name = pairs.find(([w]) => w === word)?.[1];
  if (name === undefined) throw new Error(`netloom: no constant for '${word}'`);
  return k(name);
}

/** The words of an enum table. */
export function wordsOf<T extends string>(pairs: ReadonlyArray<readonly [T, string]>): T[] {
  return pairs.map(([w]) => w);
}

/** Boolean as the kernel's u8 0/1 attributes take it. */
export function u8(b: boolean): number {
  return b ? 1 : 0;
}
