/**
 * Segmentation of one super-packet, for programs that build or receive
 * packets with virtio headers outside a batch.
 * @module
 */
import { native } from '../netlink/native.js';
import { PacketBatch } from './batch.js';
import type { TunMode } from './options.js';
import { encodeVnetHeader, VNET_HDR_SIZE, type VnetHeaderInit } from './vnet.js';

/**
 * Split one GSO super-packet (or finish one packet's partial checksum) the
 * way the kernel would, natively: `frame` is the IP packet (tun) or Ethernet
 * frame (tap) without its virtio header, `vnet` that header (parsed fields
 * or its 10 bytes). Returns the real packets as a batch of their own.
 * Throws a NetlinkError (EINVAL) saying why a packet cannot be split.
 */
export function segmentPacket(frame: Uint8Array, vnet: VnetHeaderInit | Uint8Array, opts: { mode?: TunMode } = {}): PacketBatch {
  if (!(frame instanceof Uint8Array)) throw new TypeError('segmentPacket: frame: must be a Buffer or Uint8Array');
  const mode = opts.mode ?? 'tun';
  if (mode !== 'tun' && mode !== 'tap') throw new TypeError(`segmentPacket: mode: must be 'tun' or 'tap', got '${String(mode)}'`);
  const hdr = vnet instanceof Uint8Array ? vnet.subarray(0, VNET_HDR_SIZE) : encodeVnetHeader(vnet);
  if (hdr.length < VNET_HDR_SIZE) throw new RangeError(`segmentPacket: vnet: a virtio header has ${VNET_HDR_SIZE} bytes`);
  const record = Buffer.concat([hdr, frame]);
  const offsets = new Uint32Array([0, record.length]);
  const source = new PacketBatch(Buffer.concat([Buffer.from(offsets.buffer), record]), 1, 8, { mode, piLen: 0, vnetLen: VNET_HDR_SIZE });
  return source.segment();
}
