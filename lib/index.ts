/**
 * netloom: build Linux virtual networks from Node.js over rtnetlink.
 * @packageDocumentation
 */
export { open, Netlink, type OpenOptions } from './rtnl/handle.js';
export { netns, NetNs, NETNS_RUN_DIR, type NetnsRef, type NetnsDirOptions, type PingOptions, type PingResult, type NetnsSysctl } from './netns/netns.js';
export type { NetnsExecOptions, NetnsExecResult, NetnsSpawnOptions } from './netns/exec.js';
export { NetlinkError, AbortError } from './netlink/errors.js';
export { RtnlSocket, type OperationOptions, type DumpOptions } from './netlink/socket.js';
export * from './rtnl/link/api.js';
export { AddrApi, parseCidr, type Address, type AddrAddOptions, type AddrFilter, type AddrFlagOptions, type AddrScope } from './rtnl/addr/api.js';
export { NeighApi, decodeNeighbour, checkMac, type Neighbour, type NeighEntry, type NeighDelEntry, type NeighFilter, type NeighState } from './rtnl/neigh/api.js';
export { FdbApi, decodeFdbEntry, type FdbEntry, type FdbRecord, type FdbFilter, type FdbEntryState } from './rtnl/fdb/api.js';
export { RuleApi, decodeRule, type Rule, type RuleSpec, type RuleFilter, type RuleAction, type RouteTable, type PortRange, type UidRange } from './rtnl/rule/api.js';
export { NsidApi, decodeNsid, type NsidEntry, type NsidPeer } from './rtnl/nsid/api.js';
export { RouteApi, decodeRoute, type Route, type RouteSpec, type RouteFilter, type RouteGetOptions, type Nexthop, type NexthopSpec, type RouteScope, type RouteType, type RouteProtocol } from './rtnl/route/api.js';
export type { RawMessage, RawReply, RawAttrs, RawValue, RawUnknownAttr, RawHeaderNest } from './netlink/native.js';
export { monitor, Monitor, type MonitorOptions } from './monitor/monitor.js';
export type { MonitorGroup } from './monitor/groups.js';
export type { MonitorEvent, MonitorAction, LinkEvent, AddrEvent, RouteEvent, NeighEvent, RuleEvent, NsidEvent, OverrunEvent, ResyncedEvent } from './monitor/events.js';
export * from './topology/index.js';
export * from './tun/index.js';
