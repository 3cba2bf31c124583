/**
 * The `raw` of an object decoded from a lean dump: the full decoded message,
 * built from the message's bytes the first time someone reads it. Until
 * then the object holds only those bytes, a fraction of the decoded form.
 * @module
 */
import type { LeanReply } from './keep.js';
import type { RawReply } from './native.js';

// Set by native.ts when the addon loads: this module loads nothing itself,
// so the pure decoders (link/decode.ts, ...) stay usable without the addon
// (a lean reply, the only kind with bytes to decode, comes from the addon).
let decodeWire: ((wire: Buffer) => RawReply) | undefined;

/** @internal How a message's bytes are decoded in full (native.ts sets it). */
export function useWireDecoder(decode: (wire: Buffer) => RawReply): void {
  decodeWire = decode;
}

// The bytes behind each lazy `raw`, by object: invisible to keys, JSON,
// spread and deep equality, and collected with the object.
const wires = new WeakMap<object, Buffer>();

// One getter/setter pair for every object: V8 then shares the objects' shape
// (a fresh pair per object, or turning an existing data property into an
// accessor, would give each object a hash table of its own properties).
const LAZY: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: object): RawReply | undefined {
    for (let o: object | null = this; o !== null; o = Object.getPrototypeOf(o) as object | null) {
      const wire = wires.get(o);
      if (wire === undefined) continue;
      if (decodeWire === undefined) throw new Error('netloom: decoding a lean reply needs the native addon');
      const raw = decodeWire(wire);
      settle(o, raw);
      return raw;
    }
    return undefined;
  },
  set(this: object, value: RawReply) {
    settle(this, value);
  },
};

function settle(obj: object, value: RawReply): void {
  wires.delete(obj);
  Object.defineProperty(obj, 'raw', { configurable: true, enumerable: true, writable: true, value });
}

/**
 * Add `raw` to `obj` (which must not have one yet, so that its key goes
 * where a plain `obj.raw = ...` would put it): the decoded message `m` when
 * the lean dump kept all of it (it is the full decode), otherwise a property
 * that decodes the message's bytes in full when first read and then stays a
 * plain, writable value. Reads give what an eager decode would have given.
 * @internal
 */
export function addRaw<T extends object>(obj: T, m: LeanReply | RawReply): T & { raw: RawReply } {
  const wire = (m as LeanReply).wire;
  if (wire === undefined) {
    (obj as { raw?: RawReply }).raw = m;
  } else {
    wires.set(obj, wire);
    Object.defineProperty(obj, 'raw', LAZY);
  }
  return obj as T & { raw: RawReply };
}
