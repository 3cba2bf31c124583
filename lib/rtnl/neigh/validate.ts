/**
 * Checking neighbour entries and filters and building their RTM_*NEIGH
 * bodies (without the link's ifindex), before any I/O.
 * @module
 */
import { constant, type RawAttrs } from '../../netlink/native.js';
import { ipFamily } from '../values/cidr.js';
import { checkBool, checkFamily, checkKeys } from '../values/checks.js';
import { checkMac } from '../values/mac.js';
import { familyNumber } from '../values/tables.js';
import { stateNumber } from './states.js';
import type { NeighDelEntry, NeighEntry, NeighFilter } from './types.js';

const ENTRY_KEYS = new Set(['dst', 'dev', 'lladdr', 'state', 'router', 'proxy', 'externLearn', 'signal']);
const DEL_KEYS = new Set(['dst', 'dev', 'proxy', 'signal']);
const FILTER_KEYS = new Set(['dev', 'family', 'state', 'proxy', 'signal']);

/**
 * Every check of a neighbour entry to add or replace, and its message
 * without the link's ifindex, without any I/O. Errors are
 * TypeError/RangeError starting 'OP: FIELD: '. (Exported for declarations
 * checked as a whole before anything is touched: topologies.)
 */
export function validateNeigh(op: string, entry: NeighEntry): { header: Record<string, number>; attrs: RawAttrs } {
  if (entry === null || typeof entry !== 'object') throw new TypeError(`${op}: entry: must be an object like { dst, lladdr, dev }`);
  checkKeys(entry, ENTRY_KEYS, op);
  const family = ipFamily(entry.dst, `${op}: dst`);
  const proxy = checkBool(entry.proxy, `${op}: proxy`);
  let ndmFlags = 0;
  if (proxy) ndmFlags |= constant('NTF_PROXY');
  if (checkBool(entry.router, `${op}: router`)) ndmFlags |= constant('NTF_ROUTER');
  if (checkBool(entry.externLearn, `${op}: externLearn`)) ndmFlags |= constant('NTF_EXT_LEARNED');
  const attrs: RawAttrs = { dst: entry.dst };
  if (entry.lladdr !== undefined) attrs.lladdr = checkMac(entry.lladdr, `${op}: lladdr`);
  const state = entry.state === undefined ? constant('NUD_PERMANENT') : stateNumber(entry.state, `${op}: state`);
  if (entry.dev === undefined || entry.dev === null || entry.dev === '') throw new TypeError(`${op}: dev: must be a link name or ifindex`);
  return { header: { ndmFamily: familyNumber(family), ndmState: state, ndmFlags }, attrs };
}

/** The checks of an entry to delete, and its message without the link's ifindex. */
export function validateNeighDel(op: string, entry: NeighDelEntry): { header: Record<string, number>; attrs: RawAttrs } {
  if (entry === null || typeof entry !== 'object') throw new TypeError(`${op}: entry: must be an object like { dst, dev }`);
  checkKeys(entry, DEL_KEYS, op);
  const family = ipFamily(entry.dst, `${op}: dst`);
  const proxy = checkBool(entry.proxy, `${op}: proxy`);
  return { header: { ndmFamily: familyNumber(family), ndmFlags: proxy ? constant('NTF_PROXY') : 0 }, attrs: { dst: entry.dst } };
}

/** The checks of a list filter: its family number, proxy table or not, and the state bits to keep. */
export function validateNeighFilter(op: string, filter: NeighFilter): { af: number; proxy: boolean; states: number[] | undefined } {
  checkKeys(filter, FILTER_KEYS, op);
  const af = familyNumber(checkFamily(filter.family, op));
  const proxy = checkBool(filter.proxy, `${op}: proxy`);
  let states: number[] | undefined;
  if (filter.state !== undefined) {
    const list = Array.isArray(filter.state) ? filter.state : [filter.state];
    states = list.map((s) => stateNumber(s, `${op}: state`));
  }
  return { af, proxy, states };
}
