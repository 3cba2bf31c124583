/**
 * `apply(ruleset)`: an owner's declared tables compared with what the kernel
 * holds, and the difference committed as one transaction, guarded by the
 * generation id (a concurrent change makes it read and compare again).
 * Unchanged tables are left alone (their counters keep counting); a table
 * that differs in anything is replaced whole (deleted and made again in the
 * same batch, so packets never see it half-made); tables of the owner that
 * are no longer declared are deleted; tables of anyone else are never
 * touched, and one in the way is a conflict reported before any change.
 * @module
 */
import type { NfnlSocket } from '../netlink/nfnl-socket.js';
import type { OperationOptions } from '../netlink/socket.js';
import { constant } from '../netlink/native.js';
import { decodeChain, decodeGen, decodeTable } from './decode.js';
import { rulesFromTape } from './rule-tape.js';
import { asSent, sameExpr } from './decompile.js';
import { delTable, dumpRequest, genRequest, nftType, ruleDumpRequest } from './encode.js';
import { NftBatchError } from './errors.js';
import type { NftExpr, NftRule } from './rule-types.js';
import { type CheckedTableDecl, type NftRuleset, checkRuleset, createMessages } from './ruleset.js';
import { commitMembers, type Member } from './transaction.js';
import type { NftChain, NftChainType, NftFamily, NftPolicy, NftTable } from './types.js';
import { MARK_PREFIX } from './validate.js';
import type { RawReply } from '../netlink/native.js';
import type { CheckedSet } from './set-check.js';
import { decodeElements, decodeSet, elemDumpRequest, isElemReply, isSetReply, kernelElements, setDumpRequest, setType } from './set-codec.js';
import type { NftSet, NftSetElement } from './set-types.js';
import { hookName, policyName } from './values.js';

/** Options of {@link Nft.apply}. */
export interface NftApplyOptions extends OperationOptions {
  /** Only compare and report; change nothing. */
  dryRun?: boolean;
}

/** What {@link Nft.apply} did (or, with `dryRun`, would do), by table (`inet filter`). */
export interface NftApplyResult {
  created: string[];
  replaced: string[];
  removed: string[];
  unchanged: string[];
  /** The generation the kernel's ruleset had when it was compared. */
  generation: number;
}

/** @internal One table as the kernel holds it. */
export interface LiveTable {
  table: NftTable;
  sets: LiveSet[];
  chains: NftChain[];
  rules: NftRule[];
}

/** @internal A named set as the kernel holds it, with its elements (read for the owner's tables only). */
export interface LiveSet {
  set: NftSet;
  elements?: NftSetElement[];
}

const key = (family: NftFamily | number, name: string): string => `${family} ${name}`;

/** @internal The generation, and every table with its chains and rules. */
export async function readLive(sock: NfnlSocket, opts: OperationOptions, owner?: string): Promise<{ gen: number; tables: Map<string, LiveTable> }> {
  const gen = decodeGen(await sock.request('nft.apply', nftType('NFT_MSG_GETGEN'), 0, genRequest(), opts));
  const tables = new Map<string, LiveTable>();
  const replies = await sock.collect('nft.apply', nftType('NFT_MSG_GETTABLE'), dumpRequest(undefined), opts);
  for (const m of replies) if (m.type === nftType('NFT_MSG_NEWTABLE')) {
    const t = decodeTable(m);
    tables.set(key(t.family, t.name), { table: t, sets: [], chains: [], rules: [] });
  }
  for (const m of await sock.collect('nft.apply', nftType('NFT_MSG_GETCHAIN'), dumpRequest(undefined), opts)) {
    if (m.type !== nftType('NFT_MSG_NEWCHAIN')) continue;
    const c = decodeChain(m);
    tables.get(key(c.family, c.table))?.chains.push(c);
  }
  for (const m of await sock.collect('nft.apply', setType('NFT_MSG_GETSET'), setDumpRequest(undefined, undefined), opts)) {
    if (!isSetReply(m)) continue;
    const { set, shape } = decodeSet(m);
    const live = tables.get(key(set.family, set.table));
    if (live === undefined || set.flags.anonymous) continue;
    const s: LiveSet = { set };
    if (owner !== undefined && live.table.owner === owner && shape !== undefined && typeof set.family === 'string') {
      const ref = { family: set.family, table: set.table, name: set.name };
      s.elements = decodeElements(shape, (await sock.collect('nft.apply', setType('NFT_MSG_GETSETELEM'), elemDumpRequest(ref), opts)).filter(isElemReply));
    }
    live.sets.push(s);
  }
  for (const r of await sock.collectTapes('nft.apply', nftType('NFT_MSG_GETRULE'), ruleDumpRequest(undefined, undefined, undefined), opts, rulesFromTape)) {
    tables.get(key(r.family, r.table))?.rules.push(r);
  }
  return { gen, tables };
}

// A rule's expressions as compared: what nft would send, counters at zero
// (a counter's count is state, not declaration).
const zeroCounter = (e: NftExpr): NftExpr => (e.kind === 'counter' ? { kind: 'counter', packets: 0, bytes: 0 } : e);
function sameRule(live: readonly NftExpr[], declared: readonly NftExpr[]): boolean {
  return live.length === declared.length && live.every((e, i) => sameExpr(zeroCounter(e), zeroCounter(declared[i] as NftExpr)));
}

// Elements as compared: typed and in one order, without what counts down.
function elementsKey(list: readonly NftSetElement[]): string {
  const steady = list.map((e) => {
    if (typeof e !== 'object' || Array.isArray(e)) return e;
    const { expires: _counting, ...rest } = e as Exclude<NftSetElement, string | number | readonly unknown[]>;
    return Object.keys(rest).length === 1 ? rest.key : rest;
  });
  return JSON.stringify(steady.map((e) => JSON.stringify(e)).sort());
}

function sameSet(d: CheckedSet, live: LiveSet | undefined): boolean {
  const s = live?.set;
  if (s === undefined || live?.elements === undefined) return false;
  if (s.type !== d.type || s.map !== d.map || s.timeout !== d.defaultTimeout || s.comment !== d.comment) return false;
  if (s.flags.interval !== d.interval || s.flags.constant !== d.constant || s.flags.timeout !== d.timeout) return false;
  // The declared elements as the kernel would report them: encoded, then decoded the same way.
  const declared = decodeElements(d, [{ type: setType('NFT_MSG_NEWSETELEM'), flags: 0, header: {}, attrs: { elements: kernelElements(d, d.elements, true) } } as unknown as RawReply]);
  return elementsKey(declared) === elementsKey(live.elements);
}

/** Whether the live table is exactly the declared one. */
function same(d: CheckedTableDecl, live: LiveTable): boolean {
  const t = live.table;
  const flags = (t.flags.dormant ? constant('NFT_TABLE_F_DORMANT') : 0) | (t.flags.owner ? constant('NFT_TABLE_F_OWNER') : 0);
  const mark = `${MARK_PREFIX}${t.owner ?? ''}${t.comment !== undefined ? ` ${t.comment}` : ''}`;
  if (flags !== d.table.flags || mark !== d.table.comment) return false;
  if (live.chains.length !== d.chains.length || live.sets.length !== d.sets.length) return false;
  if (!d.sets.every((set) => sameSet(set, live.sets.find((x) => x.set.name === set.name)))) return false;
  const family = d.table.family;
  for (const { chain, rules } of d.chains) {
    const c = live.chains.find((x) => x.name === chain.name);
    if (c === undefined || c.comment !== chain.comment) return false;
    const b = chain.base;
    if (b === undefined) {
      if (c.hook !== undefined) return false;
    } else {
      const devices = b.device === undefined ? undefined : [b.device];
      const policy = policyName(b.policy ?? constant('NF_ACCEPT'));
      if (c.type !== b.type || c.hook !== hookName(family, b.hook) || c.priority !== b.priority || c.policy !== policy || JSON.stringify(c.devices) !== JSON.stringify(devices)) return false;
    }
    const lr = live.rules.filter((r) => r.chain === chain.name);
    if (lr.length !== rules.length) return false;
    if (!rules.every((r, i) => lr[i]?.comment === r.comment && sameRule(lr[i]?.exprs ?? [], r.exprs))) return false;
  }
  return true;
}

function members(d: CheckedTableDecl, what: string): Member[] {
  const object = `table ${d.key}`;
  return createMessages(d).map((message) => ({ operation: what, object, request: d.key, message }));
}

/**
 * @internal An owner's tables as a ruleset that `apply` makes again exactly
 * (rules as their kernel expressions): what a rollback restores.
 */
export function snapshot(tables: ReadonlyMap<string, LiveTable>, owner: string): NftRuleset {
  const out: NftRuleset = { owner, tables: [] };
  for (const { table: t, sets, chains, rules } of tables.values()) {
    if (t.owner !== owner || typeof t.family === 'number') continue;
    out.tables.push({
      family: t.family,
      name: t.name,
      ...(t.comment !== undefined ? { comment: t.comment } : {}),
      flags: t.flags,
      sets: sets.flatMap(({ set: s, elements }) =>
        typeof s.type === 'number' || typeof s.map === 'number'
          ? []
          : [
              {
                name: s.name,
                type: s.type,
                ...(s.map !== undefined ? { map: s.map } : {}),
                flags: { interval: s.flags.interval, constant: s.flags.constant, timeout: s.flags.timeout },
                ...(s.timeout !== undefined ? { timeout: s.timeout } : {}),
                ...(s.comment !== undefined ? { comment: s.comment } : {}),
                elements: (elements ?? []).map((e) => (typeof e === 'object' && !Array.isArray(e) ? { ...e, expires: undefined } : e)) as NftSetElement[],
              },
            ],
      ),
      chains: chains.map((c) => ({
        name: c.name,
        ...(c.comment !== undefined ? { comment: c.comment } : {}),
        ...(c.hook !== undefined && typeof c.hook === 'string'
          ? { type: c.type as NftChainType, hook: c.hook, priority: c.priority ?? 0, policy: c.policy as NftPolicy, ...(c.devices?.[0] !== undefined ? { device: c.devices[0] } : {}) }
          : {}),
        rules: rules.filter((r) => r.chain === c.name).map((r) => ({ exprs: r.exprs.map(asSent), ...(r.comment !== undefined ? { comment: r.comment } : {}) })),
      })),
    });
  }
  return out;
}

/** @internal Compare and commit; see {@link Nft.apply}. */
export async function applyRuleset(sock: NfnlSocket, ruleset: NftRuleset, opts: NftApplyOptions & { onRead?: (live: Map<string, LiveTable>) => void } = {}): Promise<NftApplyResult> {
  const decls = checkRuleset('nft.apply', ruleset);
  const { dryRun, onRead, ...io } = opts;
  for (let attempt = 1; ; attempt++) {
    const { gen, tables } = await readLive(sock, io, ruleset.owner);
    onRead?.(tables);
    const result: NftApplyResult = { created: [], replaced: [], removed: [], unchanged: [], generation: gen };
    const batch: Member[] = [];
    for (const d of decls) {
      const live = tables.get(d.key);
      if (live === undefined) {
        result.created.push(d.key);
        batch.push(...members(d, 'apply.create'));
      } else if (live.table.owner !== ruleset.owner) {
        const whose = live.table.owner === undefined ? 'not made by netloom' : `owned by '${live.table.owner}'`;
        throw Object.assign(new Error(`nft.apply: table ${d.key} exists and is ${whose}; nothing was changed`), { code: 'EEXIST', object: `table ${d.key}` });
      } else if (same(d, live)) {
        result.unchanged.push(d.key);
      } else {
        result.replaced.push(d.key);
        batch.push({ operation: 'apply.replace', object: `table ${d.key}`, request: d.key, message: delTable({ family: d.table.family, name: d.table.name }) }, ...members(d, 'apply.replace'));
      }
    }
    for (const [k, live] of tables) {
      if (live.table.owner !== ruleset.owner || decls.some((d) => d.key === k) || typeof live.table.family === 'number') continue;
      result.removed.push(k);
      batch.push({ operation: 'apply.remove', object: `table ${k}`, request: k, message: delTable({ family: live.table.family, name: live.table.name }) });
    }
    if (dryRun || batch.length === 0) return result;
    try {
      await commitMembers(sock, 'nft.apply', batch, { ...io, genid: gen });
      return result;
    } catch (e) {
      // Someone changed the ruleset between our read and our commit: read again.
      if (e instanceof NftBatchError && e.code === 'ERESTART' && e.index === undefined && attempt < 3) continue;
      throw e;
    }
  }
}
