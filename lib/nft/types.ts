/**
 * The nf_tables objects of this step, typed: families, tables, chains (base
 * and regular), what the kernel reports back, and what a transaction says
 * when it is refused.
 * @module
 */

/** An nf_tables family, as nft names it (`ip` = IPv4, `inet` = both). */
export type NftFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';

/** A netfilter hook. Which exist depends on the family (`ingress`: netdev and inet; `egress`: netdev). */
export type NftHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress';

/** A base chain's type. */
export type NftChainType = 'filter' | 'nat' | 'route';

/** The standard priority names of nft(8) (the values depend on the family; bridge has its own). */
export type NftPriorityName = 'raw' | 'mangle' | 'dstnat' | 'filter' | 'security' | 'srcnat' | 'out';

/** A base chain's priority: a number (s32), a standard name, or a name with an offset (`dstnat + 10`). */
export type NftPriority = number | NftPriorityName | { base: NftPriorityName; offset: number };

/** A base chain's policy: what happens to packets no rule decided on. */
export type NftPolicy = 'accept' | 'drop';

/** What {@link Nft.table}.add creates. */
export interface NftTableSpec {
  family: NftFamily;
  /** 1..255 bytes. */
  name: string;
  /**
   * Who made it: the table's comment becomes `netloom:<owner>` (then a space
   * and `comment`, if given), which list() decodes back. Default `'api'`.
   */
  owner?: string;
  /** Free text after the mark. */
  comment?: string;
  flags?: {
    /** NFT_TABLE_F_DORMANT: hooks unregistered, contents kept. */
    dormant?: boolean;
    /**
     * NFT_TABLE_F_OWNER: the table belongs to this handle's socket: other
     * processes cannot change it, and it is deleted when the handle closes
     * (or the process dies).
     */
    owner?: boolean;
  };
}

/** Names a table. */
export interface NftTableRef {
  family: NftFamily;
  name: string;
}

/** A table as the kernel reports it. */
export interface NftTable {
  family: NftFamily | number;
  name: string;
  /** The kernel's handle (unique per namespace). */
  handle: number;
  flags: { dormant: boolean; owner: boolean };
  /** How many chains it holds. */
  use: number;
  /** The netloom owner from the `netloom:<owner>` mark; undefined for tables netloom did not make. */
  owner?: string;
  /** The comment (after the mark, for netloom's tables). */
  comment?: string;
  /** With flags.owner: the netlink port id of the owning socket. */
  ownerPortId?: number;
}

/** What {@link Nft.chain}.add creates: a regular chain, or a base chain when `hook` is given. */
export interface NftChainSpec {
  family: NftFamily;
  table: string;
  /** 1..255 bytes. */
  name: string;
  /** Base chains: the type. Default `'filter'`. */
  type?: NftChainType;
  /** Makes it a base chain, attached to this hook. */
  hook?: NftHook;
  /** Base chains: required. */
  priority?: NftPriority;
  /** Base chains: default `'accept'` (the kernel's). */
  policy?: NftPolicy;
  /** netdev chains (and inet ingress): the interface. */
  device?: string;
  comment?: string;
}

/** Names a chain. */
export interface NftChainRef {
  family: NftFamily;
  table: string;
  name: string;
}

/** A chain as the kernel reports it. */
export interface NftChain {
  family: NftFamily | number;
  table: string;
  name: string;
  handle: number;
  /** References to it (rules, jumps). */
  use: number;
  /** Base chains only. */
  type?: NftChainType | (string & {});
  hook?: NftHook | number;
  priority?: number;
  policy?: NftPolicy | number;
  /** The interfaces of a netdev (or inet ingress) chain. */
  devices?: string[];
  comment?: string;
}

/** Filter of table.list / chain.list. */
export interface NftListFilter {
  /** Only this family. */
  family?: NftFamily;
  /** chain.list: only the chains of this table. */
  table?: string;
}

/** One message of a refused transaction. */
export interface NftBatchFailure {
  /** Its place in the transaction, from 0. */
  index: number;
  /** What it did: 'table.add', 'chain.del', ... */
  operation: string;
  /** Which object, in nft words: `chain ip nat postrouting`. */
  object: string;
  code: string;
  errno: number;
  /** The kernel's extended ACK text, when it sent one. */
  extack?: string;
  /** What the caller asked for. */
  request: unknown;
}
