/**
 * Rule dumps read from the decoder's tape (lib/netlink/tape.ts) straight
 * into typed rules, without first building the generic message objects
 * (message, header, attributes, the expression list, each expression's
 * wrapper): in a dump of 10,000 rules those were most of the work. The
 * common expressions (payload and meta loads, cmp, immediate) are read from
 * the tape into the IR by the constructors decodeExpr uses; anything else,
 * and any of those with a field or shape this reader does not expect, is
 * built as the generic objects and given to decodeExpr, so every rule reads
 * exactly as decodeRule(materialized message) reads it (test/nft/rule-tape.test.mjs).
 * @module
 */
import { constant, native, type RawAttrs } from '../netlink/native.js';
import { TAPE_OPS, copyOut, type Tape } from '../netlink/tape.js';
import { ruleOf } from './decode.js';
import { cmpOf, decodeExpr, metaLoad, payloadLoad, verdictExpr } from './expr-codec.js';
import type { NftExpr, NftRule } from './rule-types.js';
import { familyName } from './values.js';

const { OBJECT, ARRAY, END, NUMBER, STRING, BYTES, TRUE, UNKNOWN, KEY_MASK } = TAPE_OPS;

/** A position in a tape, and the generic reading of any value in it (what materialize builds). */
class Reader {
  i = 0;
  ni = 0;
  constructor(
    readonly ops: Uint32Array,
    readonly nums: Float64Array,
    readonly blob: Buffer,
    readonly keys: readonly string[],
  ) {}

  next(): number {
    return this.ops[this.i++] as number;
  }

  key(w: number): string {
    return this.keys[w & KEY_MASK] as string;
  }

  num(): number {
    return this.nums[this.ni++] as number;
  }

  string(): string {
    const off = this.next();
    return this.blob.toString('utf8', off, off + this.next());
  }

  bytes(): Buffer {
    const off = this.next();
    return copyOut(this.blob, off, this.next());
  }

  /** Past the value of op `w` (read already). */
  skip(w: number): void {
    let depth = 0;
    for (let x = w; ; x = this.next()) {
      const k = x >>> 28;
      if (k === OBJECT || k === ARRAY) depth++;
      else if (k === END) depth--;
      else if (k === NUMBER) this.ni++;
      else if (k === STRING || k === BYTES || k === UNKNOWN) this.i += 2;
      if (depth === 0) return;
    }
  }

  /** The value of op `w` (read already), as materialize builds it. */
  build(w: number): unknown {
    switch (w >>> 28) {
      case OBJECT: {
        const o: Record<string, unknown> = {};
        for (let x = this.next(); x >>> 28 !== END; x = this.next()) {
          if (x >>> 28 === UNKNOWN) ((o.$unknown ??= []) as unknown[]).push({ type: x & KEY_MASK, data: this.bytes() });
          else o[this.key(x)] = this.build(x);
        }
        return o;
      }
      case ARRAY: {
        const a: unknown[] = [];
        for (let x = this.next(); x >>> 28 !== END; x = this.next()) a.push(this.build(x));
        return a;
      }
      case NUMBER:
        return this.num();
      case STRING:
        return this.string();
      case BYTES:
        return this.bytes();
      case TRUE:
        return true;
      default:
        throw new Error(`netloom: corrupt decode tape (op ${w >>> 28} at ${this.i - 1})`);
    }
  }

  /** `{ value: <bytes> }` and its end, or undefined (the position is then anywhere: the caller starts over). */
  valueNest(): Buffer | undefined {
    const x = this.next();
    if (x >>> 28 !== BYTES || this.key(x) !== 'value') return undefined;
    const b = this.bytes();
    return this.next() >>> 28 === END ? b : undefined;
  }
}

/** The numbers of an object of exactly the number fields `a` and `b` (undefined on anything else). */
function twoNumbers(r: Reader, a: string, b: string): [number, number] | undefined {
  let x1: number | undefined;
  let x2: number | undefined;
  for (let x = r.next(); x >>> 28 !== END; x = r.next()) {
    if (x >>> 28 !== NUMBER) return undefined;
    const k = r.key(x);
    if (k === a) x1 = r.num();
    else if (k === b) x2 = r.num();
    else return undefined;
  }
  return x1 === undefined || x2 === undefined ? undefined : [x1, x2];
}

/** An expression's data object read into the IR, for the kinds read here; undefined for anything unexpected. */
function fastData(r: Reader, name: string): NftExpr | undefined {
  switch (name) {
    case 'payload': {
      let dreg: number | undefined;
      let base: number | undefined;
      let offset: number | undefined;
      let len: number | undefined;
      for (let x = r.next(); x >>> 28 !== END; x = r.next()) {
        if (x >>> 28 !== NUMBER) return undefined;
        const k = r.key(x);
        if (k === 'dreg') dreg = r.num();
        else if (k === 'base') base = r.num();
        else if (k === 'offset') offset = r.num();
        else if (k === 'len') len = r.num();
        else return undefined;
      }
      return dreg === undefined || base === undefined || offset === undefined || len === undefined ? undefined : payloadLoad(base, offset, len, dreg);
    }
    case 'meta': {
      const f = twoNumbers(r, 'key', 'dreg');
      return f === undefined ? undefined : metaLoad(f[0], f[1]);
    }
    case 'cmp': {
      let sreg: number | undefined;
      let op: number | undefined;
      let data: Buffer | undefined;
      for (let x = r.next(); x >>> 28 !== END; x = r.next()) {
        const k = r.key(x);
        if (x >>> 28 === NUMBER && k === 'sreg') sreg = r.num();
        else if (x >>> 28 === NUMBER && k === 'op') op = r.num();
        else if (x >>> 28 === OBJECT && k === 'data') data = r.valueNest();
        else return undefined;
        if (k === 'data' && data === undefined) return undefined;
      }
      return sreg === undefined || op === undefined || data === undefined ? undefined : cmpOf(sreg, op, data);
    }
    case 'immediate': {
      let dreg: number | undefined;
      let value: Buffer | undefined;
      let verdict: RawAttrs | undefined;
      for (let x = r.next(); x >>> 28 !== END; x = r.next()) {
        const k = r.key(x);
        if (x >>> 28 === NUMBER && k === 'dreg') dreg = r.num();
        else if (x >>> 28 === OBJECT && k === 'data') {
          for (let y = r.next(); y >>> 28 !== END; y = r.next()) {
            const kk = r.key(y);
            if (y >>> 28 === BYTES && kk === 'value') value = r.bytes();
            else if (y >>> 28 === OBJECT && kk === 'verdict') verdict = r.build(y) as RawAttrs;
            else return undefined;
          }
        } else return undefined;
      }
      // decodeExpr's reading: a verdict wins; otherwise the value into dreg.
      if (verdict !== undefined) return verdictExpr(verdict);
      return dreg === undefined || value === undefined ? undefined : { kind: 'immediate', dreg, data: value };
    }
    default:
      return undefined;
  }
}

/** One NFTA_LIST_ELEM (its object's op read already) into the IR. */
function expr(r: Reader): NftExpr {
  const i = r.i;
  const ni = r.ni;
  const x = r.next();
  if (x >>> 28 === STRING && r.key(x) === 'name') {
    const name = r.string();
    const d = r.next();
    if (d >>> 28 === OBJECT && r.key(d) === 'data') {
      const e = fastData(r, name);
      if (e !== undefined && r.next() >>> 28 === END) return e;
    }
  }
  r.i = i;
  r.ni = ni;
  return decodeExpr(r.build(OBJECT << 28) as RawAttrs);
}

/** A value that decodeRule would read `.elem` of: its expressions. */
function expressions(r: Reader, w: number): NftExpr[] {
  if (w >>> 28 !== OBJECT) {
    const v = r.build(w) as RawAttrs | undefined;
    const list = (v as RawAttrs | undefined)?.elem;
    return Array.isArray(list) ? list.map((e) => decodeExpr(e as RawAttrs)) : [];
  }
  let exprs: NftExpr[] = [];
  for (let x = r.next(); x >>> 28 !== END; x = r.next()) {
    if (x >>> 28 === UNKNOWN || r.key(x) !== 'elem') {
      r.skip(x);
      continue;
    }
    if (x >>> 28 !== ARRAY) {
      r.build(x); // not a list: decodeRule reads none
      exprs = [];
      continue;
    }
    exprs = [];
    for (let y = r.next(); y >>> 28 !== END; y = r.next()) exprs.push(y >>> 28 === OBJECT ? expr(r) : decodeExpr(r.build(y) as RawAttrs));
  }
  return exprs;
}

/**
 * The rules of a dump batch's tape (messages other than NEWRULE left out),
 * and whether any message carried NLM_F_DUMP_INTR.
 */
export function rulesFromTape(tape: Tape | null): { items: NftRule[]; interrupted: boolean } {
  const items: NftRule[] = [];
  if (tape === null) return { items, interrupted: false };
  const r = new Reader(tape.ops, tape.nums, tape.blob, native.tapeKeys(tape));
  const newRule = (constant('NFNL_SUBSYS_NFTABLES') << 8) | constant('NFT_MSG_NEWRULE');
  const intr = constant('NLM_F_DUMP_INTR');
  let interrupted = false;
  while (r.i < r.ops.length) {
    const w = r.next();
    if (w >>> 28 !== OBJECT) {
      r.skip(w);
      continue;
    }
    let type: unknown;
    let flags = 0;
    let family = 0;
    let parts: { table: unknown; chain: unknown; handle: unknown; userdata: unknown; exprs: NftExpr[] } | undefined;
    for (let x = r.next(); x >>> 28 !== END; x = r.next()) {
      const k = x >>> 28 === UNKNOWN ? '' : r.key(x);
      if (k === 'type' && x >>> 28 === NUMBER) type = r.num();
      else if (k === 'flags' && x >>> 28 === NUMBER) flags = r.num();
      else if (k === 'header' && x >>> 28 === OBJECT) {
        for (let y = r.next(); y >>> 28 !== END; y = r.next()) {
          if (y >>> 28 === NUMBER && r.key(y) === 'nfgenFamily') family = r.num();
          else r.skip(y);
        }
      } else if (k === 'attrs' && x >>> 28 === OBJECT && (type === undefined || type === newRule)) {
        parts = { table: undefined, chain: undefined, handle: undefined, userdata: undefined, exprs: [] };
        for (let y = r.next(); y >>> 28 !== END; y = r.next()) {
          const a = y >>> 28 === UNKNOWN ? '' : r.key(y);
          if (a === 'table' || a === 'chain' || a === 'handle' || a === 'userdata') parts[a] = r.build(y);
          else if (a === 'expressions') parts.exprs = expressions(r, y);
          else r.skip(y);
        }
      } else r.skip(x);
    }
    if (flags & intr) interrupted = true;
    if (type === newRule && parts !== undefined) items.push(ruleOf(familyName(family), parts.table, parts.chain, parts.handle, parts.exprs, parts.userdata));
  }
  return { items, interrupted };
}
