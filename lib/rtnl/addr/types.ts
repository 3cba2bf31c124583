/**
 * The public types of addresses: what `ip addr` takes and shows.
 * @module
 */
import type { RawReply } from '../../netlink/native.js';
import type { LinkRef } from '../values/ifindex.js';

/** Address scopes by name (`ip addr ... scope NAME`), or a number. */
export type AddrScope = 'global' | 'site' | 'link' | 'host' | 'nowhere' | (number & {});

/** Flags that can be set on an address (`ip addr add ... nodad noprefixroute`). */
export interface AddrFlagOptions {
  /** Skip duplicate address detection (IPv6). */
  nodad?: boolean;
  /** Do not create the prefix route for the address's subnet. */
  noprefixroute?: boolean;
  /** Join the multicast group for the address automatically. */
  autojoin?: boolean;
  /** Make temporary addresses from this one (IPv6 privacy). */
  mngtmpaddr?: boolean;
  /** Mark as home address (Mobile IPv6). */
  home?: boolean;
  /** Start as optimistic (IPv6 optimistic DAD). */
  optimistic?: boolean;
}

/** Options of {@link AddrApi.add}. */
export interface AddrAddOptions extends AddrFlagOptions {
  /** The remote end of a point-to-point link (`peer ADDRESS/PREFIX`). */
  peer?: string;
  /** The broadcast address, or '+' to derive it from the prefix (`brd +`). IPv4 only. */
  broadcast?: string;
  /** A label (alias name), which must start with the device name (`label eth0:1`). IPv4 only. */
  label?: string;
  /** The scope. Default: global (host for 127/8). */
  scope?: AddrScope;
  /** Valid lifetime in seconds, or 'forever' (the default). */
  validLft?: number | 'forever';
  /** Preferred lifetime in seconds, or 'forever' (the default). */
  preferredLft?: number | 'forever';
  /** Metric of the prefix route the kernel adds. */
  metric?: number;
}

/** A decoded address. */
export interface Address {
  /** The link's ifindex. */
  ifindex: number;
  family: 'inet' | 'inet6';
  /** The local address (`inet 198.18.0.1/24` → '198.18.0.1'). */
  address: string;
  prefixlen: number;
  /** `address/prefixlen`. */
  cidr: string;
  /** The peer of a point-to-point address. */
  peer: string | undefined;
  broadcast: string | undefined;
  label: string | undefined;
  scope: AddrScope;
  /** Flag names: 'permanent', 'nodad', 'tentative', 'noprefixroute', ... */
  flags: string[];
  /** Seconds, or 'forever'. */
  validLft: number | 'forever';
  preferredLft: number | 'forever';
  /** Everything the kernel sent. */
  raw: RawReply;
}

/** Filter of {@link AddrApi.list}. */
export interface AddrFilter {
  /** Only this link's addresses. */
  dev?: LinkRef;
  /** Only this family. */
  family?: 'inet' | 'inet6';
}
