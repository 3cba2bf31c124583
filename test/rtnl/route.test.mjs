// Routes on the real kernel, inside a throwaway namespace, witnessed by
// `ip -j route show` / `ip -j route get` (not by netloom's own reading).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { NetlinkError, RouteApi } from '../../dist/index.js';
import { constant, native } from '../../dist/netlink/native.js';
import { ipJson, ipText, sandbox } from '../helpers/sandbox.mjs';

// Two veth pairs, up, with IPv4 and IPv6 subnets on the `a` ends:
// a0 198.18.0.1/24 2001:db8::1/64, a1 198.18.2.1/24 2001:db8:2::1/64.
async function net(t) {
  const { ns, nl } = await sandbox(t, { lo: true });
  for (const i of [0, 1]) {
    await nl.link.add({ kind: 'veth', name: `a${i}`, up: true, peer: { name: `b${i}`, up: true } });
    await nl.addr.add(`a${i}`, `198.18.${2 * i}.1/24`);
    await nl.addr.add(`a${i}`, i === 0 ? '2001:db8::1/64' : '2001:db8:2::1/64', { nodad: true });
  }
  return { ns, nl, a0: await nl.link.index('a0'), a1: await nl.link.index('a1') };
}

// -d: ip prints protocol, scope and type even when they are boot, global, unicast.
const show = (ns, ...args) => ipJson(ns, '-d', 'route', 'show', ...args);
const show6 = (ns, ...args) => ipJson(ns, '-d', '-6', 'route', 'show', ...args);

t.test('add via a gateway and dev-only; iproute2 defaults; read back; del', async (t) => {
  const { ns, nl, a0 } = await net(t);
  await nl.route.add({ dst: '198.18.10.0/24', via: '198.18.0.2' });
  await nl.route.add({ dst: '198.18.11.0/24', dev: 'a0', src: '198.18.0.1', metric: 7 });
  const w = show(ns, '198.18.10.0/24')[0];
  t.equal(w.gateway, '198.18.0.2');
  t.equal(w.dev, 'a0', 'the kernel found the dev from the gateway');
  t.equal(w.protocol, 'boot', 'proto boot, as ip route add');
  t.equal(w.scope, 'global', 'scope global with a gateway');
  t.equal(w.type, 'unicast');
  const w2 = show(ns, '198.18.11.0/24')[0];
  t.equal(w2.scope, 'link', 'scope link for a route without gateway');
  t.equal(w2.prefsrc, '198.18.0.1');
  t.equal(w2.metric, 7);

  const mine = await nl.route.list({ family: 'inet', protocol: 'boot' });
  t.same(mine.map((r) => r.dst).sort(), ['198.18.10.0/24', '198.18.11.0/24']);
  const r = mine.find((x) => x.dst === '198.18.10.0/24');
  t.match(r, { family: 'inet', via: '198.18.0.2', dev: a0, table: 'main', scope: 'global', type: 'unicast', protocol: 'boot', onlink: false });
  t.ok(r.raw.attrs, 'raw kept');
  const r2 = mine.find((x) => x.dst === '198.18.11.0/24');
  t.match(r2, { scope: 'link', src: '198.18.0.1', metric: 7, via: undefined });

  await nl.route.del({ dst: '198.18.10.0/24' });
  await nl.route.del(r2); // a decoded route deletes itself
  t.same(show(ns, 'proto', 'boot'), [], 'both gone');
});

t.test('default route via a gateway, IPv4 and IPv6, and get() returns what the kernel would use', async (t) => {
  const { ns, nl, a0 } = await net(t);
  await nl.route.add({ dst: 'default', via: '198.18.0.254' });
  await nl.route.add({ dst: 'default', via: '2001:db8::fe' });
  t.match(show(ns, 'default')[0], { dst: 'default', gateway: '198.18.0.254', dev: 'a0' });
  t.match(show6(ns, 'default')[0], { dst: 'default', gateway: '2001:db8::fe', dev: 'a0', metric: 1024 });

  const g = await nl.route.get('198.19.77.9');
  const wg = ipJson(ns, 'route', 'get', '198.19.77.9')[0];
  t.equal(wg.gateway, '198.18.0.254');
  t.match(g, { family: 'inet', dst: '198.19.77.9/32', via: wg.gateway, dev: a0, src: wg.prefsrc });
  t.equal(g.src, '198.18.0.1');
  t.equal(g.table, 'main', 'the table that matched (RTM_F_LOOKUP_TABLE, as ip sends)');
  const g6 = await nl.route.get('2001:db8:99::9');
  t.match(g6, { family: 'inet6', via: '2001:db8::fe', dev: a0, src: '2001:db8::1' });
  const onLink = await nl.route.get('198.18.2.7');
  t.match(onLink, { dev: await nl.link.index('a1'), via: undefined, src: '198.18.2.1' }, 'connected route: no gateway');
  const forced = await nl.route.get('198.18.2.7', { oif: 'a0', from: '198.18.0.1' });
  t.equal(forced.dev, a0, 'oif forces the link');
  const fib = await nl.route.get('198.19.77.9', { fibmatch: true });
  t.equal(fib.dst, 'default', 'fibmatch: the FIB entry itself');

  await nl.route.del({ dst: 'default', family: 'inet6' });
  t.same(show6(ns, 'default'), []);
  await nl.route.del({ dst: 'default', via: '198.18.0.254' });
  t.same(show(ns, 'default'), []);
  await t.rejects(nl.route.get('198.19.77.9'), { code: 'ENETUNREACH' }, 'no route any more');
});

t.test('errors from the kernel: EEXIST (replace is the way out), ESRCH, unreachable gateway', async (t) => {
  const { ns, nl } = await net(t);
  await nl.route.add({ dst: '198.18.20.0/24', via: '198.18.0.2' });
  const e = await nl.route.add({ dst: '198.18.20.0/24', via: '198.18.0.3' }).catch((x) => x);
  t.ok(e instanceof NetlinkError);
  t.equal(e.code, 'EEXIST');
  t.match(e.message, /route\.add/);
  await nl.route.replace({ dst: '198.18.20.0/24', via: '198.18.0.3', protocol: 'static' });
  t.match(show(ns, '198.18.20.0/24'), [{ gateway: '198.18.0.3', protocol: 'static' }], 'replaced, one route');

  await t.rejects(nl.route.del({ dst: '198.18.21.0/24' }), { code: 'ESRCH', name: 'NetlinkError' });
  await t.rejects(nl.route.del({ dst: '2001:db8:21::/64' }), { code: 'ESRCH' });

  const u = await nl.route.add({ dst: '198.18.22.0/24', via: '198.18.99.1' }).catch((x) => x);
  t.equal(u.code, 'ENETUNREACH');
  t.match(u.extack, /Nexthop has invalid gateway/);
  t.match(u.message, /Nexthop has invalid gateway/);
  // onlink makes the kernel take the gateway as directly reachable.
  await nl.route.add({ dst: '198.18.22.0/24', via: '198.18.99.1', dev: 'a0', onlink: true });
  const w = show(ns, '198.18.22.0/24')[0];
  t.ok(w.flags.includes('onlink'), 'ip shows onlink');
  t.equal((await nl.route.list()).find((r) => r.dst === '198.18.22.0/24').onlink, true);
  t.same(show(ns, '198.18.21.0/24'), [], 'nothing added by failures');
});

t.test('errors before the kernel: field-named TypeError / RangeError', async (t) => {
  const { ns, nl } = await net(t);
  const before = show(ns);
  await t.rejects(nl.route.add({ dst: '198.18.0.0/40' }), new RangeError("route.add: dst: prefix length must be 0..32, got '40' in '198.18.0.0/40'"));
  await t.rejects(nl.route.add({ dst: '2001:db8::/129', dev: 'a0' }), { name: 'RangeError', message: /^route\.add: dst: prefix length must be 0\.\.128/ });
  await t.rejects(nl.route.add({ dst: '2001:db8:30::/64', via: '198.18.0.2' }), { name: 'TypeError', message: /^route\.add: via: '198\.18\.0\.2' is IPv4 but the route is IPv6/ });
  await t.rejects(nl.route.add({ dst: 'default', via: '198.18.0.2', src: '2001:db8::1' }), { name: 'TypeError', message: /^route\.add: src:/ });
  await t.rejects(nl.route.add({ dst: 'nowhere' }), { name: 'TypeError', message: /^route\.add: dst: not an IP address/ });
  await t.rejects(nl.route.add({ dst: '198.18.30.0/24', dev: 'a0', metric: -1 }), { name: 'RangeError', message: /^route\.add: metric:/ });
  await t.rejects(nl.route.add({ dst: '198.18.30.0/24', dev: 'a0', type: 'teleport' }), { name: 'TypeError', message: /^route\.add: type: must be one of/ });
  await t.rejects(nl.route.add({ dst: '198.18.30.0/24', dev: 'a0', table: 0 }), { name: 'RangeError', message: /^route\.add: table:/ });
  await t.rejects(nl.route.add({ dst: '198.18.30.0/24', dev: 'a0', gw: '1.2.3.4' }), { name: 'TypeError', message: /^route\.add: gw: unknown field/ });
  await t.rejects(nl.route.add({ dst: '198.18.30.0/24', via: '198.18.0.2', nexthops: [{ via: '198.18.0.3' }] }), { name: 'TypeError', message: /^route\.add: via: cannot be combined with nexthops/ });
  await t.rejects(nl.route.add({ dst: '198.18.30.0/24', nexthops: [{ via: '198.18.0.3', weight: 0 }] }), { name: 'RangeError', message: /^route\.add: nexthops\[0\]\.weight: must be 1\.\.256/ });
  await t.rejects(nl.route.add({ dst: '198.18.30.0/24', nexthops: [{ via: '198.18.0.3' }, { via: '2001:db8::3' }] }), { name: 'TypeError', message: /^route\.add: nexthops\[1\]\.via:/ });
  await t.rejects(nl.route.get('198.18.0.0/24'), { name: 'TypeError', message: /^route\.get: dst: must be an address without a prefix length/ });
  await t.rejects(nl.route.add({ dst: '198.18.30.0/24', dev: 'nope0' }), { code: 'ENODEV', message: /route\.add: dev: no link 'nope0'/ });
  await t.rejects(nl.route.list({ table: 'everything' }), { name: 'TypeError', message: /^route\.list: table:/ });
  t.same(show(ns), before, 'nothing changed');
});

t.test('other tables, list filters, flush', async (t) => {
  const { ns, nl, a1 } = await net(t);
  await nl.route.add({ dst: '198.18.40.0/24', via: '198.18.0.2', table: 100 });
  await nl.route.add({ dst: '198.18.41.0/24', dev: 'a1', table: 100000 }); // above 255: RTA_TABLE
  await nl.route.add({ dst: 'default', via: '2001:db8:2::2', table: 100000 });
  await nl.route.add({ dst: '198.18.42.0/24', via: '198.18.2.2', protocol: 'static' });
  t.same(show(ns, 'table', '100').map((r) => r.dst), ['198.18.40.0/24']);
  t.same(show(ns, 'table', '100000').map((r) => r.dst), ['198.18.41.0/24']);
  t.same(show6(ns, 'table', '100000').map((r) => r.gateway), ['2001:db8:2::2']);
  t.same(show(ns, '198.18.40.0/24'), [], 'not in main');

  // With a rule sending 198.18.40/24 to table 100, get() names that table.
  ipText(ns, 'rule', 'add', 'to', '198.18.40.0/24', 'table', '100');
  t.match(await nl.route.get('198.18.40.9'), { table: 100, via: '198.18.0.2' }, 'the kernel used table 100');
  t.match(ipJson(ns, 'route', 'get', '198.18.40.9')[0], { table: '100', gateway: '198.18.0.2' }, 'so does ip');
  const t100 = await nl.route.list({ table: 100 });
  t.same(t100.map((r) => [r.dst, r.table, r.via]), [['198.18.40.0/24', 100, '198.18.0.2']]);
  const big = await nl.route.list({ table: 100000 });
  t.same(big.map((r) => `${r.family} ${r.dst}`).sort(), ['inet 198.18.41.0/24', 'inet6 default']);
  t.same((await nl.route.list({ table: 100000, family: 'inet6' })).map((r) => r.dst), ['default']);

  const main = await nl.route.list({ family: 'inet' });
  t.same(main.map((r) => r.dst).sort(), show(ns).map((r) => r.dst).sort(), 'main IPv4 = ip route show');
  t.ok(main.every((r) => r.table === 'main'));
  const local = await nl.route.list({ table: 'local', family: 'inet' });
  t.same(local.map((r) => r.dst).sort(), show(ns, 'table', 'local').map((r) => (r.dst.includes('/') ? r.dst : `${r.dst}/32`)).sort(), 'local table = ip route show table local');
  t.ok(local.some((r) => r.type === 'local' && r.dst === '198.18.0.1/32' && r.scope === 'host'));
  t.ok(local.some((r) => r.type === 'broadcast'));
  const all = await nl.route.list({ table: 'all' });
  t.ok(all.length > main.length + local.length, 'all tables');
  const onA1 = await nl.route.list({ table: 'all', dev: 'a1', family: 'inet' });
  t.ok(onA1.length > 0 && onA1.every((r) => r.dev === a1));
  t.ok(onA1.some((r) => r.dst === '198.18.41.0/24'));
  t.same((await nl.route.list({ protocol: 'static' })).map((r) => r.dst), ['198.18.42.0/24']);
  t.same((await nl.route.list({ family: 'inet', protocol: 'kernel' })).map((r) => r.dst).sort(), ['198.18.0.0/24', '198.18.2.0/24']);
  t.same((await nl.route.list({ type: 'broadcast', table: 'all' })).map((r) => r.type).filter((x) => x !== 'broadcast'), []);

  t.equal(await nl.route.flush({ table: 100000 }), 2, 'flushed both families');
  t.same(show(ns, 'table', '100000'), []);
  t.same(show6(ns, 'table', '100000'), []);
  t.equal(await nl.route.flush({ table: 100 }), 1);
  t.same(show(ns, 'table', '100'), []);
  t.match(show(ns, '198.18.42.0/24'), [{ protocol: 'static' }], 'other tables untouched');
});

t.test('blackhole, unreachable, prohibit, throw (IPv4 and IPv6)', async (t) => {
  const { ns, nl } = await net(t);
  await nl.route.add({ dst: '198.18.50.0/24', type: 'blackhole' });
  await nl.route.add({ dst: '198.18.51.0/24', type: 'unreachable' });
  await nl.route.add({ dst: '198.18.52.0/24', type: 'prohibit', metric: 5 });
  await nl.route.add({ dst: '198.18.53.0/24', type: 'throw', table: 7 });
  await nl.route.add({ dst: '2001:db8:50::/48', type: 'blackhole' });
  await nl.route.add({ dst: '2001:db8:51::/48', type: 'unreachable' });
  const types = Object.fromEntries(show(ns).filter((r) => r.type !== 'unicast').map((r) => [r.dst, r.type]));
  t.same(types, { '198.18.50.0/24': 'blackhole', '198.18.51.0/24': 'unreachable', '198.18.52.0/24': 'prohibit' });
  t.match(show(ns, 'table', '7'), [{ type: 'throw', dst: '198.18.53.0/24' }]);
  t.match(show6(ns, '2001:db8:50::/48'), [{ type: 'blackhole' }]);
  t.match(show6(ns, '2001:db8:51::/48'), [{ type: 'unreachable' }]);
  const mine = await nl.route.list({ protocol: 'boot', table: 'all' });
  t.same(Object.fromEntries(mine.map((r) => [r.dst, r.type])), {
    '198.18.50.0/24': 'blackhole', '198.18.51.0/24': 'unreachable', '198.18.52.0/24': 'prohibit', '198.18.53.0/24': 'throw',
    '2001:db8:50::/48': 'blackhole', '2001:db8:51::/48': 'unreachable',
  });
  t.same((await nl.route.list({ type: 'unreachable' })).map((r) => r.dst).sort(), ['198.18.51.0/24', '2001:db8:51::/48']);
  await t.rejects(nl.route.get('198.18.51.9'), { code: 'EHOSTUNREACH' }, 'the kernel answers an unreachable route with EHOSTUNREACH');
  await t.rejects(nl.route.get('198.18.52.9'), { code: 'EACCES' }, 'prohibit: EACCES');
  await t.rejects(nl.route.get('198.18.50.9'), { code: 'EINVAL' }, 'blackhole: EINVAL, as `ip route get` reports too');
  const ip = spawnSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'ip', 'route', 'get', '198.18.50.9'], { encoding: 'utf8' });
  t.match(ip.stderr, /Invalid argument/, 'ip route get fails the same way');
  for (const r of mine) await nl.route.del(r);
  t.same(await nl.route.list({ protocol: 'boot', table: 'all' }), [], 'all deleted');
  t.same(show(ns, 'table', '7'), []);
});

t.test('IPv6 routes: gateway, dev, metric, replace, del by metric', async (t) => {
  const { ns, nl, a0, a1 } = await net(t);
  await nl.route.add({ dst: '2001:db8:60::/48', via: '2001:db8::2' });
  await nl.route.add({ dst: '2001:db8:61::/64', dev: 'a1', metric: 300 });
  await nl.route.add({ dst: '2001:db8:61::/64', dev: 'a0', metric: 400 });
  t.match(show6(ns, '2001:db8:60::/48'), [{ gateway: '2001:db8::2', dev: 'a0', protocol: 'boot', metric: 1024 }]);
  t.same(show6(ns, '2001:db8:61::/64').map((r) => [r.dev, r.metric]), [['a1', 300], ['a0', 400]]);
  const r = (await nl.route.list({ family: 'inet6', protocol: 'boot' })).filter((x) => x.dst === '2001:db8:61::/64');
  t.same(r.map((x) => [x.dev, x.metric, x.scope, x.table]), [[a1, 300, 'global', 'main'], [a0, 400, 'global', 'main']]);
  await nl.route.replace({ dst: '2001:db8:60::/48', via: '2001:db8:2::2' });
  t.match(show6(ns, '2001:db8:60::/48'), [{ gateway: '2001:db8:2::2', dev: 'a1' }]);
  await nl.route.del({ dst: '2001:db8:61::/64', metric: 300 });
  t.same(show6(ns, '2001:db8:61::/64').map((x) => x.metric), [400], 'only the metric-300 one went');
  const g = await nl.route.get('2001:db8:61::5');
  t.match(g, { dev: a0, src: '2001:db8::1' });
});

t.test('multipath with weights (IPv4 and IPv6), witnessed as nexthops', async (t) => {
  const { ns, nl, a0, a1 } = await net(t);
  await nl.route.add({ dst: '198.18.70.0/24', nexthops: [{ via: '198.18.0.2', weight: 1 }, { via: '198.18.2.2', dev: 'a1', weight: 3 }] });
  const w = show(ns, '198.18.70.0/24')[0];
  t.same(w.nexthops.map((n) => [n.gateway, n.dev, n.weight]), [['198.18.0.2', 'a0', 1], ['198.18.2.2', 'a1', 3]]);
  const r = (await nl.route.list({ family: 'inet' })).find((x) => x.dst === '198.18.70.0/24');
  t.same(r.nexthops.map((n) => [n.via, n.dev, n.weight, n.onlink]), [['198.18.0.2', a0, 1, false], ['198.18.2.2', a1, 3, false]]);
  t.equal(r.via, undefined);

  await nl.route.add({ dst: '2001:db8:70::/48', nexthops: [{ via: '2001:db8::2', dev: 'a0', weight: 2 }, { via: '2001:db8:2::2', dev: 'a1', weight: 5 }] });
  const w6 = show6(ns, '2001:db8:70::/48')[0];
  t.same(w6.nexthops.map((n) => [n.gateway, n.dev, n.weight]), [['2001:db8::2', 'a0', 2], ['2001:db8:2::2', 'a1', 5]]);
  const r6 = (await nl.route.list({ family: 'inet6' })).find((x) => x.dst === '2001:db8:70::/48');
  t.same(r6.nexthops.map((n) => [n.via, n.dev, n.weight]), [['2001:db8::2', a0, 2], ['2001:db8:2::2', a1, 5]]);

  // onlink per nexthop, and a dev-only path.
  await nl.route.add({ dst: '198.18.71.0/24', nexthops: [{ via: '198.18.99.2', dev: 'a0', onlink: true }, { dev: 'a1' }] });
  const w2 = show(ns, '198.18.71.0/24')[0];
  t.ok(w2.nexthops[0].flags.includes('onlink'));
  t.equal(w2.nexthops[1].dev, 'a1');
  t.notOk(w2.nexthops[1].gateway);
  const list = await nl.route.list({ dev: 'a1', family: 'inet' });
  t.ok(list.some((x) => x.dst === '198.18.71.0/24'), 'dev filter looks into nexthops');

  await nl.route.replace({ dst: '198.18.70.0/24', nexthops: [{ via: '198.18.0.2', weight: 10 }, { via: '198.18.2.2', weight: 20 }] });
  t.same(show(ns, '198.18.70.0/24')[0].nexthops.map((n) => n.weight), [10, 20], 'replaced weights');
  for (const d of ['198.18.70.0/24', '198.18.71.0/24', '2001:db8:70::/48']) await nl.route.del({ dst: d });
  t.same(show(ns, '198.18.70.0/24'), []);
  t.same(show6(ns, '2001:db8:70::/48'), []);
});

t.test('metrics: mtu and advmss; append', async (t) => {
  const { ns, nl } = await net(t);
  await nl.route.add({ dst: '198.18.80.0/24', via: '198.18.0.2', mtu: 1300, advmss: 1200 });
  await nl.route.add({ dst: '2001:db8:80::/48', via: '2001:db8::2', mtu: 1400 });
  const w = show(ns, '198.18.80.0/24')[0];
  t.equal(w.metrics[0].mtu, 1300);
  t.equal(w.metrics[0].advmss, 1200);
  t.equal(show6(ns, '2001:db8:80::/48')[0].metrics[0].mtu, 1400);
  const r = (await nl.route.list({ family: 'inet' })).find((x) => x.dst === '198.18.80.0/24');
  t.match(r, { mtu: 1300, advmss: 1200 });
  t.equal((await nl.route.get('198.18.80.1')).mtu, 1300, 'get reports the metric');
  await t.rejects(nl.route.add({ dst: '198.18.81.0/24', dev: 'a0', mtu: 10 }), { name: 'RangeError', message: /^route\.add: mtu:/ });

  // append: a second route with the same destination and metric (IPv4: a
  // distinct fib alias, as `ip route append`).
  await nl.route.add({ dst: '198.18.82.0/24', via: '198.18.0.2', table: 9 });
  await nl.route.append({ dst: '198.18.82.0/24', via: '198.18.2.2', table: 9 });
  t.same(show(ns, 'table', '9').map((x) => x.gateway), ['198.18.0.2', '198.18.2.2']);
  t.equal(await nl.route.flush({ table: 9 }), 2);
});

// The bytes netloom sends equal the ones iproute2 6.x sends for the same
// command (captured with `strace -e write=3 ip ...` in a throwaway namespace
// where a0 had ifindex 3 and a1 ifindex 5), from the rtmsg on: nlmsg_seq,
// nlmsg_pid and the ACK flag of `ip route get` differ by design.
t.test('requests match iproute2 byte for byte', async (t) => {
  const sent = [];
  const sock = { request: async (op, type, flags, msg) => { sent.push({ type, flags, bytes: native.encode(type, flags, msg) }); return [{ type: constant('RTM_NEWROUTE'), flags: 0, header: { rtmFamily: 2, rtmDstLen: 32, rtmTable: 254, rtmScope: 0, rtmType: 1, rtmProtocol: 0, rtmFlags: 0 }, attrs: {} }]; } };
  const api = new RouteApi(sock, { index: async (n) => ({ a0: 3, a1: 5 })[n] });
  const cases = [
    ['ip route add 198.18.10.0/24 via 198.18.0.2', () => api.add({ dst: '198.18.10.0/24', via: '198.18.0.2' }),
      '2c000000180005061d57046b0000000002180000fe0300010000000008000100c6120a0008000500c6120002'],
    ['ip route add 198.18.70.0/24 nexthop via 198.18.0.2 weight 1 nexthop via 198.18.2.2 dev a1 weight 3',
      () => api.add({ dst: '198.18.70.0/24', nexthops: [{ via: '198.18.0.2', weight: 1 }, { via: '198.18.2.2', dev: 'a1', weight: 3 }] }),
      '48000000180005061d57046b0000000002180000fe0300010000000008000100c612460024000900100000000000000008000500c6120002100000020500000008000500c6120202'],
    ['ip -6 route add 2001:db8:70::/48 nexthop via 2001:db8::2 dev a0 weight 2 nexthop via 2001:db8:2::2 dev a1 weight 5',
      () => api.add({ dst: '2001:db8:70::/48', nexthops: [{ via: '2001:db8::2', dev: 'a0', weight: 2 }, { via: '2001:db8:2::2', dev: 'a1', weight: 5 }] }),
      '6c000000180005061e57046b000000000a300000fe030001000000001400010020010db80070000000000000000000003c0009001c000001030000001400050020010db80000000000000000000000021c000004050000001400050020010db8000200000000000000000002'],
    ['ip route add 198.18.41.0/24 dev a1 table 100000 mtu 1300 advmss 1200', () => api.add({ dst: '198.18.41.0/24', dev: 'a1', table: 100000, mtu: 1300, advmss: 1200 }),
      '48000000180005062057046b00000000021800000003fd010000000008000100c612290008000f00a0860100080004000500000014000800080002001405000008000800b0040000'],
    ['ip route del 198.18.10.0/24', () => api.del({ dst: '198.18.10.0/24' }), '24000000190005002057046b0000000002180000fe00ff000000000008000100c6120a00'],
    ['ip route add blackhole 198.18.50.0/24', () => api.add({ dst: '198.18.50.0/24', type: 'blackhole' }), '24000000180005062057046b0000000002180000fe0300060000000008000100c6123200'],
    ['ip route get 198.18.2.7', () => api.get('198.18.2.7'), '240000001a0001002057046b0000000002200000000000000010000008000100c6120207'],
  ];
  // netloom's codec marks nests with NLA_F_NESTED; ip does not on RTA_METRICS
  // (the kernel takes both): clear that bit on the top-level attributes.
  const payload = (msg) => {
    const b = Buffer.from(msg.subarray(16));
    for (let off = 12; off + 4 <= b.length && off < 4096; off += (b.readUInt16LE(off) + 3) & ~3) {
      if (b.readUInt16LE(off) < 4) break;
      b.writeUInt16LE(b.readUInt16LE(off + 2) & ~0x8000, off + 2);
    }
    return b.toString('hex');
  };
  for (const [cmd, run, hex] of cases) {
    sent.length = 0;
    await run();
    const ip = Buffer.from(hex, 'hex');
    t.equal(sent[0].type, ip.readUInt16LE(4), `${cmd}: type`);
    t.equal(payload(sent[0].bytes), payload(ip), `${cmd}: payload`);
  }
});
