/**
 * Checking htb class descriptions and building their RTM_NEWTCLASS /
 * RTM_DELTCLASS bodies (without the ifindex), as `tc class add ... htb` does.
 * @module
 */
import { checkInt, checkKeys } from '../values/checks.js';
import type { RawAttrs } from '../../netlink/native.js';
import { parseHandle, parseRate, parseSize } from './units.js';
import { pschedClock, prefixed, rateTable, xmittime } from './rates.js';
import type { TcDraft } from './qdisc.js';
import type { ClassDel, ClassSpec } from './types.js';

const KEYS = new Set(['dev', 'kind', 'parent', 'classid', 'rate', 'ceil', 'burst', 'cburst', 'prio', 'quantum', 'mtu', 'signal']);
const TWO32 = 2 ** 32;

/** Every check of a class to add or replace, and its message without the ifindex (errors 'OP: FIELD: ...'). */
export function validateClass(op: string, c: ClassSpec): TcDraft {
  if (c === null || typeof c !== 'object') throw new TypeError(`${op}: class: must be an object like { dev, kind: 'htb', parent: '1:', classid: '1:10', rate }`);
  if (c.kind !== 'htb') throw new TypeError(`${op}: kind: unknown class kind '${String(c.kind)}' (netloom knows htb)`);
  checkKeys(c, KEYS, op);
  if (c.dev === undefined || c.dev === null || c.dev === '') throw new TypeError(`${op}: dev: must be a link name or ifindex`);
  if (c.parent === undefined) throw new TypeError(`${op}: parent: required (the qdisc '1:' or a parent class '1:1')`);
  const parent = parseHandle(c.parent, `${op}: parent`);
  const classid = parseHandle(c.classid, `${op}: classid`);
  if ((classid & 0xffff) === 0) throw new RangeError(`${op}: classid: a class id has a minor ('1:10', not '${String(c.classid)}')`);
  if (classid >>> 16 !== parent >>> 16) throw new RangeError(`${op}: classid: must be under the parent's major (${(parent >>> 16).toString(16)}:)`);
  // q_htb.c's htb_parse_class_opt, step by step.
  const rate64 = parseRate(c.rate, `${op}: rate`);
  const ceil64 = c.ceil === undefined ? rate64 : parseRate(c.ceil, `${op}: ceil`);
  const mtu = c.mtu === undefined ? 1600 : checkInt(c.mtu, 1, 0xffff, `${op}: mtu`);
  const hz = pschedClock().hz;
  const buffer = c.burst === undefined ? Math.floor(rate64 / hz) + mtu : parseSize(c.burst, `${op}: burst`);
  const cbuffer = c.cburst === undefined ? Math.floor(ceil64 / hz) + mtu : parseSize(c.cburst, `${op}: cburst`);
  const r = rateTable(rate64, mtu);
  const cl = rateTable(ceil64, mtu);
  const parms = {
    ...prefixed('rate', r.spec),
    ...prefixed('ceil', cl.spec),
    buffer: xmittime(rate64, buffer),
    cbuffer: xmittime(ceil64, cbuffer),
    quantum: c.quantum === undefined ? 0 : checkInt(c.quantum, 1, 0xffffffff, `${op}: quantum`),
    level: 0,
    prio: c.prio === undefined ? 0 : checkInt(c.prio, 0, 7, `${op}: prio`),
  };
  const options: RawAttrs = { parms, rtab: r.table, ctab: cl.table };
  if (rate64 >= TWO32) options.rate64 = rate64;
  if (ceil64 >= TWO32) options.ceil64 = ceil64;
  return { header: { tcmFamily: 0, tcmHandle: classid, tcmParent: parent, tcmInfo: 0 }, attrs: { kind: 'htb', options } };
}

const DEL_KEYS = new Set(['dev', 'classid', 'signal']);

/** The checks of a class to delete, and its message without the ifindex. */
export function validateClassDel(op: string, d: ClassDel): TcDraft {
  if (d === null || typeof d !== 'object') throw new TypeError(`${op}: class: must be an object like { dev, classid: '1:10' }`);
  checkKeys(d, DEL_KEYS, op);
  if (d.dev === undefined || d.dev === null || d.dev === '') throw new TypeError(`${op}: dev: must be a link name or ifindex`);
  return { header: { tcmFamily: 0, tcmHandle: parseHandle(d.classid, `${op}: classid`), tcmParent: 0, tcmInfo: 0 }, attrs: {} };
}
