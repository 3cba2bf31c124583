/**
 * Checking route descriptions, `route.get` questions and list filters, and
 * building their requests, before any I/O (link names are resolved later).
 * @module
 */
import { constant, type RawAttrs } from '../../netlink/native.js';
import { parseAddress, parseCidr, type Family } from '../values/cidr.js';
import { U32_MAX, checkBool, checkFamily, checkInt, checkKeys } from '../values/checks.js';
import { SCOPES, TABLES, familyNumber, type RouteTable } from '../values/tables.js';
import { PROTOCOLS, TYPES } from './names.js';
import { buildVia } from './multipath.js';
import type { RouteFilter, RouteGetOptions, RouteSpec } from './types.js';

const SPEC_KEYS = new Set<string>(['dst', 'family', 'via', 'dev', 'nhid', 'src', 'metric', 'table', 'scope', 'type', 'protocol', 'onlink', 'mtu', 'advmss', 'nexthops']);
const NH_KEYS = new Set<string>(['via', 'dev', 'weight', 'onlink']);
const GET_KEYS = new Set<string>(['from', 'oif', 'iif', 'mark', 'fibmatch', 'signal']);
const FILTER_KEYS = new Set<string>(['table', 'family', 'dev', 'type', 'protocol']);

/** A route request built from a description, before its link names are resolved. */
export interface RouteDraft {
  /** The route's family. */
  family: Family;
  /** The rtmsg header. */
  header: Record<string, number>;
  /** The attributes so far (no RTA_OIF or RTA_MULTIPATH yet). */
  attrs: RawAttrs;
  /** RTA_METRICS, added after the link attributes. */
  metrics: RawAttrs | undefined;
}

/** A table name or id as the kernel's number (a route's wording: rules word it their own way). */
function tableNumber(table: RouteTable, field: string): number {
  if (typeof table === 'number') return checkInt(table, 1, U32_MAX, field);
  return TABLES.number(table, field);
}

/** The table as rtm_table (u8) plus RTA_TABLE for ids above 255, as iproute2 sends it. */
function putTable(header: Record<string, number>, attrs: RawAttrs, id: number): void {
  if (id < 256) header.rtmTable = id;
  else {
    header.rtmTable = constant('RT_TABLE_UNSPEC');
    attrs.table = id;
  }
}

/**
 * Validate a description and build its request, all before any I/O (link
 * names are resolved later). Errors are TypeError/RangeError starting
 * 'OP: FIELD: '. (Exported for declarations checked as a whole before
 * anything is touched: topologies.)
 */
export function validateRoute(op: string, del: boolean, route: RouteSpec): RouteDraft {
  if (route === null || typeof route !== 'object') throw new TypeError(`${op}: route: must be an object like { dst: '198.18.1.0/24', via: '198.18.0.1' }`);
  checkKeys(route, SPEC_KEYS, op, 'field');
  const { dst } = route;
  let family: Family | undefined;
  let dstLen = 0;
  const attrs: RawAttrs = {};
  if (dst !== 'default') {
    const c = parseCidr(dst, `${op}: dst`);
    family = c.family;
    dstLen = c.prefixlen;
    attrs.dst = c.address;
  }
  if (route.family !== undefined) {
    if (route.family !== 'inet' && route.family !== 'inet6') throw new TypeError(`${op}: family: must be 'inet' or 'inet6'`);
    if (family !== undefined && family !== route.family) throw new TypeError(`${op}: family: '${route.family}' but dst '${dst}' is not`);
    family = route.family;
  }
  // The family of the first address given decides for 'default'; every other must agree.
  const sameFamily = (text: string, field: string): string => {
    const a = parseAddress(text, `${op}: ${field}`);
    if (family === undefined) family = a.family;
    else if (a.family !== family) throw new TypeError(`${op}: ${field}: '${text}' is ${a.family === 'inet' ? 'IPv4' : 'IPv6'} but the route is ${family === 'inet' ? 'IPv4' : 'IPv6'}`);
    return a.address;
  };
  if (route.via !== undefined) {
    const gw = parseAddress(route.via, `${op}: via`);
    // An IPv6 gateway of an IPv4 route (RFC 5549): RTA_VIA, as `via inet6 GW`.
    if (gw.family === 'inet6' && (family === 'inet' || route.family === 'inet')) {
      family = 'inet';
      attrs.via = buildVia(gw.address);
    } else {
      attrs.gateway = sameFamily(route.via, 'via');
    }
  }
  if (route.nhid !== undefined) {
    attrs.nhId = checkInt(route.nhid, 1, U32_MAX, `${op}: nhid`);
    for (const k of ['via', 'dev', 'onlink', 'nexthops'] as const) {
      if (route[k] !== undefined) throw new TypeError(`${op}: ${k}: cannot be combined with nhid (the nexthop object says it)`);
    }
  }
  if (route.nexthops !== undefined) {
    if (!Array.isArray(route.nexthops) || route.nexthops.length === 0) throw new TypeError(`${op}: nexthops: must be a non-empty array`);
    for (const k of ['via', 'dev', 'onlink'] as const) if (route[k] !== undefined) throw new TypeError(`${op}: ${k}: cannot be combined with nexthops (give it per nexthop)`);
    route.nexthops.forEach((nh, i) => {
      const field = `nexthops[${i}]`;
      if (nh === null || typeof nh !== 'object') throw new TypeError(`${op}: ${field}: must be an object like { via, dev, weight }`);
      checkKeys(nh, NH_KEYS, op, 'field', `${field}.`);
      if (nh.via !== undefined) sameFamily(nh.via, `${field}.via`);
      if (nh.weight !== undefined && (!Number.isInteger(nh.weight) || nh.weight < 1 || nh.weight > 256)) throw new RangeError(`${op}: ${field}.weight: must be 1..256, got ${String(nh.weight)}`);
      checkBool(nh.onlink, `${op}: ${field}.onlink`);
      if (nh.dev === undefined && nh.via === undefined) throw new TypeError(`${op}: ${field}: needs via or dev`);
    });
  }
  if (route.src !== undefined) attrs.prefsrc = sameFamily(route.src, 'src');
  family ??= 'inet';
  if (route.metric !== undefined) attrs.priority = checkInt(route.metric, 0, U32_MAX, `${op}: metric`);
  checkBool(route.onlink, `${op}: onlink`);
  const metrics: RawAttrs = {};
  if (route.mtu !== undefined) metrics.mtu = checkInt(route.mtu, 68, U32_MAX, `${op}: mtu`);
  if (route.advmss !== undefined) metrics.advmss = checkInt(route.advmss, 1, U32_MAX, `${op}: advmss`);

  // Header defaults as iproute2's iproute_modify: add/replace/append get
  // proto boot and type unicast; del leaves them unspecified (match any).
  const header: Record<string, number> = { rtmFamily: familyNumber(family), rtmDstLen: dstLen };
  const typeNum = route.type !== undefined ? TYPES.number(route.type, `${op}: type`) : del ? constant('RTN_UNSPEC') : constant('RTN_UNICAST');
  header.rtmType = typeNum;
  header.rtmProtocol = route.protocol !== undefined ? PROTOCOLS.number(route.protocol, `${op}: protocol`) : del ? constant('RTPROT_UNSPEC') : constant('RTPROT_BOOT');
  putTable(header, attrs, tableNumber(route.table ?? 'main', `${op}: table`));
  if (route.scope !== undefined) header.rtmScope = SCOPES.number(route.scope, `${op}: scope`);
  else header.rtmScope = defaultScope(family, typeNum, del, attrs.gateway !== undefined || attrs.via !== undefined || attrs.nhId !== undefined || route.nexthops !== undefined);
  if (route.onlink) header.rtmFlags = constant('RTNH_F_ONLINK');

  return { family, header, attrs, metrics: Object.keys(metrics).length > 0 ? metrics : undefined };
}

/** iproute2's scope choice when none is given. */
function defaultScope(family: Family, type: number, del: boolean, hasGateway: boolean): number {
  if (family === 'inet6') return constant('RT_SCOPE_UNIVERSE');
  if (type === constant('RTN_LOCAL') || type === constant('RTN_NAT')) return constant('RT_SCOPE_HOST');
  if (type === constant('RTN_BROADCAST') || type === constant('RTN_MULTICAST') || type === constant('RTN_ANYCAST')) return constant('RT_SCOPE_LINK');
  if (type === constant('RTN_UNICAST') || type === constant('RTN_UNSPEC')) {
    if (del) return constant('RT_SCOPE_NOWHERE');
    if (!hasGateway) return constant('RT_SCOPE_LINK');
  }
  return constant('RT_SCOPE_UNIVERSE');
}

/**
 * The checks of a `route.get` question and its RTM_GETROUTE request without
 * the oif/iif ifindexes.
 */
export function validateRouteGet(op: string, dst: string, opts: RouteGetOptions): { header: Record<string, number>; attrs: RawAttrs } {
  checkKeys(opts, GET_KEYS, op);
  const d = parseAddress(dst, `${op}: dst`);
  const header: Record<string, number> = { rtmFamily: familyNumber(d.family), rtmDstLen: d.family === 'inet' ? 32 : 128 };
  const attrs: RawAttrs = { dst: d.address };
  if (opts.from !== undefined) {
    const s = parseAddress(opts.from, `${op}: from`);
    if (s.family !== d.family) throw new TypeError(`${op}: from: family differs from dst '${dst}'`);
    attrs.src = s.address;
    header.rtmSrcLen = d.family === 'inet' ? 32 : 128;
  }
  if (opts.mark !== undefined) attrs.mark = checkInt(opts.mark, 0, U32_MAX, `${op}: mark`);
  checkBool(opts.fibmatch, `${op}: fibmatch`);
  // As ip: RTM_F_LOOKUP_TABLE makes the answer name the table that matched
  // (IPv4 only: IPv6's strict check rejects it, "Invalid flags for get route request").
  const lookupTable = d.family === 'inet' ? constant('RTM_F_LOOKUP_TABLE') : 0;
  header.rtmFlags = lookupTable | (opts.fibmatch ? constant('RTM_F_FIB_MATCH') : 0);
  return { header, attrs };
}

/** The checks of a list filter: what a dumped route must match, but its link. */
export function validateRouteFilter(op: string, filter: RouteFilter): { family: Family | undefined; table: number | undefined; type: number | undefined; protocol: number | undefined } {
  checkKeys(filter, FILTER_KEYS, op, 'filter');
  const family = checkFamily(filter.family, op);
  const table = filter.table === 'all' ? undefined : tableNumber(filter.table ?? 'main', `${op}: table`);
  const type = filter.type === undefined ? undefined : TYPES.number(filter.type, `${op}: type`);
  const protocol = filter.protocol === undefined ? undefined : PROTOCOLS.number(filter.protocol, `${op}: protocol`);
  return { family, table, type, protocol };
}
