/**
 * Transactions: changes collected, checked as they are added, and sent as
 * one nfnetlink batch that the kernel applies whole or not at all.
 * @module
 */
import type { NativeBatchMessage } from '../netlink/native.js';
import type { BatchOptions, NfnlSocket } from '../netlink/nfnl-socket.js';
import { NftBatchError, type BatchItem } from './errors.js';
import { compileRule } from './compile.js';
import { decodeRule } from './decode.js';
import { delChain, delRule, delTable, newChain, newRule, newTable, nftType } from './encode.js';
import type { NftRuleFilter, NftRuleRef, NftRuleSpec } from './rule-types.js';
import { checkRuleFilter, checkRuleRef, checkRuleSpec } from './rule-spec.js';
import type { NftChainRef, NftChainSpec, NftTableRef, NftTableSpec } from './types.js';
import { checkChain, checkChainRef, checkTable, checkTableRef } from './validate.js';
import { type SetShape, checkElementsRef, setObject } from './set-check.js';
import { SetIds } from './set-codec.js';
import { elementMembers, setAddMembers, setDelMember, withSetIds } from './set-members.js';
import type { NftSetElement, NftSetElementsRef, NftSetRef, NftSetSpec } from './set-types.js';

/** Options of {@link NftTransaction.commit}. */
export type NftCommitOptions = BatchOptions;

/** What a committed transaction made. */
export interface NftCommitResult {
  /** The rules it added, in the order of their `rule.add`, with the handles the kernel gave them. */
  rules: NftRuleRef[];
}

/** @internal One message of a transaction, with what it was for. */
export interface Member extends BatchItem {
  message: NativeBatchMessage;
  /** A rule add: its echo carries the handle. */
  rule?: true;
}

/** @internal Send members as one batch; throw NftBatchError if the kernel refused any. */
export async function commitMembers(sock: NfnlSocket, operation: string, members: readonly Member[], opts: NftCommitOptions): Promise<NftCommitResult> {
  if (members.length === 0) return { rules: [] };
  const result = await sock.batch(
    operation,
    members.map((m) => m.message),
    opts,
  );
  if (result.begin !== null || result.failures.length > 0) throw new NftBatchError(operation, members, result, opts.genid);
  // The commit also echoes a NEWGEN with a member's sequence number: only NEWRULE copies count.
  const newRuleType = nftType('NFT_MSG_NEWRULE');
  const echoed = new Map(result.echoes.filter((e) => e.message.type === newRuleType).map((e) => [e.index, e.message]));
  const rules: NftRuleRef[] = [];
  members.forEach((m, i) => {
    const echo = m.rule ? echoed.get(i) : undefined;
    if (echo === undefined) return;
    const r = decodeRule(echo);
    rules.push({ family: r.family as NftRuleRef['family'], table: r.table, chain: r.chain, handle: r.handle });
  });
  return { rules };
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
  ruleAdd: (spec: NftRuleSpec, ids: SetIds = new SetIds()): Member => {
    const r = checkRuleSpec('nft.rule.add', spec);
    const place = r.position === undefined ? { insert: r.insert } : { insert: r.insert, position: r.position };
    const message = newRule(r.family, r.table, r.chain, withSetIds(compileRule(r.body, r.family), r.family, r.table, ids), r.body.comment, place);
    return { operation: 'rule.add', object: `rule ${r.family} ${r.table} ${r.chain}`, request: spec, message, rule: true };
  },
  ruleDel: (ref: NftRuleRef): Member => {
    const r = checkRuleRef('nft.rule.del', ref);
    return { operation: 'rule.del', object: `rule ${r.family} ${r.table} ${r.chain} handle ${r.handle}`, request: ref, message: delRule(r) };
  },
  ruleFlush: (chain: NftRuleFilter): Member => {
    const c = checkRuleFilter('nft.rule.flush', chain, true) as Required<NftRuleFilter>;
    return { operation: 'rule.flush', object: `chain ${c.family} ${c.table} ${c.chain}`, request: chain, message: delRule(c) };
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
  readonly #ids = new SetIds();
  readonly #shapes = new Map<string, SetShape & { empty: boolean }>();
  #committed = false;

  /** Tables: `add` (`nft create table`), `del` (`nft delete table`). */
  readonly table = {
    /** Create a table (`nft create table`). */
    add: (spec: NftTableSpec): this => this.#push(() => members.tableAdd(spec)),
    /** Delete a table with everything in it (`nft delete table`). */
    del: (ref: NftTableRef): this => this.#push(() => members.tableDel(ref)),
  };

  /** Chains: `add` (`nft create chain`), `del` (`nft delete chain`). */
  readonly chain = {
    /** Create a chain, a base chain with `hook` (`nft create chain`). */
    add: (spec: NftChainSpec): this => this.#push(() => members.chainAdd(spec)),
    /** Delete a chain and its rules (`nft delete chain`). */
    del: (ref: NftChainRef): this => this.#push(() => members.chainDel(ref)),
  };

  /**
   * Rules: `add` (`nft add rule`, `nft insert rule` with `insert`), `del`
   * (`nft delete rule ... handle N`), `flush` (`nft flush chain`). The
   * handles of added rules come back from {@link NftTransaction.commit}.
   */
  readonly rule = {
    /** Add a rule (`nft add rule`; `nft insert rule` with `insert`). */
    add: (spec: NftRuleSpec): this => this.#push(() => members.ruleAdd(spec, this.#ids)),
    /** Delete a rule by its handle (`nft delete rule ... handle N`). */
    del: (ref: NftRuleRef): this => this.#push(() => members.ruleDel(ref)),
    /** Delete every rule of a chain (`nft flush chain`). */
    flush: (chain: NftRuleFilter): this => this.#push(() => members.ruleFlush(chain)),
  };

  /**
   * Sets and maps: `add` (`nft add set`, with its elements), `del` (`nft
   * delete set`), and `elements.add` / `elements.del` (`nft add/delete
   * element`). Elements of a set this transaction did not create need the
   * set's `type` (and `map`, `flags.interval`) in the ref, to be checked.
   */
  readonly set = {
    /** Create a set or map, with its elements (`nft add set` / `nft add map`). */
    add: (spec: NftSetSpec): this =>
      this.#pushAll(() => {
        const { members: m, set } = setAddMembers(spec, this.#ids);
        this.#shapes.set(`${set.family} ${set.table} ${set.name}`, { ...set, empty: set.elements.length === 0 });
        return m;
      }),
    /** Delete a set (`nft delete set`). */
    del: (ref: NftSetRef): this => this.#push(() => setDelMember(ref)),
    /** Elements of a set: `nft add element` / `nft delete element`. */
    elements: {
      /** Add elements (`nft add element`). */
      add: (ref: NftSetElementsRef, elements: readonly NftSetElement[]): this => this.#pushAll(() => this.#elements('add', ref, elements)),
      /** Delete elements (`nft delete element`). */
      del: (ref: NftSetElementsRef, elements: readonly NftSetElement[]): this => this.#pushAll(() => this.#elements('del', ref, elements)),
    },
  };

  #elements(how: 'add' | 'del', ref: NftSetElementsRef, elements: readonly NftSetElement[]): Member[] {
    const op = `nft.set.elements.${how}`;
    const r = checkElementsRef(op, ref);
    const made = this.#shapes.get(`${r.ref.family} ${r.ref.table} ${r.ref.name}`);
    const shape = r.shape ?? made;
    if (shape === undefined) throw new TypeError(`${op}: type: ${setObject(r.ref)} was not created in this transaction: give its type (and map, flags) to check the elements`);
    const out = elementMembers(how, r.ref, shape, elements, this.#ids, op, made?.empty === true);
    if (made !== undefined && out.length > 0) made.empty = false;
    return out;
  }

  #pushAll(make: () => Member[]): this {
    if (this.#committed) throw new Error('nft.transaction: already committed; start a new one');
    this.#members.push(...make());
    return this;
  }

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
   * Resolves with the handles of the rules it added.
   */
  async commit(opts: NftCommitOptions = {}): Promise<NftCommitResult> {
    if (this.#committed) throw new Error('nft.transaction: already committed; start a new one');
    this.#committed = true;
    return commitMembers(this.#sock, 'nft.commit', this.#members, opts);
  }
}
