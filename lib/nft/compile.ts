/**
 * A checked rule body compiled into kernel expressions, the way nft 1.0
 * compiles the same rule (`nft --debug=netlink` shows the sequence): a
 * `meta` or `payload` load into register 1 and a `cmp` per match (a
 * `lookup` for a named set, of the whole field), prefixes shortened to
 * whole bytes or masked with `bitwise`, port ranges as two comparisons, NAT
 * targets as immediates into registers 1.., a vmap as a lookup into the
 * verdict register.
 * @module
 */
import { constant } from '../netlink/native.js';
import { be16, hostU32, ifnameBytes, parsePrefix, prefixMask, u8 } from './bytes.js';
import { addrFamily, isSetMatch, unwrap } from './rule-check.js';
import type { NftCmp, NftExpr, NftMatch, NftNat, NftNatFlags, NftPorts, NftRuleBody, NftSetKeyField, NftSetMatch, NftVmap } from './rule-types.js';
import { L4_PROTOS, LOG_LEVELS, RATE_UNITS, ctBits, rejectCode } from './rule-values.js';
import type { NftFamily } from './types.js';

const R1 = 1; // NFT_REG_1: nft loads every match into it
const IFNAME_FIELDS = ['iifname', 'oifname'] as const;
const INDEX_FIELDS = ['iif', 'oif'] as const;

function cmp(op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', data: Buffer): NftExpr {
  return { kind: 'cmp', sreg: R1, op, data };
}

function meta(key: 'iifname' | 'oifname' | 'iif' | 'oif' | 'mark' | 'nfproto' | 'l4proto', out: NftExpr[]): void {
  out.push({ kind: 'meta', key, dreg: R1 });
}

function lookup(ref: NftSetMatch, not: boolean, out: NftExpr[]): void {
  out.push({ kind: 'lookup', sreg: R1, set: ref.set, invert: not });
}

function addrOffset(field: 'saddr' | 'daddr', fam: 'ip' | 'ip6'): number {
  return fam === 'ip' ? (field === 'saddr' ? 12 : 16) : field === 'saddr' ? 8 : 24;
}

/** The load of a field into register 1, whole (what a set lookup or a vmap keys on). */
function keyLoad(field: NftSetKeyField, fam: 'ip' | 'ip6' | undefined, out: NftExpr[]): void {
  if (field === 'saddr' || field === 'daddr') out.push({ kind: 'payload', base: 'network', offset: addrOffset(field, fam ?? 'ip'), len: fam === 'ip6' ? 16 : 4, dreg: R1 });
  else if (field === 'sport' || field === 'dport') out.push({ kind: 'payload', base: 'transport', offset: field === 'sport' ? 0 : 2, len: 2, dreg: R1 });
  else meta(field, out);
}

function prefixMatch(field: 'saddr' | 'daddr', v: NftCmp<string | NftSetMatch>, family: NftFamily, out: NftExpr[]): void {
  const [text, not] = unwrap(v);
  if (isSetMatch(text)) {
    keyLoad(field, text.family ?? (family === 'ip6' ? 'ip6' : 'ip'), out);
    lookup(text, not, out);
    return;
  }
  const p = parsePrefix(text);
  if (typeof p === 'string') throw new TypeError(`match.${field}: ${p}`);
  const offset = addrOffset(field, p.family);
  const size = p.bytes.length;
  if (p.len % 8 === 0) {
    // Whole bytes: load only those (nft's "payload load 3b" for a /24).
    out.push({ kind: 'payload', base: 'network', offset, len: p.len / 8, dreg: R1 });
    out.push(cmp(not ? 'ne' : 'eq', p.bytes.subarray(0, p.len / 8)));
    return;
  }
  out.push({ kind: 'payload', base: 'network', offset, len: size, dreg: R1 });
  out.push({ kind: 'bitwise', sreg: R1, dreg: R1, len: size, mask: prefixMask(p.len, size), xor: Buffer.alloc(size) });
  out.push(cmp(not ? 'ne' : 'eq', p.bytes));
}

function portMatch(offset: 0 | 2, v: NftCmp<NftPorts | NftSetMatch>, out: NftExpr[]): void {
  const [ports, not] = unwrap(v);
  out.push({ kind: 'payload', base: 'transport', offset, len: 2, dreg: R1 });
  if (isSetMatch(ports)) {
    lookup(ports, not, out);
  } else if (typeof ports === 'number') {
    out.push(cmp(not ? 'ne' : 'eq', be16(ports)));
  } else if (not) {
    out.push({ kind: 'range', sreg: R1, op: 'ne', from: be16(ports[0]), to: be16(ports[1]) });
  } else {
    out.push(cmp('ge', be16(ports[0])), cmp('le', be16(ports[1])));
  }
}

function matchExprs(m: NftMatch, family: NftFamily, out: NftExpr[]): void {
  for (const f of IFNAME_FIELDS) {
    const v = m[f];
    if (v === undefined) continue;
    const [name, not] = unwrap(v);
    meta(f, out);
    if (isSetMatch(name)) lookup(name, not, out);
    else out.push(cmp(not ? 'ne' : 'eq', ifnameBytes(name)));
  }
  for (const f of INDEX_FIELDS) {
    const v = m[f];
    if (v === undefined) continue;
    const [index, not] = unwrap(v);
    meta(f, out);
    out.push(cmp(not ? 'ne' : 'eq', hostU32(index)));
  }
  const fam = addrFamily('compile', m, family);
  if (fam !== undefined && family === 'inet') {
    // In an inet table an address match first needs the family (nft's dependency).
    meta('nfproto', out);
    out.push(cmp('eq', u8(constant(fam === 'ip' ? 'NFPROTO_IPV4' : 'NFPROTO_IPV6'))));
  }
  if (m.saddr !== undefined) prefixMatch('saddr', m.saddr, family, out);
  if (m.daddr !== undefined) prefixMatch('daddr', m.daddr, family, out);
  if (m.proto !== undefined) {
    meta('l4proto', out);
    out.push(cmp('eq', u8(typeof m.proto === 'number' ? m.proto : (L4_PROTOS[m.proto] as number))));
  }
  if (m.sport !== undefined) portMatch(0, m.sport, out);
  if (m.dport !== undefined) portMatch(2, m.dport, out);
  if (m.ctState !== undefined) {
    const [states, not] = unwrap(m.ctState);
    const bits = ctBits(states);
    out.push({ kind: 'ct', key: 'state', dreg: R1 });
    if (not && states.length === 1) {
      out.push(cmp('ne', hostU32(bits)));
    } else {
      out.push({ kind: 'bitwise', sreg: R1, dreg: R1, len: 4, mask: hostU32(bits), xor: hostU32(0) });
      out.push(cmp(not ? 'eq' : 'ne', hostU32(0)));
    }
  }
  if (m.mark !== undefined) {
    const [mark, not] = unwrap(m.mark);
    meta('mark', out);
    if (isSetMatch(mark)) lookup(mark, not, out);
    else out.push(cmp(not ? 'ne' : 'eq', hostU32(mark)));
  }
}

function natFlags(f: NftNatFlags): number {
  let flags = 0;
  if (f.random === true) flags |= constant('NF_NAT_RANGE_PROTO_RANDOM');
  if (f.persistent === true) flags |= constant('NF_NAT_RANGE_PERSISTENT');
  if (f.fullyRandom === true) flags |= constant('NF_NAT_RANGE_PROTO_RANDOM_FULLY');
  return flags;
}

/** Immediates of a port or range into registers from `reg`: [protoMin, protoMax?]. */
function portRegs(ports: NftPorts, reg: number, out: NftExpr[]): { protoMin: number; protoMax?: number } {
  const [lo, hi] = typeof ports === 'number' ? [ports, undefined] : ports;
  out.push({ kind: 'immediate', dreg: reg, data: be16(lo) });
  if (hi === undefined) return { protoMin: reg };
  out.push({ kind: 'immediate', dreg: reg + 1, data: be16(hi) });
  return { protoMin: reg, protoMax: reg + 1 };
}

function natExprs(n: NftNat, out: NftExpr[]): void {
  const proto = constant('NF_NAT_RANGE_PROTO_SPECIFIED');
  if ('masquerade' in n || 'redirect' in n) {
    const masq = 'masquerade' in n;
    const o = masq ? n.masquerade : n.redirect;
    const opts = o === true ? {} : o;
    const ports = 'ports' in opts ? opts.ports : 'port' in opts ? opts.port : undefined;
    let flags = natFlags(opts);
    const regs = ports === undefined ? {} : portRegs(ports, R1, out);
    if (ports !== undefined) flags |= proto;
    out.push({ kind: masq ? 'masq' : 'redir', ...regs, flags });
    return;
  }
  const snat = 'snat' in n;
  const t = snat ? n.snat : n.dnat;
  const addrs = (typeof t.addr === 'string' ? [t.addr] : [...t.addr]).map((a) => parsePrefix(a));
  let reg = R1;
  const e: Extract<NftExpr, { kind: 'nat' }> = { kind: 'nat', type: snat ? 'snat' : 'dnat', family: 'ip', flags: natFlags(t) };
  for (const p of addrs) {
    if (typeof p === 'string') throw new TypeError(`nat: ${p}`);
    e.family = p.family;
    out.push({ kind: 'immediate', dreg: reg, data: p.bytes });
    if (e.addrMin === undefined) e.addrMin = reg;
    else e.addrMax = reg;
    reg++;
  }
  if (t.port !== undefined) {
    const r = portRegs(t.port, reg, out);
    e.protoMin = r.protoMin;
    if (r.protoMax !== undefined) e.protoMax = r.protoMax;
    e.flags |= proto;
  }
  out.push(e);
}

/** `KEY vmap @set`: the key's load (after the family dependency an inet table needs, unless the match made it) and a lookup into the verdict register. */
function vmapExprs(v: NftVmap, m: NftMatch, family: NftFamily, out: NftExpr[]): void {
  const addr = v.key === 'saddr' || v.key === 'daddr';
  const fam = addr ? (v.family ?? (family === 'ip6' ? 'ip6' : 'ip')) : undefined;
  if (addr && family === 'inet' && addrFamily('compile', m, family) === undefined) {
    meta('nfproto', out);
    out.push(cmp('eq', u8(constant(fam === 'ip' ? 'NFPROTO_IPV4' : 'NFPROTO_IPV6'))));
  }
  keyLoad(v.key, fam, out);
  out.push({ kind: 'lookup', sreg: R1, dreg: constant('NFT_REG_VERDICT'), set: v.set, invert: false });
}

/** The expressions of a checked rule body in a table of `family`. */
export function compileRule(body: NftRuleBody, family: NftFamily): NftExpr[] {
  if (body.exprs !== undefined) return [...body.exprs];
  const out: NftExpr[] = [];
  if (body.match !== undefined) matchExprs(body.match, family, out);
  if (body.limit !== undefined) {
    const l = body.limit;
    out.push({ kind: 'limit', rate: l.rate, unit: RATE_UNITS[l.per], burst: l.burst ?? 5, type: 'packets', over: l.over === true });
  }
  if (body.counter !== undefined && body.counter !== false) {
    const c = body.counter === true ? { packets: 0, bytes: 0 } : body.counter;
    out.push({ kind: 'counter', packets: c.packets, bytes: c.bytes });
  }
  if (body.log !== undefined && body.log !== false) {
    const l = body.log === true ? {} : body.log;
    const e: NftExpr = { kind: 'log' };
    if (l.prefix !== undefined) e.prefix = l.prefix;
    if (l.level !== undefined) e.level = LOG_LEVELS[l.level];
    out.push(e);
  }
  if (body.nat !== undefined) natExprs(body.nat, out);
  const v = body.verdict;
  if (v !== undefined) {
    if (typeof v === 'object' && 'reject' in v) out.push({ kind: 'reject', ...rejectCode(v.reject, family) });
    else if (typeof v === 'object' && 'vmap' in v) vmapExprs(v.vmap, body.match ?? {}, family, out);
    else out.push({ kind: 'verdict', verdict: v });
  }
  return out;
}
