/**
 * Reading the machine's namespaces as they are (`netloom show`, live
 * graphs): the current one and the named ones under /run/netns, with their
 * links, addresses, qdiscs, nexthop objects and nf_tables tables, veth
 * ends paired across namespaces.
 * @module
 */
import type { Address } from '../rtnl/addr/types.js';
import type { Link } from '../rtnl/link/types.js';
import type { NexthopObject } from '../rtnl/nexthop/types.js';
import type { Qdisc } from '../rtnl/tc/types.js';
import { NetNs, netns } from '../netns/netns.js';
import { type NsHandle, closeHandle, handleOn } from './live.js';
import { parseMark } from './marks.js';
import { tableSummaries, type TableSummary } from './nft-live.js';

/** One namespace as read. */
export interface ScannedNamespace {
  /** 'current' or the name under the run directory (or the label given). */
  label: string;
  /** True for a named namespace (under the run directory). */
  named: boolean;
  /** The topology whose mark its `lo` carries, if any. */
  owner: string | undefined;
  /** Its links. */
  links: Link[];
  /** Its addresses. */
  addrs: Address[];
  /** Its nf_tables tables, counted. */
  tables: TableSummary[];
  /** Its qdiscs (the kernel's defaults, handle 0:, included). */
  qdiscs: Qdisc[];
  /** Its nexthop objects. */
  nexthops: NexthopObject[];
}

/** A veth pair found across (or within) namespaces. */
export interface ScannedPair {
  /** One end: namespace label and link name. */
  a: { ns: string; link: string };
  /** The other end. */
  b: { ns: string; link: string };
}

/** What {@link scanNamespaces} found. */
export interface Scan {
  /** The namespaces, the current one first. */
  namespaces: ScannedNamespace[];
  /** The veth pairs. */
  pairs: ScannedPair[];
}

/** Options of {@link scanNamespaces}. */
export interface ScanOptions {
  /** The directory of named namespaces. Default /run/netns. */
  runDir?: string;
  /** Read these namespaces instead of the current and named ones (label → handle; borrowed, not closed). */
  only?: ReadonlyMap<string, NetNs>;
  /** Leave out the current namespace. */
  skipCurrent?: boolean;
}

/**
 * Read namespaces: the current one and every named one (or `only`), their
 * links and addresses, and pair veth ends (by peer ifindex, checked with the
 * namespace ids the kernel reports when ambiguous). Namespaces that vanish
 * meanwhile are skipped.
 */
export async function scanNamespaces(opts: ScanOptions = {}): Promise<Scan> {
  const dir = opts.runDir === undefined ? {} : { runDir: opts.runDir };
  const opened: Array<{ label: string; named: boolean; h: NsHandle }> = [];
  try {
    if (opts.only !== undefined) {
      for (const [label, ns] of opts.only) opened.push({ label, named: ns.name !== undefined, h: await handleOn(await netns.open({ path: `/proc/self/fd/${ns.fd}` })) });
    } else {
      if (opts.skipCurrent !== true) opened.push({ label: 'current', named: false, h: await handleOn(netns.current()) });
      for (const name of await netns.list(dir)) {
        try {
          opened.push({ label: name, named: true, h: await handleOn(await netns.open({ name, ...dir })) });
        } catch {
          // gone meanwhile, or not a namespace mount
        }
      }
    }
    const read = await Promise.all(
      opened.map(async (o) => {
        try {
          const [links, addrs, tables, qdiscs, nexthops] = await Promise.all([
            o.h.nl.link.list(),
            o.h.nl.addr.list(),
            tableSummaries(o.h),
            o.h.nl.tc.qdisc.list().catch(() => [] as Qdisc[]),
            o.h.nl.nexthop.list().catch(() => [] as NexthopObject[]),
          ]);
          const lo = links.find((l) => l.name === 'lo');
          const mark = parseMark(lo?.alias);
          return { label: o.label, named: o.named, owner: mark?.role === 'netns' ? mark.topology : undefined, links, addrs, tables, qdiscs, nexthops };
        } catch {
          return undefined;
        }
      }),
    );
    const namespaces = read.filter((x): x is ScannedNamespace => x !== undefined);
    const pairs = await pairVeths(namespaces, new Map(opened.map((o) => [o.label, o.h])));
    return { namespaces, pairs };
  } finally {
    await Promise.all(opened.map((o) => closeHandle(o.h)));
  }
}

async function pairVeths(namespaces: ScannedNamespace[], handles: Map<string, NsHandle>): Promise<ScannedPair[]> {
  const pairs: ScannedPair[] = [];
  const done = new Set<string>();
  for (const a of namespaces) {
    for (const l of a.links) {
      if (l.kind !== 'veth' || l.parent === undefined || done.has(`${a.label}/${l.name}`)) continue;
      let candidates: Array<{ ns: ScannedNamespace; link: Link }>;
      if (l.linkNetnsid === undefined) {
        const p = a.links.find((x) => x.ifindex === l.parent);
        candidates = p === undefined ? [] : [{ ns: a, link: p }];
      } else {
        candidates = namespaces
          .filter((b) => b !== a)
          .flatMap((b) => b.links.filter((x) => x.kind === 'veth' && x.ifindex === l.parent && x.parent === l.ifindex && x.linkNetnsid !== undefined).map((x) => ({ ns: b, link: x })));
        if (candidates.length > 1) {
          // The peer's namespace is the one this namespace calls linkNetnsid.
          const ha = handles.get(a.label);
          const checked: typeof candidates = [];
          for (const c of candidates) {
            const hb = handles.get(c.ns.label);
            if (ha !== undefined && hb !== undefined && (await ha.nl.nsid.get(hb.ns).catch(() => undefined)) === l.linkNetnsid) checked.push(c);
          }
          candidates = checked;
        }
      }
      const peer = candidates[0];
      if (peer === undefined) continue;
      done.add(`${a.label}/${l.name}`);
      done.add(`${peer.ns.label}/${peer.link.name}`);
      pairs.push({ a: { ns: a.label, link: l.name }, b: { ns: peer.ns.label, link: peer.link.name } });
    }
  }
  return pairs;
}
