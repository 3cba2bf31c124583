// What kube-proxy does when a service's backend changes: the DNAT rule is
// replaced, but a flow already tracked keeps its old translation until its
// conntrack entry is deleted; then the next packet takes the new target.
// UDP from the outside to a port on the router, DNAT'd to one of two
// backends inside (test/helpers/natnet.mjs); conntrack lists the flow with
// both tuples and conntrack(8) agrees.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { openConntrack, publishPort } from '../../dist/index.js';
import { natNet } from '../helpers/natnet.mjs';
import { udpSocket } from '../helpers/tunnet.mjs';

const settle = () => new Promise((r) => setTimeout(r, 100));

t.test('a changed DNAT target applies to a tracked flow only once its conntrack entry is deleted', async (t) => {
  const { inside, outside, router, nft } = await natNet(t);
  const got = { a: 0, b: 0 };
  const a = udpSocket(inside, '198.18.1.2', 5000);
  const b = udpSocket(inside, '198.18.1.2', 5001);
  const client = udpSocket(outside, '198.18.2.2', 40000);
  t.teardown(() => [a, b, client].forEach((s) => s.close()));
  a.on('message', () => got.a++);
  b.on('message', () => got.b++);
  const send = async (n) => {
    for (let i = 0; i < n; i++) client.send('ping', 5353, '198.18.2.1');
    await settle();
  };

  await nft.table.add({ family: 'ip', name: 'svc', owner: 'dnat-change' });
  await nft.chain.add({ family: 'ip', table: 'svc', name: 'pre', type: 'nat', hook: 'prerouting', priority: 'dstnat' });
  const rule = await nft.rule.add({ family: 'ip', table: 'svc', chain: 'pre', ...publishPort({ proto: 'udp', port: 5353, to: '198.18.1.2:5000' }) });
  await send(3);
  t.same(got, { a: 3, b: 0 }, 'backend A gets the flow');

  const ct = await openConntrack({ netns: router });
  t.teardown(() => ct.close());
  const [entry, ...more] = await ct.list({ proto: 'udp', dport: 5353 });
  t.equal(more.length, 0, 'one flow');
  t.match(entry.orig, { src: '198.18.2.2', dst: '198.18.2.1', sport: 40000, dport: 5353 }, 'original tuple: client to the router');
  t.match(entry.reply, { src: '198.18.1.2', dst: '198.18.2.2', sport: 5000, dport: 40000 }, 'reply tuple: from backend A');
  t.equal(entry.nat.dst, true, 'destination NAT');
  const witness = execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${router.fd}`, 'conntrack', '-L', '-p', 'udp', '--dport', '5353'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  t.match(witness, /src=198\.18\.2\.2 dst=198\.18\.2\.1 sport=40000 dport=5353 .*src=198\.18\.1\.2 dst=198\.18\.2\.2 sport=5000 dport=40000/, 'conntrack -L shows both tuples');

  // The service moves to backend B: new rule in, old rule out, one transaction.
  const tx = nft.transaction();
  tx.rule.add({ family: 'ip', table: 'svc', chain: 'pre', ...publishPort({ proto: 'udp', port: 5353, to: '198.18.1.2:5001' }) });
  tx.rule.del(rule);
  await tx.commit();
  await send(2);
  t.same(got, { a: 5, b: 0 }, 'the tracked flow still goes to A');

  t.equal(await ct.delete({ proto: 'udp', dport: 5353 }), 1, 'its entry deleted');
  await send(2);
  t.same(got, { a: 5, b: 2 }, 'the next packets take the new target');
  const [now] = await ct.list({ proto: 'udp', dport: 5353 });
  t.equal(now.reply.sport, 5001, 'and conntrack has the new translation');
});
