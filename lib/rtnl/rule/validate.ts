/**
 * Checking a rule description and building its RTM_NEWRULE/RTM_DELRULE
 * body, before any I/O.
 * @module
 */
import { constant, type RawAttrs } from '../../netlink/native.js';
import { parseCidr } from '../values/cidr.js';
import { U32_MAX, checkBool, checkKeys } from '../values/checks.js';
import { TABLE_CONSTANTS, familyNumber } from '../values/tables.js';
import { ACTIONS } from './actions.js';
import type { RuleSpec } from './types.js';

const SPEC_KEYS = new Set<string>([
  'family', 'not', 'from', 'to', 'iif', 'oif', 'fwmark', 'fwmask', 'tos', 'ipProto', 'sport', 'dport', 'uidRange', 'l3mdev',
  'priority', 'table', 'suppressPrefixlen', 'action', 'goto', 'protocol', 'signal',
]);

function uint(v: unknown, max: number, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${field}: must be 0..${max}, got ${String(v)}`);
  return v;
}

function ifname(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.length === 0 || Buffer.byteLength(v) > 15) throw new TypeError(`${field}: must be an interface name of 1..15 bytes, got ${JSON.stringify(v)}`);
  return v;
}

function range(v: unknown, max: number, field: string): { start: number; end: number } {
  if (typeof v === 'number') {
    uint(v, max, field);
    return { start: v, end: v };
  }
  if (typeof v !== 'object' || v === null) throw new TypeError(`${field}: must be a number or { start, end }`);
  const r = v as { start?: unknown; end?: unknown };
  const start = uint(r.start, max, `${field}.start`);
  const end = uint(r.end, max, `${field}.end`);
  if (end < start) throw new RangeError(`${field}: end ${end} is below start ${start}`);
  return { start, end };
}

function tableNumber(v: unknown, field: string): number {
  if (typeof v === 'string') {
    // Own keys only: 'constructor' or 'toString' are not table names.
    const c = Object.hasOwn(TABLE_CONSTANTS, v) ? TABLE_CONSTANTS[v] : undefined;
    if (c === undefined) throw new TypeError(`${field}: must be a number or one of main, local, default, got '${v}'`);
    return constant(c);
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > U32_MAX) throw new RangeError(`${field}: must be 1..4294967295 or main/local/default, got ${String(v)}`);
  return v;
}

function actionNumber(v: unknown, field: string): number {
  if (typeof v === 'number') return uint(v, 255, field);
  const c = typeof v === 'string' && Object.hasOwn(ACTIONS, v) ? ACTIONS[v] : undefined;
  if (c === undefined) throw new TypeError(`${field}: must be one of ${Object.keys(ACTIONS).join(', ')}, got ${JSON.stringify(v)}`);
  return constant(c);
}

/** Validate a {@link RuleSpec} and build its RTM_NEWRULE/RTM_DELRULE body, as ip does. */
export function validateRule(op: string, spec: RuleSpec, adding: boolean): { header: Record<string, number>; attrs: RawAttrs } {
  if (typeof spec !== 'object' || spec === null) throw new TypeError(`${op}: spec: must be an object`);
  checkKeys(spec, SPEC_KEYS, op);
  const attrs: RawAttrs = {};
  let family: 'inet' | 'inet6' | undefined;
  if (spec.family !== undefined) {
    if (spec.family !== 'inet' && spec.family !== 'inet6') throw new TypeError(`${op}: family: must be 'inet' or 'inet6', got ${JSON.stringify(spec.family)}`);
    family = spec.family;
  }
  let srcLen = 0;
  let dstLen = 0;
  for (const key of ['from', 'to'] as const) {
    const v = spec[key];
    if (v === undefined) continue;
    const c = parseCidr(v, `${op}: ${key}`);
    if (family !== undefined && c.family !== family) throw new TypeError(`${op}: ${key}: '${v}' is not ${family}`);
    family = c.family;
    if (key === 'from') {
      attrs.src = c.address;
      srcLen = c.prefixlen;
    } else {
      attrs.dst = c.address;
      dstLen = c.prefixlen;
    }
  }
  if (spec.iif !== undefined) attrs.iifname = ifname(spec.iif, `${op}: iif`);
  if (spec.oif !== undefined) attrs.oifname = ifname(spec.oif, `${op}: oif`);
  if (spec.fwmark !== undefined) attrs.fwmark = uint(spec.fwmark, U32_MAX, `${op}: fwmark`);
  if (spec.fwmask !== undefined) attrs.fwmask = uint(spec.fwmask, U32_MAX, `${op}: fwmask`);
  const tos = spec.tos === undefined ? 0 : uint(spec.tos, 255, `${op}: tos`);
  if (spec.ipProto !== undefined) attrs.ipProto = uint(spec.ipProto, 255, `${op}: ipProto`);
  if (spec.sport !== undefined) attrs.sportRange = range(spec.sport, 0xffff, `${op}: sport`);
  if (spec.dport !== undefined) attrs.dportRange = range(spec.dport, 0xffff, `${op}: dport`);
  if (spec.uidRange !== undefined) {
    if (typeof spec.uidRange !== 'object' || spec.uidRange === null) throw new TypeError(`${op}: uidRange: must be { start, end }`);
    attrs.uidRange = range(spec.uidRange, U32_MAX, `${op}: uidRange`);
  }
  if (spec.l3mdev !== undefined) {
    if (checkBool(spec.l3mdev, `${op}: l3mdev`)) attrs.l3mdev = 1;
  }
  if (spec.priority !== undefined) attrs.priority = uint(spec.priority, U32_MAX, `${op}: priority`);
  if (spec.suppressPrefixlen !== undefined) attrs.suppressPrefixlen = uint(spec.suppressPrefixlen, family === 'inet6' ? 128 : 32, `${op}: suppressPrefixlen`);
  if (spec.protocol !== undefined) attrs.protocol = uint(spec.protocol, 255, `${op}: protocol`);

  let action = spec.action === undefined ? undefined : actionNumber(spec.action, `${op}: action`);
  if (spec.goto !== undefined) {
    attrs.goto = uint(spec.goto, U32_MAX, `${op}: goto`);
    if (action === undefined) action = constant('FR_ACT_GOTO');
    else if (action !== constant('FR_ACT_GOTO')) throw new TypeError(`${op}: goto: only with action 'goto'`);
  } else if (adding && action === constant('FR_ACT_GOTO')) {
    throw new TypeError(`${op}: goto: action 'goto' needs the target priority`);
  }
  if (adding && action === undefined) action = constant('FR_ACT_TO_TBL');
  let table = spec.table === undefined ? undefined : tableNumber(spec.table, `${op}: table`);
  if (table !== undefined && action !== undefined && action !== constant('FR_ACT_TO_TBL')) {
    throw new TypeError(`${op}: table: only with action 'lookup'`);
  }
  const l3mdev = attrs.l3mdev === 1;
  // The table of an l3mdev rule is the VRF device's: the kernel refuses one given ("l3mdev and table are mutually exclusive").
  if (l3mdev && table !== undefined) throw new TypeError(`${op}: table: not with l3mdev (the VRF device the packet is on names the table)`);
  if (l3mdev && action !== undefined && action !== constant('FR_ACT_TO_TBL')) throw new TypeError(`${op}: l3mdev: only with action 'lookup'`);
  if (adding && table === undefined && action === constant('FR_ACT_TO_TBL') && !l3mdev) table = constant('RT_TABLE_MAIN');
  // Like ip: tables below 256 go in the header, larger ones in FRA_TABLE.
  let hdrTable = constant('RT_TABLE_UNSPEC');
  if (table !== undefined) {
    if (table < 256) hdrTable = table;
    else attrs.table = table;
  }
  const header = {
    family: familyNumber(family ?? 'inet'),
    dstLen,
    srcLen,
    tos,
    table: hdrTable,
    action: action ?? 0,
    flags: checkBool(spec.not, `${op}: not`) ? constant('FIB_RULE_INVERT') : 0,
  };
  return { header, attrs };
}
