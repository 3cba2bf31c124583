/**
 * Policy routing rules: `ip rule`. The {@link RuleApi} operations of a handle.
 * @module
 */
import { constant } from '../../netlink/native.js';
import type { DumpOptions, OperationOptions, RtnlSocket } from '../../netlink/socket.js';
// Only for the constructor's declared type (part of the public surface).
import type { LinkLookup } from '../values/ifindex.js';
import { checkFamily } from '../values/checks.js';
import { familyNumber } from '../values/tables.js';
import type { Rule, RuleFilter, RuleSpec } from './types.js';
import { validateRule } from './validate.js';
import { decodeRule } from './decode.js';

/** The typed policy-rule operations of one rtnetlink handle. */
export class RuleApi {
  readonly #sock: RtnlSocket;

  /** @internal Bound to a socket (the link API is unused: rules name interfaces by name). */
  constructor(sock: RtnlSocket, _link?: LinkLookup) {
    this.#sock = sock;
  }

  /**
   * Add a rule. Fails with EEXIST if an identical rule exists (NLM_F_EXCL, like ip).
   *
   * Equivalent to: `ip rule add [from P] [to P] [iif I] [oif O] [fwmark M/K] [tos T] [ipproto N] [sport R] [dport R] [priority N] [table T | goto N | blackhole | ...]`
   */
  async add(spec: RuleSpec, opts: OperationOptions = {}): Promise<void> {
    const op = 'rule.add';
    const msg = validateRule(op, spec, true);
    await this.#sock.request(op, constant('RTM_NEWRULE'), constant('NLM_F_CREATE') | constant('NLM_F_EXCL'), msg, opts, spec);
  }

  /**
   * Make `spec` the one rule at its priority (in its family): add it, then
   * delete the rules that were at that priority before. There is no gap: the
   * kernel puts a new rule after the existing ones of the same priority, so
   * the old rule decides until it is deleted, the new one from then on.
   * `priority` is required (it is what is replaced).
   *
   * Not NLM_F_REPLACE: the kernel ignores that flag on RTM_NEWRULE (6.18 adds
   * a second rule), and iproute2 has no `ip rule replace`.
   *
   * Equivalent to: `ip rule add PRIORITY SELECTOR ACTION` followed by `ip rule del` of the rules previously at PRIORITY
   */
  async replace(spec: RuleSpec, opts: OperationOptions = {}): Promise<void> {
    const op = 'rule.replace';
    const msg = validateRule(op, spec, true);
    if (spec.priority === undefined) throw new TypeError(`${op}: priority: required (the rules at that priority are what is replaced)`);
    const family = msg.header.family as number;
    const before = (await this.#sock.collect(op, constant('RTM_GETRULE'), { header: { family } }, opts)).filter(
      (m) => m.type === constant('RTM_NEWRULE') && m.attrs.priority === spec.priority,
    );
    // Without NLM_F_EXCL: an identical rule may already be there (the one being replaced).
    await this.#sock.request(op, constant('RTM_NEWRULE'), constant('NLM_F_CREATE'), msg, opts, spec);
    for (const old of before) {
      // The kernel deletes the first rule matching, in list order: the old one, even when the new is identical.
      try {
        await this.#sock.request(op, constant('RTM_DELRULE'), 0, { header: old.header, attrs: old.attrs }, opts, spec);
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') throw e; // deleted meanwhile
      }
    }
  }

  /**
   * Delete the first rule matching every field given (fields left out match anything).
   * Fails with ENOENT when none matches.
   *
   * Equivalent to: `ip rule del [from P] [priority N] [table T] ...`
   */
  async del(spec: RuleSpec, opts: OperationOptions = {}): Promise<void> {
    const op = 'rule.del';
    const msg = validateRule(op, spec, false);
    await this.#sock.request(op, constant('RTM_DELRULE'), 0, msg, opts, spec);
  }

  /**
   * The rules, in the kernel's order (by priority), of one family or both.
   *
   * Equivalent to: `ip rule show` / `ip -6 rule show`
   */
  async list(filter: RuleFilter = {}, opts: DumpOptions = {}): Promise<Rule[]> {
    const op = 'rule.list';
    const { family } = filter;
    const af = familyNumber(checkFamily(family, op));
    const replies = await this.#sock.collect(op, constant('RTM_GETRULE'), { header: { family: af } }, opts);
    const newrule = constant('RTM_NEWRULE');
    return replies.filter((m) => m.type === newrule).map(decodeRule);
  }
}
