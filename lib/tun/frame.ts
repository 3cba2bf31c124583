/**
 * The size limits of a frame written to a tun/tap device.
 * @module
 */
import { constant } from '../netlink/native.js';
import type { RecordFormat } from './batch.js';

/** The largest frame a tun/tap device carries (an IPv6 packet of 64 KiB in a frame with two VLAN tags). */
export const TUN_MAX_FRAME: number = constant('NETLOOM_TUN_MAX_FRAME');

/** `p` if it is a frame a device of format `fmt` takes; a TypeError/RangeError naming `field` otherwise. */
export function checkFrame(fmt: RecordFormat, p: unknown, operation: string, field: string): Uint8Array {
  if (!(p instanceof Uint8Array)) throw new TypeError(`${operation}: ${field}: must be a Buffer or Uint8Array`);
  const min = fmt.piLen + (fmt.mode === 'tap' ? 14 : 1);
  const max = fmt.piLen + TUN_MAX_FRAME;
  if (p.length < min) throw new RangeError(`${operation}: ${field}: ${p.length} bytes is shorter than the smallest ${fmt.mode === 'tap' ? 'Ethernet frame' : 'packet'} (${min})`);
  if (p.length > max) throw new RangeError(`${operation}: ${field}: ${p.length} bytes is more than a ${fmt.mode} device carries (${max})`);
  return p;
}
