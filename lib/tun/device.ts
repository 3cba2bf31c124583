/**
 * TUN/TAP devices: open (create, or attach to a persistent one) inside any
 * namespace, change them, delete persistent ones. The kernel refuses to
 * create tun devices over rtnetlink, so this is /dev/net/tun and its ioctls;
 * addresses, MTU and up/down are then the rtnetlink API's
 * (`nl.addr.add(tun.name, ...)`, `nl.link.set(tun.name, { up: true })`).
 * @module
 */
import { constant, native, type NativeTunOpenResult } from '../netlink/native.js';
import { AbortError, NetlinkError } from '../netlink/errors.js';
import { NetNs, netns as netnsApi, type NetnsRef } from '../netns/netns.js';
import { checkOpenOptions, checkTunName, decodeFeatures, offloadBits, offloadNames, type CheckedOpen, type TunFeatures, type TunMode, type TunOffload, type TunOpenOptions } from './options.js';
import { TunQueue } from './queue.js';

/** Options of {@link Tun.delete}. */
export interface TunDeleteOptions {
  /** The namespace the device is in (a NetNs is borrowed). Default: the current one. */
  netns?: NetNs | NetnsRef;
}

const OP_CARRIER = 1;
const OP_PERSIST = 2;
const OP_OFFLOAD = 3;

// Run `fn` with an fd on the namespace: a NetNs is borrowed, a reference is
// opened for the call and closed after.
async function withNetns<T>(ref: NetNs | NetnsRef | undefined, fn: (fd: number) => Promise<T>): Promise<T> {
  if (ref === undefined) return fn(-1);
  if (ref instanceof NetNs) return fn(ref.fd);
  const ns = await netnsApi.open(ref);
  try {
    return await fn(ns.fd);
  } finally {
    ns.close();
  }
}

/**
 * A TUN (IP packets) or TAP (Ethernet frames) device and the fds netloom
 * holds on it. The object is also the device's first queue, so a
 * single-queue device reads and writes directly:
 * ```ts
 * await using tun = await Tun.open({ name: 'tun0', netns: ns });
 * await nl.addr.add(tun.name, '198.18.0.1/24');
 * await nl.link.set(tun.name, { up: true });
 * for await (const packet of tun) tun.write(reply(packet));
 * ```
 * Equivalent to: `ip tuntap add dev tun0 mode tun` plus a program holding
 * the device open.
 */
export class Tun extends TunQueue {
  /** The device's name (the kernel's choice when a `%d` template was given). */
  readonly name: string;
  /** The device's ifindex in its namespace. */
  readonly ifindex: number;
  /** `tun` or `tap`. */
  readonly mode: TunMode;
  /** Packets carry the 4-byte packet information header. */
  readonly packetInfo: boolean;
  /** Packets carry a virtio_net_hdr (IFF_VNET_HDR). */
  readonly vnetHdr: boolean;
  /** Its size in bytes (0 without `vnetHdr`). */
  readonly vnetHdrSize: number;
  /** The device is multi-queue (IFF_MULTI_QUEUE). */
  readonly multiQueue: boolean;
  /** What this kernel's tun driver supports (TUNGETFEATURES). */
  readonly features: TunFeatures;
  /** Every queue of the device, this object first. */
  readonly queues: readonly TunQueue[];
  #offloads: readonly TunOffload[];
  #persistent: boolean;
  #closeAll: Promise<void> | undefined;

  private constructor(r: NativeTunOpenResult, c: CheckedOpen) {
    const [first, ...rest] = r.queues;
    if (first === undefined) throw new Error('tun.open: the native layer returned no queue');
    const fmt = { mode: c.mode, piLen: c.piLen, vnetLen: c.vnetLen };
    super(first, fmt, 0, c.highWaterMark);
    this.name = r.name;
    this.ifindex = r.ifindex;
    this.mode = c.mode;
    this.packetInfo = c.piLen > 0;
    this.vnetHdr = c.vnetLen > 0;
    this.vnetHdrSize = c.vnetLen;
    this.multiQueue = (r.flags & constant('IFF_MULTI_QUEUE')) !== 0;
    this.features = decodeFeatures(r.features);
    this.#offloads = Object.freeze(offloadNames(r.offloads));
    this.#persistent = (r.flags & constant('IFF_PERSIST')) !== 0;
    this.queues = Object.freeze([this, ...rest.map((q, i) => new TunQueue(q, fmt, i + 1, c.highWaterMark))]);
  }

  /**
   * Create a device, or attach to an existing persistent one of that name,
   * inside `opts.netns` (the fd is opened there, so the device lives there).
   * Fails with a TypeError/RangeError naming the field for bad options, and
   * a NetlinkError for what the kernel refuses (EBUSY: the name is taken by
   * a single-queue device in use, or `exclusive`; EINVAL: the name is another
   * kind of link; EPERM).
   *
   * Equivalent to: `ip tuntap add dev NAME mode tun|tap [multi_queue] [vnet_hdr] [user U] [group G]`
   * and opening it.
   */
  static async open(opts: TunOpenOptions = {}): Promise<Tun> {
    const c = checkOpenOptions(opts);
    if (opts.signal?.aborted) throw new AbortError('tun.open', opts.signal.reason);
    let r: NativeTunOpenResult;
    try {
      r = await withNetns(opts.netns, (fd) => native.tunOpen(fd, c.request));
    } catch (e) {
      throw NetlinkError.from(e, 'tun.open', { ...opts, netns: undefined });
    }
    const tun = new Tun(r, c);
    if (opts.signal?.aborted) {
      await tun.close();
      throw new AbortError('tun.open', opts.signal.reason);
    }
    return tun;
  }

  /**
   * Delete a persistent device: attach to it, clear persist (TUNSETPERSIST
   * 0) and close. Resolves true when the device is gone, false when other
   * fds still hold it (it goes with the last of them). Fails with ENODEV if
   * there is no such device, EINVAL if it is not a tun/tap device, EBUSY if
   * a single-queue device is open elsewhere.
   *
   * Equivalent to: `ip tuntap del dev NAME mode tun|tap`
   */
  static async delete(name: string, opts: TunDeleteOptions = {}): Promise<boolean> {
    checkTunName(name, 'tun.delete', false);
    try {
      return await withNetns(opts.netns, (fd) => native.tunDelete(fd, name));
    } catch (e) {
      throw NetlinkError.from(e, 'tun.delete', { name });
    }
  }

  /** What this kernel's tun driver supports (TUNGETFEATURES). */
  static async features(): Promise<TunFeatures> {
    try {
      return decodeFeatures(await native.tunFeatures());
    } catch (e) {
      throw NetlinkError.from(e, 'tun.features');
    }
  }

  /** The offloads the kernel granted (empty without `vnetHdr` or `offloads`). */
  get offloads(): readonly TunOffload[] {
    return this.#offloads;
  }

  /** The device outlives its fds (IFF_PERSIST). */
  get persistent(): boolean {
    return this.#persistent;
  }

  /**
   * Turn the carrier on or off (TUNSETCARRIER): off, the link is
   * NO-CARRIER and the kernel sends it nothing.
   *
   * Equivalent to: what `ip link set NAME carrier on|off` does for devices that allow it.
   */
  async setCarrier(on: boolean): Promise<void> {
    if (typeof on !== 'boolean') throw new TypeError('tun.setCarrier: on: must be a boolean');
    await this.control(OP_CARRIER, on ? 1 : 0, 'tun.setCarrier');
  }

  /** Make the device outlive its fds, or not (TUNSETPERSIST). */
  async setPersist(on: boolean): Promise<void> {
    if (typeof on !== 'boolean') throw new TypeError('tun.setPersist: on: must be a boolean');
    await this.control(OP_PERSIST, on ? 1 : 0, 'tun.setPersist');
    this.#persistent = on;
  }

  /**
   * Ask for other offloads (TUNSETOFFLOAD), with the same fallback as at
   * open; resolves with (and remembers) what was granted. Needs `vnetHdr`.
   */
  async setOffloads(offloads: 'all' | readonly TunOffload[]): Promise<readonly TunOffload[]> {
    if (!this.vnetHdr) throw new TypeError('tun.setOffloads: the device has no virtio header (open it with vnetHdr)');
    const granted = await this.control(OP_OFFLOAD, offloadBits(offloads, 'tun.setOffloads'), 'tun.setOffloads');
    this.#offloads = Object.freeze(offloadNames(granted));
    return this.#offloads;
  }

  /** Let the process exit while any queue is being read or piped. */
  override unref(): this {
    super.unref();
    for (const q of this.queues) if (q !== this) q.unref();
    return this;
  }

  /** Undo {@link Tun.unref}. */
  override ref(): this {
    super.ref();
    for (const q of this.queues) if (q !== this) q.ref();
    return this;
  }

  /**
   * Close every queue (see {@link TunQueue.close}); the device goes away
   * with them unless it is persistent. Idempotent.
   */
  override close(): Promise<void> {
    this.#closeAll ??= (async () => {
      const all = await Promise.allSettled(this.queues.map((q) => (q === this ? super.close() : q.close())));
      const failed = all.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    })();
    return this.#closeAll;
  }
}
