/**
 * The rate arithmetic tc does before it sends a tbf or htb request: psched
 * ticks, transmission times and the 256-entry rate tables (RTAB/PTAB/CTAB),
 * computed the way iproute2's tc_core.c does, so netloom sends the same
 * bytes as `tc` (the kernel no longer looks the tables up since Linux 3.8,
 * but it still requires them).
 * @module
 */
import { readFileSync } from 'node:fs';
import { constant } from '../../netlink/native.js';

/** The psched clock as /proc/net/psched states it (tc_core_init, get_hz). */
interface Psched {
  /** Ticks per microsecond (15.625 on kernels since 2.6.x: 64 ns ticks). */
  tickInUsec: number;
  /** What tc calls HZ: the clock's resolution in Hz (1e9 on high-resolution kernels). */
  hz: number;
}

let psched: Psched | undefined;

/** Read once; without /proc/net/psched, the values every kernel since 2.6.31 reports. */
export function pschedClock(): Psched {
  if (psched) return psched;
  let fields = [0x3e8, 0x40, 0xf4240, 0x3b9aca00];
  try {
    const f = readFileSync('/proc/net/psched', 'latin1').trim().split(/\s+/).map((x) => parseInt(x, 16));
    if (f.length >= 4 && f.every((x) => Number.isFinite(x) && x > 0)) fields = f;
  } catch {
    // keep the defaults
  }
  const [t2us = 0x3e8, us2t = 0x40, clockRes = 0xf4240, fourth = 0x3b9aca00] = fields;
  // tc_core_init reads the third field as the clock resolution; __get_hz
  // takes the fourth when the third is 1000000.
  const clockFactor = clockRes / 1e6;
  const clock = { tickInUsec: (t2us / us2t) * clockFactor, hz: clockRes === 1e6 ? fourth : 100 };
  psched = clock;
  return clock;
}

/**
 * tc_calc_xmittime: the time to send `size` bytes at `rate` bytes/s, in
 * psched ticks. Same operations in the same order as the C (truncations at
 * the same two places), so the result is bit for bit tc's.
 */
export function xmittime(rate: number, size: number): number {
  const us = Math.trunc(1e6 * (size / rate));
  return Math.min(0xffffffff, Math.trunc(us * pschedClock().tickInUsec));
}

/** The reverse, for decoding: bytes sent in `ticks` at `rate` bytes/s (rounded). */
export function xmitsize(rate: number, ticks: number): number {
  return Math.round((rate * ticks) / (pschedClock().tickInUsec * 1e6));
}

/** The cell_log tc picks for an mtu (0 means tc's 2047): the smallest with mtu >> cell_log <= 255. */
export function cellLog(mtu: number): number {
  const m = mtu === 0 ? 2047 : mtu;
  let log = 0;
  while (m >>> log > 255) log++;
  return log;
}

/** A struct tc_ratespec's fields (tc_calc_rtable fills cell_log, cell_align, linklayer). */
export interface RateSpec {
  cellLog: number;
  linklayer: number;
  overhead: number;
  cellAlign: number;
  mpu: number;
  rate: number;
}

/**
 * tc_calc_rtable on Ethernet: the ratespec for `rate64` bytes/s (its 32-bit
 * field saturates, the attribute RATE64 carries the rest) and the 1024-byte
 * table of transmission times of (i + 1) << cell_log bytes. The table is
 * computed from the 32-bit field, as tc computes it.
 */
export function rateTable(rate64: number, mtu: number, mpu = 0): { spec: RateSpec; table: Buffer } {
  const rate = rate64 >= 2 ** 32 ? 0xffffffff : rate64;
  const log = cellLog(mtu);
  const table = Buffer.alloc(1024);
  for (let i = 0; i < 256; i++) table.writeUInt32LE(xmittime(rate, Math.max((i + 1) << log, mpu)), i * 4);
  return { spec: { cellLog: log, linklayer: constant('TC_LINKLAYER_ETHERNET'), overhead: 0, cellAlign: -1, mpu, rate }, table };
}

/** The ratespec's fields under a struct member's prefix ('rate' → rateRate, rateCellLog, ...). */
export function prefixed(prefix: string, spec: RateSpec): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(spec)) out[prefix + k.charAt(0).toUpperCase() + k.slice(1)] = v;
  return out;
}
