/**
 * Checking a link's `qdisc:` (traffic control): the root qdisc, its htb
 * classes and filters, and the ingress qdisc with its filters, each with the
 * checks `nl.tc` runs, messages pointing into the declaration
 * (`topology: namespaces.r1.links[0].qdisc.rate: must be at least 8 bits per second`);
 * then (once every link is known) that mirred actions name links of the
 * same namespace.
 * @module
 */
import { join, show } from '../rtnl/link/kinds/check.js';
import { validateClass } from '../rtnl/tc/klass.js';
import { validateFilter } from '../rtnl/tc/filter.js';
import { validateQdisc } from '../rtnl/tc/qdisc.js';
import { parseHandle } from '../rtnl/tc/units.js';
import type { ClassSpec, FilterSpec, QdiscSpec } from '../rtnl/tc/types.js';
import { OP, array, at, isObject, known, linkName, object, rangeError, typeError } from './check.js';
import { type ModelNs, type ModelTc, ownsNamespace } from './model.js';

const ROOT_KINDS = ['tbf', 'htb', 'pfifo', 'bfifo'];
const INGRESS_KEYS = ['filters'];

/** The default handle of a topology's root qdisc: fixed, so that a rerun finds the same one. */
export const ROOT_HANDLE = '1:';

/** Check a link's `qdisc:` declared at `path` on link `dev`. */
export function checkTc(path: string, v: unknown, dev: string): ModelTc {
  const d = object(path, v);
  const { classes, filters, ingress, ...rootDecl } = d;
  const tc: ModelTc = { path, root: undefined, classes: [], filters: [], ingress: undefined };
  if (rootDecl.kind === undefined) {
    const stray = Object.keys(rootDecl).filter((k) => rootDecl[k] !== undefined);
    if (stray.length > 0) typeError(join(path, 'kind'), `is required with ${stray.join(', ')} (the root qdisc's kind: ${ROOT_KINDS.join(', ')})`);
    if (classes === undefined && filters === undefined && ingress === undefined) typeError(path, `declares nothing (give kind, classes, filters or ingress)`);
  } else {
    if (typeof rootDecl.kind !== 'string' || !ROOT_KINDS.includes(rootDecl.kind)) {
      typeError(join(path, 'kind'), `a root qdisc is one of ${ROOT_KINDS.join(', ')}, got ${show(rootDecl.kind)} (ingress: use qdisc.ingress)`);
    }
    if (rootDecl.parent !== undefined) typeError(join(path, 'parent'), 'a link declares its root qdisc (a child qdisc under a class is not supported in a topology)');
    if (rootDecl.dev !== undefined) typeError(join(path, 'dev'), 'the link the qdisc is declared on is its dev');
    const root = { ...rootDecl, handle: rootDecl.handle ?? ROOT_HANDLE, dev } as QdiscSpec;
    at(path, () => validateQdisc(OP, root));
    tc.root = root;
  }
  const major = tc.root === undefined ? undefined : parseHandle((tc.root as { handle: string | number }).handle, `${OP}: ${join(path, 'handle')}`) >>> 16;
  if (classes !== undefined) {
    if (tc.root?.kind !== 'htb') typeError(join(path, 'classes'), `only an htb root qdisc has classes${tc.root === undefined ? ' (give kind: htb)' : `, this one is ${tc.root.kind}`}`);
    const ids = new Set<number>();
    array(join(path, 'classes'), classes).forEach((item, i) => {
      const p = `${join(path, 'classes')}[${i}]`;
      const c = defined(object(p, item));
      if (c.dev !== undefined) typeError(join(p, 'dev'), 'the link the qdisc is declared on is its dev');
      const spec = { kind: 'htb', parent: `${(major ?? 0).toString(16)}:`, ...c, dev } as ClassSpec;
      at(p, () => validateClass(OP, spec));
      const parent = parseHandle(spec.parent, `${OP}: ${join(p, 'parent')}`);
      if ((parent & 0xffff) !== 0 && !ids.has(parent)) rangeError(join(p, 'parent'), `class ${show(spec.parent)} is not declared before this one`);
      const id = parseHandle(spec.classid, `${OP}: ${join(p, 'classid')}`);
      if (ids.has(id)) rangeError(join(p, 'classid'), `class ${show(spec.classid)} is declared twice`);
      ids.add(id);
      tc.classes.push(spec);
    });
  }
  if (filters !== undefined) {
    if (tc.root?.kind !== 'htb') typeError(join(path, 'filters'), `filters on the root qdisc need an htb there to sort packets into classes (mirred filters go in qdisc.ingress.filters)`);
    const declared = new Set(tc.classes.map((c) => parseHandle(c.classid, 'classid')));
    tc.filters = checkFilters(join(path, 'filters'), filters, dev, `${(major ?? 0).toString(16)}:`, (p, f) => {
      if (f.classid !== undefined && !declared.has(parseHandle(f.classid, 'classid'))) rangeError(join(p, 'classid'), `class ${show(f.classid)} is not declared in qdisc.classes`);
    });
  }
  if (ingress !== undefined && ingress !== false) {
    const ip = join(path, 'ingress');
    if (ingress === true) tc.ingress = [];
    else {
      const o = object(ip, ingress);
      known(ip, o, INGRESS_KEYS, 'ingress');
      tc.ingress = o.filters === undefined ? [] : checkFilters(join(ip, 'filters'), o.filters, dev, 'ingress', () => undefined);
    }
  }
  return tc;
}

function checkFilters(path: string, v: unknown, dev: string, parent: string, more: (path: string, f: FilterSpec) => void): FilterSpec[] {
  const seen = new Map<string, string>();
  return array(path, v).map((item, i) => {
    const p = `${path}[${i}]`;
    const f = defined(object(p, item));
    if (f.dev !== undefined) typeError(join(p, 'dev'), 'the link the qdisc is declared on is its dev');
    if (f.parent !== undefined) typeError(join(p, 'parent'), `follows from where the filter is declared (${parent})`);
    // A fixed prio (its place in the list unless given) is what finds the filter again on a rerun.
    const spec = { kind: 'u32', prio: i + 1, protocol: 'all', ...f, parent, dev } as FilterSpec;
    if (Array.isArray(spec.actions)) {
      spec.actions.forEach((a, j) => {
        if (isObject(a) && a.dev !== undefined) linkName(`${p}.actions[${j}].dev`, a.dev);
      });
    }
    at(p, () => validateFilter(OP, spec));
    const key = `${String(spec.prio)} ${String(spec.protocol)}`;
    const dup = seen.get(key);
    if (dup !== undefined) rangeError(join(p, 'prio'), `prio ${String(spec.prio)} (protocol ${String(spec.protocol)}) is already taken by ${dup}`);
    seen.set(key, p);
    more(p, spec);
    return spec;
  });
}

/** The fields that are set (a TypeScript declaration may carry `prio: undefined`, which must not undo a default). */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined));
}

/** Mirred actions must name a link of the namespace (declared, in the namespaces the topology owns). */
export function checkTcRefs(namespaces: ModelNs[]): void {
  for (const ns of namespaces) {
    if (!ownsNamespace(ns)) continue;
    const names = new Set(ns.links.map((l) => l.name));
    for (const l of ns.links) {
      if (l.tc === undefined) continue;
      const lists: Array<[string, FilterSpec[]]> = [[join(l.tc.path, 'filters'), l.tc.filters], [join(l.tc.path, 'ingress.filters'), l.tc.ingress ?? []]];
      for (const [p, list] of lists) {
        list.forEach((f, i) => {
          (f.actions ?? []).forEach((a, j) => {
            if (a.dev !== 'lo' && !names.has(a.dev as string)) rangeError(`${p}[${i}].actions[${j}].dev`, `no link '${String(a.dev)}' is declared in namespace '${ns.key}'`);
          });
        });
      }
    }
  }
}
