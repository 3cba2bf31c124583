/**
 * Checked elements as NEWSETELEM / DELSETELEM messages in one native call
 * (nft.encodeElements): keys, flags, timeouts, data and userdata handed over
 * as columns instead of one object per attribute, laid out and split over
 * messages exactly as setElemMessages(kernelElements(...)) does it
 * (set-codec.ts, which still serves what the columns do not carry: verdict
 * maps, interval maps, keys or values of unequal lengths).
 * @module
 */
import { constant, native, type NativeBatchMessage } from '../netlink/native.js';
import { hostU32, nextKey } from './bytes.js';
import type { CheckedElement, SetShape } from './set-check.js';
import { kernelElements, setElemMessages, setType } from './set-codec.js';
import { ELEM_F_INTERVAL_OPEN, ELEM_UDATA } from './set-values.js';
import type { NftSetRef } from './set-types.js';
import { familyNumber } from './values.js';

/** Room for elements in one message: NFTA_SET_ELEM_LIST_ELEMENTS' nla_len is 16 bits (as set-codec.ts counts). */
const ELEMENTS_MAX = 65535 - 4;

const pad = (n: number): number => (n + 3) & ~3;

/**
 * The messages that add (`creating`: to a set made in the same batch) or
 * delete `elements` of a set of `shape`, with the batch's `setId` if any.
 */
export function elementMessages(op: 'add' | 'del', r: NftSetRef, setId: number | undefined, shape: SetShape, elements: readonly CheckedElement[], creating: boolean): NativeBatchMessage[] {
  const first = elements[0];
  const keyLen = first?.key.length ?? 0;
  const value = first?.value;
  const dataLen = Buffer.isBuffer(value) ? value.length : 0;
  const columnar =
    first !== undefined &&
    shape.map !== 'verdict' &&
    !(shape.map !== undefined && shape.interval) &&
    keyLen > 0 &&
    elements.every((e) => e.key.length === keyLen && (e.last === undefined || e.last.length === keyLen) && (shape.map === undefined ? e.value === undefined : Buffer.isBuffer(e.value) && e.value.length === dataLen));
  if (!columnar) {
    const kernel = kernelElements(shape, elements, creating);
    return kernel.length === 0 ? [] : setElemMessages(op, r, setId, kernel);
  }
  // The kernel elements, as kernelElements lays them out, into columns.
  const end = constant('NFT_SET_ELEM_INTERVAL_END');
  // At most a leading end and an end after every element besides the elements.
  const keyBytes = Buffer.allocUnsafe((2 * elements.length + 1) * keyLen);
  let count = 0;
  const flags: number[] = [];
  const timeouts: number[] = [];
  const data: Buffer[] = [];
  const userdata: (Buffer | undefined)[] = [];
  let anyFlags = false;
  let anyTimeout = false;
  let anyUserdata = false;
  const push = (key: Buffer, f: number, timeout: number | undefined, d: Buffer | undefined, ud: Buffer | undefined): void => {
    // Keys are at most 16 bytes: a loop beats a copy call.
    const at = count++ * keyLen;
    for (let i = 0; i < keyLen; i++) keyBytes[at + i] = key[i] as number;
    flags.push(f);
    timeouts.push(timeout ?? -1);
    if (d !== undefined) data.push(d);
    userdata.push(ud);
    anyFlags ||= f !== 0;
    anyTimeout ||= timeout !== undefined;
    anyUserdata ||= ud !== undefined;
  };
  if (shape.interval && creating && first.key.some((x) => x !== 0)) push(Buffer.alloc(keyLen), end, undefined, undefined, undefined);
  let open: Buffer | undefined;
  for (const e of elements) {
    const after = e.last === undefined ? null : nextKey(e.last);
    if (after === undefined) open ??= native.nft.udataEncode([{ type: ELEM_UDATA.flags, data: hostU32(ELEM_F_INTERVAL_OPEN) }]);
    push(e.key, 0, e.timeout, e.value as Buffer | undefined, after === undefined ? open : undefined);
    if (after) push(after, end, undefined, undefined, undefined);
  }
  // Split as setElemMessages splits (its elemSize, per element).
  const ends: number[] = [];
  let size = 0;
  const fixed = 4 + 8 + 4 + pad(keyLen) + (dataLen > 0 ? 8 + 4 + pad(dataLen) : 0);
  for (let i = 0; i < count; i++) {
    const ud = userdata[i];
    const n = fixed + (flags[i] !== 0 ? 12 : 0) + (timeouts[i] !== -1 ? 12 : 0) + (ud !== undefined ? 4 + pad(ud.length) : 0);
    if (size + n > ELEMENTS_MAX) {
      ends.push(i);
      size = 0;
    }
    size += n;
  }
  ends.push(count);
  const type = setType(op === 'add' ? 'NFT_MSG_NEWSETELEM' : 'NFT_MSG_DELSETELEM');
  const attrs: Record<string, string | number> = { table: r.table, set: r.name };
  if (setId !== undefined) attrs.setId = setId;
  const columns = {
    keys: keyBytes.subarray(0, count * keyLen),
    keyLen,
    ...(anyFlags ? { flags: Uint32Array.from(flags) } : {}),
    ...(anyTimeout ? { timeout: Float64Array.from(timeouts) } : {}),
    ...(dataLen > 0 ? { data: Buffer.concat(data, data.length * dataLen), dataLen } : {}),
    ...(anyUserdata ? { userdata } : {}),
  };
  const payloads = native.nft.encodeElements(type, { header: { nfgenFamily: familyNumber(r.family) }, attrs }, columns, Uint32Array.from(ends));
  const out: NativeBatchMessage[] = [];
  const msgFlags = op === 'add' ? constant('NLM_F_CREATE') : 0;
  let from = 0;
  for (const e of payloads.ends) {
    out.push({ type, flags: msgFlags, msg: payloads.bytes.subarray(from, e) });
    from = e;
  }
  return out;
}
