/**
 * Transactions: changes collected, checked as they are added, and sent as
 * one nfnetlink batch that the kernel applies whole or not at all.
 * @module
 */
import type { NativeBatchMessage } from '../netlink/native.js';
import type { BatchOptions, NfnlSocket } from '../netlink/nfnl-socket.js';
import { NftBatchError, type BatchItem } from './errors.js';
import { delChain, delTable, newChain, newTable } from './encode.js';
import type { NftChainRef, NftChainSpec, NftTableRef, NftTableSpec } from './types.js';
import { checkChain, checkChainRef, checkTable, checkTableRef } from './validate.js';

/** Options of {@link NftTransaction.commit}. */
export type NftCommitOptions = BatchOptions;

interface Member extends BatchItem {
  message: NativeBatchMessage;
}

/** @internal Send members as one batch; throw NftBatchError if the kernel refused any. */
export async function commitMembers(sock: NfnlSocket, operation: string, members: readonly Member[], opts: NftCommitOptions): Promise<void> {
  if (members.length === 0) return;
  const result = await sock.batch(
    operation,
    members.map((m) => m.message),
    opts,
  );
  if (result.begin !== null || result.failures.length > 0) throw new NftBatchError(operation, members, result, opts.genid);
}

/** @internal The checked messages of single operations, shared with the handle. */
export const members = {
  tableAdd: (spec: NftTableSpec): Member => {
    const t = checkTable('nft.table.add', spec);
    return { operation: 'table.add', object: `table ${t.family} ${t.name}`, request: spec, message: newTable(t) };
  },
  tableDel: (ref: NftTableRef): Member => {
    const t = checkTableRef('nft.table.del', ref);
    return { operation: 'table.del', object: `table ${t.family} ${t.name}`, request: ref, message: delTable(t) };
  },
  chainAdd: (spec: NftChainSpec): Member => {
    const c = checkChain('nft.chain.add', spec);
    return { operation: 'chain.add', object: `chain ${c.family} ${c.table} ${c.name}`, request: spec, message: newChain(c) };
  },
  chainDel: (ref: NftChainRef): Member => {
    const c = checkChainRef('nft.chain.del', ref);
    return { operation: 'chain.del', object: `chain ${c.family} ${c.table} ${c.name}`, request: ref, message: delChain(c) };
  },
};

/**
 * Changes to apply together. Each `add`/`del` checks its input at once
 * (TypeError/RangeError naming the field); {@link NftTransaction.commit}
 * sends them all as one batch.
 *
 * Equivalent to: `nft -f file` (one file, one transaction)
 */
export class NftTransaction {
  readonly #sock: NfnlSocket;
  readonly #members: Member[] = [];
  #committed = false;

  /** Tables: `add` (`nft create table`), `del` (`nft delete table`). */
  readonly table = {
    add: (spec: NftTableSpec): this => this.#push(() => members.tableAdd(spec)),
    del: (ref: NftTableRef): this => this.#push(() => members.tableDel(ref)),
  };

  /** Chains: `add` (`nft create chain`), `del` (`nft delete chain`). */
  readonly chain = {
    add: (spec: NftChainSpec): this => this.#push(() => members.chainAdd(spec)),
    del: (ref: NftChainRef): this => this.#push(() => members.chainDel(ref)),
  };

  /** @internal Use the handle's `transaction()`. */
  constructor(sock: NfnlSocket) {
    this.#sock = sock;
  }

  /** How many changes it holds. */
  get size(): number {
    return this.#members.length;
  }

  #push(make: () => Member): this {
    if (this.#committed) throw new Error('nft.transaction: already committed; start a new one');
    this.#members.push(make());
    return this;
  }

  /**
   * Apply every change at once, or none: on refusal an {@link NftBatchError}
   * names the failing change by its index and object. With `genid` (from the
   * handle's `genId()`), the kernel refuses the whole batch with ERESTART if
   * anyone changed the ruleset since. An empty transaction sends nothing.
   */
  async commit(opts: NftCommitOptions = {}): Promise<void> {
    if (this.#committed) throw new Error('nft.transaction: already committed; start a new one');
    this.#committed = true;
    await commitMembers(this.#sock, 'nft.commit', this.#members, opts);
  }
}
