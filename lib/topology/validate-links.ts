/**
 * Checking the links of a declaration (passes 2 and 3): every link end and
 * TUN/TAP device with the checks `nl.link.add` runs, registered in the
 * namespace it lives in, then the references between them (masters,
 * parents, backup ports) and that they do not go round in a circle.
 * @module
 */
import { validateBondPort } from '../rtnl/link/kinds/bond-port.js';
import { validateBridgePort } from '../rtnl/link/kinds/bridge.js';
import { join, show } from '../rtnl/link/kinds/check.js';
import { validateBasics } from '../rtnl/link/basics.js';
import { kindModule } from '../rtnl/link/kinds/index.js';
import { ALIAS_MAX, validateAddAt } from '../rtnl/link/validate.js';
import { CTX, array, bool, isObject, known, linkName, object, rangeError, typeError } from './check.js';
import { linkMark } from './marks.js';
import { type ModelLink, type ModelNs, ownsNamespace } from './model.js';
import { TUN_KIND } from './tuntap.js';
import { checkAddresses } from './validate-addresses.js';
import { checkTc } from './validate-tc.js';

/** Stands for "a namespace other than the link's" in the veth name check (see its use). */
const ELSEWHERE = { pid: 1 };
const TOPO_LINK_KEYS = ['up', 'master', 'bridgePort', 'bondPort', 'addresses', 'linkNetns', 'alias', 'qdisc'];
const PEER_TOPO_KEYS = ['netns', 'master', 'bridgePort', 'bondPort', 'addresses', 'alias', 'up', 'qdisc'];
const TUNTAP_KEYS = ['name', 'mode', 'owner', 'group', 'multiQueue', 'up', 'mtu', 'txqlen', 'mac', 'alias', 'master', 'bridgePort', 'addresses'];

interface PendingRefs {
  node: ModelLink;
  masterPath: string;
  backupPort: { path: string; name: string } | undefined;
  lowers: Array<{ path: string; name: string }>;
}

/**
 * Check the links and TUN/TAP devices of every namespace (declared as
 * `nsDecl[key]`) of topology `name`, and add them to their namespaces.
 */
export function checkLinks(
  name: string,
  group: number,
  namespaces: ModelNs[],
  byKey: Map<string, ModelNs>,
  nsDecl: Record<string, unknown>,
  keys: string[],
): void {
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
      if (kind === 'bond' && addSpec.primary !== undefined) {
        typeError(join(path, 'primary'), `a bond's ports are made after it, so a topology cannot name its primary yet (set it once applied: nl.link.set(bond, { kind: 'bond', primary }))`);
      }
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
      if (node.bridgePort !== undefined && master !== undefined && master.kind !== 'bridge') {
        rangeError(join(masterPath.slice(0, -'.master'.length), 'bridgePort'), `applies to ports of a bridge; '${node.master}' is a ${master.kind}`);
      }
      if (node.bondPort !== undefined && master !== undefined && master.kind !== 'bond') {
        rangeError(join(masterPath.slice(0, -'.master'.length), 'bondPort'), `applies to ports of a bond; '${node.master}' is a ${master.kind}`);
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
  if (decl.bondPort !== undefined) {
    if (master === undefined) typeError(join(path, 'bondPort'), 'needs master (bond port options apply to a port of a bond)');
    validateBondPort(decl.bondPort, CTX, join(path, 'bondPort'));
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
    bondPort: decl.bondPort as Record<string, unknown> | undefined,
    alias,
    group: typeof ownGroup === 'number' ? ownGroup : group,
    addresses: decl.addresses === undefined ? [] : checkAddresses(join(path, 'addresses'), decl.addresses, name as string),
    linkNetns: undefined,
    lowers: [],
    peer: undefined,
    tun: undefined,
    tc: decl.qdisc === undefined ? undefined : checkTc(join(path, 'qdisc'), decl.qdisc, name as string),
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
