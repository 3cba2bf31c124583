/**
 * Checking sets and their elements before any I/O: every mistake is a
 * TypeError/RangeError naming the field (`nft.set.add: elements[2]: must be
 * an IPv4 address (the set is ipv4_addr), got "2001:db8::1"`), including
 * those nft refuses itself (a prefix with host bits, a range in a set
 * without the interval flag, overlapping intervals).
 * @module
 */
import { parsePrefix } from './bytes.js';
import type { NftSetDataType, NftSetElement, NftSetElementsRef, NftSetFilter, NftSetKeyType, NftSetRef, NftSetSpec, NftSetVerdict } from './set-types.js';
import { KEY_TYPES, valueBytes } from './set-values.js';
import type { NftFamily } from './types.js';
import { checkFamily, checkName } from './validate.js';
import { COMMENT_MAX } from './values.js';

/** What encoding a set's elements needs to know of it. */
export interface SetShape {
  type: NftSetKeyType;
  map?: NftSetDataType;
  interval: boolean;
  timeout: boolean;
}

/** One checked element: its key (an interval's first and last key, inclusive), a map's value, a timeout. */
export interface CheckedElement {
  key: Buffer;
  /** Interval sets: the last key of the interval (equal to `key` for a single value). */
  last?: Buffer;
  value?: Buffer | NftSetVerdict;
  timeout?: number;
}

/** A set spec, checked. */
export interface CheckedSet extends SetShape {
  family: NftFamily;
  table: string;
  name: string;
  constant: boolean;
  /** Milliseconds. */
  defaultTimeout?: number;
  comment?: string;
  elements: CheckedElement[];
}

function fail(op: string, field: string, why: string): never {
  throw new TypeError(`${op}: ${field}: ${why}`);
}

function object(op: string, field: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(op, field, 'must be an object');
  return v as Record<string, unknown>;
}

function keys(op: string, where: string, o: object, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(op, where === '' ? k : `${where}.${k}`, `unknown field (known: ${allowed.join(', ')})`);
}

const KEY_TYPE_NAMES = Object.keys(KEY_TYPES) as NftSetKeyType[];

function keyType(op: string, field: string, v: unknown): NftSetKeyType {
  if (typeof v !== 'string' || !(KEY_TYPE_NAMES as string[]).includes(v)) fail(op, field, `must be one of ${KEY_TYPE_NAMES.join(', ')}, got ${JSON.stringify(v)}`);
  return v as NftSetKeyType;
}

function dataType(op: string, field: string, v: unknown): NftSetDataType {
  if (v === 'verdict') return 'verdict';
  if (typeof v !== 'string' || !(KEY_TYPE_NAMES as string[]).includes(v)) fail(op, field, `must be 'verdict' or one of ${KEY_TYPE_NAMES.join(', ')}, got ${JSON.stringify(v)}`);
  return v as NftSetDataType;
}

function millis(op: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail(op, field, `must be a duration in milliseconds (an integer from 1), got ${JSON.stringify(v)}`);
  return v;
}

/** The shape flags of a spec or ref (`flags.interval`, `flags.timeout`, `flags.constant`). */
function flagsOf(op: string, v: unknown): { interval: boolean; constant: boolean; timeout: boolean } {
  if (v === undefined) return { interval: false, constant: false, timeout: false };
  const f = object(op, 'flags', v);
  keys(op, 'flags', f, ['interval', 'constant', 'timeout']);
  for (const k of Object.keys(f)) if (f[k] !== undefined && typeof f[k] !== 'boolean') fail(op, `flags.${k}`, 'must be a boolean');
  return { interval: f.interval === true, constant: f.constant === true, timeout: f.timeout === true };
}

function verdict(op: string, field: string, v: unknown): NftSetVerdict {
  if (typeof v === 'string') {
    if (['accept', 'drop', 'return', 'continue'].includes(v)) return v as NftSetVerdict;
  } else if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1) {
    const o = v as Record<string, unknown>;
    if (o.jump !== undefined) return { jump: checkName(op, o.jump, `${field}.jump`) };
    if (o.goto !== undefined) return { goto: checkName(op, o.goto, `${field}.goto`) };
  }
  fail(op, field, `must be a verdict ('accept', 'drop', 'return', 'continue', { jump }, { goto }) in a vmap, got ${JSON.stringify(v)}`);
}

function bytes(op: string, field: string, type: NftSetKeyType, v: unknown): Buffer {
  const b = valueBytes(type, v);
  if (typeof b === 'string') fail(op, field, b);
  return b;
}

/** A prefix of an address key type as its first and last address; undefined for text that is no prefix. */
function prefixRange(op: string, field: string, type: NftSetKeyType, v: unknown): [Buffer, Buffer] | undefined {
  if (typeof v !== 'string' || !v.includes('/') || (type !== 'ipv4_addr' && type !== 'ipv6_addr')) return undefined;
  const whole = type === 'ipv4_addr' ? '0.0.0.0/0' : '::/0';
  const p = v.endsWith('/0') && bytes(op, field, type, v.slice(0, -2)).every((x) => x === 0) ? { family: type === 'ipv4_addr' ? 'ip' : 'ip6', bytes: bytes(op, field, type, whole.slice(0, -2)), len: 0 } : parsePrefix(v);
  if (typeof p === 'string') fail(op, field, p);
  if ((p.family === 'ip') !== (type === 'ipv4_addr')) fail(op, field, `must be an ${type === 'ipv4_addr' ? 'IPv4' : 'IPv6'} prefix (the set is ${type}), got ${JSON.stringify(v)}`);
  const last = Buffer.from(p.bytes);
  for (let bit = p.len; bit < last.length * 8; bit++) last[bit >> 3] = (last[bit >> 3] as number) | (0x80 >> (bit & 7));
  return [p.bytes, last];
}

/** Check elements for a set of `shape` (throws naming `field[i]`). Interval elements come back sorted. */
export function checkElements(op: string, shape: SetShape, elements: unknown, field = 'elements'): CheckedElement[] {
  if (!Array.isArray(elements)) fail(op, field, 'must be an array of elements');
  const out = (elements as NftSetElement[]).map((e, i): CheckedElement => {
    const where = `${field}[${i}]`;
    const whole = typeof e === 'object' && e !== null && !Array.isArray(e);
    const o = whole ? (e as Record<string, unknown>) : { key: e };
    if (whole) keys(op, where, o, ['key', 'value', 'timeout', 'expires']);
    const kf = whole ? `${where}.key` : where;
    const k = o.key;
    const c: CheckedElement = { key: NO_KEY };
    const range = prefixRange(op, kf, shape.type, k);
    if (range !== undefined || Array.isArray(k)) {
      if (!shape.interval) fail(op, kf, `${JSON.stringify(k)} is an interval: the set needs flags.interval`);
      const [first, last] = range ?? [bytes(op, `${kf}[0]`, shape.type, (k as unknown[])[0]), bytes(op, `${kf}[1]`, shape.type, (k as unknown[])[1])];
      if (Array.isArray(k) && k.length !== 2) fail(op, kf, `a range is [from, to], got ${JSON.stringify(k)}`);
      if (Buffer.compare(first, last) > 0) fail(op, kf, `range ${JSON.stringify(k)} runs backwards`);
      c.key = first;
      c.last = last;
    } else {
      c.key = bytes(op, kf, shape.type, k);
      if (shape.interval) c.last = c.key;
    }
    if (shape.map !== undefined) {
      if (o.value === undefined) fail(op, `${where}.value`, `a map element needs a value (${shape.map}): { key, value }`);
      c.value = shape.map === 'verdict' ? verdict(op, `${where}.value`, o.value) : bytes(op, `${where}.value`, shape.map, o.value);
    } else if (o.value !== undefined) fail(op, `${where}.value`, 'only map elements have a value (the set has no map type)');
    if (o.timeout !== undefined) {
      if (!shape.timeout) fail(op, `${where}.timeout`, 'the set needs flags.timeout (or a timeout) for elements to expire');
      c.timeout = millis(op, `${where}.timeout`, o.timeout);
    }
    return c;
  });
  if (!shape.interval) return out;
  // Sorted by key (stable: equal keys keep their order), each named by its place in the input.
  const order = out.map((_, i) => i).sort((a, b) => Buffer.compare((out[a] as CheckedElement).key, (out[b] as CheckedElement).key));
  for (let i = 1; i < order.length; i++) {
    const at = order[i] as number;
    const before = order[i - 1] as number;
    if (Buffer.compare((out[before] as CheckedElement).last as Buffer, (out[at] as CheckedElement).key) >= 0) fail(op, `${field}[${at}]`, `overlaps ${field}[${before}] (intervals of a set may not overlap)`);
  }
  return order.map((i) => out[i] as CheckedElement);
}

// A placeholder until the element's key is read (every path sets it or throws).
const NO_KEY = Buffer.alloc(0);

/** Validate a {@link NftSetSpec}. */
export function checkSetSpec(op: string, spec: NftSetSpec): CheckedSet {
  const o = object(op, 'set', spec);
  keys(op, '', o, ['family', 'table', 'name', 'type', 'map', 'flags', 'timeout', 'comment', 'elements']);
  const family = checkFamily(op, o.family);
  const type = keyType(op, 'type', o.type);
  const flags = flagsOf(op, o.flags);
  const c: CheckedSet = { family, table: checkName(op, o.table, 'table'), name: checkName(op, o.name, 'name'), type, interval: flags.interval, timeout: flags.timeout, constant: flags.constant, elements: [] };
  if (c.interval && !KEY_TYPES[type].interval) fail(op, 'flags.interval', `interval sets of ${type} are not supported (their bytes do not sort as their values)`);
  if (o.map !== undefined) c.map = dataType(op, 'map', o.map);
  if (o.timeout !== undefined) {
    c.defaultTimeout = millis(op, 'timeout', o.timeout);
    c.timeout = true;
  }
  if (c.timeout && c.constant) fail(op, 'flags.constant', 'a constant set cannot have elements that expire');
  if (o.comment !== undefined && (typeof o.comment !== 'string' || o.comment.includes('\0') || Buffer.byteLength(o.comment) > COMMENT_MAX)) fail(op, 'comment', `must be a string of at most ${COMMENT_MAX} bytes without NUL`);
  if (o.comment !== undefined) c.comment = o.comment as string;
  if (o.elements !== undefined) c.elements = checkElements(op, c, o.elements);
  return c;
}

/** Validate a {@link NftSetRef}. */
export function checkSetRef(op: string, ref: NftSetRef): NftSetRef {
  const o = object(op, 'set', ref);
  keys(op, '', o, ['family', 'table', 'name']);
  return { family: checkFamily(op, o.family), table: checkName(op, o.table, 'table'), name: checkName(op, o.name, 'name') };
}

/** Validate an {@link NftSetElementsRef}: the set, and its shape when given (`type` is what makes it given). */
export function checkElementsRef(op: string, ref: NftSetElementsRef): { ref: NftSetRef; shape?: SetShape } {
  const o = object(op, 'set', ref);
  keys(op, '', o, ['family', 'table', 'name', 'type', 'map', 'flags']);
  const r = { family: checkFamily(op, o.family), table: checkName(op, o.table, 'table'), name: checkName(op, o.name, 'name') };
  if (o.type === undefined) {
    if (o.map !== undefined || o.flags !== undefined) fail(op, 'type', 'needed with map and flags');
    return { ref: r };
  }
  const flags = flagsOf(op, o.flags);
  const shape: SetShape = { type: keyType(op, 'type', o.type), interval: flags.interval, timeout: flags.timeout };
  if (o.map !== undefined) shape.map = dataType(op, 'map', o.map);
  return { ref: r, shape };
}

/** Validate a {@link NftSetFilter}. */
export function checkSetFilter(op: string, filter: NftSetFilter): NftSetFilter {
  const o = object(op, 'filter', filter);
  keys(op, '', o, ['family', 'table']);
  const out: NftSetFilter = {};
  if (o.family !== undefined) out.family = checkFamily(op, o.family);
  if (o.table !== undefined) out.table = checkName(op, o.table, 'table');
  return out;
}

/** `{ family, table, name }` as nft writes it: `set ip t s`. */
export function setObject(r: NftSetRef): string {
  return `set ${r.family} ${r.table} ${r.name}`;
}

