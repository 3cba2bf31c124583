#!/usr/bin/env node
// Scenario S7: a VXLAN overlay the way flannel's vxlan backend builds it.
//
// An underlay (a "fabric" namespace with bridge ul0) joins three "host"
// namespaces at 198.18.100.1-3. Each host has:
//   - a VTEP: ip link add flannel.1 type vxlan id 1 dstport 4789 dev eth0 local <ip> nolearning
//     with 198.19.N.0/32 on it, and for every other host M:
//       bridge fdb append <VTEP-M mac> dev flannel.1 dst 198.18.100.M   (where to tunnel)
//       ip neigh add 198.19.M.0 lladdr <VTEP-M mac> dev flannel.1       (no ARP over the tunnel)
//       ip route add 198.19.M.0/24 via 198.19.M.0 dev flannel.1 onlink  (the other node's pods)
//   - a pod bridge cni0 (198.19.N.1/24) and two pod namespaces on it (198.19.N.10, .11).
// Pods ping pods on other hosts across the tunnel. Static entries only: no
// multicast, no learning. Everything is removed at the end.
import { netns, open } from 'netloom';

const HOSTS = 3;
const vtepMac = (n) => `02:00:00:00:01:0${n}`;
const made = [];
const handles = [];
const track = (x) => (made.push(x), x);
const handle = async (ns) => {
  const h = await open({ netns: ns });
  handles.push(h);
  return h;
};

try {
  const fabric = track(await netns.create());
  const nlF = await handle(fabric);
  await nlF.link.add({ kind: 'bridge', name: 'ul0', up: true });

  const hosts = [];
  for (let n = 1; n <= HOSTS; n++) {
    const ns = track(await netns.create());
    const nl = await handle(ns);
    await nl.link.set('lo', { up: true });
    await ns.sysctl.set('net.ipv4.ip_forward', 1);
    // Underlay: the host's eth0, its other end on the fabric bridge.
    await nl.link.add({ kind: 'veth', name: 'eth0', up: true, peer: { name: `h${n}`, netns: fabric, up: true } });
    await nlF.link.set(`h${n}`, { master: 'ul0' });
    await nl.addr.add('eth0', `198.18.100.${n}/24`);
    // The VTEP.
    await nl.link.add({ kind: 'vxlan', name: 'flannel.1', id: 1, port: 4789, dev: 'eth0', local: `198.18.100.${n}`, learning: false, mac: vtepMac(n), up: true });
    await nl.addr.add('flannel.1', `198.19.${n}.0/32`);
    // The pods' bridge and two pods.
    await nl.link.add({ kind: 'bridge', name: 'cni0', up: true });
    await nl.addr.add('cni0', `198.19.${n}.1/24`);
    const pods = [];
    for (const p of [10, 11]) {
      const pod = track(await netns.create());
      const nlP = await handle(pod);
      await nl.link.add({ kind: 'veth', name: `veth${p}`, master: 'cni0', up: true, peer: { name: 'eth0', netns: pod, up: true } });
      await nlP.link.set('lo', { up: true });
      await nlP.addr.add('eth0', `198.19.${n}.${p}/24`);
      await nlP.route.add({ dst: 'default', via: `198.19.${n}.1` });
      pods.push({ ns: pod, ip: `198.19.${n}.${p}` });
    }
    hosts.push({ n, ns, nl, pods });
  }

  // What flannel writes when it learns of the other nodes.
  for (const h of hosts) {
    for (const o of hosts) {
      if (o === h) continue;
      await h.nl.fdb.append({ lladdr: vtepMac(o.n), dev: 'flannel.1', dst: `198.18.100.${o.n}`, self: true });
      await h.nl.neigh.add({ dst: `198.19.${o.n}.0`, lladdr: vtepMac(o.n), dev: 'flannel.1' });
      await h.nl.route.add({ dst: `198.19.${o.n}.0/24`, via: `198.19.${o.n}.0`, dev: 'flannel.1', onlink: true });
    }
  }

  let ok = true;
  for (const [from, to] of [[hosts[0].pods[0], hosts[1].pods[1]], [hosts[1].pods[0], hosts[2].pods[0]], [hosts[2].pods[1], hosts[0].pods[1]]]) {
    const r = await from.ns.ping(to.ip, { count: 2, interval: 100, timeout: 3000 });
    console.log(`pod ${from.ip} -> pod ${to.ip} across the overlay: ${r.received}/${r.sent}`);
    ok &&= r.received > 0;
  }
  const fdb = await hosts[0].nl.fdb.list({ dev: 'flannel.1' });
  console.log(`host 1 VTEP forwarding entries: ${fdb.filter((e) => e.dst).map((e) => `${e.lladdr} -> ${e.dst}`).join(', ')}`);
  // For a witness (the tests): let it look at the hosts while they exist.
  if (process.env.NETLOOM_S7_WITNESS) {
    const { execFileSync } = await import('node:child_process');
    for (const h of hosts) {
      const out = execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${h.ns.fd}`, ...process.env.NETLOOM_S7_WITNESS.split(' ')], { encoding: 'utf8' });
      console.log(`witness host ${h.n}: ${out.trim().replace(/\n/g, ' ')}`);
    }
  }
  if (!ok) throw new Error('a pod did not answer');
} finally {
  for (const h of handles) await h.close();
  for (const ns of made) ns.close();
}
