/**
 * Rules, typed: what a rule matches, what it does (counter, limit, log, NAT)
 * and its verdict, in the words of nft(8); and the kernel's own expressions
 * (the "IR") that a rule compiles to and that a dump decodes into.
 * @module
 */
import type { NftFamily } from './types.js';

/** A value to match, or (`{ not: value }`) anything but it. */
export type NftCmp<T> = T | { not: T };

/** A layer-4 protocol by name, or its IP protocol number (0..255). */
export type NftL4Proto = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'sctp' | 'udplite' | 'gre' | 'esp' | 'ah' | number;

/** A port (0..65535) or an inclusive range `[from, to]`. */
export type NftPorts = number | readonly [number, number];

/**
 * A named set to look a field up in (`ip saddr @allowed`). Addresses in an
 * inet table need the set's address family (`family: 'ip'` for an
 * ipv4_addr set, `'ip6'` for ipv6_addr), which nft reads from the set.
 */
export interface NftSetMatch {
  set: string;
  family?: 'ip' | 'ip6';
}

/** The fields a set lookup or a vmap can key on. */
export type NftSetKeyField = 'saddr' | 'daddr' | 'sport' | 'dport' | 'iifname' | 'oifname' | 'mark';

/** A conntrack state (`ct state`). */
export type NftCtState = 'invalid' | 'established' | 'related' | 'new' | 'untracked';

/**
 * What a rule matches: every given field must match (a conjunction, in the
 * order of the fields here, which is the order nft writes them in). The
 * fields that say so also take a named set, `{ set: 'allowed' }` (`ip saddr
 * @allowed`), or `{ not: { set: 'blocked' } }` (`ip saddr != @blocked`).
 */
export interface NftMatch {
  /** Input interface name; a trailing `*` matches a prefix (`veth*`). 1..15 bytes. Equivalent to: `iifname "br0"` */
  iifname?: NftCmp<string | NftSetMatch>;
  /** Output interface name, as `iifname`. Equivalent to: `oifname != "br0"` */
  oifname?: NftCmp<string | NftSetMatch>;
  /** Input interface index. Equivalent to: `iif 3` */
  iif?: NftCmp<number>;
  /** Output interface index. Equivalent to: `oif 3` */
  oif?: NftCmp<number>;
  /**
   * Source address or prefix (`198.18.1.0/24`, `2001:db8::/64`): the prefix
   * must have no host bits. In an inet table it also matches the family.
   * Equivalent to: `ip saddr 198.18.1.0/24`
   */
  saddr?: NftCmp<string | NftSetMatch>;
  /** Destination address or prefix, as `saddr`. Equivalent to: `ip daddr 198.18.1.2` */
  daddr?: NftCmp<string | NftSetMatch>;
  /** The layer-4 protocol (`meta l4proto`); required with `sport`/`dport`, which then read its header. */
  proto?: NftL4Proto;
  /** Source port or range (tcp, udp, sctp, udplite). Equivalent to: `tcp sport 1024-65535` */
  sport?: NftCmp<NftPorts | NftSetMatch>;
  /** Destination port or range. Equivalent to: `tcp dport 8080` */
  dport?: NftCmp<NftPorts | NftSetMatch>;
  /** Conntrack state: any of these (or, with `not`, none). Equivalent to: `ct state established,related` */
  ctState?: NftCmp<readonly NftCtState[]>;
  /** The packet mark (0..2^32-1). Equivalent to: `meta mark 0x10` */
  mark?: NftCmp<number | NftSetMatch>;
}

/** Rate units of `limit`. */
export type NftRateUnit = 'second' | 'minute' | 'hour' | 'day' | 'week';

/** `limit rate N/unit burst B packets`: matches while under the rate. */
export interface NftLimit {
  /** Packets per unit, 1..2^32-1. */
  rate: number;
  per: NftRateUnit;
  /** Default 5 (nft's). */
  burst?: number;
  /** Match when OVER the rate instead (`limit rate over`). */
  over?: boolean;
}

/** Syslog levels of `log level`. */
export type NftLogLevel = 'emerg' | 'alert' | 'crit' | 'err' | 'warn' | 'notice' | 'info' | 'debug';

/** `log prefix "..." level warn`, to the kernel log. */
export interface NftLog {
  /** Up to 127 bytes. */
  prefix?: string;
  level?: NftLogLevel;
}

/** Flags of masquerade and snat/dnat port selection. */
export interface NftNatFlags {
  /** `random`: randomised source port mapping. */
  random?: boolean;
  /** `fully-random`. */
  fullyRandom?: boolean;
  /** `persistent`: the same address for a client across connections. */
  persistent?: boolean;
}

/** Where snat/dnat map to: an address or a range `[first, last]`, and optionally a port or port range. */
export interface NftNatTarget extends NftNatFlags {
  addr: string | readonly [string, string];
  /** Needs `match.proto` tcp/udp/sctp/udplite. */
  port?: NftPorts;
}

/** What a rule does to a packet's addresses. */
export type NftNat =
  | { masquerade: true | (NftNatFlags & { ports?: NftPorts }) }
  | { snat: NftNatTarget }
  | { dnat: NftNatTarget }
  | { redirect: true | (NftNatFlags & { port?: NftPorts }) };

/** How `reject` answers. Default: ICMP port unreachable (ICMPv6 in ip6, icmpx in inet). */
export type NftReject = 'icmp-port-unreachable' | 'tcp-reset' | 'admin-prohibited' | 'host-unreachable' | 'no-route';

/** A rule's verdict: the end of its evaluation when everything matched. */
export type NftVerdict = 'accept' | 'drop' | 'return' | 'continue' | { jump: string } | { goto: string } | { reject: NftReject } | { vmap: NftVmap };

/**
 * A verdict map lookup: the verdict is the value of the packet's `key` in
 * the vmap `set` (no element: the rule does not match). Ports need
 * `match.proto`; addresses in an inet table need `family`.
 * Equivalent to: `tcp dport vmap @ports`
 */
export interface NftVmap {
  set: string;
  key: NftSetKeyField;
  family?: 'ip' | 'ip6';
}

/** A counter as the kernel reports it (what you add is `counter: true`). */
export interface NftCounter {
  packets: number;
  bytes: number;
}

/**
 * A rule, in nft's words: `match`, then `limit`, `counter`, `log`, `nat` in
 * that order, then `verdict`. Or, for what these cannot say, the kernel
 * expressions themselves (`exprs`).
 */
export interface NftRuleBody {
  match?: NftMatch;
  limit?: NftLimit;
  /** Count packets and bytes. */
  counter?: boolean | NftCounter;
  log?: boolean | NftLog;
  nat?: NftNat;
  verdict?: NftVerdict;
  /** Free text, up to 128 bytes (NFTA_RULE_USERDATA, as `comment "..."`). */
  comment?: string;
  /** Expert: the kernel expressions, instead of match/limit/counter/log/nat/verdict. */
  exprs?: readonly NftExpr[];
}

/** What `rule.add` adds: a body in a chain, at the end unless placed. */
export interface NftRuleSpec extends NftRuleBody {
  family: NftFamily;
  table: string;
  chain: string;
  /** Put it first (or just before `position`) instead of last (`nft insert rule`). */
  insert?: boolean;
  /** The handle of the rule to add after (to insert before, with `insert`). Equivalent to: `nft add rule ip t c position 5 ...` */
  position?: number;
}

/** A chain whose rules `rule.flush` deletes, or a table or family whose rules `rule.list` reads. */
export interface NftRuleFilter {
  family?: NftFamily;
  table?: string;
  chain?: string;
}

/** Names a rule: its chain and the handle the kernel gave it. */
export interface NftRuleRef {
  family: NftFamily;
  table: string;
  chain: string;
  handle: number;
}

/** A rule as the kernel reports it: its expressions always, and the nft-level fields when netloom recognises them. */
export interface NftRule extends NftRuleBody {
  family: NftFamily | number;
  table: string;
  chain: string;
  handle: number;
  /** Always set on read-back. */
  exprs: NftExpr[];
  /** False when some expression has no nft-level reading here (the fields above are then left out). */
  recognised: boolean;
}

/** A register: 0 (verdict), 1..4 (16 bytes each), or 8..23 (the 4-byte ones). */
export type NftRegister = number;

/** The header a payload expression reads from. */
export type NftPayloadBase = 'll' | 'network' | 'transport';

/** `meta` keys netloom knows by name (others stay numbers). */
export type NftMetaKey = 'len' | 'protocol' | 'mark' | 'iif' | 'oif' | 'iifname' | 'oifname' | 'iiftype' | 'oiftype' | 'skuid' | 'skgid' | 'nfproto' | 'l4proto';

/** `ct` keys netloom knows by name. */
export type NftCtKey = 'state' | 'direction' | 'status' | 'mark' | 'zone';

/** Comparison operators of `cmp`. */
export type NftCmpOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/**
 * One kernel expression (NFTA_EXPR_NAME and its NFTA_EXPR_DATA), as
 * `nft --debug=netlink` prints them. Data is raw bytes, in the order the
 * kernel compares them (packet fields in network order).
 */
export type NftExpr =
  | { kind: 'payload'; base: NftPayloadBase | number; offset: number; len: number; dreg: NftRegister }
  | { kind: 'meta'; key: NftMetaKey | number; dreg: NftRegister }
  | { kind: 'cmp'; sreg: NftRegister; op: NftCmpOp; data: Buffer }
  | { kind: 'bitwise'; sreg: NftRegister; dreg: NftRegister; len: number; mask: Buffer; xor: Buffer }
  | { kind: 'range'; sreg: NftRegister; op: 'eq' | 'ne'; from: Buffer; to: Buffer }
  | { kind: 'immediate'; dreg: NftRegister; data: Buffer }
  | { kind: 'verdict'; verdict: 'accept' | 'drop' | 'return' | 'continue' | 'break' | { jump: string } | { goto: string } }
  | { kind: 'lookup'; sreg: NftRegister; set: string; dreg?: NftRegister; invert: boolean; setId?: number }
  | { kind: 'ct'; key: NftCtKey | number; dreg: NftRegister; direction?: 'original' | 'reply' }
  | { kind: 'counter'; packets: number; bytes: number }
  | { kind: 'limit'; rate: number; unit: number; burst: number; type: 'packets' | 'bytes'; over: boolean }
  | { kind: 'log'; prefix?: string; level?: number; group?: number }
  | { kind: 'reject'; type: 'icmp' | 'tcp-reset' | 'icmpx'; code: number }
  | { kind: 'nat'; type: 'snat' | 'dnat'; family: 'ip' | 'ip6'; addrMin?: NftRegister; addrMax?: NftRegister; protoMin?: NftRegister; protoMax?: NftRegister; flags: number }
  | { kind: 'masq'; protoMin?: NftRegister; protoMax?: NftRegister; flags: number }
  | { kind: 'redir'; protoMin?: NftRegister; protoMax?: NftRegister; flags: number }
  | { kind: 'unknown'; name: string; data: unknown };
