/**
 * The rules people reach for first, as rule bodies to give `rule.add` (with
 * the family, table and chain they go in): masquerade, published ports,
 * one-to-one NAT, allow and deny. Each names the nft and iptables line it
 * stands for; each is checked like any rule when added.
 * @module
 */
import { parsePrefix } from './bytes.js';
import type { NftMatch, NftNatFlags, NftPorts, NftReject, NftRuleBody } from './rule-types.js';

/** Options of {@link masquerade}. */
export interface MasqueradeOptions extends NftNatFlags {
  /** Source prefix to masquerade (the private network), e.g. `198.18.1.0/24`. */
  from?: string;
  /** Masquerade only what leaves through this interface (the uplink). */
  outIface?: string;
  /** Masquerade what leaves through any interface but this one (the private bridge). */
  notOutIface?: string;
  /** Source ports to map to (needs `proto`). */
  ports?: NftPorts;
  /** Only this protocol (needed with `ports`). */
  proto?: 'tcp' | 'udp' | 'sctp' | 'udplite';
  /** Count what it masquerades. */
  counter?: boolean;
  comment?: string;
}

/**
 * Rewrite the source of outgoing traffic to the address of the interface it
 * leaves by. For a chain of type nat, hook postrouting.
 *
 * Equivalent to: `nft add rule ip nat postrouting oifname != "br0" ip saddr 198.18.1.0/24 masquerade`
 *
 * iptables: `iptables -t nat -A POSTROUTING -s 198.18.1.0/24 ! -o br0 -j MASQUERADE`
 */
export function masquerade(opts: MasqueradeOptions = {}): NftRuleBody {
  const match: NftMatch = {};
  if (opts.outIface !== undefined) match.oifname = opts.outIface;
  if (opts.notOutIface !== undefined) match.oifname = { not: opts.notOutIface };
  if (opts.from !== undefined) match.saddr = opts.from;
  if (opts.proto !== undefined) match.proto = opts.proto;
  const how: NftNatFlags & { ports?: NftPorts } = {};
  if (opts.ports !== undefined) how.ports = opts.ports;
  if (opts.random) how.random = true;
  if (opts.fullyRandom) how.fullyRandom = true;
  if (opts.persistent) how.persistent = true;
  return withExtras({ match, nat: { masquerade: Object.keys(how).length === 0 ? true : how } }, opts);
}

/** Options of {@link publishPort}. */
export interface PublishPortOptions {
  proto: 'tcp' | 'udp' | 'sctp' | 'udplite';
  /** The published port (or range) on this host. */
  port: NftPorts;
  /** Where to: `198.18.1.2:80`, `[2001:db8::2]:80`, or an address alone (same port). */
  to: string;
  /** Only traffic arriving on this interface. */
  inIface?: string;
  /** Only traffic not arriving on this interface (the private bridge: its own containers reach the service directly). */
  notInIface?: string;
  /** Only traffic to this address of the host (the published address). */
  daddr?: string;
  counter?: boolean;
  comment?: string;
}

/** `addr:port`, `[v6]:port` or `addr` → its parts (throws naming `to`). */
function target(to: unknown): { addr: string; port?: number } {
  if (typeof to !== 'string') throw new TypeError(`publishPort: to: must be 'address:port' or an address, got ${JSON.stringify(to)}`);
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(to);
  const v4 = /^([^:]+):(\d+)$/.exec(to);
  const [addr, port] = v6 ? [v6[1] as string, v6[2]] : v4 ? [v4[1] as string, v4[2]] : [to, undefined];
  const p = parsePrefix(addr);
  if (typeof p === 'string' || addr.includes('/')) throw new TypeError(`publishPort: to: ${JSON.stringify(to)} is not an address or address:port`);
  if (port === undefined) return { addr };
  const n = Number(port);
  if (n > 65535) throw new RangeError(`publishPort: to: port must be 0..65535, got ${n}`);
  return { addr, port: n };
}

/**
 * Forward a port of this host to a server behind it (DNAT). For a chain of
 * type nat, hook prerouting (and output, for the host's own connections).
 *
 * Equivalent to: `nft add rule ip nat prerouting iifname != "br0" tcp dport 8080 dnat to 198.18.1.2:80`
 *
 * iptables: `iptables -t nat -A PREROUTING ! -i br0 -p tcp --dport 8080 -j DNAT --to-destination 198.18.1.2:80`
 */
export function publishPort(opts: PublishPortOptions): NftRuleBody {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('publishPort: options must be an object');
  const t = target(opts.to);
  const match: NftMatch = {};
  if (opts.inIface !== undefined) match.iifname = opts.inIface;
  if (opts.notInIface !== undefined) match.iifname = { not: opts.notInIface };
  if (opts.daddr !== undefined) match.daddr = opts.daddr;
  match.proto = opts.proto;
  match.dport = opts.port;
  return withExtras({ match, nat: { dnat: t.port === undefined ? { addr: t.addr } : { addr: t.addr, port: t.port } } }, opts);
}

/** Options of {@link snat} and {@link dnat}: one private address and its public twin. */
export interface OneToOneOptions {
  /** The inside address (a host behind the router). */
  private: string;
  /** The outside address it is seen as and reached at. */
  public: string;
  /** Only through this interface (out for snat, in for dnat). */
  iface?: string;
  counter?: boolean;
  comment?: string;
}

/**
 * One-to-one source NAT: what `private` sends leaves as `public`. For a nat
 * postrouting chain; pair it with {@link dnat} for both directions.
 *
 * Equivalent to: `nft add rule ip nat postrouting ip saddr 198.18.1.2 snat to 198.18.0.10`
 *
 * iptables: `iptables -t nat -A POSTROUTING -s 198.18.1.2 -j SNAT --to-source 198.18.0.10`
 */
export function snat(opts: OneToOneOptions): NftRuleBody {
  const match: NftMatch = {};
  if (opts.iface !== undefined) match.oifname = opts.iface;
  match.saddr = opts.private;
  return withExtras({ match, nat: { snat: { addr: opts.public } } }, opts);
}

/**
 * One-to-one destination NAT: what is sent to `public` goes to `private`.
 * For a nat prerouting chain.
 *
 * Equivalent to: `nft add rule ip nat prerouting ip daddr 198.18.0.10 dnat to 198.18.1.2`
 *
 * iptables: `iptables -t nat -A PREROUTING -d 198.18.0.10 -j DNAT --to-destination 198.18.1.2`
 */
export function dnat(opts: OneToOneOptions): NftRuleBody {
  const match: NftMatch = {};
  if (opts.iface !== undefined) match.iifname = opts.iface;
  match.daddr = opts.public;
  return withExtras({ match, nat: { dnat: { addr: opts.private } } }, opts);
}

/** What {@link allow} and {@link deny} match: the fields of a rule match, all optional. */
export interface FilterOptions extends NftMatch {
  /** Count what it matches. */
  counter?: boolean;
  comment?: string;
}

/**
 * Accept what matches. For a filter chain.
 *
 * Equivalent to: `nft add rule inet filter input iifname "br0" tcp dport 22 accept`
 *
 * iptables: `iptables -A INPUT -i br0 -p tcp --dport 22 -j ACCEPT`
 */
export function allow(opts: FilterOptions = {}): NftRuleBody {
  const { counter, comment, ...match } = opts;
  return withExtras({ ...(Object.keys(match).length > 0 ? { match } : {}), verdict: 'accept' }, { counter, comment });
}

/**
 * Drop what matches, or answer it with `reject` (an ICMP error or a TCP reset).
 *
 * Equivalent to: `nft add rule inet filter forward ip saddr 198.18.1.0/24 counter drop`
 *
 * iptables: `iptables -A FORWARD -s 198.18.1.0/24 -j DROP`
 */
export function deny(opts: FilterOptions & { reject?: NftReject } = {}): NftRuleBody {
  const { counter, comment, reject, ...match } = opts;
  return withExtras({ ...(Object.keys(match).length > 0 ? { match } : {}), verdict: reject === undefined ? 'drop' : { reject } }, { counter, comment });
}

function withExtras(body: NftRuleBody, o: { counter?: boolean | undefined; comment?: string | undefined }): NftRuleBody {
  if (o.counter) body.counter = true;
  if (o.comment !== undefined) body.comment = o.comment;
  return body;
}
