/**
 * Decoding RTM_NEWRULE messages into {@link Rule} objects.
 * @module
 */
import { constant, type RawReply } from '../../netlink/native.js';
import { U32_MAX } from '../values/checks.js';
import { familyName } from '../values/tables.js';
import { ACTION_NAMES } from './actions.js';
import type { PortRange, Rule, RuleAction } from './types.js';

/** Decode one RTM_NEWRULE message. */
export function decodeRule(m: RawReply): Rule {
  const h = m.header;
  const a = m.attrs;
  const family = familyName(h.family as number);
  const actNum = h.action as number;
  const action = ACTION_NAMES.name(actNum) as RuleAction;
  const prefix = (addr: unknown, len: unknown): string | undefined => (typeof addr === 'string' ? `${addr}/${String(len)}` : undefined);
  const pr = (v: unknown): PortRange | undefined => {
    const r = v as { start?: number; end?: number } | undefined;
    return r && typeof r.start === 'number' && typeof r.end === 'number' ? { start: r.start, end: r.end } : undefined;
  };
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  return {
    family: family as Rule['family'],
    priority: num(a.priority) ?? 0,
    from: prefix(a.src, h.srcLen),
    to: prefix(a.dst, h.dstLen),
    iif: a.iifname as string | undefined,
    oif: a.oifname as string | undefined,
    fwmark: num(a.fwmark),
    fwmask: num(a.fwmask),
    tos: h.tos as number,
    ipProto: num(a.ipProto),
    sport: pr(a.sportRange),
    dport: pr(a.dportRange),
    uidRange: pr(a.uidRange),
    l3mdev: typeof a.l3mdev === 'number' && a.l3mdev !== 0,
    table: num(a.table) ?? (h.table as number),
    // The kernel reports "not set" as -1 (0xffffffff).
    suppressPrefixlen: a.suppressPrefixlen === U32_MAX ? undefined : num(a.suppressPrefixlen),
    action,
    goto: num(a.goto),
    protocol: num(a.protocol),
    not: ((h.flags as number) & constant('FIB_RULE_INVERT')) !== 0,
    flags: h.flags as number,
    raw: m,
  };
}
