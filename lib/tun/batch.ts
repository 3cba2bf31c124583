/**
 * A batch of packets: what one wakeup read from a tun/tap queue, as one
 * Buffer of records and an array of offsets into it. Packets are views, not
 * copies.
 *
 * **Lifetime and ownership.** A batch and every packet Buffer taken from it
 * share one piece of memory, which stays valid until the batch is released:
 * - `batch.release()` (or `using batch = ...`) hands the memory back at once
 *   for the next read; from then on the batch and all its packet views read
 *   as empty (they are detached), never as other packets. Release only when
 *   nothing still uses the packets: not before an asynchronous consumer that
 *   keeps a reference to the bytes has finished (`socket.write`, an
 *   unconnected `dgram` `send`); copy (`Buffer.from(packet)`) what you keep.
 * - A batch that is never released stays valid as long as any of its views
 *   is reachable, and its memory is recycled after garbage collection. That
 *   is always safe, only slower at high rates.
 * The packet iterator (`for await (const p of tun)`) never releases: its
 * packets can be kept. Forwarders that want the fast path read batches and
 * release each after writing it (`writeBatch` copies what it cannot write at
 * once).
 * @module
 */
import { native } from '../netlink/native.js';
import { NetlinkError } from '../netlink/errors.js';
import { parseVnetHeader, type VnetHeader } from './vnet.js';
import type { TunMode } from './options.js';

/** How records are laid out: [packet info][virtio header][frame]. */
export interface RecordFormat {
  /** `tun` or `tap`. */
  mode: TunMode;
  /** 4 with packet info, else 0. */
  piLen: number;
  /** The virtio header's size, 0 without one. */
  vnetLen: number;
}

/** The packet information header of a device opened with `packetInfo: true`. */
export interface PacketInfo {
  /** TUN_PKT_STRIP (1): the packet was longer than the read buffer. */
  flags: number;
  /** The EtherType of the packet (0x0800 IPv4, 0x86dd IPv6). */
  proto: number;
}

/** A batch of packets read in one wakeup (see the module notes on lifetime). */
export class PacketBatch implements Iterable<Buffer> {
  /** Number of packets. */
  readonly count: number;
  /** `tun` (IP packets) or `tap` (Ethernet frames). */
  readonly mode: TunMode;
  /** The virtio header's size in each record (0: none). */
  readonly vnetHdrLen: number;
  /** The packet information header's size in each record (0: none, 4). */
  readonly packetInfoLen: number;
  /** The records back to back, as read (headers included). */
  readonly data: Buffer;
  /** count + 1 record boundaries: record i is `data[offsets[i], offsets[i + 1])`. */
  readonly offsets: Uint32Array;
  #buffer: Buffer;
  #lease: object | undefined;
  #released = false;

  /** @internal Made by a tun queue or by {@link PacketBatch.segment}. */
  constructor(buffer: Buffer, count: number, dataStart: number, fmt: RecordFormat, lease?: object) {
    this.#buffer = buffer;
    this.#lease = lease;
    this.count = count;
    this.mode = fmt.mode;
    this.vnetHdrLen = fmt.vnetLen;
    this.packetInfoLen = fmt.piLen;
    this.offsets =
      buffer.byteOffset % 4 === 0
        ? new Uint32Array(buffer.buffer, buffer.byteOffset, count + 1)
        : new Uint32Array(new Uint8Array(buffer.buffer, buffer.byteOffset, (count + 1) * 4).slice().buffer);
    this.data = buffer.subarray(dataStart);
  }

  /** The records' bytes together. */
  get byteLength(): number {
    return this.#released ? 0 : (this.offsets[this.count] ?? 0);
  }

  /** True once released. */
  get released(): boolean {
    return this.#released;
  }

  #bounds(i: number, what: string): [number, number] {
    if (this.#released) throw new TypeError(`PacketBatch.${what}: the batch was released`);
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`PacketBatch.${what}: index ${String(i)} not in 0..${this.count - 1}`);
    return [this.offsets[i] as number, this.offsets[i + 1] as number];
  }

  /** Packet `i` (its frame: after any packet info and virtio header), a view. */
  packet(i: number): Buffer {
    const [s, e] = this.#bounds(i, 'packet');
    return this.data.subarray(s + this.packetInfoLen + this.vnetHdrLen, e);
  }

  /** Record `i` exactly as read (headers included), a view. */
  record(i: number): Buffer {
    const [s, e] = this.#bounds(i, 'record');
    return this.data.subarray(s, e);
  }

  /** The virtio header of packet `i`, parsed; undefined without `vnetHdr`. */
  vnet(i: number): VnetHeader | undefined {
    const [s] = this.#bounds(i, 'vnet');
    return this.vnetHdrLen === 0 ? undefined : parseVnetHeader(this.data, s + this.packetInfoLen);
  }

  /** The packet information header of packet `i`; undefined without `packetInfo`. */
  packetInfo(i: number): PacketInfo | undefined {
    const [s] = this.#bounds(i, 'packetInfo');
    return this.packetInfoLen === 0 ? undefined : { flags: this.data.readUInt16BE(s), proto: this.data.readUInt16BE(s + 2) };
  }

  /** The packets (frames), as views. */
  *[Symbol.iterator](): Iterator<Buffer> {
    for (let i = 0; i < this.count; i++) yield this.packet(i);
  }

  /**
   * Real packets out of a batch read with offloads on, done natively: every
   * GSO super-packet split into packets of `gsoSize` payload (IPv4 length,
   * ID and checksum, IPv6 payload length, TCP sequence numbers and flags,
   * UDP length, TCP/UDP checksums all fixed), partial checksums completed,
   * virtio headers dropped. A new batch in memory of its own; this one is
   * untouched. Without virtio headers, returns this batch.
   * Throws a NetlinkError (EINVAL) naming a packet that cannot be split.
   */
  segment(): PacketBatch {
    if (this.vnetHdrLen === 0) return this;
    if (this.#released) throw new TypeError('PacketBatch.segment: the batch was released');
    let r: { buffer: Buffer; count: number };
    try {
      r = native.segment(this.data, this.offsets, this.count, this.mode === 'tap', this.packetInfoLen, this.vnetHdrLen);
    } catch (e) {
      // The native message says which packet and why ("packet 2: bad TCP header length").
      const n = e as { code?: unknown; errno?: unknown; message?: unknown };
      if (typeof n.code === 'string' && typeof n.errno === 'number' && typeof n.message === 'string') {
        throw new NetlinkError('tun.segment', n.code, n.errno, { message: n.message.replace(/^segment: /, '') });
      }
      throw e;
    }
    return new PacketBatch(r.buffer, r.count, (r.count + 1) * 4, { mode: this.mode, piLen: this.packetInfoLen, vnetLen: 0 });
  }

  /** Give the memory back (see the module notes). Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    native.releaseBatch(this.#buffer, this.#lease);
    this.#lease = undefined;
  }

  /** `using batch = await tun.readBatch()` support. */
  [Symbol.dispose](): void {
    this.release();
  }
}
