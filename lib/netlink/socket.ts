/**
 * The typed wrapper over one native rtnetlink socket: requests as promises,
 * dumps as async iterables, AbortSignal everywhere, errors as NetlinkError.
 * The object files (link.ts, ...) build on this and nothing lower.
 * @module
 */
import type { KeepTree, LeanReply } from './keep.js';
import { native, constant, type NativeSocket, type RawMessage, type RawReply, type NativeError } from './native.js';
import { AbortError, NetlinkError } from './errors.js';
import { AsyncQueue } from './async-queue.js';
import { RequestWindow } from './window.js';
import { openNativeSocket, throwIfAborted } from './open-socket.js';
import type { Tape } from './tape.js';

export { openNativeSocket, throwIfAborted };

/** Options every async operation accepts. */
export interface OperationOptions {
  /** Abort the wait. A request the kernel already received still takes effect. */
  signal?: AbortSignal;
}

/** Options of a dump. */
export interface DumpOptions extends OperationOptions {
  /**
   * How many times `collect` dumps again when the kernel flags the dump as
   * interrupted (NLM_F_DUMP_INTR: the table changed while it was read).
   * Streaming iteration never retries; it throws EINTR at the end instead.
   * Default 3.
   */
  retries?: number;
}

const NLM_F_DUMP_INTR = constant('NLM_F_DUMP_INTR');


// A handle dropped without close(): the native side closes the socket when
// it is collected; this says so, since the caller meant to hold it.
const leaks = new FinalizationRegistry<string>((what) => {
  process.emitWarning(`netloom: ${what} was garbage-collected without close()`, 'NetloomLeakWarning');
});

/** One rtnetlink socket, bound to the namespace it was opened in. */
export class RtnlSocket {
  #sock: NativeSocket | undefined;
  readonly #token = {};
  readonly #window = new RequestWindow();

  private constructor(sock: NativeSocket) {
    this.#sock = sock;
    leaks.register(this, 'a netlink handle', this.#token);
  }

  /** @internal Wrap a native socket someone else owns and closes (the monitor's, for its resync dumps). */
  static borrow(sock: NativeSocket): RtnlSocket {
    const s = new RtnlSocket(sock);
    leaks.unregister(s.#token);
    return s;
  }

  /** Open NETLINK_ROUTE in the namespace behind `netnsFd` (-1 for the current one). */
  static async open(netnsFd: number, opts: OperationOptions = {}): Promise<RtnlSocket> {
    return new RtnlSocket(await openNativeSocket(netnsFd, undefined, opts));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#sock === undefined;
  }

  /** Requests and dumps sent (or waiting to be) and not yet answered. */
  get pending(): number {
    return (this.#sock?.pending ?? 0) + this.#window.waiting;
  }

  #live(operation: string): NativeSocket {
    if (this.#sock === undefined) throw new NetlinkError(operation, 'EBADF', 9, { message: 'the netlink handle is closed' });
    return this.#sock;
  }

  /**
   * Send one request and wait for its ACK. Resolves with the data messages
   * the kernel sent before the ACK (a GET's answer, NLM_F_ECHO copies).
   * @param operation what to call it in errors ('link.add')
   * @param request the caller's description, attached to errors
   */
  request(
    operation: string,
    type: number,
    flags: number,
    msg: RawMessage | Buffer,
    opts: OperationOptions = {},
    request?: unknown,
  ): Promise<RawReply[]> {
    // Not an async function: returning the reply's promise from one costs
    // extra turns per request, which shows at 100,000 requests.
    try {
      throwIfAborted(opts.signal, operation);
      this.#live(operation);
    } catch (e) {
      return Promise.reject(e);
    }
    const sent = this.#window.run(operation, opts.signal, request, () => this.#request(operation, type, flags, msg, request));
    return opts.signal ? raceAbort(sent, opts.signal, operation) : sent;
  }

  #request(operation: string, type: number, flags: number, msg: RawMessage | Buffer, request: unknown): Promise<RawReply[]> {
    let pending: Promise<Tape | null>;
    try {
      const sock = this.#live(operation);
      try {
        pending = sock.request(type, flags, msg);
      } catch (e) {
        throw withOperation(e, operation);
      }
    } catch (e) {
      return Promise.reject(e);
    }
    this.#window.enter();
    return pending.then(
      (tape) => {
        this.#window.leave();
        return native.materialize(tape);
      },
      (e: unknown) => {
        this.#window.leave();
        throw NetlinkError.from(e, operation, request);
      },
    );
  }

  /**
   * Like {@link RtnlSocket.request}, resolving with the reply messages as
   * bytes (nlmsghdr included, back to back), undecoded: for callers that need
   * one field, such as a name → ifindex look-up.
   */
  async requestRaw(operation: string, type: number, flags: number, msg: RawMessage | Buffer, opts: OperationOptions = {}): Promise<Buffer> {
    throwIfAborted(opts.signal, operation);
    this.#live(operation);
    const sent = this.#window.run(operation, opts.signal, msg, () => {
      let pending: Promise<Buffer>;
      try {
        pending = this.#live(operation).request(type, flags, msg, true);
      } catch (e) {
        return Promise.reject(withOperation(e, operation));
      }
      this.#window.enter();
      return pending.then(
        (b) => {
          this.#window.leave();
          return b;
        },
        (e: unknown) => {
          this.#window.leave();
          throw NetlinkError.from(e, operation, msg);
        },
      );
    });
    return opts.signal ? raceAbort(sent, opts.signal, operation) : sent;
  }

  /**
   * Stream a dump. Breaking out of the loop, or aborting, stops delivery; the
   * socket drains the rest of the dump in the background so it stays in step.
   * Throws NetlinkError EINTR at the end if the kernel flagged the dump as
   * interrupted.
   */
  dump(operation: string, type: number, msg: RawMessage | Buffer, opts?: DumpOptions): AsyncIterableIterator<RawReply>;
  /** @internal A lean dump: messages decoded only as far as `keep` names, each with its bytes (lib/netlink/keep.ts). */
  dump(operation: string, type: number, msg: RawMessage | Buffer, opts: DumpOptions, keep: KeepTree): AsyncIterableIterator<LeanReply>;
  dump(operation: string, type: number, msg: RawMessage | Buffer, opts: DumpOptions = {}, keep?: KeepTree): AsyncIterableIterator<RawReply> {
    throwIfAborted(opts.signal, operation);
    const sock = this.#live(operation);
    return new DumpIterator(sock, operation, type, msg, opts.signal, keep);
  }

  /**
   * A whole dump as an array, dumping again (bounded) if it was interrupted.
   * With `map`, each message is mapped as its batch arrives (undefined: left
   * out), so the decoded messages die young instead of all living until the
   * dump ends.
   */
  collect(operation: string, type: number, msg: RawMessage | Buffer, opts?: DumpOptions): Promise<RawReply[]>;
  /** @internal A whole lean dump (lib/netlink/keep.ts). */
  collect(operation: string, type: number, msg: RawMessage | Buffer, opts: DumpOptions, keep: KeepTree): Promise<LeanReply[]>;
  collect<T>(operation: string, type: number, msg: RawMessage | Buffer, opts: DumpOptions, map: (m: RawReply) => T | undefined): Promise<T[]>;
  collect<T>(operation: string, type: number, msg: RawMessage | Buffer, opts: DumpOptions = {}, keepOrMap?: KeepTree | ((m: RawReply) => T | undefined)): Promise<T[]> {
    const map = typeof keepOrMap === 'function' ? keepOrMap : (m: RawReply) => m as unknown as T;
    const keep = typeof keepOrMap === 'function' ? undefined : keepOrMap;
    const read = (tape: Tape | null): { items: T[]; interrupted: boolean } => {
      const items: T[] = [];
      let interrupted = false;
      for (const m of native.materialize(tape)) {
        if (m.flags & NLM_F_DUMP_INTR) interrupted = true;
        const v = map(m);
        if (v !== undefined) items.push(v);
      }
      return { items, interrupted };
    };
    return this.collectTapes(operation, type, msg, opts, read, keep);
  }

  /**
   * A whole dump, each batch read from its tape by `read` (a decoder that
   * builds what it needs without the generic objects) as it arrives;
   * `interrupted`: some message carried NLM_F_DUMP_INTR (dumped again,
   * bounded). `keep`: a lean dump (lib/netlink/keep.ts).
   */
  async collectTapes<T>(operation: string, type: number, msg: RawMessage | Buffer, opts: DumpOptions, read: (tape: Tape | null) => { items: T[]; interrupted: boolean }, keep?: KeepTree): Promise<T[]> {
    const retries = opts.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#collectOnce(operation, type, msg, opts, read, keep);
      } catch (e) {
        if (e instanceof NetlinkError && e.code === 'EINTR' && attempt < retries) continue;
        throw e;
      }
    }
  }

  // One dump gathered batch by batch, without an iterator: a promise turn
  // per message was a third of listing 100,000 routes.
  #collectOnce<T>(operation: string, type: number, msg: RawMessage | Buffer, opts: DumpOptions, read: (tape: Tape | null) => { items: T[]; interrupted: boolean }, keep: KeepTree | undefined): Promise<T[]> {
    throwIfAborted(opts.signal, operation);
    const sock = this.#live(operation);
    const signal = opts.signal;
    return new Promise<T[]>((resolve, reject) => {
      const out: T[] = [];
      let interrupted = false;
      let settled = false;
      let seq = 0;
      // Settle once; a dump stopped early is drained by the socket in the background.
      const end = (error: unknown, abandon: boolean): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (abandon) sock.abandon(seq);
        if (error === undefined) resolve(out);
        else reject(error);
      };
      const onAbort = (): void => end(new AbortError(operation, signal?.reason), true);
      try {
        seq = sock.dump(type, 0, msg, (err, tape, done) => {
          if (settled) return;
          try {
            const r = read(tape);
            if (r.interrupted) interrupted = true;
            for (const v of r.items) out.push(v);
          } catch (e) {
            end(e, true);
            return;
          }
          if (err) end(NetlinkError.from(err, operation), true);
          else if (done) end(interrupted ? new NetlinkError(operation, 'EINTR', 4, { message: 'the dump was interrupted by a concurrent change; dump again' }) : undefined, false);
        }, keep);
      } catch (e) {
        settled = true;
        reject(withOperation(e, operation));
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Close the socket. Pending operations reject with ECANCELED. Idempotent. */
  close(): void {
    const s = this.#sock;
    this.#sock = undefined;
    if (s !== undefined) leaks.unregister(this.#token);
    s?.close();
    this.#window.cancelAll();
  }

  /** Let the process exit while this socket has requests pending. */
  unref(): this {
    this.#sock?.unref();
    return this;
  }

  /** Keep the process alive while this socket has requests pending (the default). */
  ref(): this {
    this.#sock?.ref();
    return this;
  }
}

class DumpIterator implements AsyncIterableIterator<RawReply> {
  readonly #sock: NativeSocket;
  readonly #operation: string;
  readonly #signal: AbortSignal | undefined;
  readonly #seq: number;
  readonly #queue = new AsyncQueue<RawReply>();
  #interrupted = false;
  #aborted = false;
  readonly #onAbort = (): void => {
    this.#finish(new AbortError(this.#operation, this.#signal?.reason));
  };

  constructor(sock: NativeSocket, operation: string, type: number, msg: RawMessage | Buffer, signal: AbortSignal | undefined, keep: KeepTree | undefined) {
    this.#sock = sock;
    this.#operation = operation;
    this.#signal = signal;
    try {
      this.#seq = sock.dump(type, 0, msg, (err, items, done) => this.#onBatch(err, items, done), keep);
    } catch (e) {
      throw withOperation(e, operation);
    }
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  #onBatch(err: NativeError | null, tape: Tape | null, done: boolean): void {
    if (this.#queue.ended) return;
    for (const m of native.materialize(tape)) {
      if (m.flags & NLM_F_DUMP_INTR) this.#interrupted = true;
      this.#queue.push(m);
    }
    if (err) this.#finish(NetlinkError.from(err, this.#operation));
    else if (done) {
      this.#finish(this.#interrupted ? new NetlinkError(this.#operation, 'EINTR', 4, { message: 'the dump was interrupted by a concurrent change; dump again' }) : undefined, false);
    } else this.#queue.wake();
  }

  // End the iteration; unless the dump completed, tell the socket to drain
  // the rest of it in the background (so it stays in step).
  #finish(error: unknown, abandon = true): void {
    if (this.#queue.ended) return;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (abandon) this.#sock.abandon(this.#seq);
    this.#queue.end(error);
  }

  async next(): Promise<IteratorResult<RawReply>> {
    // An abort stops the iteration even when the whole dump already arrived.
    if (this.#signal?.aborted && !this.#aborted) {
      this.#aborted = true;
      this.#finish(undefined);
      this.#queue.clear();
      throw new AbortError(this.#operation, this.#signal.reason);
    }
    return this.#queue.next();
  }

  async return(): Promise<IteratorResult<RawReply>> {
    this.#finish(undefined);
    this.#queue.clear();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<RawReply> {
    return this;
  }
}

// The encoder's TypeError/RangeError names the raw field ("attrs.mtu: ...");
// prefix the operation so the message says who asked. Kernel-side errors
// become NetlinkError.
function withOperation(e: unknown, operation: string): unknown {
  if (e instanceof TypeError || e instanceof RangeError) {
    e.message = `${operation}: ${e.message}`;
    return e;
  }
  return NetlinkError.from(e, operation);
}

/** @internal Settle with `p`, or reject with AbortError when `signal` fires first (shared with nfnl-socket.ts). */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal, operation: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortError(operation, signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
