/**
 * Routes: `ip route`.
 * @module
 */
import { SocketAddress } from 'node:net';
import { constant, native, type RawAttrs, type RawMessage, type RawReply } from '../../netlink/native.js';
import { parseCidr } from '../values/cidr.js';
import { ConstantNames } from '../../netlink/constant-names.js';
import type { LinkApi, LinkRef } from '../link/api.js';
// The table type is shared with rules (rule.ts defines it: 'main' | 'local' | 'default' | id).
import type { RouteTable } from '../rule/api.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';
import { eachBounded } from '../../netlink/bounded.js';

/** Route scopes by name (`ip route ... scope NAME`), or a number. */
export type RouteScope = 'global' | 'site' | 'link' | 'host' | 'nowhere' | (number & {});
/** Route types (`ip route add TYPE PREFIX`), or a number for ones without a name. */
export type RouteType =
  | 'unspec'
  | 'unicast'
  | 'local'
  | 'broadcast'
  | 'anycast'
  | 'multicast'
  | 'blackhole'
  | 'unreachable'
  | 'prohibit'
  | 'throw'
  | 'nat'
  | (number & {});
/** Who installed a route (`proto NAME`), or a number (iproute2's rt_protos ids, 0..255). */
export type RouteProtocol = 'unspec' | 'redirect' | 'kernel' | 'boot' | 'static' | 'ra' | 'dhcp' | (number & {});

/** One path of a multipath route (`nexthop via GW dev DEV weight W onlink`). */
export interface NexthopSpec {
  /** The gateway, in the family of the route's destination. */
  via?: string;
  /** The outgoing link. */
  dev?: LinkRef;
  /** Relative weight, 1..256 (default 1). */
  weight?: number;
  /** Pretend the gateway is directly reachable on `dev`. */
  onlink?: boolean;
}

/** A route to add, replace, append or delete, as `ip route add` takes it. */
export interface RouteSpec {
  /** 'default' or a prefix ('198.18.1.0/24', '2001:db8:1::/64'; a bare address is a host route). */
  dst: string;
  /** Address family, needed only for `dst: 'default'` without `via`/`nexthops` (default 'inet'). */
  family?: 'inet' | 'inet6';
  /** The gateway (`via GW`); same family as `dst`. */
  via?: string;
  /** The outgoing link (`dev DEV`). */
  dev?: LinkRef;
  /** Preferred source address for traffic the host sends along the route (`src ADDR`, RTA_PREFSRC). */
  src?: string;
  /** The metric (`metric N`, RTA_PRIORITY). The kernel picks 0 (IPv4) or 1024 (IPv6) when absent. */
  metric?: number;
  /** The table (`table T`). Default: main. */
  table?: RouteTable;
  /** The scope. Default, as iproute2: host for local/nat, link for broadcast/multicast/anycast and for unicast routes without a gateway (IPv4), global otherwise. */
  scope?: RouteScope;
  /** The type. Default: unicast. */
  type?: RouteType;
  /** Who installs it (`proto P`). Default, as iproute2: boot. */
  protocol?: RouteProtocol;
  /** Pretend the gateway is directly reachable on `dev` (`onlink`). */
  onlink?: boolean;
  /** Path MTU (`mtu N`, RTAX_MTU). */
  mtu?: number;
  /** Advertised TCP MSS (`advmss N`, RTAX_ADVMSS). */
  advmss?: number;
  /** Several paths (`nexthop ... nexthop ...`, RTA_MULTIPATH); excludes `via`, `dev` and `onlink`. */
  nexthops?: NexthopSpec[];
}

/** One decoded path of a multipath route. */
export interface Nexthop {
  /** The gateway, if any. */
  via: string | undefined;
  /** The outgoing link's ifindex. */
  dev: number;
  /** Relative weight (1..256). */
  weight: number;
  /** The path was added `onlink`. */
  onlink: boolean;
  /** RTNH_F_* flag names: 'dead', 'pervasive', 'onlink', 'linkdown'. */
  flags: string[];
}

/** A decoded route (from a dump or from {@link RouteApi.get}). */
export interface Route {
  /** Address family. */
  family: 'inet' | 'inet6';
  /** 'default' or `prefix/len` (a host route too: '198.18.0.9/32'). */
  dst: string;
  /** The gateway, if any (RTA_GATEWAY, or RTA_VIA for a gateway of the other family). */
  via: string | undefined;
  /** The outgoing link's ifindex (RTA_OIF), if any. */
  dev: number | undefined;
  /** The preferred source (RTA_PREFSRC). */
  src: string | undefined;
  /** The metric (RTA_PRIORITY). */
  metric: number | undefined;
  /** The table: 'main', 'local', 'default' or the id. */
  table: RouteTable;
  /** The scope ('global', 'link', 'host', ...). */
  scope: RouteScope;
  /** The type ('unicast', 'local', 'broadcast', 'blackhole', ...). */
  type: RouteType;
  /** Who installed it ('kernel', 'boot', 'static', ...). */
  protocol: RouteProtocol;
  /** The route was added `onlink`. */
  onlink: boolean;
  /** Path MTU metric, if set. */
  mtu: number | undefined;
  /** Advertised MSS metric, if set. */
  advmss: number | undefined;
  /** The paths of a multipath route. */
  nexthops: Nexthop[] | undefined;
  /** rtm_flags names: 'dead', 'onlink', 'linkdown', 'cloned', 'notify', ... */
  flags: string[];
  /** Everything the kernel sent. */
  raw: RawReply;
}

/** Filter of {@link RouteApi.list}. */
export interface RouteFilter {
  /** The table, or 'all'. Default: main (as `ip route show`). */
  table?: RouteTable | 'all';
  /** Only this family. Default: both. */
  family?: 'inet' | 'inet6';
  /** Only routes through this link (directly or as one of the nexthops). */
  dev?: LinkRef;
  /** Only this type. */
  type?: RouteType;
  /** Only routes installed by this protocol. */
  protocol?: RouteProtocol;
}

/** Options of {@link RouteApi.get}. */
export interface RouteGetOptions extends OperationOptions {
  /** Source address of the packet (`from ADDR`). */
  from?: string;
  /** The outgoing link to force (`oif DEV`). */
  oif?: LinkRef;
  /** The incoming link, to ask how forwarded traffic would go (`iif DEV`). */
  iif?: LinkRef;
  /** Firewall mark (`mark N`). */
  mark?: number;
  /** Return the FIB entry that matched rather than the resolved route (`fibmatch`). */
  fibmatch?: boolean;
}

const U32_MAX = 0xffffffff;
const SCOPES = new ConstantNames({ global: 'RT_SCOPE_UNIVERSE', site: 'RT_SCOPE_SITE', link: 'RT_SCOPE_LINK', host: 'RT_SCOPE_HOST', nowhere: 'RT_SCOPE_NOWHERE' });
const TYPES = new ConstantNames({
  unspec: 'RTN_UNSPEC', unicast: 'RTN_UNICAST', local: 'RTN_LOCAL', broadcast: 'RTN_BROADCAST', anycast: 'RTN_ANYCAST', multicast: 'RTN_MULTICAST',
  blackhole: 'RTN_BLACKHOLE', unreachable: 'RTN_UNREACHABLE', prohibit: 'RTN_PROHIBIT', throw: 'RTN_THROW', nat: 'RTN_NAT',
});
const PROTOCOLS = new ConstantNames({
  unspec: 'RTPROT_UNSPEC', redirect: 'RTPROT_REDIRECT', kernel: 'RTPROT_KERNEL', boot: 'RTPROT_BOOT', static: 'RTPROT_STATIC', ra: 'RTPROT_RA', dhcp: 'RTPROT_DHCP',
});
const TABLES = new ConstantNames({ main: 'RT_TABLE_MAIN', local: 'RT_TABLE_LOCAL', default: 'RT_TABLE_DEFAULT' });
const NH_FLAG_TABLE = { dead: 'RTNH_F_DEAD', pervasive: 'RTNH_F_PERVASIVE', onlink: 'RTNH_F_ONLINK', linkdown: 'RTNH_F_LINKDOWN' };
const NH_FLAGS = new ConstantNames(NH_FLAG_TABLE);
const RTM_FLAGS = new ConstantNames({ ...NH_FLAG_TABLE, notify: 'RTM_F_NOTIFY', cloned: 'RTM_F_CLONED', 'lookup-table': 'RTM_F_LOOKUP_TABLE', fibmatch: 'RTM_F_FIB_MATCH' });

const SPEC_KEYS = new Set<string>(['dst', 'family', 'via', 'dev', 'src', 'metric', 'table', 'scope', 'type', 'protocol', 'onlink', 'mtu', 'advmss', 'nexthops']);
const NH_KEYS = new Set<string>(['via', 'dev', 'weight', 'onlink']);
const GET_KEYS = new Set<string>(['from', 'oif', 'iif', 'mark', 'fibmatch', 'signal']);

type Family = 'inet' | 'inet6';
const afOf = (f: Family): number => constant(f === 'inet' ? 'AF_INET' : 'AF_INET6');

function u32(v: unknown, field: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > U32_MAX) throw new RangeError(`${field}: must be an integer ${min}..${U32_MAX}, got ${String(v)}`);
  return v;
}

function address(text: unknown, field: string): { family: Family; address: string } {
  if (typeof text === 'string' && text.includes('/')) throw new TypeError(`${field}: must be an address without a prefix length, got '${text}'`);
  const c = parseCidr(text, field);
  return { family: c.family, address: c.address };
}

function tableNumber(table: RouteTable, field: string): number {
  if (typeof table === 'number') return u32(table, field, 1);
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
  return native.encode(constant('RTM_NEWROUTE'), 0, { header: { rtmFamily: afOf(family) } }).length;
}

function encodeRouteAttrs(family: Family, attrs: RawAttrs): Buffer {
  const whole = native.encode(constant('RTM_NEWROUTE'), 0, { header: { rtmFamily: afOf(family) }, attrs });
  return whole.subarray(routeHeaderLength(family));
}

function decodeRouteAttrs(family: Family, bytes: Buffer): RawAttrs {
  const head = native.encode(constant('RTM_NEWROUTE'), 0, { header: { rtmFamily: afOf(family) } });
  const msg = Buffer.concat([head, bytes]);
  msg.writeUInt32LE(msg.length, 0); // nlmsg_len
  return native.decode(msg)[0]?.attrs ?? {};
}

/** Encode RTA_MULTIPATH from resolved entries. */
function encodeMultipath(family: Family, hops: { via?: string; ifindex: number; weight: number; flags: number }[]): Buffer {
  const size = constant('NETLOOM_SIZEOF_RTNEXTHOP');
  const parts: Buffer[] = [];
  for (const h of hops) {
    const attrs = h.via === undefined ? Buffer.alloc(0) : encodeRouteAttrs(family, { gateway: h.via });
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
function decodeMultipath(family: Family, buf: Buffer): Nexthop[] {
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

/** RTA_GATEWAY, or RTA_VIA (struct rtvia: u16 family, then the address) as text. */
function gatewayOf(a: RawAttrs): string | undefined {
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

/** A route request built from a description, before its link names are resolved. */
export interface Resolved {
  /** The route's family. */
  family: Family;
  /** The rtmsg header. */
  header: Record<string, number>;
  /** The attributes so far (no RTA_OIF or RTA_MULTIPATH yet). */
  attrs: RawAttrs;
  /** RTA_METRICS, added after the link attributes. */
  metrics: RawAttrs | undefined;
}

/** The typed route operations of one rtnetlink handle. */
export class RouteApi {
  readonly #sock: RtnlSocket;
  readonly #link: LinkApi;

  /** @internal Bound to a socket and the link API that resolves device names. */
  constructor(sock: RtnlSocket, link: LinkApi) {
    this.#sock = sock;
    this.#link = link;
  }

  /**
   * Add a route; fails with EEXIST if it exists ({@link RouteApi.replace} is the way out).
   *
   * Equivalent to: `ip route add [TYPE] DST [via GW] [dev DEV] [src SRC] [metric M] [table T] [scope S] [proto P] [onlink] [mtu N] [advmss N] [nexthop ...]`
   */
  add(route: RouteSpec, opts: OperationOptions = {}): Promise<void> {
    return this.#modify('route.add', constant('RTM_NEWROUTE'), constant('NLM_F_CREATE') | constant('NLM_F_EXCL'), route, opts);
  }

  /**
   * Add a route, or replace the one with the same destination, table and metric.
   *
   * Equivalent to: `ip route replace DST ...`
   */
  replace(route: RouteSpec, opts: OperationOptions = {}): Promise<void> {
    return this.#modify('route.replace', constant('RTM_NEWROUTE'), constant('NLM_F_CREATE') | constant('NLM_F_REPLACE'), route, opts);
  }

  /**
   * Add a route after existing ones with the same destination (IPv6: another
   * path of a multipath route).
   *
   * Equivalent to: `ip route append DST ...`
   */
  append(route: RouteSpec, opts: OperationOptions = {}): Promise<void> {
    return this.#modify('route.append', constant('RTM_NEWROUTE'), constant('NLM_F_CREATE') | constant('NLM_F_APPEND'), route, opts);
  }

  /**
   * Delete a route; fails with ESRCH if none matches. Fields left out match
   * anything (as with `ip route del`); a decoded {@link Route} works as the
   * description too.
   *
   * Equivalent to: `ip route del DST [via GW] [dev DEV] [table T] [metric M] ...`
   */
  async del(route: RouteSpec | Route, opts: OperationOptions = {}): Promise<void> {
    if ('raw' in route) await this.#sock.request('route.del', constant('RTM_DELROUTE'), 0, deleteMessage(route.raw), opts, route);
    else await this.#modify('route.del', constant('RTM_DELROUTE'), 0, route, opts);
  }

  /**
   * Ask the kernel which route a packet to `dst` would take: the resolved
   * route, with its dev, gateway and preferred source.
   *
   * Equivalent to: `ip route get DST [from SRC] [oif DEV] [iif DEV] [mark M] [fibmatch]`
   */
  async get(dst: string, opts: RouteGetOptions = {}): Promise<Route> {
    const op = 'route.get';
    for (const k of Object.keys(opts)) if (!GET_KEYS.has(k)) throw new TypeError(`${op}: ${k}: unknown option`);
    const d = address(dst, `${op}: dst`);
    const header: Record<string, number> = { rtmFamily: afOf(d.family), rtmDstLen: d.family === 'inet' ? 32 : 128 };
    const attrs: RawAttrs = { dst: d.address };
    if (opts.from !== undefined) {
      const s = address(opts.from, `${op}: from`);
      if (s.family !== d.family) throw new TypeError(`${op}: from: family differs from dst '${dst}'`);
      attrs.src = s.address;
      header.rtmSrcLen = d.family === 'inet' ? 32 : 128;
    }
    if (opts.mark !== undefined) attrs.mark = u32(opts.mark, `${op}: mark`);
    if (opts.fibmatch !== undefined && typeof opts.fibmatch !== 'boolean') throw new TypeError(`${op}: fibmatch: must be a boolean`);
    // As ip: RTM_F_LOOKUP_TABLE makes the answer name the table that matched
    // (IPv4 only: IPv6's strict check rejects it, "Invalid flags for get route request").
    const lookupTable = d.family === 'inet' ? constant('RTM_F_LOOKUP_TABLE') : 0;
    header.rtmFlags = lookupTable | (opts.fibmatch ? constant('RTM_F_FIB_MATCH') : 0);
    if (opts.oif !== undefined) attrs.oif = await this.#ifindex(op, 'oif', opts.oif, opts);
    if (opts.iif !== undefined) attrs.iif = await this.#ifindex(op, 'iif', opts.iif, opts);
    const replies = await this.#sock.request(op, constant('RTM_GETROUTE'), 0, { header, attrs }, opts, { dst, ...opts });
    const reply = replies.find((m) => m.type === constant('RTM_NEWROUTE'));
    if (reply === undefined) throw new Error(`${op}: the kernel sent no route for '${dst}'`);
    return decodeRoute(reply);
  }

  /**
   * Stream the routes matching `filter` (main table by default), IPv4 and
   * IPv6, without cached (cloned) entries.
   *
   * Equivalent to: `ip route show [table T|all] [dev DEV] [type T] [proto P]`, `ip -6 route show ...`
   */
  async *dump(filter: RouteFilter = {}, opts: DumpOptions = {}): AsyncIterableIterator<Route> {
    const op = 'route.list';
    const f = await this.#filter(op, filter, opts);
    for await (const m of this.#sock.dump(op, constant('RTM_GETROUTE'), f.request, opts)) {
      const r = f.accept(m);
      if (r !== undefined) yield r;
    }
  }

  /**
   * The routes matching `filter` as an array (see {@link RouteApi.dump}).
   *
   * Equivalent to: `ip route show [table T|all] [dev DEV] [type T] [proto P]`
   */
  async list(filter: RouteFilter = {}, opts: DumpOptions = {}): Promise<Route[]> {
    // Not through dump(): an async generator costs a few promise turns per
    // route, which was a third of listing 100,000 of them. collect() also
    // dumps again if the kernel flagged the dump as interrupted.
    const op = 'route.list';
    const f = await this.#filter(op, filter, opts);
    const out: Route[] = [];
    for (const m of await this.#sock.collect(op, constant('RTM_GETROUTE'), f.request, opts)) {
      const r = f.accept(m);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  /**
   * Delete every route matching `filter` (main table by default); returns how
   * many were deleted. Routes that vanish meanwhile (with their link) are skipped.
   *
   * Equivalent to: `ip route flush [table T] [dev DEV] [proto P] ...`
   */
  async flush(filter: RouteFilter = {}, opts: OperationOptions = {}): Promise<number> {
    const op = 'route.flush';
    const list = await this.list(filter, opts);
    let n = 0;
    // Pipelined; the socket sends what is queued in one datagram with one
    // ACK, as `ip route flush` does. A route already gone (ESRCH: removed
    // with another, or by someone else) is fine.
    await eachBounded(list, 1024, async (r) => {
      try {
        await this.#sock.request(op, constant('RTM_DELROUTE'), 0, deleteMessage(r.raw), opts, r);
        n++;
      } catch (e) {
        if ((e as { code?: string }).code !== 'ESRCH') throw e;
      }
    });
    return n;
  }

  /** The dump request for `filter`, and what keeps (and decodes) a dumped message. */
  async #filter(op: string, filter: RouteFilter, opts: OperationOptions): Promise<{ request: RawMessage; accept: (m: RawReply) => Route | undefined }> {
    for (const k of Object.keys(filter)) if (!['table', 'family', 'dev', 'type', 'protocol'].includes(k)) throw new TypeError(`${op}: ${k}: unknown filter`);
    const { family } = filter;
    if (family !== undefined && family !== 'inet' && family !== 'inet6') throw new TypeError(`${op}: family: must be 'inet' or 'inet6'`);
    const table = filter.table === 'all' ? undefined : tableNumber(filter.table ?? 'main', `${op}: table`);
    const type = filter.type === undefined ? undefined : TYPES.number(filter.type, `${op}: type`);
    const protocol = filter.protocol === undefined ? undefined : PROTOCOLS.number(filter.protocol, `${op}: protocol`);
    const ifindex = filter.dev === undefined ? undefined : await this.#ifindex(op, 'dev', filter.dev, opts);
    const newroute = constant('RTM_NEWROUTE');
    const inet = constant('AF_INET');
    const inet6 = constant('AF_INET6');
    const cloned = constant('RTM_F_CLONED');
    return {
      request: { header: { rtmFamily: family === undefined ? constant('AF_UNSPEC') : afOf(family) } },
      accept: (m) => {
        const h = m.header;
        if (m.type !== newroute) return undefined;
        if (h.rtmFamily !== inet && h.rtmFamily !== inet6) return undefined; // ipmr, ip6mr, mpls...
        // Header checks first: most of a big dump is filtered without decoding.
        if (((h.rtmFlags as number) & cloned) !== 0) return undefined;
        if (table !== undefined && tableIdOf(m) !== table) return undefined;
        if (type !== undefined && h.rtmType !== type) return undefined;
        if (protocol !== undefined && h.rtmProtocol !== protocol) return undefined;
        const r = decodeRoute(m);
        if (ifindex !== undefined && r.dev !== ifindex && !(r.nexthops ?? []).some((nh) => nh.dev === ifindex)) return undefined;
        return r;
      },
    };
  }

  async #modify(op: string, type: number, flags: number, route: RouteSpec, opts: OperationOptions): Promise<void> {
    const r = validateRoute(op, type === constant('RTM_DELROUTE'), route);
    // Only link names need a round trip; most routes at scale name none.
    if (route.dev !== undefined || route.nexthops !== undefined) await this.#resolveLinks(op, route, r, opts);
    // Last, as ip puts it (attribute order does not matter to the kernel; it keeps the bytes comparable).
    if (r.metrics !== undefined) r.attrs.metrics = r.metrics;
    await this.#sock.request(op, type, flags, { header: r.header, attrs: r.attrs }, opts, route);
  }

  /** Fill in what names links: oif from `dev`, RTA_MULTIPATH from `nexthops`. */
  async #resolveLinks(op: string, route: RouteSpec, r: Resolved, opts: OperationOptions): Promise<void> {
    if (route.dev !== undefined) r.attrs.oif = await this.#ifindex(op, 'dev', route.dev, opts);
    if (route.nexthops !== undefined) {
      const hops: { via?: string; ifindex: number; weight: number; flags: number }[] = [];
      for (const [i, nh] of route.nexthops.entries()) {
        const ifindex = nh.dev === undefined ? 0 : await this.#ifindex(op, `nexthops[${i}].dev`, nh.dev, opts);
        hops.push({ ...(nh.via === undefined ? {} : { via: address(nh.via, op).address }), ifindex, weight: nh.weight ?? 1, flags: nh.onlink ? constant('RTNH_F_ONLINK') : 0 });
      }
      r.attrs.multipath = encodeMultipath(r.family, hops);
    }
  }

  async #ifindex(op: string, field: string, dev: LinkRef, opts: OperationOptions): Promise<number> {
    if (typeof dev === 'number') {
      if (!Number.isInteger(dev) || dev <= 0) throw new RangeError(`${op}: ${field}: ifindex must be a positive integer, got ${dev}`);
      return dev;
    }
    if (typeof dev !== 'string' || dev.length === 0) throw new TypeError(`${op}: ${field}: must be a link name or ifindex`);
    try {
      return await this.#link.index(dev, opts);
    } catch (e) {
      if (e instanceof Error && 'code' in e) Object.defineProperty(e, 'message', { value: `${op}: ${field}: no link '${dev}' (${String((e as { code: unknown }).code)})` });
      throw e;
    }
  }
}

/**
 * Validate a description and build its request, all before any I/O (link
 * names are resolved later). Errors are TypeError/RangeError starting
 * 'OP: FIELD: '. (Exported for declarations checked as a whole before
 * anything is touched: topologies.)
 */
export function validateRoute(op: string, del: boolean, route: RouteSpec): Resolved {
  if (route === null || typeof route !== 'object') throw new TypeError(`${op}: route: must be an object like { dst: '198.18.1.0/24', via: '198.18.0.1' }`);
  for (const k of Object.keys(route)) if (!SPEC_KEYS.has(k)) throw new TypeError(`${op}: ${k}: unknown field`);
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
    const a = address(text, `${op}: ${field}`);
    if (family === undefined) family = a.family;
    else if (a.family !== family) throw new TypeError(`${op}: ${field}: '${text}' is ${a.family === 'inet' ? 'IPv4' : 'IPv6'} but the route is ${family === 'inet' ? 'IPv4' : 'IPv6'}`);
    return a.address;
  };
  if (route.via !== undefined) attrs.gateway = sameFamily(route.via, 'via');
  if (route.nexthops !== undefined) {
    if (!Array.isArray(route.nexthops) || route.nexthops.length === 0) throw new TypeError(`${op}: nexthops: must be a non-empty array`);
    for (const k of ['via', 'dev', 'onlink'] as const) if (route[k] !== undefined) throw new TypeError(`${op}: ${k}: cannot be combined with nexthops (give it per nexthop)`);
    route.nexthops.forEach((nh, i) => {
      const field = `nexthops[${i}]`;
      if (nh === null || typeof nh !== 'object') throw new TypeError(`${op}: ${field}: must be an object like { via, dev, weight }`);
      for (const k of Object.keys(nh)) if (!NH_KEYS.has(k)) throw new TypeError(`${op}: ${field}.${k}: unknown field`);
      if (nh.via !== undefined) sameFamily(nh.via, `${field}.via`);
      if (nh.weight !== undefined && (!Number.isInteger(nh.weight) || nh.weight < 1 || nh.weight > 256)) throw new RangeError(`${op}: ${field}.weight: must be 1..256, got ${String(nh.weight)}`);
      if (nh.onlink !== undefined && typeof nh.onlink !== 'boolean') throw new TypeError(`${op}: ${field}.onlink: must be a boolean`);
      if (nh.dev === undefined && nh.via === undefined) throw new TypeError(`${op}: ${field}: needs via or dev`);
    });
  }
  if (route.src !== undefined) attrs.prefsrc = sameFamily(route.src, 'src');
  family ??= 'inet';
  if (route.metric !== undefined) attrs.priority = u32(route.metric, `${op}: metric`);
  if (route.onlink !== undefined && typeof route.onlink !== 'boolean') throw new TypeError(`${op}: onlink: must be a boolean`);
  const metrics: RawAttrs = {};
  if (route.mtu !== undefined) metrics.mtu = u32(route.mtu, `${op}: mtu`, 68);
  if (route.advmss !== undefined) metrics.advmss = u32(route.advmss, `${op}: advmss`, 1);

  // Header defaults as iproute2's iproute_modify: add/replace/append get
  // proto boot and type unicast; del leaves them unspecified (match any).
  const header: Record<string, number> = { rtmFamily: afOf(family), rtmDstLen: dstLen };
  const typeNum = route.type !== undefined ? TYPES.number(route.type, `${op}: type`) : del ? constant('RTN_UNSPEC') : constant('RTN_UNICAST');
  header.rtmType = typeNum;
  header.rtmProtocol = route.protocol !== undefined ? PROTOCOLS.number(route.protocol, `${op}: protocol`) : del ? constant('RTPROT_UNSPEC') : constant('RTPROT_BOOT');
  putTable(header, attrs, tableNumber(route.table ?? 'main', `${op}: table`));
  if (route.scope !== undefined) header.rtmScope = SCOPES.number(route.scope, `${op}: scope`);
  else header.rtmScope = defaultScope(family, typeNum, del, attrs.gateway !== undefined || route.nexthops !== undefined);
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

function tableIdOf(m: RawReply): number {
  return typeof m.attrs.table === 'number' ? m.attrs.table : (m.header.rtmTable as number);
}

// What identifies a route to RTM_DELROUTE besides the header.
const KEY_ATTRS = ['dst', 'src', 'oif', 'gateway', 'via', 'priority', 'table', 'multipath', 'nhId'] as const;

/**
 * A dumped route as the request that deletes exactly it: its header and
 * identifying attributes sent back, as `ip route flush` does.
 */
function deleteMessage(m: RawReply): RawMessage {
  const attrs: RawAttrs = {};
  for (const k of KEY_ATTRS) if (m.attrs[k] !== undefined) attrs[k] = m.attrs[k];
  return { header: m.header, attrs };
}

/** Decode one RTM_NEWROUTE message. */
export function decodeRoute(m: RawReply): Route {
  const h = m.header;
  const a = m.attrs;
  const family: Family = h.rtmFamily === constant('AF_INET6') ? 'inet6' : 'inet';
  const dstLen = h.rtmDstLen as number;
  const dst = typeof a.dst === 'string' ? `${a.dst}/${dstLen}` : dstLen === 0 ? 'default' : `${family === 'inet' ? '0.0.0.0' : '::'}/${dstLen}`;
  const metrics = (a.metrics ?? {}) as RawAttrs;
  const flags = h.rtmFlags as number;
  return {
    family,
    dst,
    via: gatewayOf(a),
    dev: typeof a.oif === 'number' ? a.oif : undefined,
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
    raw: m,
  };
}
