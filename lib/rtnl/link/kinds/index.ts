/**
 * The registry of link kinds netloom has friendly options for. Adding a kind
 * is one new file in this folder (see kind.ts for the {@link KindModule}
 * contract) and one line in {@link KINDS}; every public type below follows
 * from that line. Any other kind string still works through the raw escape
 * hatch ({@link GenericLinkAddOptions}).
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { LinkCommonAddOptions } from '../basics.js';
import type { AnyKindModule, KindModule, LinkRef } from './kind.js';
import { bondKind } from './bond.js';
import { bridgeKind } from './bridge.js';
import { dummyKind } from './dummy.js';
import { erspanKind } from './erspan.js';
import { geneveKind } from './geneve.js';
import { greKind } from './gre.js';
import { gretapKind } from './gretap.js';
import { ifbKind } from './ifb.js';
import { ip6greKind } from './ip6gre.js';
import { ip6gretapKind } from './ip6gretap.js';
import { ip6tnlKind } from './ip6tnl.js';
import { ipipKind } from './ipip.js';
import { ipvlanKind, ipvtapKind } from './ipvlan.js';
import { macvlanKind, macvtapKind } from './macvlan.js';
import { sitKind } from './sit.js';
import { vethKind } from './veth.js';
import { vlanKind } from './vlan.js';
import { vrfKind } from './vrf.js';
import { vtiKind } from './vti.js';
import { vti6Kind } from './vti6.js';
import { vxlanKind } from './vxlan.js';
import { wireguardKind } from './wireguard.js';

/** The kinds with friendly options, by IFLA_INFO_KIND. */
export const KINDS = {
  bridge: bridgeKind,
  veth: vethKind,
  macvlan: macvlanKind,
  macvtap: macvtapKind,
  vxlan: vxlanKind,
  vlan: vlanKind,
  ipvlan: ipvlanKind,
  ipvtap: ipvtapKind,
  ifb: ifbKind,
  dummy: dummyKind,
  ipip: ipipKind,
  sit: sitKind,
  ip6tnl: ip6tnlKind,
  gre: greKind,
  gretap: gretapKind,
  ip6gre: ip6greKind,
  ip6gretap: ip6gretapKind,
  erspan: erspanKind,
  vti: vtiKind,
  vti6: vti6Kind,
  geneve: geneveKind,
  bond: bondKind,
  vrf: vrfKind,
  wireguard: wireguardKind,
} as const;

/** A kind netloom has friendly options for. */
export type KnownKind = keyof typeof KINDS;

type AddOf<M> = M extends KindModule<string, infer A, object, object> ? A : never;
type SetOf<M> = M extends KindModule<string, object, infer S, object> ? S : never;
type InfoOf<M> = M extends KindModule<string, object, object, infer I> ? I : never;

/** `add` options by kind. */
export type KindAddOptionsMap = { [K in KnownKind]: AddOf<(typeof KINDS)[K]> };
/** The kind options `set` may change, by kind. */
export type KindSetOptionsMap = { [K in KnownKind]: SetOf<(typeof KINDS)[K]> };
/** Decoded kind fields, by kind. */
export type KindInfoMap = { [K in KnownKind]: InfoOf<(typeof KINDS)[K]> };

/**
 * `add` options for a kind netloom has no friendly table for (netkit,
 * ...): the common options, an optional `parent` (IFLA_LINK), and
 * the kind's IFLA_INFO_DATA passed through raw, with attribute names as the
 * native codec knows them (camelCase spec names).
 * Equivalent to: `ip link add NAME type KIND ...`.
 */
export interface GenericLinkAddOptions extends LinkCommonAddOptions {
  /** The IFLA_INFO_KIND string. */
  kind: string;
  /** The parent link (IFLA_LINK), for kinds that have one. */
  parent?: LinkRef;
  /** IFLA_INFO_DATA, raw. */
  data?: RawAttrs;
}

/**
 * The options of `nl.link.add` for kind `K`: the kind's own interface for a
 * known kind, {@link GenericLinkAddOptions} for any other.
 */
export type LinkAddOptions<K extends string = KnownKind> = K extends KnownKind ? KindAddOptionsMap[K] : GenericLinkAddOptions & { kind: K };

/** Any `add` options: the union over the known kinds plus the generic form. */
export type AnyLinkAddOptions = KindAddOptionsMap[KnownKind] | GenericLinkAddOptions;

/** The module of a known kind, or undefined for any other kind. */
export function kindModule(kind: string): AnyKindModule | undefined {
  return Object.prototype.hasOwnProperty.call(KINDS, kind) ? (KINDS[kind as KnownKind] as unknown as AnyKindModule) : undefined;
}

/** The known kinds, in registry order. */
export const KNOWN_KINDS: readonly KnownKind[] = Object.keys(KINDS) as KnownKind[];

export type { BridgeAddOptions, BridgeInfo, BridgeOptions, BridgeVlanProtocol } from './bridge.js';
export type { BridgeId, BridgePortInfo, BridgePortOptions, BridgePortState } from './bridge-port.js';
export type { VethAddOptions, VethInfo, VethPeerOptions } from './veth.js';
export type { MacvlanAddOptions, MacvtapAddOptions, MacvlanInfo, MacvlanMode, MacvlanOptions } from './macvlan.js';
export type { VxlanAddOptions, VxlanDf, VxlanInfo, VxlanOptions, VxlanSetOptions, PortRange } from './vxlan.js';
export type { VlanAddOptions, VlanFlags, VlanInfo, VlanProtocol, VlanQosMapping, VlanSetOptions } from './vlan.js';
export type { IpvlanAddOptions, IpvtapAddOptions, IpvlanFlags, IpvlanInfo, IpvlanMode, IpvlanOptions } from './ipvlan.js';
export type { IfbAddOptions } from './ifb.js';
export type { DummyAddOptions } from './dummy.js';
export type { Tunnel4Options, Tunnel6Options, TunnelEncap, TunnelEncapType, TunnelEndpoints, TunnelInfo } from './tunnel-common.js';
export type { GreKeyInfo, GreKeyOptions } from './gre-common.js';
export type { IpipAddOptions, IpipInfo, IpipMode } from './ipip.js';
export type { SitAddOptions, SitInfo, SitMode } from './sit.js';
export type { Ip6tnlAddOptions, Ip6tnlInfo, Ip6tnlMode } from './ip6tnl.js';
export type { GreAddOptions, GreInfo } from './gre.js';
export type { GretapAddOptions, GretapInfo } from './gretap.js';
export type { Ip6greAddOptions, Ip6greInfo } from './ip6gre.js';
export type { Ip6gretapAddOptions, Ip6gretapInfo } from './ip6gretap.js';
export type { ErspanAddOptions, ErspanDirection, ErspanInfo } from './erspan.js';
export type { VtiAddOptions, VtiInfo, VtiKeyOptions } from './vti.js';
export type { Vti6AddOptions } from './vti6.js';
export type { GeneveAddOptions, GeneveDf, GeneveInfo, GeneveOptions } from './geneve.js';
export type { BondAddOptions, BondAdSelect, BondInfo, BondLacpRate, BondMode, BondOptions, BondSetOptions, BondXmitHashPolicy } from './bond.js';
export type { BondPortInfo, BondPortMiiStatus, BondPortOptions, BondPortState } from './bond-port.js';
export type { VrfAddOptions, VrfInfo } from './vrf.js';
export type { AddrGenMode, LinkCommonAddOptions } from '../basics.js';
export type { LinkRef, NetnsTarget } from './kind.js';
