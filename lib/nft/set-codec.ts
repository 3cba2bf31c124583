/**
 * Sets and elements as nf_tables messages and back: NEWSET with the
 * userdata nft writes (key and data byte order, comment), NEWSETELEM /
 * DELSETELEM with elements laid out as nft lays them out (intervals as a
 * start element and an INTERVAL_END element at the first key after the
 * interval, one open element for an interval that runs to the end), split
 * over messages that each fit a netlink attribute; dumps decoded into
 * typed sets and elements.
 * @module
 */
import { constant, native, type NativeBatchMessage, type RawAttrs, type RawMessage, type RawReply, rawNum } from '../netlink/native.js';
import { addrText, hostU32, nextKey, readHostU32 } from './bytes.js';
import { verdictAttrs, verdictOf } from './expr-codec.js';
import type { CheckedElement, CheckedSet, SetShape } from './set-check.js';
import type { NftSet, NftSetDataType, NftSetElement, NftSetKey, NftSetKeyType, NftSetRef, NftSetValue } from './set-types.js';
import { ELEM_F_INTERVAL_OPEN, ELEM_UDATA, KEY_TYPES, SET_UDATA, bytesValue, dataDef, keyTypeName } from './set-values.js';
import type { NftFamily } from './types.js';
import { familyName, familyNumber } from './values.js';

type SetMsg = 'NFT_MSG_NEWSET' | 'NFT_MSG_GETSET' | 'NFT_MSG_DELSET' | 'NFT_MSG_NEWSETELEM' | 'NFT_MSG_GETSETELEM' | 'NFT_MSG_DELSETELEM';

/** The nlmsg_type of a set message. */
export function setType(msg: SetMsg): number {
  return (constant('NFNL_SUBSYS_NFTABLES') << 8) | constant(msg);
}

function message(family: NftFamily | 'unspec', attrs: RawAttrs): RawMessage {
  return { header: { nfgenFamily: family === 'unspec' ? constant('NFPROTO_UNSPEC') : familyNumber(family) }, attrs };
}

/**
 * Transaction ids of sets (NFTA_SET_ID, NFTA_SET_ELEM_LIST_SET_ID,
 * NFTA_LOOKUP_SET_ID), one per set a batch names, from 1, as nft numbers
 * them. The kernel looks sets up by name first, so an id only matters for a
 * set made in the same batch, and a fresh one can never name another set.
 */
export class SetIds {
  #next = 1;
  readonly #ids = new Map<string, number>();

  /** The id of a set in this batch. */
  of(family: NftFamily, table: string, name: string): number {
    const k = `${family} ${table} ${name}`;
    let id = this.#ids.get(k);
    if (id === undefined) {
      id = this.#next++;
      this.#ids.set(k, id);
    }
    return id;
  }
}

function udata(entries: Array<{ type: number; data?: Buffer; text?: string }>): Buffer {
  return native.nft.udataEncode(entries as Parameters<typeof native.nft.udataEncode>[0]);
}

/** NFT_MSG_NEWSET (NLM_F_CREATE|NLM_F_EXCL: an existing set is an error), attributes in libnftnl's order. */
export function newSet(c: CheckedSet, id: number, elementCount: number): NativeBatchMessage {
  const key = KEY_TYPES[c.type];
  let flags = 0;
  if (c.constant) flags |= constant('NFT_SET_CONSTANT');
  if (c.interval) flags |= constant('NFT_SET_INTERVAL');
  if (c.map !== undefined) flags |= constant('NFT_SET_MAP');
  if (c.timeout) flags |= constant('NFT_SET_TIMEOUT');
  const attrs: RawAttrs = { table: c.table, name: c.name, flags, keyType: key.id, keyLen: key.len };
  const ud: Array<{ type: number; data?: Buffer; text?: string }> = [{ type: SET_UDATA.keyByteorder, data: hostU32(key.order) }];
  if (c.map !== undefined) {
    const d = dataDef(c.map, constant('NFT_DATA_VERDICT'));
    attrs.dataType = d.id >>> 0;
    attrs.dataLen = d.len;
    ud.push({ type: SET_UDATA.dataByteorder, data: hostU32(d.order) }, { type: SET_UDATA.dataInterval, data: hostU32(0) });
  }
  attrs.id = id;
  // nft sizes a constant set for what it is created with.
  if (c.constant && elementCount > 0) attrs.desc = { size: elementCount };
  if (c.defaultTimeout !== undefined) attrs.timeout = c.defaultTimeout;
  if (c.comment !== undefined) ud.push({ type: SET_UDATA.comment, text: c.comment });
  attrs.userdata = udata(ud);
  return { type: setType('NFT_MSG_NEWSET'), flags: constant('NLM_F_CREATE') | constant('NLM_F_EXCL'), msg: message(c.family, attrs) };
}

/** NFT_MSG_DELSET (EBUSY while a rule uses it). */
export function delSet(r: NftSetRef): NativeBatchMessage {
  return { type: setType('NFT_MSG_DELSET'), flags: 0, msg: message(r.family, { table: r.table, name: r.name }) };
}

const OPEN = (): Buffer => udata([{ type: ELEM_UDATA.flags, data: hostU32(ELEM_F_INTERVAL_OPEN) }]);

/**
 * The kernel elements of checked elements, as nft lays them out: in an
 * interval set each interval is its first key and an INTERVAL_END element
 * at the key after its last (none when it runs to the end: the first one
 * says so in its userdata), and, when the set is created with them, an
 * INTERVAL_END element at key 0 first unless the first interval starts
 * there.
 */
export function kernelElements(shape: SetShape, elements: readonly CheckedElement[], creating: boolean): RawAttrs[] {
  const end = constant('NFT_SET_ELEM_INTERVAL_END');
  const out: RawAttrs[] = [];
  const first = elements[0];
  if (shape.interval && creating && first !== undefined && first.key.some((x) => x !== 0)) out.push({ flags: end, key: { value: Buffer.alloc(first.key.length) } });
  for (const e of elements) {
    const a: RawAttrs = {};
    if (e.timeout !== undefined) a.timeout = e.timeout;
    a.key = { value: e.key };
    if (e.value !== undefined) a.data = Buffer.isBuffer(e.value) ? { value: e.value } : { verdict: verdictAttrs(e.value) };
    const after = e.last === undefined ? null : nextKey(e.last);
    if (after === undefined) a.userdata = OPEN();
    out.push(a);
    if (after) out.push({ flags: end, key: { value: after } });
  }
  return out;
}

/** How many kernel elements kernelElements makes of `elements` (without making them). */
export function kernelCount(shape: SetShape, elements: readonly CheckedElement[], creating: boolean): number {
  const first = elements[0];
  let n = shape.interval && creating && first !== undefined && first.key.some((x) => x !== 0) ? 1 : 0;
  for (const e of elements) n += e.last === undefined || e.last.every((x) => x === 0xff) ? 1 : 2;
  return n;
}

// Bytes of one element in NFTA_SET_ELEM_LIST_ELEMENTS (nests, data, padding), an upper bound.
function elemSize(a: RawAttrs): number {
  const pad = (n: number): number => (n + 3) & ~3;
  let n = 4;
  for (const [k, v] of Object.entries(a)) {
    if (k === 'key' || k === 'data') {
      const d = v as RawAttrs;
      n += 8 + (Buffer.isBuffer(d.value) ? 4 + pad(d.value.length) : 4 + 12 + 4 + pad(String((d.verdict as RawAttrs).chain ?? '').length + 1));
    } else n += 4 + pad(Buffer.isBuffer(v) ? v.length : 8);
  }
  return n;
}

/** Room for elements in one message: NFTA_SET_ELEM_LIST_ELEMENTS' nla_len is 16 bits. */
const ELEMENTS_MAX = 65535 - 4;

/** NEWSETELEM (NLM_F_CREATE, as `nft add element`) or DELSETELEM messages of kernel elements, as many as they need. */
export function setElemMessages(op: 'add' | 'del', r: NftSetRef, setId: number | undefined, elems: readonly RawAttrs[]): NativeBatchMessage[] {
  const out: NativeBatchMessage[] = [];
  const type = setType(op === 'add' ? 'NFT_MSG_NEWSETELEM' : 'NFT_MSG_DELSETELEM');
  const flags = op === 'add' ? constant('NLM_F_CREATE') : 0;
  let chunk: RawAttrs[] = [];
  let size = 0;
  const flush = (): void => {
    const attrs: RawAttrs = { table: r.table, set: r.name };
    if (setId !== undefined) attrs.setId = setId;
    attrs.elements = chunk;
    out.push({ type, flags, msg: message(r.family, attrs) });
    chunk = [];
    size = 0;
  };
  for (const e of elems) {
    const n = elemSize(e);
    if (size + n > ELEMENTS_MAX) flush();
    chunk.push(e);
    size += n;
  }
  if (chunk.length > 0) flush();
  return out;
}

/** The body of a set dump (one family or all; the kernel filters by table too). */
export function setDumpRequest(family: NftFamily | undefined, table: string | undefined): RawMessage {
  return message(family ?? 'unspec', table === undefined ? {} : { table });
}

/** The body of NFT_MSG_GETSET for one set. */
export function setGetRequest(r: NftSetRef): RawMessage {
  return message(r.family, { table: r.table, name: r.name });
}

/** The body of an element dump of one set. */
export function elemDumpRequest(r: NftSetRef): RawMessage {
  return message(r.family, { table: r.table, set: r.name });
}

/** A NEWSET message, and the shape its elements decode with (undefined for key types netloom has no name for). */
export function decodeSet(m: RawReply): { set: NftSet; shape?: SetShape } {
  const a = m.attrs;
  const flags = rawNum(a.flags);
  const has = (f: string): boolean => (flags & constant(f)) !== 0;
  const type = keyTypeName(rawNum(a.keyType));
  const s: NftSet = {
    family: familyName(rawNum(m.header.nfgenFamily)),
    table: String(a.table ?? ''),
    name: String(a.name ?? ''),
    handle: rawNum(a.handle),
    type,
    flags: { interval: has('NFT_SET_INTERVAL'), constant: has('NFT_SET_CONSTANT'), timeout: has('NFT_SET_TIMEOUT'), anonymous: has('NFT_SET_ANONYMOUS') },
  };
  if (has('NFT_SET_MAP')) {
    const d = rawNum(a.dataType) >>> 0;
    s.map = d === constant('NFT_DATA_VERDICT') >>> 0 ? 'verdict' : keyTypeName(d);
  }
  if (a.timeout !== undefined) s.timeout = rawNum(a.timeout);
  const ud = Buffer.isBuffer(a.userdata) ? native.nft.udataDecode(a.userdata) : null;
  const comment = ud?.find((u) => u.type === SET_UDATA.comment)?.text;
  if (comment !== undefined) s.comment = comment;
  if (typeof type === 'number' || typeof s.map === 'number') return { set: s };
  const shape: SetShape = { type, interval: s.flags.interval, timeout: s.flags.timeout };
  if (s.map !== undefined) shape.map = s.map as NftSetDataType;
  return { set: s, shape };
}

interface RawElem {
  key: Buffer;
  end: boolean;
  open: boolean;
  data?: RawAttrs;
  timeout?: number;
  expiration?: number;
}

function rawElems(replies: readonly RawReply[]): RawElem[] {
  const out: RawElem[] = [];
  const endFlag = constant('NFT_SET_ELEM_INTERVAL_END');
  for (const m of replies) {
    const list = m.attrs.elements;
    if (!Array.isArray(list)) continue;
    for (const e of list as RawAttrs[]) {
      const key = (e.key as RawAttrs | undefined)?.value;
      if (!Buffer.isBuffer(key)) continue;
      const ud = Buffer.isBuffer(e.userdata) ? native.nft.udataDecode(e.userdata) : null;
      const f = ud?.find((u) => u.type === ELEM_UDATA.flags)?.data;
      const r: RawElem = { key, end: (rawNum(e.flags) & endFlag) !== 0, open: f !== undefined && ((readHostU32(f) ?? 0) & ELEM_F_INTERVAL_OPEN) !== 0 };
      if (e.data !== undefined) r.data = e.data as RawAttrs;
      if (e.timeout !== undefined) r.timeout = rawNum(e.timeout);
      if (e.expiration !== undefined) r.expiration = rawNum(e.expiration);
      out.push(r);
    }
  }
  return out;
}

/** An interval [first, last] in the words of the set's type: one value, a prefix, or [from, to]. */
function intervalKey(type: NftSetKeyType, first: Buffer, last: Buffer): NftSetKey {
  if (first.equals(last)) return bytesValue(type, first);
  if (type === 'ipv4_addr' || type === 'ipv6_addr') {
    // A prefix: the bits agree up to `len`, then first has only zeros and last only ones.
    const bit = (b: Buffer, i: number): number => ((b[i >> 3] as number) >> (7 - (i & 7))) & 1;
    const bits = first.length * 8;
    let len = 0;
    while (len < bits && bit(first, len) === bit(last, len)) len++;
    let prefix = true;
    for (let i = len; i < bits; i++) if (bit(first, i) !== 0 || bit(last, i) !== 1) prefix = false;
    if (prefix) return `${addrText(first)}/${len}`;
  }
  return [bytesValue(type, first), bytesValue(type, last)] as const;
}

function prev(b: Buffer): Buffer {
  const out = Buffer.from(b);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0) {
      out[i] = (out[i] as number) - 1;
      return out;
    }
    out[i] = 0xff;
  }
  return out;
}

function element(shape: SetShape, key: NftSetKey, r: RawElem): NftSetElement {
  if (shape.map === undefined && r.expiration === undefined && r.timeout === undefined) return key;
  const e: Exclude<NftSetElement, NftSetKey> = { key };
  if (shape.map !== undefined && r.data !== undefined) {
    if (shape.map === 'verdict') e.value = verdictOf((r.data.verdict ?? {}) as RawAttrs) ?? rawNum((r.data.verdict as RawAttrs | undefined)?.code);
    else if (Buffer.isBuffer(r.data.value)) e.value = bytesValue(shape.map, r.data.value) as NftSetValue;
  }
  if (r.timeout !== undefined) e.timeout = r.timeout;
  if (r.expiration !== undefined) e.expires = r.expiration;
  return e;
}

/** The elements of an element dump, typed; intervals put back together (in key order). */
export function decodeElements(shape: SetShape, replies: readonly RawReply[]): NftSetElement[] {
  const raw = rawElems(replies);
  if (!shape.interval) return raw.map((r) => element(shape, bytesValue(shape.type, r.key), r));
  // Key order, an interval's end before the next one's start at the same key.
  raw.sort((a, b) => Buffer.compare(a.key, b.key) || (a.end === b.end ? 0 : a.end ? -1 : 1));
  const out: NftSetElement[] = [];
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i] as RawElem;
    if (r.end) continue; // the end of the previous interval, or nft's leading one at key 0
    const n = raw[i + 1];
    const last = n === undefined || r.open ? Buffer.alloc(r.key.length, 0xff) : prev(n.key);
    out.push(element(shape, intervalKey(shape.type, r.key, last), r));
  }
  return out;
}

/** Whether an element dump reply is of the element dump (NEWSETELEM). */
export function isElemReply(m: RawReply): boolean {
  return m.type === setType('NFT_MSG_NEWSETELEM');
}

/** Whether a reply is a NEWSET. */
export function isSetReply(m: RawReply): boolean {
  return m.type === setType('NFT_MSG_NEWSET');
}
