/**
 * Routes: `ip route`. The {@link RouteApi} operations of a handle.
 * @module
 */
import type { LeanReply } from '../../netlink/keep.js';
import { constant, type RawAttrs, type RawMessage, type RawReply } from '../../netlink/native.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';
import { eachBounded } from '../../netlink/bounded.js';
import { parseAddress } from '../values/cidr.js';
import { resolveIfindex, type LinkLookup, type LinkRef } from '../values/ifindex.js';
import { familyNumber } from '../values/tables.js';
import { ROUTE_KEEP, decodeRoute, tableIdOf } from './decode.js';
import { buildMultipath, type ResolvedNexthop } from './multipath.js';
import type { Route, RouteFilter, RouteGetOptions, RouteSpec } from './types.js';
import { validateRoute, validateRouteFilter, validateRouteGet, type RouteDraft } from './validate.js';

/** The typed route operations of one rtnetlink handle. */
export class RouteApi {
  readonly #sock: RtnlSocket;
  readonly #link: LinkLookup;

  /** @internal Bound to a socket and the link API that resolves device names. */
  constructor(sock: RtnlSocket, link: LinkLookup) {
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
    if ('raw' in route) await this.#sock.request('route.del', constant('RTM_DELROUTE'), 0, buildDeleteMessage(route.raw), opts, route);
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
    const { header, attrs } = validateRouteGet(op, dst, opts);
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
    for await (const m of this.#sock.dump(op, constant('RTM_GETROUTE'), f.request, opts, ROUTE_KEEP)) {
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
    return (await this.#collect(filter, opts)).routes;
  }

  // The routes matching `filter`, and their lean messages (whose header and
  // key attributes are what deleting a route sends back), index by index.
  async #collect(filter: RouteFilter, opts: DumpOptions): Promise<{ routes: Route[]; messages: LeanReply[] }> {
    const op = 'route.list';
    const f = await this.#filter(op, filter, opts);
    const routes: Route[] = [];
    const messages: LeanReply[] = [];
    for (const m of await this.#sock.collect(op, constant('RTM_GETROUTE'), f.request, opts, ROUTE_KEEP)) {
      const r = f.accept(m);
      if (r === undefined) continue;
      routes.push(r);
      messages.push(m);
    }
    return { routes, messages };
  }

  /**
   * Delete every route matching `filter` (main table by default); returns how
   * many were deleted. Routes that vanish meanwhile (with their link) are skipped.
   *
   * Equivalent to: `ip route flush [table T] [dev DEV] [proto P] ...`
   */
  async flush(filter: RouteFilter = {}, opts: OperationOptions = {}): Promise<number> {
    const op = 'route.flush';
    const { routes, messages } = await this.#collect(filter, opts);
    let n = 0;
    // Pipelined; the socket sends what is queued in one datagram with one
    // ACK, as `ip route flush` does. A route already gone (ESRCH: removed
    // with another, or by someone else) is fine.
    await eachBounded(Array.from(routes.keys()), 1024, async (i) => {
      const r = routes[i] as Route;
      try {
        await this.#sock.request(op, constant('RTM_DELROUTE'), 0, buildDeleteMessage(messages[i] as LeanReply), opts, r);
        n++;
      } catch (e) {
        if ((e as { code?: string }).code !== 'ESRCH') throw e;
      }
    });
    return n;
  }

  /** The dump request for `filter`, and what keeps (and decodes) a dumped message. */
  async #filter(op: string, filter: RouteFilter, opts: OperationOptions): Promise<{ request: RawMessage; accept: (m: RawReply) => Route | undefined }> {
    const { family, table, type, protocol } = validateRouteFilter(op, filter);
    const ifindex = filter.dev === undefined ? undefined : await this.#ifindex(op, 'dev', filter.dev, opts);
    const newroute = constant('RTM_NEWROUTE');
    const inet = constant('AF_INET');
    const inet6 = constant('AF_INET6');
    const cloned = constant('RTM_F_CLONED');
    return {
      request: { header: { rtmFamily: familyNumber(family) } },
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
  async #resolveLinks(op: string, route: RouteSpec, r: RouteDraft, opts: OperationOptions): Promise<void> {
    if (route.dev !== undefined) r.attrs.oif = await this.#ifindex(op, 'dev', route.dev, opts);
    if (route.nexthops !== undefined) {
      const hops: ResolvedNexthop[] = [];
      for (const [i, nh] of route.nexthops.entries()) {
        const ifindex = nh.dev === undefined ? 0 : await this.#ifindex(op, `nexthops[${i}].dev`, nh.dev, opts);
        hops.push({ ...(nh.via === undefined ? {} : { via: parseAddress(nh.via, op).address }), ifindex, weight: nh.weight ?? 1, flags: nh.onlink ? constant('RTNH_F_ONLINK') : 0 });
      }
      r.attrs.multipath = buildMultipath(r.family, hops);
    }
  }

  #ifindex(op: string, field: string, dev: LinkRef, opts: OperationOptions): Promise<number> {
    return resolveIfindex(this.#link, op, field, dev, opts);
  }
}

// What identifies a route to RTM_DELROUTE besides the header.
const KEY_ATTRS = ['dst', 'src', 'oif', 'gateway', 'via', 'priority', 'table', 'multipath', 'nhId'] as const;

/**
 * A dumped route as the request that deletes exactly it: its header and
 * identifying attributes sent back, as `ip route flush` does.
 */
function buildDeleteMessage(m: RawReply): RawMessage {
  const attrs: RawAttrs = {};
  for (const k of KEY_ATTRS) if (m.attrs[k] !== undefined) attrs[k] = m.attrs[k];
  return { header: m.header, attrs };
}
