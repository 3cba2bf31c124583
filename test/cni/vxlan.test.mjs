// A flannel-style overlay made by netloom-vxlan: three "node" namespaces on
// an underlay (a switch namespace with a bridge), each the host of two pods
// attached by the plugin (run inside the node, as a runtime would run it);
// every pod pings every other pod, across nodes through the VXLAN tunnel.
// The VTEP, its FDB entries, neighbours and routes are witnessed by iproute2.
import t from 'tap';
import { netns, open } from '../../dist/index.js';
import { bridgeJson, ipJson } from '../helpers/sandbox.mjs';
import { NETLOOM_CNI, cniHost, runCni } from '../helpers/cni.mjs';

const NODES = [1, 2, 3];

t.test('three nodes, two pods each: every pod pings every other pod', async (t) => {
  const { host: sw, dataDir, container } = await cniHost(t);
  const nlS = await open({ netns: sw });
  t.teardown(() => nlS.close());
  await nlS.link.add({ kind: 'bridge', name: 'ul0', up: true });
  const nodes = [];
  for (const n of NODES) {
    const ns = await netns.create();
    t.teardown(() => ns.close());
    const nl = await open({ netns: ns });
    t.teardown(() => nl.close());
    await nl.link.set('lo', { up: true });
    await nl.link.add({ kind: 'veth', name: 'eth0', up: true, peer: { name: `n${n}`, netns: sw, up: true } });
    await nlS.link.set(`n${n}`, { master: 'ul0' });
    await nl.addr.add('eth0', `198.18.80.${n}/24`);
    nodes.push({ n, ns, nl });
  }
  const conf = (n) => ({
    cniVersion: '1.0.0',
    name: 'overlay',
    type: 'netloom-vxlan',
    vni: 7,
    underlay: 'eth0',
    local: `198.18.80.${n}`,
    nodeSubnet: `198.19.${n}.0/24`,
    nodes: NODES.map((m) => ({ subnet: `198.19.${m}.0/24`, address: `198.18.80.${m}` })),
    ipam: { type: 'netloom-ipam', subnet: `198.19.${n}.0/24`, dataDir: `${dataDir}/node${n}` },
  });
  const pods = [];
  for (const node of nodes) {
    for (const p of [1, 2]) {
      const pod = await container();
      const r = await runCni(node.ns, NETLOOM_CNI, 'ADD', conf(node.n), { container: pod, id: `pod${node.n}${p}` });
      t.equal(r.code, 0, `node ${node.n} pod ${p}: ${r.stdout}`);
      pods.push({ ns: pod, ip: r.result.ips[0].address.split('/')[0], node: node.n });
    }
  }
  t.same(pods.map((p) => p.ip), ['198.19.1.2', '198.19.1.3', '198.19.2.2', '198.19.2.3', '198.19.3.2', '198.19.3.3'], 'each node hands out its own subnet');

  const vtep = ipJson(nodes[0].ns, '-d', 'link', 'show', 'dev', 'nlvx7')[0];
  t.match(vtep.linkinfo.info_data, { id: 7, local: '198.18.80.1', port: 4789, learning: false }, 'the VTEP (ip -d link)');
  t.equal(vtep.address, '02:4e:c6:12:50:01', 'its MAC derived from its underlay address');
  const fdb = bridgeJson(nodes[0].ns, 'fdb', 'show', 'dev', 'nlvx7').filter((e) => e.dst);
  t.same(fdb.map((e) => `${e.mac} ${e.dst}`).sort(), ['02:4e:c6:12:50:02 198.18.80.2', '02:4e:c6:12:50:03 198.18.80.3'], 'FDB: the other VTEPs');
  const routes = ipJson(nodes[0].ns, 'route', 'show', 'dev', 'nlvx7').map((r) => `${r.dst} via ${r.gateway}`).sort();
  t.same(routes, ['198.19.2.0/24 via 198.19.2.0', '198.19.3.0/24 via 198.19.3.0'], 'routes to the other nodes’ pods');

  let ok = 0;
  const pairs = [];
  for (const a of pods) for (const b of pods) if (a !== b) pairs.push([a, b]);
  const results = await Promise.all(pairs.map(([a, b]) => a.ns.ping(b.ip, { count: 1, timeout: 3000 })));
  results.forEach((r, i) => {
    if (r.received === 1) ok++;
    else t.fail(`pod ${pairs[i][0].ip} (node ${pairs[i][0].node}) -> ${pairs[i][1].ip} (node ${pairs[i][1].node})`);
  });
  t.equal(ok, pairs.length, `all ${pairs.length} pod pairs ping, ${pairs.filter(([a, b]) => a.node !== b.node).length} of them across nodes`);

  for (const [i, p] of pods.entries()) {
    const node = nodes.find((x) => x.n === p.node);
    t.equal((await runCni(node.ns, NETLOOM_CNI, 'DEL', conf(node.n), { container: p.ns, id: `pod${p.node}${(i % 2) + 1}` })).code, 0);
  }
});
