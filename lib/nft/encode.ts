/**
 * Checked tables and chains as nf_tables messages (in the codec's
 * vocabulary: the attribute names of native/nft_tables.cc; bytes are laid
 * out natively).
 * @module
 */
import { constant, native, type NativeBatchMessage, type RawAttrs, type RawMessage } from '../netlink/native.js';
import { exprBytes } from './expr-bytes.js';
import type { NftExpr, NftRuleRef } from './rule-types.js';
import type { NftChainRef, NftFamily, NftTableRef } from './types.js';
import type { CheckedChain, CheckedTable } from './validate.js';
import { UDATA_COMMENT, familyNumber } from './values.js';

/** The nlmsg_type of an nf_tables message (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_*). */
export function nftType(
  msg: 'NFT_MSG_NEWTABLE' | 'NFT_MSG_GETTABLE' | 'NFT_MSG_DELTABLE' | 'NFT_MSG_NEWCHAIN' | 'NFT_MSG_GETCHAIN' | 'NFT_MSG_DELCHAIN' | 'NFT_MSG_NEWRULE' | 'NFT_MSG_GETRULE' | 'NFT_MSG_DELRULE' | 'NFT_MSG_NEWGEN' | 'NFT_MSG_GETGEN',
): number {
  return (constant('NFNL_SUBSYS_NFTABLES') << 8) | constant(msg);
}

function message(family: NftFamily | 'unspec', attrs: RawAttrs): RawMessage {
  return { header: { nfgenFamily: family === 'unspec' ? constant('NFPROTO_UNSPEC') : familyNumber(family) }, attrs };
}

function comment(text: string): Buffer {
  return native.nft.udataEncode([{ type: UDATA_COMMENT, text }]);
}

/** A rule's comment as its NFTA_RULE_USERDATA (what {@link newRule} sends). */
export function ruleComment(text: string): Buffer {
  return comment(text);
}

// "Create" semantics (NLM_F_EXCL), like `nft create`: an existing object is
// an error, never silently adopted (an existing table would keep its own
// comment, and so its owner).
function createFlags(): number {
  return constant('NLM_F_CREATE') | constant('NLM_F_EXCL');
}

/** NFT_MSG_NEWTABLE for `nft create table`. */
export function newTable(t: CheckedTable): NativeBatchMessage {
  return { type: nftType('NFT_MSG_NEWTABLE'), flags: createFlags(), msg: message(t.family, { name: t.name, flags: t.flags, userdata: comment(t.comment) }) };
}

/** NFT_MSG_DELTABLE: the table and everything in it. */
export function delTable(t: NftTableRef): NativeBatchMessage {
  return { type: nftType('NFT_MSG_DELTABLE'), flags: 0, msg: message(t.family, { name: t.name }) };
}

/** NFT_MSG_NEWCHAIN for `nft create chain`. */
export function newChain(c: CheckedChain): NativeBatchMessage {
  const attrs: RawAttrs = { table: c.table, name: c.name };
  if (c.base !== undefined) {
    const hook: RawAttrs = { num: c.base.hook, priority: c.base.priority };
    if (c.base.device !== undefined) hook.dev = c.base.device;
    attrs.hook = hook;
    attrs.type = c.base.type;
    if (c.base.policy !== undefined) attrs.policy = c.base.policy;
  }
  if (c.comment !== undefined) attrs.userdata = comment(c.comment);
  return { type: nftType('NFT_MSG_NEWCHAIN'), flags: createFlags(), msg: message(c.family, attrs) };
}

/** NFT_MSG_DELCHAIN: the chain and its rules (EBUSY while jumped to). */
export function delChain(c: NftChainRef): NativeBatchMessage {
  return { type: nftType('NFT_MSG_DELCHAIN'), flags: 0, msg: message(c.family, { table: c.table, name: c.name }) };
}

/** Where a new rule goes: appended (after `position`, or at the end) or inserted (before `position`, or at the start). */
export interface RulePlace {
  insert: boolean;
  position?: number;
}

/**
 * NFT_MSG_NEWRULE (NLM_F_CREATE, and NLM_F_APPEND unless inserting, as `nft
 * add rule` / `nft insert rule`), the comment in userdata as nft keeps it,
 * NLM_F_ECHO so that the commit answers with the handle the rule was given.
 */
export function newRule(family: NftFamily, table: string, chain: string, exprs: readonly NftExpr[] | { bytes: Buffer[] }, commentText: string | undefined, place: RulePlace): NativeBatchMessage {
  // Bytes: expressions encoded already.
  const attrs: RawAttrs = { table, chain, expressions: 'bytes' in exprs ? exprs.bytes : exprBytes(exprs) };
  if (place.position !== undefined) attrs.position = place.position;
  if (commentText !== undefined) attrs.userdata = comment(commentText);
  const flags = constant('NLM_F_CREATE') | (place.insert ? 0 : constant('NLM_F_APPEND')) | constant('NLM_F_ECHO');
  return { type: nftType('NFT_MSG_NEWRULE'), flags, msg: message(family, attrs) };
}

/** NFT_MSG_DELRULE of one rule by its handle, or (no handle) of every rule in the chain (`nft flush chain`). */
export function delRule(r: { family: NftFamily; table: string; chain: string; handle?: number }): NativeBatchMessage {
  const attrs: RawAttrs = { table: r.table, chain: r.chain };
  if (r.handle !== undefined) attrs.handle = r.handle;
  return { type: nftType('NFT_MSG_DELRULE'), flags: 0, msg: message(r.family, attrs) };
}

/** The body of a rule dump: the kernel filters it by family, table and chain. */
export function ruleDumpRequest(family: NftFamily | undefined, table: string | undefined, chain: string | undefined): RawMessage {
  const attrs: RawAttrs = {};
  if (table !== undefined) attrs.table = table;
  if (chain !== undefined) attrs.chain = chain;
  return message(family ?? 'unspec', attrs);
}

/** The body of a table or chain dump (one family, or all). */
export function dumpRequest(family: NftFamily | undefined): RawMessage {
  return message(family ?? 'unspec', {});
}

/** NFT_MSG_GETGEN's body. */
export function genRequest(): RawMessage {
  return message('unspec', {});
}
