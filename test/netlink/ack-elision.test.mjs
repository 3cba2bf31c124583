// Pipelined changes share one ACK per datagram (native/nl_sender.cc drops
// NLM_F_ACK from requests a later ACKed one covers). Each request must still
// settle with its own outcome: successes resolve, each failure rejects with
// its own errno and extended ACK, whatever its place in the datagram.
// Witnessed by `ip -j route show` inside the namespace.
import t from 'tap';
import { NetlinkError } from '../../dist/index.js';
import { ipJson, sandbox } from '../helpers/sandbox.mjs';

const dst = (k) => `198.19.${k >> 8}.${k & 255}/32`;

async function net(t) {
  const { ns, nl } = await sandbox(t, { lo: true });
  await nl.link.add({ kind: 'veth', name: 'a0', up: true, peer: { name: 'b0', up: true } });
  await nl.addr.add('a0', '198.18.0.1/24');
  return { ns, nl };
}

t.test('failures anywhere in a pipelined burst reject alone; the rest resolve', async (t) => {
  const { ns, nl } = await net(t);
  const N = 1500;
  const dup = (k) => k % 7 === 3; // these repeat the route before them
  const results = await Promise.allSettled(
    Array.from({ length: N }, (_, k) => nl.route.add({ dst: dst(dup(k) ? k - 1 : k), via: '198.18.0.2' })),
  );
  const rejected = results.flatMap((r, k) => (r.status === 'rejected' ? [k] : []));
  const expected = Array.from({ length: N }, (_, k) => k).filter(dup);
  t.same(rejected, expected, 'exactly the duplicates failed');
  for (const k of expected.slice(0, 5)) {
    const e = results[k].reason;
    t.ok(e instanceof NetlinkError, 'a NetlinkError');
    t.equal(e.code, 'EEXIST', 'with its own errno');
    t.equal(e.operation, 'route.add');
  }
  const kernel = ipJson(ns, 'route', 'show', 'proto', 'boot');
  t.equal(kernel.length, N - expected.length, 'the kernel has every route that resolved');
});

t.test('the last request of a burst failing does not hide the others', async (t) => {
  const { ns, nl } = await net(t);
  const ok = Array.from({ length: 300 }, (_, k) => nl.route.add({ dst: dst(k), via: '198.18.0.2' }));
  const bad = nl.route.add({ dst: dst(0), via: '198.18.0.2' });
  const [okResults, badResult] = await Promise.all([Promise.allSettled(ok), bad.then(() => 'resolved', (e) => e.code)]);
  t.ok(okResults.every((r) => r.status === 'fulfilled'), 'all 300 resolved');
  t.equal(badResult, 'EEXIST', 'the last one failed on its own');
  t.equal(ipJson(ns, 'route', 'show', 'proto', 'boot').length, 300);
});

t.test('GETs and dumps interleaved with elided changes keep their answers', async (t) => {
  const { ns, nl } = await net(t);
  const ops = [];
  for (let k = 0; k < 600; k++) {
    ops.push(nl.route.add({ dst: dst(k), via: '198.18.0.2' }));
    if (k % 100 === 50) ops.push(nl.link.get('a0').then((l) => t.equal(l.name, 'a0', `GET ${k} answered`)));
    if (k % 200 === 99) ops.push(nl.route.list({ family: 'inet', protocol: 'boot' }).then((l) => t.ok(l.length >= 1, `dump ${k} answered`)));
  }
  await Promise.all(ops);
  t.equal(ipJson(ns, 'route', 'show', 'proto', 'boot').length, 600);
  // And deleting them the same way.
  const dels = await Promise.allSettled(Array.from({ length: 601 }, (_, k) => nl.route.del({ dst: dst(k), via: '198.18.0.2' })));
  t.equal(dels.filter((r) => r.status === 'fulfilled').length, 600, '600 deleted');
  t.equal(dels[600].reason?.code, 'ESRCH', 'the one that never existed failed with ESRCH');
  t.equal(ipJson(ns, 'route', 'show', 'proto', 'boot').length, 0);
});
