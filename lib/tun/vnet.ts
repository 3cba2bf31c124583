/**
 * The virtio_net_hdr a tun/tap device with `vnetHdr` puts before each
 * packet: how the kernel describes a GSO super-packet (up to 64 KiB of TCP
 * or UDP payload in one read) and a checksum it left for someone else.
 * netloom makes the kernel write it little-endian on every host.
 * @module
 */
import { constant } from '../netlink/native.js';

/** The segmentation the kernel asks for; a number for a type this version does not name. */
export type GsoType = 'none' | 'tcpv4' | 'tcpv6' | 'udp' | 'udpL4' | (number & {});

/** A parsed virtio_net_hdr. */
export interface VnetHeader {
  /** The raw flags byte (VIRTIO_NET_HDR_F_*). */
  flags: number;
  /** F_NEEDS_CSUM: the transport checksum is partial; `csumStart`/`csumOffset` say where to finish it. */
  needsCsum: boolean;
  /** F_DATA_VALID: the checksum was already verified. */
  dataValid: boolean;
  /**
   * What kind of super-packet this is: `none` (an ordinary packet),
   * `tcpv4`/`tcpv6` (TSO), `udpL4` (USO), `udp` (legacy UFO).
   */
  gsoType: GsoType;
  /** The ECN bit of the GSO type (TSO with CWR: only the first segment keeps it). */
  ecn: boolean;
  /** A hint from the kernel: its linear header length (not always the real headers' length). */
  hdrLen: number;
  /** Payload bytes per segment (the MSS for TCP). */
  gsoSize: number;
  /** Where the checksummed part starts (from the start of the frame). */
  csumStart: number;
  /** Where, from `csumStart`, the checksum field is. */
  csumOffset: number;
}

const HDR_SIZE = constant('NETLOOM_SIZEOF_VIRTIO_NET_HDR');
const F_NEEDS_CSUM = constant('VIRTIO_NET_HDR_F_NEEDS_CSUM');
const F_DATA_VALID = constant('VIRTIO_NET_HDR_F_DATA_VALID');
const GSO_ECN = constant('VIRTIO_NET_HDR_GSO_ECN');
const GSO_NAMES = new Map<number, GsoType>([
  [constant('VIRTIO_NET_HDR_GSO_NONE'), 'none'],
  [constant('VIRTIO_NET_HDR_GSO_TCPV4'), 'tcpv4'],
  [constant('VIRTIO_NET_HDR_GSO_TCPV6'), 'tcpv6'],
  [constant('VIRTIO_NET_HDR_GSO_UDP'), 'udp'],
  [constant('VIRTIO_NET_HDR_GSO_UDP_L4'), 'udpL4'],
]);
const GSO_VALUES = new Map<GsoType, number>([...GSO_NAMES].map(([k, v]) => [v, k]));

/** The size of the standard header (10 bytes); a device may use 12 (`vnetHdrSize`). */
export const VNET_HDR_SIZE: number = HDR_SIZE;

/** Parse the header at `offset` of `buf` (at least 10 bytes there). */
export function parseVnetHeader(buf: Uint8Array, offset = 0): VnetHeader {
  if (offset < 0 || offset + HDR_SIZE > buf.length) throw new RangeError(`parseVnetHeader: need ${HDR_SIZE} bytes at offset ${offset}`);
  const dv = new DataView(buf.buffer, buf.byteOffset + offset, HDR_SIZE);
  const flags = dv.getUint8(0);
  const type = dv.getUint8(1);
  const gso = type & ~GSO_ECN;
  return {
    flags,
    needsCsum: (flags & F_NEEDS_CSUM) !== 0,
    dataValid: (flags & F_DATA_VALID) !== 0,
    gsoType: GSO_NAMES.get(gso) ?? gso,
    ecn: (type & GSO_ECN) !== 0,
    hdrLen: dv.getUint16(2, true),
    gsoSize: dv.getUint16(4, true),
    csumStart: dv.getUint16(6, true),
    csumOffset: dv.getUint16(8, true),
  };
}

/** What {@link encodeVnetHeader} takes: any field left out is 0 / none. */
export type VnetHeaderInit = Partial<Omit<VnetHeader, 'flags'>> & { flags?: number };

/**
 * Build the 10-byte header for a packet to write with `tun.write(frame, header)`:
 * for instance a TCP super-packet the kernel should segment
 * (`{ gsoType: 'tcpv4', gsoSize: 1448, needsCsum: true, csumStart: 20, csumOffset: 16 }`).
 */
export function encodeVnetHeader(h: VnetHeaderInit): Buffer {
  const out = Buffer.alloc(HDR_SIZE);
  let flags = h.flags ?? 0;
  if (h.needsCsum) flags |= F_NEEDS_CSUM;
  if (h.dataValid) flags |= F_DATA_VALID;
  const gso = h.gsoType === undefined ? 0 : typeof h.gsoType === 'number' ? h.gsoType : GSO_VALUES.get(h.gsoType);
  if (gso === undefined || !Number.isInteger(gso) || gso < 0 || gso > 0x7f) throw new TypeError(`encodeVnetHeader: gsoType: unknown '${String(h.gsoType)}'`);
  const fields: [string, number | undefined, number][] = [
    ['flags', flags, 0xff],
    ['hdrLen', h.hdrLen, 0xffff],
    ['gsoSize', h.gsoSize, 0xffff],
    ['csumStart', h.csumStart, 0xffff],
    ['csumOffset', h.csumOffset, 0xffff],
  ];
  for (const [name, v, max] of fields) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > max)) throw new RangeError(`encodeVnetHeader: ${name}: must be an integer 0..${max}, got ${String(v)}`);
  }
  out.writeUInt8(flags, 0);
  out.writeUInt8(gso | (h.ecn ? GSO_ECN : 0), 1);
  out.writeUInt16LE(h.hdrLen ?? 0, 2);
  out.writeUInt16LE(h.gsoSize ?? 0, 4);
  out.writeUInt16LE(h.csumStart ?? 0, 6);
  out.writeUInt16LE(h.csumOffset ?? 0, 8);
  return out;
}
