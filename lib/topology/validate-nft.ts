/**
 * Checking a namespace's `nat:` and `firewall:` (pass 5) into the nf_tables
 * ruleset the topology keeps there: one `inet` table, `netloom-NAME`, marked
 * as the topology's, with a chain per hook that has rules. Every rule goes
 * through the checks `nft.rule.add` runs, its message pointing into the
 * declaration (`topology: namespaces.router.nat.publish[0]: match.dport: ...`).
 * @module
 */
import { checkRuleBody } from '../nft/rule-check.js';
import type { NftRuleBody } from '../nft/rule-types.js';
import { checkRuleset, type NftChainDecl, type NftRuleset } from '../nft/ruleset.js';
import { allow, deny, dnat, masquerade, publishPort, snat } from '../nft/recipes.js';
import { join, show } from '../rtnl/link/kinds/check.js';
import { OP, array, known, object, typeError } from './check.js';
import type { ModelNs } from './model.js';

const NAT_KEYS = ['masquerade', 'publish', 'oneToOne'];
const FIREWALL_HOOKS = ['input', 'forward', 'output'] as const;
const RULE_KINDS = ['allow', 'deny'];

/** The table a topology keeps in each namespace that declares NAT or a firewall. */
export function nftTableName(topology: string): string {
  return `netloom-${topology}`;
}

// Run a recipe or a check whose message starts with its own name, and say
// instead where in the declaration the problem is.
function at<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError) || e.message.startsWith(`${OP}: `)) throw e;
    const m = /^[A-Za-z.]+: (.*)$/s.exec(e.message);
    const Ctor = e instanceof RangeError ? RangeError : TypeError;
    throw new Ctor(`${OP}: ${path}: ${m ? m[1] : e.message}`);
  }
}

function one(path: string, item: Record<string, unknown>, make: (path: string, item: Record<string, unknown>) => NftRuleBody): NftRuleBody {
  const body = at(path, () => make(path, item));
  checkRuleBody(`${OP}: ${path}`, body, 'inet');
  return body;
}

function rules(path: string, list: unknown, make: (path: string, item: Record<string, unknown>) => NftRuleBody): NftRuleBody[] {
  if (list === undefined) return [];
  return array(path, list).map((item, i) => one(`${path}[${i}]`, object(`${path}[${i}]`, item), make));
}

function firewallRule(path: string, item: Record<string, unknown>): NftRuleBody {
  const kinds = RULE_KINDS.filter((k) => item[k] !== undefined);
  if (kinds.length > 1) typeError(path, 'give one of allow and deny');
  if (item.allow !== undefined) {
    known(path, item, ['allow'], 'firewall rule');
    return allow(object(join(path, 'allow'), item.allow));
  }
  if (item.deny !== undefined) {
    known(path, item, ['deny'], 'firewall rule');
    return deny(object(join(path, 'deny'), item.deny));
  }
  const v = item.verdict;
  if (typeof v === 'object' && v !== null && ('jump' in v || 'goto' in v)) typeError(join(path, 'verdict'), 'a topology firewall has no chains of its own to jump to');
  return item as NftRuleBody; // a rule body of its own: checked as any rule
}

/** The ruleset of one namespace's `nat:` and `firewall:`; undefined when it declares neither. */
export function checkNft(topology: string, ns: ModelNs, d: Record<string, unknown>): NftRuleset | undefined {
  if (d.nat === undefined && d.firewall === undefined) return undefined;
  const pre: NftRuleBody[] = [];
  const post: NftRuleBody[] = [];
  if (d.nat !== undefined) {
    const path = join(ns.path, 'nat');
    const nat = object(path, d.nat);
    known(path, nat, NAT_KEYS, 'nat');
    post.push(...rules(join(path, 'masquerade'), nat.masquerade, (_, o) => masquerade(o)));
    pre.push(...rules(join(path, 'publish'), nat.publish, (_, o) => publishPort(o as never)));
    const pairs = nat.oneToOne === undefined ? [] : array(join(path, 'oneToOne'), nat.oneToOne);
    pairs.forEach((item, i) => {
      const p = `${join(path, 'oneToOne')}[${i}]`;
      const o = object(p, item);
      known(p, o, ['private', 'public', 'iface', 'counter', 'comment'], 'oneToOne');
      for (const f of ['private', 'public']) if (typeof o[f] !== 'string') typeError(join(p, f), `must be an address, got ${show(o[f])}`);
      post.push(one(p, o, (_, x) => snat(x as never)));
      pre.push(one(p, o, (_, x) => dnat(x as never)));
    });
  }
  const chains: NftChainDecl[] = [];
  if (pre.length > 0) chains.push({ name: 'nat-prerouting', type: 'nat', hook: 'prerouting', priority: 'dstnat', rules: pre });
  if (post.length > 0) chains.push({ name: 'nat-postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat', rules: post });
  if (d.firewall !== undefined) {
    const path = join(ns.path, 'firewall');
    const fw = object(path, d.firewall);
    known(path, fw, FIREWALL_HOOKS, 'firewall');
    for (const hook of FIREWALL_HOOKS) {
      if (fw[hook] === undefined) continue;
      const hp = join(path, hook);
      const c = object(hp, fw[hook]);
      known(hp, c, ['policy', 'rules'], 'firewall chain');
      if (c.policy !== undefined && c.policy !== 'accept' && c.policy !== 'drop') typeError(join(hp, 'policy'), `must be accept or drop, got ${show(c.policy)}`);
      const chain: NftChainDecl = { name: hook, type: 'filter', hook, priority: 'filter', rules: rules(join(hp, 'rules'), c.rules, firewallRule) };
      if (c.policy !== undefined) chain.policy = c.policy;
      chains.push(chain);
    }
  }
  const ruleset: NftRuleset = { owner: topology, tables: [{ family: 'inet', name: nftTableName(topology), chains }] };
  at(ns.path, () => checkRuleset('nft.apply', ruleset)); // what apply will check again: nothing left to fail there
  return ruleset;
}
