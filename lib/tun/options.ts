/**
 * What `Tun.open` accepts, checked before anything reaches the kernel, and
 * how it maps onto TUNSETIFF flags and the other tun ioctls.
 * @module
 */
import { constant, type NativeTunOpenRequest } from '../netlink/native.js';
import type { NetNs, NetnsRef } from '../netns/netns.js';

/** `tun`: the device carries IP packets; `tap`: Ethernet frames. */
export type TunMode = 'tun' | 'tap';

/**
 * Offloads a vnet device can ask the kernel for (TUNSETOFFLOAD): `csum`
 * (packets may arrive with a partial checksum), `tso4`/`tso6` (TCP
 * super-packets), `tsoEcn` (TSO with ECN), `uso` (UDP super-packets, Linux
 * 6.2+). The segmentation ones imply `csum`.
 */
export type TunOffload = 'csum' | 'tso4' | 'tso6' | 'tsoEcn' | 'uso';

/** Options of `Tun.open`. */
export interface TunOpenOptions {
  /** `tun` (IP packets, the default) or `tap` (Ethernet frames). */
  mode?: TunMode;
  /**
   * The device name (1..15 bytes), or a template with one `%d` the kernel
   * fills with the first free number. Default `tun%d` / `tap%d`. An existing
   * device of that name (a persistent one) is attached to, unless `exclusive`.
   */
  name?: string;
  /**
   * The namespace the device is created in (the fd is opened there): a
   * {@link NetNs} (borrowed) or a reference opened for the call. Default:
   * the calling thread's namespace.
   */
  netns?: NetNs | NetnsRef;
  /** Keep the 4-byte packet information header (flags, protocol) before each packet (no IFF_NO_PI). Default false. */
  packetInfo?: boolean;
  /**
   * Keep the device after its last fd is closed (TUNSETPERSIST). Default:
   * a new device is not persistent; an existing one keeps its setting.
   */
  persist?: boolean;
  /** The user allowed to attach to the device besides CAP_NET_ADMIN holders (TUNSETOWNER). */
  owner?: number;
  /** The group allowed to attach to the device (TUNSETGROUP). */
  group?: number;
  /** Carrier (lower layer) on or off (TUNSETCARRIER). Default: on. */
  carrier?: boolean;
  /** Queues (fds) to open: more than 1 makes a multi-queue device. Default 1. */
  queues?: number;
  /** IFF_MULTI_QUEUE even with one queue, so it can be detached and attached. Default: `queues > 1`. */
  multiQueue?: boolean;
  /**
   * A virtio_net_hdr before each packet (IFF_VNET_HDR): needed for
   * offloads. Default: true when `offloads` or `vnetHdrSize` is given, else false.
   */
  vnetHdr?: boolean;
  /** The virtio header's size (TUNSETVNETHDRSZ): 10 (the default) or 12. */
  vnetHdrSize?: 10 | 12;
  /**
   * Offloads to ask for: `'all'` or a list. What the kernel grants (an older
   * one may lack USO) is in `tun.offloads`; asking never fails for that.
   */
  offloads?: 'all' | readonly TunOffload[];
  /** Fail with EBUSY if a device of that name exists (IFF_TUN_EXCL). Default false. */
  exclusive?: boolean;
  /**
   * The device's send buffer in bytes (TUNSETSNDBUF): how much written data
   * may be inside the kernel before writes wait (EAGAIN). Default: unlimited.
   */
  sndbuf?: number;
  /**
   * Packets read per wakeup at most (one batch). Default 64, 1..4096: enough
   * to amortize the crossing into JavaScript, small enough that one busy
   * device does not hold the event loop for milliseconds.
   */
  batchSize?: number;
  /** Bytes of one read slab, the room for one batch. Default 1 MiB, 256 KiB..64 MiB. */
  slabSize?: number;
  /**
   * Bytes of batches read and not yet taken by the consumer before reading
   * pauses (the kernel then keeps up to txqueuelen packets and drops the
   * rest). Reading resumes below half of it. Default 4 MiB.
   */
  highWaterMark?: number;
  /** Abort the open (a device made meanwhile is closed again). */
  signal?: AbortSignal;
}

const OFFLOAD_BITS: Record<TunOffload, number> = {
  csum: constant('TUN_F_CSUM'),
  tso4: constant('TUN_F_TSO4'),
  tso6: constant('TUN_F_TSO6'),
  tsoEcn: constant('TUN_F_TSO_ECN'),
  uso: constant('TUN_F_USO4') | constant('TUN_F_USO6'),
};
const OFFLOAD_NAMES = Object.keys(OFFLOAD_BITS) as TunOffload[];

/** TUN_F_* flags for a list of offloads (`csum` added when a segmentation offload needs it). */
export function offloadBits(list: 'all' | readonly TunOffload[], operation: string): number {
  const names = list === 'all' ? OFFLOAD_NAMES : list;
  if (!Array.isArray(names)) throw new TypeError(`${operation}: offloads: must be 'all' or an array of ${OFFLOAD_NAMES.join(', ')}`);
  let bits = 0;
  for (const n of names) {
    const b = OFFLOAD_BITS[n as TunOffload];
    if (b === undefined || !Object.hasOwn(OFFLOAD_BITS, n)) throw new TypeError(`${operation}: offloads: unknown '${String(n)}' (known: ${OFFLOAD_NAMES.join(', ')})`);
    bits |= b;
  }
  if (bits & ~OFFLOAD_BITS.csum) bits |= OFFLOAD_BITS.csum;
  return bits;
}

/** The offload names whose flags are all set in `bits`. */
export function offloadNames(bits: number): TunOffload[] {
  if (bits < 0) return [];
  return OFFLOAD_NAMES.filter((n) => (bits & OFFLOAD_BITS[n]) === OFFLOAD_BITS[n]);
}

/** What {@link checkOpenOptions} produces: the native request and what the TS side keeps. */
export interface CheckedOpen {
  request: NativeTunOpenRequest;
  mode: TunMode;
  piLen: number;
  vnetLen: number;
  highWaterMark: number;
}

function int(v: unknown, field: string, lo: number, hi: number, operation: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new RangeError(`${operation}: ${field}: must be an integer ${lo}..${hi}, got ${String(v)}`);
  }
  return v;
}

function bool(v: unknown, field: string, operation: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new TypeError(`${operation}: ${field}: must be a boolean, got ${typeof v}`);
  return v;
}

/**
 * Check an interface name or `%d` template the way the kernel's
 * dev_valid_name does: 1..15 bytes, not `.` or `..`, no `/`, `:` or
 * whitespace; `%` only as one `%d`.
 */
export function checkTunName(name: unknown, operation: string, template: boolean): string {
  if (typeof name !== 'string') throw new TypeError(`${operation}: name: must be a string, got ${typeof name}`);
  const bytes = Buffer.byteLength(name);
  if (bytes < 1 || bytes > 15) throw new RangeError(`${operation}: name: must be 1..15 bytes, got ${bytes} ('${name}')`);
  if (name === '.' || name === '..' || /[/:\s\0]/.test(name)) throw new TypeError(`${operation}: name: not a valid interface name: '${name}'`);
  if (name.includes('%') && (!template || !/^[^%]*%d[^%]*$/.test(name))) {
    throw new TypeError(`${operation}: name: '%' is only allowed as one '%d' template${template ? '' : ' (a template names no device)'}: '${name}'`);
  }
  return name;
}

/** Check `Tun.open` options and build the native request. Throws TypeError/RangeError naming the field. */
export function checkOpenOptions(opts: TunOpenOptions, operation = 'tun.open'): CheckedOpen {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${operation}: options: must be an object`);
  const mode = opts.mode ?? 'tun';
  if (mode !== 'tun' && mode !== 'tap') throw new TypeError(`${operation}: mode: must be 'tun' or 'tap', got '${String(mode)}'`);
  const name = checkTunName(opts.name ?? `${mode}%d`, operation, true);
  const packetInfo = bool(opts.packetInfo, 'packetInfo', operation) ?? false;
  const persist = bool(opts.persist, 'persist', operation);
  const carrier = bool(opts.carrier, 'carrier', operation);
  const exclusive = bool(opts.exclusive, 'exclusive', operation) ?? false;
  const queues = opts.queues === undefined ? 1 : int(opts.queues, 'queues', 1, 256, operation);
  const multiQueue = bool(opts.multiQueue, 'multiQueue', operation) ?? queues > 1;
  if (!multiQueue && queues > 1) throw new TypeError(`${operation}: queues: ${queues} queues need multiQueue`);
  let vnetHdr = bool(opts.vnetHdr, 'vnetHdr', operation);
  if (opts.offloads !== undefined && vnetHdr === false) {
    throw new TypeError(`${operation}: offloads: need vnetHdr (the kernel describes super-packets in the virtio header)`);
  }
  if (opts.vnetHdrSize !== undefined && vnetHdr === false) throw new TypeError(`${operation}: vnetHdrSize: needs vnetHdr`);
  vnetHdr ??= opts.offloads !== undefined || opts.vnetHdrSize !== undefined;
  const offloads = opts.offloads === undefined ? -1 : offloadBits(opts.offloads, operation);
  if (opts.vnetHdrSize !== undefined && opts.vnetHdrSize !== 10 && opts.vnetHdrSize !== 12) {
    throw new RangeError(`${operation}: vnetHdrSize: must be 10 or 12, got ${String(opts.vnetHdrSize)}`);
  }
  const vnetLen = vnetHdr ? (opts.vnetHdrSize ?? 10) : 0;
  const owner = opts.owner === undefined ? -1 : int(opts.owner, 'owner', 0, 0xfffffffe, operation);
  const group = opts.group === undefined ? -1 : int(opts.group, 'group', 0, 0xfffffffe, operation);
  const sndbuf = opts.sndbuf === undefined ? 0 : int(opts.sndbuf, 'sndbuf', 1, 0x7fffffff, operation);
  const batchPackets = opts.batchSize === undefined ? 64 : int(opts.batchSize, 'batchSize', 1, 4096, operation);
  const slabSize = opts.slabSize === undefined ? 1 << 20 : int(opts.slabSize, 'slabSize', 256 * 1024, 64 * 1024 * 1024, operation);
  const highWaterMark = opts.highWaterMark === undefined ? 4 << 20 : int(opts.highWaterMark, 'highWaterMark', 0, Number.MAX_SAFE_INTEGER, operation);
  if (opts.signal !== undefined && !(opts.signal instanceof AbortSignal)) throw new TypeError(`${operation}: signal: must be an AbortSignal`);
  let flags = mode === 'tun' ? constant('IFF_TUN') : constant('IFF_TAP');
  if (!packetInfo) flags |= constant('IFF_NO_PI');
  if (vnetHdr) flags |= constant('IFF_VNET_HDR');
  if (multiQueue) flags |= constant('IFF_MULTI_QUEUE');
  if (exclusive) flags |= constant('IFF_TUN_EXCL');
  return {
    request: {
      name,
      flags,
      queues,
      persist: persist === undefined ? -1 : persist ? 1 : 0,
      owner,
      group,
      carrier: carrier === undefined ? -1 : carrier ? 1 : 0,
      offloads,
      vnetHdrSize: vnetHdr ? vnetLen : 0,
      sndbuf,
      batchPackets,
      slabSize,
    },
    mode,
    piLen: packetInfo ? 4 : 0,
    vnetLen,
    highWaterMark,
  };
}

/** What the kernel's tun driver supports (TUNGETFEATURES), by flag. */
export interface TunFeatures {
  /** IFF_TUN. */
  tun: boolean;
  /** IFF_TAP. */
  tap: boolean;
  /** IFF_NO_PI: packets without the packet-info header. */
  noPi: boolean;
  /** IFF_VNET_HDR: the virtio header (needed for offloads). */
  vnetHdr: boolean;
  /** IFF_MULTI_QUEUE. */
  multiQueue: boolean;
  /** IFF_NAPI. */
  napi: boolean;
  /** IFF_NAPI_FRAGS. */
  napiFrags: boolean;
  /** IFF_NO_CARRIER: a device can start with its carrier off. */
  noCarrier: boolean;
  /** The raw flags. */
  flags: number;
}

/** Decode TUNGETFEATURES flags. */
export function decodeFeatures(flags: number): TunFeatures {
  const has = (name: string): boolean => (flags & constant(name)) !== 0;
  return {
    tun: has('IFF_TUN'),
    tap: has('IFF_TAP'),
    noPi: has('IFF_NO_PI'),
    vnetHdr: has('IFF_VNET_HDR'),
    multiQueue: has('IFF_MULTI_QUEUE'),
    napi: has('IFF_NAPI'),
    napiFrags: has('IFF_NAPI_FRAGS'),
    noCarrier: has('IFF_NO_CARRIER'),
    flags,
  };
}
