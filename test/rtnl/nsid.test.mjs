// Namespace ids on the real kernel, witnessed by `ip -j netns list-id`
// run inside the namespace, and by the linkNetnsid links report.
import t from 'tap';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { netns, NetlinkError } from '../../dist/index.js';
import { ipJson, sandbox } from '../helpers/sandbox.mjs';

async function peer(t) {
  const ns = await netns.create();
  t.teardown(() => ns.close());
  return ns;
}

const listIds = (ns) => ipJson(ns, 'netns', 'list-id').map((e) => e.nsid).sort((a, b) => a - b);

t.test("a veth's linkNetnsid resolves to the namespace of its peer", async (t) => {
  const { ns, nl } = await sandbox(t);
  const a = await peer(t);
  const b = await peer(t);
  t.equal(await nl.nsid.get(a), undefined, 'no id before anything links them');
  // Creating the peer in b makes the kernel allocate an id for b here.
  await nl.link.add({ kind: 'veth', name: 'vb', peer: { name: 'vb-peer', netns: b } });
  await nl.link.add({ kind: 'veth', name: 'va', peer: { name: 'va-peer', netns: a } });
  const lb = await nl.link.get('vb');
  const la = await nl.link.get('va');
  t.type(lb.linkNetnsid, 'number');
  t.type(la.linkNetnsid, 'number');
  t.not(la.linkNetnsid, lb.linkNetnsid, 'two peers, two ids');
  t.equal(await nl.nsid.get(b), lb.linkNetnsid, 'get(b) is the id vb reports');
  t.equal(await nl.nsid.resolve(lb.linkNetnsid, [a, b]), b, 'resolve → b');
  t.equal(await nl.nsid.resolve(la.linkNetnsid, [a, b]), a, 'resolve → a');
  t.equal(await nl.nsid.resolve(la.linkNetnsid, [b]), undefined, 'not among the candidates');
  t.equal(await nl.nsid.resolve(4242, [a, b]), undefined, 'unknown id');
  // The witness: ip netns list-id inside the sandbox.
  t.same(listIds(ns), [la.linkNetnsid, lb.linkNetnsid].sort((x, y) => x - y), 'ip netns list-id');
  const list = await nl.nsid.list();
  t.same(list.map((e) => e.nsid).sort((x, y) => x - y), listIds(ns), 'list() = list-id');
  t.ok(list[0].raw && list[0].raw.type === 88, 'raw kept (RTM_NEWNSID)');
});

t.test('assign explicit and kernel-picked ids; seen by ip netns list-id', async (t) => {
  const { ns, nl } = await sandbox(t);
  const a = await peer(t);
  const b = await peer(t);
  const c = await peer(t);
  t.same(listIds(ns), [], 'a fresh namespace has no ids');
  t.same(await nl.nsid.list(), [], 'list() empty too');
  t.equal(await nl.nsid.assign(a, 42), 42, 'explicit id');
  t.equal(await nl.nsid.get(a), 42);
  t.same(listIds(ns), [42], 'ip netns list-id shows 42');
  const picked = await nl.nsid.assign(b);
  t.ok(Number.isInteger(picked) && picked >= 0 && picked !== 42, `kernel picked ${picked}`);
  t.equal(await nl.nsid.get(b), picked);
  t.same(listIds(ns), [42, picked].sort((x, y) => x - y));
  // Ids are per namespace: a knows nothing of the sandbox yet.
  const nlA = await (await import('../../dist/index.js')).open({ netns: a });
  t.teardown(() => nlA.close());
  t.equal(await nlA.nsid.get(ns), undefined, 'ids are not symmetric');
  t.same(listIds(a), []);
  // Errors: an id for a peer that has one, an id already used.
  const e1 = await nl.nsid.assign(a, 43).catch((x) => x);
  t.ok(e1 instanceof NetlinkError);
  t.equal(e1.code, 'EEXIST', 'peer already has an id');
  t.match(e1.message, /already has a nsid/, 'kernel extack');
  const e2 = await nl.nsid.assign(c, 42).catch((x) => x);
  t.equal(e2.code, 'EEXIST', 'id already used');
  t.match(e2.message, /already used/, 'kernel extack');
  t.equal(await nl.nsid.get(c), undefined, 'c still has none');
});

t.test('get by pid', async (t) => {
  const { nl } = await sandbox(t);
  const a = await peer(t);
  await nl.nsid.assign(a, 5);
  const child = spawn('nsenter', [`--net=/proc/${process.pid}/fd/${a.fd}`, 'sleep', '30'], { stdio: 'ignore' });
  t.teardown(() => child.kill('SIGKILL'));
  let inside = false;
  for (let i = 0; i < 200 && !inside; i++) {
    try {
      inside = statSync(`/proc/${child.pid}/ns/net`).ino === a.inode;
    } catch {
      /* not started yet */
    }
    if (!inside) await sleep(10);
  }
  t.ok(inside, 'child entered the namespace');
  t.equal(await nl.nsid.get({ pid: child.pid }), 5, 'by pid');
  // Our own process is in the host namespace, which has no id in the sandbox.
  t.equal(await nl.nsid.get({ pid: process.pid }), undefined, 'unassigned → undefined');
  await t.rejects(nl.nsid.get({ pid: 0x7ffffff0 }), { code: 'ESRCH' }, 'no such process');
});

t.test('bad input', async (t) => {
  const { nl } = await sandbox(t);
  const a = await peer(t);
  await t.rejects(nl.nsid.assign(a, -1), { name: 'RangeError', message: /^nsid\.assign: id: must be 0\.\.2147483647, got -1$/ });
  await t.rejects(nl.nsid.assign(a, 2 ** 31), RangeError);
  await t.rejects(nl.nsid.assign(a, 1.5), RangeError);
  await t.rejects(nl.nsid.get('ns1'), { name: 'TypeError', message: /^nsid\.get: ns: must be a NetNs or \{ pid \}/ });
  await t.rejects(nl.nsid.get({ pid: -3 }), { name: 'RangeError', message: /^nsid\.get: pid:/ });
  await t.rejects(nl.nsid.resolve(-1, [a]), { name: 'RangeError', message: /^nsid\.resolve: linkNetnsid:/ });
  await t.rejects(nl.nsid.resolve(0, [{ fd: 3 }]), { name: 'TypeError', message: /^nsid\.resolve: candidates:/ });
  const closed = await netns.create();
  closed.close();
  await t.rejects(nl.nsid.get(closed), { code: 'EBADF' }, 'closed handle');
  t.equal(await nl.nsid.get(a), undefined, 'nothing was assigned by the failures');
});
