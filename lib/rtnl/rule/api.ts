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
