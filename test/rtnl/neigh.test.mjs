// Neighbours (ip neigh): ARP and NDP entries added, replaced, listed and
// deleted through netloom, witnessed by `ip -j neigh show`, and a ping that
// only works because both ends hold a permanent entry for each other.
import t from 'tap';
import { NeighApi } from '../../dist/index.js';
import { ipJson, sandbox } from '../helpers/sandbox.mjs';

const MAC1 = '02:00:00:00:01:01';
const MAC2 = '02:00:00:00:01:02';

// The kernel here has no dummy driver: a veth pair (d0, d0p) stands in.
async function dummy(nl, name = 'd0') {
  await nl.link.add({ kind: 'veth', name, up: true, peer: { name: `${name}p`, up: true } });
  await nl.addr.add(name, '198.18.0.1/24');
  await nl.addr.add(name, '2001:db8::1/64', { nodad: true });
}

t.test('validation happens before any I/O', async (t) => {
  const { nl } = await sandbox(t);
  t.ok(nl.neigh instanceof NeighApi);
  await t.rejects(nl.neigh.add({ dst: '198.18.0.2', dev: 'd0', lladdr: 'zz' }), { name: 'TypeError', message: "neigh.add: lladdr: not a MAC address: 'zz'" });
  await t.rejects(nl.neigh.add({ dst: 'nope', dev: 'd0', lladdr: MAC1 }), { name: 'TypeError', message: "neigh.add: dst: not an IP address: 'nope'" });
  await t.rejects(nl.neigh.add({ dst: '198.18.0.2', dev: 'd0', state: 'sleepy' }), { name: 'TypeError', message: /^neigh\.add: state: must be one of/ });
  await t.rejects(nl.neigh.replace({ dst: '198.18.0.2', dev: 'd0', colour: 1 }), { name: 'TypeError', message: 'neigh.replace: colour: unknown option' });
  await t.rejects(nl.neigh.del({ dst: '198.18.0.2', dev: 0 }), { name: 'RangeError', message: /^neigh\.del: dev: ifindex must be a positive integer/ });
  await t.rejects(nl.neigh.list({ family: 'ipx' }), { name: 'TypeError', message: /^neigh\.list: family:/ });
  await t.rejects(nl.neigh.add({ dst: '198.18.0.2', dev: 'nosuch0', lladdr: MAC1 }), { code: 'ENODEV', message: /neigh\.add: dev: no link 'nosuch0'/ });
});

t.test('permanent ARP and NDP entries: add, list, replace, del', async (t) => {
  const { ns, nl } = await sandbox(t, { lo: true });
  await dummy(nl);
  await nl.neigh.add({ dst: '198.18.0.2', lladdr: MAC1, dev: 'd0' });
  await nl.neigh.add({ dst: '2001:db8::2', lladdr: MAC2, dev: 'd0', router: true });

  const w4 = ipJson(ns, '-4', 'neigh', 'show', 'dev', 'd0');
  t.same(w4.map((e) => [e.dst, e.lladdr, e.state]), [['198.18.0.2', MAC1, ['PERMANENT']]], 'ip -4 neigh sees the ARP entry');
  const w6 = ipJson(ns, '-6', 'neigh', 'show', 'dev', 'd0').filter((e) => e.dst === '2001:db8::2');
  t.equal(w6.length, 1, 'ip -6 neigh sees the NDP entry');
  t.equal(w6[0].lladdr, MAC2);
  t.same(w6[0].state, ['PERMANENT']);
  t.ok(w6[0].router !== undefined, 'router flag set');

  const mine = await nl.neigh.list({ dev: 'd0' });
  const v4 = mine.find((n) => n.dst === '198.18.0.2');
  t.match(v4, { family: 'inet', lladdr: MAC1, state: ['permanent'], proxy: false }, 'list decodes the ARP entry');
  t.equal(v4.ifindex, await nl.link.index('d0'));
  const v6 = mine.find((n) => n.dst === '2001:db8::2');
  t.match(v6, { family: 'inet6', lladdr: MAC2, state: ['permanent'] }, 'list decodes the NDP entry');
  t.ok(v6.flags.includes('router'), 'router flag decoded');
  t.same((await nl.neigh.list({ dev: 'd0', family: 'inet' })).map((n) => n.dst), ['198.18.0.2'], 'family filter');
  t.same((await nl.neigh.list({ dev: 'd0', state: 'permanent', family: 'inet6' })).map((n) => n.dst), ['2001:db8::2'], 'state filter');
  t.same(await nl.neigh.list({ dev: 'lo' }), [], 'dev filter');

  // Duplicate add: EEXIST; replace changes the lladdr and the state.
  await t.rejects(nl.neigh.add({ dst: '198.18.0.2', lladdr: MAC2, dev: 'd0' }), { code: 'EEXIST' });
  await nl.neigh.replace({ dst: '198.18.0.2', lladdr: MAC2, dev: 'd0', state: 'stale' });
  const after = ipJson(ns, '-4', 'neigh', 'show', 'dev', 'd0');
  t.same(after.map((e) => [e.dst, e.lladdr, e.state]), [['198.18.0.2', MAC2, ['STALE']]], 'replaced (witness)');
  t.same((await nl.neigh.list({ dev: 'd0', family: 'inet' }))[0].state, ['stale']);
  await nl.neigh.replace({ dst: '198.18.0.3', lladdr: MAC1, dev: 'd0', state: 'noarp' });
  // (ip hides NOARP entries unless asked: `nud all`)
  t.same(ipJson(ns, 'neigh', 'show', '198.18.0.3', 'nud', 'all').map((e) => e.state), [['NOARP']], 'replace creates when missing');

  // Delete, and ENOENT when missing.
  await nl.neigh.del({ dst: '198.18.0.2', dev: 'd0' });
  await nl.neigh.del({ dst: '2001:db8::2', dev: 'd0' });
  t.same(ipJson(ns, 'neigh', 'show', '198.18.0.2'), [], 'ARP entry gone');
  t.same(ipJson(ns, 'neigh', 'show', '2001:db8::2'), [], 'NDP entry gone');
  await t.rejects(nl.neigh.del({ dst: '198.18.0.2', dev: 'd0' }), { code: 'ENOENT' });

  // flush: permanent/noarp stay without a state filter, as ip.
  await nl.neigh.add({ dst: '198.18.0.4', lladdr: MAC1, dev: 'd0', state: 'stale' });
  await nl.neigh.add({ dst: '198.18.0.5', lladdr: MAC2, dev: 'd0' });
  t.equal(await nl.neigh.flush({ dev: 'd0' }), 1, 'flush deleted the stale entry only');
  t.same(ipJson(ns, '-4', 'neigh', 'show', 'dev', 'd0', 'nud', 'all').map((e) => e.dst).sort(), ['198.18.0.3', '198.18.0.5']);
  t.equal(await nl.neigh.flush({ dev: 'd0', family: 'inet', state: ['permanent', 'noarp'] }), 2);
  t.same(ipJson(ns, '-4', 'neigh', 'show', 'dev', 'd0', 'nud', 'all'), [], 'flushed');
});

t.test('proxy entries', async (t) => {
  const { ns, nl } = await sandbox(t, { lo: true });
  await dummy(nl);
  await nl.neigh.add({ dst: '198.18.0.9', dev: 'd0', proxy: true });
  await nl.neigh.add({ dst: '2001:db8::9', dev: 'd0', proxy: true });
  const w = ipJson(ns, 'neigh', 'show', 'proxy');
  t.same(w.map((e) => [e.dst, e.dev]).sort(), [['198.18.0.9', 'd0'], ['2001:db8::9', 'd0']], 'ip neigh show proxy sees both');
  const p = await nl.neigh.list({ proxy: true });
  t.same(p.map((e) => e.dst).sort(), ['198.18.0.9', '2001:db8::9'], 'list({ proxy: true })');
  t.ok(p.every((e) => e.proxy && e.flags.includes('proxy')));
  t.notOk((await nl.neigh.list()).some((e) => e.dst === '198.18.0.9'), 'not in the ordinary table');
  // The kernel ignores NLM_F_EXCL for proxy entries: a second add succeeds
  // and there is still one entry.
  await nl.neigh.add({ dst: '198.18.0.9', dev: 'd0', proxy: true });
  t.equal(ipJson(ns, 'neigh', 'show', 'proxy').filter((e) => e.dst === '198.18.0.9').length, 1, 'duplicate proxy add: still one entry');
  await nl.neigh.del({ dst: '198.18.0.9', dev: 'd0', proxy: true });
  t.same(ipJson(ns, 'neigh', 'show', 'proxy').map((e) => e.dst), ['2001:db8::9'], 'deleted one');
  t.equal(await nl.neigh.flush({ proxy: true }), 1);
  t.same(ipJson(ns, 'neigh', 'show', 'proxy'), [], 'flushed');
});

t.test('a ping through statically resolved neighbours', async (t) => {
  const a = await sandbox(t, { lo: true });
  const b = await sandbox(t, { lo: true });
  await a.nl.link.add({ kind: 'veth', name: 'va', mac: MAC1, up: true, peer: { name: 'vb', netns: b.ns, mac: MAC2, up: true } });
  await a.nl.addr.add('va', '198.18.0.1/24');
  await b.nl.addr.add('vb', '198.18.0.2/24');
  // First a wrong MAC: the kernel uses the permanent entry (no ARP can
  // override it), b drops frames not addressed to it, so no reply.
  await a.nl.neigh.add({ dst: '198.18.0.2', lladdr: '02:00:00:00:0e:ee', dev: 'va' });
  await b.nl.neigh.add({ dst: '198.18.0.1', lladdr: MAC1, dev: 'vb' });
  const r0 = await a.ns.ping('198.18.0.2', { count: 1, timeout: 300 });
  t.equal(r0.received, 0, 'no reply while the static entry points elsewhere');
  t.same(ipJson(a.ns, 'neigh', 'show', 'dev', 'va').map((e) => e.lladdr), ['02:00:00:00:0e:ee'], 'ARP did not override it');
  // The right MAC: traffic flows.
  await a.nl.neigh.replace({ dst: '198.18.0.2', lladdr: MAC2, dev: 'va' });
  const r = await a.ns.ping('198.18.0.2', { count: 2, interval: 50, timeout: 2000 });
  t.equal(r.received, 2, `a -> b: ${r.received}/${r.sent}`);
  t.same(ipJson(a.ns, 'neigh', 'show', 'dev', 'va').map((e) => [e.dst, e.lladdr, e.state]), [['198.18.0.2', MAC2, ['PERMANENT']]], 'a: still permanent');
  t.same(ipJson(b.ns, 'neigh', 'show', 'dev', 'vb').map((e) => [e.dst, e.lladdr, e.state]), [['198.18.0.1', MAC1, ['PERMANENT']]], 'b: still permanent');
});
