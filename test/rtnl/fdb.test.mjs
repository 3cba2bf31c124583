// The bridge FDB (bridge fdb): learned entries after traffic crosses a
// bridge, static entries on a port, VXLAN default destinations appended and
// deleted, each witnessed by `bridge -j fdb show`.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { FdbApi } from '../../dist/index.js';
import { ipJson, sandbox } from '../helpers/sandbox.mjs';

const bridgeFdb = (ns, ...args) =>
  JSON.parse(execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'bridge', '-j', 'fdb', 'show', ...args], { encoding: 'utf8' }) || '[]');

// ifindex -> name in the namespace (witness side).
const names = (ns) => new Map(ipJson(ns, 'link', 'show').map((l) => [l.ifindex, l.ifname]));

// What bridge(8) prints, as comparable strings: mac ifname state self?
// (`bridge fdb show dev DEV` leaves ifname out: it is DEV.)
const witnessKeys = (entries, dev) => entries.map((e) => `${e.mac} ${e.ifname ?? dev} ${e.state || 'dynamic'} ${e.flags.includes('self') ? 'self' : '-'} ${e.vlan ?? '-'}`).sort();
const ourKeys = (entries, byIndex) => entries.map((e) => `${e.lladdr} ${byIndex.get(e.ifindex)} ${e.state} ${e.flags.includes('self') ? 'self' : '-'} ${e.vlan ?? '-'}`).sort();

t.test('validation happens before any I/O', async (t) => {
  const { nl } = await sandbox(t);
  t.ok(nl.fdb instanceof FdbApi);
  await t.rejects(nl.fdb.add({ lladdr: 'zz', dev: 'p1' }), { name: 'TypeError', message: "fdb.add: lladdr: not a MAC address: 'zz'" });
  await t.rejects(nl.fdb.append({ lladdr: '00:00:00:00:00:00', dev: 'vx0', dst: '198.18.0.300' }), { name: 'TypeError', message: "fdb.append: dst: not an IP address: '198.18.0.300'" });
  await t.rejects(nl.fdb.add({ lladdr: '02:00:00:00:00:01', dev: 'p1', vlan: 4095 }), { name: 'RangeError', message: /^fdb\.add: vlan: must be an integer 1\.\.4094/ });
  await t.rejects(nl.fdb.add({ lladdr: '02:00:00:00:00:01', dev: 'p1', port: 0 }), { name: 'RangeError', message: /^fdb\.add: port:/ });
  await t.rejects(nl.fdb.add({ lladdr: '02:00:00:00:00:01', dev: 'p1', vni: 1 << 24 }), { name: 'RangeError', message: /^fdb\.add: vni:/ });
  await t.rejects(nl.fdb.add({ lladdr: '02:00:00:00:00:01', dev: 'p1', state: 'sticky' }), { name: 'TypeError', message: /^fdb\.add: state:/ });
  await t.rejects(nl.fdb.add({ lladdr: '02:00:00:00:00:01', dev: 'p1', self: false }), { name: 'TypeError', message: /^fdb\.add: self: one of self and master/ });
  await t.rejects(nl.fdb.del({ lladdr: '02:00:00:00:00:01', dev: 'p1', colour: 'red' }), { name: 'TypeError', message: 'fdb.del: colour: unknown option' });
  await t.rejects(nl.fdb.list({ br: 'nosuch0' }), { code: 'ENODEV', message: /fdb\.list: br: no link 'nosuch0'/ });
});

t.test('learned entries after traffic crosses a bridge (S2)', async (t) => {
  const { ns: host, nl } = await sandbox(t, { lo: true });
  await nl.link.add({ kind: 'bridge', name: 'br0', up: true });
  const members = [];
  for (const n of [1, 2]) {
    const m = await sandbox(t, { lo: true });
    await nl.link.add({ kind: 'veth', name: `veth${n}_br`, master: 'br0', up: true, peer: { name: `veth${n}_ns`, netns: m.ns, up: true } });
    await m.nl.addr.add(`veth${n}_ns`, `198.18.1.1${n}/24`);
    members.push({ ...m, mac: ipJson(m.ns, 'link', 'show', 'dev', `veth${n}_ns`)[0].address });
  }
  const r = await members[0].ns.ping('198.18.1.12', { count: 2, interval: 50, timeout: 3000 });
  t.ok(r.received >= 1, `ns1 -> ns2 across br0: ${r.received}/${r.sent}`);

  const byIndex = names(host);
  const ours = await nl.fdb.list({ br: 'br0' });
  const witness = bridgeFdb(host, 'br', 'br0');
  t.same(ourKeys(ours, byIndex), witnessKeys(witness), 'fdb.list({ br }) matches `bridge fdb show br br0` entry for entry');
  const br0 = await nl.link.index('br0');
  for (const [i, m] of members.entries()) {
    const e = ours.find((x) => x.lladdr === m.mac);
    t.ok(e, `learned ${m.mac}`);
    t.equal(byIndex.get(e?.ifindex), `veth${i + 1}_br`, `${m.mac} on veth${i + 1}_br`);
    t.equal(e?.state, 'dynamic', 'learned entries are dynamic');
    t.equal(e?.master, br0, 'NDA_MASTER is the bridge');
    t.notOk(e?.flags.includes('self'), 'a bridge (master) entry, not self');
  }
  // dev filter: one port's entries only.
  const port1 = await nl.fdb.list({ dev: 'veth1_br' });
  t.ok(port1.length > 0 && port1.every((e) => byIndex.get(e.ifindex) === 'veth1_br'), 'list({ dev }) only that port');
  t.same(ourKeys(port1, byIndex), witnessKeys(bridgeFdb(host, 'dev', 'veth1_br'), 'veth1_br'), 'matches `bridge fdb show dev veth1_br`');
  // Unfiltered: a superset.
  t.ok((await nl.fdb.list()).length >= ours.length, 'list() sees at least the bridge entries');
});

t.test('static and permanent entries on a bridge port', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'bridge', name: 'br0', up: true });
  await nl.link.add({ kind: 'veth', name: 'p1', master: 'br0', up: true, peer: { name: 'p1p', up: true } });
  const STATIC = '02:00:00:00:02:02';
  const PERM = '02:00:00:00:02:03';
  await nl.fdb.add({ lladdr: STATIC, dev: 'p1', master: true, state: 'static' });
  await nl.fdb.add({ lladdr: PERM, dev: 'p1', master: true });
  const w = bridgeFdb(ns, 'br', 'br0');
  t.match(w.find((e) => e.mac === STATIC), { ifname: 'p1', master: 'br0', state: 'static' }, 'bridge fdb: static entry on p1');
  t.match(w.find((e) => e.mac === PERM), { ifname: 'p1', master: 'br0', state: 'permanent' }, 'bridge fdb: permanent by default, as bridge(8)');
  const ours = await nl.fdb.list({ br: 'br0' });
  t.match(ours.find((e) => e.lladdr === STATIC), { state: 'static', ifindex: await nl.link.index('p1') }, 'list decodes static');
  t.match(ours.find((e) => e.lladdr === PERM), { state: 'permanent' });
  await t.rejects(nl.fdb.add({ lladdr: STATIC, dev: 'p1', master: true, state: 'static' }), { code: 'EEXIST' });
  // replace: static -> dynamic.
  await nl.fdb.replace({ lladdr: STATIC, dev: 'p1', master: true, state: 'dynamic' });
  t.notOk(bridgeFdb(ns, 'br', 'br0').find((e) => e.mac === STATIC).state, 'replaced: dynamic (bridge prints no state)');
  // With a VLAN: the kernel wants VLAN filtering on and the VLAN on the
  // port; this kernel has no bridge VLAN filtering at all (ip link ... type
  // bridge vlan_filtering 1: EOPNOTSUPP), so the VLAN request is refused.
  await t.rejects(nl.fdb.add({ lladdr: STATIC, dev: 'p1', master: true, state: 'static', vlan: 10 }), { code: 'EINVAL' }, 'VLAN not configured: EINVAL');
  await nl.fdb.del({ lladdr: STATIC, dev: 'p1', master: true });
  await nl.fdb.del({ lladdr: PERM, dev: 'p1', master: true });
  const left = bridgeFdb(ns, 'br', 'br0').map((e) => e.mac);
  t.notOk(left.includes(STATIC) || left.includes(PERM), 'deleted');
  await t.rejects(nl.fdb.del({ lladdr: PERM, dev: 'p1', master: true }), { code: 'ENOENT' });
});

t.test('VXLAN default destinations (S7): append, list, delete', async (t) => {
  const { ns, nl } = await sandbox(t, { lo: true });
  await nl.link.add({ kind: 'veth', name: 'underlay', up: true, peer: { name: 'underlayp', up: true } });
  await nl.addr.add('underlay', '198.18.0.1/24');
  await nl.link.add({ kind: 'vxlan', name: 'vx0', id: 42, port: 4789, local: '198.18.0.1', dev: 'underlay' });
  const ZERO = '00:00:00:00:00:00';
  await nl.fdb.append({ lladdr: ZERO, dev: 'vx0', dst: '198.18.0.2', self: true });
  await nl.fdb.append({ lladdr: ZERO, dev: 'vx0', dst: '198.18.0.3', port: 4790, vni: 43 });
  await nl.fdb.add({ lladdr: '02:00:00:00:03:03', dev: 'vx0', dst: '198.18.0.4' });
  const w = bridgeFdb(ns, 'dev', 'vx0');
  t.same(
    w.map((e) => [e.mac, e.dst, e.port, e.vni, e.state, e.flags]).sort(),
    [
      ['00:00:00:00:00:00', '198.18.0.2', undefined, undefined, 'permanent', ['self']],
      ['00:00:00:00:00:00', '198.18.0.3', 4790, 43, 'permanent', ['self']],
      ['02:00:00:00:03:03', '198.18.0.4', undefined, undefined, 'permanent', ['self']],
    ].sort(),
    'bridge fdb show dev vx0: both default destinations and the per-MAC entry',
  );
  const ours = await nl.fdb.list({ dev: 'vx0' });
  t.same(
    ours.map((e) => [e.lladdr, e.dst, e.port, e.vni, e.state, e.flags]).sort(),
    w.map((e) => [e.mac, e.dst, e.port, e.vni, e.state, e.flags]).sort(),
    'fdb.list({ dev }) decodes the same (port big-endian on the wire, vni)',
  );
  await t.rejects(nl.fdb.add({ lladdr: '02:00:00:00:03:03', dev: 'vx0', dst: '198.18.0.4' }), { code: 'EEXIST' });
  await nl.fdb.replace({ lladdr: '02:00:00:00:03:03', dev: 'vx0', dst: '198.18.0.5' });
  t.same(bridgeFdb(ns, 'dev', 'vx0').filter((e) => e.mac === '02:00:00:00:03:03').map((e) => e.dst), ['198.18.0.5'], 'replace moved the per-MAC entry');

  // Delete one remote of the two default destinations, then the rest.
  await nl.fdb.del({ lladdr: ZERO, dev: 'vx0', dst: '198.18.0.2' });
  t.same(bridgeFdb(ns, 'dev', 'vx0').filter((e) => e.mac === ZERO).map((e) => e.dst), ['198.18.0.3'], 'one remote deleted, the other stays');
  await nl.fdb.del({ lladdr: ZERO, dev: 'vx0', dst: '198.18.0.3', port: 4790, vni: 43 });
  await nl.fdb.del({ lladdr: '02:00:00:00:03:03', dev: 'vx0' });
  t.same(bridgeFdb(ns, 'dev', 'vx0'), [], 'all gone');
  t.same(await nl.fdb.list({ dev: 'vx0' }), [], 'fdb.list agrees');
  await t.rejects(nl.fdb.del({ lladdr: ZERO, dev: 'vx0', dst: '198.18.0.2' }), { code: 'ENOENT' });
});
