// Addresses on the real kernel (`ip addr`), witnessed by `ip -j addr show`.
import t from 'tap';
import { NetlinkError } from '../../dist/index.js';
import { ipJson, sandbox } from '../helpers/sandbox.mjs';

const addrsOf = (ns, dev) => (ipJson(ns, 'addr', 'show', 'dev', dev)[0]?.addr_info ?? []).filter((a) => a.scope !== 'link');

t.test('IPv4 and IPv6: add, list, replace, del; flags and options reach the kernel', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'veth', name: 'a0', up: true, peer: { name: 'a1' } });
  await nl.addr.add('a0', '198.18.7.1/24', { broadcast: '+', label: 'a0:web' });
  await nl.addr.add('a0', '2001:db8:7::1/64', { nodad: true, noprefixroute: true });
  await nl.addr.add('a0', '198.18.8.1/32', { peer: '198.18.8.2/32' });
  await nl.addr.add('a0', '198.18.9.1/24', { validLft: 3600, preferredLft: 1800, metric: 50 });
  const w = addrsOf(ns, 'a0');
  const v4 = w.find((a) => a.local === '198.18.7.1');
  t.equal(v4.prefixlen, 24);
  t.equal(v4.broadcast, '198.18.7.255', "brd + derives the broadcast");
  t.equal(v4.label, 'a0:web');
  const v6 = w.find((a) => a.local === '2001:db8:7::1');
  t.ok(v6.nodad, 'nodad');
  t.ok(v6.noprefixroute, 'noprefixroute');
  t.notOk(ipJson(ns, '-6', 'route', 'show', 'dev', 'a0').some((r) => r.dst === '2001:db8:7::/64'), 'and so no prefix route');
  const p2p = w.find((a) => a.local === '198.18.8.1');
  t.equal(p2p.address, '198.18.8.2', 'peer');
  const timed = w.find((a) => a.local === '198.18.9.1');
  t.ok(timed.valid_life_time <= 3600 && timed.valid_life_time > 3500, 'valid lifetime');
  t.ok(timed.preferred_life_time <= 1800, 'preferred lifetime');
  t.ok(ipJson(ns, 'route', 'show', 'dev', 'a0').some((r) => r.dst === '198.18.9.0/24' && r.metric === 50), 'the prefix route has the metric');

  const list = await nl.addr.list({ dev: 'a0' });
  t.same(list.map((a) => a.cidr).filter((c) => !c.startsWith('fe80')).sort(), ['198.18.7.1/24', '198.18.8.1/32', '198.18.9.1/24', '2001:db8:7::1/64'], 'addr.list agrees with ip');
  t.equal(list.find((a) => a.address === '198.18.8.1')?.peer, '198.18.8.2');
  t.ok(list.find((a) => a.address === '2001:db8:7::1')?.flags.includes('nodad'));
  t.same((await nl.addr.list({ dev: 'a0', family: 'inet6' })).every((a) => a.family === 'inet6'), true, 'family filter');

  await nl.addr.replace('a0', '198.18.9.1/24', { validLft: 100, preferredLft: 100 });
  t.ok(addrsOf(ns, 'a0').find((a) => a.local === '198.18.9.1').valid_life_time <= 100, 'replace changed the lifetime');
  await nl.addr.del('a0', '198.18.7.1/24');
  t.notOk(addrsOf(ns, 'a0').some((a) => a.local === '198.18.7.1'), 'deleted');
  await t.rejects(nl.addr.del('a0', '198.18.8.1/32'), { code: 'EADDRNOTAVAIL' }, 'a point-to-point address is not matched without its peer');
  await nl.addr.add('a0', '198.18.8.3/32', { peer: '198.18.8.4/32' });
  await nl.addr.del('a0', '198.18.8.3/32', { peer: '198.18.8.4' });
  t.notOk(addrsOf(ns, 'a0').some((a) => a.local === '198.18.8.3'), 'deleted with its peer');
  await nl.addr.flush('a0', { family: 'inet' });
  t.same(addrsOf(ns, 'a0').filter((a) => a.family === 'inet'), [], 'flushed the IPv4 addresses');
  t.ok(addrsOf(ns, 'a0').some((a) => a.local === '2001:db8:7::1'), 'and left IPv6');
});

t.test('common failures: typed kernel errors, and bad input before the kernel', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'veth', name: 'b0', peer: { name: 'b1' } });
  await nl.addr.add('b0', '198.18.7.1/24');
  const dup = await nl.addr.add('b0', '198.18.7.1/24').catch((e) => e);
  t.type(dup, NetlinkError);
  t.equal(dup.code, 'EEXIST', 'adding what exists');
  await nl.addr.replace('b0', '198.18.7.1/24');
  t.pass('replace is the way out');
  const gone = await nl.addr.del('b0', '198.18.99.1/24').catch((e) => e);
  t.equal(gone.code, 'EADDRNOTAVAIL', 'deleting what does not exist');
  const nodev = await nl.addr.add('nope', '198.18.7.2/24').catch((e) => e);
  t.equal(nodev.code, 'ENODEV');
  t.match(nodev.message, /^addr\.add: dev: no link 'nope'/);
  for (const [cidr, Err, msg] of [
    ['198.18.7.1/33', RangeError, /^addr\.add: cidr: prefix length must be 0\.\.32, got '33'/],
    ['2001:db8::1/129', RangeError, /^addr\.add: cidr: prefix length must be 0\.\.128/],
    ['198.18.300.1/24', TypeError, /^addr\.add: cidr: not an IP address/],
    ['', TypeError, /^addr\.add: cidr: not an IP address/],
    [42, TypeError, /^addr\.add: cidr: must be a string/],
  ]) {
    const e = await nl.addr.add('b0', cidr).catch((x) => x);
    t.type(e, Err, String(cidr));
    t.match(e.message, msg);
  }
  const mix = await nl.addr.add('b0', '198.18.7.5/24', { peer: '2001:db8::5' }).catch((e) => e);
  t.type(mix, TypeError, 'an address family mismatch');
  t.match(mix.message, /^addr\.add: peer: family differs/);
  t.type(await nl.addr.add('b0', '2001:db8::5/64', { broadcast: '+' }).catch((e) => e), TypeError, 'broadcast is IPv4 only');
  t.type(await nl.addr.add('b0', '198.18.7.6/24', { bogus: 1 }).catch((e) => e), TypeError, 'unknown option');
  t.type(await nl.addr.add('b0', '198.18.7.6/24', { validLft: 10, preferredLft: 20 }).catch((e) => e), RangeError, 'preferred beyond valid');
  t.same(addrsOf(ns, 'b0').map((a) => a.local), ['198.18.7.1'], 'nothing half made');
});
