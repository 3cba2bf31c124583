/**
 * Checking filters and flow references before any I/O: every mistake is a
 * TypeError naming the operation and the field
 * (`conntrack.list: filter.dport: must be 0..65535`).
 * @module
 */
import { addrFamily } from './address.js';
import type { CtFamily, CtFilter, CtFlowRef, CtProto, CtStatus, CtTupleFilter } from './types.js';
import { PORT_PROTOS, PROTO_NAMES, STATUS_NAMES, protoName, protoNumber, statusBit } from './values.js';

/** One direction's fixed fields, checked (addresses as given, ports numbers). */
export interface CheckedTuple {
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
}

/** A filter, checked; `family` is also set when only the addresses imply it. */
export interface CheckedFilter {
  family?: CtFamily;
  proto?: number;
  orig: CheckedTuple;
  reply: CheckedTuple;
  zone?: number;
  mark?: number;
  markMask?: number;
  /** IPS_* bits that must all be set (0: none). */
  status: number;
}

/** A flow to delete, checked. */
export interface CheckedFlow {
  family: CtFamily;
  proto: number;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  icmp?: { type: number; code: number; id: number };
  zone?: number;
  id?: number;
}

function object(op: string, v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError(`${op}: ${field}: must be an object`);
  return v as Record<string, unknown>;
}

function keys(op: string, o: Record<string, unknown>, field: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new TypeError(`${op}: ${field}.${k}: unknown field (known: ${allowed.join(', ')})`);
  }
}

function int(op: string, v: unknown, field: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new TypeError(`${op}: ${field}: must be 0..${max}, got ${JSON.stringify(v)}`);
  return v;
}

function family(op: string, v: unknown, field: string): CtFamily {
  if (v !== 'ip' && v !== 'ip6') throw new TypeError(`${op}: ${field}: must be 'ip' or 'ip6', got ${JSON.stringify(v)}`);
  return v;
}

function proto(op: string, v: unknown, field: string): number {
  if (typeof v === 'number') return int(op, v, field, 255);
  if (typeof v !== 'string' || !(PROTO_NAMES as string[]).includes(v)) {
    throw new TypeError(`${op}: ${field}: must be one of ${PROTO_NAMES.join(', ')} or a protocol number 0..255, got ${JSON.stringify(v)}`);
  }
  return protoNumber(v as CtProto);
}

// An address; its family must agree with the one already known (given or implied).
function address(op: string, v: unknown, field: string, known: { family?: CtFamily }): string {
  const f = typeof v === 'string' ? addrFamily(v) : undefined;
  if (typeof v !== 'string' || f === undefined) throw new TypeError(`${op}: ${field}: must be an IPv4 or IPv6 address, got ${JSON.stringify(v)}`);
  if (known.family !== undefined && known.family !== f) throw new TypeError(`${op}: ${field}: ${v} is not an address of family ${known.family}`);
  known.family = f;
  return v;
}

function tuple(op: string, v: unknown, field: string, known: { family?: CtFamily }, allowed: readonly string[]): CheckedTuple {
  const o = object(op, v, field);
  keys(op, o, field, allowed);
  const t: CheckedTuple = {};
  if (o.src !== undefined) t.src = address(op, o.src, `${field}.src`, known);
  if (o.dst !== undefined) t.dst = address(op, o.dst, `${field}.dst`, known);
  if (o.sport !== undefined) t.sport = int(op, o.sport, `${field}.sport`, 65535);
  if (o.dport !== undefined) t.dport = int(op, o.dport, `${field}.dport`, 65535);
  return t;
}

const TUPLE_KEYS = ['src', 'dst', 'sport', 'dport'] as const;
const FILTER_KEYS = ['family', 'proto', ...TUPLE_KEYS, 'zone', 'mark', 'markMask', 'status', 'reply'] as const;

/** A list/delete filter (undefined: everything). */
export function checkFilter(op: string, v: CtFilter | undefined): CheckedFilter {
  if (v === undefined) return { orig: {}, reply: {}, status: 0 };
  const o = object(op, v, 'filter');
  keys(op, o, 'filter', FILTER_KEYS);
  const known: { family?: CtFamily } = {};
  if (o.family !== undefined) known.family = family(op, o.family, 'filter.family');
  const f: CheckedFilter = { orig: {}, reply: {}, status: 0 };
  if (o.proto !== undefined) f.proto = proto(op, o.proto, 'filter.proto');
  const origFields: Record<string, unknown> = {};
  for (const k of TUPLE_KEYS) if (o[k] !== undefined) origFields[k] = o[k];
  f.orig = tuple(op, origFields, 'filter', known, TUPLE_KEYS);
  if (o.reply !== undefined) f.reply = tuple(op, o.reply as CtTupleFilter, 'filter.reply', known, TUPLE_KEYS);
  const ports = [f.orig.sport, f.orig.dport, f.reply.sport, f.reply.dport].some((p) => p !== undefined);
  if (ports && f.proto !== undefined && !PORT_PROTOS.includes(protoName(f.proto))) {
    throw new TypeError(`${op}: filter.proto: ${String(o.proto)} has no ports, but the filter names one`);
  }
  if (known.family !== undefined) f.family = known.family;
  if (o.zone !== undefined) f.zone = int(op, o.zone, 'filter.zone', 65535);
  if (o.mark !== undefined) f.mark = int(op, o.mark, 'filter.mark', 0xffffffff);
  if (o.markMask !== undefined) {
    if (f.mark === undefined) throw new TypeError(`${op}: filter.markMask: needs filter.mark`);
    f.markMask = int(op, o.markMask, 'filter.markMask', 0xffffffff);
  }
  if (o.status !== undefined) {
    if (!Array.isArray(o.status)) throw new TypeError(`${op}: filter.status: must be an array of ${STATUS_NAMES.join(', ')}`);
    o.status.forEach((s: unknown, i) => {
      if (typeof s !== 'string' || !(STATUS_NAMES as string[]).includes(s)) throw new TypeError(`${op}: filter.status[${i}]: must be one of ${STATUS_NAMES.join(', ')}, got ${JSON.stringify(s)}`);
      f.status |= statusBit(s as CtStatus);
    });
  }
  return f;
}

/** Is this argument of `delete()` one flow (it has an `orig` tuple) rather than a filter? */
export function isFlowRef(v: unknown): v is CtFlowRef {
  return typeof v === 'object' && v !== null && 'orig' in v;
}

/** One flow to delete (a CtEntry from list() is one). */
export function checkFlow(op: string, v: CtFlowRef): CheckedFlow {
  const o = object(op, v, 'flow');
  const fam = family(op, o.family, 'flow.family');
  const p = proto(op, o.proto, 'flow.proto');
  const t = object(op, o.orig, 'flow.orig');
  const known = { family: fam };
  const f: CheckedFlow = { family: fam, proto: p, src: address(op, t.src, 'flow.orig.src', known), dst: address(op, t.dst, 'flow.orig.dst', known) };
  const name = protoName(p);
  if (PORT_PROTOS.includes(name)) {
    f.sport = int(op, t.sport, 'flow.orig.sport', 65535);
    f.dport = int(op, t.dport, 'flow.orig.dport', 65535);
  } else if (name === 'icmp' || name === 'icmpv6') {
    const i = object(op, t.icmp, 'flow.orig.icmp');
    f.icmp = { type: int(op, i.type, 'flow.orig.icmp.type', 255), code: int(op, i.code, 'flow.orig.icmp.code', 255), id: int(op, i.id, 'flow.orig.icmp.id', 65535) };
  }
  if (o.zone !== undefined) f.zone = int(op, o.zone, 'flow.zone', 65535);
  if (o.id !== undefined) f.id = int(op, o.id, 'flow.id', 0xffffffff);
  return f;
}
