/**
 * The error of a topology operation that failed in the kernel or could not
 * start: which step, the kernel's reason, and what was rolled back.
 * @module
 */
import { NetlinkError } from '../netlink/errors.js';
import type { PlanStep } from './plan.js';

/** Options of the {@link TopologyError} constructor. */
export interface TopologyErrorOptions {
  /** The step that failed. */
  step?: PlanStep;
  /** The underlying error (a NetlinkError from the kernel, usually). */
  cause?: unknown;
  /** Objects this apply had made and removed again. */
  rolledBack?: number;
  /** Failures while rolling back. */
  rollbackErrors?: unknown[];
  /** Conflicts that stopped apply before it touched anything. */
  conflicts?: string[];
}

/**
 * An apply or destroy that failed. For a failed step: `step` says which
 * (stage, object, namespace and declaration path), `cause` is the kernel's
 * NetlinkError (its `code`, `errno` and `extack` are copied here), and
 * `rolledBack` counts what this apply had made and removed again.
 *
 * ```ts
 * try { await topo.apply(); }
 * catch (e) { if (e instanceof TopologyError) console.error(e.step?.path, e.code, e.extack); }
 * ```
 */
export class TopologyError extends Error {
  /** The topology's name. */
  readonly topology: string;
  /** What netloom was doing: 'topology.apply', 'topology.destroy'. */
  readonly operation: string;
  /** The step that failed, when a step did. */
  readonly step: PlanStep | undefined;
  /** The errno name of the kernel's refusal ('EEXIST', 'ENETUNREACH', ...), when the cause is a NetlinkError. */
  readonly code: string | undefined;
  /** The errno value, likewise. */
  readonly errno: number | undefined;
  /** The kernel's extended ACK text, when it sent one. */
  readonly extack: string | undefined;
  /** How many objects made by this apply were removed again. */
  readonly rolledBack: number;
  /** Failures during the roll-back (empty when it went through). */
  readonly rollbackErrors: unknown[];
  /** Conflicts that stopped apply before it touched anything. */
  readonly conflicts: string[];

  /** Build the error: `message` says what happened, in words. */
  constructor(topology: string, operation: string, message: string, opts: TopologyErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TopologyError';
    this.topology = topology;
    this.operation = operation;
    this.step = opts.step;
    const k = opts.cause instanceof NetlinkError ? opts.cause : undefined;
    this.code = k?.code ?? (opts.cause as { code?: string } | undefined)?.code;
    this.errno = k?.errno;
    this.extack = k?.extack;
    this.rolledBack = opts.rolledBack ?? 0;
    this.rollbackErrors = opts.rollbackErrors ?? [];
    this.conflicts = opts.conflicts ?? [];
  }
}

/** A step's description for messages: "create link br0 (bridge) in switch (namespaces.switch.links[0])". */
export function describeStep(s: PlanStep): string {
  return `${s.action} ${s.object} ${s.name} in ${s.namespace}${s.path === undefined ? '' : ` (${s.path})`}`;
}
