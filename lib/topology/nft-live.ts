/**
 * The nf_tables side of a namespace for plan, apply and destroy: an nft
 * handle opened on demand beside the rtnetlink one, what applying the
 * namespace's declared ruleset would do, and what was there before (what a
 * rollback puts back).
 * @module
 */
import { Nft, openNft } from '../nft/api.js';
import type { NftApplyResult } from '../nft/ruleset-apply.js';
import { snapshot, type LiveTable } from '../nft/ruleset-apply.js';
import type { NftRuleset } from '../nft/ruleset.js';
import type { OperationOptions } from '../netlink/socket.js';
import type { NsHandle } from './live.js';

/** What applying a namespace's ruleset would do, and the owner's tables as they are. */
export interface NftLive {
  plan: NftApplyResult;
  before: NftRuleset;
}

const handles = new WeakMap<NsHandle, Nft>();

/** The nft handle of a namespace handle, opened the first time (closed by {@link closeNft}). */
export async function nftOf(h: NsHandle, opts: OperationOptions = {}): Promise<Nft> {
  let nft = handles.get(h);
  if (nft === undefined || nft.closed) {
    nft = await openNft({ netns: h.ns, ...(opts.signal === undefined ? {} : { signal: opts.signal }) });
    handles.set(h, nft);
  }
  return nft;
}

/** Close the nft handle of a namespace handle, if one was opened. Never throws. */
export async function closeNft(h: NsHandle): Promise<void> {
  const nft = handles.get(h);
  handles.delete(h);
  await nft?.close().catch(() => undefined);
}

/** Compare a namespace's declared ruleset with its tables; throws (code EEXIST) if a table in the way is not the owner's. */
export async function readNft(h: NsHandle, ruleset: NftRuleset, opts: OperationOptions = {}): Promise<NftLive> {
  const nft = await nftOf(h, opts);
  let live: Map<string, LiveTable> = new Map();
  const plan = await nft.apply(ruleset, { ...opts, dryRun: true, onRead: (t: Map<string, LiveTable>) => (live = t) } as Parameters<Nft['apply']>[1]);
  return { plan, before: snapshot(live, ruleset.owner) };
}

/** Delete the tables marked as `owner`'s in a namespace; returns them (`inet netloom-lab`). */
export async function deleteMarkedTables(h: NsHandle, owner: string, opts: OperationOptions = {}): Promise<string[]> {
  const nft = await nftOf(h, opts);
  return (await nft.apply({ owner, tables: [] }, opts)).removed;
}

/** One nf_tables table as `netloom show` lists it. */
export interface TableSummary {
  /** `inet netloom-lab`. */
  table: string;
  /** The owner of its `netloom:` mark, if any. */
  owner: string | undefined;
  chains: number;
  rules: number;
}

/** The tables of a namespace, counted (empty where nf_tables cannot be read). */
export async function tableSummaries(h: NsHandle): Promise<TableSummary[]> {
  try {
    const nft = await nftOf(h);
    const [tables, chains, rules] = await Promise.all([nft.table.list(), nft.chain.list(), nft.rule.list()]);
    const key = (f: string | number, n: string): string => `${f} ${n}`;
    return tables.map((t) => ({
      table: key(t.family, t.name),
      owner: t.owner,
      chains: chains.filter((c) => key(c.family, c.table) === key(t.family, t.name)).length,
      rules: rules.filter((r) => key(r.family, r.table) === key(t.family, t.name)).length,
    }));
  } catch {
    return [];
  }
}
