/**
 * Decoding RTM_NEWROUTE messages into {@link Route} objects.
 * @module
 */
import { addRaw } from '../../netlink/lazy-raw.js';
import type { KeepTree, LeanReply } from '../../netlink/keep.js';
import { constant, type RawAttrs, type RawReply } from '../../netlink/native.js';
import { SCOPES, TABLES, inetFamilyName, type RouteTable } from '../values/tables.js';
import { decodeMultipath, gatewayOf } from './multipath.js';
import { PROTOCOLS, RTM_FLAGS, TYPES } from './names.js';
import type { Route, RouteProtocol, RouteScope, RouteType } from './types.js';

/** The route's table: RTA_TABLE, or the header's 8-bit rtm_table. */
export function tableIdOf(m: RawReply): number {
  return typeof m.attrs.table === 'number' ? m.attrs.table : (m.header.rtmTable as number);
}

/**
 * What {@link decodeRoute} reads of a message, and what a flush sends back
 * (`src`): a lean dump decodes only this. An IPv4 route usually has nothing
 * else, so its lean message is already the whole `raw`; others (IPv6's
 * cacheinfo and pref) carry their bytes for `raw`. Keep in step with decodeRoute.
 */
export const ROUTE_KEEP: KeepTree = {
  type: true,
  flags: true,
  header: true,
  attrs: { dst: true, src: true, gateway: true, via: true, oif: true, nhId: true, prefsrc: true, priority: true, table: true, metrics: true, multipath: true },
};

/**
 * Decode one RTM_NEWROUTE message. A lean dump's message with `wire` (see
 * ROUTE_KEEP) gives a Route whose `raw` is decoded from those bytes when read.
 */
export function decodeRoute(m: RawReply | LeanReply): Route {
  const h = m.header;
  const a = m.attrs;
  const family = inetFamilyName(h.rtmFamily);
  const dstLen = h.rtmDstLen as number;
  const dst = typeof a.dst === 'string' ? `${a.dst}/${dstLen}` : dstLen === 0 ? 'default' : `${family === 'inet' ? '0.0.0.0' : '::'}/${dstLen}`;
  const metrics = (a.metrics ?? {}) as RawAttrs;
  const flags = h.rtmFlags as number;
  const r: Omit<Route, 'raw'> = {
    family,
    dst,
    via: gatewayOf(a),
    dev: typeof a.oif === 'number' ? a.oif : undefined,
    nhid: typeof a.nhId === 'number' ? a.nhId : undefined,
    src: typeof a.prefsrc === 'string' ? a.prefsrc : undefined,
    metric: typeof a.priority === 'number' ? a.priority : undefined,
    table: TABLES.name(tableIdOf(m)) as RouteTable,
    scope: SCOPES.name(h.rtmScope as number) as RouteScope,
    type: TYPES.name(h.rtmType as number) as RouteType,
    protocol: PROTOCOLS.name(h.rtmProtocol as number) as RouteProtocol,
    onlink: (flags & constant('RTNH_F_ONLINK')) !== 0,
    mtu: typeof metrics.mtu === 'number' ? metrics.mtu : undefined,
    advmss: typeof metrics.advmss === 'number' ? metrics.advmss : undefined,
    nexthops: Buffer.isBuffer(a.multipath) ? decodeMultipath(family, a.multipath) : undefined,
    flags: RTM_FLAGS.flags(flags),
  };
  return addRaw(r, m);
}
