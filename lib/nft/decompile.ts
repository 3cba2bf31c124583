/**
 * Kernel expressions read back into nft-level rule fields: the sequences
 * compile.ts writes (and nft writes for the same rules) are recognised, and
 * a reading is kept only if compiling it again gives exactly the same
 * expressions, so what list() reports is never a guess.
 * @module
 */
import { addrText, ifnameText, readHostU32 } from './bytes.js';
import { compileRule } from './compile.js';
import type { NftCtState, NftExpr, NftLogLevel, NftMatch, NftNat, NftNatFlags, NftPorts, NftRateUnit, NftRuleBody, NftSetKeyField, NftSetMatch } from './rule-types.js';
import { LOG_LEVELS, RATE_UNITS, ctStates, protoName, rejectName } from './rule-values.js';
import { constant } from '../netlink/native.js';
import type { NftFamily } from './types.js';

type Cmp = Extract<NftExpr, { kind: 'cmp' }>;

// One or two operators, not a rest list: this runs for every expression of a dump.
function isCmp(e: NftExpr | undefined, op: Cmp['op'], or?: Cmp['op']): e is Cmp {
  return e !== undefined && e.kind === 'cmp' && e.sreg === 1 && (e.op === op || e.op === or);
}

function onesBefore(mask: Buffer): number | undefined {
  let n = 0;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      if ((byte >> bit) & 1) {
        if (n < 0) return undefined;
        n++;
      } else if (n >= 0) n = -n - 1;
    }
  }
  return n < 0 ? -n - 1 : n;
}

function port(b: Buffer): number | undefined {
  return b.length === 2 ? b.readUInt16BE(0) : undefined;
}

function flagsOf(flags: number): NftNatFlags {
  const o: NftNatFlags = {};
  if (flags & constant('NF_NAT_RANGE_PROTO_RANDOM')) o.random = true;
  if (flags & constant('NF_NAT_RANGE_PROTO_RANDOM_FULLY')) o.fullyRandom = true;
  if (flags & constant('NF_NAT_RANGE_PERSISTENT')) o.persistent = true;
  return o;
}

/**
 * A NAT expression as nft sends it, from the kernel's dump of it: the kernel
 * fills in a range's upper register with the lower one when there was only
 * one, and adds NF_NAT_RANGE_MAP_IPS (and PROTO_SPECIFIED) for the
 * registers given; nft sends neither. Likewise a log's default level.
 */
export function asSent(e: NftExpr): NftExpr {
  if (e.kind === 'lookup' && e.setId !== undefined) {
    // A transaction id, meaningful only in the batch that sent it (the kernel does not report it).
    const { setId: _id, ...rest } = e;
    return rest;
  }
  if (e.kind === 'log' && e.level === LOG_LEVELS.warn && e.group === undefined) {
    // The kernel reports the level it logs at, warn when none was given.
    const { level: _default, ...rest } = e;
    return rest;
  }
  if (e.kind !== 'nat' && e.kind !== 'masq' && e.kind !== 'redir') return e;
  const out = { ...e };
  if (out.protoMax !== undefined && out.protoMax === out.protoMin) delete out.protoMax;
  if (out.kind === 'nat') {
    if (out.addrMax !== undefined && out.addrMax === out.addrMin) delete out.addrMax;
    if (out.addrMin !== undefined) out.flags &= ~constant('NF_NAT_RANGE_MAP_IPS');
  }
  return out;
}

/** The field a whole-field load into register 1 reads (what a set lookup keys on), if it is one. */
function setKey(e: NftExpr, family: NftFamily): { field: NftSetKeyField; family?: 'ip' | 'ip6' } | undefined {
  if (e.kind === 'meta' && e.dreg === 1) return e.key === 'iifname' || e.key === 'oifname' || e.key === 'mark' ? { field: e.key } : undefined;
  if (e.kind !== 'payload' || e.dreg !== 1) return undefined;
  if (e.base === 'transport' && e.len === 2 && (e.offset === 0 || e.offset === 2)) return { field: e.offset === 0 ? 'sport' : 'dport' };
  if (e.base !== 'network') return undefined;
  const v4 = e.len === 4 && (e.offset === 12 || e.offset === 16) && family !== 'ip6';
  const v6 = e.len === 16 && (e.offset === 8 || e.offset === 24) && family !== 'ip';
  if (!v4 && !v6) return undefined;
  return { field: e.offset === 12 || e.offset === 8 ? 'saddr' : 'daddr', family: v4 ? 'ip' : 'ip6' };
}

/** The nft-level reading of `exprs` in a table of `family`, or undefined when there is none. */
export function decompileRule(kernelExprs: readonly NftExpr[], family: NftFamily | number): NftRuleBody | undefined {
  if (typeof family === 'number') return undefined;
  const exprs = kernelExprs.map(asSent);
  const body: NftRuleBody = {};
  const m: NftMatch = {};
  const imm = new Map<number, Buffer>();
  let i = 0;
  const at = (k: number): NftExpr | undefined => exprs[i + k];
  while (i < exprs.length) {
    const e = exprs[i] as NftExpr;
    const next = at(1);
    const key = e.kind === 'payload' || e.kind === 'meta' ? setKey(e, family) : undefined;
    if (key !== undefined && next?.kind === 'lookup' && next.sreg === 1) {
      // A field looked up in a named set, or (into the verdict register) a vmap.
      const ref: NftSetMatch = key.family !== undefined && family === 'inet' ? { set: next.set, family: key.family } : { set: next.set };
      if (next.dreg === constant('NFT_REG_VERDICT') && !next.invert) body.verdict = { vmap: { ...ref, key: key.field } };
      else if (next.dreg === undefined) (m as Record<string, unknown>)[key.field] = next.invert ? { not: ref } : ref;
      else return undefined;
      i += 2;
      continue;
    }
    if (e.kind === 'meta' && e.dreg === 1 && isCmp(next, 'eq', 'ne')) {
      const not = next.op === 'ne';
      const key = e.key;
      if (key === 'iifname' || key === 'oifname') m[key] = not ? { not: ifnameText(next.data) } : ifnameText(next.data);
      else if (key === 'iif' || key === 'oif' || key === 'mark') {
        const n = readHostU32(next.data);
        if (n === undefined) return undefined;
        m[key] = not ? { not: n } : n;
      } else if (key === 'l4proto' && !not && next.data.length === 1) m.proto = protoName(next.data[0] as number) as NftMatch['proto'];
      else if (key === 'nfproto' && !not && next.data.length === 1 && family === 'inet') {
        // the family dependency of an address match: implied by the address
      } else return undefined;
      i += 2;
      continue;
    }
    if (e.kind === 'payload' && e.dreg === 1 && e.base === 'network') {
      const v4 = e.offset === 12 || e.offset === 16;
      const field = e.offset === 12 || e.offset === 8 ? 'saddr' : e.offset === 16 || e.offset === 24 ? 'daddr' : undefined;
      const size = v4 ? 4 : 16;
      if (field === undefined || (family === 'ip' && !v4) || (family === 'ip6' && v4)) return undefined;
      let len = e.len * 8;
      let c = next;
      let used = 2;
      if (next?.kind === 'bitwise' && e.len === size) {
        const ones = onesBefore(next.mask);
        if (ones === undefined) return undefined;
        len = ones;
        c = at(2);
        used = 3;
      }
      if (!isCmp(c, 'eq', 'ne')) return undefined;
      const full = Buffer.alloc(size);
      c.data.copy(full);
      const text = len === size * 8 ? addrText(full) : `${addrText(full)}/${len}`;
      m[field] = c.op === 'ne' ? { not: text } : text;
      i += used;
      continue;
    }
    if (e.kind === 'payload' && e.dreg === 1 && e.base === 'transport' && e.len === 2 && (e.offset === 0 || e.offset === 2)) {
      const field = e.offset === 0 ? 'sport' : 'dport';
      let v: NftMatch['sport'];
      let used = 2;
      if (isCmp(next, 'eq', 'ne')) {
        const p = port(next.data);
        if (p === undefined) return undefined;
        v = next.op === 'ne' ? { not: p } : p;
      } else if (isCmp(at(1), 'ge') && isCmp(at(2), 'le')) {
        const [a, b] = [port((at(1) as Cmp).data), port((at(2) as Cmp).data)];
        if (a === undefined || b === undefined) return undefined;
        v = [a, b] as NftPorts;
        used = 3;
      } else if (next?.kind === 'range' && next.sreg === 1) {
        const [a, b] = [port(next.from), port(next.to)];
        if (a === undefined || b === undefined) return undefined;
        v = next.op === 'ne' ? { not: [a, b] } : [a, b];
      } else return undefined;
      m[field] = v;
      i += used;
      continue;
    }
    if (e.kind === 'ct' && e.key === 'state' && e.dreg === 1 && e.direction === undefined) {
      if (isCmp(next, 'ne') && next.data.length === 4) {
        const s = ctStates(readHostU32(next.data) as number);
        if (s === undefined || s.length !== 1) return undefined;
        m.ctState = { not: s };
        i += 2;
        continue;
      }
      const c = at(2);
      if (next?.kind !== 'bitwise' || !isCmp(c, 'eq', 'ne') || readHostU32(c.data) !== 0) return undefined;
      const s = ctStates(readHostU32(next.mask) ?? -1) as NftCtState[] | undefined;
      if (s === undefined) return undefined;
      m.ctState = c.op === 'eq' ? { not: s } : s;
      i += 3;
      continue;
    }
    if (e.kind === 'limit' && e.type === 'packets') {
      const per = (Object.keys(RATE_UNITS) as NftRateUnit[]).find((u) => RATE_UNITS[u] === e.unit);
      if (per === undefined) return undefined;
      body.limit = { rate: e.rate, per, burst: e.burst };
      if (e.over) body.limit.over = true;
    } else if (e.kind === 'counter') {
      body.counter = { packets: e.packets, bytes: e.bytes };
    } else if (e.kind === 'log' && e.group === undefined) {
      const level = (Object.keys(LOG_LEVELS) as NftLogLevel[]).find((l) => LOG_LEVELS[l] === e.level);
      if (e.level !== undefined && level === undefined) return undefined;
      body.log = e.prefix === undefined && level === undefined ? true : { ...(e.prefix !== undefined ? { prefix: e.prefix } : {}), ...(level !== undefined ? { level } : {}) };
    } else if (e.kind === 'immediate') {
      imm.set(e.dreg, e.data);
    } else if (e.kind === 'masq' || e.kind === 'redir' || e.kind === 'nat') {
      const p = (r: number | undefined): number | undefined => (r === undefined ? undefined : port(imm.get(r) ?? Buffer.alloc(0)));
      const lo = p(e.protoMin);
      const hi = p(e.protoMax);
      const ports: NftPorts | undefined = lo === undefined ? undefined : hi === undefined ? lo : [lo, hi];
      const flags = flagsOf(e.flags);
      if (e.kind === 'nat') {
        const a = e.addrMin === undefined ? undefined : imm.get(e.addrMin);
        const b = e.addrMax === undefined ? undefined : imm.get(e.addrMax);
        if (a === undefined) return undefined;
        const target = { addr: b === undefined ? addrText(a) : ([addrText(a), addrText(b)] as const), ...(ports !== undefined ? { port: ports } : {}), ...flags };
        body.nat = e.type === 'snat' ? { snat: target } : { dnat: target };
      } else {
        const opts = { ...flags, ...(ports !== undefined ? (e.kind === 'masq' ? { ports } : { port: ports }) : {}) };
        const value = Object.keys(opts).length === 0 ? true : opts;
        body.nat = (e.kind === 'masq' ? { masquerade: value } : { redirect: value }) as NftNat;
      }
    } else if (e.kind === 'verdict' && e.verdict !== 'break') {
      body.verdict = e.verdict;
    } else if (e.kind === 'reject') {
      const how = rejectName(e.type, e.code, family);
      if (how === undefined) return undefined;
      body.verdict = { reject: how };
    } else return undefined;
    i++;
  }
  if (Object.keys(m).length > 0) body.match = m;
  return same(compileSafe(body, family), exprs) ? body : undefined;
}

function compileSafe(body: NftRuleBody, family: NftFamily): NftExpr[] | undefined {
  try {
    return compileRule(body, family);
  } catch {
    return undefined;
  }
}

/** Two expressions field by field (bytes by content), as the kernel would see them. */
export function sameExpr(x: NftExpr, y: NftExpr): boolean {
  const a = asSent(x) as unknown as Record<string, unknown>;
  const b = asSent(y) as unknown as Record<string, unknown>;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  if (ka.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
  for (const k of ka) {
    const u = a[k];
    const v = b[k];
    if (Buffer.isBuffer(u)) {
      if (!Buffer.isBuffer(v) || !u.equals(v)) return false;
    } else if (typeof u === 'object' && u !== null) {
      if (JSON.stringify(u) !== JSON.stringify(v)) return false; // a verdict's { jump }, an unknown expression's data
    } else if (u !== v) return false;
  }
  return true;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  if (a.length > 16) return a.equals(b);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// sameExpr for the expressions compile.ts and decodeExpr make, whose kinds
// below always carry exactly these fields (a rule dump compares every one of
// its expressions, and the generic walk over keys is most of that cost).
function sameMade(x: NftExpr, y: NftExpr): boolean {
  if (x.kind !== y.kind) return false;
  switch (x.kind) {
    case 'cmp': {
      const o = y as typeof x;
      return x.sreg === o.sreg && x.op === o.op && sameBytes(x.data, o.data);
    }
    case 'payload': {
      const o = y as typeof x;
      return x.base === o.base && x.offset === o.offset && x.len === o.len && x.dreg === o.dreg;
    }
    case 'meta': {
      const o = y as typeof x;
      return x.key === o.key && x.dreg === o.dreg;
    }
    case 'immediate': {
      const o = y as typeof x;
      return x.dreg === o.dreg && sameBytes(x.data, o.data);
    }
    case 'verdict': {
      const o = y as typeof x;
      if (typeof x.verdict === 'string' || typeof o.verdict === 'string') return x.verdict === o.verdict;
      return sameExpr(x, y);
    }
    default:
      return sameExpr(x, y);
  }
}

function same(a: NftExpr[] | undefined, b: readonly NftExpr[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameMade(a[i] as NftExpr, b[i] as NftExpr)) return false;
  return true;
}
