/**
 * netloom: build Linux virtual networks from Node.js over rtnetlink.
 * @packageDocumentation
 */
export { open, Netlink, type OpenOptions } from './rtnl/handle.js';
export { netns, NetNs, NETNS_RUN_DIR, type NetnsRef, type NetnsDirOptions, type PingOptions, type PingResult, type NetnsSysctl } from './netns/netns.js';
export type { NetnsExecOptions, NetnsExecResult, NetnsSpawnOptions } from './netns/exec.js';
export { NetnsExecError, type NetnsExecStep } from './netns/exec-errors.js';
export { NETNS_ETC_DIR, type NetnsMountOptions } from './netns/exec-setup.js';
export { NetlinkError, AbortError } from './netlink/errors.js';
export { RtnlSocket, type OperationOptions, type DumpOptions } from './netlink/socket.js';
export * from './rtnl/link/api.js';
export { AddrApi } from './rtnl/addr/api.js';
export type { Address, AddrAddOptions, AddrFilter, AddrFlagOptions, AddrScope } from './rtnl/addr/types.js';
export { parseCidr } from './rtnl/values/cidr.js';
export { NeighApi } from './rtnl/neigh/api.js';
export { decodeNeighbour } from './rtnl/neigh/decode.js';
export type { Neighbour, NeighEntry, NeighDelEntry, NeighFilter, NeighState } from './rtnl/neigh/types.js';
export { checkMac } from './rtnl/values/mac.js';
export { FdbApi } from './rtnl/fdb/api.js';
export { decodeFdbEntry } from './rtnl/fdb/decode.js';
export type { FdbEntry, FdbRecord, FdbFilter, FdbEntryState } from './rtnl/fdb/types.js';
export { RuleApi } from './rtnl/rule/api.js';
export { decodeRule } from './rtnl/rule/decode.js';
export type { Rule, RuleSpec, RuleFilter, RuleAction, PortRange, UidRange } from './rtnl/rule/types.js';
export { TcApi, QdiscApi, ClassApi, FilterApi } from './rtnl/tc/api.js';
export { decodeQdisc, decodeClass, decodeFilter } from './rtnl/tc/decode.js';
export type {
  QdiscSpec, TbfQdisc, HtbQdisc, FifoQdisc, HookQdisc, QdiscDel, Qdisc, ClassSpec, ClassDel, TcClass,
  FilterSpec, FilterDel, Filter, U32Match, MirredAction, TcStats, TcHandle, Rate, Size, Time,
} from './rtnl/tc/types.js';
export type { RouteTable } from './rtnl/values/tables.js';
export { NsidApi, decodeNsid, type NsidEntry, type NsidPeer } from './rtnl/nsid/api.js';
export { NexthopApi } from './rtnl/nexthop/api.js';
export { decodeNexthop } from './rtnl/nexthop/decode.js';
export type { NexthopObject, NexthopObjectSpec, NexthopFilter, NexthopGroupMember, NexthopGroupEntry, NexthopGroupType, NexthopProtocol, ResilientOptions } from './rtnl/nexthop/types.js';
export { RouteApi } from './rtnl/route/api.js';
export { decodeRoute } from './rtnl/route/decode.js';
export type { Route, RouteSpec, RouteFilter, RouteGetOptions, Nexthop, NexthopSpec, RouteScope, RouteType, RouteProtocol } from './rtnl/route/types.js';
export type { RawMessage, RawReply, RawAttrs, RawValue, RawUnknownAttr, RawHeaderNest } from './netlink/native.js';
export { monitor, Monitor, type MonitorOptions } from './monitor/monitor.js';
export type { MonitorGroup } from './monitor/groups.js';
export type { MonitorEvent, MonitorAction, LinkEvent, AddrEvent, RouteEvent, NeighEvent, RuleEvent, NsidEvent, OverrunEvent, ResyncedEvent } from './monitor/events.js';
export * from './topology/index.js';
export * from './tun/index.js';
export { openNft, Nft, type NftOpenOptions, type NftTableApi, type NftChainApi, type NftRuleApi } from './nft/api.js';
export type { NftSetApi, NftSetElementsApi } from './nft/set-api.js';
export type { NftSetKeyType, NftSetDataType, NftSetValue, NftSetKey, NftSetVerdict, NftSetElement, NftSetFlags, NftSetSpec, NftSetRef, NftSetElementsRef, NftSet, NftSetFilter } from './nft/set-types.js';
export { NftTransaction, type NftCommitOptions, type NftCommitResult } from './nft/transaction.js';
export { NftBatchError } from './nft/errors.js';
export type { NftRuleset, NftTableDecl, NftChainDecl } from './nft/ruleset.js';
export type { NftApplyOptions, NftApplyResult } from './nft/ruleset-apply.js';
export { masquerade, publishPort, snat, dnat, allow, deny, type MasqueradeOptions, type PublishPortOptions, type OneToOneOptions, type FilterOptions } from './nft/recipes.js';
export { NfnlSocket, type BatchOptions } from './netlink/nfnl-socket.js';
export type { NftFamily, NftHook, NftChainType, NftPriority, NftPriorityName, NftPolicy, NftTableSpec, NftTableRef, NftTable, NftChainSpec, NftChainRef, NftChain, NftListFilter, NftBatchFailure } from './nft/types.js';
export type {
  NftCmp, NftL4Proto, NftPorts, NftCtState, NftMatch, NftSetMatch, NftSetKeyField, NftVmap, NftRateUnit, NftLimit, NftLogLevel, NftLog, NftNatFlags, NftNatTarget, NftNat, NftReject, NftVerdict, NftCounter,
  NftRuleBody, NftRuleSpec, NftRuleFilter, NftRuleRef, NftRule, NftRegister, NftPayloadBase, NftMetaKey, NftCtKey, NftCmpOp, NftExpr,
} from './nft/rule-types.js';
export { openConntrack, Conntrack, type ConntrackOpenOptions } from './conntrack/api.js';
export { openWireguard, Wireguard, WireguardApi, type WireguardOpenOptions } from './wireguard/api.js';
export { generatePrivateKey, publicKeyOf, generatePresharedKey } from './wireguard/keys.js';
export type { WireguardKey, WireguardDeviceRef, WireguardEndpoint, WireguardPeerConfig, WireguardConfig, WireguardPeer, WireguardDevice } from './wireguard/types.js';
export { GenlSocket } from './netlink/genl-socket.js';
export { GenlFamilyError, type GenlFamily } from './netlink/genl-family.js';
export type { GenlMessage } from './netlink/genl-native.js';
export type { CtFamily, CtProto, CtStatus, CtTcpState, CtTuple, CtCounters, CtEntry, CtTupleFilter, CtFilter, CtFlowRef } from './conntrack/types.js';
