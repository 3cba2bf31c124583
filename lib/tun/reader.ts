/**
 * The reading side of a tun queue: the batches the native queue hands over,
 * queued for the readers, reading paused while more than the high-water mark
 * of bytes waits and resumed once half of it is read.
 * @module
 */
import type { NativeError, NativeTunQueue } from '../netlink/native.js';
import { NetlinkError } from '../netlink/errors.js';
import { AsyncQueue } from '../netlink/async-queue.js';
import { PacketBatch, type RecordFormat } from './batch.js';

export class BatchReader {
  /** What was read and not yet taken; ended (with the error) when reading fails or the queue closes. */
  readonly batches = new AsyncQueue<PacketBatch>();
  readonly #fmt: RecordFormat;
  readonly #hwm: number;
  #q: NativeTunQueue | undefined;
  #queuedBytes = 0;
  #started = false;
  #paused = false;

  constructor(fmt: RecordFormat, highWaterMark: number) {
    this.#fmt = fmt;
    this.#hwm = highWaterMark;
  }

  /** True once reading started (it then goes on until close). */
  get started(): boolean {
    return this.#started;
  }

  /** Start reading `q`; a refusal is thrown as a NetlinkError of `operation`. */
  start(q: NativeTunQueue, operation: string): void {
    this.#q = q;
    this.#started = true;
    try {
      q.start((err, buffer, count, dataStart, lease) => this.#onBatch(err, buffer, count, dataStart, lease));
    } catch (e) {
      this.#started = false;
      throw NetlinkError.from(e, operation);
    }
  }

  #onBatch(err: NativeError | null, buffer?: Buffer, count?: number, dataStart?: number, lease?: object): void {
    if (err) {
      this.batches.end(NetlinkError.from(err, 'tun.read'));
      return;
    }
    if (buffer === undefined || count === undefined || dataStart === undefined) return;
    const batch = new PacketBatch(buffer, count, dataStart, this.#fmt, lease);
    if (this.batches.ended) {
      batch.release();
      return;
    }
    this.batches.push(batch);
    this.batches.wake();
    this.#queuedBytes += batch.byteLength;
    if (!this.#paused && this.#queuedBytes > this.#hwm && this.#q) {
      this.#paused = true;
      this.#q.pause();
    }
  }

  /** A batch taken from `batches` by a reader: count it out (reading may resume). */
  took(batch: PacketBatch): PacketBatch {
    this.#queuedBytes -= batch.byteLength;
    if (this.#paused && this.#queuedBytes <= this.#hwm / 2 && this.#q) {
      this.#paused = false;
      this.#q.resume();
    }
    return batch;
  }

  /** The queue is closing: release what nobody took, and end the readers' iteration. */
  close(): void {
    this.#q = undefined;
    for (const b of this.batches.takeAll()) b.release();
    this.#queuedBytes = 0;
    this.batches.end();
  }
}
