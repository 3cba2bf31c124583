/**
 * The addon's generic netlink codec (`genl`), typed: requests name their
 * family's table, and replies of a family (whose nlmsg_type is an id the
 * kernel assigned at run time) are decoded by the caller that knows which
 * family it asked. native.ts hands it out as `native.genl`.
 * @module
 */
import { materialize, type Tape } from './tape.js';
import type { RawMessage, RawReply } from './native.js';

/** A generic netlink request: genlmsghdr fields and attributes, and the family whose table encodes them. */
export interface GenlMessage extends RawMessage {
  /** The family's name ('wireguard'); the controller's requests (type GENL_ID_CTRL) need none. */
  family?: string;
}

/** The generic netlink codec, for lib/ and for tests. */
export interface NativeGenl {
  /** Encode one request (seq 0, flags as given). */
  encode(type: number, flags: number, msg: GenlMessage | Buffer): Buffer;
  /** Decode every message in `buf`: the controller's with its table, others with `family`'s (or as payload bytes). */
  decode(buf: Buffer, family?: string): RawReply[];
  /** `{ header, attrs }` of one message's payload (genlmsghdr + attributes) with `family`'s table. */
  decodePayload(family: string, payload: Buffer): RawReply;
}

/** @internal The addon's own shape (decoders return tapes). */
export interface RawGenl {
  encode(type: number, flags: number, msg: GenlMessage | Buffer): Buffer;
  decode(buf: Buffer, family?: string): Tape | null;
  decodePayload(family: string, payload: Buffer): Tape | null;
}

/** @internal Wrap the addon's `genl` so decoders return objects. */
export function wrapGenl(raw: RawGenl, keyNames: (from: number) => (string | null)[]): NativeGenl {
  return {
    encode: (type, flags, msg) => raw.encode(type, flags, msg),
    decode: (buf, family) => materialize<RawReply>(family === undefined ? raw.decode(buf) : raw.decode(buf, family), keyNames),
    decodePayload: (family, payload) => materialize<RawReply>(raw.decodePayload(family, payload), keyNames)[0] as RawReply,
  };
}
