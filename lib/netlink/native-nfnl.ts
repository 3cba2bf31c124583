/**
 * The types of the addon's nfnetlink surface (its `nft` and `ct` objects):
 * transactions, the nf_tables codec with its bulk encoders, the ctnetlink
 * codec. Kept beside lib/netlink/native.ts, which loads the addon and
 * re-exports them.
 * @module
 */
import type { NativeError, RawMessage, RawReply, RawValue } from './native.js';
import type { Tape } from './tape.js';

/** One member of a transaction: a message as `request` would send it. */
export interface NativeBatchMessage {
  type: number;
  flags: number;
  msg: RawMessage | Buffer;
}

/** How the kernel answered a transaction (an nfnetlink batch). */
export interface NativeBatchResult {
  /** The error against the opening message: nothing was applied (ERESTART: the generation changed; or the commit failed). */
  begin: NativeError | null;
  /** The members the kernel refused (then nothing was applied either), `index` counting members from 0. */
  failures: { index: number; error: NativeError }[];
  /** What the kernel echoed at commit for members flagged NLM_F_ECHO (a new rule with its handle), decoded. */
  echoes: { index: number; message: RawReply }[];
}

/** One nftnl_udata entry (the TLVs nft keeps in NFTA_*_USERDATA). */
export interface NativeUdata {
  type: number;
  data: Buffer;
  /** The value up to its first NUL. */
  text: string;
}

/** Set elements as columns, for {@link NativeNft.encodeElements}: element j's key is keys[j*keyLen..]. */
export interface NativeElementColumns {
  keys: Buffer;
  keyLen: number;
  flags?: Uint32Array;
  timeout?: Float64Array;
  data?: Buffer;
  dataLen?: number;
  userdata?: (Buffer | undefined)[];
}

/** The nf_tables codec, for tests and for lib/nft. */
export interface NativeNft {
  /** Encode one nf_tables request (seq 0, flags as given). */
  encode(type: number, flags: number, msg: RawMessage | Buffer): Buffer;
  /** Encode a whole batch as `batch` sends it (sequence numbers from 1). */
  encodeBatch(messages: NativeBatchMessage[], options?: { genid?: number }): Buffer;
  /** NFTA_LIST_ELEM attributes of these expressions ({ name, data }), to give a rule's `expressions` as bytes. */
  encodeExprs(list: RawValue[]): Buffer;
  /**
   * The payloads of many NEWRULE messages of one chain: `head` (header and
   * table, chain) once, then per rule NFTA_RULE_EXPRESSIONS of
   * `exprs[ends[i-1]..ends[i]]` (encodeExprs bytes) and NFTA_RULE_USERDATA
   * when `userdata[i]` is given; payload i ends at `ends[i]` of `bytes`.
   */
  encodeRules(type: number, head: RawMessage, exprs: Buffer, ends: Uint32Array, userdata?: (Buffer | undefined)[]): { bytes: Buffer; ends: Uint32Array };
  /**
   * The payloads of NEWSETELEM/DELSETELEM messages from columns: `head`
   * (header and table, set, setId) once, then per message the elements up to
   * `ends[i]`, each with flags (if not 0), timeout (if not -1), key, data
   * and userdata (if given); payload i ends at the returned `ends[i]`.
   */
  encodeElements(type: number, head: RawMessage, columns: NativeElementColumns, ends: Uint32Array): { bytes: Buffer; ends: Uint32Array };
  /** Decode nf_tables messages. */
  decode(buf: Buffer): RawReply[];
  /** Decode nf_tables messages into a tape (what a dump hands over), for readers of their own and their tests. */
  decodeTape(buf: Buffer): Tape | null;
  /** Userdata TLVs: text is stored NUL-terminated. RangeError past the kernel's 256 bytes. */
  udataEncode(entries: ({ type: number; text: string } | { type: number; data: Buffer })[]): Buffer;
  /** Userdata TLVs, or null if the bytes are not TLVs. */
  udataDecode(buf: Buffer): NativeUdata[] | null;
}

/** The nfnetlink codec over every subsystem's tables (ctnetlink included), for tests and for lib/conntrack. */
export interface NativeCt {
  /** Encode one nfnetlink request (seq 0, flags as given). */
  encode(type: number, flags: number, msg: RawMessage | Buffer): Buffer;
  /** Decode nfnetlink messages of any subsystem netloom has tables for. */
  decode(buf: Buffer): RawReply[];
}

