/**
 * Materializes the native decoder's tapes (see native/tape_sink.h) into the
 * plain RawReply objects of lib/native.ts. The decoder walks the wire format
 * in C++; building the objects here is several times cheaper than building
 * them property by property through N-API.
 * @module
 */

/** A decoded batch as the addon hands it over. */
export interface Tape {
  /** op words: kind << 28 | key id; string/bytes/unknown ops are followed by offset and length. */
  ops: Uint32Array;
  /** Numbers, in order of the kNumber ops. */
  nums: Float64Array;
  /** Bytes of strings and opaque values. */
  blob: Buffer;
  /** How many key ids exist (the key table may need topping up). */
  keys: number;
}

// Keep in step with native/tape_sink.h.
const OBJECT = 0;
const ARRAY = 1;
const END = 2;
const NUMBER = 3;
const STRING = 4;
const BYTES = 5;
const TRUE = 6;
const UNKNOWN = 7;
const KEY_MASK = 0x0fffffff;

/** The op kinds of a tape (an op word is kind << 28 | key id), for readers that build their own objects. */
export const TAPE_OPS = { OBJECT, ARRAY, END, NUMBER, STRING, BYTES, TRUE, UNKNOWN, KEY_MASK } as const;

/** The names of `tape`'s key ids (id 0: ''), topped up as materialize does. */
export function tapeKeys(tape: Tape, keyNames: (from: number) => (string | null)[]): readonly string[] {
  if (keys.length < tape.keys) for (const k of keyNames(keys.length)) keys.push(k ?? '');
  return keys;
}

// One open container while a tape is read. An object's keys and values are
// gathered and the object is built at its end, in one go, by a factory for
// its sequence of keys (see Shape): objects built key by key (`o[k] = v`)
// past a dozen keys become hash tables in V8, several times bigger and
// slower to build, read and collect than objects made from a literal.
interface Frame {
  array: unknown[] | undefined; // an array: its elements, as they come
  shape: Shape; // an object: the keys so far, as a node of the shape trie
  values: unknown[]; // ... and their values (the first `count`: the array is reused)
  count: number;
  unknown: unknown[] | undefined; // ... and its $unknown list, if it has one
  key: number; // the key this container goes under in its parent
}

// The shape trie: a node per key sequence seen; `make` builds an object with
// exactly those keys from the values in order.
interface Shape {
  readonly keys: readonly string[];
  readonly next: Map<number, Shape>;
  make: ((v: unknown[]) => Record<string, unknown>) | undefined;
}

const UNKNOWN_KEY = -1; // the $unknown list's place among the keys
const MAX_SHAPE_KEYS = 96; // longer objects are built key by key
const MAX_SHAPES = 4096; // factories compiled, at most (then key by key)
let shapes = 0;
const root: Shape = { keys: [], next: new Map(), make: () => ({}) };

function nextShape(s: Shape, id: number): Shape {
  let n = s.next.get(id);
  if (n === undefined) {
    n = { keys: [...s.keys, id === UNKNOWN_KEY ? '$unknown' : (keys[id] as string)], next: new Map(), make: undefined };
    s.next.set(id, n);
  }
  return n;
}

function build(s: Shape, values: unknown[]): Record<string, unknown> {
  let make = s.make;
  if (make === undefined) {
    if (s.keys.length > MAX_SHAPE_KEYS || shapes >= MAX_SHAPES) make = byKey(s.keys);
    else {
      // A literal with these keys (quoted by JSON.stringify: they are the
      // tables' names, but nothing is trusted into code unquoted).
      const body = s.keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ');
      make = new Function('v', `return { ${body} };`) as (v: unknown[]) => Record<string, unknown>;
      shapes++;
    }
    s.make = make;
  }
  return make(values);
}

function byKey(names: readonly string[]): (v: unknown[]) => Record<string, unknown> {
  return (v) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) o[names[i] as string] = v[i];
    return o;
  };
}

// Put a finished value into the container `f` under key id `id` (arrays ignore the key).
function put(f: Frame, id: number, v: unknown): void {
  if (f.array !== undefined) {
    f.array.push(v);
    return;
  }
  const n = f.shape.next.get(id);
  if (n !== undefined) {
    f.shape = n;
    f.values[f.count++] = v;
    return;
  }
  // A key seen again in one object (the kernel repeating an attribute)
  // keeps its first place and takes the last value, as `o[k] = v` does.
  // The trie has no edge for a key already on its path, so only a miss looks.
  const at = f.shape.keys.indexOf(keys[id] as string);
  if (at >= 0) {
    f.values[at] = v;
    return;
  }
  f.shape = nextShape(f.shape, id);
  f.values[f.count++] = v;
}

// Frames are reused per depth: a tape opens hundreds of thousands of objects.
function open(stack: Frame[], depth: number, array: unknown[] | undefined, key: number): Frame {
  let f = stack[depth];
  if (f === undefined) {
    f = { array, shape: root, values: [], count: 0, unknown: undefined, key };
    stack[depth] = f;
    return f;
  }
  f.array = array;
  f.shape = root;
  f.count = 0; // stale values past it are never read: a shape reads only its own keys
  f.unknown = undefined;
  f.key = key;
  return f;
}

/**
 * Build the messages of `tape` (none for null, the native side's empty tape). `keyNames(from)` returns the names of key ids
 * from `from` on; they are cached here, so it is called only when the tape
 * uses ids this side has not seen.
 */
export function materialize<T>(tape: Tape | null, keyNames: (from: number) => (string | null)[]): T[] {
  if (tape === null) return []; // the native side's empty tape
  if (keys.length < tape.keys) for (const k of keyNames(keys.length)) keys.push(k ?? '');
  const { ops, nums, blob } = tape;
  const out: unknown[] = [];
  const stack: Frame[] = [];
  let depth = 0;
  let cur: Frame = open(stack, 0, out, 0);
  let ni = 0;
  for (let i = 0; i < ops.length; ) {
    const w = ops[i++] as number;
    const kind = w >>> 28;
    let v: unknown;
    switch (kind) {
      case OBJECT:
        cur = open(stack, ++depth, undefined, w & KEY_MASK);
        continue;
      case ARRAY:
        cur = open(stack, ++depth, [], w & KEY_MASK);
        continue;
      case END: {
        if (depth === 0) throw new Error(`netloom: corrupt decode tape (unbalanced end at ${i - 1})`);
        const done = cur;
        const value = done.array ?? build(done.shape, done.values);
        cur = stack[--depth] as Frame;
        put(cur, done.key, value);
        continue;
      }
      case NUMBER:
        v = nums[ni++];
        break;
      case STRING: {
        const off = ops[i++] as number;
        v = blob.toString('utf8', off, off + (ops[i++] as number));
        break;
      }
      case BYTES: {
        const off = ops[i++] as number;
        const len = ops[i++] as number;
        v = keys[w & KEY_MASK] === 'wire' && cur.array === undefined && depth === 1 ? wireCopy(blob, off, len) : copyOut(blob, off, len);
        break;
      }
      case TRUE:
        v = true;
        break;
      case UNKNOWN: {
        const data = copyOut(blob, ops[i++] as number, ops[i++] as number);
        if (cur.unknown === undefined) {
          cur.unknown = [];
          cur.shape = nextShape(cur.shape, UNKNOWN_KEY);
          cur.values[cur.count++] = cur.unknown;
        }
        cur.unknown.push({ type: w & KEY_MASK, data });
        continue;
      }
      default:
        throw new Error(`netloom: corrupt decode tape (op ${kind} at ${i - 1})`);
    }
    put(cur, w & KEY_MASK, v);
  }
  return out as T[];
}

/** A copy of blob bytes, so a kept attribute does not pin the whole batch's blob. */
export function copyOut(blob: Buffer, off: number, len: number): Buffer {
  const b = Buffer.allocUnsafe(len);
  blob.copy(b, 0, off, off + len);
  return b;
}

// A lean dump's message bytes (`wire`, a few KiB each, thousands per dump)
// are copied into shared chunks: one allocation per chunk instead of one per
// message (Buffer.allocUnsafe's pool is 8 KiB), while a message kept alone
// pins at most its chunk, not the batch.
const WIRE_CHUNK = 64 * 1024;
let chunk = Buffer.alloc(0);
let chunkUsed = 0;

function wireCopy(blob: Buffer, off: number, len: number): Buffer {
  if (len > WIRE_CHUNK / 4) return copyOut(blob, off, len);
  if (chunkUsed + len > chunk.length) {
    chunk = Buffer.allocUnsafeSlow(WIRE_CHUNK);
    chunkUsed = 0;
  }
  const b = chunk.subarray(chunkUsed, chunkUsed + len);
  blob.copy(chunk, chunkUsed, off, off + len);
  chunkUsed += (len + 7) & ~7;
  return b;
}

// Key id → name; id 0 is "no key".
const keys: string[] = [];
