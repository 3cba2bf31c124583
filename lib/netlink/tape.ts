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

type Container = Record<string, unknown> | unknown[];

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
  const stack: Container[] = [];
  let obj: Record<string, unknown> | undefined; // the current container when it is an object
  let arr: unknown[] | undefined = out; // ... or when it is an array
  let ni = 0;
  for (let i = 0; i < ops.length; ) {
    const w = ops[i++] as number;
    const kind = w >>> 28;
    let v: unknown;
    switch (kind) {
      case OBJECT:
      case ARRAY: {
        const c: Container = kind === ARRAY ? [] : {};
        if (arr !== undefined) arr.push(c);
        else (obj as Record<string, unknown>)[keys[w & KEY_MASK] as string] = c;
        stack.push((arr ?? obj) as Container);
        if (kind === ARRAY) {
          arr = c as unknown[];
          obj = undefined;
        } else {
          obj = c as Record<string, unknown>;
          arr = undefined;
        }
        continue;
      }
      case END: {
        const c = stack.pop() as Container;
        if (Array.isArray(c)) {
          arr = c;
          obj = undefined;
        } else {
          obj = c;
          arr = undefined;
        }
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
        v = copyOut(blob, ops[i++] as number, ops[i++] as number);
        break;
      }
      case TRUE:
        v = true;
        break;
      case UNKNOWN: {
        const data = copyOut(blob, ops[i++] as number, ops[i++] as number);
        const o = obj as Record<string, unknown>;
        ((o.$unknown ??= []) as unknown[]).push({ type: w & KEY_MASK, data });
        continue;
      }
      default:
        throw new Error(`netloom: corrupt decode tape (op ${kind} at ${i - 1})`);
    }
    if (arr !== undefined) arr.push(v);
    else (obj as Record<string, unknown>)[keys[w & KEY_MASK] as string] = v;
  }
  return out as T[];
}

/** A copy of blob bytes, so a kept attribute does not pin the whole batch's blob. */
export function copyOut(blob: Buffer, off: number, len: number): Buffer {
  const b = Buffer.allocUnsafe(len);
  blob.copy(b, 0, off, off + len);
  return b;
}

// Key id → name; id 0 is "no key".
const keys: string[] = [];
