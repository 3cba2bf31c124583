/**
 * Checking a namespace's `nexthops:` (pass 4, before its routes): the
 * checks `nl.nexthop.add` runs, devices that are declared, ids given once,
 * group members that are declared nexthops (not groups, of the same fdb
 * kind), and routes whose `nhid` names one.
 * @module
 */
import { join, show } from '../rtnl/link/kinds/check.js';
import type { NexthopObjectSpec } from '../rtnl/nexthop/types.js';
import { validateNexthop } from '../rtnl/nexthop/validate.js';
import { OP, array, at, isObject, object, rangeError } from './check.js';
import { ROUTE_PROTOCOL } from './marks.js';
import type { ModelNexthop, ModelNs } from './model.js';

/**
 * The nexthops of namespace `ns` declared as `decl` (members first, then
 * groups, each in declaration order). `linkHere` checks a link name at a path.
 */
export function checkNexthops(ns: ModelNs, decl: unknown, linkHere: (path: string, v: unknown) => string): ModelNexthop[] {
  const base = join(ns.path, 'nexthops');
  const byId = new Map<number, { path: string; group: boolean; fdb: boolean }>();
  const out: ModelNexthop[] = [];
  array(base, decl).forEach((item, i) => {
    const path = `${base}[${i}]`;
    const n = object(path, item);
    if (n.dev !== undefined) linkHere(join(path, 'dev'), n.dev);
    // Marked as the topology's by their protocol, as its routes are.
    const spec = { ...n, protocol: n.protocol ?? ROUTE_PROTOCOL } as NexthopObjectSpec;
    at(path, () => validateNexthop(OP, spec));
    const dup = byId.get(spec.id);
    if (dup !== undefined) rangeError(join(path, 'id'), `nexthop id ${spec.id} is already declared (${dup.path})`);
    byId.set(spec.id, { path, group: spec.group !== undefined, fdb: spec.fdb === true });
    out.push({ spec, id: spec.id, path });
  });
  for (const nh of out) {
    (nh.spec.group ?? []).forEach((m, j) => {
      const p = `${nh.path}.group[${j}].id`;
      const member = byId.get(m.id);
      if (member === undefined) rangeError(p, `no nexthop ${m.id} is declared in namespace '${ns.key}'`);
      if (member.group) rangeError(p, `nexthop ${m.id} is a group itself (${member.path}); a group's members are single nexthops`);
      if (member.fdb !== (nh.spec.fdb === true)) rangeError(p, `nexthop ${m.id} is ${member.fdb ? '' : 'not '}an fdb nexthop, and a group ${nh.spec.fdb === true ? 'of fdb nexthops takes only those' : 'takes fdb nexthops only with fdb: true'}`);
    });
  }
  return [...out.filter((n) => n.spec.group === undefined), ...out.filter((n) => n.spec.group !== undefined)];
}

/** A route's `nhid` must name a nexthop declared in its namespace. */
export function checkNhid(ns: ModelNs, path: string, route: Record<string, unknown>): void {
  if (route.nhid === undefined || !isObject(route)) return;
  if (!ns.nexthops.some((n) => n.id === route.nhid)) {
    rangeError(join(path, 'nhid'), `no nexthop ${show(route.nhid)} is declared in namespace '${ns.key}' (namespaces.${ns.key}.nexthops)`);
  }
}
