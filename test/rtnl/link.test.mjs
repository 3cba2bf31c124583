// Links on the real kernel, each kind created, changed, read back and
// deleted inside a throwaway namespace, witnessed by `ip -j -d link show` and
// /sys/class/net (not by netloom's own reading).
import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { netns, NetlinkError } from '../../dist/index.js';
import { ipJson, ipLink, sandbox, sysClassNet, sysLinks } from '../helpers/sandbox.mjs';

t.test('bridge: add with options, read back, change, delete', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'bridge', name: 'br0', up: true, mtu: 1400, stp: true, forwardDelay: 4, ageingTime: 300, multicastSnooping: false });
  const w = ipLink(ns, 'br0');
  t.equal(w.linkinfo.info_kind, 'bridge');
  t.equal(w.mtu, 1400);
  t.ok(w.flags.includes('UP'), 'up');
  t.equal(w.linkinfo.info_data.stp_state, 1);
  t.equal(w.linkinfo.info_data.forward_delay, 400, 'forwardDelay 4 s = 400 centiseconds');
  t.equal(w.linkinfo.info_data.ageing_time, 30000);
  t.equal(w.linkinfo.info_data.mcast_snooping, 0);
  t.equal(sysClassNet(ns, 'br0/bridge/stp_state'), '1', 'sysfs agrees');
  const l = await nl.link.get('br0');
  t.equal(l.kind, 'bridge');
  t.equal(l.ifindex, w.ifindex);
  t.equal(l.mtu, 1400);
  t.equal(l.mac, w.address);
  t.equal(l.up, true);
  t.equal(l.stp, true);
  t.equal(l.forwardDelay, 4);
  await nl.link.set('br0', { kind: 'bridge', stp: false, helloTime: 1 });
  t.equal(ipLink(ns, 'br0').linkinfo.info_data.stp_state, 0, 'changed by set');
  t.equal(ipLink(ns, 'br0').linkinfo.info_data.hello_time, 100);
  await nl.link.del('br0');
  t.equal(ipLink(ns, 'br0'), undefined, 'gone');
  t.same(sysLinks(ns), ['lo']);
});

t.test('veth: peer in the same namespace and in another; peer index and netnsid', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'veth', name: 'v0', mtu: 1400, mac: '02:00:00:00:00:02', peer: { name: 'v1', mtu: 1300, mac: '02:00:00:00:00:03' } });
  const v0 = ipLink(ns, 'v0');
  const v1 = ipLink(ns, 'v1');
  t.equal(v0.linkinfo.info_kind, 'veth');
  t.equal(v0.address, '02:00:00:00:00:02');
  t.equal(v1.address, '02:00:00:00:00:03');
  t.equal(v0.mtu, 1400);
  t.equal(v1.mtu, 1300, 'the peer has its own mtu');
  const l0 = await nl.link.get('v0');
  t.equal(l0.parent, v1.ifindex, 'parent is the peer ifindex (iflink)');
  t.equal(sysClassNet(ns, 'v0/iflink'), String(v1.ifindex), 'sysfs iflink agrees');

  // Peer created directly inside another namespace, up on both sides.
  const other = await netns.create();
  t.teardown(() => other.close());
  await nl.link.add({ kind: 'veth', name: 'v2', up: true, peer: { name: 'eth0', netns: other, up: true } });
  const v2 = ipLink(ns, 'v2');
  const inner = ipJson(other, '-d', 'link', 'show', 'dev', 'eth0')[0];
  t.equal(inner.linkinfo.info_kind, 'veth', 'the peer is in the other namespace, named eth0');
  t.ok(inner.flags.includes('UP'), 'peer up');
  t.ok(v2.flags.includes('UP'), 'local end up');
  t.type(v2.link_netnsid, 'number', 'ip shows a link-netnsid for the peer');
  const l2 = await nl.link.get('v2');
  t.equal(l2.linkNetnsid, v2.link_netnsid);
  t.equal(l2.parent, inner.ifindex);

  await t.rejects(nl.link.add({ kind: 'veth', name: 'v3', peer: { name: 'v3' } }), { name: 'RangeError', message: /peer\.name/ }, 'a peer named like its twin in the same namespace');
  await nl.link.del('v0');
  t.equal(ipLink(ns, 'v1'), undefined, 'deleting one end deletes the pair');
});

t.test('set: mtu, mac, up/down, rename, alias, txqlen, group, promisc, master/nomaster', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'bridge', name: 'br0' });
  await nl.link.add({ kind: 'veth', name: 'a', peer: { name: 'b' } });
  await nl.link.set('a', { mtu: 9000, mac: '02:00:00:00:aa:01', txqlen: 500, group: 7, alias: 'uplink', promisc: true, up: true, master: 'br0' });
  let w = ipLink(ns, 'a');
  t.equal(w.mtu, 9000);
  t.equal(w.address, '02:00:00:00:aa:01');
  t.equal(w.txqlen, 500);
  t.equal(w.group, '7');
  t.equal(w.ifalias, 'uplink');
  t.ok(w.flags.includes('PROMISC'));
  t.ok(w.flags.includes('UP'));
  t.equal(w.master, 'br0');
  t.equal(sysClassNet(ns, 'a/master/uevent').includes('INTERFACE=br0'), true, 'sysfs master link');
  const l = await nl.link.get('a');
  t.equal(l.alias, 'uplink');
  t.equal(l.group, 7);
  t.equal(l.master, ipLink(ns, 'br0').ifindex);
  t.equal(l.portKind, 'bridge');
  t.ok(l.flags.includes('promisc'));
  await nl.link.set('a', { master: null, up: false, alias: '' });
  w = ipLink(ns, 'a');
  t.equal(w.master, undefined, 'nomaster');
  t.notOk(w.flags.includes('UP'), 'down');
  t.equal(w.ifalias, undefined, 'alias cleared');
  await nl.link.set('a', { name: 'renamed' });
  t.ok(ipLink(ns, 'renamed'), 'renamed');
  t.equal((await nl.link.get(l.ifindex)).name, 'renamed', 'get by ifindex');
  await t.rejects(nl.link.set('nope', { up: true }), { code: 'ENODEV' });
});

t.test('bridge port options', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'bridge', name: 'br0' });
  await nl.link.add({ kind: 'veth', name: 'p1', master: 'br0', peer: { name: 'p1x' } });
  await nl.link.set('p1', { bridgePort: { cost: 10, learning: false, priority: 5 } });
  const w = ipLink(ns, 'p1');
  t.equal(w.linkinfo.info_slave_kind, 'bridge');
  t.equal(w.linkinfo.info_slave_data.cost, 10);
  t.equal(w.linkinfo.info_slave_data.learning, false);
  t.equal(w.linkinfo.info_slave_data.priority, 5);
  const l = await nl.link.get('p1');
  t.equal(l.bridgePort?.cost, 10);
  t.equal(l.bridgePort?.learning, false);
});

t.test('bond port options: refused clearly where the link is no bond port (this kernel has no bond)', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'bridge', name: 'br0' });
  await nl.link.add({ kind: 'veth', name: 'p1', master: 'br0', peer: { name: 'p1x' } });
  // A bridge port: the kernel would read IFLA_BOND_SLAVE_QUEUE_ID (5) as IFLA_BRPORT_GUARD (5) with the bridge's ops.
  await t.rejects(nl.link.set('p1', { bondPort: { queueId: 1 } }), { name: 'NetlinkError', code: 'EOPNOTSUPP', message: /link\.set: bondPort: 'p1' is not a port of a bond: it is a port of a bridge/ });
  t.equal(ipLink(ns, 'p1').linkinfo.info_slave_data.guard, false, 'nothing was sent: the bridge port is untouched');
  await t.rejects(nl.link.set('p1x', { bondPort: { prio: 3 } }), { code: 'EOPNOTSUPP', message: /bondPort: 'p1x' is not a port of a bond: it has no master/ });
  await t.rejects(nl.link.set('p1x', { bridgePort: { cost: 3 } }), { code: 'EOPNOTSUPP', message: /bridgePort: 'p1x' is not a port of a bridge: it has no master/ });
  await t.rejects(nl.link.set('p1x', { master: 'br0', bridgePort: { cost: 3 } }), { constructor: TypeError, message: /bridgePort: cannot go with master in one request/ });
  await t.rejects(nl.link.set('p1', { bondPort: { queueId: 70000 } }), { constructor: RangeError, message: /bondPort\.queueId/ });
  await t.rejects(nl.link.set('p1', { bondPort: { weight: 1 } }), { constructor: TypeError, message: /bondPort\.weight: unknown bond port option/ });
  // What the kernel itself says for a port with no bond master, sent raw (netloom refuses before sending).
  const ifindex = (await nl.link.get('p1x')).ifindex;
  const raw = nl.socket.request('raw', 16, 0, { header: { ifiIndex: ifindex }, attrs: { linkinfo: { slaveKind: 'bond', slaveData: { queueId: 1 } } } });
  await t.rejects(raw, { code: 'EOPNOTSUPP' }, 'the kernel: EOPNOTSUPP, no extended ACK');
});

t.test('macvlan and macvtap on a veth parent, every mode', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'veth', name: 'par', peer: { name: 'parx' } });
  for (const mode of ['private', 'vepa', 'bridge', 'passthru', 'source']) {
    await nl.link.add({ kind: 'macvlan', name: `mv-${mode}`, parent: 'par', mode });
    const w = ipLink(ns, `mv-${mode}`);
    t.equal(w.linkinfo.info_kind, 'macvlan');
    t.equal(w.linkinfo.info_data.mode, mode, `mode ${mode}`);
    const l = await nl.link.get(`mv-${mode}`);
    t.equal(l.mode, mode);
    t.equal(l.parent, ipLink(ns, 'par').ifindex);
    await nl.link.del(`mv-${mode}`);
  }
  await nl.link.add({ kind: 'macvtap', name: 'mvt0', parent: 'par', mode: 'bridge' });
  t.equal(ipLink(ns, 'mvt0').linkinfo.info_kind, 'macvtap');
  t.equal((await nl.link.get('mvt0')).kind, 'macvtap');
});

t.test('vxlan: VTEP with dev, local, port; IPv6 remote', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'veth', name: 'under', peer: { name: 'underx' } });
  await nl.link.add({ kind: 'vxlan', name: 'vx0', id: 42, port: 4789, local: '198.18.0.1', dev: 'under', learning: false, ttl: 64 });
  const w = ipLink(ns, 'vx0');
  t.equal(w.linkinfo.info_kind, 'vxlan');
  t.equal(w.linkinfo.info_data.id, 42);
  t.equal(w.linkinfo.info_data.port, 4789, 'port in host order after the big-endian round trip');
  t.equal(w.linkinfo.info_data.local, '198.18.0.1');
  t.equal(w.linkinfo.info_data.link, 'under');
  t.equal(w.linkinfo.info_data.learning, false);
  t.equal(w.linkinfo.info_data.ttl, 64);
  const l = await nl.link.get('vx0');
  t.equal(l.id, 42);
  t.equal(l.port, 4789);
  t.equal(l.local, '198.18.0.1');
  await nl.link.add({ kind: 'vxlan', name: 'vx6', id: 45, local: '2001:db8::1', remote: '2001:db8::2' });
  const w6 = ipLink(ns, 'vx6');
  t.equal(w6.linkinfo.info_data.local6 ?? w6.linkinfo.info_data.local, '2001:db8::1');
  t.equal(w6.linkinfo.info_data.remote6 ?? w6.linkinfo.info_data.remote, '2001:db8::2');
  await t.rejects(nl.link.add({ kind: 'vxlan', name: 'vxbad', id: 1 << 24 }), RangeError);
});

t.test('ifb; list with filters; delete by group', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'ifb', name: 'ifbt' });
  t.equal(ipLink(ns, 'ifbt').linkinfo.info_kind, 'ifb');
  await nl.link.add({ kind: 'bridge', name: 'br0' });
  for (let i = 0; i < 20; i++) await nl.link.add({ kind: 'veth', name: `h${i}`, master: 'br0', group: 9, peer: { name: `p${i}` } });
  const ports = await nl.link.list({ master: 'br0' });
  t.equal(ports.length, 20, 'filter by master');
  t.same((await nl.link.list({ kind: 'ifb' })).map((l) => l.name), ['ifbt'], 'filter by kind');
  t.equal((await nl.link.list({ group: 9 })).length, 20, 'filter by group');
  const all = await nl.link.list();
  const witness = ipJson(ns, 'link');
  t.same(all.map((l) => l.ifindex).sort((a, b) => a - b), witness.map((l) => l.ifindex).sort((a, b) => a - b), 'the dump lists what ip lists');
  await nl.link.delGroup(9);
  const left = ipJson(ns, 'link').map((l) => l.ifname).sort();
  t.same(left, ['br0', 'ifbt', 'lo'], 'the group went in one request, each veth taking its peer along');
});

t.test('kinds this kernel lacks fail with a clear error, after the kernel says so', async (t) => {
  const { nl } = await sandbox(t);
  await nl.link.add({ kind: 'veth', name: 'par', peer: { name: 'parx' } });
  for (const spec of [
    { kind: 'vlan', name: 'par.10', parent: 'par', id: 10 },
    { kind: 'ipvlan', name: 'ipv0', parent: 'par', mode: 'l2' },
    { kind: 'dummy', name: 'd0' },
    { kind: 'wireguard', name: 'wg0' },
  ]) {
    const e = await nl.link.add(spec).catch((x) => x);
    t.type(e, NetlinkError, spec.kind);
    t.equal(e.code, 'EOPNOTSUPP');
    t.equal(e.message, `link.add: kernel does not support link kind '${spec.kind}' (Unknown device type) (EOPNOTSUPP)`);
  }
});

// The fallback devices a tunnel module makes in every namespace once loaded (a kernel that has these kinds).
const TUNNEL_FALLBACKS = ['tunl0', 'sit0', 'gre0', 'gretap0', 'erspan0', 'ip6tnl0', 'ip6gre0', 'ip_vti0', 'ip6_vti0'];

t.test('L3 tunnels, geneve, bond and vrf: the clear error where this kernel lacks the kind, and nothing left behind', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'veth', name: 'par', peer: { name: 'parx' } });
  const before = sysLinks(ns);
  const R4 = { remote: '198.18.0.2', local: '198.18.0.1' };
  const R6 = { remote: '2001:db8::2', local: '2001:db8::1' };
  const specs = [
    { kind: 'ipip', name: 'ipip1', ...R4, dev: 'par' },
    { kind: 'sit', name: 'sit1', ...R4, mode: 'ip6ip' },
    { kind: 'ip6tnl', name: 'ip6t1', ...R6, mode: 'ipip6' },
    { kind: 'gre', name: 'gre1', ...R4, key: 5, ttl: 64 },
    { kind: 'gretap', name: 'gt1', ...R4 },
    { kind: 'ip6gre', name: 'ip6g1', ...R6 },
    { kind: 'ip6gretap', name: 'ip6gt1', ...R6 },
    { kind: 'erspan', name: 'ers1', ...R4, key: 1, version: 1, index: 2 },
    { kind: 'vti', name: 'vti1', ...R4, key: 3 },
    { kind: 'vti6', name: 'vti61', ...R6, key: 3 },
    { kind: 'geneve', name: 'gnv1', id: 5, remote: '198.18.0.2' },
    { kind: 'bond', name: 'bond1', mode: 'active-backup', miimon: 100 },
    { kind: 'vrf', name: 'vrf1', table: 10 },
  ];
  for (const spec of specs) {
    const e = await nl.link.add(spec).then(() => undefined, (x) => x);
    if (e === undefined) {
      // A kernel that has the kind made the link: witness it and remove it.
      t.equal(ipLink(ns, spec.name)?.linkinfo?.info_kind, spec.kind, `${spec.kind}: this kernel has it, and made it`);
      await nl.link.del(spec.name);
      continue;
    }
    t.type(e, NetlinkError, spec.kind);
    t.equal(e.code, 'EOPNOTSUPP', `${spec.kind}: code`);
    t.equal(e.message, `link.add: kernel does not support link kind '${spec.kind}' (Unknown device type) (EOPNOTSUPP)`);
  }
  t.same(sysLinks(ns).filter((n) => !TUNNEL_FALLBACKS.includes(n)), before, 'nothing left behind (/sys/class/net)');
});

t.test('move a link between namespaces by handle and by pid', async (t) => {
  const { ns, nl } = await sandbox(t);
  const other = await netns.create();
  t.teardown(() => other.close());
  await nl.link.add({ kind: 'veth', name: 'm0', peer: { name: 'm1' } });
  await nl.link.set('m1', { netns: other });
  t.equal(ipLink(ns, 'm1'), undefined, 'left this namespace');
  t.equal(ipJson(other, 'link', 'show', 'm1')[0].ifname, 'm1', 'arrived in the other');
  await t.rejects(nl.link.set('m0', { netns: { pid: -5 } }), RangeError);
  const child = spawn('unshare', ['--net', 'sleep', '30'], { stdio: 'ignore' });
  t.teardown(() => child.kill('SIGKILL'));
  const self = netns.current();
  t.teardown(() => self.close());
  for (let i = 0; i < 100; i++) {
    const cns = await netns.open({ pid: child.pid });
    const switched = !cns.equals(self);
    cns.close();
    if (switched) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await nl.link.set('m0', { netns: { pid: child.pid } });
  const there = execFileSync('nsenter', ['-t', String(child.pid), '-n', 'ip', '-j', 'link', 'show', 'm0'], { encoding: 'utf8' });
  t.equal(JSON.parse(there)[0].ifname, 'm0', 'moved into the namespace of the process (IFLA_NET_NS_PID)');
});

t.test('index resolves names to ifindexes; a missing name is ENODEV', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'bridge', name: 'brz' });
  t.equal(await nl.link.index('brz'), ipLink(ns, 'brz').ifindex);
  t.equal(await nl.link.index(1), 1, 'a number is returned as is');
  await t.rejects(nl.link.index('nope'), { code: 'ENODEV', operation: 'link.index' });
  await t.rejects(nl.link.index('x'.repeat(200)), { name: 'RangeError', message: /^link\.index: link: must be 1..127 bytes/ }, 'a name longer than an altname may be fails before the kernel');
  await t.rejects(nl.link.index('x'.repeat(20)), { code: 'ENODEV' }, '16..127 bytes is looked up as an altname');
  // A master given by name is looked up the same way.
  await nl.link.add({ kind: 'veth', name: 'vz', master: 'brz', peer: { name: 'vzp' } });
  t.equal(ipLink(ns, 'vz').master, 'brz');
  await t.rejects(nl.link.add({ kind: 'veth', name: 'vy', master: 'br-missing', peer: { name: 'vyp' } }), { code: 'ENODEV', message: /master/ });
});
