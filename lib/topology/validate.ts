/**
 * Checking a declaration before anything is touched, into the {@link Model}
 * the rest works from. Errors are TypeError/RangeError whose message gives
 * the path in the declaration:
 * `topology: namespaces.ns1.links[2].mtu: must be an integer 68..65535, got 70000`.
 *
 * The per-kind link checks are the ones `nl.link.add` runs
 * (link-validate.ts, link-kinds/), and routes, neighbours, FDB entries and
 * addresses go through the same checks as their APIs (draftRoute, ...),
 * with their field names re-prefixed by the path.
 * @module
 */
import { show } from '../rtnl/link/kinds/check.js';
import { known, object, rangeError, typeError } from './check.js';
import { TOPOLOGY_NAME_RE, defaultGroup } from './marks.js';
import type { Model } from './model.js';
import { checkLinks } from './validate-links.js';
import { checkNamespaces } from './validate-ns.js';
import { checkNsObjects } from './validate-routes.js';
import { checkNft } from './validate-nft.js';
import { checkTcRefs } from './validate-tc.js';

/** Options that change how a declaration maps onto the machine. */
export interface ModelOptions {
  /** Put in front of every named namespace's name. */
  netnsPrefix?: string;
}

const TOP_KEYS = ['name', 'description', 'group', 'namespaces'];

/**
 * Check a declaration and turn it into the {@link Model}. Throws
 * TypeError/RangeError naming the path of the first problem.
 */
export function buildModel(spec: unknown, opts: ModelOptions = {}): Model {
  const top = object('declaration', spec);
  known('', top, TOP_KEYS, 'topology');
  if (top.name === undefined) typeError('name', 'is required');
  if (typeof top.name !== 'string' || !TOPOLOGY_NAME_RE.test(top.name)) {
    rangeError('name', `must be 1..64 letters, digits, '.', '_' or '-' starting with a letter or digit, got ${show(top.name)}`);
  }
  const name = top.name;
  if (top.description !== undefined && typeof top.description !== 'string') typeError('description', `must be a string, got ${show(top.description)}`);
  let group = defaultGroup(name);
  if (top.group !== undefined) {
    if (typeof top.group !== 'number' || !Number.isInteger(top.group) || top.group < 1 || top.group > 0xffffffff) {
      rangeError('group', `must be an integer 1..4294967295, got ${show(top.group)}`);
    }
    group = top.group;
  }
  const prefix = opts.netnsPrefix ?? '';
  if (typeof prefix !== 'string') typeError('netnsPrefix', 'must be a string');
  if (top.namespaces === undefined) typeError('namespaces', 'is required');
  const nsDecl = object('namespaces', top.namespaces);
  const keys = Object.keys(nsDecl).filter((k) => nsDecl[k] !== undefined);
  if (keys.length === 0) rangeError('namespaces', 'must declare at least one namespace');

  // Pass 1: the namespaces themselves.
  const { namespaces, byKey } = checkNamespaces(nsDecl, keys, prefix);

  // Passes 2 and 3: links, every end registered in the namespace it lives in; references between links.
  checkLinks(name, group, namespaces, byKey, nsDecl, keys);

  // Pass 4: nexthops, routes, neighbours, FDB; the links traffic control names.
  checkNsObjects(namespaces, byKey, nsDecl);
  checkTcRefs(namespaces);

  // Pass 5: NAT and firewall rules.
  for (const ns of namespaces) ns.nft = checkNft(name, ns, nsDecl[ns.key] as Record<string, unknown>);
  return { name, description: top.description as string | undefined, group, namespaces, byKey };
}
