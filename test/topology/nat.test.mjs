// NAT and firewall in topologies, on the real kernel: the S4 router with NAT
// and a Docker-like bridge network (examples/topologies), applied in the
// test's own namespaces, carrying TCP that reports the address the server
// saw; planned and shown as one nf_tables step per namespace, unchanged on a
// second apply, replaced when the declaration changes, refused when a
// foreign table is in the way, and removed by destroy (by its mark, in a
// namespace the topology does not own). nft(8) is the witness.
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { loadTopology, topology, formatPlan, destroyTopology } from '../../dist/index.js';
import { topologySandbox, sandbox } from '../../dist/testing.js';
import { nftRun, nftRuleset, nftText } from '../helpers/nft.mjs';
import net from 'node:net';
import { tcpConnect } from '../helpers/tunnet.mjs';

const file = (name) => fileURLToPath(new URL(`../../examples/topologies/${name}`, import.meta.url));

/** Connect from `ns` to addr:port; the address the server saw (server: a tcpServer answering with it), or the error code. */
async function seenAs(ns, addr, port) {
  const c = tcpConnect(ns, addr, port);
  c.setTimeout(1500);
  return new Promise((resolve) => {
    let got = '';
    c.on('data', (d) => (got += d));
    c.on('end', () => resolve(got.trim()));
    c.on('timeout', () => {
      c.destroy();
      resolve('timeout');
    });
    c.on('error', (e) => resolve(e.code));
  });
}

/** A server inside `ns` on `port` (default: a free one) that answers with the client's address; its port. */
async function reportingServer(t, ns, port = 0) {
  // listen() without a host binds at once (inside run()); on :: it takes IPv4 too, as ::ffff:a.b.c.d.
  const s = ns.run(() => net.createServer((c) => c.end(`${c.remoteAddress.replace(/^::ffff:/, '')}\n`)).listen(port));
  await new Promise((resolve, reject) => {
    s.once('listening', resolve);
    s.once('error', reject);
  });
  t.teardown(() => s.close());
  return s.address().port;
}

t.test('S4 with NAT: masquerade, a published port and a stateful forward policy', async (t) => {
  const topo = await topologySandbox(t, await loadTopology(file('s4-router-nat.yaml')));
  const [left, router, right] = ['left', 'router', 'right'].map((k) => topo.netns(k));
  const table = nftRuleset(router).find((o) => o.table).table;
  t.match(table.name, /^netloom-s4-router-nat-t/, 'one inet table named after the topology');
  t.equal(table.family, 'inet');
  t.match(nftText(router), /comment "netloom:s4-router-nat-t/, 'marked as the topology’s');
  t.same(nftRuleset(left), [], 'nothing in the other namespaces');

  const outPort = await reportingServer(t, right);
  t.equal(await seenAs(left, '198.18.20.2', outPort), '198.18.20.1', 'left reaches the outside, seen as the router');
  await reportingServer(t, left, 80);
  t.equal(await seenAs(right, '198.18.20.1', 8080), '198.18.20.2', 'the outside reaches the published port; the server sees the client');
  const other = await reportingServer(t, left);
  const back = { dst: '198.18.10.0/24', via: '198.18.20.1' };
  await topo.handle('right').route.add(back);
  t.equal(await seenAs(right, '198.18.10.2', other), 'timeout', 'forward policy drop: nothing else gets in, even with a route');
  await topo.handle('right').route.del(back);

  const again = await topo.topology.plan();
  t.same(again.steps, [], 'a second plan has nothing to do');
});

t.test('Docker-like bridge: plan shows the table, apply makes it, update replaces it, destroy removes it', async (t) => {
  const spec = await loadTopology(file('docker-bridge.yaml'));
  const host = await sandbox(t, { lo: true });
  spec.namespaces.host = { ...spec.namespaces.host, current: true };
  for (const k of ['web', 'db', 'outside']) spec.namespaces[k] = { ...spec.namespaces[k], anonymous: true };
  spec.name = `docker-bridge-${process.pid}`;
  const topo = topology(spec, { netns: host.ns });
  t.teardown(async () => {
    await topo.destroy().catch(() => {});
    await topo.close();
  });

  const plan = await topo.plan();
  const step = plan.steps.find((s) => s.object === 'nftables');
  t.same(step, { stage: 'firewall', action: 'create', object: 'nftables', namespace: 'host', name: `table inet netloom-${spec.name} (2 chains, 2 rules)`, path: 'namespaces.host.nat/firewall', changes: [] });
  t.match(formatPlan(plan), /\+ nftables table inet netloom-docker-bridge-\d+ \(2 chains, 2 rules\)/);
  await topo.apply();
  const [web, db, outside] = ['web', 'db', 'outside'].map((k) => topo.netns(k));

  t.match(nftText(host.ns), /oifname != "docker0" ip saddr 198\.18\.30\.0\/24 masquerade/, 'nft sees the masquerade');
  t.match(nftText(host.ns), /iifname != "docker0" tcp dport 8080 dnat ip to 198\.18\.30\.2:80/, 'and the published port');
  const outPort = await reportingServer(t, outside);
  t.equal(await seenAs(db, '198.18.31.2', outPort), '198.18.31.1', 'a container reaches the outside, masqueraded');
  await reportingServer(t, web, 80);
  t.equal(await seenAs(outside, '198.18.31.1', 8080), '198.18.31.2', 'the outside reaches web through the published port');

  // A firewall added: the table is replaced whole, in one transaction.
  const handle = nftRuleset(host.ns).find((o) => o.table).table.handle;
  spec.namespaces.host.firewall = { forward: { rules: [{ deny: { iifname: 'docker0', proto: 'tcp', dport: outPort, reject: 'tcp-reset' } }] } };
  topo.update(spec);
  const p2 = await topo.plan();
  t.same(p2.steps.map((s) => `${s.action} ${s.object} ${s.name}`), [`replace nftables table inet netloom-${spec.name} (3 chains, 3 rules)`]);
  await topo.apply();
  t.not(nftRuleset(host.ns).find((o) => o.table).table.handle, handle, 'made again');
  t.equal(await seenAs(db, '198.18.31.2', outPort), 'ECONNREFUSED', 'the new rule answers the containers’ connections to that port with a reset');
  t.equal(await seenAs(outside, '198.18.31.1', 8080), '198.18.31.2', 'the published port still works');
  t.same((await topo.plan()).steps, [], 'and then nothing to do');

  const gone = await topo.destroy();
  t.same(gone.tables, [`host/inet netloom-${spec.name}`], 'destroy names the table');
  t.same(nftRuleset(host.ns), [], 'nft sees nothing left in the host');
});

t.test('a table of that name not made by the topology is a conflict; destroy by name finds tables after a crash', async (t) => {
  const host = await sandbox(t, { lo: true });
  const name = `nat-conflict-${process.pid}`;
  const spec = { name, namespaces: { host: { current: true, nat: { masquerade: [{ from: '198.18.40.0/24' }] } } } };
  nftRun(host.ns, 'add', 'table', 'inet', `netloom-${name}`);
  const topo = topology(spec, { netns: host.ns });
  t.teardown(() => topo.close());
  const plan = await topo.plan();
  t.match(plan.conflicts, [new RegExp(`namespaces\\.host: table inet netloom-${name} exists and is not made by netloom`)]);
  await t.rejects(topo.apply(), /conflict|exists/);
  nftRun(host.ns, 'delete', 'table', 'inet', `netloom-${name}`);
  await topo.apply();
  t.equal(nftRuleset(host.ns).filter((o) => o.rule).length, 1);
  // As after a crash: only the name is known.
  const r = await destroyTopology(name, { netns: host.ns });
  t.same(r.tables, [`current/inet netloom-${name}`]);
  t.same(nftRuleset(host.ns), []);
});
