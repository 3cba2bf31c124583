/**
 * Sets and maps, typed: what `set.add` creates (a key type, flags, a map's
 * data type), the elements they hold in nft's words (addresses as text,
 * ports as numbers, prefixes `a.b.c.d/nn`, ranges `[from, to]`, map values
 * and verdicts), and what the kernel reports back.
 * @module
 */
import type { NftFamily } from './types.js';

/**
 * The key types of a set, as nft(8) names them: `ipv4_addr` ('198.18.0.1'),
 * `ipv6_addr` ('2001:db8::1'), `inet_service` (a port, 0..65535),
 * `inet_proto` ('tcp', 'udp', ... or 0..255), `ifname` (an interface name,
 * up to 15 bytes), `ether_addr` ('02:00:00:00:00:01'), `mark` (0..2^32-1).
 */
export type NftSetKeyType = 'ipv4_addr' | 'ipv6_addr' | 'inet_service' | 'inet_proto' | 'ifname' | 'ether_addr' | 'mark';

/** What a map maps to: a value of a key type (a DNAT map's address or port), or a verdict (a vmap). */
export type NftSetDataType = NftSetKeyType | 'verdict';

/** One key: an address, a port, a protocol, a name or a number, by the set's type. */
export type NftSetValue = string | number;

/**
 * A key of a set: one value, or in an interval set also a prefix
 * ('198.18.0.0/24', '2001:db8::/64') or an inclusive range `[from, to]`.
 */
export type NftSetKey = NftSetValue | readonly [NftSetValue, NftSetValue];

/** A verdict as a vmap element's value. */
export type NftSetVerdict = 'accept' | 'drop' | 'return' | 'continue' | { jump: string } | { goto: string };

/**
 * One element: a bare key, or `{ key }` with a map's `value` (`{ key: 22,
 * value: 'accept' }`), and in a set with `flags.timeout` its own `timeout`
 * in milliseconds. Read back, elements of timeout sets also say when they
 * expire (`expires`, milliseconds from now).
 */
export type NftSetElement =
  | NftSetKey
  | {
      key: NftSetKey;
      /** Maps: the value (an address, a port, ... or a verdict for a vmap). */
      value?: NftSetValue | NftSetVerdict;
      /** Timeout sets: this element's lifetime in milliseconds (default: the set's timeout). */
      timeout?: number;
      /** Read back only: milliseconds until the element expires. */
      expires?: number;
    };

/** Flags of a set. */
export interface NftSetFlags {
  /** Keys are prefixes and ranges (NFT_SET_INTERVAL). Not for `ifname` and `mark` keys here. */
  interval?: boolean;
  /** The contents cannot change once a rule uses it (NFT_SET_CONSTANT). */
  constant?: boolean;
  /** Elements expire (NFT_SET_TIMEOUT); implied by a `timeout`. */
  timeout?: boolean;
}

/** What `set.add` creates: a named set (or, with `map`, a map) in a table. */
export interface NftSetSpec {
  family: NftFamily;
  table: string;
  /** 1..255 bytes. */
  name: string;
  /** The key type. */
  type: NftSetKeyType;
  /** Makes it a map (NFT_SET_MAP) from keys to values of this type: `'verdict'` for a vmap. */
  map?: NftSetDataType;
  flags?: NftSetFlags;
  /** The default lifetime of its elements, in milliseconds (implies `flags.timeout`). */
  timeout?: number;
  /** Free text, up to 128 bytes (as `comment "..."`). */
  comment?: string;
  /** Elements to create it with, in the same transaction. */
  elements?: readonly NftSetElement[];
}

/** Names a set. */
export interface NftSetRef {
  family: NftFamily;
  table: string;
  name: string;
}

/**
 * Names a set whose elements are added, deleted or listed. In a
 * transaction that did not create the set, elements can only be checked
 * with the set's `type` (and `map`, `flags.interval`) given here; the
 * handle reads them from the kernel when they are left out.
 */
export interface NftSetElementsRef extends NftSetRef {
  type?: NftSetKeyType;
  map?: NftSetDataType;
  flags?: NftSetFlags;
}

/** A set as the kernel reports it (its elements come from `set.elements.list`). */
export interface NftSet {
  family: NftFamily | number;
  table: string;
  name: string;
  handle: number;
  /** The key type (its nft datatype number when netloom has no name for it). */
  type: NftSetKeyType | number;
  /** Maps only: the data type. */
  map?: NftSetDataType | number;
  flags: { interval: boolean; constant: boolean; timeout: boolean; anonymous: boolean };
  /** The default element timeout, in milliseconds. */
  timeout?: number;
  comment?: string;
}

/** Filter of `set.list`. */
export interface NftSetFilter {
  family?: NftFamily;
  table?: string;
}
