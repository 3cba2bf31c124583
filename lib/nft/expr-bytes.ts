/**
 * A rule's expressions as the bytes of its NFTA_RULE_EXPRESSIONS, from
 * templates the native codec encodes once per shape. In a ruleset of
 * thousands of rules most expressions repeat (`meta l4proto tcp`, `accept`),
 * and the rest differ only in constants (`tcp dport 1`, `tcp dport 2`): an
 * expression's shape is everything but the contents of its byte fields, so
 * its bytes are the shape's template with those contents copied into their
 * holes. Where the holes are is found, not assumed: the codec encodes the
 * shape with the fields zeroed and again with each one filled with 0xff, and
 * a field's hole is the run of bytes that changed (a shape whose fields do
 * not show up as one run each is encoded exactly, expression by expression).
 * @module
 */
import { native } from '../netlink/native.js';
import { encodeExpr } from './expr-codec.js';
import type { NftExpr } from './rule-types.js';

/** The byte fields of the kinds that have them, in the order the holes are filled. */
const HOLES = { cmp: ['data'], immediate: ['data'], bitwise: ['mask', 'xor'], range: ['from', 'to'] } as const satisfies Partial<Record<NftExpr['kind'], readonly string[]>>;
type Holey = Extract<NftExpr, { kind: keyof typeof HOLES }>;

/** A shape's bytes, and where each byte field's contents go (none: the bytes are the expression's). */
interface Template {
  bytes: Buffer;
  holes: readonly number[];
}

const MAX_CACHED = 8192;
const cache = new Map<string, Template>();

function hasHoles(e: NftExpr): e is Holey {
  return e.kind in HOLES;
}

// A key that tells shapes apart exactly: every field, and of byte fields
// their lengths (the contents go into holes). Kinds without byte fields
// and the common kinds are spelled out (the generic walk costs more than
// encoding them); anything else is keyed by every field, bytes included.
function keyOf(e: NftExpr): string {
  switch (e.kind) {
    case 'cmp':
      return `c${e.sreg}${e.op}#${e.data.length}`;
    case 'immediate':
      return `i${e.dreg}#${e.data.length}`;
    case 'bitwise':
      return `b${e.sreg}.${e.dreg}.${e.len}#${e.mask.length}.${e.xor.length}`;
    case 'range':
      return `r${e.sreg}${e.op}#${e.from.length}.${e.to.length}`;
    case 'payload':
      return `p${e.base}.${e.offset}.${e.len}.${e.dreg}`;
    case 'meta':
      return `m${e.key}.${e.dreg}`;
    case 'verdict':
      return typeof e.verdict === 'string' ? `v${e.verdict}` : `v${JSON.stringify(e.verdict)}`;
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

/** `e` with every byte field filled with `fill` (0 for all; 0xff for the field at `only`). */
function variant(e: Holey, only: number): NftExpr {
  const v: Record<string, unknown> = { ...e };
  HOLES[e.kind].forEach((f, i) => {
    v[f] = Buffer.alloc((e as unknown as Record<string, Buffer>)[f]?.length ?? 0, i === only ? 0xff : 0);
  });
  return v as unknown as NftExpr;
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

/** Where `filled` differs from `base`, if it is one run of exactly `len` bytes (the field's hole). */
function holeAt(base: Buffer, filled: Buffer, len: number): number | undefined {
  if (filled.length !== base.length) return undefined;
  let first = -1;
  let count = 0;
  for (let i = 0; i < base.length; i++) {
    if (base[i] === filled[i]) continue;
    if (first < 0) first = i;
    else if (i !== first + count) return undefined;
    count++;
  }
  if (len === 0) return count === 0 ? base.length : undefined;
  return count === len ? first : undefined;
}

/** Templates for shapes not seen before, all encoded by the codec in one call. */
function learn(missing: Map<string, NftExpr>): void {
  if (cache.size + missing.size > MAX_CACHED) cache.clear(); // bounded: a ruleset of unique shapes starts over
  const asked: NftExpr[] = [];
  for (const e of missing.values()) {
    if (hasHoles(e)) {
      asked.push(variant(e, -1));
      HOLES[e.kind].forEach((_, i) => asked.push(variant(e, i)));
    } else asked.push(e);
  }
  const encoded = split(native.nft.encodeExprs(asked.map(encodeExpr)), asked.length);
  let n = 0;
  for (const [k, e] of missing) {
    const base = encoded[n++] as Buffer;
    if (!hasHoles(e)) {
      cache.set(k, { bytes: base, holes: [] });
      continue;
    }
    const holes = HOLES[e.kind].map((f) => holeAt(base, encoded[n++] as Buffer, (e as unknown as Record<string, Buffer>)[f]?.length ?? 0));
    if (holes.every((h) => h !== undefined)) cache.set(k, { bytes: base, holes });
    else cache.set(k, { bytes: base, holes: [-1] }); // no clean holes: encode each expression of this shape exactly
  }
}

/** The template of each expression (learning the shapes not seen before). */
function templates(lists: ReadonlyArray<readonly NftExpr[]>): Template[][] {
  const keys = lists.map((l) => l.map(keyOf));
  const missing = new Map<string, NftExpr>();
  keys.forEach((ks, i) =>
    ks.forEach((k, j) => {
      if (!cache.has(k) && !missing.has(k)) missing.set(k, (lists[i] as readonly NftExpr[])[j] as NftExpr);
    }),
  );
  if (missing.size > 0) learn(missing);
  return keys.map((ks) => ks.map((k) => cache.get(k) as Template));
}

/** A shape without clean holes: the holes list that says "encode each expression exactly". */
function exactOnly(t: Template): boolean {
  return t.holes.length === 1 && t.holes[0] === -1;
}

/** Write `e` from its template at `out[at]`. */
function fill(e: NftExpr, t: Template, out: Buffer, at: number): void {
  out.set(t.bytes, at);
  const h = t.holes;
  if (h.length === 0) return;
  const fields = HOLES[(e as Holey).kind];
  for (let i = 0; i < h.length; i++) out.set((e as unknown as Record<string, Buffer>)[fields[i] as string] as Buffer, at + (h[i] as number));
}

/**
 * The NFTA_LIST_ELEM attributes of each list of expressions (a rule's), one
 * after the other in one Buffer; `ends[i]` is where list i's end.
 */
export function exprListBytes(lists: ReadonlyArray<readonly NftExpr[]>): { bytes: Buffer; ends: Uint32Array } {
  const ts = templates(lists);
  let size = 0;
  const exact = new Map<NftExpr, Buffer>();
  ts.forEach((l, i) =>
    l.forEach((t, j) => {
      if (!exactOnly(t)) {
        size += t.bytes.length;
        return;
      }
      const e = (lists[i] as readonly NftExpr[])[j] as NftExpr;
      const b = native.nft.encodeExprs([encodeExpr(e)]);
      exact.set(e, b);
      size += b.length;
    }),
  );
  const bytes = Buffer.allocUnsafe(size);
  const ends = new Uint32Array(lists.length);
  let at = 0;
  ts.forEach((l, i) => {
    const exprs = lists[i] as readonly NftExpr[];
    for (let j = 0; j < l.length; j++) {
      const e = exprs[j] as NftExpr;
      const t = l[j] as Template;
      const b = exactOnly(t) ? (exact.get(e) as Buffer) : undefined;
      if (b !== undefined) bytes.set(b, at);
      else fill(e, t, bytes, at);
      at += b?.length ?? t.bytes.length;
    }
    ends[i] = at;
  });
  return { bytes, ends };
}

/** The NFTA_LIST_ELEM attributes of `exprs`, in order (pieces the codec writes one after the other). */
export function exprBytes(exprs: readonly NftExpr[]): Buffer[] {
  return [exprListBytes([exprs]).bytes];
}
