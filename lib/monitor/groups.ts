/**
 * What a monitor watches: its groups by object, and the rtnetlink multicast groups each stands for.
 * @module
 */
import { constant } from '../netlink/native.js';

/** What to watch: the rtnetlink multicast groups, by object. */
export type MonitorGroup = 'link' | 'addr' | 'route' | 'neigh' | 'rule' | 'nsid';

/** The multicast group numbers of `names`; throws a TypeError naming a bad one. */
export function groupsOf(names: readonly MonitorGroup[]): number[] {
  const map: Record<MonitorGroup, string[]> = {
    link: ['RTNLGRP_LINK'],
    addr: ['RTNLGRP_IPV4_IFADDR', 'RTNLGRP_IPV6_IFADDR'],
    route: ['RTNLGRP_IPV4_ROUTE', 'RTNLGRP_IPV6_ROUTE'],
    neigh: ['RTNLGRP_NEIGH'],
    rule: ['RTNLGRP_IPV4_RULE', 'RTNLGRP_IPV6_RULE'],
    nsid: ['RTNLGRP_NSID'],
  };
  if (!Array.isArray(names) || names.length === 0) throw new TypeError(`monitor: groups: must be a non-empty array of ${Object.keys(map).join(', ')}`);
  const out = new Set<number>();
  for (const n of names) {
    const consts = (map as Record<string, string[] | undefined>)[n as string];
    if (consts === undefined) throw new TypeError(`monitor: groups: unknown group '${String(n)}' (one of ${Object.keys(map).join(', ')})`);
    for (const c of consts) out.add(constant(c));
  }
  return [...out];
}
