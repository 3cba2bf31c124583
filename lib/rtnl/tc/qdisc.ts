/**
 * Checking qdisc descriptions (tbf, htb, pfifo/bfifo, ingress, clsact) and
 * building their RTM_NEWQDISC / RTM_DELQDISC bodies, without the link's
 * ifindex and before any I/O, with the bytes `tc qdisc add` sends.
 * @module
 */
import { constant, type RawAttrs } from '../../netlink/native.js';
import { checkInt, checkKeys } from '../values/checks.js';
import { parseHandle, parseParent, parseRate, parseSize, parseTime } from './units.js';
import { prefixed, rateTable, xmittime } from './rates.js';
import type { FifoQdisc, HtbQdisc, QdiscDel, QdiscSpec, TbfQdisc } from './types.js';

/** A tc message body without the ifindex, which the API resolves. */
export interface TcDraft {
  header: { tcmFamily: number; tcmHandle: number; tcmParent: number; tcmInfo: number };
  attrs: RawAttrs;
}

const PLACE = ['dev', 'parent', 'handle', 'kind', 'signal'];
const KEYS: Record<string, ReadonlySet<string>> = {
  tbf: new Set([...PLACE, 'rate', 'burst', 'latency', 'limit', 'peakrate', 'mtu', 'mpu']),
  htb: new Set([...PLACE, 'default', 'r2q', 'directQlen']),
  pfifo: new Set([...PLACE, 'limit']),
  bfifo: new Set([...PLACE, 'limit']),
  ingress: new Set(['dev', 'kind', 'signal']),
  clsact: new Set(['dev', 'kind', 'signal']),
};

/** The qdisc kinds netloom describes. */
export const QDISC_KINDS = Object.freeze(Object.keys(KEYS));

const TWO32 = 2 ** 32;

/**
 * Every check of a qdisc to add or replace, and its message without the
 * ifindex. Errors are TypeError/RangeError starting 'OP: FIELD: '.
 * (Exported for declarations checked as a whole first: topologies.)
 */
export function validateQdisc(op: string, spec: QdiscSpec): TcDraft {
  if (spec === null || typeof spec !== 'object') throw new TypeError(`${op}: qdisc: must be an object like { dev, kind: 'tbf', rate, burst, latency }`);
  const keys = KEYS[spec.kind as string];
  if (keys === undefined) throw new TypeError(`${op}: kind: unknown qdisc kind '${String(spec.kind)}' (netloom knows ${QDISC_KINDS.join(', ')})`);
  checkKeys(spec, keys, op);
  if (spec.dev === undefined || spec.dev === null || spec.dev === '') throw new TypeError(`${op}: dev: must be a link name or ifindex`);
  if (spec.kind === 'ingress' || spec.kind === 'clsact') {
    // Both sit in the ingress slot, handle ffff: (tc_qdisc_modify).
    return { header: hookHeader(), attrs: { kind: spec.kind } };
  }
  const place = spec as TbfQdisc | HtbQdisc | FifoQdisc;
  const header = {
    tcmFamily: 0,
    tcmHandle: place.handle === undefined ? 0 : parseHandle(place.handle, `${op}: handle`),
    tcmParent: parseParent(place.parent ?? 'root', `${op}: parent`, false),
    tcmInfo: 0,
  };
  if (header.tcmHandle & 0xffff) throw new RangeError(`${op}: handle: a qdisc handle has no minor ('1:', not '${String(place.handle)}')`);
  switch (spec.kind) {
    case 'tbf': return { header, attrs: { kind: 'tbf', options: tbfOptions(op, spec) } };
    case 'htb': return { header, attrs: { kind: 'htb', options: htbOptions(op, spec) } };
    default: return { header, attrs: fifoAttrs(op, spec as FifoQdisc) };
  }
}

function hookHeader(): TcDraft['header'] {
  return { tcmFamily: 0, tcmHandle: (constant('TC_H_INGRESS') & 0xffff0000) >>> 0, tcmParent: constant('TC_H_INGRESS'), tcmInfo: 0 };
}

// q_tbf.c's tbf_parse_opt, step by step.
function tbfOptions(op: string, s: TbfQdisc): RawAttrs {
  const rate64 = parseRate(s.rate, `${op}: rate`);
  if (s.burst === undefined) throw new TypeError(`${op}: burst: required (the bucket size in bytes, like '32kbit')`);
  const buffer = parseSize(s.burst, `${op}: burst`);
  const mtu = s.mtu === undefined ? 0 : parseSize(s.mtu, `${op}: mtu`);
  const mpu = s.mpu === undefined ? 0 : parseSize(s.mpu, `${op}: mpu`, 0);
  const prate64 = s.peakrate === undefined ? 0 : parseRate(s.peakrate, `${op}: peakrate`);
  if (prate64 && !mtu) throw new TypeError(`${op}: mtu: required with peakrate (the peak bucket in bytes)`);
  if ((s.latency === undefined) === (s.limit === undefined)) throw new TypeError(`${op}: latency: give either latency or limit`);
  let limit: number;
  if (s.limit !== undefined) limit = parseSize(s.limit, `${op}: limit`);
  else {
    const latency = parseTime(s.latency, `${op}: latency`);
    let lim = (rate64 * latency) / 1e6 + buffer;
    if (prate64) lim = Math.min(lim, (prate64 * latency) / 1e6 + mtu);
    limit = Math.min(0xffffffff, Math.trunc(lim));
  }
  const r = rateTable(rate64, mtu, mpu);
  const parms: Record<string, number> = { ...prefixed('rate', r.spec), limit, buffer: xmittime(r.spec.rate, buffer), mtu: 0 };
  const out: RawAttrs = { parms, burst: buffer, rtab: r.table };
  if (rate64 >= TWO32) out.rate64 = rate64;
  if (prate64) {
    const p = rateTable(prate64, mtu, mpu);
    Object.assign(parms, prefixed('peakrate', p.spec), { mtu: xmittime(p.spec.rate, mtu) });
    if (prate64 >= TWO32) out.prate64 = prate64;
    Object.assign(out, { pburst: mtu, ptab: p.table });
  }
  return out;
}

function htbOptions(op: string, s: HtbQdisc): RawAttrs {
  const init = {
    version: constant('TC_HTB_PROTOVER'),
    rate2quantum: s.r2q === undefined ? 10 : checkInt(s.r2q, 1, 0xffffffff, `${op}: r2q`),
    defcls: s.default === undefined ? 0 : defaultMinor(op, s.default),
    debug: 0,
    directPkts: 0,
  };
  const out: RawAttrs = { init };
  if (s.directQlen !== undefined) out.directQlen = checkInt(s.directQlen, 0, 0xffffffff, `${op}: directQlen`);
  return out;
}

// tc reads `default 10` as hexadecimal: the minor of class 1:10.
function defaultMinor(op: string, v: string | number): number {
  if (typeof v === 'number') return checkInt(v, 0, 0xffff, `${op}: default`);
  if (typeof v === 'string' && v.includes(':')) return parseHandle(v, `${op}: default`) & 0xffff;
  if (typeof v === 'string' && /^[0-9a-fA-F]{1,4}$/.test(v)) return parseInt(v, 16);
  throw new TypeError(`${op}: default: must be a class minor as tc writes it ('10' for 1:10), a class id or a number, got ${String(v)}`);
}

function fifoAttrs(op: string, s: FifoQdisc): RawAttrs {
  if (s.limit === undefined) return { kind: s.kind };
  const limit = checkInt(s.limit, 1, 0xffffffff, `${op}: limit`);
  return { kind: s.kind, options: { header: { limit }, attrs: {} } };
}

const DEL_KEYS = new Set(['dev', 'parent', 'handle', 'signal']);

/** The checks of a qdisc to delete, and its message without the ifindex. */
export function validateQdiscDel(op: string, d: QdiscDel): TcDraft {
  if (d === null || typeof d !== 'object') throw new TypeError(`${op}: qdisc: must be an object like { dev, parent: 'root' }`);
  checkKeys(d, DEL_KEYS, op);
  if (d.dev === undefined || d.dev === null || d.dev === '') throw new TypeError(`${op}: dev: must be a link name or ifindex`);
  // `tc qdisc del dev D ingress|clsact` names the kind; the kernel checks it.
  if (d.parent === 'ingress' || d.parent === 'clsact') return { header: hookHeader(), attrs: { kind: d.parent } };
  const header = {
    tcmFamily: 0,
    tcmHandle: d.handle === undefined ? 0 : parseHandle(d.handle, `${op}: handle`),
    tcmParent: parseParent(d.parent ?? 'root', `${op}: parent`, false),
    tcmInfo: 0,
  };
  return { header, attrs: {} };
}
