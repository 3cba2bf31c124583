/**
 * Decoding RTM_NEWNEIGH messages of the IPv4/IPv6 neighbour tables into
 * {@link Neighbour} objects.
 * @module
 */
import { constant, type RawReply } from '../../netlink/native.js';
import { familyName, ntfFlagNames } from '../values/tables.js';
import { stateNames } from './states.js';
import type { Neighbour } from './types.js';

/** Decode one RTM_NEWNEIGH message of the IPv4/IPv6 neighbour tables. */
export function decodeNeighbour(m: RawReply): Neighbour {
  const h = m.header;
  const a = m.attrs;
  const family = familyName(h.ndmFamily as number);
  const flags = h.ndmFlags as number;
  return {
    family,
    ifindex: h.ndmIfindex as number,
    dst: a.dst as string | undefined,
    lladdr: a.lladdr as string | undefined,
    state: stateNames(h.ndmState as number),
    flags: ntfFlagNames(flags),
    proxy: (flags & constant('NTF_PROXY')) !== 0,
    probes: a.probes as number | undefined,
    raw: m,
  };
}
