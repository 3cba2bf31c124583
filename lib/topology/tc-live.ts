/**
 * Traffic control as the kernel has it on a topology's links, and how it
 * compares with a declared `qdisc:`: the declared requests are decoded the
 * way the kernel's replies are (same fields, same units), so a slot (root
 * or ingress) is the same when its qdisc, classes and filters decode alike.
 * Also the requests that put a live slot back (a rollback after a replace).
 * @module
 */
import type { RawReply } from '../netlink/native.js';
import type { OperationOptions } from '../netlink/socket.js';
import type { Link } from '../rtnl/link/types.js';
import { decodeClass, decodeFilter, decodeQdisc } from '../rtnl/tc/decode.js';
import { validateClass } from '../rtnl/tc/klass.js';
import { validateFilter, withActions } from '../rtnl/tc/filter.js';
import { type TcDraft, validateQdisc } from '../rtnl/tc/qdisc.js';
import type { ClassSpec, Filter, FilterSpec, Qdisc, QdiscSpec, TcClass } from '../rtnl/tc/types.js';
import type { NsHandle } from './live.js';
import type { ModelTc } from './model.js';

/** One slot of one link as it is: its qdisc, classes and filters. */
export interface LiveSlot {
  qdisc: Qdisc;
  classes: TcClass[];
  filters: Filter[];
}

/** A link's traffic control as it is. */
export interface LiveTc {
  /** The root qdisc, unless it is the kernel's default (handle 0:). */
  root: LiveSlot | undefined;
  /** The ingress (or clsact) qdisc. */
  ingress: LiveSlot | undefined;
}

/** Whether a root qdisc is the kernel's own default (noqueue, pfifo_fast, mq ... with handle 0:). */
const isDefault = (q: Qdisc): boolean => q.handle === '0:';

/** Read the traffic control of the links named (one qdisc dump, then classes and filters where there is something). */
export async function readTc(h: NsHandle, links: readonly Link[], opts: OperationOptions = {}): Promise<Map<string, LiveTc>> {
  const out = new Map<string, LiveTc>();
  if (links.length === 0) return out;
  const qdiscs = await h.nl.tc.qdisc.list({}, opts);
  await Promise.all(
    links.map(async (l) => {
      const mine = qdiscs.filter((q) => q.ifindex === l.ifindex);
      const root = mine.find((q) => q.parent === 'root' && !isDefault(q));
      const ingress = mine.find((q) => q.kind === 'ingress' || q.kind === 'clsact');
      const slot = async (q: Qdisc | undefined, parent: string, classful: boolean): Promise<LiveSlot | undefined> => {
        if (q === undefined) return undefined;
        const [classes, filters] = await Promise.all([
          classful ? h.nl.tc.class.list({ dev: l.ifindex }, opts) : Promise.resolve([]),
          h.nl.tc.filter.list({ dev: l.ifindex, parent }, opts).catch(() => [] as Filter[]),
        ]);
        return { qdisc: q, classes, filters: filters.filter((f) => f.match !== undefined) };
      };
      out.set(l.name, { root: await slot(root, root?.handle ?? '', root?.kind === 'htb'), ingress: await slot(ingress, 'ingress', false) });
    }),
  );
  return out;
}

const fake = (d: TcDraft): RawReply => ({ type: 0, flags: 0, header: { ...d.header, tcmIfindex: 0 }, attrs: d.attrs });

// The fields compared, as decode names them; a declared value left to the kernel (undefined, quantum 0) is not compared.
const QDISC_FIELDS = ['kind', 'handle', 'rate', 'burst', 'limit', 'peakrate', 'mtu', 'default', 'r2q', 'directQlen'] as const;
const CLASS_FIELDS = ['classid', 'parent', 'rate', 'ceil', 'burst', 'cburst', 'prio', 'quantum'] as const;

function differences(what: string, want: Record<string, unknown>, have: Record<string, unknown>, fields: readonly string[], out: string[]): void {
  for (const f of fields) {
    const w = want[f];
    const h = have[f];
    if (w === undefined || (f === 'quantum' && w === 0)) continue;
    // Sizes come back from ticks: a byte either way is the same setting.
    if (typeof w === 'number' && typeof h === 'number' && Math.abs(w - h) <= 1) continue;
    if (w !== h) out.push(`${what}${f} ${h === undefined ? '(none)' : String(h)} -> ${String(w)}`);
  }
}

const filterKey = (f: Filter): string =>
  JSON.stringify([f.prio, f.protocol, f.classid ?? null, f.match ?? null, (f.actions ?? []).map((a) => [a.kind, a.direction, a.action, a.ifindex])]);

function filterDiff(want: FilterSpec[], have: Filter[], ifindexOf: (name: string) => number | undefined, out: string[]): void {
  const wanted = want.map((f) => {
    const ifindexes = (f.actions ?? []).map((a) => ifindexOf(a.dev as string) ?? -1);
    return filterKey(decodeFilter(fake(withActions(validateFilter('topology', f), f.actions ?? [], ifindexes))));
  });
  const live = have.map(filterKey);
  const same = wanted.length === live.length && [...wanted].sort().every((k, i) => k === [...live].sort()[i]);
  if (!same) out.push(`filters ${live.length} -> ${wanted.length}${wanted.length === live.length ? ' (changed)' : ''}`);
}

/**
 * What differs between the declared root slot and the live one (empty: the
 * same). `ifindexOf` gives the live ifindex of a mirred action's link.
 */
export function rootDiffers(tc: ModelTc, live: LiveSlot, ifindexOf: (name: string) => number | undefined): string[] {
  const out: string[] = [];
  const root = tc.root as QdiscSpec;
  differences('', decodeQdisc(fake(validateQdisc('topology', root))) as unknown as Record<string, unknown>, live.qdisc as unknown as Record<string, unknown>, QDISC_FIELDS, out);
  if (out.length > 0) return out; // another qdisc: its classes and filters go with it
  const have = new Map(live.classes.map((c) => [c.classid, c]));
  for (const c of tc.classes) {
    const want = decodeClass(fake(validateClass('topology', c))) as unknown as Record<string, unknown>;
    // The kernel reports a class right under the qdisc as a child of the root.
    if (want.parent === live.qdisc.handle) want.parent = 'root';
    const h = have.get(want.classid as string);
    if (h === undefined) out.push(`class ${String(want.classid)} missing`);
    else differences(`class ${String(want.classid)} `, { ...want, quantum: c.quantum }, h as unknown as Record<string, unknown>, CLASS_FIELDS, out);
    have.delete(want.classid as string);
  }
  for (const c of have.keys()) out.push(`class ${c} not declared`);
  filterDiff(tc.filters, live.filters, ifindexOf, out);
  return out;
}

/** What differs between the declared ingress filters and the live ingress slot. */
export function ingressDiffers(want: FilterSpec[], live: LiveSlot, ifindexOf: (name: string) => number | undefined): string[] {
  const out: string[] = [];
  if (live.qdisc.kind !== 'ingress') out.push(`kind ${live.qdisc.kind} -> ingress`);
  filterDiff(want, live.filters, ifindexOf, out);
  return out;
}

/** The requests that make a live slot again on link `dev` (for a rollback): what netloom can describe of it. */
export function slotSpecs(dev: string | number, slot: LiveSlot): { qdisc: QdiscSpec | undefined; classes: ClassSpec[]; filters: FilterSpec[] } {
  const q = slot.qdisc;
  let qdisc: QdiscSpec | undefined;
  if (q.kind === 'tbf' && q.rate !== undefined && q.burst !== undefined) {
    qdisc = { kind: 'tbf', dev, handle: q.handle, rate: q.rate, burst: q.burst, limit: q.limit ?? 0, ...(q.peakrate === undefined ? {} : { peakrate: q.peakrate, mtu: q.mtu ?? 0 }) };
  } else if (q.kind === 'htb') {
    qdisc = { kind: 'htb', dev, handle: q.handle, default: q.default ?? '0', ...(q.r2q === undefined ? {} : { r2q: q.r2q }), ...(q.directQlen === undefined ? {} : { directQlen: q.directQlen }) };
  } else if (q.kind === 'pfifo' || q.kind === 'bfifo') {
    qdisc = { kind: q.kind, dev, handle: q.handle, ...(q.limit === undefined ? {} : { limit: q.limit }) };
  } else if (q.kind === 'ingress' || q.kind === 'clsact') {
    qdisc = { kind: q.kind, dev };
  }
  const classes: ClassSpec[] = slot.classes
    .filter((c) => c.kind === 'htb' && c.rate !== undefined)
    .map((c) => ({ dev, kind: 'htb', parent: c.parent === 'root' ? q.handle : c.parent, classid: c.classid, rate: c.rate as number, ceil: c.ceil ?? (c.rate as number), ...(c.burst === undefined ? {} : { burst: c.burst }), ...(c.cburst === undefined ? {} : { cburst: c.cburst }), prio: c.prio ?? 0 }));
  const parent = q.kind === 'ingress' || q.kind === 'clsact' ? 'ingress' : q.handle;
  const filters: FilterSpec[] = [];
  for (const f of slot.filters) {
    const m = f.match;
    if (f.kind !== 'u32' || m === undefined || (typeof m === 'object' && 'off' in m)) continue; // a key netloom does not write
    const actions = (f.actions ?? []).filter((a) => a.kind === 'mirred' && a.ifindex !== undefined).map((a) => ({ kind: 'mirred' as const, dev: a.ifindex as number, ...(a.direction === undefined ? {} : { direction: a.direction }), ...(a.action === undefined ? {} : { action: a.action }) }));
    if (f.classid === undefined && actions.length === 0) continue;
    filters.push({ dev, kind: 'u32', parent, protocol: f.protocol, prio: f.prio, match: m, ...(f.classid === undefined ? {} : { classid: f.classid }), ...(actions.length === 0 ? {} : { actions }) });
  }
  return { qdisc, classes, filters };
}
