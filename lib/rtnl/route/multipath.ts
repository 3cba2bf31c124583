/**
 * The RTA_MULTIPATH codec (struct rtnexthop entries), and the gateway of a
 * route or nexthop as text.
 * @module
 */
import { SocketAddress } from 'node:net';
import { constant, native, type RawAttrs } from '../../netlink/native.js';
import type { Family } from '../values/cidr.js';
import { familyNumber } from '../values/tables.js';
import { NH_FLAGS } from './names.js';
import type { Nexthop } from './types.js';

/** One resolved path for {@link buildMultipath}: link names already ifindexes. */
export interface ResolvedNexthop {
  via?: string;
  ifindex: number;
  weight: number;
  flags: number;
}

/**
 * RTA_MULTIPATH's payload is an array of `struct rtnexthop { u16 rtnh_len;
 * u8 rtnh_flags; u8 rtnh_hops; s32 rtnh_ifindex; }`, each followed by its own
 * route attributes (RTA_GATEWAY, ...) and padded to RTNH_ALIGNTO. The codec
 * tables type it as binary, so it is built here; the attributes inside are
 * encoded by the codec itself (a route message with only those attributes,
 * minus the headers), so no address or attribute layout is written by hand.
 */
function rtnhAlign(n: number): number {
  const a = constant('RTNH_ALIGNTO');
  return Math.ceil(n / a) * a;
}

/** Bytes of the netlink + rtmsg headers the codec emits for an attribute-less route message. */
function routeHeaderLength(family: Family): number {
  return native.encode(constant('RTM_NEWROUTE'), 0, { header: { rtmFamily: familyNumber(family) } }).length;
}

function buildRouteAttrs(family: Family, attrs: RawAttrs): Buffer {
  const whole = native.encode(constant('RTM_NEWROUTE'), 0, { header: { rtmFamily: familyNumber(family) }, attrs });
  return whole.subarray(routeHeaderLength(family));
}

function decodeRouteAttrs(family: Family, bytes: Buffer): RawAttrs {
  const head = native.encode(constant('RTM_NEWROUTE'), 0, { header: { rtmFamily: familyNumber(family) } });
  const msg = Buffer.concat([head, bytes]);
  msg.writeUInt32LE(msg.length, 0); // nlmsg_len
  return native.decode(msg)[0]?.attrs ?? {};
}

/** Build RTA_MULTIPATH from resolved entries. */
export function buildMultipath(family: Family, hops: ResolvedNexthop[]): Buffer {
  const size = constant('NETLOOM_SIZEOF_RTNEXTHOP');
  const parts: Buffer[] = [];
  for (const h of hops) {
    const attrs = h.via === undefined ? Buffer.alloc(0) : buildRouteAttrs(family, { gateway: h.via });
    const len = size + attrs.length;
    const entry = Buffer.alloc(rtnhAlign(len));
    entry.writeUInt16LE(len, 0);
    entry.writeUInt8(h.flags, 2);
    entry.writeUInt8(h.weight - 1, 3);
    entry.writeInt32LE(h.ifindex, 4);
    attrs.copy(entry, size);
    parts.push(entry);
  }
  return Buffer.concat(parts);
}

/** Decode RTA_MULTIPATH into its entries; stops at a malformed entry. */
export function decodeMultipath(family: Family, buf: Buffer): Nexthop[] {
  const size = constant('NETLOOM_SIZEOF_RTNEXTHOP');
  const out: Nexthop[] = [];
  let off = 0;
  while (off + size <= buf.length && out.length < 4096) {
    const len = buf.readUInt16LE(off);
    if (len < size || off + len > buf.length) break;
    const flags = buf.readUInt8(off + 2);
    const attrs = len > size ? decodeRouteAttrs(family, buf.subarray(off + size, off + len)) : {};
    out.push({
      via: gatewayOf(attrs),
      dev: buf.readInt32LE(off + 4),
      weight: buf.readUInt8(off + 3) + 1,
      onlink: (flags & constant('RTNH_F_ONLINK')) !== 0,
      flags: NH_FLAGS.flags(flags),
    });
    off += rtnhAlign(len);
  }
  return out;
}

/**
 * RTA_VIA's payload for an IPv6 gateway: `struct rtvia { __kernel_sa_family_t
 * rtvia_family; __u8 rtvia_addr[]; }`, the family in host order and then the
 * address bytes, which the codec writes (as RTA_GATEWAY of an IPv6 route).
 */
export function buildVia(inet6Address: string): Buffer {
  const gw = buildRouteAttrs('inet6', { gateway: inet6Address });
  const addr = gw.subarray(4, gw.readUInt16LE(0)); // past the nlattr header
  const via = Buffer.alloc(2 + addr.length);
  via.writeUInt16LE(constant('AF_INET6'), 0);
  addr.copy(via, 2);
  return via;
}

/** RTA_GATEWAY, or RTA_VIA (struct rtvia: u16 family, then the address) as text. */
export function gatewayOf(a: RawAttrs): string | undefined {
  if (typeof a.gateway === 'string') return a.gateway;
  if (Buffer.isBuffer(a.via) && a.via.length >= 2) {
    const af = a.via.readUInt16LE(0);
    const bytes = a.via.subarray(2);
    if (af === constant('AF_INET') && bytes.length === 4) return [...bytes].join('.');
    if (af === constant('AF_INET6') && bytes.length === 16) {
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
      return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
    }
  }
  return undefined;
}
