/**
 * `open()`: an rtnetlink handle bound to one namespace, with the object APIs
 * (`link`, ...) hanging off it.
 * @module
 */
import { AddrApi } from './addr/api.js';
import { RouteApi } from './route/api.js';
import { FdbApi } from './fdb/api.js';
import { NeighApi } from './neigh/api.js';
import { RuleApi } from './rule/api.js';
import { NsidApi } from './nsid/api.js';
import { NexthopApi } from './nexthop/api.js';
import { LinkApi } from './link/api.js';
import { TcApi } from './tc/api.js';
import { WireguardApi } from '../wireguard/api.js';
import { RtnlSocket, type OperationOptions } from '../netlink/socket.js';
import type { NetNs, NetnsRef } from '../netns/netns.js';
import { withOwnNetns } from '../netns/own.js';
import type { MonitorGroup } from '../monitor/groups.js';
import { monitor, type Monitor, type MonitorOptions } from '../monitor/monitor.js';

/** Options of {@link open}. */
export interface OpenOptions extends OperationOptions {
  /**
   * The namespace to work in: a {@link NetNs} handle (borrowed: the caller
   * keeps ownership), or a reference to open one (a name under /run/netns,
   * `{ pid }`, `{ path }`; opened for the socket's creation and closed right
   * after, since a netlink socket stays bound to its namespace).
   * Default: the namespace of the calling thread.
   */
  netns?: NetNs | NetnsRef;
}

/**
 * An rtnetlink handle. Operations on it act in the namespace it was opened
 * in, whichever thread or namespace the caller is in later.
 */
export class Netlink {
  /** Links: `ip link`. */
  readonly link: LinkApi;
  /** Addresses: `ip addr`. */
  readonly addr: AddrApi;
  /** Routes: `ip route`. */
  readonly route: RouteApi;
  /** Neighbours (ARP and NDP entries): `ip neigh`. */
  readonly neigh: NeighApi;
  /** The bridge forwarding database (bridges, ports, VXLAN): `bridge fdb`. */
  readonly fdb: FdbApi;
  /** Policy routing rules: `ip rule`. */
  readonly rule: RuleApi;
  /** Namespace ids: `ip netns set`, `ip netns list-id`. */
  readonly nsid: NsidApi;
  /** Nexthop objects (routes name them with `nhid`): `ip nexthop`. */
  readonly nexthop: NexthopApi;
  /** Traffic control, `tc`: qdiscs, classes and filters (`nl.tc.qdisc.add(...)`). */
  readonly tc: TcApi;
  /** WireGuard devices, `wg set` / `wg show` (a generic netlink socket of its own, opened on first use). */
  readonly wireguard: WireguardApi;
  /** The underlying socket, for raw requests (`request`, `dump`). */
  readonly socket: RtnlSocket;

  /** @internal Use {@link open}. */
  /** @internal An fd on the handle's namespace, for sockets opened later (monitors). */
  readonly #netns: NetNs;

  /** @internal Use {@link open}. */
  constructor(socket: RtnlSocket, ns: NetNs) {
    this.socket = socket;
    this.#netns = ns;
    this.link = new LinkApi(socket);
    this.addr = new AddrApi(socket, this.link);
    this.route = new RouteApi(socket, this.link);
    this.neigh = new NeighApi(socket, this.link);
    this.fdb = new FdbApi(socket, this.link);
    this.rule = new RuleApi(socket, this.link);
    this.nsid = new NsidApi(socket, this.link);
    this.nexthop = new NexthopApi(socket, this.link);
    this.tc = new TcApi(socket, this.link);
    this.wireguard = new WireguardApi(() => this.#netns.fd);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.socket.closed;
  }

  /**
   * Watch this namespace's links, addresses, routes, neighbours, rules and
   * namespace ids change, as typed events (a socket of its own).
   *
   * Equivalent to: `ip monitor link address route ...`
   */
  monitor(groups: readonly MonitorGroup[], opts: Omit<MonitorOptions, 'netns'> = {}): Promise<Monitor> {
    return monitor(groups, { ...opts, netns: this.#netns });
  }

  /** Close the socket; operations still pending reject with ECANCELED. Idempotent. */
  async close(): Promise<void> {
    this.socket.close();
    await this.wireguard.close();
    this.#netns.close();
  }

  /** `await using nl = await open()` support. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Let the process exit while requests are pending on this handle. */
  unref(): this {
    this.socket.unref();
    return this;
  }

  /** Undo {@link Netlink.unref}. */
  ref(): this {
    this.socket.ref();
    return this;
  }
}

/**
 * Open an rtnetlink handle in the current namespace or in `opts.netns`.
 *
 * ```ts
 * await using nl = await open({ netns: 'ns1' });
 * await nl.link.add({ kind: 'bridge', name: 'br0', up: true });
 * ```
 */
export async function open(opts: OpenOptions = {}): Promise<Netlink> {
  const { netns, ...rest } = opts;
  return withOwnNetns(netns, async (fd, ns) => new Netlink(await RtnlSocket.open(fd, rest), ns));
}
