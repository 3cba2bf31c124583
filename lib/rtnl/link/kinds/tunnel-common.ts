/**
 * What the IP tunnel kinds share (ipip, sit, ip6tnl, gre, gretap, erspan,
 * ip6gre, ip6gretap, vti, vti6): the endpoint options, their checks, and
 * the attributes the gre and iptun attribute sets spell alike (local,
 * remote, link, ttl, tos, pmtudisc, encapLimit, flowinfo, flags, fwmark,
 * encap*, collectMetadata).
 *
 * On `add`, netloom sends the defaults `ip link add` sends (pmtudisc on,
 * ttl 0 over IPv4, hop limit 64 and encapsulation limit 4 over IPv6, zero
 * keys and marks), so a tunnel made by netloom is the one ip would make.
 * `set` changes no tunnel option: the kernel resets every field a change
 * request leaves out (ip fetches the whole tunnel first); delete and add
 * the tunnel again instead.
 * @module
 */
import type { RawAttrs } from '../../../netlink/native.js';
import type { ConstantLookup, EncodeEnv, LinkRef, ValidateContext } from './kind.js';
import { checkBool, checkInt, checkIp, checkKnownKeys, checkLinkRef, checkObject, checkOneOf, checkU32, join, rangeError, show, typeError } from './check.js';
import { dBool, dEnum, dNum, dStr, kOf, tryK, u8, wordsOf } from './attr-values.js';

/** The encapsulation of the tunnel's packets in UDP (`encap fou|gue|mpls|none`). */
export type TunnelEncapType = 'none' | 'fou' | 'gue' | 'mpls';

/** Foo-over-UDP / GUE encapsulation (`encap TYPE encap-sport PORT|auto encap-dport PORT [no]encap-csum ...`). */
export interface TunnelEncap {
  /** `encap fou|gue|mpls|none`. */
  type: TunnelEncapType;
  /** UDP source port 1..65535, or 'auto' to pick one per flow (`encap-sport`). Default auto. */
  sport?: number | 'auto';
  /** UDP destination port 1..65535 (`encap-dport`). */
  dport?: number;
  /** UDP checksums over IPv4 (`encap-csum` / `noencap-csum`). Default off. */
  csum?: boolean;
  /** UDP checksums over IPv6 (`encap-udp6-csum` / `noencap-udp6-csum`); IPv6 tunnels only. Default on. */
  udp6Csum?: boolean;
  /** Remote checksum offload (`encap-remcsum` / `noencap-remcsum`). Default off. */
  remcsum?: boolean;
}

/** The endpoint options of every IP tunnel kind. */
export interface TunnelEndpoints {
  /** Source address of the outer packets (`local ADDR`). */
  local?: string;
  /** The far end (`remote ADDR`). Absent: any (`remote any`), a tunnel that takes packets from every peer. */
  remote?: string;
  /** The underlay link the tunnel is bound to (`dev DEV`; IFLA_*_LINK). */
  dev?: LinkRef;
  /** Firewall mark of the outer packets, 0..4294967295 (`fwmark MARK`). Default 0. */
  fwmark?: number;
}

/** Options of the tunnels over IPv4 (ipip, sit, gre, gretap, erspan). */
export interface Tunnel4Options extends TunnelEndpoints {
  /** Outer TTL 1..255, or 0 to copy the inner packet's (`ttl N|inherit`). Default 0. */
  ttl?: number;
  /** Outer TOS 0..255, or 'inherit' (`tos N|inherit`). Default 0. */
  tos?: number | 'inherit';
  /** Path MTU discovery: DF set on the outer packets (`pmtudisc` / `nopmtudisc`). Default on. */
  pmtudisc?: boolean;
  /** UDP encapsulation (FOU/GUE). */
  encap?: TunnelEncap;
  /** Flow-based (metadata) mode for tc/BPF/OVS (`external`): the kernel takes the endpoints from each packet; no other tunnel option goes with it. */
  external?: boolean;
}

/** Options of the tunnels over IPv6 (ip6tnl, ip6gre, ip6gretap). */
export interface Tunnel6Options extends TunnelEndpoints {
  /** Hop limit of the outer packets, 0..255 (`hoplimit N`, also `ttl N`). Default 64. */
  ttl?: number;
  /** Tunnel encapsulation limit 0..255, or 'none' to send no such option (`encaplimit N|none`). Default 4. */
  encapLimit?: number | 'none';
  /** Outer flow label 0..1048575, or 'inherit' (`flowlabel N|inherit`). Default 0. */
  flowLabel?: number | 'inherit';
  /** UDP encapsulation (FOU/GUE). */
  encap?: TunnelEncap;
  /** Flow-based (metadata) mode (`external`); no other tunnel option goes with it. */
  external?: boolean;
}

/** What `get`/`list` report about a tunnel's endpoints: `dev` as an ifindex. */
export interface TunnelInfo {
  local?: string;
  remote?: string;
  /** The underlay link's ifindex. */
  dev?: number;
  fwmark?: number;
  ttl?: number;
  external?: boolean;
  /** IPv4 tunnels. */
  tos?: number | 'inherit';
  /** IPv4 tunnels. */
  pmtudisc?: boolean;
  /** IPv6 tunnels. */
  encapLimit?: number | 'none';
  /** IPv6 tunnels. */
  flowLabel?: number | 'inherit';
  /** When the tunnel is encapsulated in UDP (the type a number if unknown to netloom). */
  encap?: Omit<TunnelEncap, 'type'> & { type: TunnelEncapType | number };
}

/** How one tunnel kind uses the shared options. */
export interface TunnelShape {
  /** The kind ('gre'), for messages. */
  readonly kind: string;
  /** The outer address family. */
  readonly family: 4 | 6;
  /** The same kind over the other family, for messages ('ip6gre' for gre). */
  readonly twin: string;
  /** vti/vti6: endpoints, marks and keys only (no ttl, tos, encap, external). */
  readonly vti?: boolean;
  /** The iptun sets (ipip, sit, ip6tnl) send IFLA_IPTUN_LINK 0 when no dev is given, as ip does. */
  readonly alwaysLink?: boolean;
}

const ENCAP_TYPES: ReadonlyArray<readonly [TunnelEncapType, string]> = [
  ['none', 'TUNNEL_ENCAP_NONE'],
  ['fou', 'TUNNEL_ENCAP_FOU'],
  ['gue', 'TUNNEL_ENCAP_GUE'],
  ['mpls', 'TUNNEL_ENCAP_MPLS'],
];
const ENCAP_KEYS = new Set(['type', 'sport', 'dport', 'csum', 'udp6Csum', 'remcsum']);

/** iproute2's defaults for IPv6 tunnels (ip/link_ip6tnl.c, link_gre6.c): hop limit and encapsulation limit. */
const V6_DEFAULT_HOP_LIMIT = 64;
const V6_DEFAULT_ENCAP_LIMIT = 4;
/** IP6_FLOWINFO_FLOWLABEL: the flow label bits of flowinfo. */
const FLOWLABEL_MASK = 0xfffff;

/** The shared option names of a tunnel shape. */
export function tunnelOptions(t: TunnelShape): string[] {
  const base = ['local', 'remote', 'dev', 'fwmark'];
  if (t.vti) return base;
  return [...base, 'ttl', 'external', 'encap', ...(t.family === 4 ? ['tos', 'pmtudisc'] : ['encapLimit', 'flowLabel'])];
}

function checkAddr(ctx: ValidateContext, path: string, v: unknown, t: TunnelShape): void {
  const ip = checkIp(ctx, path, v);
  if (ip.family !== t.family) {
    rangeError(ctx, path, `must be an IPv${t.family} address (${t.kind} runs over IPv${t.family}; ${t.twin} runs over IPv${ip.family}), got ${show(v)}`);
  }
}

function checkEncap(ctx: ValidateContext, path: string, v: unknown, t: TunnelShape): void {
  const e = checkObject(ctx, path, v);
  checkKnownKeys(ctx, path, e, ENCAP_KEYS);
  if (e.type === undefined) typeError(ctx, join(path, 'type'), `is required (${wordsOf(ENCAP_TYPES).map((w) => `'${w}'`).join(', ')})`);
  checkOneOf(ctx, join(path, 'type'), e.type, wordsOf(ENCAP_TYPES));
  if (e.sport !== undefined && e.sport !== 'auto') {
    if (typeof e.sport !== 'number') typeError(ctx, join(path, 'sport'), `must be a port 1..65535 or 'auto', got ${show(e.sport)}`);
    checkInt(ctx, join(path, 'sport'), e.sport, 1, 65535);
  }
  if (e.dport !== undefined) checkInt(ctx, join(path, 'dport'), e.dport, 1, 65535);
  for (const key of ['csum', 'udp6Csum', 'remcsum']) if (e[key] !== undefined) checkBool(ctx, join(path, key), e[key]);
  if (e.udp6Csum !== undefined && t.family === 4) typeError(ctx, join(path, 'udp6Csum'), `applies to tunnels over IPv6 only (${t.kind} runs over IPv4)`);
}

/** Check the shared tunnel options of `spec` (unknown names were rejected already). */
export function validateTunnel(spec: Readonly<Record<string, unknown>>, ctx: ValidateContext, path: string, t: TunnelShape): void {
  const at = (key: string): string => join(path, key);
  if (spec.external !== undefined) checkBool(ctx, at('external'), spec.external);
  if (spec.external === true) {
    for (const key of tunnelOptions(t)) {
      if (key !== 'external' && spec[key] !== undefined) {
        typeError(ctx, at(key), 'cannot be combined with external (a flow-based tunnel takes its endpoints from each packet)');
      }
    }
  }
  if (spec.local !== undefined) checkAddr(ctx, at('local'), spec.local, t);
  if (spec.remote !== undefined) checkAddr(ctx, at('remote'), spec.remote, t);
  if (spec.dev !== undefined) checkLinkRef(ctx, at('dev'), spec.dev);
  if (spec.fwmark !== undefined) checkU32(ctx, at('fwmark'), spec.fwmark);
  if (spec.ttl !== undefined) checkInt(ctx, at('ttl'), spec.ttl, 0, 255);
  if (spec.tos !== undefined && spec.tos !== 'inherit') {
    if (typeof spec.tos !== 'number') typeError(ctx, at('tos'), `must be an integer 0..255 or 'inherit', got ${show(spec.tos)}`);
    checkInt(ctx, at('tos'), spec.tos, 0, 255);
  }
  if (spec.pmtudisc !== undefined) checkBool(ctx, at('pmtudisc'), spec.pmtudisc);
  if (spec.encapLimit !== undefined && spec.encapLimit !== 'none') {
    if (typeof spec.encapLimit !== 'number') typeError(ctx, at('encapLimit'), `must be an integer 0..255 or 'none', got ${show(spec.encapLimit)}`);
    checkInt(ctx, at('encapLimit'), spec.encapLimit, 0, 255);
  }
  if (spec.flowLabel !== undefined && spec.flowLabel !== 'inherit') {
    if (typeof spec.flowLabel !== 'number') typeError(ctx, at('flowLabel'), `must be an integer 0..1048575 or 'inherit', got ${show(spec.flowLabel)}`);
    checkInt(ctx, at('flowLabel'), spec.flowLabel, 0, FLOWLABEL_MASK);
  }
  if (spec.encap !== undefined) checkEncap(ctx, at('encap'), spec.encap, t);
}

function devIndex(spec: Readonly<Record<string, unknown>>, env: EncodeEnv): number | undefined {
  if (spec.dev === undefined) return undefined;
  const ifindex = env.resolved.dev ?? (typeof spec.dev === 'number' ? spec.dev : undefined);
  if (ifindex === undefined) throw new Error('netloom: tunnel dev was not resolved to an ifindex');
  return ifindex;
}

/**
 * The shared attributes of validated tunnel options, with ip's defaults on
 * `add`. An external tunnel is IFLA_*_COLLECT_METADATA alone, as ip sends it.
 */
export function encodeTunnel(spec: Readonly<Record<string, unknown>>, env: EncodeEnv, t: TunnelShape): RawAttrs {
  const { k } = env;
  if (spec.external === true) return { collectMetadata: true };
  const out: RawAttrs = {};
  if (typeof spec.local === 'string') out.local = spec.local;
  if (typeof spec.remote === 'string') out.remote = spec.remote;
  const dev = devIndex(spec, env);
  if (dev !== undefined) out.link = dev;
  else if (t.alwaysLink) out.link = 0;
  out.fwmark = (spec.fwmark as number | undefined) ?? 0;
  if (t.vti) return out;
  if (t.family === 4) {
    out.ttl = (spec.ttl as number | undefined) ?? 0;
    out.tos = spec.tos === 'inherit' ? 1 : ((spec.tos as number | undefined) ?? 0);
    out.pmtudisc = u8(spec.pmtudisc !== false);
  } else {
    out.ttl = (spec.ttl as number | undefined) ?? V6_DEFAULT_HOP_LIMIT;
    let flags = 0;
    out.encapLimit = typeof spec.encapLimit === 'number' ? spec.encapLimit : V6_DEFAULT_ENCAP_LIMIT;
    if (spec.encapLimit === 'none') flags |= k('IP6_TNL_F_IGN_ENCAP_LIMIT');
    out.flowinfo = typeof spec.flowLabel === 'number' ? spec.flowLabel : 0;
    if (spec.flowLabel === 'inherit') flags |= k('IP6_TNL_F_USE_ORIG_FLOWLABEL');
    out.flags = flags;
  }
  const e = (spec.encap as TunnelEncap | undefined) ?? { type: 'none' };
  let eflags = 0;
  if (e.csum === true) eflags |= k('TUNNEL_ENCAP_FLAG_CSUM');
  if (t.family === 6 && e.udp6Csum !== false) eflags |= k('TUNNEL_ENCAP_FLAG_CSUM6');
  if (e.remcsum === true) eflags |= k('TUNNEL_ENCAP_FLAG_REMCSUM');
  out.encapType = kOf(k, ENCAP_TYPES, e.type);
  out.encapFlags = eflags;
  out.encapSport = typeof e.sport === 'number' ? e.sport : 0;
  out.encapDport = e.dport ?? 0;
  return out;
}

function has(bits: number, k: ConstantLookup, name: string): boolean {
  const bit = tryK(k, name);
  return bit !== undefined && (bits & bit) !== 0;
}

/** The shared fields of a tunnel's IFLA_INFO_DATA. */
export function decodeTunnel(data: RawAttrs, k: ConstantLookup, t: TunnelShape): TunnelInfo {
  const out: TunnelInfo = {};
  const local = dStr(data.local);
  if (local !== undefined && local !== '0.0.0.0' && local !== '::') out.local = local;
  const remote = dStr(data.remote);
  if (remote !== undefined && remote !== '0.0.0.0' && remote !== '::') out.remote = remote;
  const dev = dNum(data.link);
  if (dev !== undefined && dev !== 0) out.dev = dev;
  const fwmark = dNum(data.fwmark);
  if (fwmark !== undefined) out.fwmark = fwmark;
  if (data.collectMetadata !== undefined && data.collectMetadata !== false) out.external = true;
  if (t.vti) return out;
  const ttl = dNum(data.ttl);
  if (ttl !== undefined) out.ttl = ttl;
  if (t.family === 4) {
    const tos = dNum(data.tos);
    if (tos !== undefined) out.tos = tos === 1 ? 'inherit' : tos;
    const pmtudisc = dBool(data.pmtudisc);
    if (pmtudisc !== undefined) out.pmtudisc = pmtudisc;
  } else {
    const flags = dNum(data.flags) ?? 0;
    const limit = dNum(data.encapLimit);
    if (has(flags, k, 'IP6_TNL_F_IGN_ENCAP_LIMIT')) out.encapLimit = 'none';
    else if (limit !== undefined) out.encapLimit = limit;
    const flowinfo = dNum(data.flowinfo);
    if (has(flags, k, 'IP6_TNL_F_USE_ORIG_FLOWLABEL')) out.flowLabel = 'inherit';
    else if (flowinfo !== undefined) out.flowLabel = flowinfo & FLOWLABEL_MASK;
  }
  const type = dEnum(k, ENCAP_TYPES, data.encapType);
  if (type !== undefined && type !== 'none') {
    const eflags = dNum(data.encapFlags) ?? 0;
    const sport = dNum(data.encapSport);
    const encap: NonNullable<TunnelInfo['encap']> = { type, sport: sport === undefined || sport === 0 ? 'auto' : sport };
    const dport = dNum(data.encapDport);
    if (dport !== undefined) encap.dport = dport;
    encap.csum = has(eflags, k, 'TUNNEL_ENCAP_FLAG_CSUM');
    if (t.family === 6) encap.udp6Csum = has(eflags, k, 'TUNNEL_ENCAP_FLAG_CSUM6');
    encap.remcsum = has(eflags, k, 'TUNNEL_ENCAP_FLAG_REMCSUM');
    out.encap = encap;
  }
  return out;
}
