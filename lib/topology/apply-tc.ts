/**
 * Applying the traffic control and nexthop parts of a difference: a qdisc
 * slot made (qdisc, then its classes, then its filters) or replaced
 * (deleted first, so its classes and filters go with it), nexthops made
 * members first and groups after, replaced in place, or deleted and made
 * again; each logged with how to undo it, and their removals.
 * @module
 */
import type { Netlink } from '../rtnl/handle.js';
import type { OperationOptions } from '../netlink/socket.js';
import type { NexthopObject, NexthopObjectSpec } from '../rtnl/nexthop/types.js';
import { ignoreGone, settle } from './apply-undo.js';
import type { Diff, NsDiff, TcWork } from './diff-types.js';
import { ownsNamespace } from './model.js';
import { type LiveSlot, slotSpecs } from './tc-live.js';

/** Runs one step of the plan (progress, failure with its step). */
export type StepRunner = <T>(ref: unknown, fn: () => Promise<T>) => Promise<T>;
/** Adds an entry to the undo log, for objects in namespaces this apply did not make. */
export type UndoLog = (nsKey: string, what: string, run: () => Promise<unknown>) => void;

// A slot that is not there: ENOENT, or EINVAL for a qdisc the kernel cannot find to delete.
const ignoreNoQdisc = (e: unknown): void => {
  if ((e as { code?: string }).code !== 'EINVAL') ignoreGone(e);
};

async function delSlot(nl: Netlink, dev: string, slot: 'root' | 'ingress', kind: string, sig: OperationOptions): Promise<void> {
  await nl.tc.qdisc.del(slot === 'root' ? { dev, parent: 'root' } : { dev, parent: kind === 'clsact' ? 'clsact' : 'ingress' }, sig);
}

async function restoreSlot(nl: Netlink, dev: string, live: LiveSlot): Promise<void> {
  const s = slotSpecs(dev, live);
  if (s.qdisc === undefined) return;
  await nl.tc.qdisc.add(s.qdisc);
  for (const c of s.classes) await nl.tc.class.add(c);
  for (const f of s.filters) await nl.tc.filter.add(f);
}

/** Make or replace one slot. */
async function applySlot(d: NsDiff, nl: Netlink, w: TcWork, fresh: boolean, sig: OperationOptions, log: UndoLog): Promise<void> {
  const dev = w.link.name;
  const tc = w.link.tc;
  if (tc === undefined) return;
  if (w.action === 'replace' && w.live !== undefined) await delSlot(nl, dev, w.slot, w.live.qdisc.kind, sig).catch(ignoreNoQdisc);
  const root = w.slot === 'root';
  await nl.tc.qdisc.add(root && tc.root !== undefined ? tc.root : { kind: 'ingress', dev }, sig);
  // Logged at once: a class or filter failing next must not leave the qdisc behind (a link made now takes it along).
  const before = w.live;
  if (!fresh) {
    log(d.ns.key, `${w.slot} qdisc of ${dev}`, async () => {
      await delSlot(nl, dev, w.slot, 'ingress', {}).catch(ignoreNoQdisc);
      if (before !== undefined) await restoreSlot(nl, dev, before);
    });
  }
  if (root) for (const c of tc.classes) await nl.tc.class.add(c, sig);
  for (const f of root ? tc.filters : (tc.ingress ?? [])) await nl.tc.filter.add(f, sig);
}

/** The qdiscs stage: every slot to make or replace, all namespaces at once. */
export async function qdiscStage(diff: Diff, nlOf: (key: string) => Netlink, sig: OperationOptions, step: StepRunner, log: UndoLog): Promise<void> {
  await settle(
    diff.namespaces.flatMap((d) =>
      d.tc.filter((w) => w.action !== 'remove').map((w) => step(w, () => applySlot(d, nlOf(d.ns.key), w, diff.fresh.has(`${d.ns.key}/${w.link.name}`), sig, log))),
    ),
  );
}

/** The qdisc removals of a namespace (no longer declared on its links). */
export function tcRemovals(d: NsDiff, nl: Netlink, sig: OperationOptions, step: StepRunner): Array<Promise<unknown>> {
  return d.tc.filter((w) => w.action === 'remove').map((w) => step(w, () => delSlot(nl, w.link.name, w.slot, w.live?.qdisc.kind ?? 'ingress', sig).catch(ignoreNoQdisc)));
}

/** A live nexthop as the spec that makes it again. */
export function nexthopSpecOf(n: NexthopObject): NexthopObjectSpec {
  const spec: NexthopObjectSpec = { id: n.id, protocol: n.protocol };
  if (n.fdb) spec.fdb = true;
  if (n.group !== undefined) {
    spec.group = n.group.map((g) => ({ id: g.id, weight: g.weight }));
    if (n.groupType === 'resilient') spec.groupType = 'resilient';
    return spec;
  }
  if (n.blackhole) spec.blackhole = true;
  if (n.via !== undefined) spec.via = n.via;
  if (n.dev !== undefined) spec.dev = n.dev;
  if (n.onlink) spec.onlink = true;
  if (n.family === 'inet6' && n.via === undefined) spec.family = 'inet6';
  return spec;
}

/** The nexthops stage: deletes of what changes between group and single, then singles, then groups. */
export async function nexthopStage(diff: Diff, nlOf: (key: string) => Netlink, sig: OperationOptions, step: StepRunner, log: UndoLog): Promise<void> {
  await settle(
    diff.namespaces.flatMap((d) =>
      d.nhDeletes.map((x) =>
        step(x, async () => {
          const nl = nlOf(d.ns.key);
          await nl.nexthop.del(x.live.id, sig).catch(ignoreGone);
          log(d.ns.key, `nexthop ${x.live.id}`, () => nl.nexthop.replace(nexthopSpecOf(x.live)));
        }),
      ),
    ),
  );
  for (const groups of [false, true]) {
    await settle(
      diff.namespaces.flatMap((d) => {
        const nl = nlOf(d.ns.key);
        const own = ownsNamespace(d.ns);
        return [
          ...d.nhCreates.filter((m) => (m.spec.group !== undefined) === groups).map((m) =>
            step(m, async () => {
              await (own ? nl.nexthop.replace(m.spec, sig) : nl.nexthop.add(m.spec, sig));
              log(d.ns.key, `nexthop ${m.id}`, () => nl.nexthop.del(m.id).catch(ignoreGone));
            }),
          ),
          ...d.nhChanges.filter((c) => (c.model.spec.group !== undefined) === groups).map((c) =>
            step(c, async () => {
              await nl.nexthop.replace(c.model.spec, sig);
              log(d.ns.key, `nexthop ${c.model.id}`, () => nl.nexthop.replace(nexthopSpecOf(c.live)));
            }),
          ),
        ];
      }),
    );
  }
}

/** The nexthop removals, after the routes': groups first (a member may not go from under one), then singles. */
export async function nexthopRemovals(diff: Diff, nlOf: (key: string) => Netlink, sig: OperationOptions, step: StepRunner): Promise<void> {
  for (const groups of [true, false]) {
    await settle(diff.namespaces.flatMap((d) => d.nhRemoves.filter((n) => (n.group !== undefined) === groups).map((n) => step(n, () => nlOf(d.ns.key).nexthop.del(n.id, sig).catch(ignoreGone)))));
  }
}
