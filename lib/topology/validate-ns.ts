/**
 * Checking the namespaces of a declaration (pass 1): their keys, names,
 * sources (named, anonymous, current, external) and sysctls.
 * @module
 */
import { join, show } from '../rtnl/link/kinds/check.js';
import { bool, known, object, rangeError, typeError } from './check.js';
import { TOPOLOGY_NAME_RE } from './marks.js';
import { type ModelNs, type ModelSysctl, ownsNamespace } from './model.js';

const KEY_RE = TOPOLOGY_NAME_RE;
const NS_KEYS = ['name', 'anonymous', 'current', 'external', 'lo', 'sysctls', 'links', 'nexthops', 'routes', 'neighbours', 'fdb', 'tuntap', 'nat', 'firewall'];

/** The declared namespaces (`keys` of `nsDecl`, in order), checked, without their links and the rest yet. */
export function checkNamespaces(nsDecl: Record<string, unknown>, keys: string[], prefix: string): { namespaces: ModelNs[]; byKey: Map<string, ModelNs> } {
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
      nexthops: [],
      routes: [],
      neighbours: [],
      fdb: [],
      nft: undefined,
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
  return { namespaces, byKey };
}

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
