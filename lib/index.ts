/**
 * netloom: build Linux virtual networks from Node.js over rtnetlink.
 * @packageDocumentation
 */
export { open, Netlink, type OpenOptions } from './handle.js';
export { netns, NetNs, NETNS_RUN_DIR, type NetnsRef, type NetnsDirOptions, type PingOptions, type PingResult } from './netns.js';
export type { NetnsExecOptions, NetnsExecResult, NetnsSpawnOptions } from './exec.js';
export { NetlinkError, AbortError } from './netlink/errors.js';
export { RtnlSocket, type OperationOptions, type DumpOptions } from './netlink/socket.js';
export * from './link.js';
export { AddrApi, parseCidr, type Address, type AddrAddOptions, type AddrFilter, type AddrFlagOptions, type AddrScope } from './addr.js';
export type { RawMessage, RawReply, RawAttrs, RawValue, RawUnknownAttr, RawHeaderNest } from './native.js';
