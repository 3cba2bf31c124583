/**
 * Text output of the `netloom` command: aligned tables, progress lines,
 * summaries. Pure (strings in, strings out).
 * @module
 */
import type { TopologyProgress } from '../topology/apply.js';
import type { Plan } from '../topology/plan.js';
import type { TopologySpec } from '../topology/types.js';

/** Lay out rows under a header, columns padded to their widest cell; numbers right-aligned. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, indent = ''): string {
  const all = [header, ...rows];
  const width = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[\d.]+$/.test(r[c] ?? '')));
  const line = (r: readonly string[]): string =>
    indent +
    r
      .map((x, c) => (numeric[c] === true ? (x ?? '').padStart(width[c] ?? 0) : (x ?? '').padEnd(width[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const SIGN = { create: '+', change: '~', replace: '-/+', remove: '-' } as const;

/** One line for a progress report (undefined: nothing to print for it). */
export function progressLine(e: TopologyProgress): string | undefined {
  if (e.type === 'step') {
    const s = e.step;
    return `  ${`[${s.stage}]`.padEnd(13)} ${SIGN[s.action]} ${s.object} ${s.name} in ${s.namespace}${s.changes.length > 0 ? `: ${s.changes.join(', ')}` : ''}`;
  }
  if (e.type === 'rollback') return `  failed${e.step === undefined ? '' : ` at ${e.step.stage}`}: rolling back ${e.undo} change(s) this apply made`;
  return undefined;
}

/** The per-namespace table of a declaration: what each namespace holds. */
export function declarationTable(spec: TopologySpec): string {
  const rows = Object.entries(spec.namespaces).map(([key, ns]) => {
    const source = ns.current === true ? 'current' : ns.anonymous === true ? 'anonymous' : ns.external !== undefined ? 'external' : 'named';
    const links = [...(ns.links ?? []), ...(ns.tuntap ?? [])]; // TUN/TAP devices are links of the namespace too
    const addresses = links.reduce((n, l) => n + (l.addresses?.length ?? 0) + ('peer' in l && l.peer !== undefined ? (l.peer.addresses?.length ?? 0) : 0), 0);
    return [key, source, String(links.length), String(addresses), String(ns.routes?.length ?? 0), String(ns.neighbours?.length ?? 0), String(ns.fdb?.length ?? 0), String(Object.keys(ns.sysctls ?? {}).length)];
  });
  return table(['namespace', 'source', 'links', 'addresses', 'routes', 'neighbours', 'fdb', 'sysctls'], rows, '  ');
}

/** "10 created, 1 changed, 0 replaced, 2 removed". */
export function countsText(plan: Plan): string {
  const c = plan.counts;
  return `${c.create} created, ${c.change} changed, ${c.replace} replaced, ${c.remove} removed`;
}
