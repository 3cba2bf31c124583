/**
 * Byte order of wire values the codec writes in host order but the kernel
 * reads big-endian (NDA_PORT).
 * @module
 */

/** Swap the two bytes of a u16 (host order ↔ network order on little-endian hosts, as the codec writes them). */
export const swap16 = (v: number): number => ((v & 0xff) << 8) | ((v >> 8) & 0xff);
