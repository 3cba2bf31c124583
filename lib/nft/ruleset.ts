/**
 * A declared ruleset: an owner's tables, their sets, chains and rules, as plain
 * data (the same in TypeScript, JSON and YAML), checked whole before any I/O
 * (every field named by its path, jumps to undeclared chains included), and
 * compiled into the messages that make it.
 * @module
 */
import { constant, native, type NativeBatchMessage, type RawMessage } from '../netlink/native.js';
import { compileRule } from './compile.js';
import { exprListBytes } from './expr-bytes.js';
import { newChain, newRule, newTable, ruleComment } from './encode.js';
import { checkRuleBody } from './rule-check.js';
import type { NftExpr, NftRuleBody } from './rule-types.js';
import type { NftChainSpec, NftFamily, NftTableSpec } from './types.js';
import { type CheckedChain, type CheckedTable, checkChain, checkTable, OWNER_RE } from './validate.js';
import { type CheckedSet, checkSetSpec } from './set-check.js';
import { SetIds } from './set-codec.js';
import { setCreateMessages, withSetIds } from './set-members.js';
import type { NftSetSpec } from './set-types.js';

/** A chain of a declared table: a chain spec without family and table, and its rules in order. */
export interface NftChainDecl extends Omit<NftChainSpec, 'family' | 'table'> {
  rules?: NftRuleBody[];
}

/** A set or map of a declared table: a set spec without family and table, with its elements. */
export type NftSetDecl = Omit<NftSetSpec, 'family' | 'table'>;

/** A table of a declared ruleset (its owner is the ruleset's). */
export interface NftTableDecl extends Omit<NftTableSpec, 'owner'> {
  /** Its sets and maps, made before its chains (so rules can look them up). */
  sets?: NftSetDecl[];
  chains?: NftChainDecl[];
}

/**
 * What {@link Nft.apply} makes the kernel hold: every table marked with
 * `owner`, exactly as declared. Tables of other owners are never touched.
 */
export interface NftRuleset {
  /** The mark (`netloom:<owner>` in each table's comment). */
  owner: string;
  tables: NftTableDecl[];
}

/** A checked table with its chains and compiled rules, and the messages that create it. */
export interface CheckedTableDecl {
  table: CheckedTable;
  sets: CheckedSet[];
  chains: Array<{ chain: CheckedChain; rules: Array<{ exprs: NftExpr[]; comment: string | undefined }> }>;
  /** `inet filter`. */
  key: string;
}

/** Check a ruleset whole: TypeError/RangeError naming the field by its path (`tables[0].chains[1].rules[2].verdict.jump`). */
export function checkRuleset(op: string, ruleset: NftRuleset): CheckedTableDecl[] {
  if (typeof ruleset !== 'object' || ruleset === null) throw new TypeError(`${op}: ruleset: must be an object`);
  for (const k of Object.keys(ruleset)) if (k !== 'owner' && k !== 'tables') throw new TypeError(`${op}: ${k}: unknown field (known: owner, tables)`);
  if (typeof ruleset.owner !== 'string' || !OWNER_RE.test(ruleset.owner)) throw new TypeError(`${op}: owner: must match ${String(OWNER_RE)}, got ${JSON.stringify(ruleset.owner)}`);
  if (!Array.isArray(ruleset.tables)) throw new TypeError(`${op}: tables: must be an array`);
  const seen = new Set<string>();
  return ruleset.tables.map((decl, ti) => {
    const where = `${op}: tables[${ti}]`;
    if (typeof decl !== 'object' || decl === null) throw new TypeError(`${where}: must be an object`);
    const { chains = [], sets = [], ...spec } = decl;
    const table = checkTable(where, { ...spec, owner: ruleset.owner });
    const key = `${table.family} ${table.name}`;
    if (seen.has(key)) throw new TypeError(`${where}: table ${key} is declared twice`);
    seen.add(key);
    if (!Array.isArray(sets)) throw new TypeError(`${where}.sets: must be an array`);
    const setNames = new Set<string>();
    const checkedSets = sets.map((d, si) => {
      const sw = `${where}.sets[${si}]`;
      if (typeof d !== 'object' || d === null) throw new TypeError(`${sw}: must be an object`);
      const c = checkSetSpec(sw, { ...d, family: table.family, table: table.name });
      if (setNames.has(c.name)) throw new TypeError(`${sw}: name: set '${c.name}' is declared twice`);
      setNames.add(c.name);
      return c;
    });
    if (!Array.isArray(chains)) throw new TypeError(`${where}.chains: must be an array`);
    const names = new Set<string>();
    const checked = chains.map((c, ci) => {
      const cw = `${where}.chains[${ci}]`;
      if (typeof c !== 'object' || c === null) throw new TypeError(`${cw}: must be an object`);
      const { rules = [], ...cs } = c;
      const chain = checkChain(cw, { ...cs, family: table.family, table: table.name });
      if (names.has(chain.name)) throw new TypeError(`${cw}: name: chain '${chain.name}' is declared twice`);
      names.add(chain.name);
      if (!Array.isArray(rules)) throw new TypeError(`${cw}.rules: must be an array`);
      return { chain, rules: rules as NftRuleBody[], where: cw };
    });
    return {
      table,
      key,
      sets: checkedSets,
      chains: checked.map(({ chain, rules, where: cw }) => ({
        chain,
        rules: rules.map((r, ri) => {
          const rw = `${cw}.rules[${ri}]`;
          checkRuleBody(rw, r, table.family);
          for (const how of ['jump', 'goto'] as const) {
            const target = typeof r.verdict === 'object' && how in r.verdict ? (r.verdict as Record<string, string>)[how] : undefined;
            if (target !== undefined && !names.has(target)) throw new TypeError(`${rw}: verdict.${how}: chain '${target}' is not declared in table ${key}`);
          }
          return { exprs: compileRule(r, table.family), comment: r.comment };
        }),
      })),
    };
  });
}

/** The messages that create a checked table with its chains and rules, in order. */
export function createMessages(t: CheckedTableDecl): NativeBatchMessage[] {
  const out = [newTable(t.table)];
  // Sets first, so that rules can look them up (set ids per table: the kernel matches an id only within its table).
  const ids = new SetIds();
  for (const set of t.sets) out.push(...setCreateMessages(set, ids));
  // Chains first, all of them, so that rules can jump to any.
  for (const c of t.chains) out.push(newChain(c.chain));
  // Every rule's expressions encoded in one go (each shape once), and each
  // chain's rules as payloads in one native call (no echo: a declared
  // ruleset is named by its tables, not by rule handles).
  for (const c of t.chains) {
    if (c.rules.length === 0) continue;
    const head = newRule(t.table.family as NftFamily, t.table.name, c.chain.name, { bytes: [] }, undefined, { insert: false });
    const flags = head.flags & ~constant('NLM_F_ECHO');
    const exprs = exprListBytes(c.rules.map((r) => withSetIds(r.exprs, t.table.family, t.table.name, ids)));
    const userdata = c.rules.some((r) => r.comment !== undefined) ? c.rules.map((r) => (r.comment === undefined ? undefined : ruleComment(r.comment))) : undefined;
    const { attrs, ...header } = head.msg as RawMessage;
    const { expressions: _none, ...names } = attrs ?? {};
    const payloads = native.nft.encodeRules(head.type, { ...header, attrs: names }, exprs.bytes, exprs.ends, userdata);
    let from = 0;
    for (const end of payloads.ends) {
      out.push({ type: head.type, flags, msg: payloads.bytes.subarray(from, end) });
      from = end;
    }
  }
  return out;
}
