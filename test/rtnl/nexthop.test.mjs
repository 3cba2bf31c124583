// Nexthop objects on the real kernel, inside throwaway namespaces, witnessed
// by `ip -j -d nexthop show` and `ip -j route show`, and by pings that routes
// through them (nhid, and an IPv6 gateway of an IPv4 route: RTA_VIA) carry
// from one namespace to another.
import t from 'tap';
import { NetlinkError } from '../../dist/index.js';
import { ipJson, sandbox } from '../helpers/sandbox.mjs';

const nhShow = (ns, ...args) => ipJson(ns, '-d', 'nexthop', 'show', ...args);
const byId = (list, id) => list.find((n) => n.id === id);

// One namespace, lo up, veth p0 (198.18.0.1/24, 2001:db8::1/64) up with its peer p0b.
async function net(t) {
  const { ns, nl } = await sandbox(t, { lo: true });
  await nl.link.add({ kind: 'veth', name: 'p0', up: true, peer: { name: 'p0b', up: true } });
  await nl.addr.add('p0', '198.18.0.1/24');
  await nl.addr.add('p0', '2001:db8::1/64', { nodad: true });
  return { ns, nl, p0: await nl.link.index('p0') };
}

// Two namespaces a and b joined by veth va/vb: 198.18.0.1/24 and 198.18.0.2/24,
// 2001:db8::1/64 and 2001:db8::2/64; b also holds 198.18.9.1/32 on lo.
async function pair(t) {
  const a = await sandbox(t, { lo: true });
  const b = await sandbox(t, { lo: true });
  await a.nl.link.add({ kind: 'veth', name: 'va', up: true, peer: { name: 'vb', netns: b.ns, up: true } });
  await a.nl.addr.add('va', '198.18.0.1/24');
  await a.nl.addr.add('va', '2001:db8::1/64', { nodad: true });
  await b.nl.addr.add('vb', '198.18.0.2/24');
  await b.nl.addr.add('vb', '2001:db8::2/64', { nodad: true });
  await b.nl.addr.add('lo', '198.18.9.1/32');
  // A fresh link answers neighbour solicitation only after a second or so
  // (IPv6 addrconf getting the device ready): wait for 2001:db8::2 to answer
  // first, so that pings below measure the routes, not NDP's start-up.
  for (let i = 0; i < 40; i++) {
    const r = await a.ns.ping('2001:db8::2', { count: 1, timeout: 100 });
    if (r.received === 1) break;
  }
  return { a, b };
}

const ping = (sb, dst) => sb.ns.ping(dst, { count: 2, interval: 50, timeout: 2000 }).then((r) => r.received, (e) => e);

t.test('add: gateway + dev, dev only, IPv6, blackhole, onlink, fdb, protocol; list and get decode them', async (t) => {
  const { ns, nl, p0 } = await net(t);
  await nl.nexthop.add({ id: 1, via: '198.18.0.2', dev: 'p0' });
  await nl.nexthop.add({ id: 2, dev: 'p0' });
  await nl.nexthop.add({ id: 3, via: '2001:db8::2', dev: p0 });
  await nl.nexthop.add({ id: 4, blackhole: true });
  await nl.nexthop.add({ id: 5, via: '198.18.9.1', dev: 'p0', onlink: true });
  await nl.nexthop.add({ id: 6, via: '198.18.0.3', fdb: true });
  await nl.nexthop.add({ id: 7, via: '198.18.0.2', dev: 'p0', protocol: 'static' });
  await nl.nexthop.add({ id: 8, blackhole: true, family: 'inet6' });

  const w = nhShow(ns);
  t.same(w.map((n) => n.id), [1, 2, 3, 4, 5, 6, 7, 8]);
  t.match(byId(w, 1), { gateway: '198.18.0.2', dev: 'p0', scope: 'link' });
  t.match(byId(w, 2), { dev: 'p0', scope: 'host' });
  t.match(byId(w, 3), { gateway: '2001:db8::2', dev: 'p0' });
  t.ok('blackhole' in byId(w, 4), 'blackhole');
  t.match(byId(w, 5), { gateway: '198.18.9.1', flags: ['onlink'] });
  t.ok('fdb' in byId(w, 6) && byId(w, 6).dev === undefined, 'fdb, no device');
  t.match(byId(w, 7), { protocol: 'static' });

  const list = await nl.nexthop.list();
  t.same(list.map((n) => n.id), [1, 2, 3, 4, 5, 6, 7, 8]);
  const get = (id) => list.find((n) => n.id === id);
  t.match(get(1), { family: 'inet', via: '198.18.0.2', dev: p0, blackhole: false, fdb: false, onlink: false, group: undefined, protocol: 'unspec', scope: 'link' });
  t.match(get(2), { via: undefined, dev: p0, scope: 'host' });
  t.match(get(3), { family: 'inet6', via: '2001:db8::2', dev: p0 });
  t.match(get(4), { blackhole: true, dev: undefined, via: undefined });
  t.match(get(5), { onlink: true, flags: ['onlink'] });
  t.match(get(6), { fdb: true, via: '198.18.0.3', dev: undefined });
  t.match(get(7), { protocol: 'static' });
  t.match(get(8), { family: 'inet6', blackhole: true });
  t.match(await nl.nexthop.get(3), { id: 3, via: '2001:db8::2', dev: p0 });

  t.same((await nl.nexthop.list({ dev: 'p0' })).map((n) => n.id), [1, 2, 3, 5, 7], 'filter: dev');
  t.same((await nl.nexthop.list({ fdb: true })).map((n) => n.id), [6], 'filter: fdb');
  t.same((await nl.nexthop.list({ family: 'inet6' })).map((n) => n.id), [3, 8], 'filter: family');
  t.same((await nl.nexthop.list({ id: 5 })).map((n) => n.id), [5], 'filter: id');
});

t.test('groups: weights (up to 16 bits), resilient with buckets and timers, fdb groups; list({ groups })', async (t) => {
  const { ns, nl } = await net(t);
  await nl.nexthop.add({ id: 1, via: '198.18.0.2', dev: 'p0' });
  await nl.nexthop.add({ id: 2, via: '198.18.0.3', dev: 'p0' });
  await nl.nexthop.add({ id: 10, group: [{ id: 1, weight: 3 }, { id: 2 }] });
  await nl.nexthop.add({ id: 11, group: [{ id: 1, weight: 1000 }, { id: 2, weight: 2 }] });
  await nl.nexthop.add({ id: 12, group: [{ id: 1 }, { id: 2 }], groupType: 'resilient', resilient: { buckets: 16, idleTimer: 60, unbalancedTimer: 30 } });
  await nl.nexthop.add({ id: 20, via: '198.18.0.4', fdb: true });
  await nl.nexthop.add({ id: 21, via: '198.18.0.5', fdb: true });
  await nl.nexthop.add({ id: 22, group: [{ id: 20 }, { id: 21 }], fdb: true });

  const w = nhShow(ns);
  t.match(byId(w, 10).group, [{ id: 1, weight: 3 }, { id: 2 }]);
  // iproute2 6.1 predates weight_high and shows the low byte only ((1000 - 1) & 0xff) + 1 = 232; the
  // kernel took the high byte (it rejects a non-zero byte there it does not know) and reports it back, as list() shows.
  t.match(byId(w, 11).group, [{ id: 1, weight: 232 }, { id: 2, weight: 2 }], 'a weight above 256 (weight_high; ip 6.1 shows its low byte)');
  t.match(byId(w, 12), { type: 'resilient', resilient_args: { buckets: 16, idle_timer: 60, unbalanced_timer: 30 } });
  t.ok('fdb' in byId(w, 22), 'fdb group');

  const groups = await nl.nexthop.list({ groups: true });
  t.same(groups.map((n) => n.id), [10, 11, 12, 22], 'filter: groups');
  const g = (id) => groups.find((n) => n.id === id);
  t.match(g(10), { family: undefined, group: [{ id: 1, weight: 3 }, { id: 2, weight: 1 }], groupType: 'mpath', dev: undefined });
  t.same(g(11).group, [{ id: 1, weight: 1000 }, { id: 2, weight: 2 }]);
  t.match(g(12), { groupType: 'resilient', resilient: { buckets: 16, idleTimer: 60, unbalancedTimer: 30 } });
  t.match(g(22), { fdb: true, group: [{ id: 20 }, { id: 21 }] });

  const e = await nl.nexthop.add({ id: 13, group: [{ id: 1 }, { id: 99 }] }).catch((x) => x);
  t.ok(e instanceof NetlinkError, 'a member that does not exist: the kernel says');
  t.equal(e.code, 'EINVAL');
  t.match(e.message, /nexthop\.add: .*Invalid nexthop id/);
  const r = await nl.nexthop.add({ id: 13, group: [{ id: 1 }, { id: 2 }], groupType: 'resilient' }).catch((x) => x);
  t.match(r, { code: 'EINVAL', extack: /buckets/i }, 'resilient without buckets: the kernel says');
});

t.test('replace in place, EEXIST, del, ENOENT, flush; routes go with their nexthop', async (t) => {
  const { ns, nl } = await net(t);
  await nl.nexthop.add({ id: 1, via: '198.18.0.2', dev: 'p0' });
  await t.rejects(nl.nexthop.add({ id: 1, via: '198.18.0.3', dev: 'p0' }), { code: 'EEXIST', name: 'NetlinkError' });
  await nl.nexthop.replace({ id: 1, via: '198.18.0.3', dev: 'p0', protocol: 'static' });
  t.match(nhShow(ns), [{ id: 1, gateway: '198.18.0.3', protocol: 'static' }], 'replaced, still one');
  await nl.nexthop.replace({ id: 2, dev: 'p0' });
  t.same(nhShow(ns).map((n) => n.id), [1, 2], 'replace creates');
  await nl.nexthop.add({ id: 10, group: [{ id: 1 }] });
  await nl.nexthop.replace({ id: 10, group: [{ id: 1 }, { id: 2, weight: 4 }] });
  t.match(byId(nhShow(ns), 10).group, [{ id: 1 }, { id: 2, weight: 4 }], 'group replaced');

  await nl.route.add({ dst: '198.18.5.0/24', nhid: 10 });
  t.match(ipJson(ns, 'route', 'show', '198.18.5.0/24'), [{ nhid: 10 }]);
  await nl.nexthop.del(10);
  t.same(ipJson(ns, 'route', 'show', '198.18.5.0/24'), [], 'the route went with its nexthop');
  await t.rejects(nl.nexthop.del(10), { code: 'ENOENT' });
  await t.rejects(nl.nexthop.get(10), { code: 'ENOENT' });

  await nl.nexthop.add({ id: 10, group: [{ id: 1 }, { id: 2 }] });
  t.equal(await nl.nexthop.flush(), 3, 'the group first, then its members');
  t.same(nhShow(ns), [], 'nothing left');
});

t.test('routes by nhid carry a ping between two namespaces; a group too; a blackhole nexthop drops it', async (t) => {
  const { a, b } = await pair(t);
  await a.nl.nexthop.add({ id: 1, via: '198.18.0.2', dev: 'va' });
  await a.nl.route.add({ dst: '198.18.9.0/24', nhid: 1 });
  const routes = await a.nl.route.list({ dev: 'va' });
  t.match(routes.find((r) => r.dst === '198.18.9.0/24'), { nhid: 1, via: '198.18.0.2', dev: await a.nl.link.index('va') }, 'decoded: nhid and what the kernel resolved');
  t.match(ipJson(a.ns, 'route', 'show', '198.18.9.0/24'), [{ nhid: 1, gateway: '198.18.0.2', dev: 'va' }]);
  t.equal(await ping(a, '198.18.9.1'), 2, 'a -> 198.18.9.1 through nexthop 1');

  // A group of two paths to the same gateway (IPv4 and IPv6 nexthops mix in an IPv4 group).
  await a.nl.nexthop.add({ id: 2, via: '2001:db8::2', dev: 'va' });
  await a.nl.nexthop.add({ id: 10, group: [{ id: 1 }, { id: 2, weight: 2 }] });
  await a.nl.route.replace({ dst: '198.18.9.0/24', nhid: 10 });
  t.match(ipJson(a.ns, 'route', 'show', '198.18.9.0/24'), [{ nhid: 10 }]);
  t.equal(await ping(a, '198.18.9.1'), 2, 'through group 10');

  // Every route through nexthop 1 turns into a blackhole at once.
  await a.nl.route.replace({ dst: '198.18.9.0/24', nhid: 1 });
  // (The kernel refuses a blackhole inside a group of several paths: the group goes first.)
  await a.nl.nexthop.del(10);
  await a.nl.nexthop.replace({ id: 1, blackhole: true });
  t.ok('blackhole' in byId(nhShow(a.ns), 1));
  const dropped = await ping(a, '198.18.9.1');
  t.ok(dropped === 0 || dropped instanceof Error, `no reply through a blackhole (${dropped})`);
});

t.test('an IPv4 route through an IPv6 gateway (RTA_VIA) carries a ping', async (t) => {
  const { a } = await pair(t);
  await a.nl.route.add({ dst: '198.18.9.0/24', via: '2001:db8::2', dev: 'va' });
  t.match(ipJson(a.ns, 'route', 'show', '198.18.9.0/24'), [{ via: { family: 'inet6', host: '2001:db8::2' }, dev: 'va' }]);
  const [r] = (await a.nl.route.list()).filter((x) => x.dst === '198.18.9.0/24');
  t.match(r, { family: 'inet', via: '2001:db8::2', nhid: undefined }, 'decoded from RTA_VIA');
  t.equal(await ping(a, '198.18.9.1'), 2, 'a -> 198.18.9.1 via inet6 2001:db8::2');
  await a.nl.route.del(r);
  t.same(ipJson(a.ns, 'route', 'show', '198.18.9.0/24'), [], 'deleted by its decoded self');
  // 'default' needs the family said: an IPv6 gateway alone makes an IPv6 route.
  await a.nl.route.add({ dst: 'default', family: 'inet', via: '2001:db8::2' });
  t.match(ipJson(a.ns, 'route', 'show', 'default'), [{ via: { family: 'inet6', host: '2001:db8::2' } }]);
});

t.test('bad input fails before any I/O, naming the field', async (t) => {
  const { ns, nl } = await net(t);
  await nl.nexthop.add({ id: 1, via: '198.18.0.2', dev: 'p0' });
  const before = nhShow(ns);
  const bad = [
    [{ via: '198.18.0.2', dev: 'p0' }, RangeError, /^nexthop\.add: id: must be an integer 1\.\.4294967295, got undefined/],
    [{ id: 0, dev: 'p0' }, RangeError, /^nexthop\.add: id:/],
    [{ id: 2 ** 32, dev: 'p0' }, RangeError, /^nexthop\.add: id:/],
    [{ id: 1.5, dev: 'p0' }, RangeError, /^nexthop\.add: id:/],
    [{ id: 2, via: '198.18.0.2' }, TypeError, /^nexthop\.add: dev: required unless blackhole, fdb or group/],
    [{ id: 2, via: '198.18.0.0/24', dev: 'p0' }, TypeError, /^nexthop\.add: via: must be an address without a prefix length/],
    [{ id: 2, via: 'gateway', dev: 'p0' }, TypeError, /^nexthop\.add: via: not an IP address/],
    [{ id: 2, via: '2001:db8::2', dev: 'p0', family: 'inet' }, TypeError, /^nexthop\.add: via: '2001:db8::2' is not inet/],
    [{ id: 2, blackhole: true, dev: 'p0' }, TypeError, /^nexthop\.add: dev: cannot be combined with blackhole/],
    [{ id: 2, blackhole: 'yes' }, TypeError, /^nexthop\.add: blackhole: must be a boolean/],
    [{ id: 2, fdb: true, via: '198.18.0.2', dev: 'p0' }, TypeError, /^nexthop\.add: dev: an fdb nexthop takes no device/],
    [{ id: 2, fdb: true }, TypeError, /^nexthop\.add: via: an fdb nexthop needs a gateway/],
    [{ id: 2, dev: 'p0', onlink: true }, TypeError, /^nexthop\.add: onlink: needs via/],
    [{ id: 2, group: [] }, TypeError, /^nexthop\.add: group: must be a non-empty array/],
    [{ id: 2, group: [{ id: 1 }, { id: 1 }] }, TypeError, /^nexthop\.add: group\[1\]\.id: 1 is in the group twice/],
    [{ id: 2, group: [{ id: 1, weight: 0 }] }, RangeError, /^nexthop\.add: group\[0\]\.weight: must be an integer 1\.\.65536/],
    [{ id: 2, group: [{ id: 1, weight: 65537 }] }, RangeError, /^nexthop\.add: group\[0\]\.weight:/],
    [{ id: 2, group: [{ id: -1 }] }, RangeError, /^nexthop\.add: group\[0\]\.id:/],
    [{ id: 2, group: [1, 2] }, TypeError, /^nexthop\.add: group\[0\]: must be an object/],
    [{ id: 2, group: [{ id: 1, w: 2 }] }, TypeError, /^nexthop\.add: group\[0\]\.w: unknown field/],
    [{ id: 2, group: [{ id: 1 }], via: '198.18.0.2' }, TypeError, /^nexthop\.add: via: a group takes none/],
    [{ id: 2, group: [{ id: 1 }], dev: 'p0' }, TypeError, /^nexthop\.add: dev: a group takes none/],
    [{ id: 2, group: [{ id: 1 }], groupType: 'roundrobin' }, TypeError, /^nexthop\.add: groupType: must be 'mpath' or 'resilient'/],
    [{ id: 2, group: [{ id: 1 }], resilient: { buckets: 8 } }, TypeError, /^nexthop\.add: resilient: only with groupType 'resilient'/],
    [{ id: 2, group: [{ id: 1 }], groupType: 'resilient', resilient: { buckets: 0 } }, RangeError, /^nexthop\.add: resilient\.buckets:/],
    [{ id: 2, dev: 'p0', groupType: 'mpath' }, TypeError, /^nexthop\.add: groupType: only with group/],
    [{ id: 2, dev: 'p0', protocol: 'bgp-ish' }, TypeError, /^nexthop\.add: protocol: must be one of/],
    [{ id: 2, dev: 'p0', protocol: 256 }, RangeError, /^nexthop\.add: protocol:/],
    [{ id: 2, dev: 'p0', gateway: '198.18.0.2' }, TypeError, /^nexthop\.add: gateway: unknown field/],
  ];
  for (const [spec, type, message] of bad) await t.rejects(nl.nexthop.add(spec), { name: type.name, message }, JSON.stringify(spec));
  await t.rejects(nl.nexthop.add(null), { name: 'TypeError', message: /^nexthop\.add: nexthop: must be an object/ });
  await t.rejects(nl.nexthop.add({ id: 2, dev: 'nope0' }), { code: 'ENODEV', message: /nexthop\.add: dev: no link 'nope0'/ });
  await t.rejects(nl.nexthop.del(0), { name: 'RangeError', message: /^nexthop\.del: id:/ });
  await t.rejects(nl.nexthop.get('1'), { name: 'RangeError', message: /^nexthop\.get: id:/ });
  await t.rejects(nl.nexthop.list({ group: true }), { name: 'TypeError', message: /^nexthop\.list: group: unknown filter/ });
  await t.rejects(nl.nexthop.list({ family: 'ipx' }), { name: 'TypeError', message: /^nexthop\.list: family:/ });
  // Routes: nhid.
  await t.rejects(nl.route.add({ dst: '198.18.5.0/24', nhid: 0 }), { name: 'RangeError', message: /^route\.add: nhid:/ });
  await t.rejects(nl.route.add({ dst: '198.18.5.0/24', nhid: 1, dev: 'p0' }), { name: 'TypeError', message: /^route\.add: dev: cannot be combined with nhid/ });
  await t.rejects(nl.route.add({ dst: '198.18.5.0/24', nhid: 1, via: '198.18.0.2' }), { name: 'TypeError', message: /^route\.add: via: cannot be combined with nhid/ });
  await t.rejects(nl.route.add({ dst: '198.18.5.0/24', nhid: 1, nexthops: [{ via: '198.18.0.2' }] }), { name: 'TypeError', message: /^route\.add: nexthops: cannot be combined with nhid/ });
  t.same(nhShow(ns), before, 'nothing changed');
  t.same(ipJson(ns, 'route', 'show', '198.18.5.0/24'), [], 'no route either');
});
