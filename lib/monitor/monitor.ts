/**
 * The live monitor: `ip monitor` as an async iterator of typed events.
 * @module
 */
import { constant, native, type NativeSocket, type RawReply } from '../netlink/native.js';
import { decodeAddress, type Address } from '../rtnl/addr/api.js';
import { decodeLink, type Link } from '../rtnl/link/validate.js';
import { decodeNeighbour, type Neighbour } from '../rtnl/neigh/api.js';
import { decodeRoute, type Route } from '../rtnl/route/api.js';
import { decodeRule, type Rule } from '../rtnl/rule/api.js';
import { AbortError, NetlinkError } from '../netlink/errors.js';
import { RtnlSocket } from '../netlink/socket.js';
import { AddrApi } from '../rtnl/addr/api.js';
import { LinkApi } from '../rtnl/link/api.js';
import { NeighApi } from '../rtnl/neigh/api.js';
import { RouteApi } from '../rtnl/route/api.js';
import { RuleApi } from '../rtnl/rule/api.js';
import { NetNs, netns as netnsApi, type NetnsRef } from '../netns/netns.js';
import { AsyncQueue } from '../netlink/async-queue.js';
import type { Tape } from '../netlink/tape.js';

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
  /**
   * After an overrun, dump the watched objects again and emit the
   * differences from what the monitor knew (objects that appeared, changed
   * or went away meanwhile) as ordinary events with `resync: true`. The
   * monitor then keeps a snapshot of the watched objects (one dump at the
   * start). Counters and other volatile fields do not count as changes.
   * Not with `allNsid`. Default false.
   */
  resync?: boolean;
}

/** Whether the object appeared (or changed) or went away. */
export type MonitorAction = 'new' | 'del';

interface EventBase {
  action: MonitorAction;
  /** True for events made up by a resync after an overrun (see {@link MonitorOptions.resync}). */
  resync?: boolean;
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

/**
 * With `resync`: the resync after an overrun is complete. Applying every
 * event received so far (the resync's included) gives what the kernel has.
 */
export interface ResyncedEvent {
  kind: 'resynced';
}

/** One event of the live monitor. */
export type MonitorEvent = LinkEvent | AddrEvent | RouteEvent | NeighEvent | RuleEvent | NsidEvent | OverrunEvent | ResyncedEvent;

// ---------------------------------------------------------------------------
// Resync: a snapshot of the watched objects, by identity, with a fingerprint
// of what counts as a change.

type Keyed = Exclude<MonitorEvent, OverrunEvent | ResyncedEvent | NsidEvent>;

function identity(ev: Keyed): string {
  switch (ev.kind) {
    case 'link':
      return `link ${ev.link.ifindex}`;
    case 'addr':
      return `addr ${ev.addr.ifindex} ${ev.addr.cidr} ${ev.addr.peer ?? ''}`;
    case 'route': {
      const r = ev.route;
      return `route ${r.family} ${String(r.table)} ${r.dst} ${r.metric ?? ''} ${String(r.type)} ${r.dev ?? ''}`;
    }
    case 'neigh':
      return `neigh ${String(ev.neigh.family)} ${ev.neigh.ifindex} ${ev.neigh.dst ?? ''} ${ev.neigh.lladdr ?? ''} ${ev.neigh.proxy}`;
    case 'rule': {
      const r = ev.rule;
      return `rule ${String(r.family)} ${r.priority} ${r.from ?? ''} ${r.to ?? ''} ${r.table} ${String(r.action)} ${r.fwmark ?? ''} ${r.iif ?? ''} ${r.oif ?? ''}`;
    }
  }
}

// What must match for an object to count as unchanged: the decoded object
// without counters, timers and the raw message.
const VOLATILE = new Set(['raw', 'stats', 'carrierChanges', 'validLft', 'preferredLft', 'probes', 'state']);
function fingerprint(ev: Keyed): string {
  const obj = ev.kind === 'link' ? ev.link : ev.kind === 'addr' ? ev.addr : ev.kind === 'route' ? ev.route : ev.kind === 'neigh' ? ev.neigh : ev.rule;
  return JSON.stringify(obj, (k, v: unknown) => (VOLATILE.has(k) ? undefined : Buffer.isBuffer(v) ? v.toString('hex') : v));
}

// Right after an overrun the tables are usually still changing, so a resync
// dump is retried more patiently than an ordinary list() (still bounded).
const RESYNC_RETRIES = { retries: 25 };

async function dumpAll(sock: RtnlSocket, groups: readonly MonitorGroup[]): Promise<Keyed[]> {
  const link = new LinkApi(sock);
  const out: Keyed[] = [];
  const base = { action: 'new' as const, netnsid: undefined };
  if (groups.includes('link')) for (const l of await link.list({}, RESYNC_RETRIES)) out.push({ kind: 'link', link: l, raw: l.raw, ...base });
  if (groups.includes('addr')) for (const a of await new AddrApi(sock, link).list({}, RESYNC_RETRIES)) out.push({ kind: 'addr', addr: a, raw: a.raw, ...base });
  if (groups.includes('route')) for (const r of await new RouteApi(sock, link).list({ table: 'all' }, RESYNC_RETRIES)) out.push({ kind: 'route', route: r, raw: r.raw, ...base });
  if (groups.includes('neigh')) for (const n of await new NeighApi(sock, link).list({}, RESYNC_RETRIES)) out.push({ kind: 'neigh', neigh: n, raw: n.raw, ...base });
  if (groups.includes('rule')) for (const r of await new RuleApi(sock, link).list({}, RESYNC_RETRIES)) out.push({ kind: 'rule', rule: r, raw: r.raw, ...base });
  return out;
}

class Snapshot {
  readonly #known = new Map<string, { fp: string; ev: Keyed }>();

  constructor(initial: Keyed[]) {
    for (const ev of initial) this.#known.set(identity(ev), { fp: fingerprint(ev), ev });
  }

  /** Keep the snapshot current with a live event. */
  apply(ev: MonitorEvent): void {
    if (ev.kind === 'overrun' || ev.kind === 'resynced' || ev.kind === 'nsid') return;
    const id = identity(ev);
    if (ev.action === 'del') this.#known.delete(id);
    else this.#known.set(id, { fp: fingerprint(ev), ev });
  }

  /** The events that turn the snapshot into `now`, and adopt `now`. */
  diff(now: Keyed[]): Keyed[] {
    const out: Keyed[] = [];
    const seen = new Set<string>();
    for (const ev of now) {
      const id = identity(ev);
      seen.add(id);
      const was = this.#known.get(id);
      const fp = fingerprint(ev);
      if (was === undefined || was.fp !== fp) {
        out.push({ ...ev, action: 'new', resync: true });
        this.#known.set(id, { fp, ev });
      }
    }
    for (const [id, { ev }] of this.#known) {
      if (seen.has(id)) continue;
      out.push({ ...ev, action: 'del', resync: true });
      this.#known.delete(id);
    }
    return out;
  }
}

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
  readonly #queue = new AsyncQueue<MonitorEvent>();
  readonly #limit: number;
  readonly #signal: AbortSignal | undefined;
  readonly #groups: readonly MonitorGroup[];
  #snapshot: Snapshot | undefined;
  #resyncing = false;
  #resyncAgain = false; // an overrun arrived during a resync: do another after it
  // Resync dumps go through a socket of their own: the monitor's may be the
  // one overflowing (notifications keep arriving while it dumps).
  #dumpSock: NativeSocket | undefined;
  readonly #onAbort = (): void => {
    this.#fail(new AbortError('monitor', this.#signal?.reason));
  };

  /** @internal Use {@link monitor}. */
  constructor(sock: NativeSocket, groups: number[], opts: MonitorOptions, names: readonly MonitorGroup[] = [], dumpSock?: NativeSocket) {
    this.#sock = sock;
    this.#groups = names;
    this.#dumpSock = dumpSock;
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

  /** @internal Take the first snapshot (resync mode); called by {@link monitor} once subscribed. */
  async snapshot(): Promise<void> {
    const sock = this.#dumpSock;
    if (sock === undefined) return;
    this.#snapshot = new Snapshot(await dumpAll(RtnlSocket.borrow(sock), this.#groups));
  }

  #onEvents(err: unknown, tape: Tape | null, overrun: boolean): void {
    if (err) this.#fail(NetlinkError.from(err, 'monitor'));
    if (overrun) {
      this.#push({ kind: 'overrun' });
      if (this.#snapshot !== undefined) void this.#resync();
    }
    if (tape) {
      for (const m of native.materialize(tape)) {
        const ev = toEvent(m);
        if (!ev) continue;
        this.#snapshot?.apply(ev);
        this.#push(ev);
      }
    }
    this.#queue.wake();
  }

  // Dump again and emit what differs from the snapshot. Events that arrive
  // meanwhile are queued before the differences; both are consistent with
  // the kernel afterwards, since the dump is at least as new as they are.
  async #resync(): Promise<void> {
    const sock = this.#dumpSock;
    if (this.#sock === undefined || sock === undefined || this.#snapshot === undefined) return;
    if (this.#resyncing) {
      this.#resyncAgain = true;
      return;
    }
    this.#resyncing = true;
    try {
      do {
        this.#resyncAgain = false;
        const now = await dumpAll(RtnlSocket.borrow(sock), this.#groups);
        if (this.#sock === undefined) return;
        for (const ev of this.#snapshot.diff(now)) this.#push(ev);
        if (!this.#resyncAgain) this.#push({ kind: 'resynced' });
        this.#queue.wake();
      } while (this.#resyncAgain);
    } catch (e) {
      this.#fail(NetlinkError.from(e, 'monitor.resync'));
    } finally {
      this.#resyncing = false;
    }
  }

  #push(ev: MonitorEvent): void {
    if (this.#queue.length >= this.#limit) {
      // Nobody is reading: drop the backlog and say so, rather than grow without bound.
      this.#queue.clear();
      this.#queue.push({ kind: 'overrun' });
      return;
    }
    this.#queue.push(ev);
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#sock === undefined;
  }

  /** The next event (waits for one). After an error, the events queued before it, then the error. */
  next(): Promise<IteratorResult<MonitorEvent>> {
    return this.#queue.next();
  }

  // A failure ends the monitor: the events already queued are still read,
  // then the iteration throws `error`.
  #fail(error: unknown): void {
    this.#queue.end(error);
    this.close();
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
    this.#dumpSock?.close();
    this.#dumpSock = undefined;
    this.#queue.end();
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
  if (opts.resync && opts.allNsid) throw new TypeError('monitor: resync: not with allNsid (a dump sees one namespace)');
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
    const dumpSock = opts.resync
      ? await native.openSocket(nsFd).catch((e: unknown) => {
          sock.close();
          throw NetlinkError.from(e, 'monitor');
        })
      : undefined;
    const m = new Monitor(sock, nums, opts, groups, dumpSock);
    if (opts.resync) {
      try {
        await m.snapshot();
      } catch (e) {
        m.close();
        throw NetlinkError.from(e, 'monitor');
      }
    }
    return m;
  } finally {
    owned?.close();
  }
}
