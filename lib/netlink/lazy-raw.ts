/**
 * The `raw` of an object decoded from a lean dump: the full decoded message,
 * built from the message's bytes the first time someone reads it. Until
 * then the object holds only those bytes, a fraction of the decoded form.
 * @module
 */
import { native, type LeanReply, type RawReply } from './native.js';

/**
 * Make `obj.raw` (which must exist, so it keeps its place among the keys) a
 * property that decodes `wire` in full when first read and then stays a
 * plain, writable value. Reads give what an eager decode would have given.
 * @internal
 */
export function lazyRaw<T extends { raw: RawReply }>(obj: T, wire: Buffer): T {
  Object.defineProperty(obj, 'raw', {
    configurable: true,
    enumerable: true,
    get(this: T): RawReply {
      const raw = native.decode(wire)[0] as RawReply;
      settle(this, raw);
      return raw;
    },
    set(this: T, value: RawReply) {
      settle(this, value);
    },
  });
  return obj;
}

/**
 * The object decoded from lean message `m` with its `raw` made whole: `m`
 * itself when nothing was left out (it already is `raw`), otherwise
 * decoded from its bytes when read (see {@link lazyRaw}).
 * @internal
 */
export function withRaw<T extends { raw: RawReply }>(obj: T, m: LeanReply): T {
  return m.wire === undefined ? obj : lazyRaw(obj, m.wire);
}

function settle(obj: object, value: RawReply): void {
  Object.defineProperty(obj, 'raw', { configurable: true, enumerable: true, writable: true, value });
}
