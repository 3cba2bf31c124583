/**
 * `openNft()`: an nf_tables handle bound to one namespace — tables, chains,
 * rules, sets, transactions and the ruleset generation, over a NETLINK_NETFILTER socket
 * of its own.
 * @module
 */
import { NfnlSocket } from '../netlink/nfnl-socket.js';
import type { DumpOptions, OperationOptions } from '../netlink/socket.js';
import type { NetNs, NetnsRef } from '../netns/netns.js';
import { withOwnNetns } from '../netns/own.js';
import { decodeChain, decodeGen, decodeTable } from './decode.js';
import { rulesFromTape } from './rule-tape.js';
import { dumpRequest, genRequest, nftType, ruleDumpRequest } from './encode.js';
import type { NftRule, NftRuleFilter, NftRuleRef, NftRuleSpec } from './rule-types.js';
import { checkRuleFilter } from './rule-spec.js';
import { applyRuleset, type NftApplyOptions, type NftApplyResult } from './ruleset-apply.js';
import type { NftRuleset } from './ruleset.js';
import { setApi, type NftSetApi } from './set-api.js';
import { NftTransaction, commitMembers, members, type NftCommitOptions } from './transaction.js';
import type { NftChain, NftChainRef, NftChainSpec, NftListFilter, NftTable, NftTableRef, NftTableSpec } from './types.js';
import { checkFilter } from './validate.js';

/** Options of {@link openNft}. */
export interface NftOpenOptions extends OperationOptions {
  /** The namespace to work in (a {@link NetNs}, borrowed, or a reference to open one). Default: the calling thread's. */
  netns?: NetNs | NetnsRef;
}

/** Table operations of an {@link Nft} handle. */
export interface NftTableApi {
  /**
   * Create a table marked `netloom:<owner>` in its comment. EEXIST if it exists.
   *
   * Equivalent to: `nft create table ip t { comment "netloom:api" ; }`
   */
  add(spec: NftTableSpec, opts?: NftCommitOptions): Promise<void>;
  /**
   * Delete a table with everything in it.
   *
   * Equivalent to: `nft delete table ip t`
   */
  del(ref: NftTableRef, opts?: NftCommitOptions): Promise<void>;
  /**
   * The tables, of one family or all.
   *
   * Equivalent to: `nft list tables [family]`
   */
  list(filter?: NftListFilter, opts?: DumpOptions): Promise<NftTable[]>;
}

/** Chain operations of an {@link Nft} handle. */
export interface NftChainApi {
  /**
   * Create a chain: a base chain when `hook` is given. EEXIST if it exists.
   *
   * Equivalent to: `nft create chain ip t c { type nat hook postrouting priority srcnat ; policy accept ; }`
   */
  add(spec: NftChainSpec, opts?: NftCommitOptions): Promise<void>;
  /**
   * Delete a chain and its rules.
   *
   * Equivalent to: `nft delete chain ip t c`
   */
  del(ref: NftChainRef, opts?: NftCommitOptions): Promise<void>;
  /**
   * The chains, of one family or all, of one table or all.
   *
   * Equivalent to: `nft list chains [family]`
   */
  list(filter?: NftListFilter, opts?: DumpOptions): Promise<NftChain[]>;
}

/** Rule operations of an {@link Nft} handle. */
export interface NftRuleApi {
  /**
   * Add a rule to a chain (at its end, or first with `insert`, or next to
   * `position`) and resolve with its handle. The body is checked before
   * anything is sent (TypeError naming the field).
   *
   * Equivalent to: `nft add rule ip nat postrouting ip saddr 198.18.1.0/24 oifname != "br0" masquerade`
   */
  add(spec: NftRuleSpec, opts?: NftCommitOptions): Promise<NftRuleRef>;
  /**
   * Delete one rule by its handle.
   *
   * Equivalent to: `nft delete rule ip t c handle 4`
   */
  del(ref: NftRuleRef, opts?: NftCommitOptions): Promise<void>;
  /**
   * Delete every rule of one chain.
   *
   * Equivalent to: `nft flush chain ip t c`
   */
  flush(chain: Required<NftRuleFilter>, opts?: NftCommitOptions): Promise<void>;
  /**
   * The rules, of one family, table or chain or all, in chain order, read
   * back as the same typed bodies `add` takes (with `recognised: false` and
   * only `exprs` for rules netloom did not write and cannot read).
   *
   * Equivalent to: `nft -a list chain ip t c`
   */
  list(filter?: NftRuleFilter, opts?: DumpOptions): Promise<NftRule[]>;
}

/**
 * An nf_tables handle. Each change is a transaction of its own; use
 * {@link Nft.transaction} to apply several at once.
 */
export class Nft {
  /** Tables: `nft create/delete/list table`. */
  readonly table: NftTableApi;
  /** Chains: `nft create/delete/list chain`. */
  readonly chain: NftChainApi;
  /** Rules: `nft add/insert/delete rule`, `nft flush chain`, `nft list chain`. */
  readonly rule: NftRuleApi;
  /** Sets and maps: `nft add/delete/list set`, `nft add/delete element`. */
  readonly set: NftSetApi;
  /** The underlying socket. */
  readonly socket: NfnlSocket;
  readonly #netns: NetNs;

  /** @internal Use {@link openNft}. */
  constructor(socket: NfnlSocket, ns: NetNs) {
    this.socket = socket;
    this.#netns = ns;
    const one = async (m: Parameters<typeof commitMembers>[2][number], opts: NftCommitOptions = {}): Promise<void> => {
      await commitMembers(socket, `nft.${m.operation}`, [m], opts);
    };
    this.table = {
      add: async (spec, opts) => one(members.tableAdd(spec), opts),
      del: async (ref, opts) => one(members.tableDel(ref), opts),
      list: async (filter = {}, opts = {}) => {
        const f = checkFilter('nft.table.list', filter, false);
        const replies = await socket.collect('nft.table.list', nftType('NFT_MSG_GETTABLE'), dumpRequest(f.family), opts);
        return replies.filter((m) => m.type === nftType('NFT_MSG_NEWTABLE')).map(decodeTable);
      },
    };
    this.chain = {
      add: async (spec, opts) => one(members.chainAdd(spec), opts),
      del: async (ref, opts) => one(members.chainDel(ref), opts),
      list: async (filter = {}, opts = {}) => {
        const f = checkFilter('nft.chain.list', filter, true);
        const replies = await socket.collect('nft.chain.list', nftType('NFT_MSG_GETCHAIN'), dumpRequest(f.family), opts);
        // The kernel filters chain dumps by family only.
        return replies
          .filter((m) => m.type === nftType('NFT_MSG_NEWCHAIN'))
          .map(decodeChain)
          .filter((c) => f.table === undefined || c.table === f.table);
      },
    };
    this.rule = {
      add: async (spec, opts = {}) => {
        const { rules } = await commitMembers(socket, 'nft.rule.add', [members.ruleAdd(spec)], opts);
        const ref = rules[0];
        if (ref === undefined) throw new Error('nft.rule.add: the kernel committed the rule but echoed no handle');
        return ref;
      },
      del: async (ref, opts) => one(members.ruleDel(ref), opts),
      flush: async (chain, opts) => one(members.ruleFlush(chain), opts),
      list: async (filter = {}, opts = {}) => {
        const f = checkRuleFilter('nft.rule.list', filter, false);
        // Read from the decoder's tapes as they arrive, without the generic objects.
        return socket.collectTapes('nft.rule.list', nftType('NFT_MSG_GETRULE'), ruleDumpRequest(f.family, f.table, f.chain), opts, rulesFromTape);
      },
    };
    this.set = setApi(socket);
  }

  /**
   * Start a transaction: changes collected and applied together, or not at all.
   *
   * Equivalent to: `nft -f file`
   */
  transaction(): NftTransaction {
    return new NftTransaction(this.socket);
  }

  /**
   * Make the kernel hold exactly the declared tables of `ruleset.owner`:
   * missing ones created, differing ones replaced whole, undeclared ones of
   * that owner deleted, all in one transaction (or none of it); tables of
   * other owners are never touched. Checked whole first (a jump to an
   * undeclared chain is a TypeError naming its path). `dryRun` only reports.
   *
   * Equivalent to: `nft -f ruleset.nft` with `delete table` for each replaced table first
   */
  apply(ruleset: NftRuleset, opts: NftApplyOptions = {}): Promise<NftApplyResult> {
    // (an internal `onRead` option hands the topology what was read)
    return applyRuleset(this.socket, ruleset, opts);
  }

  /**
   * The ruleset generation: it changes with every commit. Give it to
   * `commit({ genid })` to apply only if nobody changed the ruleset since.
   *
   * Equivalent to: `nft list ruleset` (its `# generation` line in `nft monitor`)
   */
  async genId(opts: OperationOptions = {}): Promise<number> {
    return decodeGen(await this.socket.request('nft.genId', nftType('NFT_MSG_GETGEN'), 0, genRequest(), opts));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.socket.closed;
  }

  /** Close the socket (tables made with `flags.owner` are deleted by the kernel). Idempotent. */
  async close(): Promise<void> {
    this.socket.close();
    this.#netns.close();
  }

  /** `await using nft = await openNft()` support. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Open an nf_tables handle in the current namespace or in `opts.netns`.
 *
 * ```ts
 * await using nft = await openNft({ netns: 'ns1' });
 * await nft.table.add({ family: 'inet', name: 'filter' });
 * ```
 */
export async function openNft(opts: NftOpenOptions = {}): Promise<Nft> {
  const { netns, ...rest } = opts;
  return withOwnNetns(netns, async (fd, ns) => new Nft(await NfnlSocket.open(fd, rest), ns));
}
