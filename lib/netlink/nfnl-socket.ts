/**
 * The typed wrapper over one native NETLINK_NETFILTER socket: the same
 * engine as {@link RtnlSocket} (requests, dumps, AbortSignal, NetlinkError),
 * plus transactions (nfnetlink batches), which the kernel applies whole or
 * not at all.
 * @module
 */
import { native, constant, type NativeBatchMessage, type NativeBatchResult, type NativeSocket, type RawMessage, type RawReply } from './native.js';
import { AbortError, NetlinkError } from './errors.js';
import { RtnlSocket, openNativeSocket, raceAbort, throwIfAborted, type DumpOptions, type OperationOptions } from './socket.js';
import type { Tape } from './tape.js';

/** Options of {@link NfnlSocket.batch}. */
export interface BatchOptions extends OperationOptions {
  /**
   * Apply only if the ruleset generation is still this one (NFNL_BATCH_GENID):
   * otherwise the kernel refuses the whole batch with ERESTART. 0 or left
   * out: no check.
   */
  genid?: number;
}

const leaks = new FinalizationRegistry<string>((what) => {
  process.emitWarning(`netloom: ${what} was garbage-collected without close()`, 'NetloomLeakWarning');
});

/** One nfnetlink socket, bound to the namespace it was opened in. */
export class NfnlSocket {
  #sock: NativeSocket | undefined;
  readonly #engine: RtnlSocket;
  readonly #token = {};

  private constructor(sock: NativeSocket) {
    this.#sock = sock;
    this.#engine = RtnlSocket.borrow(sock);
    leaks.register(this, 'an nf_tables handle', this.#token);
  }

  /** Open NETLINK_NETFILTER in the namespace behind `netnsFd` (-1 for the current one). */
  static async open(netnsFd: number, opts: OperationOptions = {}): Promise<NfnlSocket> {
    return new NfnlSocket(await openNativeSocket(netnsFd, constant('NETLINK_NETFILTER'), opts));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#sock === undefined;
  }

  /** One request (a GET outside a batch); resolves with the reply messages. */
  request(operation: string, type: number, flags: number, msg: RawMessage | Buffer, opts: OperationOptions = {}, request?: unknown): Promise<RawReply[]> {
    return this.#engine.request(operation, type, flags, msg, opts, request);
  }

  /**
   * A whole dump as an array (dumped again, bounded, if the ruleset changed
   * meanwhile); with `map`, each message mapped as it arrives (undefined:
   * left out).
   */
  collect(operation: string, type: number, msg: RawMessage | Buffer, opts?: DumpOptions): Promise<RawReply[]>;
  collect<T>(operation: string, type: number, msg: RawMessage | Buffer, opts: DumpOptions, map: (m: RawReply) => T | undefined): Promise<T[]>;
  collect<T>(operation: string, type: number, msg: RawMessage | Buffer, opts: DumpOptions = {}, map?: (m: RawReply) => T | undefined): Promise<T[] | RawReply[]> {
    return map === undefined ? this.#engine.collect(operation, type, msg, opts) : this.#engine.collect(operation, type, msg, opts, map);
  }

  /** A whole dump, each batch read from its tape by `read` (see {@link RtnlSocket.collectTapes}). */
  collectTapes<T>(operation: string, type: number, msg: RawMessage | Buffer, opts: DumpOptions, read: (tape: Tape | null) => { items: T[]; interrupted: boolean }): Promise<T[]> {
    return this.#engine.collectTapes(operation, type, msg, opts, read);
  }

  /**
   * Send a transaction and wait for the kernel's verdict on it. Resolves with
   * the answers (refusals included: the caller names them); rejects only when
   * the batch could not be sent or encoded.
   */
  async batch(operation: string, messages: NativeBatchMessage[], opts: BatchOptions = {}): Promise<NativeBatchResult> {
    throwIfAborted(opts.signal, operation);
    const sock = this.#sock;
    if (sock === undefined) throw new NetlinkError(operation, 'EBADF', 9, { message: 'the nf_tables handle is closed' });
    let pending: ReturnType<NativeSocket['batch']>;
    try {
      pending = sock.batch(messages, opts.genid === undefined ? {} : { genid: opts.genid });
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) {
        e.message = `${operation}: ${e.message}`;
        throw e;
      }
      throw NetlinkError.from(e, operation);
    }
    const sent = pending.then(
      // The native side hands echoes over as tapes: decoded here, once settled.
      (r) => ({ ...r, echoes: r.echoes.map((e) => ({ index: e.index, message: native.materialize(e.message)[0] as RawReply })) }),
      (e: unknown) => {
        throw NetlinkError.from(e, operation);
      },
    );
    return opts.signal ? raceAbort(sent, opts.signal, operation) : sent;
  }

  /** Close the socket (tables it owns, NFT_TABLE_F_OWNER, go with it). Pending operations reject with ECANCELED. Idempotent. */
  close(): void {
    const s = this.#sock;
    this.#sock = undefined;
    if (s !== undefined) leaks.unregister(this.#token);
    s?.close();
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
