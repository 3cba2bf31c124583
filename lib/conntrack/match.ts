/**
 * A checked filter applied to decoded entries: the authority on what
 * `list()` returns, whatever part of the filter the kernel already applied
 * (older kernels ignore CTA_FILTER and CTA_STATUS; no kernel compares the
 * zone in a dump).
 * @module
 */
import { addrKey } from './address.js';
import type { CtEntry, CtTuple } from './types.js';
import type { CheckedFilter, CheckedTuple } from './validate.js';
import { familyNumber, protoNumber, statusBit } from './values.js';

function sameAddr(a: string, b: string | undefined): boolean {
  return b === undefined || addrKey(a) === addrKey(b);
}

function tupleMatches(t: CtTuple, f: CheckedTuple): boolean {
  return sameAddr(t.src, f.src) && sameAddr(t.dst, f.dst) && (f.sport === undefined || t.sport === f.sport) && (f.dport === undefined || t.dport === f.dport);
}

/** Does the entry satisfy every field of the filter? */
export function matches(e: CtEntry, f: CheckedFilter): boolean {
  if (f.family !== undefined && e.family !== f.family && e.family !== familyNumber(f.family)) return false;
  if (f.proto !== undefined && (typeof e.proto === 'number' ? e.proto : protoNumber(e.proto)) !== f.proto) return false;
  if (f.zone !== undefined && e.zone !== f.zone) return false;
  if (f.mark !== undefined && ((e.mark & (f.markMask ?? 0xffffffff)) >>> 0) !== ((f.mark & (f.markMask ?? 0xffffffff)) >>> 0)) return false;
  if (f.status !== 0) {
    const bits = e.status.reduce((b, s) => b | statusBit(s), 0);
    if ((bits & f.status) !== f.status) return false;
  }
  return tupleMatches(e.orig, f.orig) && tupleMatches(e.reply, f.reply);
}
