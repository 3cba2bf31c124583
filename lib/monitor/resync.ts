/**
 * Resync after an overrun: a snapshot of the watched objects, by identity, and the events that bring it up to date.
 * @module
 */
import { RtnlSocket } from '../netlink/socket.js';
import { AddrApi } from '../rtnl/addr/api.js';
import { LinkApi } from '../rtnl/link/api.js';
import { NeighApi } from '../rtnl/neigh/api.js';
import { RouteApi } from '../rtnl/route/api.js';
import { RuleApi } from '../rtnl/rule/api.js';
import type { MonitorEvent, OverrunEvent, ResyncedEvent, NsidEvent } from './events.js';
import type { MonitorGroup } from './groups.js';

// A snapshot of the watched objects, by identity, with a fingerprint
// of what counts as a change.

export type Keyed = Exclude<MonitorEvent, OverrunEvent | ResyncedEvent | NsidEvent>;

function identity(ev: Keyed): string {
  switch (ev.kind) {
    case 'link':
      return `link ${ev.link.ifindex}`;
    case 'addr':
      return `addr ${ev.addr.ifindex} ${ev.addr.cidr} ${ev.addr.peer ?? ''}`;
    case 'route': {
      const r = ev.route;
      return `route ${r.family} ${String(r.table)} ${r.dst} ${r.metric ?? ''} ${String(r.type)} ${r.dev ?? ''}`;
    }
    case 'neigh':
      return `neigh ${String(ev.neigh.family)} ${ev.neigh.ifindex} ${ev.neigh.dst ?? ''} ${ev.neigh.lladdr ?? ''} ${ev.neigh.proxy}`;
    case 'rule': {
      const r = ev.rule;
      return `rule ${String(r.family)} ${r.priority} ${r.from ?? ''} ${r.to ?? ''} ${r.table} ${String(r.action)} ${r.fwmark ?? ''} ${r.iif ?? ''} ${r.oif ?? ''}`;
    }
  }
}

// What must match for an object to count as unchanged: the decoded object
// without counters, timers and the raw message.
const VOLATILE = new Set(['raw', 'stats', 'carrierChanges', 'validLft', 'preferredLft', 'probes', 'state']);
function fingerprint(ev: Keyed): string {
  const obj = ev.kind === 'link' ? ev.link : ev.kind === 'addr' ? ev.addr : ev.kind === 'route' ? ev.route : ev.kind === 'neigh' ? ev.neigh : ev.rule;
  return JSON.stringify(obj, (k, v: unknown) => (VOLATILE.has(k) ? undefined : Buffer.isBuffer(v) ? v.toString('hex') : v));
}

// Right after an overrun the tables are usually still changing, so a resync
// dump is retried more patiently than an ordinary list() (still bounded).
const RESYNC_RETRIES = { retries: 25 };

export async function dumpAll(sock: RtnlSocket, groups: readonly MonitorGroup[]): Promise<Keyed[]> {
  const link = new LinkApi(sock);
  const out: Keyed[] = [];
  const base = { action: 'new' as const, netnsid: undefined };
  if (groups.includes('link')) for (const l of await link.list({}, RESYNC_RETRIES)) out.push({ kind: 'link', link: l, raw: l.raw, ...base });
  if (groups.includes('addr')) for (const a of await new AddrApi(sock, link).list({}, RESYNC_RETRIES)) out.push({ kind: 'addr', addr: a, raw: a.raw, ...base });
  if (groups.includes('route')) for (const r of await new RouteApi(sock, link).list({ table: 'all' }, RESYNC_RETRIES)) out.push({ kind: 'route', route: r, raw: r.raw, ...base });
  if (groups.includes('neigh')) for (const n of await new NeighApi(sock, link).list({}, RESYNC_RETRIES)) out.push({ kind: 'neigh', neigh: n, raw: n.raw, ...base });
  if (groups.includes('rule')) for (const r of await new RuleApi(sock, link).list({}, RESYNC_RETRIES)) out.push({ kind: 'rule', rule: r, raw: r.raw, ...base });
  return out;
}

export class Snapshot {
  readonly #known = new Map<string, { fp: string; ev: Keyed }>();

  constructor(initial: Keyed[]) {
    for (const ev of initial) this.#known.set(identity(ev), { fp: fingerprint(ev), ev });
  }

  /** Keep the snapshot current with a live event. */
  apply(ev: MonitorEvent): void {
    if (ev.kind === 'overrun' || ev.kind === 'resynced' || ev.kind === 'nsid') return;
    const id = identity(ev);
    if (ev.action === 'del') this.#known.delete(id);
    else this.#known.set(id, { fp: fingerprint(ev), ev });
  }

  /** The events that turn the snapshot into `now`, and adopt `now`. */
  diff(now: Keyed[]): Keyed[] {
    const out: Keyed[] = [];
    const seen = new Set<string>();
    for (const ev of now) {
      const id = identity(ev);
      seen.add(id);
      const was = this.#known.get(id);
      const fp = fingerprint(ev);
      if (was === undefined || was.fp !== fp) {
        out.push({ ...ev, action: 'new', resync: true });
        this.#known.set(id, { fp, ev });
      }
    }
    for (const [id, { ev }] of this.#known) {
      if (seen.has(id)) continue;
      out.push({ ...ev, action: 'del', resync: true });
      this.#known.delete(id);
    }
    return out;
  }
}
