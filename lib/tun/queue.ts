/**
 * Packet I/O on one queue (one fd) of a tun/tap device: batches, an async
 * iterator of packets, writes with backpressure, native piping, counters.
 * @module
 */
import type { NativeTunQueue, NativeTunStats } from '../netlink/native.js';
import { AbortError, NetlinkError } from '../netlink/errors.js';
import { PacketBatch, type RecordFormat } from './batch.js';
import { checkFrame } from './frame.js';
import { BatchReader } from './reader.js';
import { encodeVnetHeader, type VnetHeaderInit } from './vnet.js';

/**
 * Counters of one queue. Bytes are counted as read and written on the fd
 * (headers included). Packets the kernel dropped because nobody read them
 * fast enough are not here: they are the link's `txDropped`
 * (`(await nl.link.get(name)).stats`).
 */
export interface TunQueueStats {
  /** Packets read. */
  rxPackets: number;
  /** Bytes read. */
  rxBytes: number;
  /** Wakeups that read something (packets ÷ batches = the mean batch size). */
  rxBatches: number;
  /** Packets the kernel took. */
  txPackets: number;
  /** Bytes the kernel took. */
  txBytes: number;
  /** Packets the kernel refused (a malformed packet, the device down: EIO), not retried. */
  txDropped: number;
  /** Super-packets split on their way to a device without a virtio header. */
  txSegmented: number;
  /** Packets waiting in netloom for the kernel to take them (after EAGAIN). */
  txQueuedPackets: number;
  /** Their bytes. */
  txQueuedBytes: number;
  /** The error code of the last refusal ('EIO', 'EINVAL'), or null. */
  lastTxError: string | null;
}

/** Options of the reading methods. */
export interface TunReadOptions {
  /** Stop waiting (the wait rejects with an AbortError; no packet is lost). */
  signal?: AbortSignal;
}

/** Options of {@link TunQueue.packets}. */
export interface TunPacketsOptions extends TunReadOptions {
  /**
   * With offloads on: hand out real packets, GSO super-packets split and
   * checksums completed natively (see {@link PacketBatch.segment}).
   */
  segment?: boolean;
}

/** Options of {@link TunQueue.pipeTo}. */
export interface TunPipeOptions {
  /** Stop the pipe; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
}

const OP_QUEUE = 0;

const leaks = new FinalizationRegistry<string>((what) => {
  process.emitWarning(`netloom: ${what} was garbage-collected without close(); its fd was closed then`, 'NetloomLeakWarning');
});

/**
 * One queue of a tun/tap device. A single-queue device is itself its only
 * queue (`Tun` extends this class); a multi-queue device has one per fd in
 * `tun.queues`, each to be read on its own (the kernel spreads flows over
 * them).
 *
 * Reading starts with the first `readBatch()`, `batches()`, `packets()` or
 * `for await`; until then the kernel holds up to txqueuelen packets and
 * drops the rest, as for any tun device nobody reads.
 *
 * Writing: `write` and `writeBatch` hand packets to the kernel at once and
 * return true. When the kernel answers EAGAIN (its send buffer is full:
 * see `sndbuf`) the packets are copied into a queue, in order, and written
 * as soon as the fd polls writable, and the call returns false: wait for
 * `await queue.drain()` before writing more, as with a Node stream. Nothing
 * is dropped for lack of room.
 */
export class TunQueue implements AsyncIterable<Buffer> {
  /** This queue's position in `tun.queues`. */
  readonly index: number;
  #q: NativeTunQueue | undefined;
  readonly #fmt: RecordFormat;
  readonly #reader: BatchReader;
  #piped = false;
  #closing: Promise<void> | undefined;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #token = {};
  #last: NativeTunStats | undefined;

  /** @internal Made by `Tun.open`. */
  constructor(q: NativeTunQueue, fmt: RecordFormat, index: number, highWaterMark: number) {
    this.#q = q;
    this.#fmt = fmt;
    this.index = index;
    this.#reader = new BatchReader(fmt, highWaterMark);
    leaks.register(this, `a tun queue (${index})`, this.#token);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#q === undefined;
  }

  #live(operation: string): NativeTunQueue {
    if (this.#q === undefined) throw new NetlinkError(operation, 'EBADF', 9, { message: 'the tun device is closed' });
    return this.#q;
  }

  // ------------------------------------------------------------ reading

  #start(operation: string): void {
    if (this.#reader.started) return;
    const q = this.#live(operation);
    if (this.#piped) throw new NetlinkError(operation, 'EBUSY', 16, { message: 'this queue is piped to another; it cannot also be read' });
    this.#reader.start(q, operation);
  }

  /**
   * The next batch: the packets one wakeup read (waiting for one), or null
   * once the queue is closed. The batch is yours: `release()` it when done
   * (see {@link PacketBatch} on lifetime). Rejects with a NetlinkError when
   * reading failed (EBADFD: the device was deleted or the queue detached).
   */
  async readBatch(opts: TunReadOptions = {}): Promise<PacketBatch | null> {
    this.#start('tun.readBatch');
    try {
      const r = await this.#reader.batches.next(opts.signal);
      return r.done ? null : this.#reader.took(r.value);
    } catch (e) {
      if (opts.signal?.aborted && e === opts.signal.reason) throw new AbortError('tun.readBatch', e);
      throw e;
    }
  }

  /**
   * Batches as they are read, until the queue is closed. Each is yours to
   * `release()` (a forwarder releases it after `writeBatch`).
   * ```ts
   * for await (const batch of tunA.batches()) { tunB.writeBatch(batch); batch.release(); }
   * ```
   */
  async *batches(opts: TunReadOptions = {}): AsyncGenerator<PacketBatch, void, undefined> {
    for (;;) {
      const b = await this.readBatch(opts);
      if (b === null) return;
      yield b;
    }
  }

  /**
   * Packets as they are read, until the queue is closed: each a Buffer
   * holding the frame (an IP packet for tun, an Ethernet frame for tap).
   * Packets are never released behind your back, so they can be kept.
   * ```ts
   * for await (const packet of tun.packets()) handle(packet);
   * ```
   */
  async *packets(opts: TunPacketsOptions = {}): AsyncGenerator<Buffer, void, undefined> {
    for await (const batch of this.batches(opts)) {
      if (opts.segment && batch.vnetHdrLen > 0) {
        const real = batch.segment();
        batch.release();
        yield* real;
      } else {
        yield* batch;
      }
    }
  }

  /** `for await (const packet of tun)`: the same as {@link TunQueue.packets}. */
  [Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    return this.packets();
  }

  // ------------------------------------------------------------ writing

  /**
   * Write one packet (an IP packet for tun, an Ethernet frame for tap; with
   * `packetInfo`, its 4-byte header first). On a device with `vnetHdr`, an
   * empty virtio header is sent with it, or `vnet` (a header to let the
   * kernel segment a super-packet or finish its checksum).
   *
   * Returns true when the packet went to the kernel, false when it waits in
   * the queue (then `await drain()` before writing more). Throws a
   * NetlinkError when the kernel refuses the packet (EIO: the device is
   * down; EINVAL: malformed), a TypeError/RangeError for a bad argument.
   */
  write(packet: Uint8Array, vnet?: VnetHeaderInit | Uint8Array): boolean {
    const q = this.#live('tun.write');
    checkFrame(this.#fmt, packet, 'tun.write', 'packet');
    let hdr: Uint8Array | undefined;
    if (vnet !== undefined) {
      if (this.#fmt.vnetLen === 0) throw new TypeError('tun.write: vnet: this device has no virtio header (open it with vnetHdr)');
      hdr = vnet instanceof Uint8Array ? vnet : encodeVnetHeader(vnet);
      if (hdr.length < 10) throw new RangeError(`tun.write: vnet: a virtio header has 10 bytes, got ${hdr.length}`);
    }
    try {
      return q.write(packet, hdr);
    } catch (e) {
      throw NetlinkError.from(e, 'tun.write');
    }
  }

  /**
   * Write many packets in one call: a batch read from any tun/tap queue of
   * the same mode (records pass through unchanged, virtio header included,
   * when both devices have the same header; a plain packet gets an empty
   * header; a super-packet bound for a device without one is segmented), or
   * an array of packets as `write` takes them.
   *
   * Returns true / false like `write`. A packet the kernel refuses is
   * counted (`stats.txDropped`, `stats.lastTxError`) rather than thrown, so
   * one bad packet does not stop a forwarder.
   */
  writeBatch(packets: PacketBatch | readonly Uint8Array[]): boolean {
    const q = this.#live('tun.writeBatch');
    try {
      if (packets instanceof PacketBatch) {
        if (packets.released) throw new TypeError('tun.writeBatch: the batch was released');
        if (packets.mode !== this.#fmt.mode) throw new TypeError(`tun.writeBatch: a ${packets.mode} batch cannot go to a ${this.#fmt.mode} device`);
        if (packets.packetInfoLen !== this.#fmt.piLen) throw new TypeError('tun.writeBatch: the batch and this device differ in packetInfo');
        return q.writeRecords(packets.data, packets.offsets, packets.count, packets.mode === 'tap', packets.packetInfoLen, packets.vnetHdrLen);
      }
      if (!Array.isArray(packets)) throw new TypeError('tun.writeBatch: packets: must be a PacketBatch or an array of Buffers');
      packets.forEach((p, i) => checkFrame(this.#fmt, p, 'tun.writeBatch', `packets[${i}]`));
      return q.writeArray(packets);
    } catch (e) {
      throw NetlinkError.from(e, 'tun.writeBatch');
    }
  }

  /**
   * Resolves once every queued packet went to the kernel (at once when none
   * waits). Rejects with ECANCELED if the queue is closed first (the
   * waiting packets are dropped and counted).
   */
  drain(): Promise<void> {
    const q = this.#live('tun.drain');
    return new Promise<void>((resolve, reject) => {
      const done = q.drain((err) => (err ? reject(NetlinkError.from(err, 'tun.drain')) : resolve()));
      if (done) resolve();
    });
  }

  // ------------------------------------------------------------ piping

  /**
   * Forward every packet read from this queue to `dest`, natively, inside
   * the poll callback: no JavaScript per packet or per batch. When `dest`
   * answers EAGAIN this queue stops reading until `dest` drained. Records
   * are converted as for `writeBatch` (so a vnet device can pipe to a plain
   * one: super-packets are segmented on the way).
   *
   * Resolves when the pipe ends because either queue was closed; rejects
   * with an AbortError when `signal` aborts, with a NetlinkError when reading
   * fails. For both directions, pipe each way:
   * ```ts
   * await Promise.all([a.pipeTo(b), b.pipeTo(a)]);
   * ```
   */
  async pipeTo(dest: TunQueue, opts: TunPipeOptions = {}): Promise<void> {
    const q = this.#live('tun.pipeTo');
    if (!(dest instanceof TunQueue)) throw new TypeError('tun.pipeTo: dest: must be a Tun or TunQueue');
    const d = dest.#live('tun.pipeTo');
    if (this.#reader.started) throw new NetlinkError('tun.pipeTo', 'EBUSY', 16, { message: 'this queue is already being read' });
    if (dest.#fmt.mode !== this.#fmt.mode || dest.#fmt.piLen !== this.#fmt.piLen) {
      throw new TypeError('tun.pipeTo: dest: must be of the same mode (tun or tap) and packetInfo setting');
    }
    if (opts.signal?.aborted) throw new AbortError('tun.pipeTo', opts.signal.reason);
    return new Promise<void>((resolve, reject) => {
      const signal = opts.signal;
      const onAbort = (): void => q.unpipe();
      try {
        q.pipe(d, (err, why) => {
          this.#piped = false;
          signal?.removeEventListener('abort', onAbort);
          if (err) reject(NetlinkError.from(err, 'tun.pipeTo'));
          else if (why === 'unpipe' && signal?.aborted) reject(new AbortError('tun.pipeTo', signal.reason));
          else resolve();
        });
      } catch (e) {
        reject(NetlinkError.from(e, 'tun.pipeTo'));
        return;
      }
      this.#piped = true;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  // ------------------------------------------------------------ state

  /** The counters (kept after close). */
  get stats(): TunQueueStats {
    const s = this.#q?.stats() ?? this.#last;
    if (s === undefined) throw new NetlinkError('tun.stats', 'EBADF', 9, { message: 'the tun device is closed' });
    const { slabs: _slabs, ...rest } = s;
    return rest;
  }

  /** @internal Run a control ioctl, tracked so close() waits for it. */
  protected control(op: number, value: number, operation: string): Promise<number> {
    const q = this.#live(operation);
    const p = q.control(op, value).catch((e: unknown) => {
      throw NetlinkError.from(e, operation);
    });
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p)).catch(() => {});
    return p;
  }

  /**
   * Take this queue out of the device (TUNSETQUEUE IFF_DETACH_QUEUE): the
   * kernel stops sending packets to it, and writes to it fail, until
   * `attach()`. The device must be multi-queue.
   */
  async detach(): Promise<void> {
    const q = this.#live('tun.detach');
    q.setDetached(true);
    try {
      await this.control(OP_QUEUE, 0, 'tun.detach');
    } catch (e) {
      q.setDetached(false);
      throw e;
    }
  }

  /** Put a detached queue back (TUNSETQUEUE IFF_ATTACH_QUEUE). */
  async attach(): Promise<void> {
    const q = this.#live('tun.attach');
    await this.control(OP_QUEUE, 1, 'tun.attach');
    q.setDetached(false);
  }

  /** Let the process exit while this queue is being read or piped. */
  unref(): this {
    this.#q?.unref();
    return this;
  }

  /** Undo {@link TunQueue.unref} (the default: an active queue keeps the process alive). */
  ref(): this {
    this.#q?.ref();
    return this;
  }

  /**
   * Close this queue: reading ends (iterators finish, a pending readBatch
   * resolves null), pipes from and to it end, packets waiting to be written
   * are dropped (drain() rejects with ECANCELED), and the fd is closed. The
   * device goes away with its last queue unless it is persistent. Resolves
   * once the fd is closed. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    const q = this.#q;
    if (q === undefined) return Promise.resolve();
    this.#q = undefined;
    leaks.unregister(this.#token);
    this.#reader.close();
    const pending = [...this.#pending];
    const closed = q.close(); // stops everything at once; the fd itself closes off the loop
    this.#last = q.stats(); // with the packets that were waiting counted as dropped
    this.#closing = (async () => {
      await Promise.allSettled(pending);
      try {
        await closed;
      } catch (e) {
        throw NetlinkError.from(e, 'tun.close');
      }
    })();
    return this.#closing;
  }

  /** `await using q = ...` support. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
