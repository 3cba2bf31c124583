/**
 * Byte order of wire values the kernel reads big-endian but the codec
 * writes in host order (NDA_PORT).
 * @module
 */

/**
 * Swap the two bytes of a u16. NDA_PORT is big-endian on the wire; the
 * codec writes u16 in host order.
 */
export const swap16 = (v: number): number => ((v & 0xff) << 8) | ((v >> 8) & 0xff);
