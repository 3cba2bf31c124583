/**
 * Kernel expressions (the IR of rule-types.ts) to and from the codec's
 * attributes (native/nft_tables.cc). Attributes are built in the order
 * libnftnl builds them, so a rule's bytes are the bytes nft sends.
 * @module
 */
import { constant, type RawAttrs, rawNum } from '../netlink/native.js';
import type { NftCmpOp, NftCtKey, NftExpr, NftMetaKey, NftPayloadBase } from './rule-types.js';

/** One NFTA_LIST_ELEM of NFTA_RULE_EXPRESSIONS, in the codec's words. */
export type RawExpr = {
  name: string;
  data: RawAttrs | Buffer;
};

const PAYLOAD_BASES: Record<NftPayloadBase, string> = { ll: 'NFT_PAYLOAD_LL_HEADER', network: 'NFT_PAYLOAD_NETWORK_HEADER', transport: 'NFT_PAYLOAD_TRANSPORT_HEADER' };
const META_KEYS: Record<NftMetaKey, string> = {
  len: 'NFT_META_LEN',
  protocol: 'NFT_META_PROTOCOL',
  mark: 'NFT_META_MARK',
  iif: 'NFT_META_IIF',
  oif: 'NFT_META_OIF',
  iifname: 'NFT_META_IIFNAME',
  oifname: 'NFT_META_OIFNAME',
  iiftype: 'NFT_META_IIFTYPE',
  oiftype: 'NFT_META_OIFTYPE',
  skuid: 'NFT_META_SKUID',
  skgid: 'NFT_META_SKGID',
  nfproto: 'NFT_META_NFPROTO',
  l4proto: 'NFT_META_L4PROTO',
};
const CT_KEYS: Record<NftCtKey, string> = { state: 'NFT_CT_STATE', direction: 'NFT_CT_DIRECTION', status: 'NFT_CT_STATUS', mark: 'NFT_CT_MARK', zone: 'NFT_CT_ZONE' };
const CMP_OPS: Record<NftCmpOp, string> = { eq: 'NFT_CMP_EQ', ne: 'NFT_CMP_NEQ', lt: 'NFT_CMP_LT', le: 'NFT_CMP_LTE', gt: 'NFT_CMP_GT', ge: 'NFT_CMP_GTE' };
const VERDICTS = { accept: 'NF_ACCEPT', drop: 'NF_DROP', return: 'NFT_RETURN', continue: 'NFT_CONTINUE', break: 'NFT_BREAK' } as const;
/** The verdicts of the IR: an immediate's, a vmap element's. */
export type KernelVerdict = Extract<NftExpr, { kind: 'verdict' }>['verdict'];
const REJECT_TYPES = { icmp: 'NFT_REJECT_ICMP_UNREACH', 'tcp-reset': 'NFT_REJECT_TCP_RST', icmpx: 'NFT_REJECT_ICMPX_UNREACH' } as const;

function byName<K extends string>(table: Record<K, string>, key: K | number): number {
  return typeof key === 'number' ? key : constant(table[key]);
}

// Each table's numbers back to names, built on first use (a rule dump reads
// every expression's key or op through these).
const reverse = new WeakMap<object, Map<number, string>>();

function nameOf<K extends string>(table: Record<K, string>, n: number): K | number {
  let names = reverse.get(table);
  if (names === undefined) {
    names = new Map();
    for (const k of Object.keys(table) as K[]) if (!names.has(constant(table[k]))) names.set(constant(table[k]), k);
    reverse.set(table, names);
  }
  return (names.get(n) as K | undefined) ?? n;
}

function value(data: unknown): Buffer {
  const v = (data as RawAttrs | undefined)?.value;
  return Buffer.isBuffer(v) ? v : Buffer.alloc(0);
}

function natRegs(e: { protoMin?: number; protoMax?: number }, into: RawAttrs): void {
  if (e.protoMin !== undefined) into.regProtoMin = e.protoMin;
  if (e.protoMax !== undefined) into.regProtoMax = e.protoMax;
}

/** One expression as the codec encodes it. */
export function encodeExpr(e: NftExpr): RawExpr {
  switch (e.kind) {
    case 'payload':
      return { name: 'payload', data: { dreg: e.dreg, base: byName(PAYLOAD_BASES, e.base), offset: e.offset, len: e.len } };
    case 'meta':
      return { name: 'meta', data: { key: byName(META_KEYS, e.key), dreg: e.dreg } };
    case 'cmp':
      return { name: 'cmp', data: { sreg: e.sreg, op: byName(CMP_OPS, e.op), data: { value: e.data } } };
    case 'bitwise':
      return { name: 'bitwise', data: { sreg: e.sreg, dreg: e.dreg, len: e.len, mask: { value: e.mask }, xor: { value: e.xor } } };
    case 'range':
      return { name: 'range', data: { sreg: e.sreg, op: constant(e.op === 'eq' ? 'NFT_RANGE_EQ' : 'NFT_RANGE_NEQ'), fromData: { value: e.from }, toData: { value: e.to } } };
    case 'immediate':
      return { name: 'immediate', data: { dreg: e.dreg, data: { value: e.data } } };
    case 'verdict':
      return { name: 'immediate', data: { dreg: constant('NFT_REG_VERDICT'), data: { verdict: verdictAttrs(e.verdict) } } };
    case 'lookup': {
      // libnftnl's order: SREG, DREG, SET, SET_ID, FLAGS (only when inverted).
      const data: RawAttrs = { sreg: e.sreg };
      if (e.dreg !== undefined) data.dreg = e.dreg;
      data.set = e.set;
      if (e.setId !== undefined) data.setId = e.setId;
      if (e.invert) data.flags = constant('NFT_LOOKUP_F_INV');
      return { name: 'lookup', data };
    }
    case 'ct': {
      const data: RawAttrs = { key: byName(CT_KEYS, e.key), dreg: e.dreg };
      if (e.direction !== undefined) data.direction = constant(e.direction === 'original' ? 'IP_CT_DIR_ORIGINAL' : 'IP_CT_DIR_REPLY');
      return { name: 'ct', data };
    }
    case 'counter':
      // A fresh counter is an empty nest, as nft sends it; values only to restore them.
      return { name: 'counter', data: e.packets === 0 && e.bytes === 0 ? {} : { bytes: e.bytes, packets: e.packets } };
    case 'limit':
      return {
        name: 'limit',
        data: { rate: e.rate, unit: e.unit, burst: e.burst, type: constant(e.type === 'packets' ? 'NFT_LIMIT_PKTS' : 'NFT_LIMIT_PKT_BYTES'), flags: e.over ? constant('NFT_LIMIT_F_INV') : 0 },
      };
    case 'log': {
      const data: RawAttrs = {};
      if (e.prefix !== undefined) data.prefix = e.prefix;
      if (e.group !== undefined) data.group = e.group;
      if (e.level !== undefined) data.level = e.level;
      return { name: 'log', data };
    }
    case 'reject':
      return { name: 'reject', data: { type: constant(REJECT_TYPES[e.type]), icmpCode: e.code } };
    case 'nat': {
      const data: RawAttrs = { type: constant(e.type === 'snat' ? 'NFT_NAT_SNAT' : 'NFT_NAT_DNAT'), family: constant(e.family === 'ip' ? 'NFPROTO_IPV4' : 'NFPROTO_IPV6') };
      if (e.addrMin !== undefined) data.regAddrMin = e.addrMin;
      if (e.addrMax !== undefined) data.regAddrMax = e.addrMax;
      natRegs(e, data);
      if (e.flags !== 0) data.flags = e.flags;
      return { name: 'nat', data };
    }
    case 'masq': {
      const data: RawAttrs = {};
      if (e.flags !== 0) data.flags = e.flags;
      natRegs(e, data);
      return { name: 'masq', data };
    }
    case 'redir': {
      const data: RawAttrs = {};
      natRegs(e, data);
      if (e.flags !== 0) data.flags = e.flags;
      return { name: 'redir', data };
    }
    case 'unknown':
      return { name: e.name, data: Buffer.isBuffer(e.data) ? e.data : ((e.data ?? {}) as RawAttrs) };
  }
}

function optRegs(d: RawAttrs): { protoMin?: number; protoMax?: number } {
  const out: { protoMin?: number; protoMax?: number } = {};
  if (d.regProtoMin !== undefined) out.protoMin = rawNum(d.regProtoMin);
  if (d.regProtoMax !== undefined) out.protoMax = rawNum(d.regProtoMax);
  return out;
}

/** A verdict as NFTA_DATA_VERDICT's attributes (rules' immediates, vmap elements). */
export function verdictAttrs(v: KernelVerdict): RawAttrs {
  return typeof v === 'string' ? { code: constant(VERDICTS[v]) } : 'jump' in v ? { code: constant('NFT_JUMP'), chain: v.jump } : { code: constant('NFT_GOTO'), chain: v.goto };
}

/** NFTA_DATA_VERDICT's attributes back to a verdict; undefined for a code netloom has no name for. */
export function verdictOf(v: RawAttrs): KernelVerdict | undefined {
  const code = rawNum(v.code);
  const chain = String(v.chain ?? '');
  if (code === constant('NFT_JUMP')) return { jump: chain };
  if (code === constant('NFT_GOTO')) return { goto: chain };
  const name = nameOf(VERDICTS, code);
  return typeof name === 'number' ? undefined : name;
}

/** @internal An immediate's NFTA_DATA_VERDICT as the IR (decodeExpr's, and the rule tape reader's). */
export function verdictExpr(v: RawAttrs): NftExpr {
  const verdict = verdictOf(v);
  return verdict === undefined ? { kind: 'unknown', name: 'immediate', data: { verdict: v } } : { kind: 'verdict', verdict };
}

/** @internal A payload load as the IR. */
export function payloadLoad(base: number, offset: number, len: number, dreg: number): NftExpr {
  return { kind: 'payload', base: nameOf(PAYLOAD_BASES, base), offset, len, dreg };
}

/** @internal A meta load as the IR. */
export function metaLoad(key: number, dreg: number): NftExpr {
  return { kind: 'meta', key: nameOf(META_KEYS, key), dreg };
}

/** @internal A cmp as the IR; undefined for an operator netloom has no name for (then it is `unknown`). */
export function cmpOf(sreg: number, op: number, data: Buffer): NftExpr | undefined {
  const name = nameOf(CMP_OPS, op);
  return typeof name === 'number' ? undefined : { kind: 'cmp', sreg, op: name, data };
}

/** One decoded NFTA_LIST_ELEM back into the IR (unknown names, and shapes this cannot read, as `unknown`). */
export function decodeExpr(raw: RawAttrs): NftExpr {
  const name = String(raw.name ?? '');
  const d = raw.data;
  if (d === undefined || Buffer.isBuffer(d) || typeof d !== 'object') return { kind: 'unknown', name, data: d };
  const a = d as RawAttrs;
  switch (name) {
    case 'payload':
      if (a.sreg !== undefined) break; // a payload write (`... set`): not in this IR
      return payloadLoad(rawNum(a.base), rawNum(a.offset), rawNum(a.len), rawNum(a.dreg));
    case 'meta':
      if (a.sreg !== undefined) break; // `meta ... set`
      return metaLoad(rawNum(a.key), rawNum(a.dreg));
    case 'cmp': {
      const e = cmpOf(rawNum(a.sreg), rawNum(a.op), value(a.data));
      if (e === undefined) break;
      return e;
    }
    case 'bitwise':
      if (a.op !== undefined && rawNum(a.op) !== constant('NFT_BITWISE_MASK_XOR')) break;
      return { kind: 'bitwise', sreg: rawNum(a.sreg), dreg: rawNum(a.dreg), len: rawNum(a.len), mask: value(a.mask), xor: value(a.xor) };
    case 'range':
      return { kind: 'range', sreg: rawNum(a.sreg), op: rawNum(a.op) === constant('NFT_RANGE_EQ') ? 'eq' : 'ne', from: value(a.fromData), to: value(a.toData) };
    case 'immediate': {
      const data = (a.data ?? {}) as RawAttrs;
      if (data.verdict !== undefined) return verdictExpr(data.verdict as RawAttrs);
      return { kind: 'immediate', dreg: rawNum(a.dreg), data: value(data) };
    }
    case 'lookup': {
      const e: NftExpr = { kind: 'lookup', sreg: rawNum(a.sreg), set: String(a.set ?? ''), invert: (rawNum(a.flags) & constant('NFT_LOOKUP_F_INV')) !== 0 };
      if (a.dreg !== undefined) e.dreg = rawNum(a.dreg);
      if (a.setId !== undefined) e.setId = rawNum(a.setId);
      return e;
    }
    case 'ct': {
      if (a.sreg !== undefined) break; // `ct ... set`
      const e: NftExpr = { kind: 'ct', key: nameOf(CT_KEYS, rawNum(a.key)), dreg: rawNum(a.dreg) };
      if (a.direction !== undefined) e.direction = rawNum(a.direction) === constant('IP_CT_DIR_ORIGINAL') ? 'original' : 'reply';
      return e;
    }
    case 'counter':
      return { kind: 'counter', packets: rawNum(a.packets), bytes: rawNum(a.bytes) };
    case 'limit':
      return {
        kind: 'limit',
        rate: rawNum(a.rate),
        unit: rawNum(a.unit),
        burst: rawNum(a.burst),
        type: rawNum(a.type) === constant('NFT_LIMIT_PKTS') ? 'packets' : 'bytes',
        over: (rawNum(a.flags) & constant('NFT_LIMIT_F_INV')) !== 0,
      };
    case 'log': {
      const e: NftExpr = { kind: 'log' };
      if (a.prefix !== undefined) e.prefix = String(a.prefix);
      if (a.level !== undefined) e.level = rawNum(a.level);
      if (a.group !== undefined) e.group = rawNum(a.group);
      return e;
    }
    case 'reject': {
      const type = nameOf(REJECT_TYPES, rawNum(a.type));
      if (typeof type === 'number') break;
      return { kind: 'reject', type, code: rawNum(a.icmpCode) };
    }
    case 'nat': {
      const e: NftExpr = {
        kind: 'nat',
        type: rawNum(a.type) === constant('NFT_NAT_SNAT') ? 'snat' : 'dnat',
        family: rawNum(a.family) === constant('NFPROTO_IPV6') ? 'ip6' : 'ip',
        ...optRegs(a),
        flags: rawNum(a.flags),
      };
      if (a.regAddrMin !== undefined) e.addrMin = rawNum(a.regAddrMin);
      if (a.regAddrMax !== undefined) e.addrMax = rawNum(a.regAddrMax);
      return e;
    }
    case 'masq':
      return { kind: 'masq', ...optRegs(a), flags: rawNum(a.flags) };
    case 'redir':
      return { kind: 'redir', ...optRegs(a), flags: rawNum(a.flags) };
    default:
      break;
  }
  return { kind: 'unknown', name, data: d };
}
