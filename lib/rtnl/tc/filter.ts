/**
 * Checking u32 filter descriptions (one key: an IPv4 prefix, a port, or
 * everything; a class and/or mirred actions) and building their
 * RTM_NEWTFILTER / RTM_DELTFILTER bodies, without the ifindexes, as
 * `tc filter add ... u32 match ip ...` does.
 * @module
 */
import { constant, type RawAttrs } from '../../netlink/native.js';
import { parseCidr } from '../values/cidr.js';
import { checkInt, checkKeys } from '../values/checks.js';
import type { LinkRef } from '../values/ifindex.js';
import { parseHandle, parseParent, parseProtocol } from './units.js';
import type { TcDraft } from './qdisc.js';
import type { FilterDel, FilterSpec, MirredAction, U32Match } from './types.js';

const KEYS = new Set(['dev', 'kind', 'parent', 'protocol', 'prio', 'match', 'classid', 'actions', 'signal']);
const ACTION_KEYS = new Set(['kind', 'direction', 'action', 'dev']);

/** A checked filter: its message without ifindexes, and the action devices to resolve (in order). */
export interface FilterDraft extends TcDraft {
  actionDevs: LinkRef[];
}

const htons = (p: number): number => ((p & 0xff) << 8) | (p >>> 8);

function info(op: string, prio: unknown, protocol: unknown): number {
  const p = prio === undefined ? 0 : checkInt(prio, 1, 0xffff, `${op}: prio`);
  const proto = protocol === undefined ? 0 : parseProtocol(protocol, `${op}: protocol`);
  return ((p << 16) | htons(proto)) >>> 0;
}

/** The key of one match, as tc's `match ip dst|src|dport|sport` / `match u32 0 0` packs it. */
function u32Key(op: string, m: U32Match): { keyMask: number; keyVal: number; keyOff: number; keyOffmask: number } {
  if (m === 'all') return { keyMask: 0, keyVal: 0, keyOff: 0, keyOffmask: 0 };
  if (m === null || typeof m !== 'object') throw new TypeError(`${op}: match: must be { dst }, { src }, { dport }, { sport } or 'all'`);
  const keys = Object.keys(m);
  if (keys.length !== 1) throw new TypeError(`${op}: match: exactly one of dst, src, dport, sport (netloom's u32 filters match one key)`);
  const [key] = keys;
  if (key === 'dst' || key === 'src') {
    const c = parseCidr((m as Record<string, unknown>)[key], `${op}: match.${key}`);
    if (c.family !== 'inet') throw new TypeError(`${op}: match.${key}: u32 matches IPv4 prefixes here, got '${c.address}'`);
    const mask = c.prefixlen === 0 ? 0 : (0xffffffff << (32 - c.prefixlen)) >>> 0;
    const addr = c.address.split('.').reduce((a, b) => a * 256 + Number(b), 0);
    // The IPv4 header's saddr is at 12, daddr at 16.
    return { keyMask: mask, keyVal: (addr & mask) >>> 0, keyOff: key === 'dst' ? 16 : 12, keyOffmask: 0 };
  }
  if (key === 'dport' || key === 'sport') {
    const port = checkInt((m as Record<string, unknown>)[key], 0, 0xffff, `${op}: match.${key}`);
    // Ports at 20 (an IPv4 header without options): sport the high half, dport the low.
    return key === 'sport' ? { keyMask: 0xffff0000, keyVal: port * 0x10000, keyOff: 20, keyOffmask: 0 } : { keyMask: 0xffff, keyVal: port, keyOff: 20, keyOffmask: 0 };
  }
  throw new TypeError(`${op}: match.${key}: unknown match (dst, src, dport, sport or 'all')`);
}

function checkAction(op: string, a: MirredAction, i: number): void {
  const f = `${op}: actions[${i}]`;
  if (a === null || typeof a !== 'object') throw new TypeError(`${f}: must be { kind: 'mirred', dev }`);
  if (a.kind !== 'mirred') throw new TypeError(`${f}.kind: unknown action kind '${String(a.kind)}' (netloom knows mirred)`);
  checkKeys(a, ACTION_KEYS, op, 'option', `actions[${i}].`);
  if (a.direction !== undefined && a.direction !== 'egress' && a.direction !== 'ingress') throw new TypeError(`${f}.direction: must be 'egress' or 'ingress'`);
  if (a.action !== undefined && a.action !== 'redirect' && a.action !== 'mirror') throw new TypeError(`${f}.action: must be 'redirect' or 'mirror'`);
  if (a.dev === undefined || a.dev === null || a.dev === '') throw new TypeError(`${f}.dev: must be a link name or ifindex`);
}

/** Every check of a filter to add, and its message without ifindexes (errors 'OP: FIELD: ...'). */
export function validateFilter(op: string, f: FilterSpec): FilterDraft {
  if (f === null || typeof f !== 'object') throw new TypeError(`${op}: filter: must be an object like { dev, kind: 'u32', parent: '1:', match: { dst }, classid }`);
  if (f.kind !== 'u32') throw new TypeError(`${op}: kind: unknown filter kind '${String(f.kind)}' (netloom knows u32)`);
  checkKeys(f, KEYS, op);
  if (f.dev === undefined || f.dev === null || f.dev === '') throw new TypeError(`${op}: dev: must be a link name or ifindex`);
  if (f.parent === undefined) throw new TypeError(`${op}: parent: required ('1:', 'ingress' or 'egress')`);
  const header = { tcmFamily: 0, tcmHandle: 0, tcmParent: parseParent(f.parent, `${op}: parent`, true), tcmInfo: info(op, f.prio, f.protocol ?? 'all') };
  if (f.match === undefined) throw new TypeError(`${op}: match: required ({ dst }, { src }, { dport }, { sport } or 'all')`);
  const key = u32Key(op, f.match);
  const actions = f.actions ?? [];
  if (!Array.isArray(actions)) throw new TypeError(`${op}: actions: must be an array`);
  if (actions.length > constant('TCA_ACT_MAX_PRIO')) throw new RangeError(`${op}: actions: at most ${constant('TCA_ACT_MAX_PRIO')}`);
  actions.forEach((a, i) => checkAction(op, a, i));
  if (f.classid === undefined && actions.length === 0) throw new TypeError(`${op}: classid: a filter needs a classid (flowid) or actions`);
  const options: RawAttrs = {};
  if (f.classid !== undefined) options.classid = parseHandle(f.classid, `${op}: classid`);
  // Terminal: a match ends the walk (tc sets it with a flowid or an action).
  options.sel = { flags: constant('TC_U32_TERMINAL'), nkeys: 1, ...key };
  return { header, attrs: { kind: 'u32', options }, actionDevs: actions.map((a) => a.dev) };
}

/** The draft with the action devices resolved: TCA_U32_ACT's mirred entries. */
export function withActions(d: FilterDraft, actions: readonly MirredAction[], ifindexes: readonly number[]): TcDraft {
  if (actions.length === 0) return d;
  const act = actions.map((a, i) => {
    const ingress = a.direction === 'ingress';
    const mirror = a.action === 'mirror';
    const eaction = constant(ingress ? (mirror ? 'TCA_INGRESS_MIRROR' : 'TCA_INGRESS_REDIR') : mirror ? 'TCA_EGRESS_MIRROR' : 'TCA_EGRESS_REDIR');
    // A redirect steals the packet; a mirror lets it go on (tc's defaults).
    const action = constant(mirror ? 'TC_ACT_PIPE' : 'TC_ACT_STOLEN');
    return { kind: 'mirred', options: { parms: { index: 0, capab: 0, action, refcnt: 0, bindcnt: 0, eaction, ifindex: ifindexes[i] } } };
  });
  const options = { ...(d.attrs.options as RawAttrs), act };
  return { header: d.header, attrs: { ...d.attrs, options } };
}

const DEL_KEYS = new Set(['dev', 'parent', 'prio', 'protocol', 'signal']);

/** The checks of filters to delete, and the message without the ifindex. */
export function validateFilterDel(op: string, d: FilterDel): TcDraft {
  if (d === null || typeof d !== 'object') throw new TypeError(`${op}: filter: must be an object like { dev, parent: '1:', prio: 1 }`);
  checkKeys(d, DEL_KEYS, op);
  if (d.dev === undefined || d.dev === null || d.dev === '') throw new TypeError(`${op}: dev: must be a link name or ifindex`);
  if (d.parent === undefined) throw new TypeError(`${op}: parent: required ('1:', 'ingress' or 'egress')`);
  return { header: { tcmFamily: 0, tcmHandle: 0, tcmParent: parseParent(d.parent, `${op}: parent`, true), tcmInfo: info(op, d.prio, d.protocol) }, attrs: {} };
}
