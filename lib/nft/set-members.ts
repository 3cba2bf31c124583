/**
 * The checked messages of set operations, as transaction members: a set
 * (NEWSET, then its elements), its deletion, elements added or deleted;
 * and the set ids of a rule's lookups. Shared by the handle, transactions
 * and declared rulesets.
 * @module
 */
import type { Member } from './transaction.js';
import type { NftExpr } from './rule-types.js';
import { type CheckedSet, type SetShape, checkElements, checkSetRef, checkSetSpec, setObject } from './set-check.js';
import { SetIds, delSet, kernelCount, newSet } from './set-codec.js';
import { elementMessages } from './set-elem-bytes.js';
import type { NftSetElement, NftSetRef, NftSetSpec } from './set-types.js';
import type { NftFamily } from './types.js';

/** The messages that create a checked set: NEWSET, and its elements (with the leading interval end nft writes). */
export function setCreateMessages(c: CheckedSet, ids: SetIds): Member['message'][] {
  const id = ids.of(c.family, c.table, c.name);
  // The element count only matters to a constant set (its size hint).
  return [newSet(c, id, c.constant ? kernelCount(c, c.elements, true) : 0), ...(c.elements.length === 0 ? [] : elementMessages('add', c, id, c, c.elements, true))];
}

/** Members of `set.add`. */
export function setAddMembers(spec: NftSetSpec, ids: SetIds, op = 'nft.set.add'): { members: Member[]; set: CheckedSet } {
  const c = checkSetSpec(op, spec);
  return { set: c, members: setCreateMessages(c, ids).map((message) => ({ operation: 'set.add', object: setObject(c), request: spec, message })) };
}

/** Member of `set.del`. */
export function setDelMember(ref: NftSetRef, op = 'nft.set.del'): Member {
  const r = checkSetRef(op, ref);
  return { operation: 'set.del', object: setObject(r), request: ref, message: delSet(r) };
}

/**
 * Members of `set.elements.add` / `.del` for a set of a known shape
 * (elements checked here). `empty`: the set is known to hold nothing yet
 * (made in the same transaction), which is when nft writes an interval
 * set's leading INTERVAL_END at key 0.
 */
export function elementMembers(how: 'add' | 'del', ref: NftSetRef, shape: SetShape, elements: readonly NftSetElement[], ids: SetIds, op: string, empty = false): Member[] {
  const r = checkSetRef(op, ref);
  const checked = checkElements(op, shape, elements);
  if (checked.length === 0) return [];
  // nft names the set by its id too when adding (and only then).
  const id = how === 'add' ? ids.of(r.family, r.table, r.name) : undefined;
  return elementMessages(how, r, id, shape, checked, how === 'add' && empty).map((message) => ({ operation: `set.elements.${how}`, object: setObject(r), request: elements, message }));
}

/** A rule's expressions with the batch's ids of the sets its lookups name (nft sends them; the kernel finds sets by name first). */
export function withSetIds(exprs: readonly NftExpr[], family: NftFamily, table: string, ids: SetIds): NftExpr[] {
  return exprs.map((e) => (e.kind === 'lookup' ? { ...e, setId: ids.of(family, table, e.set) } : e));
}
