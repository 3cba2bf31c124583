/**
 * A rule's expressions as the bytes of its NFTA_RULE_EXPRESSIONS, each
 * distinct expression encoded once by the native codec and reused: in a
 * ruleset of thousands of rules most expressions repeat (`meta l4proto tcp`,
 * `accept`), and handing the codec bytes instead of objects is what makes a
 * 10,000-rule batch cheap to encode.
 * @module
 */
import { native } from '../netlink/native.js';
import { encodeExpr } from './expr-codec.js';
import type { NftExpr } from './rule-types.js';

const MAX_CACHED = 8192;
const cache = new Map<string, Buffer>();

// A key that tells expressions apart exactly: every field, bytes as they
// are. The common kinds are spelled out (the generic walk costs more than
// encoding them).
function keyOf(e: NftExpr): string {
  switch (e.kind) {
    case 'cmp':
      return `c${e.sreg}${e.op}${e.data.toString('latin1')}`;
    case 'payload':
      return `p${e.base}.${e.offset}.${e.len}.${e.dreg}`;
    case 'meta':
      return `m${e.key}.${e.dreg}`;
    case 'verdict':
      return typeof e.verdict === 'string' ? `v${e.verdict}` : `v${JSON.stringify(e.verdict)}`;
    case 'immediate':
      return `i${e.dreg}.${e.data.toString('latin1')}`;
    default:
      break;
  }
  let k = '';
  for (const [name, v] of Object.entries(e)) {
    if (v === undefined) continue;
    k += `${name}=${Buffer.isBuffer(v) ? `x${v.toString('hex')}` : typeof v === 'object' ? JSON.stringify(v) : String(v)};`;
  }
  return k;
}

/** Split the codec's output for several expressions into one Buffer each (by the attributes' own lengths). */
function split(all: Buffer, count: number): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  for (let i = 0; i < count; i++) {
    const len = all.readUInt16LE(off);
    const step = (len + 3) & ~3;
    out.push(all.subarray(off, off + step));
    off += step;
  }
  return out;
}

/**
 * The NFTA_LIST_ELEM attributes of each list of expressions (a rule's), in
 * order, as pieces: the distinct expressions not seen before are encoded by
 * the codec in one call for all of them.
 */
export function exprBytesAll(lists: ReadonlyArray<readonly NftExpr[]>): Buffer[][] {
  const keys = lists.map((l) => l.map(keyOf));
  const missing = new Map<string, NftExpr>();
  keys.forEach((ks, i) =>
    ks.forEach((k, j) => {
      if (!cache.has(k) && !missing.has(k)) missing.set(k, (lists[i] as readonly NftExpr[])[j] as NftExpr);
    }),
  );
  if (missing.size > 0) {
    if (cache.size + missing.size > MAX_CACHED) cache.clear(); // bounded: a ruleset of unique expressions starts over
    const encoded = split(native.nft.encodeExprs([...missing.values()].map(encodeExpr)), missing.size);
    let n = 0;
    for (const k of missing.keys()) cache.set(k, encoded[n++] as Buffer);
  }
  return keys.map((ks) => ks.map((k) => cache.get(k) as Buffer));
}

/** The NFTA_LIST_ELEM attributes of `exprs`, in order (pieces the codec writes one after the other). */
export function exprBytes(exprs: readonly NftExpr[]): Buffer[] {
  return exprBytesAll([exprs])[0] as Buffer[];
}
