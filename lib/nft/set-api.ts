/**
 * Set and map operations of an {@link Nft} handle: `set.add/del/list` and
 * `set.elements.add/del/list`, each change a transaction of its own.
 * Elements are checked against the set's type before anything is sent (the
 * type is read from the kernel when the ref does not give it).
 * @module
 */
import type { NfnlSocket } from '../netlink/nfnl-socket.js';
import type { DumpOptions, OperationOptions } from '../netlink/socket.js';
import { type SetShape, checkElementsRef, checkSetFilter, checkSetRef, setObject } from './set-check.js';
import { SetIds, decodeElements, decodeSet, elemDumpRequest, isElemReply, isSetReply, setDumpRequest, setGetRequest, setType } from './set-codec.js';
import { elementMembers, setAddMembers, setDelMember } from './set-members.js';
import type { NftSet, NftSetElement, NftSetElementsRef, NftSetFilter, NftSetRef, NftSetSpec } from './set-types.js';
import { type NftCommitOptions, commitMembers } from './transaction.js';

/** Element operations of a set, on an {@link Nft} handle. */
export interface NftSetElementsApi {
  /**
   * Add elements (existing ones are left as they are). Intervals are
   * prefixes or `[from, to]`; map elements are `{ key, value }`.
   *
   * Equivalent to: `nft add element ip t allowed { 198.18.0.1, 198.18.1.0/24 }`
   */
  add(ref: NftSetElementsRef, elements: readonly NftSetElement[], opts?: NftCommitOptions): Promise<void>;
  /**
   * Delete elements (ENOENT if one is not there; intervals exactly as added).
   *
   * Equivalent to: `nft delete element ip t allowed { 198.18.0.1 }`
   */
  del(ref: NftSetElementsRef, elements: readonly NftSetElement[], opts?: NftCommitOptions): Promise<void>;
  /**
   * The elements, typed as `add` takes them: addresses as text, ports as
   * numbers, intervals as prefixes where they are one and `[from, to]`
   * otherwise, map elements as `{ key, value }`, timeouts in milliseconds.
   *
   * Equivalent to: `nft list set ip t allowed`
   */
  list(ref: NftSetElementsRef, opts?: DumpOptions): Promise<NftSetElement[]>;
}

/** Set and map operations of an {@link Nft} handle. */
export interface NftSetApi {
  /**
   * Create a set, or with `map` a map (a vmap with `map: 'verdict'`), with
   * its elements if given, in one transaction. EEXIST if it exists.
   *
   * Equivalent to: `nft add set ip t allowed { type ipv4_addr ; flags interval ; elements = { 198.18.0.0/24 } ; }`
   */
  add(spec: NftSetSpec, opts?: NftCommitOptions): Promise<void>;
  /**
   * Delete a set and its elements (EBUSY while a rule uses it).
   *
   * Equivalent to: `nft delete set ip t allowed`
   */
  del(ref: NftSetRef, opts?: NftCommitOptions): Promise<void>;
  /**
   * The named sets and maps, of one family or table or all (the anonymous
   * sets of rules are left out, as nft leaves them out).
   *
   * Equivalent to: `nft list sets [family]` and `nft list maps [family]`
   */
  list(filter?: NftSetFilter, opts?: DumpOptions): Promise<NftSet[]>;
  /** Elements: `nft add/delete element`, `nft list set`. */
  readonly elements: NftSetElementsApi;
}

/** @internal The shape of a set: from the ref when it gives the type, else from the kernel (ENOENT if there is no such set). */
async function shapeOf(sock: NfnlSocket, op: string, ref: NftSetElementsRef, opts: OperationOptions): Promise<{ ref: NftSetRef; shape: SetShape }> {
  const r = checkElementsRef(op, ref);
  if (r.shape !== undefined) return { ref: r.ref, shape: r.shape };
  const replies = await sock.request(op, setType('NFT_MSG_GETSET'), 0, setGetRequest(r.ref), opts);
  const m = replies.find(isSetReply);
  if (m === undefined) throw new Error(`${op}: the kernel sent no NEWSET for ${setObject(r.ref)}`);
  const { shape } = decodeSet(m);
  if (shape === undefined) throw new TypeError(`${op}: ${setObject(r.ref)} has a key or data type netloom cannot read`);
  return { ref: r.ref, shape };
}

/** @internal The handle's `set` namespace. */
export function setApi(sock: NfnlSocket): NftSetApi {
  const elements = async (how: 'add' | 'del', ref: NftSetElementsRef, list: readonly NftSetElement[], opts: NftCommitOptions): Promise<void> => {
    const op = `nft.set.elements.${how}`;
    const { ref: r, shape } = await shapeOf(sock, op, ref, opts);
    await commitMembers(sock, op, elementMembers(how, r, shape, list, new SetIds(), op), opts);
  };
  return {
    add: async (spec, opts = {}) => {
      await commitMembers(sock, 'nft.set.add', setAddMembers(spec, new SetIds()).members, opts);
    },
    del: async (ref, opts = {}) => {
      await commitMembers(sock, 'nft.set.del', [setDelMember(ref)], opts);
    },
    list: async (filter = {}, opts = {}) => {
      const f = checkSetFilter('nft.set.list', filter);
      const replies = await sock.collect('nft.set.list', setType('NFT_MSG_GETSET'), setDumpRequest(f.family, f.table), opts);
      return replies
        .filter(isSetReply)
        .map((m) => decodeSet(m).set)
        .filter((s) => !s.flags.anonymous && (f.table === undefined || s.table === f.table));
    },
    elements: {
      add: (ref, list, opts = {}) => elements('add', ref, list, opts),
      del: (ref, list, opts = {}) => elements('del', ref, list, opts),
      list: async (ref, opts = {}) => {
        const { ref: r, shape } = await shapeOf(sock, 'nft.set.elements.list', ref, opts);
        const replies = await sock.collect('nft.set.elements.list', setType('NFT_MSG_GETSETELEM'), elemDumpRequest(checkSetRef('nft.set.elements.list', r)), opts);
        return decodeElements(shape, replies.filter(isElemReply));
      },
    },
  };
}
