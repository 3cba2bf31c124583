/**
 * Checking an FDB entry and building its RTM_*NEIGH body (without the
 * links' ifindexes), before any I/O.
 * @module
 */
import { constant, type RawAttrs } from '../../netlink/native.js';
import { swap16 } from '../values/byteorder.js';
import { ipFamily } from '../values/cidr.js';
import { checkBool, checkInt, checkKeys } from '../values/checks.js';
import { checkMac } from '../values/mac.js';
import type { FdbEntry, FdbFilter } from './types.js';

// No 'signal': FdbEntry is checked apart from its OperationOptions.
const ENTRY_KEYS = new Set(['lladdr', 'dev', 'self', 'master', 'state', 'vlan', 'dst', 'port', 'vni', 'srcVni', 'via', 'router', 'externLearn', 'use']);
const FILTER_KEYS = new Set(['br', 'dev', 'vlan']);

/**
 * Every check of an FDB entry, and its message without the links' ifindexes,
 * without any I/O. Errors are TypeError/RangeError starting 'OP: FIELD: '.
 * (Exported for declarations checked as a whole before anything is touched:
 * topologies.)
 */
export function validateFdb(op: string, entry: FdbEntry): { header: Record<string, number>; attrs: RawAttrs } {
  if (entry === null || typeof entry !== 'object') throw new TypeError(`${op}: entry: must be an object like { lladdr, dev }`);
  checkKeys(entry, ENTRY_KEYS, op);
  const attrs: RawAttrs = { lladdr: checkMac(entry.lladdr, `${op}: lladdr`) };
  let ndmFlags = 0;
  if (checkBool(entry.self, `${op}: self`)) ndmFlags |= constant('NTF_SELF');
  if (checkBool(entry.master, `${op}: master`)) ndmFlags |= constant('NTF_MASTER');
  // Assume self, as bridge(8).
  if (entry.self === undefined && ndmFlags === 0) ndmFlags |= constant('NTF_SELF');
  if (ndmFlags === 0) throw new TypeError(`${op}: self: one of self and master must be true`);
  if (checkBool(entry.router, `${op}: router`)) ndmFlags |= constant('NTF_ROUTER');
  if (checkBool(entry.externLearn, `${op}: externLearn`)) ndmFlags |= constant('NTF_EXT_LEARNED');
  if (checkBool(entry.use, `${op}: use`)) ndmFlags |= constant('NTF_USE');
  // bridge(8): NUD_NOARP, plus PERMANENT (the default) or REACHABLE
  // (static); dynamic is REACHABLE without NOARP.
  let state: number;
  const s = entry.state ?? 'permanent';
  if (s === 'permanent') state = constant('NUD_NOARP') | constant('NUD_PERMANENT');
  else if (s === 'static') state = constant('NUD_NOARP') | constant('NUD_REACHABLE');
  else if (s === 'dynamic') state = constant('NUD_REACHABLE');
  else throw new TypeError(`${op}: state: must be 'permanent', 'static' or 'dynamic', got '${String(s)}'`);
  if (entry.dst !== undefined) {
    ipFamily(entry.dst, `${op}: dst`);
    attrs.dst = entry.dst;
  }
  if (entry.vlan !== undefined) attrs.vlan = checkInt(entry.vlan, 1, 4094, `${op}: vlan`);
  if (entry.port !== undefined) attrs.port = swap16(checkInt(entry.port, 1, 65535, `${op}: port`));
  if (entry.vni !== undefined) attrs.vni = checkInt(entry.vni, 0, 0xffffff, `${op}: vni`);
  if (entry.srcVni !== undefined) attrs.srcVni = checkInt(entry.srcVni, 0, 0xffffff, `${op}: srcVni`);
  if (entry.dev === undefined || entry.dev === null || entry.dev === '') throw new TypeError(`${op}: dev: must be a link name or ifindex`);
  return { header: { ndmFamily: constant('AF_BRIDGE'), ndmState: state, ndmFlags }, attrs };
}

/** The checks of a list filter that need no I/O; the VLAN to keep, if any. */
export function validateFdbFilter(op: string, filter: FdbFilter): { vlan: number | undefined } {
  if (filter === null || typeof filter !== 'object') throw new TypeError(`${op}: filter: must be an object`);
  checkKeys(filter, FILTER_KEYS, op);
  return { vlan: filter.vlan === undefined ? undefined : checkInt(filter.vlan, 0, 4095, `${op}: vlan`) };
}
