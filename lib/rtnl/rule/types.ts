/**
 * The public types of policy-routing rules: what `ip rule` takes and shows.
 * @module
 */
import type { RawReply } from '../../netlink/native.js';
import type { RouteTable } from '../values/tables.js';

/** What a rule does when it matches (`ip rule add ... ACTION`); numbers for kinds this library does not name. */
export type RuleAction = 'lookup' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit' | (number & {});

/** An inclusive port range (`sport 1000-2000`); a single port is `{ start: p, end: p }`. */
export interface PortRange {
  /** First port. */
  start: number;
  /** Last port (>= start). */
  end: number;
}

/** An inclusive uid range (`uidrange 1000-2000`). */
export interface UidRange {
  /** First uid. */
  start: number;
  /** Last uid (>= start). */
  end: number;
}

/** The selectors and action of a rule, as {@link RuleApi.add} and {@link RuleApi.del} take them. */
export interface RuleSpec {
  /** The address family when neither `from` nor `to` says it (`ip -6 rule`). Default: 'inet'. */
  family?: 'inet' | 'inet6';
  /** Invert the selectors: the rule matches packets they do not match (`not`, FIB_RULE_INVERT). `rule.del` matches with or without it (the kernel does not compare the flag). */
  not?: boolean;
  /** Source prefix (`from 198.18.1.0/24`); a bare address means a host prefix. */
  from?: string;
  /** Destination prefix (`to 198.18.2.0/24`). */
  to?: string;
  /** Incoming interface name (`iif NAME`); need not exist. */
  iif?: string;
  /** Outgoing interface name (`oif NAME`); need not exist. */
  oif?: string;
  /** Firewall mark (`fwmark MARK`). */
  fwmark?: number;
  /** Mask applied to the mark before comparing (`fwmark MARK/MASK`). */
  fwmask?: number;
  /** TOS / DS field to match (`tos 0x10`). */
  tos?: number;
  /** IP protocol number to match (`ipproto 6`). */
  ipProto?: number;
  /** Source port, or range (`sport 1000-2000`). */
  sport?: number | PortRange;
  /** Destination port, or range (`dport 80`). */
  dport?: number | PortRange;
  /** Uid range (`uidrange 1000-2000`). */
  uidRange?: UidRange;
  /**
   * Look up the table of the l3mdev (VRF) device the packet is on (`l3mdev`,
   * FRA_L3MDEV): the rule `ip rule add l3mdev pref 1000` that VRFs need,
   * which the kernel also adds itself when the first VRF device is made.
   * Takes no `table`; action 'lookup' only.
   */
  l3mdev?: boolean;
  /** The rule's priority (`priority N`); on add the kernel picks one below the first rule when omitted. */
  priority?: number;
  /** The table to look up (`table N|main|local|default`). Default on add with action 'lookup': main. */
  table?: RouteTable;
  /** Ignore lookup results with a prefix length of this or less (`suppress_prefixlength N`). */
  suppressPrefixlen?: number;
  /** What to do on a match. Default on add: 'lookup', or 'goto' when `goto` is given. */
  action?: RuleAction;
  /** The priority of the rule to continue at, for action 'goto' (`goto N`). */
  goto?: number;
  /** The routing protocol that installed the rule (`protocol N`, 0..255). */
  protocol?: number;
}

/** A decoded rule. */
export interface Rule {
  family: 'inet' | 'inet6' | (number & {});
  /** Priority (`ip rule` prints it first). */
  priority: number;
  /** Source prefix, 'a.b.c.d/n'; undefined for "all". */
  from: string | undefined;
  /** Destination prefix; undefined for "all". */
  to: string | undefined;
  iif: string | undefined;
  oif: string | undefined;
  fwmark: number | undefined;
  fwmask: number | undefined;
  tos: number;
  ipProto: number | undefined;
  sport: PortRange | undefined;
  dport: PortRange | undefined;
  uidRange: UidRange | undefined;
  l3mdev: boolean;
  /** The table (FRA_TABLE, or the header's 8-bit table); 0 for actions without one. */
  table: number;
  suppressPrefixlen: number | undefined;
  action: RuleAction;
  /** The goto target's priority. */
  goto: number | undefined;
  protocol: number | undefined;
  /** The selectors are inverted (`not`, FIB_RULE_INVERT). */
  not: boolean;
  /** Header flags (FIB_RULE_INVERT, ...). */
  flags: number;
  /** Everything the kernel sent. */
  raw: RawReply;
}

/** Filter of {@link RuleApi.list}. */
export interface RuleFilter {
  /** Only this family. Default: both (an AF_UNSPEC dump). */
  family?: 'inet' | 'inet6';
}
