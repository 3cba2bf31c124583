// Traffic control and nexthop objects in topologies, on the real kernel:
// examples/topologies/qos-nexthop.yaml applied in the test's own namespaces
// (tbf, htb classes and a u32 filter, an ingress mirred mirror, a weighted
// nexthop group and a blackhole nexthop with routes through them), witnessed
// by `tc -j` and `ip -j nexthop`; a tbf rate proven by timing a transfer;
// unchanged on a rerun, replaced when a rate or a group changes, removed
// when no longer declared, rolled back on failure, shown by `netloom show`,
// and gone with destroy (also in a namespace the topology does not own).
import t from 'tap';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { loadTopology, scanNamespaces, TopologyError } from '../../dist/index.js';
import { renderTree } from '../../dist/cli/show.js';
import { topologySandbox } from '../../dist/testing.js';
import { ipJson, tcJson, tcText } from '../helpers/sandbox.mjs';

const EXAMPLE = fileURLToPath(new URL('../../examples/topologies/qos-nexthop.yaml', import.meta.url));
const FLOW = fileURLToPath(new URL('../fixtures/tc-flow.mjs', import.meta.url));
const steps = (plan) => plan.steps.map((s) => `${s.action} ${s.object} ${s.name}${s.changes.length ? `: ${s.changes.join(', ')}` : ''}`);
// What topologySandbox made of the file (anonymous namespaces, its unique name): the base of an update.
const sandboxed = (spec, name) => {
  const copy = structuredClone(spec);
  copy.name = name;
  for (const ns of Object.values(copy.namespaces)) if (!ns.current) ns.anonymous = true;
  return copy;
};
const rx = (ns, dev) => ipJson(ns, '-s', 'link', 'show', 'dev', dev)[0].stats64.rx.packets;

t.test('qos-nexthop.yaml: qdiscs, classes, filters and nexthops as declared; a rerun changes nothing', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(EXAMPLE));
  const [client, router, monitor] = ['client', 'router', 'monitor'].map((k) => topo.netns(k));
  t.match(tcJson(client, 'qdisc', 'show', 'dev', 'eth0'), [{ kind: 'tbf', handle: '1:', root: true, options: { rate: 1000000, burst: 32768, lat: 50000 } }], 'tc: tbf 8mbit on the client');
  const lan = tcJson(router, 'qdisc', 'show', 'dev', 'lan0');
  t.match(lan.find((q) => q.kind === 'htb'), { handle: '1:', root: true, options: { default: '0x14' } }, 'tc: htb 1: default 1:20 on lan0');
  t.ok(lan.some((q) => q.kind === 'ingress'), 'and an ingress qdisc');
  // tc 6.1 prints classes only as text.
  const classes = tcText(router, 'class', 'show', 'dev', 'lan0').split('\n').filter(Boolean).map((l) => /class htb (\S+) (?:parent (\S+)|root)(?: prio (\d))? rate (\S+) ceil (\S+)/.exec(l).slice(1).join(' ')).sort();
  t.same(classes, ['1:1   100Mbit 100Mbit', '1:10 1:1 1 60Mbit 100Mbit', '1:20 1:1 0 40Mbit 100Mbit'], 'tc class show: the three classes');
  const [sort] = tcJson(router, 'filter', 'show', 'dev', 'lan0', 'parent', '1:').filter((f) => f.options?.match);
  t.match(sort, { protocol: 'ip', pref: 1, options: { flowid: '1:10', match: { value: 'c6123200', mask: 'ffffff00', off: 12 } } }, 'the u32 filter sorts 198.18.50.0/24 into 1:10');
  const [mirror] = tcJson(router, 'filter', 'show', 'dev', 'lan0', 'ingress').filter((f) => f.options?.actions);
  t.match(mirror.options.actions[0], { kind: 'mirred', mirred_action: 'mirror', direction: 'egress', to_dev: 'mon0' }, 'the ingress filter mirrors to mon0');
  const nh = ipJson(router, 'nexthop', 'show').map((n) => n.group ? `${n.id} group ${n.group.map((g) => `${g.id}:${g.weight ?? 1}`).join('/')}` : `${n.id} ${n.blackhole === null ? 'blackhole' : `via ${n.gateway} dev ${n.dev}`} ${n.protocol}`);
  t.same(nh.sort(), ['1 via 198.18.40.2 dev up0 78', '10 group 1:3/2:1', '2 via 198.18.41.2 dev up1 78', '99 blackhole 78'], 'ip nexthop show: the declared objects');
  t.match(ipJson(router, 'route', 'show', '198.18.50.0/24'), [{ nhid: 10, protocol: '78' }], 'the route goes through group 10');
  t.match(ipJson(router, 'route', 'show', '198.18.59.0/24'), [{ type: 'blackhole', nhid: 99 }], 'and the blackhole one through 99');

  t.same(steps(await topo.topology.plan()), [], 'a second plan is empty');
  const second = await topo.topology.apply();
  t.equal(second.plan.steps.length, 0, 'a second apply changes nothing');

  const before = rx(monitor, 'mon1');
  t.equal((await client.ping('198.18.50.1', { count: 3, interval: 50 })).received, 3, 'the client reaches 198.18.50.1 through the nexthop group');
  t.ok(rx(monitor, 'mon1') - before >= 3, `the monitor saw the ${rx(monitor, 'mon1') - before} mirrored packets`);
  t.equal((await client.ping('198.18.59.1', { count: 1, timeout: 500 })).received, 0, '198.18.59.0/24 is blackholed');

  const scan = await scanNamespaces({ only: new Map([['router', router], ['client', client]]) });
  const tree = renderTree(scan);
  t.match(tree, /lan0 .*qdisc htb 1:  qdisc ingress/, 'netloom show: the qdiscs of lan0');
  t.match(tree, /eth0 .*qdisc tbf 1: rate 8Mbit/, 'the client’s tbf');
  t.match(tree, /nexthop 10\s+nexthop\s+group 1,3\/2 \[proto 78\]/, 'the nexthop group');
  t.match(tree, /nexthop 99\s+nexthop\s+blackhole/, 'and the blackhole');
});

t.test('a topology tbf limit, measured: a TCP transfer through rate 8mbit runs at about 8 Mbit/s', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(EXAMPLE));
  const sink = topo.netns('server1').spawn([process.execPath, FLOW, 'sink', '5201'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => sink.kill('SIGKILL'));
  sink.stdout.setEncoding('utf8');
  let out = '';
  sink.stdout.on('data', (d) => (out += d));
  while (!out.includes('listening')) await once(sink.stdout, 'data');
  const sender = topo.netns('client').spawn([process.execPath, FLOW, 'send', '198.18.40.2', '5201', '2000'], { stdio: 'ignore' });
  t.teardown(() => sender.kill('SIGKILL'));
  await once(sink, 'exit');
  const [bytes, ms] = out.split('\n')[1].trim().split(' ').map(Number);
  const mbit = (bytes * 8) / (ms * 1000);
  t.comment(`${bytes} bytes in ${ms} ms: ${mbit.toFixed(2)} Mbit/s of TCP payload through the topology's tbf rate 8mbit`);
  t.ok(ms > 1500 && ms < 4000, `the transfer took about 2 s (${ms} ms)`);
  t.ok(mbit > 6 && mbit < 8.8, `throughput ${mbit.toFixed(2)} Mbit/s is within 6..8.8 of the declared 8 Mbit/s`);
});

t.test('changes: a rate replaces the qdisc, a weight changes the group in place, a group becoming a single nexthop is made again; undeclared ones go', async (t) => {
  const spec = await loadTopology(EXAMPLE);
  const topo = await topologySandbox(t, spec);
  const [client, router] = ['client', 'router'].map((k) => topo.netns(k));
  const edited = sandboxed(spec, topo.topology.name);
  const eth0 = edited.namespaces.client.links[0];
  eth0.qdisc.rate = '4mbit';
  eth0.peer.qdisc.classes[2].rate = '30mbit';
  edited.namespaces.router.nexthops[2].group[0].weight = 5;
  topo.topology.update(edited);
  t.same(steps(await topo.topology.plan()), [
    // The defaults that follow from a rate (an htb class's burst, a tbf's limit from its latency) change with it.
    'replace qdisc htb 1: on lan0 (3 classes, 1 filter): class 1:20 rate 40000000 -> 30000000, class 1:20 burst 1600 -> 1597',
    'replace qdisc tbf 1: on eth0 (rate 4mbit): rate 8000000 -> 4000000, limit 82768 -> 57768',
    'change nexthop id 10 group 1,5/2: group 1,3/2 -> 1,5/2',
  ], 'planned: two qdiscs replaced, the group changed');
  await topo.topology.apply();
  t.match(tcJson(client, 'qdisc', 'show', 'dev', 'eth0'), [{ kind: 'tbf', options: { rate: 500000 } }], 'tc: the client’s tbf at 4mbit');
  t.match(tcText(router, 'class', 'show', 'dev', 'lan0'), /class htb 1:20 parent 1:1 prio 0 rate 30Mbit/, 'tc: class 1:20 at 30mbit');
  t.match(tcJson(router, 'filter', 'show', 'dev', 'lan0', 'ingress').filter((f) => f.options?.actions), [{ options: { actions: [{ to_dev: 'mon0' }] } }], 'the ingress slot was left alone');
  t.match(ipJson(router, 'nexthop', 'show', 'id', '10'), [{ group: [{ id: 1, weight: 5 }, { id: 2 }] }], 'ip nexthop: weight 5');
  t.same(steps(await topo.topology.plan()), [], 'then nothing to do');

  // Group 10 becomes a single nexthop; 99 and its route, the ingress qdisc and the client's tbf are dropped.
  const next = structuredClone(edited);
  next.namespaces.router.nexthops = [next.namespaces.router.nexthops[0], next.namespaces.router.nexthops[1], { id: 10, via: '198.18.41.2', dev: 'up1' }];
  next.namespaces.router.routes = [next.namespaces.router.routes[0]];
  delete next.namespaces.client.links[0].qdisc;
  delete next.namespaces.client.links[0].peer.qdisc.ingress;
  topo.topology.update(next);
  const plan = steps(await topo.topology.plan()).sort();
  t.same(plan, ['create route 198.18.50.0/24 nhid 10', 'remove nexthop id 99 blackhole', 'remove qdisc ingress ffff: on lan0', 'remove qdisc tbf 1: on eth0', 'replace nexthop id 10 via 198.18.41.2 dev up1'], 'planned: the nexthop and its route made again, the rest removed (the route through 99 goes with it)');
  await topo.topology.apply();
  t.match(ipJson(router, 'nexthop', 'show', 'id', '10'), [{ gateway: '198.18.41.2', dev: 'up1' }], 'nexthop 10 is a single one now');
  t.match(ipJson(router, 'route', 'show', '198.18.50.0/24'), [{ nhid: 10 }], 'with its route made again');
  t.same(ipJson(router, 'nexthop', 'show').map((n) => n.id).sort(), [1, 10, 2], '99 is gone');
  t.notOk(tcJson(router, 'qdisc', 'show', 'dev', 'lan0').some((q) => q.kind === 'ingress'), 'no ingress qdisc on lan0');
  t.notOk(tcJson(client, 'qdisc', 'show', 'dev', 'eth0').some((q) => q.kind === 'tbf'), 'no tbf on the client');
  t.same(steps(await topo.topology.plan()), [], 'nothing left to do');
});

t.test('a failing apply puts the replaced qdisc back', async (t) => {
  const spec = await loadTopology(EXAMPLE);
  const topo = await topologySandbox(t, spec);
  const client = topo.netns('client');
  const bad = sandboxed(spec, topo.topology.name);
  bad.namespaces.client.links[0].qdisc.rate = '2mbit';
  // A gateway not on up0's network: the kernel refuses the nexthop, after the qdisc was replaced.
  bad.namespaces.router.nexthops.push({ id: 7, via: '198.18.77.1', dev: 'up0' });
  topo.topology.update(bad);
  const err = await topo.topology.apply().catch((e) => e);
  t.ok(err instanceof TopologyError, 'a TopologyError');
  t.match(err, { step: { stage: 'nexthops', object: 'nexthop', path: 'namespaces.router.nexthops[4]' } }, 'naming the nexthop step');
  t.match(err.message, /rolled back \d+ change/, err.message);
  t.match(tcJson(client, 'qdisc', 'show', 'dev', 'eth0'), [{ kind: 'tbf', handle: '1:', options: { rate: 1000000 } }], 'tc: the 8mbit tbf is back');
  t.notOk(ipJson(topo.netns('router'), 'nexthop', 'show').some((n) => n.id === 7), 'no nexthop 7');
  topo.topology.update(sandboxed(spec, topo.topology.name));
  t.same(steps(await topo.topology.plan()), [], 'the kernel is as declared before');
});

t.test('nexthops in a namespace the topology does not own: made there, and removed by destroy', async (t) => {
  const topo = await topologySandbox(t, {
    name: 'nh-current',
    namespaces: {
      host: { current: true, links: [{ kind: 'veth', name: 'h0', addresses: ['198.18.60.1/24'], peer: { name: 'h1', netns: 'far' } }], nexthops: [{ id: 5, via: '198.18.60.2', dev: 'h0' }, { id: 6, blackhole: true }], routes: [{ dst: '198.18.61.0/24', nhid: 6 }] },
      far: { links: [] },
    },
  }, { apply: false });
  const root = topo.root.ns;
  // Someone else's nexthop 6 in the namespace: a conflict, and apply touches nothing.
  await topo.root.nl.nexthop.add({ id: 6, blackhole: true, protocol: 'static' });
  const plan = await topo.topology.plan();
  t.match(plan.conflicts, [/namespaces\.host\.nexthops\[1\]: nexthop 6 exists in namespace 'host' and is not the topology's \(protocol static\)/], 'a conflict');
  await t.rejects(topo.topology.apply(), { name: 'TopologyError', message: /apply refused, nothing was touched/ });
  t.notOk(ipJson(root, 'link', 'show').some((l) => l.ifname === 'h0'), 'nothing was made');
  await topo.root.nl.nexthop.del(6);
  await topo.topology.apply();
  t.same(ipJson(root, 'nexthop', 'show').map((n) => n.id).sort(), [5, 6], 'made in the current namespace');
  const r = await topo.topology.destroy();
  t.same(r.nexthops, ['host/5', 'host/6'], 'destroy reports them');
  t.same(ipJson(root, 'nexthop', 'show'), [], 'none left (the blackhole one too)');
  t.same(ipJson(root, 'route', 'show', '198.18.61.0/24'), [], 'nor the route through it');
});

t.test('a link made again takes its nexthops and qdiscs along: they are made again with it, and the groups keep their members', async (t) => {
  const spec = await loadTopology(EXAMPLE);
  const topo = await topologySandbox(t, spec);
  const router = topo.netns('router');
  const edited = sandboxed(spec, topo.topology.name);
  // The queue count is fixed at creation: server1's veth pair (up0 in the router) is deleted and made again.
  edited.namespaces.server1.links[0].numTxQueues = 4;
  edited.namespaces.server1.links[0].peer.qdisc = { kind: 'pfifo', limit: 50 };
  topo.topology.update(edited);
  const plan = steps(await topo.topology.plan());
  t.ok(plan.includes('create nexthop id 1 via 198.18.40.2 dev up0'), 'nexthop 1 is made again with up0');
  t.ok(plan.includes('change nexthop id 10 group 1,3/2: members made again'), 'group 10 gets its member back');
  t.ok(plan.includes('create qdisc pfifo 1: on up0'), 'the new link gets its qdisc');
  await topo.topology.apply();
  t.match(ipJson(router, 'nexthop', 'show', 'id', '10'), [{ group: [{ id: 1, weight: 3 }, { id: 2 }] }], 'ip nexthop: group 10 has both members');
  t.match(tcJson(router, 'qdisc', 'show', 'dev', 'up0'), [{ kind: 'pfifo', handle: '1:', options: { limit: 50 } }], 'tc: pfifo on the new up0');
  t.same(steps(await topo.topology.plan()), [], 'then nothing to do');
  t.equal((await topo.netns('client').ping('198.18.50.1', { count: 2, interval: 50 })).received, 2, 'still reachable through the group');
});
