/**
 * nf_tables replies as typed objects: NEWTABLE and NEWCHAIN messages of a
 * dump, the comment and netloom mark in their userdata, NEWGEN.
 * @module
 */
import { constant, native, type RawAttrs, type RawReply, rawNum } from '../netlink/native.js';
import { decompileRule } from './decompile.js';
import { decodeExpr } from './expr-codec.js';
import type { NftExpr, NftRule } from './rule-types.js';
import type { NftChain, NftFamily, NftHook, NftTable } from './types.js';
import { MARK_PREFIX, OWNER_RE } from './validate.js';
import { UDATA_COMMENT, familyName, hookName, policyName } from './values.js';

/** The comment nft stores in userdata, if any (undefined for bytes that are not TLVs). */
export function decodeComment(v: unknown): string | undefined {
  if (!Buffer.isBuffer(v)) return undefined;
  return native.nft.udataDecode(v)?.find((u) => u.type === UDATA_COMMENT)?.text;
}

/** `netloom:<owner>[ <comment>]` → its parts; anything else is a plain comment. */
export function parseMark(text: string | undefined): { owner?: string; comment?: string } {
  if (text === undefined) return {};
  if (!text.startsWith(MARK_PREFIX)) return { comment: text };
  const rest = text.slice(MARK_PREFIX.length);
  const space = rest.indexOf(' ');
  const owner = space < 0 ? rest : rest.slice(0, space);
  if (!OWNER_RE.test(owner)) return { comment: text };
  return space < 0 ? { owner } : { owner, comment: rest.slice(space + 1) };
}

function family(m: RawReply): NftFamily | number {
  return familyName(rawNum(m.header.nfgenFamily));
}

/** A NEWTABLE message. */
export function decodeTable(m: RawReply): NftTable {
  const a = m.attrs;
  const flags = rawNum(a.flags);
  const t: NftTable = {
    family: family(m),
    name: String(a.name ?? ''),
    handle: rawNum(a.handle),
    flags: { dormant: (flags & constant('NFT_TABLE_F_DORMANT')) !== 0, owner: (flags & constant('NFT_TABLE_F_OWNER')) !== 0 },
    use: rawNum(a.use),
    ...parseMark(decodeComment(a.userdata)),
  };
  if (a.owner !== undefined) t.ownerPortId = rawNum(a.owner);
  return t;
}

/** A NEWCHAIN message. */
export function decodeChain(m: RawReply): NftChain {
  const a = m.attrs;
  const fam = family(m);
  const c: NftChain = { family: fam, table: String(a.table ?? ''), name: String(a.name ?? ''), handle: rawNum(a.handle), use: rawNum(a.use) };
  const hook = a.hook as RawAttrs | undefined;
  if (hook !== undefined) {
    c.hook = hookName(fam, rawNum(hook.num)) as NftHook | number;
    c.priority = rawNum(hook.priority);
    if (a.type !== undefined) c.type = String(a.type);
    if (a.policy !== undefined) c.policy = policyName(rawNum(a.policy));
    const devs = (hook.devs as RawAttrs | undefined)?.name;
    if (Array.isArray(devs)) c.devices = devs.map(String);
    else if (hook.dev !== undefined) c.devices = [String(hook.dev)];
  }
  const comment = decodeComment(a.userdata);
  if (comment !== undefined) c.comment = comment;
  return c;
}

/** A NEWRULE message: its expressions, and their nft-level reading when there is one. */
export function decodeRule(m: RawReply): NftRule {
  const a = m.attrs;
  const list = (a.expressions as RawAttrs | undefined)?.elem;
  const exprs = Array.isArray(list) ? list.map((e) => decodeExpr(e as RawAttrs)) : [];
  return ruleOf(family(m), a.table, a.chain, a.handle, exprs, a.userdata);
}

/** @internal A rule from its decoded parts (decodeRule's, and the rule tape reader's). */
export function ruleOf(fam: NftFamily | number, table: unknown, chain: unknown, handle: unknown, exprs: NftExpr[], userdata: unknown): NftRule {
  const body = decompileRule(exprs, fam);
  const r: NftRule = { family: fam, table: String(table ?? ''), chain: String(chain ?? ''), handle: rawNum(handle), ...(body ?? {}), exprs, recognised: body !== undefined };
  const comment = decodeComment(userdata);
  if (comment !== undefined) r.comment = comment;
  return r;
}

/** NEWGEN's generation id. */
export function decodeGen(replies: RawReply[]): number {
  const m = replies.find((r) => r.type === ((constant('NFNL_SUBSYS_NFTABLES') << 8) | constant('NFT_MSG_NEWGEN')));
  if (m === undefined || m.attrs.id === undefined) throw new Error('nft: the kernel sent no NEWGEN with a generation id');
  return rawNum(m.attrs.id);
}
