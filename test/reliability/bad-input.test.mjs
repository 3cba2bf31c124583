// The bad-input table: wrong calls through the public API, on the real
// kernel, each with the exact error expected (its class, errno code for
// kernel failures, and message), and after each a check that nothing was
// left half made: the namespace's links, addresses, routes and neighbours,
// read by iproute2, are exactly what they were before the call.
//
// Input that is wrong in itself fails before the kernel (TypeError or
// RangeError naming the field); what only the kernel can judge fails as a
// NetlinkError with the kernel's errno and extended ACK text.
import t from 'tap';
import { Tun, netns } from '../../dist/index.js';
import { ipJson, sandbox } from '../helpers/sandbox.mjs';

// [what is wrong, the call, 'Class[ CODE]: message']
const CASES = [
  ['link name 16 bytes', ({ nl }) => nl.link.add({ kind: 'bridge', name: 'abcdefghijklmnop' }), "RangeError: link.add: name: must be 1..15 bytes, got 16 ('abcdefghijklmnop')"],
  ['link name with /', ({ nl }) => nl.link.add({ kind: 'bridge', name: 'br/0' }), "RangeError: link.add: name: must not contain '/', ':', whitespace or NUL, got 'br/0'"],
  ['link name with space', ({ nl }) => nl.link.add({ kind: 'bridge', name: 'br 0' }), "RangeError: link.add: name: must not contain '/', ':', whitespace or NUL, got 'br 0'"],
  ['link name empty', ({ nl }) => nl.link.add({ kind: 'bridge', name: '' }), "RangeError: link.add: name: must be 1..15 bytes, got 0 ('')"],
  ['link name ..', ({ nl }) => nl.link.add({ kind: 'bridge', name: '..' }), "RangeError: link.add: name: must not be '.' or '..'"],
  ['link name not a string', ({ nl }) => nl.link.add({ kind: 'bridge', name: 7 }), "TypeError: link.add: name: must be a string, got 7"],
  ['bad MAC text', ({ nl }) => nl.link.add({ kind: 'bridge', name: 'brx', mac: 'zz:00:00:00:00:01' }), "TypeError: link.add: mac: not a MAC address: 'zz:00:00:00:00:01'"],
  ['MAC with 5 octets', ({ nl }) => nl.link.add({ kind: 'bridge', name: 'brx', mac: '02:00:00:00:01' }), "TypeError: link.add: mac: not a MAC address: '02:00:00:00:01'"],
  ['mtu -1', ({ nl }) => nl.link.add({ kind: 'bridge', name: 'brx', mtu: -1 }), "RangeError: link.add: mtu: must be an integer 68..65535, got -1"],
  ['mtu 1.5', ({ nl }) => nl.link.add({ kind: 'bridge', name: 'brx', mtu: 1.5 }), "RangeError: link.add: mtu: must be an integer 68..65535, got 1.5"],
  ['mtu 2^32', ({ nl }) => nl.link.add({ kind: 'bridge', name: 'brx', mtu: 2 ** 32 }), "RangeError: link.add: mtu: must be an integer 68..65535, got 4294967296"],
  ['veth mtu below the minimum', ({ nl }) => nl.link.add({ kind: 'veth', name: 'vx0', mtu: 10, peer: { name: 'vx1' } }), "RangeError: link.add: mtu: must be an integer 68..65535, got 10"],
  ['veth mtu above the maximum', ({ nl }) => nl.link.set('a0', { mtu: 70000 }), "NetlinkError EINVAL: link.set: mtu greater than device maximum (EINVAL)"],
  ['unknown kind', ({ nl }) => nl.link.add({ kind: 'nosuchkind', name: 'x0' }), "NetlinkError EOPNOTSUPP: link.add: kernel does not support link kind 'nosuchkind' (Unknown device type) (EOPNOTSUPP)"],
  ['kind the kernel lacks (vlan)', ({ nl }) => nl.link.add({ kind: 'vlan', name: 'a0.10', parent: 'a0', id: 10 }), "NetlinkError EOPNOTSUPP: link.add: kernel does not support link kind 'vlan' (Unknown device type) (EOPNOTSUPP)"],
  ['kind the kernel lacks (dummy)', ({ nl }) => nl.link.add({ kind: 'dummy', name: 'd0' }), "NetlinkError EOPNOTSUPP: link.add: kernel does not support link kind 'dummy' (Unknown device type) (EOPNOTSUPP)"],
  ['unknown option', ({ nl }) => nl.link.add({ kind: 'bridge', name: 'brx', mtuu: 1500 }), "TypeError: link.add: mtuu: unknown option for kind 'bridge'"],
  ['spec not an object', ({ nl }) => nl.link.add(null), "TypeError: link.add: spec: must be an object, got null"],
  ['name taken', ({ nl }) => nl.link.add({ kind: 'bridge', name: 'br0' }), "NetlinkError EEXIST: link.add: already exists (EEXIST)"],
  ['veth peer named like its twin', ({ nl }) => nl.link.add({ kind: 'veth', name: 'tw0', peer: { name: 'tw0' } }), "RangeError: link.add: peer.name: must differ from the link's name 'tw0' when both ends are in the same namespace"],
  ['veth peer name taken', ({ nl }) => nl.link.add({ kind: 'veth', name: 'tw0', peer: { name: 'a0' } }), "NetlinkError EEXIST: link.add: already exists (EEXIST)"],
  ['enslave a bridge to itself', ({ nl }) => nl.link.set('br0', { master: 'br0' }), "NetlinkError ELOOP: link.set: Can not enslave a bridge to a bridge (ELOOP)"],
  ['master that does not exist', ({ nl }) => nl.link.set('a0', { master: 'nosuch' }), "NetlinkError ENODEV: link.set: master: no such device 'nosuch' (ENODEV)"],
  ['master that is not a bridge', ({ nl }) => nl.link.set('a0', { master: 'b1' }), "NetlinkError EOPNOTSUPP: link.set: operation not supported (EOPNOTSUPP)"],
  ['move into a closed namespace', ({ nl, closedNs }) => nl.link.set('a0', { netns: closedNs }), "NetlinkError EBADF: netns: namespace handle anonymous is closed (EBADF)"],
  ['create a peer in a closed namespace', ({ nl, closedNs }) => nl.link.add({ kind: 'veth', name: 'cz0', peer: { name: 'cz1', netns: closedNs } }), "NetlinkError EBADF: netns: namespace handle anonymous is closed (EBADF)"],
  ['delete a link that does not exist', ({ nl }) => nl.link.del('nosuch'), "NetlinkError ENODEV: link.del: no such device (ENODEV)"],
  ['delete ifindex 0', ({ nl }) => nl.link.del(0), "RangeError: link.del: link: must be an integer 1..2147483647, got 0"],
  ['delete the default group 0', ({ nl }) => nl.link.delGroup(0), "RangeError: link.delGroup: group: must be an integer 1..4294967295, got 0"],
  ['rename to a taken name', ({ nl }) => nl.link.set('a0', { name: 'br0' }), "NetlinkError EEXIST: link.set: already exists (EEXIST)"],
  ['alias longer than IFALIASZ', ({ nl }) => nl.link.set('a0', { alias: 'x'.repeat(300) }), "RangeError: link.set: alias: must be at most 254 bytes, got 300"],
  ['txqueuelen negative', ({ nl }) => nl.link.set('a0', { txqlen: -1 }), "RangeError: link.set: txqlen: must be an integer 0..4294967295, got -1"],
  ['macvlan without a parent', ({ nl }) => nl.link.add({ kind: 'macvlan', name: 'mv0', mode: 'bridge' }), "TypeError: link.add: parent: is required"],
  ['macvlan with a bad mode', ({ nl }) => nl.link.add({ kind: 'macvlan', name: 'mv0', parent: 'a0', mode: 'sideways' }), "RangeError: link.add: mode: must be one of 'private', 'vepa', 'bridge', 'passthru', 'source', got 'sideways'"],
  ['macvlan on a parent that does not exist', ({ nl }) => nl.link.add({ kind: 'macvlan', name: 'mv0', parent: 'nosuch', mode: 'bridge' }), "NetlinkError ENODEV: link.add: parent: no such device 'nosuch' (ENODEV)"],
  ['vxlan id out of range', ({ nl }) => nl.link.add({ kind: 'vxlan', name: 'vx0', id: 2 ** 24, port: 4789 }), "RangeError: link.add: id: must be an integer 0..16777215, got 16777216"],
  ['vxlan port out of range', ({ nl }) => nl.link.add({ kind: 'vxlan', name: 'vx0', id: 1, port: 70000 }), "RangeError: link.add: port: must be an integer 1..65535, got 70000"],
  ['vxlan local not an address', ({ nl }) => nl.link.add({ kind: 'vxlan', name: 'vx0', id: 1, port: 4789, local: 'here' }), "TypeError: link.add: local: not an IP address: 'here'"],
  ['bridge option of the wrong type', ({ nl }) => nl.link.add({ kind: 'bridge', name: 'brx', stp: 'on' }), "TypeError: link.add: stp: must be a boolean, got 'on'"],
  ['addr: prefix length 33', ({ nl }) => nl.addr.add('a0', '198.18.0.1/33'), "RangeError: addr.add: cidr: prefix length must be 0..32, got '33' in '198.18.0.1/33'"],
  ['addr: octet 300', ({ nl }) => nl.addr.add('a0', '300.18.0.1/24'), "TypeError: addr.add: cidr: not an IP address: '300.18.0.1/24'"],
  ['addr: no such device', ({ nl }) => nl.addr.add('nosuch', '198.18.0.9/24'), "NetlinkError ENODEV: addr.add: dev: no link 'nosuch' (ENODEV)"],
  ['addr: already there', ({ nl }) => nl.addr.add('a1', '198.18.0.1/24'), "NetlinkError EEXIST: addr.add: ipv4: Address already assigned (EEXIST)"],
  ['addr: delete one not there', ({ nl }) => nl.addr.del('a0', '198.18.0.99/24'), "NetlinkError EADDRNOTAVAIL: addr.del: ipv4: Address not found (EADDRNOTAVAIL)"],
  ['addr: peer of another family', ({ nl }) => nl.addr.add('a0', '198.18.0.9/32', { peer: '2001:db8::9' }), "TypeError: addr.add: peer: family differs from the address"],
  ['addr: label not starting with the device name', ({ nl }) => nl.addr.add('a0', '198.18.0.9/24', { label: 'other' }), "TypeError: addr.add: label: must be 'a0' or start with 'a0:', got 'other'"],
  ['addr: preferred lifetime above valid', ({ nl }) => nl.addr.add('a0', '198.18.0.9/24', { preferredLft: 100, validLft: 10 }), "RangeError: addr.add: preferredLft: must not exceed validLft"],
  ['route: gateway not reachable', ({ nl }) => nl.route.add({ dst: '198.18.50.0/24', via: '198.18.99.1' }), "NetlinkError ENETUNREACH: route.add: Nexthop has invalid gateway (ENETUNREACH)"],
  ['route: via of another family', ({ nl }) => nl.route.add({ dst: '2001:db8:50::/64', via: '198.18.0.2' }), "TypeError: route.add: via: '198.18.0.2' is IPv4 but the route is IPv6"],
  ['route: IPv6 gateway unreachable for an IPv4 route (RTA_VIA)', ({ nl }) => nl.route.add({ dst: '198.18.50.0/24', via: '2001:db8::1' }), 'NetlinkError EHOSTUNREACH: route.add: EHOSTUNREACH (EHOSTUNREACH)'],
  ['route: prefix length 40', ({ nl }) => nl.route.add({ dst: '198.18.50.0/40', via: '198.18.0.2' }), "RangeError: route.add: dst: prefix length must be 0..32, got '40' in '198.18.50.0/40'"],
  ['route: already there', async ({ nl }) => nl.route.add({ dst: '198.18.60.0/24', via: '198.18.0.2' }), "NetlinkError EEXIST: route.add: already exists (EEXIST)"],
  ['route: delete one not there', ({ nl }) => nl.route.del({ dst: '198.18.61.0/24' }), "NetlinkError ESRCH: route.del: not found (ESRCH)"],
  ['route: table 0', ({ nl }) => nl.route.add({ dst: '198.18.50.0/24', via: '198.18.0.2', table: 0 }), "RangeError: route.add: table: must be an integer 1..4294967295, got 0"],
  ['route: metric -1', ({ nl }) => nl.route.add({ dst: '198.18.50.0/24', via: '198.18.0.2', metric: -1 }), "RangeError: route.add: metric: must be an integer 0..4294967295, got -1"],
  ['route: empty nexthops', ({ nl }) => nl.route.add({ dst: '198.18.50.0/24', nexthops: [] }), "TypeError: route.add: nexthops: must be a non-empty array"],
  ['route: dev that does not exist', ({ nl }) => nl.route.add({ dst: '198.18.50.0/24', dev: 'nosuch' }), "NetlinkError ENODEV: route.add: dev: no link 'nosuch' (ENODEV)"],
  ['route: unknown type', ({ nl }) => nl.route.add({ dst: '198.18.50.0/24', type: 'wormhole' }), "TypeError: route.add: type: must be one of unspec, unicast, local, broadcast, anycast, multicast, blackhole, unreachable, prohibit, throw, nat or a number, got 'wormhole'"],
  ['neigh: bad lladdr', ({ nl }) => nl.neigh.add({ dst: '198.18.0.7', lladdr: '02:00:00:00:00', dev: 'a0' }), "TypeError: neigh.add: lladdr: not a MAC address: '02:00:00:00:00'"],
  ['neigh: dst not an address', ({ nl }) => nl.neigh.add({ dst: 'gateway', lladdr: '02:00:00:00:00:07', dev: 'a0' }), "TypeError: neigh.add: dst: not an IP address: 'gateway'"],
  ['neigh: unknown state', ({ nl }) => nl.neigh.add({ dst: '198.18.0.7', lladdr: '02:00:00:00:00:07', dev: 'a0', state: 'happy' }), "TypeError: neigh.add: state: must be one of incomplete, reachable, stale, delay, probe, failed, noarp, permanent, none, got 'happy'"],
  ['neigh: delete one not there', ({ nl }) => nl.neigh.del({ dst: '198.18.0.77', dev: 'a0' }), "NetlinkError ENOENT: neigh.del: no such object (ENOENT)"],
  ['fdb: bad MAC', ({ nl }) => nl.fdb.add({ lladdr: '02:00:00:00:00:0g', dev: 'a0', master: true }), "TypeError: fdb.add: lladdr: not a MAC address: '02:00:00:00:00:0g'"],
  ['fdb: master entry on a link that is no bridge port', ({ nl }) => nl.fdb.add({ lladdr: '02:00:00:00:00:09', dev: 'b1', master: true }), "NetlinkError EOPNOTSUPP: fdb.add: operation not supported (EOPNOTSUPP)"],
  ['rule: table name unknown', ({ nl }) => nl.rule.add({ from: '198.18.0.0/24', table: 'special' }), "TypeError: rule.add: table: must be a number or one of main, local, default, got 'special'"],
  ['rule: priority above u32', ({ nl }) => nl.rule.add({ from: '198.18.0.0/24', table: 100, priority: 2 ** 32 }), "RangeError: rule.add: priority: must be 0..4294967295, got 4294967296"],
  ['sysctl: not a net.* name', ({ ns }) => ns.sysctl.set('kernel.hostname', 'x'), "TypeError: sysctl.set: name: not a network sysctl (net.*): 'kernel.hostname'"],
  ['sysctl: .. in the name', ({ ns }) => ns.sysctl.get('net/../kernel/hostname'), "TypeError: sysctl.get: name: not a network sysctl (net.*): 'net/../kernel/hostname'"],
  ['sysctl: one that does not exist', ({ ns }) => ns.sysctl.get('net.ipv4.no_such_knob'), "NetlinkError ENOENT: sysctl.get net.ipv4.no_such_knob: open: no such object (ENOENT)"],
  ['sysctl: a bad value', ({ ns }) => ns.sysctl.set('net.ipv4.ip_forward', 'yes please'), "NetlinkError EINVAL: sysctl.set net.ipv4.ip_forward: write: invalid argument (EINVAL)"],
  ['tun: write an oversized packet', ({ tun }) => tun.write(Buffer.alloc(70000)), "RangeError: tun.write: packet: 70000 bytes is more than a tun device carries (65597)"],
  ['tun: write an empty packet', ({ tun }) => tun.write(Buffer.alloc(0)), "RangeError: tun.write: packet: 0 bytes is shorter than the smallest packet (1)"],
  ['tun: write a string', ({ tun }) => tun.write('hello'), "TypeError: tun.write: packet: must be a Buffer or Uint8Array"],
  ['tun: name too long', ({ ns }) => Tun.open({ netns: ns, name: 'x'.repeat(16) }), "RangeError: tun.open: name: must be 1..15 bytes, got 16 ('xxxxxxxxxxxxxxxx')"],
  ['tun: unknown mode', ({ ns }) => Tun.open({ netns: ns, mode: 'tup' }), "TypeError: tun.open: mode: must be 'tun' or 'tap', got 'tup'"],
  ['tun: in a closed namespace', ({ closedNs }) => Tun.open({ netns: closedNs }), "NetlinkError EBADF: netns: namespace handle anonymous is closed (EBADF)"],
  ['tun: the name of a bridge', ({ ns }) => Tun.open({ netns: ns, name: 'br0' }), "NetlinkError EINVAL: tun.open: ioctl(TUNSETIFF): invalid argument (EINVAL)"],
  ['tap: the name of a tun device', ({ ns }) => Tun.open({ netns: ns, name: 'tun0', mode: 'tap' }), "NetlinkError EINVAL: tun.open: ioctl(TUNSETIFF): invalid argument (EINVAL)"],
];

// What iproute2 sees in the namespace: the part a failed call must not change.
function state(ns) {
  const links = ipJson(ns, '-d', 'link', 'show').map((l) => `${l.ifname} ${l.link_type} ${l.master ?? '-'} ${l.mtu} ${l.flags.join(',')}`);
  const addrs = ipJson(ns, 'addr', 'show').flatMap((l) => l.addr_info.map((a) => `${l.ifname} ${a.local}/${a.prefixlen} ${a.label ?? ''}`));
  const routes = ipJson(ns, 'route', 'show', 'table', 'all').map((r) => `${r.dst} ${r.gateway ?? ''} ${r.dev ?? ''} ${r.table ?? ''}`);
  const neigh = ipJson(ns, 'neigh', 'show').map((n) => `${n.dst} ${n.dev} ${n.lladdr ?? ''} ${n.state.join(',')}`);
  const rules = ipJson(ns, 'rule', 'show').map((r) => `${r.priority} ${r.src ?? ''} ${r.table}`);
  return { links: links.sort(), addrs: addrs.sort(), routes: routes.sort(), neigh: neigh.sort(), rules };
}

t.test(`${CASES.length} wrong calls fail exactly as expected and leave nothing half made`, async (t) => {
  const { ns, nl } = await sandbox(t, { lo: true });
  // No IPv6 link-local addresses: they appear in their own time and would
  // show as changes that no call made.
  await ns.sysctl.set('net.ipv6.conf.all.disable_ipv6', 1);
  await ns.sysctl.set('net.ipv6.conf.default.disable_ipv6', 1);
  await nl.link.add({ kind: 'bridge', name: 'br0' });
  await nl.link.add({ kind: 'veth', name: 'a0', up: true, peer: { name: 'b0', up: true }, master: 'br0' });
  await nl.link.add({ kind: 'veth', name: 'a1', up: true, peer: { name: 'b1', up: true } });
  await nl.addr.add('a1', '198.18.0.1/24');
  await nl.route.add({ dst: '198.18.60.0/24', via: '198.18.0.2' });
  // A namespace handle already closed: operations naming it must fail before the kernel.
  const closedNs = await netns.create();
  closedNs.close();
  // A tun device to write to (and whose name is taken).
  const tun = await Tun.open({ netns: ns, name: 'tun0' });
  t.teardown(() => tun.close());
  await nl.link.set('tun0', { up: true });
  const before = state(ns);
  t.ok(CASES.length >= 50, `${CASES.length} cases`);
  for (const [what, call, expected] of CASES) {
    let got = 'no error';
    try {
      await call({ nl, ns, closedNs, tun });
    } catch (e) {
      got = `${e.constructor.name}${e.code ? ` ${e.code}` : ''}: ${e.message}`;
    }
    t.equal(got, expected, what);
    t.same(state(ns), before, `${what}: nothing changed`);
  }
});
