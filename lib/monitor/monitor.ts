/**
 * The live monitor: `ip monitor` as an async iterator of typed events.
 * @module
 */
import { native, type NativeSocket } from '../netlink/native.js';
import { AbortError, NetlinkError } from '../netlink/errors.js';
import { RtnlSocket } from '../netlink/socket.js';
import { NetNs, netns as netnsApi, type NetnsRef } from '../netns/netns.js';
import { AsyncQueue } from '../netlink/async-queue.js';
import type { Tape } from '../netlink/tape.js';
import { toEvent, type MonitorEvent } from './events.js';
import { groupsOf, type MonitorGroup } from './groups.js';
import { Snapshot, dumpAll } from './resync.js';

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
