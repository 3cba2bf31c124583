/**
 * What a failing apply needs to roll back: the undo log's entries, a step's
 * failure carrying its step, waiting for what is in flight, and how a route
 * that was replaced is made again.
 * @module
 */
import type { Route, RouteSpec } from '../rtnl/route/types.js';
import type { PlanStep } from './plan.js';

/** One entry of the undo log: run in reverse order on rollback. */
export interface Undo {
  what: string;
  run: () => Promise<unknown>;
}

/** A step's failure, carrying the step. */
export class StepFailure extends Error {
  constructor(
    readonly step: PlanStep | undefined,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

const GONE = new Set(['ENODEV', 'ENOENT', 'ESRCH', 'EADDRNOTAVAIL']);
export const ignoreGone = (e: unknown): void => {
  if (!GONE.has((e as { code?: string }).code ?? '')) throw e;
};

/** Wait for every promise; then throw the first failure (so nothing is still in flight when rolling back). */
export async function settle(ps: Array<Promise<unknown>>): Promise<void> {
  const rs = await Promise.allSettled(ps);
  const bad = rs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (bad !== undefined) throw bad.reason;
}

/** A decoded single-path route as a spec that makes it again (undefined for multipath ones). */
export function routeSpecOf(r: Route): RouteSpec | undefined {
  if (r.nexthops !== undefined) return undefined;
  const spec: RouteSpec = { dst: r.dst, family: r.family, table: r.table, type: r.type, protocol: r.protocol, scope: r.scope };
  if (r.via !== undefined) spec.via = r.via;
  if (r.dev !== undefined) spec.dev = r.dev;
  if (r.metric !== undefined) spec.metric = r.metric;
  if (r.src !== undefined) spec.src = r.src;
  if (r.onlink) spec.onlink = true;
  return spec;
}
