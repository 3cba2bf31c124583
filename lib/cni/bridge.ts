/**
 * `netloom-bridge`: the reference `bridge` plugin's behaviour on netloom's
 * API (no `ip`, no `iptables`). ADD makes the bridge if missing, a veth pair
 * with its container end made directly inside CNI_NETNS, runs the IPAM
 * plugin, configures the addresses and routes, the gateway on the bridge and
 * the masquerade; DEL undoes it and succeeds when things are gone already;
 * CHECK compares the kernel with prevResult.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { open, type Netlink } from '../rtnl/handle.js';
import { netns, type NetNs } from '../netns/netns.js';
import { checkBridgeConf, type BridgeConf } from './bridge-conf.js';
import { ipam, ipamLifecycle } from './bridge-ipam.js';
import { CniError } from './errors.js';
import { addMasquerade, attachmentTag, removeMasquerade } from './masq.js';
import { subnetOf } from './subnet.js';
import type { CniHandlers } from './plugin.js';
import type { CniEnv, CniNetConf, CniResult } from './types.js';

const gone = (e: unknown): boolean => ['ENODEV', 'ENOENT', 'ESRCH'].includes((e as { code?: string }).code ?? '');

async function openContainer(env: CniEnv): Promise<NetNs> {
  try {
    return await netns.open({ path: env.netns as string });
  } catch (e) {
    throw new CniError('invalidEnvironment', `CNI_NETNS: cannot open ${env.netns ?? ''}: ${(e as Error).message}`);
  }
}

/** A random locally administered unicast MAC, as the kernel gives a new bridge. */
function randomMac(): string {
  const b = randomBytes(6);
  b[0] = ((b[0] as number) & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/**
 * The bridge, made if missing, up, and with its MAC pinned as the reference
 * plugin pins it: a bridge whose address was never set takes the lowest MAC
 * among its ports, so the gateway's MAC would change under the containers as
 * ports come and go (and every port deleted would renumber it). Setting the
 * address, even to the one it has, makes the kernel keep it. Router
 * advertisements are off on the bridge: its routes are the plugin's.
 */
async function ensureBridge(nl: Netlink, here: NetNs, c: BridgeConf): Promise<void> {
  let existing = await nl.link.get(c.bridge).catch((e: unknown) => (gone(e) ? undefined : Promise.reject(e)));
  if (existing === undefined) {
    const made = await nl.link.add({ kind: 'bridge', name: c.bridge, mac: randomMac(), ...(c.mtu === undefined ? {} : { mtu: c.mtu }) }).then(
      () => true,
      (e: unknown) => {
        if ((e as { code?: string }).code !== 'EEXIST') throw e; // else a concurrent ADD made it
        return false;
      },
    );
    if (!made) existing = await nl.link.get(c.bridge);
  }
  if (existing !== undefined && existing.kind !== 'bridge') {
    throw new CniError('invalidNetworkConfig', `bridge: ${c.bridge} exists and is a ${existing.kind ?? 'link'} device, not a bridge`);
  }
  await sysctlIfPresent(here, `net/ipv6/conf/${c.bridge}/accept_ra`, 0);
  await nl.link.set(c.bridge, { up: true, ...(existing?.mac === undefined ? {} : { mac: existing.mac }), ...(c.promiscMode ? { promisc: true } : {}) });
}

/** Set a sysctl in `ns`; like the reference, one the kernel lacks (no IPv6 there) is no error. */
function sysctlIfPresent(ns: NetNs, name: string, value: number): Promise<void> {
  return ns.sysctl.set(name, value).catch((e: unknown) => {
    if ((e as { code?: string }).code !== 'ENOENT') throw e;
  });
}

/**
 * The container interface's sysctls, set before it comes up, as the
 * reference plugin sets them: DAD only when asked for (`enabledad`), and
 * gratuitous ARP when the link or its address changes (arp_notify).
 */
async function containerSysctls(container: NetNs, ifname: string, enableDad: boolean): Promise<void> {
  if (enableDad) await sysctlIfPresent(container, `net/ipv6/conf/${ifname}/enhanced_dad`, 1);
  await sysctlIfPresent(container, `net/ipv6/conf/${ifname}/accept_dad`, enableDad ? 1 : 0);
  await sysctlIfPresent(container, `net/ipv4/conf/${ifname}/arp_notify`, 1);
}

/** The gateway of an address: the IPAM's, or the subnet's first address. */
function gatewayOf(ip: { address: string; gateway?: string }): string {
  return ip.gateway ?? subnetOf(ip.address).first;
}

async function add(conf: CniNetConf, env: CniEnv): Promise<CniResult> {
  const c = checkBridgeConf(conf);
  if (conf.ipam === undefined) throw new CniError('invalidNetworkConfig', 'ipam: is required (netloom-bridge gives containers addresses through an IPAM plugin)');
  const ifname = env.ifname as string;
  const container = await openContainer(env);
  const host = await open();
  const here = netns.current(); // the host's namespace, for its sysctls
  let nlC: Netlink | undefined;
  let hostName: string | undefined;
  let ipamDone = false;
  try {
    await ensureBridge(host, here, c);
    for (let attempt = 0; hostName === undefined; attempt++) {
      const name = `veth${randomBytes(4).toString('hex')}`;
      try {
        // txqlen 0 on both ends, as the reference's veths (a veth has no queue of its own).
        await host.link.add({ kind: 'veth', name, master: c.bridge, up: true, txqlen: 0, ...(c.mtu === undefined ? {} : { mtu: c.mtu }), peer: { name: ifname, netns: container, txqlen: 0, ...(c.mtu === undefined ? {} : { mtu: c.mtu }) } });
        hostName = name;
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST' || attempt >= 3) throw e;
        // EEXIST: the random name was taken, or CNI_IFNAME exists in the container.
        nlC ??= await open({ netns: container });
        if (await nlC.link.get(ifname).then(() => true, () => false)) throw new CniError('invalidEnvironment', `CNI_IFNAME: ${ifname} already exists in the container's namespace`);
      }
    }
    if (c.hairpinMode) await host.link.set(hostName, { bridgePort: { hairpin: true } });
    const leased = (await ipam('ADD', conf, env)) as CniResult;
    ipamDone = true;
    nlC ??= await open({ netns: container });
    await containerSysctls(container, ifname, c.enableDad);
    await nlC.link.set(ifname, { up: true });
    const ips = (leased.ips ?? []).map((ip) => ({ ...ip, interface: 2 }));
    // IPv4 with the subnet's broadcast address, as the reference sets it.
    for (const ip of ips) await nlC.addr.add(ifname, ip.address, isIPv6(ip.address.split('/')[0] as string) ? {} : { broadcast: '+' });
    const routes = [...(leased.routes ?? [])];
    if (c.isDefaultGateway) {
      for (const fam of ['4', '6']) {
        const ip = ips.find((x) => isIPv6(x.address.split('/')[0] as string) === (fam === '6'));
        if (ip !== undefined) routes.push({ dst: fam === '6' ? '::/0' : '0.0.0.0/0', gw: gatewayOf(ip) });
      }
    }
    for (const r of routes) {
      const gw = r.gw ?? ips.find((ip) => isIPv6(ip.address.split('/')[0] as string) === isIPv6(r.dst.split('/')[0] as string))?.gateway;
      await nlC.route.add({ dst: r.dst, dev: ifname, ...(gw === undefined ? {} : { via: gw }) }).catch((e: unknown) => {
        if ((e as { code?: string }).code !== 'EEXIST') throw e;
      });
    }
    if (c.isGateway) {
      const have = new Set((await host.addr.list({ dev: c.bridge })).map((a) => a.cidr));
      for (const ip of ips) {
        const gw = `${gatewayOf(ip)}/${ip.address.split('/')[1] ?? ''}`;
        if (!have.has(gw)) await host.addr.add(c.bridge, gw).catch((e: unknown) => {
          if ((e as { code?: string }).code !== 'EEXIST') throw e;
        });
        ip.gateway = gatewayOf(ip);
      }
      if (ips.some((ip) => !isIPv6(ip.address.split('/')[0] as string))) await here.sysctl.set('net.ipv4.ip_forward', 1);
      if (ips.some((ip) => isIPv6(ip.address.split('/')[0] as string))) await here.sysctl.set('net.ipv6.conf.all.forwarding', 1);
    }
    if (c.ipMasq) {
      for (const ip of ips) if (!isIPv6(ip.address.split('/')[0] as string)) await addMasquerade(attachmentTag(conf.name, env.containerId as string, ifname), ip.address, subnetOf(ip.address).cidr);
    }
    const [br, hv, cv] = await Promise.all([host.link.get(c.bridge), host.link.get(hostName), nlC.link.get(ifname)]);
    // Chained after other plugins: their interfaces and addresses come first, ours are added.
    const prev = conf.prevResult;
    const base = prev?.interfaces?.length ?? 0;
    return {
      cniVersion: conf.cniVersion,
      interfaces: [
        ...(prev?.interfaces ?? []),
        { name: br.name, mac: br.mac ?? '' },
        { name: hv.name, mac: hv.mac ?? '' },
        { name: cv.name, mac: cv.mac ?? '', sandbox: env.netns as string },
      ],
      ips: [...(prev?.ips ?? []), ...ips.map((ip) => ({ ...ip, interface: base + 2 }))],
      routes: [...(prev?.routes ?? []), ...routes],
      dns: [leased.dns, prev?.dns, conf.dns].find((d) => d !== undefined && Object.keys(d).length > 0) ?? {},
    };
  } catch (e) {
    // Leave nothing half made: the veth (its container end goes with it) and the lease.
    if (hostName !== undefined) await host.link.del(hostName).catch(() => undefined);
    if (ipamDone) await ipam('DEL', conf, env).catch(() => undefined);
    throw e;
  } finally {
    await nlC?.close();
    await host.close();
    here.close();
    container.close();
  }
}

/**
 * Delete the container's end of the veth (its peer on the bridge goes with
 * it). The request is on its way when this resolves: `done` settles once the
 * kernel has torn the pair down (~20 ms of RCU waits), which the caller
 * overlaps with releasing the lease. (Wrapped in an object: a promise
 * resolved with a promise would wait for it.) Undefined when the namespace
 * is gone already: nothing to delete there.
 */
async function startUnplug(env: CniEnv): Promise<{ done: Promise<void> } | undefined> {
  if (env.netns === undefined) return undefined;
  const container = await netns.open({ path: env.netns }).catch(() => undefined);
  if (container === undefined) return undefined;
  let nlC: Netlink;
  try {
    nlC = await open({ netns: container });
  } catch (e) {
    container.close();
    throw e;
  }
  const done = nlC.link
    .del(env.ifname as string)
    .catch((e: unknown) => {
      if (!gone(e)) throw e;
    })
    .finally(async () => {
      await nlC.close();
      container.close();
    });
  return { done };
}

async function del(conf: CniNetConf, env: CniEnv): Promise<void> {
  const c = checkBridgeConf(conf);
  // The lease is released even when the link could not be reached; both
  // always settle before DEL answers, and the first failure is the answer.
  let unplugged: Promise<void> | undefined;
  try {
    unplugged = (await startUnplug(env))?.done;
  } catch (e) {
    unplugged = Promise.reject(e);
  }
  const [link, lease] = await Promise.allSettled([unplugged, conf.ipam === undefined ? undefined : ipam('DEL', conf, env)]);
  if (link.status === 'rejected') throw link.reason;
  if (lease.status === 'rejected') throw lease.reason;
  if (c.ipMasq) {
    const tag = attachmentTag(conf.name, env.containerId as string, env.ifname as string);
    await removeMasquerade((t) => t === tag);
  }
}

async function check(conf: CniNetConf, env: CniEnv): Promise<void> {
  const c = checkBridgeConf(conf);
  const prev = conf.prevResult;
  if (prev === undefined) throw new CniError('invalidNetworkConfig', 'prevResult: CHECK needs the result of the ADD it checks');
  if (conf.ipam !== undefined) await ipam('CHECK', conf, env);
  const container = await openContainer(env);
  const host = await open();
  let nlC: Netlink | undefined;
  try {
    const br = await host.link.get(c.bridge).catch(() => undefined);
    if (br === undefined || br.kind !== 'bridge') throw new CniError('ioFailure', `bridge ${c.bridge} is missing`);
    nlC = await open({ netns: container });
    const ifname = env.ifname as string;
    const link = await nlC.link.get(ifname).catch(() => undefined);
    if (link === undefined) throw new CniError('ioFailure', `interface ${ifname} is missing from the container's namespace`);
    if (!link.up) throw new CniError('ioFailure', `interface ${ifname} in the container is down`);
    const have = new Set((await nlC.addr.list({ dev: ifname })).map((a) => a.cidr));
    for (const ip of prev.ips ?? []) if (!have.has(ip.address)) throw new CniError('ioFailure', `interface ${ifname} has lost its address ${ip.address}`);
    const hostSide = (prev.interfaces ?? [])[1];
    if (hostSide !== undefined) {
      const hv = await host.link.get(hostSide.name).catch(() => undefined);
      if (hv === undefined) throw new CniError('ioFailure', `host interface ${hostSide.name} is missing`);
      if (hv.master !== br.ifindex) throw new CniError('ioFailure', `host interface ${hostSide.name} is not a port of ${c.bridge}`);
    }
  } finally {
    await nlC?.close();
    await host.close();
    container.close();
  }
}

/** The handlers of `netloom-bridge`. */
export const bridgePlugin: CniHandlers = {
  add,
  del,
  check,
  async status(conf, env) {
    checkBridgeConf(conf);
    await ipamLifecycle('STATUS', conf, env);
  },
  async gc(conf, env, valid) {
    const c = checkBridgeConf(conf);
    if (c.ipMasq) {
      const keep = new Set(valid.map((v) => attachmentTag(conf.name, v.containerID, v.ifname)));
      await removeMasquerade((tag) => tag.startsWith(`${conf.name}:`) && !keep.has(tag));
    }
    // As the reference bridge plugin does: the IPAM releases the leases of attachments no longer valid.
    await ipamLifecycle('GC', conf, env, valid);
  },
};
