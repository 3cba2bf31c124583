/**
 * TUN/TAP devices and their packet I/O.
 * @module
 */
export { Tun, type TunDeleteOptions } from './device.js';
export { TunQueue, type TunQueueStats, type TunReadOptions, type TunPacketsOptions, type TunPipeOptions } from './queue.js';
export { TUN_MAX_FRAME } from './frame.js';
export { PacketBatch, type PacketInfo, type RecordFormat } from './batch.js';
export { parseVnetHeader, encodeVnetHeader, VNET_HDR_SIZE, type VnetHeader, type VnetHeaderInit, type GsoType } from './vnet.js';
export { segmentPacket } from './segment.js';
export type { TunMode, TunOffload, TunOpenOptions, TunFeatures } from './options.js';
