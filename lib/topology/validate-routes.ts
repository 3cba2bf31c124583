/**
 * Checking the nexthops, routes, neighbours and FDB entries of a declaration (pass 4):
 * the same checks as their APIs, devices that are declared, no entry twice.
 * @module
 */
import { validateFdb } from '../rtnl/fdb/validate.js';
import { type FdbEntry } from '../rtnl/fdb/types.js';
import { join, show } from '../rtnl/link/kinds/check.js';
import { validateNeigh } from '../rtnl/neigh/validate.js';
import { type NeighEntry } from '../rtnl/neigh/types.js';
import { validateRoute } from '../rtnl/route/validate.js';
import { type RouteSpec } from '../rtnl/route/types.js';
import { OP, array, at, isObject, linkName, object, rangeError, typeError } from './check.js';
import { ROUTE_PROTOCOL } from './marks.js';
import { checkNexthops, checkNhid } from './validate-nexthops.js';
import { type ModelLink, type ModelNs, canonicalIp, fdbKey, neighKey, ownsNamespace, routeKey } from './model.js';

/** Check the routes, neighbours and FDB entries of every namespace (declared as `nsDecl[key]`), once its links are known. */
export function checkNsObjects(namespaces: ModelNs[], byKey: Map<string, ModelNs>, nsDecl: Record<string, unknown>): void {
  const declared = (nsKey: string, n: string): ModelLink | undefined => byKey.get(nsKey)?.links.find((x) => x.name === n);
  // Pass 4: routes, neighbours, FDB.
  for (const ns of namespaces) {
    const d = nsDecl[ns.key] as Record<string, unknown>;
    const linkHere = (path: string, v: unknown): string => {
      const n = linkName(path, v);
      if (n !== 'lo' && declared(ns.key, n) === undefined && ownsNamespace(ns)) rangeError(path, `no link '${n}' is declared in namespace '${ns.key}'`);
      return n;
    };
    if (d.nexthops !== undefined) ns.nexthops = checkNexthops(ns, d.nexthops, linkHere);
    if (d.routes !== undefined) {
      const seen = new Map<string, string>();
      array(join(ns.path, 'routes'), d.routes).forEach((item, i) => {
        const path = `${ns.path}.routes[${i}]`;
        const r = object(path, item);
        if (r.dev !== undefined) linkHere(join(path, 'dev'), r.dev);
        if (Array.isArray(r.nexthops)) {
          r.nexthops.forEach((nh, j) => {
            if (isObject(nh) && nh.dev !== undefined) linkHere(`${path}.nexthops[${j}].dev`, nh.dev);
          });
        }
        const spec = { ...r, protocol: r.protocol ?? ROUTE_PROTOCOL } as RouteSpec;
        const draft = at(path, () => validateRoute(OP, false, spec));
        checkNhid(ns, path, r);
        const dst = typeof draft.attrs.dst === 'string' ? `${canonicalIp(draft.attrs.dst)}/${draft.header.rtmDstLen}` : 'default';
        if (draft.family === 'inet' && typeof draft.attrs.dst === 'string' && !hostBitsClear(draft.attrs.dst, draft.header.rtmDstLen ?? 32)) {
          rangeError(join(path, 'dst'), `${show(r.dst)} has host bits set beyond the prefix length (the kernel refuses it)`);
        }
        const table = typeof draft.attrs.table === 'number' ? draft.attrs.table : (draft.header.rtmTable as number);
        const key = routeKey(draft.family, dst, table, typeof draft.attrs.priority === 'number' ? draft.attrs.priority : undefined);
        const dup = seen.get(key);
        if (dup !== undefined) rangeError(path, `the same route (${key}) is already declared (${dup})`);
        seen.set(key, path);
        const viaGateway = r.via !== undefined || (Array.isArray(r.nexthops) && r.nexthops.some((nh) => isObject(nh) && nh.via !== undefined));
        ns.routes.push({ spec, key, path, viaGateway });
      });
    }
    if (d.neighbours !== undefined) {
      const seen = new Map<string, string>();
      array(join(ns.path, 'neighbours'), d.neighbours).forEach((item, i) => {
        const path = `${ns.path}.neighbours[${i}]`;
        const e = object(path, item);
        if (e.dev === undefined) typeError(join(path, 'dev'), 'is required');
        const dev = linkHere(join(path, 'dev'), e.dev);
        at(path, () => validateNeigh(OP, e as unknown as NeighEntry));
        if (e.lladdr === undefined && e.proxy !== true) typeError(join(path, 'lladdr'), 'is required (except for proxy entries)');
        const key = neighKey(e.dst as string, dev, e.proxy === true);
        const dup = seen.get(key);
        if (dup !== undefined) rangeError(path, `the same entry (${key}) is already declared (${dup})`);
        seen.set(key, path);
        ns.neighbours.push({ entry: e as unknown as NeighEntry, key, path });
      });
    }
    if (d.fdb !== undefined) {
      const seen = new Map<string, string>();
      array(join(ns.path, 'fdb'), d.fdb).forEach((item, i) => {
        const path = `${ns.path}.fdb[${i}]`;
        const e = object(path, item);
        if (e.dev === undefined) typeError(join(path, 'dev'), 'is required');
        const dev = linkHere(join(path, 'dev'), e.dev);
        if (e.via !== undefined) linkHere(join(path, 'via'), e.via);
        at(path, () => validateFdb(OP, e as unknown as FdbEntry));
        const key = fdbKey(e.lladdr as string, dev, e.vlan as number | undefined, e.dst as string | undefined, e.master === true && e.self !== true);
        const dup = seen.get(key);
        if (dup !== undefined) rangeError(path, `the same entry (${key}) is already declared (${dup})`);
        seen.set(key, path);
        ns.fdb.push({ entry: e as unknown as FdbEntry, key, path });
      });
    }
  }
}

function hostBitsClear(addr: string, len: number): boolean {
  const v = addr.split('.').reduce((acc, o) => (acc << 8) | Number(o), 0) >>> 0;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((v & ~mask) >>> 0) === 0;
}
