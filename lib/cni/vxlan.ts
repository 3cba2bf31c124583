/**
 * `netloom-vxlan`: a node of a flannel-style overlay. Each node has a /24
 * (`nodeSubnet`) of the cluster's network; ADD makes sure the node's VTEP
 * exists (`ip link add nlvxVNI type vxlan id VNI dstport PORT dev UNDERLAY
 * local ADDR nolearning`, NODESUBNET.0/32 on it) with, for every other node,
 * what flannel writes when it learns of one (an FDB entry to its underlay
 * address, a permanent neighbour for its VTEP, a route to its subnet
 * through the VTEP), then attaches the pod as netloom-bridge does, on a
 * bridge whose gateway is the node subnet's first address. Other nodes come
 * from `nodes` in the configuration or from a JSON `nodesFile` (the same
 * list, written by whatever distributes leases). VTEP MACs are derived from
 * the node's underlay address, so nodes need to exchange nothing else.
 * @module
 */
import { readFileSync } from 'node:fs';
import { open, type Netlink } from '../rtnl/handle.js';
import { bridgePlugin } from './bridge.js';
import { CniError } from './errors.js';
import { toNum, toText } from './ipam-conf.js';
import type { CniHandlers } from './plugin.js';
import { subnetOf } from './subnet.js';
import type { CniEnv, CniNetConf, CniResult } from './types.js';

/** One other node of the overlay. */
export interface VxlanNode {
  /** Its pod subnet (`198.19.2.0/24`). */
  subnet: string;
  /** Its underlay address, where its VTEP listens. */
  address: string;
}

interface VxlanConf {
  vni: number;
  port: number;
  underlay: string;
  local: string;
  nodeSubnet: string;
  nodes: VxlanNode[];
  bridge: string;
  mtu: number;
  vtep: string;
}

/** The VTEP MAC of the node at IPv4 underlay address `addr`: locally administered, 02:4e:<addr>. */
export function vtepMac(addr: string): string {
  const n = toNum('address', addr);
  if (n.v6) throw new CniError('invalidNetworkConfig', 'local: the underlay is IPv4 here');
  const hex = n.n.toString(16).padStart(8, '0');
  return `02:4e:${hex.match(/../g)?.join(':') ?? ''}`;
}

function str(conf: CniNetConf, field: string): string {
  const v = conf[field];
  if (typeof v !== 'string' || v === '') throw new CniError('invalidNetworkConfig', `${field}: is required (a string)`);
  return v;
}

function checkVxlanConf(conf: CniNetConf): VxlanConf {
  const vni = conf.vni ?? 1;
  if (typeof vni !== 'number' || !Number.isInteger(vni) || vni < 1 || vni > 16777215) throw new CniError('invalidNetworkConfig', `vni: must be 1..16777215, got ${JSON.stringify(conf.vni)}`);
  const port = conf.port ?? 4789;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw new CniError('invalidNetworkConfig', `port: must be 1..65535, got ${JSON.stringify(conf.port)}`);
  const local = str(conf, 'local');
  vtepMac(local);
  const nodeSubnet = subnetOf(str(conf, 'nodeSubnet')).cidr;
  if (nodeSubnet !== conf.nodeSubnet) throw new CniError('invalidNetworkConfig', `nodeSubnet: ${String(conf.nodeSubnet)} has host bits set: the subnet is ${nodeSubnet}`);
  let nodes: unknown = conf.nodes ?? [];
  if (conf.nodesFile !== undefined) {
    try {
      nodes = JSON.parse(readFileSync(str(conf, 'nodesFile'), 'utf8'));
    } catch (e) {
      throw new CniError('ioFailure', `nodesFile: cannot read ${String(conf.nodesFile)}: ${(e as Error).message}`);
    }
  }
  if (!Array.isArray(nodes)) throw new CniError('invalidNetworkConfig', 'nodes: must be a list of { subnet, address }');
  const checked = nodes.map((n: unknown, i) => {
    const o = (n ?? {}) as Record<string, unknown>;
    if (typeof o.subnet !== 'string' || subnetOf(o.subnet).cidr !== o.subnet) throw new CniError('invalidNetworkConfig', `nodes[${i}].subnet: must be a subnet, got ${JSON.stringify(o.subnet)}`);
    if (typeof o.address !== 'string') throw new CniError('invalidNetworkConfig', `nodes[${i}].address: must be an address`);
    vtepMac(o.address);
    return { subnet: o.subnet, address: o.address };
  });
  const mtu = conf.mtu ?? 1450;
  if (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 68 || mtu > 65485) throw new CniError('invalidNetworkConfig', `mtu: must be 68..65485, got ${JSON.stringify(conf.mtu)}`);
  const bridge = conf.bridge ?? 'cni0';
  if (typeof bridge !== 'string') throw new CniError('invalidNetworkConfig', 'bridge: must be an interface name');
  return { vni, port, underlay: str(conf, 'underlay'), local, nodeSubnet, nodes: checked.filter((n) => n.address !== local), bridge, mtu, vtep: `nlvx${vni}` };
}

const exists = (e: unknown): boolean => (e as { code?: string }).code === 'EEXIST';

/** Make the VTEP and the entries for every other node (idempotent: replaces what is there). */
async function ensureOverlay(nl: Netlink, c: VxlanConf): Promise<void> {
  const have = await nl.link.get(c.vtep).catch(() => undefined);
  if (have === undefined) {
    await nl.link
      .add({ kind: 'vxlan', name: c.vtep, id: c.vni, port: c.port, dev: c.underlay, local: c.local, learning: false, mac: vtepMac(c.local), mtu: c.mtu + 0, up: true })
      .catch((e: unknown) => {
        if (!exists(e)) throw e; // a concurrent ADD made it
      });
  }
  await nl.link.set(c.vtep, { up: true });
  const net = subnetOf(c.nodeSubnet).cidr.split('/')[0] as string;
  await nl.addr.add(c.vtep, `${net}/32`).catch((e: unknown) => {
    if (!exists(e)) throw e;
  });
  for (const n of c.nodes) {
    const mac = vtepMac(n.address);
    const gw = n.subnet.split('/')[0] as string;
    await nl.fdb.replace({ lladdr: mac, dev: c.vtep, dst: n.address, self: true });
    await nl.neigh.replace({ dst: gw, lladdr: mac, dev: c.vtep });
    await nl.route.replace({ dst: n.subnet, via: gw, dev: c.vtep, onlink: true });
  }
}

/** What netloom-bridge gets: the pods' bridge with the node subnet's gateway, the default route through it. */
function bridgeConf(conf: CniNetConf, c: VxlanConf): CniNetConf {
  const { vni: _v, port: _p, underlay: _u, local: _l, nodeSubnet: _s, nodes: _n, nodesFile: _f, ...rest } = conf;
  const first = toText(toNum('nodeSubnet', c.nodeSubnet.split('/')[0]).n + 1n, false);
  return {
    ...rest,
    type: 'netloom-bridge',
    bridge: c.bridge,
    isGateway: true,
    isDefaultGateway: true,
    mtu: c.mtu,
    ipam: conf.ipam ?? { type: 'netloom-ipam', subnet: c.nodeSubnet, gateway: first },
  };
}

async function withHost<T>(fn: (nl: Netlink) => Promise<T>): Promise<T> {
  const nl = await open();
  try {
    return await fn(nl);
  } finally {
    await nl.close();
  }
}

/** The handlers of `netloom-vxlan`. */
export const vxlanPlugin: CniHandlers = {
  async add(conf: CniNetConf, env: CniEnv): Promise<CniResult> {
    const c = checkVxlanConf(conf);
    await withHost((nl) => ensureOverlay(nl, c));
    return bridgePlugin.add(bridgeConf(conf, c), env);
  },
  async del(conf, env) {
    const c = checkVxlanConf(conf);
    await bridgePlugin.del(bridgeConf(conf, c), env);
  },
  async check(conf, env) {
    const c = checkVxlanConf(conf);
    const vtep = await withHost((nl) => nl.link.get(c.vtep).catch(() => undefined));
    if (vtep === undefined || vtep.kind !== 'vxlan') throw new CniError('ioFailure', `VTEP ${c.vtep} is missing`);
    await bridgePlugin.check(bridgeConf(conf, c), env);
  },
  async status(conf) {
    checkVxlanConf(conf);
  },
  async gc(conf, env, valid) {
    const c = checkVxlanConf(conf);
    await bridgePlugin.gc?.(bridgeConf(conf, c), env, valid);
  },
};
