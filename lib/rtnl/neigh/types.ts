/**
 * The public types of neighbour (ARP/NDP) entries: what `ip neigh` takes and shows.
 * @module
 */
import type { RawReply } from '../../netlink/native.js';
import type { LinkRef } from '../values/ifindex.js';

/**
 * Neighbour states by name, as `ip neigh` prints and accepts them
 * (`nud permanent`). Decoded states the names do not cover are numbers.
 */
export type NeighState = 'permanent' | 'reachable' | 'stale' | 'noarp' | 'delay' | 'probe' | 'failed' | 'incomplete' | 'none';

/** A neighbour entry to add, replace or delete. */
export interface NeighEntry {
  /** The protocol address: IPv4 (an ARP entry) or IPv6 (an NDP entry). */
  dst: string;
  /** The link the neighbour is on. */
  dev: LinkRef;
  /** The link-layer address, 'aa:bb:cc:dd:ee:ff' (`lladdr`). Not needed for proxy entries. */
  lladdr?: string;
  /** The state (`nud STATE`). Default 'permanent', as ip. Ignored for proxy entries. */
  state?: NeighState;
  /** The neighbour is a router (IPv6, `router`). */
  router?: boolean;
  /** A proxy entry: answer ARP/NDP for `dst` on `dev` (`ip neigh add proxy ADDR dev DEV`). */
  proxy?: boolean;
  /** Mark the entry as learned by an external control plane (`extern_learn`). */
  externLearn?: boolean;
}

/** What identifies an entry to delete. */
export interface NeighDelEntry {
  /** The protocol address. */
  dst: string;
  /** The link the neighbour is on. */
  dev: LinkRef;
  /** Delete a proxy entry (`ip neigh del proxy ADDR dev DEV`). */
  proxy?: boolean;
}

/** A decoded neighbour entry. */
export interface Neighbour {
  /** 'inet' (ARP) or 'inet6' (NDP); the address family number otherwise. */
  family: 'inet' | 'inet6' | (number & {});
  /** The link's ifindex. */
  ifindex: number;
  /** The protocol address. */
  dst: string | undefined;
  /** The link-layer address, absent for incomplete and failed entries. */
  lladdr: string | undefined;
  /** State names ('permanent', 'reachable', 'stale', ...; 'none' for 0). */
  state: NeighState[];
  /** Flag names: 'router', 'proxy', 'extern_learn', 'offload', 'use', 'self', 'master'. */
  flags: string[];
  /** True for an entry from the proxy table (`ip neigh show proxy`). */
  proxy: boolean;
  /** Solicitations sent for this entry, when the kernel says. */
  probes: number | undefined;
  /** Everything the kernel sent. */
  raw: RawReply;
}

/** Filter of {@link NeighApi.list} and {@link NeighApi.flush}. */
export interface NeighFilter {
  /** Only this link's entries. */
  dev?: LinkRef;
  /** Only this family. */
  family?: 'inet' | 'inet6';
  /** Only entries in this state (or any of these states). */
  state?: NeighState | NeighState[];
  /** The proxy table instead of the neighbour table (`ip neigh show proxy`). */
  proxy?: boolean;
}
