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
import { validateAddr as draftAddr } from '../rtnl/addr/validate.js';
import type { AddrAddOptions } from '../rtnl/addr/types.js';
import { parseCidr } from '../rtnl/values/cidr.js';
import { validateFdb as draftFdb } from '../rtnl/fdb/validate.js';
import type { FdbEntry } from '../rtnl/fdb/types.js';
import { validateBridgePort } from '../rtnl/link/kinds/bridge-port.js';
import { validateBasics } from '../rtnl/link/basics.js';
import type { ValidateContext } from '../rtnl/link/kinds/kind.js';
import { checkIfname, join, show } from '../rtnl/link/kinds/check.js';
import { kindModule } from '../rtnl/link/kinds/index.js';
import { ALIAS_MAX, validateAddAt } from '../rtnl/link/validate.js';
import { validateNeigh as draftNeigh } from '../rtnl/neigh/validate.js';
import type { NeighEntry } from '../rtnl/neigh/types.js';
import { validateRoute } from '../rtnl/route/validate.js';
import type { RouteSpec } from '../rtnl/route/types.js';
import { ROUTE_PROTOCOL, TOPOLOGY_NAME_RE, defaultGroup, linkMark } from './marks.js';
import {
  type Model,
  type ModelAddress,
  type ModelLink,
  type ModelNs,
  type ModelSysctl,
  canonicalIp,
  fdbKey,
  neighKey,
  ownsNamespace,
  routeKey,
} from './model.js';
import { TUN_KIND } from './tuntap.js';

/** The operation every topology message starts with. */
export const OP = 'topology';
const CTX: ValidateContext = { op: OP, mode: 'add' };

/** Options that change how a declaration maps onto the machine. */
export interface ModelOptions {
  /** Put in front of every named namespace's name. */
  netnsPrefix?: string;
}

function typeError(path: string, message: string): never {
  throw new TypeError(`${OP}: ${path}: ${message}`);
}

function rangeError(path: string, message: string): never {
  throw new RangeError(`${OP}: ${path}: ${message}`);
}

/**
 * Run one of the library's own checks, whose messages read 'topology: FIELD:
 * ...', and re-prefix FIELD with `path` so that the message points into the
 * declaration.
 */
function at<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if ((e instanceof TypeError || e instanceof RangeError) && e.message.startsWith(`${OP}: `)) {
      const rest = e.message.slice(OP.length + 2);
      const Ctor = e instanceof RangeError ? RangeError : TypeError;
      throw new Ctor(`${OP}: ${path}${rest.startsWith('[') ? '' : '.'}${rest}`);
    }
    throw e;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function object(path: string, v: unknown): Record<string, unknown> {
  if (!isObject(v)) typeError(path, `must be an object, got ${show(v)}`);
  return v;
}

function array(path: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) typeError(path, `must be a list, got ${show(v)}`);
  return v;
}

function known(path: string, obj: Record<string, unknown>, keys: readonly string[], what: string): void {
  for (const k of Object.keys(obj)) {
    if (obj[k] !== undefined && !keys.includes(k)) typeError(join(path, k), `unknown ${what} field (known: ${keys.join(', ')})`);
  }
}

function bool(path: string, v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') typeError(path, `must be true or false, got ${show(v)}`);
  return v;
}

function linkName(path: string, v: unknown): string {
  if (typeof v === 'number') typeError(path, `give the link by name (an ifindex means nothing in a declaration), got ${v}`);
  return checkIfname(CTX, path, v);
}

const KEY_RE = TOPOLOGY_NAME_RE;
/** Stands for "a namespace other than the link's" in the veth name check (see its use). */
const ELSEWHERE = { pid: 1 };
const TOP_KEYS = ['name', 'description', 'group', 'namespaces'];
const NS_KEYS = ['name', 'anonymous', 'current', 'external', 'lo', 'sysctls', 'links', 'routes', 'neighbours', 'fdb', 'tuntap'];
const TOPO_LINK_KEYS = ['up', 'master', 'bridgePort', 'addresses', 'linkNetns', 'alias'];
const PEER_TOPO_KEYS = ['netns', 'master', 'bridgePort', 'addresses', 'alias', 'up'];
const TUNTAP_KEYS = ['name', 'mode', 'owner', 'group', 'multiQueue', 'up', 'mtu', 'txqlen', 'mac', 'alias', 'master', 'bridgePort', 'addresses'];

function checkNetnsName(path: string, name: string): string {
  if (name.length === 0 || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) rangeError(path, `not a valid namespace name: ${show(name)}`);
  if (Buffer.byteLength(name) > 255) rangeError(path, `must be at most 255 bytes, got ${Buffer.byteLength(name)}`);
  return name;
}

function sysctlValue(path: string, v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) rangeError(path, `must be finite, got ${v}`);
    return String(v);
  }
  if (typeof v !== 'string') typeError(path, `must be a string, number or boolean, got ${show(v)}`);
  return normalizeSysctl(v);
}

/** A sysctl value as compared: trimmed, runs of white space (tabs in multi-value ones) as one space. */
export function normalizeSysctl(v: string): string {
  return v.trim().split(/\s+/).join(' ');
}

function checkSysctls(nsPath: string, v: unknown): ModelSysctl[] {
  const path = join(nsPath, 'sysctls');
  const obj = object(path, v);
  const out: ModelSysctl[] = [];
  for (const [name, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const p = `${path}[${JSON.stringify(name)}]`;
    const parts = (name.includes('/') ? name : name.replace(/\./g, '/')).split('/');
    if (parts[0] !== 'net' || parts.length < 2 || parts.some((s) => s === '' || s === '.' || s === '..' || !/^[\w.:@-]+$/.test(s))) {
      rangeError(p, `not a network sysctl (net.*; use the net/a/b form for names with dots in a part)`);
    }
    const iface =
      (parts[1] === 'ipv4' || parts[1] === 'ipv6') && (parts[2] === 'conf' || parts[2] === 'neigh') && parts.length >= 5 && parts[3] !== 'all' && parts[3] !== 'default'
        ? parts[3]
        : undefined;
    out.push({ name, value: sysctlValue(p, value), path: p, iface });
  }
  // Namespace-wide ones first: they are written before the links exist.
  return [...out.filter((s) => s.iface === undefined), ...out.filter((s) => s.iface !== undefined)];
}

function checkAddresses(path: string, v: unknown, dev: string): ModelAddress[] {
  const list = array(path, v);
  const out: ModelAddress[] = [];
  const seen = new Map<string, string>();
  list.forEach((a, i) => {
    const p = `${path}[${i}]`;
    let cidr: string;
    let options: AddrAddOptions;
    if (typeof a === 'string') {
      parseCidr(a, `${OP}: ${p}`);
      cidr = a;
      options = {};
    } else if (isObject(a)) {
      if (a.cidr === undefined) typeError(`${p}.cidr`, 'is required');
      if (typeof a.cidr !== 'string') typeError(`${p}.cidr`, `must be a string like '198.18.0.1/24', got ${show(a.cidr)}`);
      cidr = a.cidr;
      const { cidr: _c, ...rest } = a;
      options = rest as AddrAddOptions;
    } else {
      return typeError(p, `must be 'ADDRESS/PREFIX' or { cidr, ...options }, got ${show(a)}`);
    }
    at(p, () => draftAddr(OP, cidr, options, dev));
    const c = parseCidr(cidr, `${OP}: ${p}`);
    const key = `${canonicalIp(c.address)}/${c.prefixlen}`;
    const dup = seen.get(key);
    if (dup !== undefined) rangeError(p, `${key} is already declared on this link (${dup})`);
    seen.set(key, p);
    out.push({ cidr, key, options, path: p });
  });
  return out;
}

interface PendingRefs {
  node: ModelLink;
  masterPath: string;
  backupPort: { path: string; name: string } | undefined;
  lowers: Array<{ path: string; name: string }>;
}

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
  const namespaces: ModelNs[] = [];
  const byKey = new Map<string, ModelNs>();
  const realNames = new Map<string, string>();
  let currentKey: string | undefined;
  for (const key of keys) {
    const path = `namespaces.${key}`;
    if (!KEY_RE.test(key)) rangeError(path, `namespace keys are 1..64 letters, digits, '.', '_' or '-' starting with a letter or digit`);
    const d = object(path, nsDecl[key]);
    known(path, d, NS_KEYS, 'namespace');
    const anonymous = bool(join(path, 'anonymous'), d.anonymous) === true;
    const current = bool(join(path, 'current'), d.current) === true;
    const which = [d.name !== undefined && 'name', anonymous && 'anonymous', current && 'current', d.external !== undefined && 'external'].filter(Boolean);
    if (which.length > 1) typeError(path, `give at most one of name, anonymous, current and external, got ${which.join(' and ')}`);
    const ns: ModelNs = {
      key,
      path,
      source: anonymous ? 'anonymous' : current ? 'current' : d.external !== undefined ? 'external' : 'named',
      name: undefined,
      external: undefined,
      lo: bool(join(path, 'lo'), d.lo),
      sysctls: [],
      links: [],
      routes: [],
      neighbours: [],
      fdb: [],
    };
    if (current) {
      if (currentKey !== undefined) rangeError(join(path, 'current'), `namespaces.${currentKey} is already the current namespace`);
      currentKey = key;
    }
    if (ns.source === 'named') {
      if (d.name !== undefined && typeof d.name !== 'string') typeError(join(path, 'name'), `must be a string, got ${show(d.name)}`);
      const real = checkNetnsName(d.name === undefined ? path : join(path, 'name'), prefix + ((d.name as string | undefined) ?? key));
      const other = realNames.get(real);
      if (other !== undefined) rangeError(join(path, 'name'), `namespace name '${real}' is already used by ${other}`);
      realNames.set(real, path);
      ns.name = real;
    }
    if (ns.source === 'external') {
      const e = object(join(path, 'external'), d.external);
      const ek = Object.keys(e).filter((k) => e[k] !== undefined);
      if (ek.length !== 1 || !['name', 'pid', 'path'].includes(ek[0] as string)) typeError(join(path, 'external'), `must be { name }, { pid } or { path }`);
      if (e.name !== undefined) {
        if (typeof e.name !== 'string') typeError(join(path, 'external.name'), `must be a string, got ${show(e.name)}`);
        ns.external = { name: checkNetnsName(join(path, 'external.name'), e.name) };
      } else if (e.pid !== undefined) {
        if (typeof e.pid !== 'number' || !Number.isInteger(e.pid) || e.pid < 1) rangeError(join(path, 'external.pid'), `must be a positive integer, got ${show(e.pid)}`);
        ns.external = { pid: e.pid };
      } else {
        if (typeof e.path !== 'string' || e.path === '') typeError(join(path, 'external.path'), `must be a non-empty string, got ${show(e.path)}`);
        ns.external = { path: e.path };
      }
    }
    if (ownsNamespace(ns) && ns.lo === undefined) ns.lo = true;
    if (d.sysctls !== undefined) ns.sysctls = checkSysctls(path, d.sysctls);
    namespaces.push(ns);
    byKey.set(key, ns);
  }
  for (const ns of namespaces) {
    const e = ns.external;
    if (e !== undefined && 'name' in e && realNames.has(e.name)) rangeError(join(ns.path, 'external.name'), `'${e.name}' is a namespace this topology creates (${realNames.get(e.name)})`);
  }

  // Pass 2: links, every end registered in the namespace it lives in.
  const names = new Map<string, Map<string, string>>(); // ns key -> link name -> path
  const register = (nsKey: string, node: ModelLink, namePath: string): void => {
    let m = names.get(nsKey);
    if (m === undefined) names.set(nsKey, (m = new Map()));
    if (node.name === 'lo') rangeError(namePath, `lo exists in every namespace (use namespaces.${nsKey}.lo to bring it up)`);
    const other = m.get(node.name);
    if (other !== undefined) rangeError(namePath, `'${node.name}' is already declared in namespace '${nsKey}' (${other})`);
    m.set(node.name, node.path);
    byKey.get(nsKey)?.links.push(node);
  };
  const nsRef = (path: string, v: unknown): string => {
    if (typeof v !== 'string') typeError(path, `must be the key of a declared namespace, got ${show(v)}`);
    if (!byKey.has(v)) rangeError(path, `no namespace '${v}' is declared (declared: ${keys.join(', ')})`);
    return v;
  };
  const pending: PendingRefs[] = [];

  for (const ns of namespaces) {
    const d = nsDecl[ns.key] as Record<string, unknown>;
    if (d.links === undefined) continue;
    const list = array(join(ns.path, 'links'), d.links);
    list.forEach((item, i) => {
      const path = `${ns.path}.links[${i}]`;
      const l = object(path, item);
      if (l.netns !== undefined) {
        typeError(join(path, 'netns'), `a link lives in the namespace it is declared in: declare it under namespaces.KEY.links (a veth's other end: peer.netns)`);
      }
      const kind = l.kind;
      const addSpec: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(l)) if (!TOPO_LINK_KEYS.includes(k) && k !== 'peer') addSpec[k] = v;
      let peerDecl: Record<string, unknown> | undefined;
      if (kind === 'veth') {
        if (l.peer === undefined) typeError(join(path, 'peer'), `is required for a veth in a topology (its name and namespace)`);
        peerDecl = object(join(path, 'peer'), l.peer);
        const peerAdd: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(peerDecl)) if (!PEER_TOPO_KEYS.includes(k)) peerAdd[k] = v;
        // The veth check refuses two ends with one name in one namespace; it
        // knows namespaces only as handles, so a peer that lives elsewhere is
        // shown to it as being in some other namespace (removed right after).
        if (peerDecl.netns !== undefined && peerDecl.netns !== ns.key) peerAdd.netns = ELSEWHERE;
        addSpec.peer = peerAdd;
      } else if (l.peer !== undefined) {
        addSpec.peer = l.peer;
      }
      validateAddAt(addSpec, CTX, path);
      if (isObject(addSpec.peer)) delete addSpec.peer.netns;
      const mod = kindModule(kind as string);
      const node = linkNode(name, group, ns.key, path, 'link', addSpec, l, kind as string);
      if (l.linkNetns !== undefined) {
        if (mod !== undefined && mod.parent === 'none' && mod.refs.length === 0) {
          typeError(join(path, 'linkNetns'), `a ${kind as string} link has no parent to find in another namespace`);
        }
        node.linkNetns = nsRef(join(path, 'linkNetns'), l.linkNetns);
        if (node.linkNetns === ns.key) node.linkNetns = undefined;
      }
      const lowers: Array<{ path: string; name: string }> = [];
      for (const ref of ['parent', ...(mod?.refs ?? [])]) {
        const v = addSpec[ref];
        if (v !== undefined) lowers.push({ path: join(path, ref), name: linkName(join(path, ref), v) });
      }
      node.lowers = lowers.map((x) => x.name);
      register(ns.key, node, join(path, 'name'));
      pending.push({ node, masterPath: join(path, 'master'), backupPort: backupPortOf(path, node), lowers });
      if (peerDecl !== undefined) {
        const peerPath = join(path, 'peer');
        if (peerDecl.name === undefined) typeError(join(peerPath, 'name'), 'is required (the topology finds the peer by name)');
        const peerNs = peerDecl.netns === undefined ? ns.key : nsRef(join(peerPath, 'netns'), peerDecl.netns);
        const peer = linkNode(name, group, peerNs, peerPath, 'peer', addSpec.peer as Record<string, unknown>, peerDecl, 'veth');
        peer.peer = node;
        node.peer = peer;
        register(peerNs, peer, join(peerPath, 'name'));
        pending.push({ node: peer, masterPath: join(peerPath, 'master'), backupPort: backupPortOf(peerPath, peer), lowers: [] });
      }
    });
  }

  // TUN/TAP devices: links like the others from here on (same names, refs, marks).
  for (const ns of namespaces) {
    const d = nsDecl[ns.key] as Record<string, unknown>;
    if (d.tuntap === undefined) continue;
    array(join(ns.path, 'tuntap'), d.tuntap).forEach((item, i) => {
      const path = `${ns.path}.tuntap[${i}]`;
      const node = tunNode(name, group, ns.key, path, object(path, item));
      register(ns.key, node, join(path, 'name'));
      pending.push({ node, masterPath: join(path, 'master'), backupPort: backupPortOf(path, node), lowers: [] });
    });
  }

  // Pass 3: references between links.
  const declared = (nsKey: string, n: string): ModelLink | undefined => byKey.get(nsKey)?.links.find((x) => x.name === n);
  for (const { node, masterPath, backupPort, lowers } of pending) {
    const ns = byKey.get(node.ns) as ModelNs;
    if (node.master !== undefined) {
      if (node.master === node.name) rangeError(masterPath, 'a link cannot be its own master');
      const master = declared(node.ns, node.master);
      if (master === undefined && ownsNamespace(ns)) {
        rangeError(masterPath, `no link '${node.master}' is declared in namespace '${node.ns}'`);
      }
      if (node.tun?.mode === 'tun' && master?.kind === 'bridge') {
        rangeError(masterPath, `a tun device carries IP packets, not Ethernet frames, and cannot be a port of bridge '${node.master}' (use mode: tap)`);
      }
    }
    if (backupPort !== undefined && declared(node.ns, backupPort.name) === undefined && ownsNamespace(ns)) {
      rangeError(backupPort.path, `no link '${backupPort.name}' is declared in namespace '${node.ns}'`);
    }
    const lowerNs = byKey.get(node.linkNetns ?? node.ns) as ModelNs;
    for (const lower of lowers) {
      if (lower.name === node.name && lowerNs === ns) rangeError(lower.path, 'a link cannot be its own parent');
      if (declared(lowerNs.key, lower.name) === undefined && ownsNamespace(lowerNs)) {
        rangeError(lower.path, `no link '${lower.name}' is declared in namespace '${lowerNs.key}'`);
      }
    }
  }
  checkCycles(namespaces);

  // Pass 4: routes, neighbours, FDB.
  for (const ns of namespaces) {
    const d = nsDecl[ns.key] as Record<string, unknown>;
    const linkHere = (path: string, v: unknown): string => {
      const n = linkName(path, v);
      if (n !== 'lo' && declared(ns.key, n) === undefined && ownsNamespace(ns)) rangeError(path, `no link '${n}' is declared in namespace '${ns.key}'`);
      return n;
    };
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
        at(path, () => draftNeigh(OP, e as unknown as NeighEntry));
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
        at(path, () => draftFdb(OP, e as unknown as FdbEntry));
        const key = fdbKey(e.lladdr as string, dev, e.vlan as number | undefined, e.dst as string | undefined, e.master === true && e.self !== true);
        const dup = seen.get(key);
        if (dup !== undefined) rangeError(path, `the same entry (${key}) is already declared (${dup})`);
        seen.set(key, path);
        ns.fdb.push({ entry: e as unknown as FdbEntry, key, path });
      });
    }
  }
  return { name, description: top.description as string | undefined, group, namespaces, byKey };
}

function hostBitsClear(addr: string, len: number): boolean {
  const v = addr.split('.').reduce((acc, o) => (acc << 8) | Number(o), 0) >>> 0;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((v & ~mask) >>> 0) === 0;
}

function backupPortOf(path: string, node: ModelLink): { path: string; name: string } | undefined {
  const b = node.bridgePort?.backupPort;
  if (b === undefined || b === null) return undefined;
  return { path: join(path, 'bridgePort.backupPort'), name: linkName(join(path, 'bridgePort.backupPort'), b) };
}

/** A TUN/TAP declaration as a link node of kind `tun` (see tuntap.ts for how it is made). */
function tunNode(topology: string, group: number, nsKey: string, path: string, t: Record<string, unknown>): ModelLink {
  known(path, t, TUNTAP_KEYS, 'tuntap');
  if (t.name === undefined) typeError(join(path, 'name'), 'is required');
  const n = linkName(join(path, 'name'), t.name);
  // Tun.open would take 'tun%d' as a template for the kernel to fill: a declaration must name the device.
  if (n.includes('%')) rangeError(join(path, 'name'), `must be the device's name, not a template: ${show(n)}`);
  if (t.mode === undefined) typeError(join(path, 'mode'), `is required ('tun' or 'tap')`);
  if (t.mode !== 'tun' && t.mode !== 'tap') rangeError(join(path, 'mode'), `must be 'tun' or 'tap', got ${show(t.mode)}`);
  const mode = t.mode;
  const id = (k: 'owner' | 'group'): number | undefined => {
    const v = t[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xfffffffe)) rangeError(join(path, k), `must be an integer 0..4294967294, got ${show(v)}`);
    return v as number | undefined;
  };
  const owner = id('owner');
  const gid = id('group');
  const multiQueue = bool(join(path, 'multiQueue'), t.multiQueue) ?? false;
  // The link's own fields get the checks nl.link.add gives them ('group' is the owner gid here, not a link group).
  const basics = { name: t.name, mtu: t.mtu, txqlen: t.txqlen, mac: t.mac };
  validateBasics(basics, CTX, path);
  if (t.mac !== undefined && mode === 'tun') typeError(join(path, 'mac'), 'a tun device has no link-layer address (mode: tap has one)');
  const { group: _gid, owner: _owner, multiQueue: _mq, mode: _mode, ...rest } = t;
  const options: Record<string, unknown> = { kind: TUN_KIND, name: t.name };
  for (const k of ['mtu', 'txqlen', 'mac'] as const) if (t[k] !== undefined) options[k] = k === 'mac' ? (t.mac as string).toLowerCase() : t[k];
  const node = linkNode(topology, group, nsKey, path, 'link', options, rest, TUN_KIND);
  node.tun = { mode, owner, group: gid, multiQueue };
  return node;
}

/** One link end from its declaration (already checked by validateAddAt) and the topology fields around it. */
function linkNode(
  topology: string,
  group: number,
  nsKey: string,
  path: string,
  role: 'link' | 'peer',
  addSpec: Record<string, unknown>,
  decl: Record<string, unknown>,
  kind: string,
): ModelLink {
  const up = bool(join(path, 'up'), decl.up) ?? true;
  const master = decl.master === undefined ? undefined : linkName(join(path, 'master'), decl.master);
  let bridgePort: Record<string, unknown> | undefined;
  if (decl.bridgePort !== undefined) {
    if (master === undefined) typeError(join(path, 'bridgePort'), 'needs master (bridge port options apply to a port of a bridge)');
    validateBridgePort(decl.bridgePort, CTX, join(path, 'bridgePort'));
    bridgePort = decl.bridgePort as Record<string, unknown>;
  }
  if (decl.alias !== undefined && typeof decl.alias !== 'string') typeError(join(path, 'alias'), `must be a string, got ${show(decl.alias)}`);
  const alias = linkMark(topology, decl.alias as string | undefined);
  if (Buffer.byteLength(alias) > ALIAS_MAX) {
    rangeError(join(path, 'alias'), `must be at most ${ALIAS_MAX - Buffer.byteLength(linkMark(topology)) - 1} bytes (netloom puts its mark '${linkMark(topology)} ' in front)`);
  }
  const { peer: _peer, kind: _kind, name, group: ownGroup, ...options } = addSpec;
  return {
    ns: nsKey,
    name: name as string,
    kind,
    path,
    role,
    options,
    up,
    master,
    bridgePort,
    alias,
    group: typeof ownGroup === 'number' ? ownGroup : group,
    addresses: decl.addresses === undefined ? [] : checkAddresses(join(path, 'addresses'), decl.addresses, name as string),
    linkNetns: undefined,
    lowers: [],
    peer: undefined,
    tun: undefined,
  };
}

/** Masters and parents must not go round in a circle (they are created in that order). */
function checkCycles(namespaces: ModelNs[]): void {
  const id = (ns: string, name: string): string => `${ns}/${name}`;
  const nodes = new Map<string, ModelLink>();
  for (const ns of namespaces) for (const l of ns.links) nodes.set(id(ns.key, l.name), l);
  const deps = (l: ModelLink): string[] => {
    const out: string[] = [];
    if (l.master !== undefined) out.push(id(l.ns, l.master));
    for (const lower of l.lowers) out.push(id(l.linkNetns ?? l.ns, lower));
    return out.filter((d) => nodes.has(d));
  };
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string, trail: string[]): void => {
    const s = state.get(key);
    if (s === 'done') return;
    const l = nodes.get(key) as ModelLink;
    if (s === 'visiting') rangeError(l.path, `master/parent references go round in a circle: ${[...trail, key].join(' -> ')}`);
    state.set(key, 'visiting');
    for (const d of deps(l)) visit(d, [...trail, key]);
    state.set(key, 'done');
  };
  for (const key of nodes.keys()) visit(key, []);
}
