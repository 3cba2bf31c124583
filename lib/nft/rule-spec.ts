/**
 * Checking where a rule goes and which rule is meant (family, table, chain,
 * handle, position) before any I/O; the body is rule-check.ts's.
 * @module
 */
import { checkRuleBody } from './rule-check.js';
import type { NftRuleBody, NftRuleFilter, NftRuleRef, NftRuleSpec } from './rule-types.js';
import type { NftFamily } from './types.js';
import { checkFamily, checkName } from './validate.js';

/** A rule spec, checked: where it goes, and its body. */
export interface CheckedRule {
  family: NftFamily;
  table: string;
  chain: string;
  insert: boolean;
  position?: number;
  body: NftRuleBody;
}

const PLACE_FIELDS = ['family', 'table', 'chain', 'insert', 'position'];
const BODY_FIELDS = ['match', 'limit', 'counter', 'log', 'nat', 'verdict', 'comment', 'exprs'];

function object(op: string, v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError(`${op}: ${what} must be an object`);
  return v as Record<string, unknown>;
}

function handle(op: string, v: unknown, field: string): number {
  // Handles are 64-bit in the kernel, but allocated from 1 upwards per table.
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new TypeError(`${op}: ${field}: must be a rule handle (an integer from 1), got ${JSON.stringify(v)}`);
  return v;
}

/** Validate a {@link NftRuleSpec}: place and body (throws naming the field). */
export function checkRuleSpec(op: string, spec: NftRuleSpec): CheckedRule {
  const o = object(op, spec, 'rule');
  const family = checkFamily(op, o.family);
  const table = checkName(op, o.table, 'table');
  const chain = checkName(op, o.chain, 'chain');
  if (o.insert !== undefined && typeof o.insert !== 'boolean') throw new TypeError(`${op}: insert: must be a boolean`);
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (BODY_FIELDS.includes(k)) body[k] = v;
    else if (!PLACE_FIELDS.includes(k)) throw new TypeError(`${op}: ${k}: unknown field (known: ${[...PLACE_FIELDS, ...BODY_FIELDS].join(', ')})`);
  }
  checkRuleBody(op, body as NftRuleBody, family);
  const out: CheckedRule = { family, table, chain, insert: o.insert === true, body: body as NftRuleBody };
  if (o.position !== undefined) out.position = handle(op, o.position, 'position');
  return out;
}

/** Validate a {@link NftRuleRef}. */
export function checkRuleRef(op: string, ref: NftRuleRef): NftRuleRef {
  const o = object(op, ref, 'ref');
  for (const k of Object.keys(o)) if (!['family', 'table', 'chain', 'handle'].includes(k)) throw new TypeError(`${op}: ${k}: unknown field (known: family, table, chain, handle)`);
  return { family: checkFamily(op, o.family), table: checkName(op, o.table, 'table'), chain: checkName(op, o.chain, 'chain'), handle: handle(op, o.handle, 'handle') };
}

/** Validate a {@link NftRuleFilter}; `needChain` for flush, which names one chain. */
export function checkRuleFilter(op: string, filter: NftRuleFilter, needChain: boolean): NftRuleFilter & { family?: NftFamily } {
  const o = object(op, filter, 'filter');
  for (const k of Object.keys(o)) if (!['family', 'table', 'chain'].includes(k)) throw new TypeError(`${op}: ${k}: unknown field (known: family, table, chain)`);
  const out: NftRuleFilter = {};
  if (needChain || o.family !== undefined) out.family = checkFamily(op, o.family);
  if (needChain || o.table !== undefined) out.table = checkName(op, o.table, 'table');
  if (needChain || o.chain !== undefined) out.chain = checkName(op, o.chain, 'chain');
  if (out.chain !== undefined && out.table === undefined) throw new TypeError(`${op}: table: needed with chain`);
  if (out.table !== undefined && out.family === undefined) throw new TypeError(`${op}: family: needed with table`);
  return out;
}
