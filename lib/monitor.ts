/**
 * The live monitor: `ip monitor` as an async iterator of typed events.
 * @module
 */
import { constant, native, type NativeSocket, type RawReply } from './native.js';
import { decodeAddress, type Address } from './addr.js';
import { decodeLink, type Link } from './link-validate.js';
import { decodeNeighbour, type Neighbour } from './neigh.js';
import { decodeRoute, type Route } from './route.js';
import { decodeRule, type Rule } from './rule.js';
import { AbortError, NetlinkError } from './netlink/errors.js';
import { NetNs, netns as netnsApi, type NetnsRef } from './netns.js';
import type { Tape } from './netlink/tape.js';

/** What to watch: the rtnetlink multicast groups, by object. */
export type MonitorGroup = 'link' | 'addr' | 'route' | 'neigh' | 'rule' | 'nsid';

/** Options of {@link monitor}. */
export interface MonitorOptions {
  /** The namespace to watch (default: the current one). A NetNs is borrowed; a reference is opened and released. */
  netns?: NetNs | NetnsRef;
  /**
   * Also hear every namespace that has an id in the watched one
   * (NETLINK_LISTEN_ALL_NSID); each event then carries `netnsid`.
   */
  allNsid?: boolean;
  /** Stop the monitor (the iteration ends with an AbortError). */
  signal?: AbortSignal;
  /** Events buffered while nobody reads before the oldest are dropped and an overrun is reported. Default 100000. */
  highWaterMark?: number;
  /**
   * The kernel-side receive buffer, in bytes (default 8 MiB). Notifications
   * that arrive while it is full are dropped by the kernel and reported as an
   * `overrun` event.
   */
  receiveBuffer?: number;
}

/** Whether the object appeared (or changed) or went away. */
export type MonitorAction = 'new' | 'del';

interface EventBase {
  action: MonitorAction;
  /** The namespace id the event came from, with `allNsid`. */
  netnsid: number | undefined;
  /** The message as the kernel sent it. */
  raw: RawReply;
}

/** A link appeared, changed (`new`) or went away (`del`). */
export interface LinkEvent extends EventBase {
  kind: 'link';
  link: Link;
}
/** An address was added or removed. */
export interface AddrEvent extends EventBase {
  kind: 'addr';
  addr: Address;
}
/** A route was added or removed. */
export interface RouteEvent extends EventBase {
  kind: 'route';
  route: Route;
}
/** A neighbour (ARP/NDP entry, or a bridge FDB entry) was added, changed or removed. */
export interface NeighEvent extends EventBase {
  kind: 'neigh';
  neigh: Neighbour;
}
/** A policy rule was added or removed. */
export interface RuleEvent extends EventBase {
  kind: 'rule';
  rule: Rule;
}
/** A namespace id was assigned or removed. */
export interface NsidEvent extends EventBase {
  kind: 'nsid';
}
/**
 * The kernel dropped notifications because they came faster than they were
 * read (ENOBUFS), or the monitor's own buffer overflowed: whatever the
 * caller tracks must be read again (`list()`), since events were lost.
 */
export interface OverrunEvent {
  kind: 'overrun';
}

/** One event of the live monitor. */
export type MonitorEvent = LinkEvent | AddrEvent | RouteEvent | NeighEvent | RuleEvent | NsidEvent | OverrunEvent;

function groupsOf(names: readonly MonitorGroup[]): number[] {
  const map: Record<MonitorGroup, string[]> = {
    link: ['RTNLGRP_LINK'],
    addr: ['RTNLGRP_IPV4_IFADDR', 'RTNLGRP_IPV6_IFADDR'],
    route: ['RTNLGRP_IPV4_ROUTE', 'RTNLGRP_IPV6_ROUTE'],
    neigh: ['RTNLGRP_NEIGH'],
    rule: ['RTNLGRP_IPV4_RULE', 'RTNLGRP_IPV6_RULE'],
    nsid: ['RTNLGRP_NSID'],
  };
  if (!Array.isArray(names) || names.length === 0) throw new TypeError(`monitor: groups: must be a non-empty array of ${Object.keys(map).join(', ')}`);
  const out = new Set<number>();
  for (const n of names) {
    const consts = (map as Record<string, string[] | undefined>)[n as string];
    if (consts === undefined) throw new TypeError(`monitor: groups: unknown group '${String(n)}' (one of ${Object.keys(map).join(', ')})`);
    for (const c of consts) out.add(constant(c));
  }
  return [...out];
}

function toEvent(m: RawReply): MonitorEvent | undefined {
  const base = { netnsid: m.netnsid, raw: m };
  const t = m.type;
  const is = (...names: string[]): boolean => names.some((n) => constant(n) === t);
  if (is('RTM_NEWLINK', 'RTM_DELLINK')) return { kind: 'link', action: is('RTM_NEWLINK') ? 'new' : 'del', link: decodeLink(m, constant), ...base };
  if (is('RTM_NEWADDR', 'RTM_DELADDR')) return { kind: 'addr', action: is('RTM_NEWADDR') ? 'new' : 'del', addr: decodeAddress(m), ...base };
  if (is('RTM_NEWROUTE', 'RTM_DELROUTE')) return { kind: 'route', action: is('RTM_NEWROUTE') ? 'new' : 'del', route: decodeRoute(m), ...base };
  if (is('RTM_NEWNEIGH', 'RTM_DELNEIGH')) return { kind: 'neigh', action: is('RTM_NEWNEIGH') ? 'new' : 'del', neigh: decodeNeighbour(m), ...base };
  if (is('RTM_NEWRULE', 'RTM_DELRULE')) return { kind: 'rule', action: is('RTM_NEWRULE') ? 'new' : 'del', rule: decodeRule(m), ...base };
  if (is('RTM_NEWNSID', 'RTM_DELNSID')) return { kind: 'nsid', action: is('RTM_NEWNSID') ? 'new' : 'del', ...base };
  return undefined;
}

/**
 * A running monitor: iterate it for events; `close()` (or breaking out of
 * the loop, or the AbortSignal) stops it. It keeps the process alive while
 * open, like a server; `unref()` lets the process exit anyway.
 */
export class Monitor implements AsyncIterableIterator<MonitorEvent> {
  #sock: NativeSocket | undefined;
  #queue: MonitorEvent[] = [];
  #head = 0;
  #error: unknown;
  #wake: (() => void) | undefined;
  readonly #limit: number;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    this.#error ??= new AbortError('monitor', this.#signal?.reason);
    this.close();
  };

  /** @internal Use {@link monitor}. */
  constructor(sock: NativeSocket, groups: number[], opts: MonitorOptions) {
    this.#sock = sock;
    this.#limit = opts.highWaterMark ?? 100000;
    this.#signal = opts.signal;
    try {
      sock.subscribe(groups, opts.allNsid === true, (err, tape, overrun) => this.#onEvents(err, tape, overrun), opts.receiveBuffer);
    } catch (e) {
      sock.close();
      throw NetlinkError.from(e, 'monitor');
    }
    opts.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  #onEvents(err: unknown, tape: Tape | null, overrun: boolean): void {
    if (err) this.#error = NetlinkError.from(err, 'monitor');
    if (overrun) this.#push({ kind: 'overrun' });
    if (tape) {
      for (const m of native.materialize(tape)) {
        const ev = toEvent(m);
        if (ev) this.#push(ev);
      }
    }
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  #push(ev: MonitorEvent): void {
    if (this.#queue.length - this.#head >= this.#limit) {
      // Nobody is reading: drop the backlog and say so, rather than grow without bound.
      this.#queue = [];
      this.#head = 0;
      this.#queue.push({ kind: 'overrun' });
      return;
    }
    this.#queue.push(ev);
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#sock === undefined;
  }

  /** The next event (waits for one). */
  async next(): Promise<IteratorResult<MonitorEvent>> {
    for (;;) {
      if (this.#head < this.#queue.length) {
        const value = this.#queue[this.#head++] as MonitorEvent;
        if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
          this.#queue = this.#queue.slice(this.#head);
          this.#head = 0;
        }
        return { value, done: false };
      }
      if (this.#error !== undefined) {
        const e = this.#error;
        this.#error = undefined;
        this.close();
        throw e;
      }
      if (this.#sock === undefined) return { value: undefined, done: true };
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Stop (what `break` in a for-await loop calls). */
  async return(): Promise<IteratorResult<MonitorEvent>> {
    this.close();
    return { value: undefined, done: true };
  }

  /** The monitor is its own iterator: `for await (const ev of m)`. */
  [Symbol.asyncIterator](): AsyncIterableIterator<MonitorEvent> {
    return this;
  }

  /** Stop listening and close the socket; a pending `next()` ends the iteration. Idempotent. */
  close(): void {
    const s = this.#sock;
    if (s === undefined) return;
    this.#sock = undefined;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    s.close();
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** `await using m = await monitor(...)` support. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  /** Let the process exit while the monitor is open. */
  unref(): this {
    this.#sock?.unref();
    return this;
  }

  /** Undo {@link Monitor.unref}. */
  ref(): this {
    this.#sock?.ref();
    return this;
  }
}

/**
 * Watch rtnetlink events in a namespace: links, addresses, routes,
 * neighbours, rules and namespace ids appearing, changing and going away.
 *
 * Equivalent to: `ip monitor link address route neigh rule nsid` (`ip monitor all-nsid` with `allNsid`).
 * ```ts
 * for await (const ev of await monitor(['link', 'addr'], { netns: ns })) {
 *   if (ev.kind === 'link') console.log(ev.action, ev.link.name, ev.link.operstate);
 *   if (ev.kind === 'overrun') resync();
 * }
 * ```
 */
export async function monitor(groups: readonly MonitorGroup[], opts: MonitorOptions = {}): Promise<Monitor> {
  const nums = groupsOf(groups);
  if (opts.receiveBuffer !== undefined && (!Number.isInteger(opts.receiveBuffer) || opts.receiveBuffer < 1024 || opts.receiveBuffer > 2 ** 30)) {
    throw new RangeError(`monitor: receiveBuffer: must be an integer 1024..${2 ** 30}, got ${String(opts.receiveBuffer)}`);
  }
  if (opts.signal?.aborted) throw new AbortError('monitor', opts.signal.reason);
  const { netns } = opts;
  let owned: NetNs | undefined;
  const nsFd = netns === undefined ? -1 : netns instanceof NetNs ? netns.fd : (owned = await netnsApi.open(netns)).fd;
  try {
    const sock = await native.openSocket(nsFd).catch((e: unknown) => {
      throw NetlinkError.from(e, 'monitor');
    });
    return new Monitor(sock, nums, opts);
  } finally {
    owned?.close();
  }
}
