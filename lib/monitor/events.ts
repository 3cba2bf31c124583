/**
 * The monitor's events: what each notification becomes, and how one is decoded
 * (through each object's own public decode function).
 * @module
 */
import { constant, type RawReply } from '../netlink/native.js';
import { decodeAddress } from '../rtnl/addr/decode.js';
import { type Address } from '../rtnl/addr/types.js';
import { decodeLink } from '../rtnl/link/decode.js';
import { type Link } from '../rtnl/link/types.js';
import { decodeNeighbour } from '../rtnl/neigh/decode.js';
import { type Neighbour } from '../rtnl/neigh/types.js';
import { decodeRoute } from '../rtnl/route/decode.js';
import { type Route } from '../rtnl/route/types.js';
import { decodeRule } from '../rtnl/rule/decode.js';
import { type Rule } from '../rtnl/rule/types.js';

/** Whether the object appeared (or changed) or went away. */
export type MonitorAction = 'new' | 'del';

interface EventBase {
  action: MonitorAction;
  /** True for events made up by a resync after an overrun (see {@link MonitorOptions.resync}). */
  resync?: boolean;
  /** The namespace id the event came from, with `allNsid`. */
  netnsid: number | undefined;
  /** The message as the kernel sent it. */
  raw: RawReply;
}

/** A link appeared, changed (`new`) or went away (`del`). */
export interface LinkEvent extends EventBase {
  kind: 'link';
  link: Link;
}
/** An address was added or removed. */
export interface AddrEvent extends EventBase {
  kind: 'addr';
  addr: Address;
}
/** A route was added or removed. */
export interface RouteEvent extends EventBase {
  kind: 'route';
  route: Route;
}
/** A neighbour (ARP/NDP entry, or a bridge FDB entry) was added, changed or removed. */
export interface NeighEvent extends EventBase {
  kind: 'neigh';
  neigh: Neighbour;
}
/** A policy rule was added or removed. */
export interface RuleEvent extends EventBase {
  kind: 'rule';
  rule: Rule;
}
/** A namespace id was assigned or removed. */
export interface NsidEvent extends EventBase {
  kind: 'nsid';
}
/**
 * The kernel dropped notifications because they came faster than they were
 * read (ENOBUFS), or the monitor's own buffer overflowed: whatever the
 * caller tracks must be read again (`list()`), since events were lost.
 */
export interface OverrunEvent {
  kind: 'overrun';
}

/**
 * With `resync`: the resync after an overrun is complete. Applying every
 * event received so far (the resync's included) gives what the kernel has.
 */
export interface ResyncedEvent {
  kind: 'resynced';
}

/** One event of the live monitor. */
export type MonitorEvent = LinkEvent | AddrEvent | RouteEvent | NeighEvent | RuleEvent | NsidEvent | OverrunEvent | ResyncedEvent;

/** A notification as an event; undefined for a message of no watched kind. */
export function toEvent(m: RawReply): MonitorEvent | undefined {
  const base = { netnsid: m.netnsid, raw: m };
  const t = m.type;
  const is = (...names: string[]): boolean => names.some((n) => constant(n) === t);
  if (is('RTM_NEWLINK', 'RTM_DELLINK')) return { kind: 'link', action: is('RTM_NEWLINK') ? 'new' : 'del', link: decodeLink(m, constant), ...base };
  if (is('RTM_NEWADDR', 'RTM_DELADDR')) return { kind: 'addr', action: is('RTM_NEWADDR') ? 'new' : 'del', addr: decodeAddress(m), ...base };
  if (is('RTM_NEWROUTE', 'RTM_DELROUTE')) return { kind: 'route', action: is('RTM_NEWROUTE') ? 'new' : 'del', route: decodeRoute(m), ...base };
  if (is('RTM_NEWNEIGH', 'RTM_DELNEIGH')) return { kind: 'neigh', action: is('RTM_NEWNEIGH') ? 'new' : 'del', neigh: decodeNeighbour(m), ...base };
  if (is('RTM_NEWRULE', 'RTM_DELRULE')) return { kind: 'rule', action: is('RTM_NEWRULE') ? 'new' : 'del', rule: decodeRule(m), ...base };
  if (is('RTM_NEWNSID', 'RTM_DELNSID')) return { kind: 'nsid', action: is('RTM_NEWNSID') ? 'new' : 'del', ...base };
  return undefined;
}
