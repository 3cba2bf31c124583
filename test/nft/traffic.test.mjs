// NAT and filtering carry real traffic: a router namespace between an
// inside and an outside network (test/helpers/natnet.mjs), its rules made
// with netloom's helpers, TCP peers in the namespaces reporting the address
// they saw, nft(8) as the witness of the counters.
import t from 'tap';
import { allow, deny, dnat, masquerade, publishPort, snat } from '../../dist/index.js';
import { nftRuleset } from '../helpers/nft.mjs';
import { natNet, tcpConnect, tcpServer } from '../helpers/natnet.mjs';

async function natTable(nft, { pre = false } = {}) {
  await nft.table.add({ family: 'ip', name: 'nat', owner: 'traffic-test' });
  await nft.chain.add({ family: 'ip', table: 'nat', name: 'post', type: 'nat', hook: 'postrouting', priority: 'srcnat' });
  if (pre) await nft.chain.add({ family: 'ip', table: 'nat', name: 'pre', type: 'nat', hook: 'prerouting', priority: 'dstnat' });
}

t.test('masquerade: the inside reaches an outside server, which sees the router’s address', async (t) => {
  const { inside, outside, nft } = await natNet(t);
  await tcpServer(t, outside, 7000);
  t.equal((await tcpConnect(inside, '198.18.2.2', 7000)).ok, false, 'without NAT the outside cannot answer (no route back)');
  await natTable(nft);
  await nft.rule.add({ family: 'ip', table: 'nat', chain: 'post', ...masquerade({ from: '198.18.1.0/24', notOutIface: 'in0', counter: true }) });
  const c = await tcpConnect(inside, '198.18.2.2', 7000);
  t.ok(c.ok, 'connected through the router');
  t.equal(c.peer, '198.18.2.1', 'the server saw the router’s outside address');
  const [rule] = await nft.rule.list({ family: 'ip', table: 'nat', chain: 'post' });
  t.equal(rule.counter.packets, 1, 'the masquerade rule saw the connection’s first packet (NAT is per flow)');
  t.same(nftRuleset(inside), [], 'the inside has no ruleset of its own');
});

t.test('publishPort: a port on the router reaches a server behind it, which sees the real client', async (t) => {
  const { inside, outside, nft } = await natNet(t);
  await tcpServer(t, inside, 80);
  await natTable(nft, { pre: true });
  await nft.rule.add({ family: 'ip', table: 'nat', chain: 'pre', ...publishPort({ proto: 'tcp', port: 8080, to: '198.18.1.2:80', notInIface: 'in0' }) });
  const c = await tcpConnect(outside, '198.18.2.1', 8080);
  t.ok(c.ok, 'connected to the published port');
  t.equal(c.peer, '198.18.2.2', 'the server saw the outside client');
  t.equal((await tcpConnect(outside, '198.18.2.1', 8081)).ok, false, 'an unpublished port is not forwarded');
});

t.test('1:1 NAT: a public address for an inside host, both ways', async (t) => {
  const { inside, outside, nlR, nft } = await natNet(t);
  await nlR.addr.add('out0', '198.18.2.10/32'); // the router answers ARP for the public address
  await natTable(nft, { pre: true });
  const tx = nft.transaction();
  tx.rule.add({ family: 'ip', table: 'nat', chain: 'post', ...snat({ private: '198.18.1.2', public: '198.18.2.10', iface: 'out0' }) });
  tx.rule.add({ family: 'ip', table: 'nat', chain: 'pre', ...dnat({ private: '198.18.1.2', public: '198.18.2.10', iface: 'out0' }) });
  const { rules } = await tx.commit();
  t.equal(rules.length, 2);
  await tcpServer(t, outside, 7000);
  await tcpServer(t, inside, 7001);
  const out = await tcpConnect(inside, '198.18.2.2', 7000);
  t.equal(out.peer, '198.18.2.10', 'outgoing: seen as the public address');
  const back = await tcpConnect(outside, '198.18.2.10', 7001);
  t.ok(back.ok, 'incoming to the public address reaches the inside host');
  t.equal(back.peer, '198.18.2.2');
});

t.test('a drop rule stops a ping and its counter counts it; allow before it lets one through', async (t) => {
  const { inside, router, nft } = await natNet(t, { outsideRoute: true });
  t.equal((await inside.ping('198.18.2.2', { count: 1, timeout: 1000 })).received, 1, 'routed before any rule');
  await nft.table.add({ family: 'inet', name: 'filter', owner: 'traffic-test' });
  await nft.chain.add({ family: 'inet', table: 'filter', name: 'forward', type: 'filter', hook: 'forward', priority: 'filter' });
  const drop = await nft.rule.add({ family: 'inet', table: 'filter', chain: 'forward', ...deny({ proto: 'icmp', daddr: '198.18.2.2', counter: true }) });
  const p = await inside.ping('198.18.2.2', { count: 3, interval: 20, timeout: 400 });
  t.equal(p.received, 0, 'no reply');
  const [r] = await nft.rule.list({ family: 'inet', table: 'filter', chain: 'forward' });
  t.equal(r.counter.packets, 3, 'three echo requests counted');
  const witness = nftRuleset(router).find((o) => o.rule).rule;
  t.equal(witness.expr.find((x) => x.counter).counter.packets, 3, 'nft -j shows the same count');
  await nft.rule.add({ family: 'inet', table: 'filter', chain: 'forward', insert: true, ...allow({ saddr: '198.18.1.2', proto: 'icmp' }) });
  t.equal((await inside.ping('198.18.2.2', { count: 1, timeout: 1000 })).received, 1, 'the allow rule comes first');
  await nft.rule.del(drop);
  t.equal((await nft.rule.list({ family: 'inet', table: 'filter' })).length, 1, 'the drop rule deleted');
});
