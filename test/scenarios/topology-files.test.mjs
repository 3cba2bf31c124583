// Every scenario of SCENARIOS.md as a topology file (examples/topologies/),
// applied inside the test's own namespaces (netloom/testing: every named
// namespace of the file becomes anonymous), proven with a ping, witnessed
// with iproute2, and gone at the end of each test; and a check that every
// file there is applied by some test.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTopology, TopologyError, topology, Tun } from '../../dist/index.js';
import { topologySandbox, sandbox } from '../../dist/testing.js';
import { bridgeJson, ipJson, ipLink } from '../helpers/sandbox.mjs';

const file = (name) => fileURLToPath(new URL(`../../examples/topologies/${name}`, import.meta.url));
// Applied once, the kernel matches the declaration: a second plan has nothing to do.
const idempotent = async (t, topo) => {
  const plan = await topo.topology.plan();
  t.same(plan.steps.map((s) => `${s.action} ${s.object} ${s.name}: ${s.changes.join(', ')}`), [], 'a second plan is empty');
};
const ping = async (topo, from, to) => (await topo.netns(from).ping(to, { count: 2, interval: 50, timeout: 3000 })).received;

t.test('S1: two namespaces joined by a veth pair', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(file('s1-veth.yaml')));
  await idempotent(t, topo);
  t.ok((await ping(topo, 'root', '198.18.11.1')) > 0, 'root -> netns1');
  const veth1 = ipJson(topo.netns('netns1'), '-d', 'link', 'show', 'dev', 'veth1')[0];
  t.equal(veth1.linkinfo.info_kind, 'veth', 'veth1 lives in netns1 (ip -d link)');
  t.equal(veth1.operstate, 'UP');
  t.match(veth1.ifalias, /^netloom:s1-veth-t/, 'marked as the topology\'s');
  t.same(ipJson(topo.netns('netns1'), 'link', 'show', 'dev', 'lo')[0].flags.includes('UP'), true, 'lo is up');
});

t.test('S2: a bridge as a virtual switch', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(file('s2-bridge.yaml')));
  await idempotent(t, topo);
  t.ok((await ping(topo, 'ns1', '198.18.1.12')) > 0, 'ns1 -> ns2');
  t.ok((await ping(topo, 'ns1', '198.18.1.10')) > 0, 'ns1 -> the bridge');
  const ports = ipJson(topo.netns('switch'), 'link', 'show', 'master', 'br0').map((l) => l.ifname).sort();
  t.same(ports, ['veth1_br', 'veth2_br'], 'both ports on br0');
  const route = ipJson(topo.netns('ns2'), 'route', 'show', 'default')[0];
  t.equal(route.gateway, '198.18.1.10', 'default route via the bridge');
  t.equal(route.protocol, '78', 'with netloom\'s route protocol');
});

t.test('S3: container wiring as Docker does it', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(file('s3-container.yaml')));
  await idempotent(t, topo);
  t.ok((await ping(topo, 'container', '198.18.3.1')) > 0, 'container -> docker0');
  const eth0 = ipJson(topo.netns('container'), '-d', 'link', 'show', 'dev', 'eth0')[0];
  t.equal(eth0.mtu, 1500);
  const hostEnd = ipJson(topo.netns('host'), 'link', 'show', 'dev', 'veth1')[0];
  t.equal(eth0.link_index, hostEnd.ifindex, 'eth0@ifN is the host\'s veth1');
  t.equal(hostEnd.master, 'docker0');
  const r = await topo.handle('container').route.get('198.18.200.1');
  t.equal(r.via, '198.18.3.1', 'the container reaches out through docker0');
});

t.test('S4: a router namespace', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(file('s4-router.yaml')));
  await idempotent(t, topo);
  t.equal(await topo.netns('router').sysctl.get('net.ipv4.ip_forward'), '1', 'forwarding on (a sysctl of the topology)');
  t.ok((await ping(topo, 'left', '198.18.20.2')) > 0, 'left -> right through the router');
});

t.test('S5: tun devices over a veth underlay, and a TAP on a bridge', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(file('s5-tun.yaml')));
  await idempotent(t, topo);
  const [a, b, vmHost] = ['site-a', 'site-b', 'vm-host'].map((k) => topo.netns(k));
  for (const [ns, addr] of [[a, '198.19.51.1'], [b, '198.19.52.1']]) {
    const tun0 = ipLink(ns, 'tun0');
    t.match(tun0.linkinfo, { info_kind: 'tun', info_data: { type: 'tun', persist: true, multi_queue: false } }, 'a persistent tun device (ip -d link: tun type tun)');
    t.equal(tun0.mtu, 1400);
    t.match(tun0.ifalias, /^netloom:s5-tun-t/, 'marked as the topology\'s');
    // Up, but nobody holds it open: no carrier until a program does.
    t.ok(tun0.flags.includes('UP') && tun0.flags.includes('NO-CARRIER'), `tun0 is up with no carrier: ${tun0.flags}`);
    t.ok(ipJson(ns, 'addr', 'show', 'dev', 'tun0')[0].addr_info.some((x) => x.local === addr), `${addr} on tun0`);
  }
  t.equal(ipJson(a, 'route', 'show', '198.19.52.0/24')[0].dev, 'tun0', 'site-a reaches site-b\'s network through tun0');

  // The VPN program's part, in this process: carry packets between the two
  // devices (attached to by name: they are persistent). A ping then crosses.
  const tunA = await Tun.open({ netns: a, name: 'tun0' });
  const tunB = await Tun.open({ netns: b, name: 'tun0' });
  const pipes = Promise.allSettled([tunA.pipeTo(tunB), tunB.pipeTo(tunA)]);
  try {
    t.ok((await ping(topo, 'site-a', '198.19.52.1')) > 0, 'site-a -> site-b\'s tun0, through both tun devices');
  } finally {
    await tunA.close();
    await tunB.close();
    await pipes;
  }
  t.ok(ipLink(a, 'tun0') !== undefined, 'the device outlives the program that used it');

  const vm0 = ipLink(vmHost, 'vm0');
  t.match(vm0.linkinfo, { info_kind: 'tun', info_data: { type: 'tap', persist: true }, info_slave_kind: 'bridge' }, 'a persistent TAP, a bridge port (ip -d link: tun type tap)');
  t.equal(vm0.master, 'br0');
  t.equal(vm0.address, '02:00:00:00:55:09');
  t.equal(vm0.linkinfo.info_slave_data.state, 'disabled', 'without carrier the bridge does not forward to it');
  // A virtual machine starts: its TAP gets a carrier, the port forwards, and
  // the ARP request of a ping from the bridge reaches it.
  const tap = await Tun.open({ netns: vmHost, name: 'vm0', mode: 'tap' });
  try {
    const arp = (async () => {
      for await (const frame of tap.packets({ signal: AbortSignal.timeout(5000) })) {
        // Ethernet type 0x0806, ARP request (opcode 1) for 198.18.55.9.
        if (frame.readUInt16BE(12) === 0x0806 && frame.readUInt16BE(20) === 1 && frame.subarray(38, 42).join('.') === '198.18.55.9') return true;
      }
      return false;
    })().catch((e) => (e.name === 'AbortError' ? false : Promise.reject(e)));
    const pinged = topo.netns('vm-host').ping('198.18.55.9', { count: 3, interval: 200, timeout: 1000 });
    t.ok(await arp, 'the TAP device got the ARP request for 198.18.55.9');
    t.equal((await pinged).received, 0, 'nobody answers (no VM): the ping itself fails');
    t.equal(ipLink(vmHost, 'vm0').linkinfo.info_slave_data.state, 'forwarding', 'with carrier the port forwards');
  } finally {
    await tap.close();
  }
  t.match(await topo.topology.graph(), /vm0<br\/>tap/, 'graph() labels the TAP device');
});

t.test('S6: macvlan on a veth parent and on a bridge parent', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(file('s6-macvlan.yaml')));
  await idempotent(t, topo);
  t.ok((await ping(topo, 'pod1', '198.18.6.12')) > 0, 'pod1 -> pod2 (macvlans on the veth trunk)');
  t.ok((await ping(topo, 'pod3', '198.18.16.14')) > 0, 'pod3 -> pod4 (macvlans on the bridge)');
  const eth0 = ipJson(topo.netns('pod1'), '-d', 'link', 'show', 'dev', 'eth0')[0];
  t.equal(eth0.linkinfo.info_kind, 'macvlan');
  t.equal(eth0.linkinfo.info_data.mode, 'bridge');
  t.ok(eth0.link_netnsid !== undefined, 'its parent lives in another namespace (link-netnsid)');
  t.equal(ipJson(topo.netns('host'), '-d', 'link', 'show', 'dev', 'mvtap0')[0].linkinfo.info_kind, 'macvtap');
});

t.test('S6: vlan and ipvlan: work where the kernel has them, else a clear error and nothing left', async (t) => {
  // Does this kernel have vlan? Ask it, in a throwaway namespace.
  const probe = await sandbox(t);
  await probe.nl.link.add({ kind: 'veth', name: 'p0', peer: { name: 'p1' } });
  const hasVlan = await probe.nl.link.add({ kind: 'vlan', name: 'p0.10', parent: 'p0', id: 10 }).then(() => true, (e) => {
    if (e.code !== 'EOPNOTSUPP') throw e;
    return false;
  });
  const spec = await loadTopology(file('s6-vlan-ipvlan.yaml'));
  if (hasVlan) {
    const topo = await topologySandbox(t, spec);
    t.ok((await ping(topo, 'pod1', '198.18.60.2')) > 0, 'pod1 -> far over VLAN 10');
    return;
  }
  const root = await sandbox(t);
  const topo = topology(spec, { netns: root.ns, netnsPrefix: `nlt-${process.pid}-s6-` });
  t.teardown(() => topo.close());
  const err = await topo.apply().then(() => undefined, (e) => e);
  t.type(err, TopologyError);
  t.equal(err.code, 'EOPNOTSUPP');
  t.match(err.message, /kernel does not support link kind '(vlan|ipvlan)'/);
  t.equal(err.step.stage, 'links');
  t.match(err.step.path, /^namespaces\.(far|pod1|pod2)\.links\[\d\]$/);
  t.ok(err.rolledBack > 0, `rolled back ${err.rolledBack}`);
  t.same(await (await import('../../dist/index.js')).netns.list().then((l) => l.filter((n) => n.startsWith(`nlt-${process.pid}-s6-`))), [], 'no namespace left (ip netns)');
});

t.test('S7: a VXLAN overlay with static entries', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(file('s7-vxlan.yaml')));
  await idempotent(t, topo);
  t.ok((await ping(topo, 'pod1', '198.19.2.10')) > 0, 'pod1 -> pod2 across the tunnel');
  const vtep = ipJson(topo.netns('host1'), '-d', '-s', 'link', 'show', 'dev', 'flannel.1')[0];
  t.equal(vtep.linkinfo.info_data.learning, false);
  t.ok(vtep.stats64.tx.packets > 0, 'the VTEP sent packets into the tunnel');
  const fdb = bridgeJson(topo.netns('host1'), 'fdb', 'show', 'dev', 'flannel.1');
  t.ok(fdb.some((e) => e.mac === '02:00:00:00:01:02' && e.dst === '198.18.100.2'), 'the static forwarding entry to host2 (bridge fdb)');
  const neigh = ipJson(topo.netns('host1'), 'neigh', 'show', 'dev', 'flannel.1');
  t.ok(neigh.some((n) => n.dst === '198.19.2.0' && n.lladdr === '02:00:00:00:01:02' && n.state.includes('PERMANENT')), 'the static neighbour of host2\'s VTEP');
});

t.test('S8: a little of everything, looked at', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(file('s8-inspect.yaml')));
  await idempotent(t, topo);
  t.ok((await ping(topo, 'a', '198.18.8.1')) > 0, 'a -> the bridge');
  const edge = topo.netns('edge');
  const neigh = ipJson(edge, 'neigh', 'show', 'dev', 'br0').find((n) => n.dst === '198.18.8.99');
  t.equal(neigh?.lladdr, '02:00:00:00:08:99');
  t.ok(ipJson(edge, 'addr', 'show', 'dev', 'br0')[0].addr_info.some((a) => a.local === '2001:db8:8::1'), 'IPv6 address on br0');
  t.equal(ipJson(edge, '-d', 'link', 'show', 'dev', 'ifb8')[0].linkinfo.info_kind, 'ifb');
  const live = await topo.topology.graph({ live: true });
  t.match(live, /mv0/);
  t.match(live, /<-->\|veth\|/);
  const fdb = bridgeJson(edge, 'fdb', 'show', 'br', 'br0');
  t.ok(fdb.some((e) => e.mac === '02:00:00:00:08:98' && e.ifname === 'v-a' && e.state === 'static'), 'the static FDB entry on the port');
});

t.test('qos-nexthop: traffic control and nexthop objects (more in test/topology/qdisc.test.mjs)', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(file('qos-nexthop.yaml')));
  await idempotent(t, topo);
  t.ok((await ping(topo, 'client', '198.18.50.1')) > 0, 'client -> 198.18.50.1 through the nexthop group');
  t.ok((await ping(topo, 'client', '198.18.41.2')) > 0, 'client -> server2');
  t.match(ipJson(topo.netns('router'), 'route', 'show', '198.18.50.0/24'), [{ nhid: 10 }], 'the route through nexthop group 10');
});

t.test('every example topology is applied by a test', async (t) => {
  const dir = fileURLToPath(new URL('../../examples/topologies/', import.meta.url));
  const tests = fileURLToPath(new URL('..', import.meta.url));
  const sources = readdirSync(tests, { recursive: true }).filter((f) => String(f).endsWith('.test.mjs')).map((f) => readFileSync(join(tests, String(f)), 'utf8')).join('\n');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml') || x.endsWith('.json'))) t.ok(sources.includes(`'${f}'`), `${f} is loaded by a test`);
});
