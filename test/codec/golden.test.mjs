// Codec golden bytes (no privileges needed): what netloom sends for a link
// operation, compared attribute by attribute with what iproute2 6.1 sent for
// the same command (test/fixtures/iproute2/links.json, captured with strace).
// This is how kinds this kernel lacks (vlan, ipvlan, dummy, ...) are held to
// the wire format. Attribute order is free; every byte of every attribute
// must match, except the differences listed in EXPECTED, each with its reason.
// One difference is general: netloom sets NLA_F_NESTED on every nest (the
// kernel's netlink docs ask for it; strict parsers need it, legacy ones mask
// it off) where iproute2 sets it only on IFLA_PROP_LIST, so the attribute
// type's flag bits are compared separately from the type itself.
import t from 'tap';
import { createRequire } from 'node:module';
import { native, constant as k } from '../../dist/netlink/native.js';
import * as v from '../../dist/rtnl/link/pure.js';
import { compareTrees, fromHex, parseRequest } from '../helpers/nltree.mjs';

const require = createRequire(import.meta.url);
const fixtures = require('../fixtures/iproute2/links.json');

// Each fixture runs in a fresh namespace: lo=1, p0b=2, p0=3, br0=4 (v0=6, mv0=5 where made).
const add = (spec, resolved = {}) => {
  v.validateAdd(spec);
  return v.buildAddMessage(spec, resolved, k);
};
const set = (link, changes, resolved = {}) => {
  v.validateSet(link, changes);
  return v.buildSetMessage(link, changes, resolved, k);
};

const CASES = {
  'bridge-basic': () => add({ kind: 'bridge', name: 'br0x' }),
  'bridge-options': () => add({ kind: 'bridge', name: 'br1', stp: true, forwardDelay: 4, ageingTime: 300, vlanFiltering: true, multicastSnooping: false }),
  'bridge-stp-timers': () => add({ kind: 'bridge', name: 'br3', stp: true, forwardDelay: 4, ageingTime: 300 }),
  'bridge-vlan-filtering': () => add({ kind: 'bridge', name: 'br4', vlanFiltering: true }),
  'bridge-mcast-snooping-off': () => add({ kind: 'bridge', name: 'br5', multicastSnooping: false }),
  'bridge-add-up': () => add({ kind: 'bridge', name: 'br2', up: true }),
  'veth-basic': () => add({ kind: 'veth', name: 'v0', peer: { name: 'v1' } }),
  'veth-mtu-address': () => add({ kind: 'veth', name: 'v2', mtu: 1400, mac: '02:00:00:00:00:02', peer: { name: 'v3', mtu: 1400, mac: '02:00:00:00:00:03' } }),
  'veth-peer-netns-pid': () => add({ kind: 'veth', name: 'v4', peer: { name: 'v5', netns: { pid: 1 } } }),
  'veth-queues': () => add({ kind: 'veth', name: 'v6', txqlen: 100, numTxQueues: 2, numRxQueues: 2, peer: { name: 'v7' } }),
  'veth-master': () => add({ kind: 'veth', name: 'v8', master: 'br0', peer: { name: 'v9' } }, { master: 4 }),
  'macvlan-bridge': () => add({ kind: 'macvlan', name: 'mv0', parent: 'p0', mode: 'bridge' }, { parent: 3 }),
  'macvlan-private': () => add({ kind: 'macvlan', name: 'mv0', parent: 'p0', mode: 'private' }, { parent: 3 }),
  'macvlan-vepa': () => add({ kind: 'macvlan', name: 'mv0', parent: 'p0', mode: 'vepa' }, { parent: 3 }),
  'macvlan-passthru': () => add({ kind: 'macvlan', name: 'mv0', parent: 'p0', mode: 'passthru' }, { parent: 3 }),
  'macvlan-source': () => add({ kind: 'macvlan', name: 'mv0', parent: 'p0', mode: 'source' }, { parent: 3 }),
  'macvlan-address': () => add({ kind: 'macvlan', name: 'mv1', parent: 'p0', mac: '02:00:00:00:00:30', mode: 'bridge' }, { parent: 3 }),
  'macvtap-bridge': () => add({ kind: 'macvtap', name: 'mvt0', parent: 'p0', mode: 'bridge' }, { parent: 3 }),
  'vxlan-basic': () => add({ kind: 'vxlan', name: 'vx0', id: 42, port: 4789, local: '198.18.0.1', dev: 'p0' }, { dev: 3 }),
  'vxlan-remote-ttl-nolearning': () => add({ kind: 'vxlan', name: 'vx1', id: 43, port: 4789, remote: '198.18.0.2', ttl: 64, learning: false }),
  'vxlan-group': () => add({ kind: 'vxlan', name: 'vx2', id: 44, multicastGroup: '239.1.1.1', dev: 'p0', port: 8472 }, { dev: 3 }),
  'vxlan-ipv6': () => add({ kind: 'vxlan', name: 'vx3', id: 45, port: 4789, local: '2001:db8::1', remote: '2001:db8::2' }),
  'vlan-basic': () => add({ kind: 'vlan', name: 'p0.10', parent: 'p0', id: 10 }, { parent: 3 }),
  'vlan-8021ad': () => add({ kind: 'vlan', name: 'p0.20', parent: 'p0', id: 20, protocol: '802.1ad' }, { parent: 3 }),
  'ipvlan-l2': () => add({ kind: 'ipvlan', name: 'ipv0', parent: 'p0', mode: 'l2' }, { parent: 3 }),
  'ipvlan-l3': () => add({ kind: 'ipvlan', name: 'ipv0', parent: 'p0', mode: 'l3' }, { parent: 3 }),
  'ipvlan-l3s': () => add({ kind: 'ipvlan', name: 'ipv0', parent: 'p0', mode: 'l3s' }, { parent: 3 }),
  'ipvlan-l2-private': () => add({ kind: 'ipvlan', name: 'ipv0', parent: 'p0', mode: 'l2', flags: 'private' }, { parent: 3 }),
  'ifb-basic': () => add({ kind: 'ifb', name: 'ifbx' }),
  'dummy-basic': () => add({ kind: 'dummy', name: 'd0' }),
  'wireguard-basic': () => add({ kind: 'wireguard', name: 'wg0' }),
  'gre-basic': () => add({ kind: 'gre', name: 'gre1', remote: '198.18.0.2', local: '198.18.0.1', ttl: 64 }),
  'gre-key-dev': () => add({ kind: 'gre', name: 'gre2', remote: '198.18.0.2', local: '198.18.0.1', key: 42, ttl: 64, tos: 0x10, dev: 'p0' }, { dev: 3 }),
  'gre-ikey-okey-csum-seq': () => add({ kind: 'gre', name: 'gre3', remote: '198.18.0.2', local: '198.18.0.1', ikey: 1, okey: 2, csum: true, seq: true, pmtudisc: false, fwmark: 7 }),
  'gre-encap-fou': () => add({ kind: 'gre', name: 'gre4', remote: '198.18.0.2', local: '198.18.0.1', encap: { type: 'fou', sport: 'auto', dport: 5555, csum: true } }),
  'gre-external': () => add({ kind: 'gre', name: 'gre5', external: true }),
  'gretap-basic': () => add({ kind: 'gretap', name: 'gt0', remote: '198.18.0.2', local: '198.18.0.1' }),
  'gretap-key': () => add({ kind: 'gretap', name: 'gt1', remote: '198.18.0.2', local: '198.18.0.1', key: 9, ignoreDf: true, pmtudisc: false }),
  'ip6gre-basic': () => add({ kind: 'ip6gre', name: 'ip6gre1', remote: '2001:db8::2', local: '2001:db8::1' }),
  'ip6gretap-key-hoplimit': () => add({ kind: 'ip6gretap', name: 'ip6gt1', remote: '2001:db8::2', local: '2001:db8::1', key: 7, ttl: 64, encapLimit: 'none' }),
  'erspan-v1': () => add({ kind: 'erspan', name: 'ers1', remote: '198.18.0.2', local: '198.18.0.1', key: 10, version: 1, index: 123 }),
  'erspan-v2': () => add({ kind: 'erspan', name: 'ers2', remote: '198.18.0.2', local: '198.18.0.1', key: 11, version: 2, direction: 'egress', hwid: 7 }),
  'ipip-basic': () => add({ kind: 'ipip', name: 'ipip0', remote: '198.18.0.2', local: '198.18.0.1' }),
  'ipip-ttl-dev': () => add({ kind: 'ipip', name: 'ipip1', remote: '198.18.0.2', local: '198.18.0.1', ttl: 64, tos: 'inherit', dev: 'p0' }, { dev: 3 }),
  'ipip-local-only': () => add({ kind: 'ipip', name: 'ipip2', local: '198.18.0.1' }),
  'sit-basic': () => add({ kind: 'sit', name: 'sit1', remote: '198.18.0.2', local: '198.18.0.1', ttl: 64 }),
  'sit-any': () => add({ kind: 'sit', name: 'sit2', mode: 'any', remote: '198.18.0.2', local: '198.18.0.1' }),
  'ip6tnl-basic': () => add({ kind: 'ip6tnl', name: 'ip6t0', remote: '2001:db8::2', local: '2001:db8::1' }),
  'ip6tnl-ip6ip6': () => add({ kind: 'ip6tnl', name: 'ip6t1', mode: 'ip6ip6', remote: '2001:db8::2', local: '2001:db8::1' }),
  'ip6tnl-ipip6': () => add({ kind: 'ip6tnl', name: 'ip6t2', mode: 'ipip6', remote: '2001:db8::2', local: '2001:db8::1', ttl: 64, encapLimit: 4, flowLabel: 0x12345, dev: 'p0' }, { dev: 3 }),
  'ip6tnl-any-inherit': () => add({ kind: 'ip6tnl', name: 'ip6t3', mode: 'any', remote: '2001:db8::2', encapLimit: 'none', flowLabel: 'inherit' }),
  'vti-keys': () => add({ kind: 'vti', name: 'vti1', remote: '198.18.0.2', local: '198.18.0.1', ikey: 5, okey: 6 }),
  'vti6-key': () => add({ kind: 'vti6', name: 'vti61', remote: '2001:db8::2', local: '2001:db8::1', key: 7, fwmark: 3 }),
  'geneve-basic': () => add({ kind: 'geneve', name: 'gnv0', id: 5, remote: '198.18.0.2' }),
  'geneve-dstport-ttl': () => add({ kind: 'geneve', name: 'gnv1', id: 6, remote: '198.18.0.2', port: 6081, ttl: 64, tos: 0x10 }),
  'geneve-ipv6': () => add({ kind: 'geneve', name: 'gnv2', id: 7, remote: '2001:db8::2', port: 6082, label: 5, udpZeroCsum6Rx: false }),
  'geneve-external': () => add({ kind: 'geneve', name: 'gnv3', external: true }),
  'bond-basic': () => add({ kind: 'bond', name: 'bond0', mode: 'active-backup', miimon: 100 }),
  'bond-lacp': () => add({ kind: 'bond', name: 'bond1', mode: '802.3ad', miimon: 100, lacpRate: 'fast', xmitHashPolicy: 'layer3+4', minLinks: 1, adSelect: 'bandwidth', updelay: 200, downdelay: 200 }),
  'bond-primary': () => add({ kind: 'bond', name: 'bond2', mode: 'active-backup', miimon: 50, primary: 'p0' }, { primary: 3 }),
  'vrf-basic': () => add({ kind: 'vrf', name: 'vrf0', table: 10 }),
  'vrf-table-100': () => add({ kind: 'vrf', name: 'vrf1', table: 100 }),
  'set-up': () => set(3, { up: true }),
  'set-down': () => set(3, { up: false }),
  'set-mtu': () => set(3, { mtu: 1400 }),
  'set-address': () => set(3, { mac: '02:00:00:00:00:10' }),
  'set-master': () => set(3, { master: 'br0' }, { master: 4 }),
  'set-nomaster': () => set(3, { master: null }),
  'set-alias': () => set(3, { alias: 'hello' }),
  'set-txqueuelen': () => set(3, { txqlen: 500 }),
  'set-promisc-on': () => set(3, { promisc: true }),
  'set-promisc-off': () => set(3, { promisc: false }),
  'set-arp-off': () => set(3, { arp: false }),
  'set-name': () => set(3, { name: 'p0new' }),
  'set-group': () => set(3, { group: 7 }),
  // The kernel lacks bond and vrf here, so the capture enslaves p0 to a bridge named bond0 / vrf0 (ifindex 5):
  // `ip link set PORT master X` is IFLA_MASTER alone, whatever the master's kind.
  'set-bond-port-master': () => set(3, { master: 'bond0' }, { master: 5 }),
  'set-vrf-port-master': () => set(3, { master: 'vrf0' }, { master: 5 }),
  'set-netns-pid': () => set(2, { netns: { pid: 1 } }),
  'set-multi': () => set(3, { up: true, mtu: 1400, txqlen: 500 }),
  'set-addrgenmode': () => set(3, { addrGenMode: 'none' }),
  'set-bridge-options': () => set(4, { kind: 'bridge', stp: true, forwardDelay: 4 }),
  'set-bridge-slave': () => set(3, { bridgePort: { cost: 10, learning: false } }),
  'set-bond-slave': () => set(3, { bondPort: { queueId: 1 } }),
  'set-macvlan-macaddr': () => set(5, { kind: 'macvlan', sourceMacs: ['02:00:00:00:00:20', '02:00:00:00:00:21'] }),
  'del-basic': () => v.buildDelMessage(6, k),
  'del-group': () => v.buildDelGroupMessage(7, k),
};

// Fixtures netloom has no friendly form for (yet): each with why.
const NOT_COVERED = {
  'set-name-back': 'the same request as set-name',
  'set-xdp-off': 'XDP programs are out of scope for the link API',
  'property-add-altname': 'RTM_NEWLINKPROP (altnames) is not in the link API yet',
};

// Differences that are deliberate, each the kernel treats the same way.
const EXPECTED = {
  'vxlan-basic': ['RTM_NEWLINK(16)/IFLA_LINKINFO(18)/IFLA_INFO_DATA(2)/IFLA_VXLAN_LEARNING(7): only in b (1 bytes: 01)'],
  'vxlan-group': ['RTM_NEWLINK(16)/IFLA_LINKINFO(18)/IFLA_INFO_DATA(2)/IFLA_VXLAN_LEARNING(7): only in b (1 bytes: 01)'],
  'vxlan-ipv6': ['RTM_NEWLINK(16)/IFLA_LINKINFO(18)/IFLA_INFO_DATA(2)/IFLA_VXLAN_LEARNING(7): only in b (1 bytes: 01)'],
  // ^ ip states learning=1, the kernel default (vxlan_nl2conf sets VXLAN_F_LEARN when absent); netloom sends only what was asked.
  'ipvlan-l2': ['RTM_NEWLINK(16)/IFLA_LINKINFO(18)/IFLA_INFO_DATA(2)/IFLA_IPVLAN_FLAGS(2): only in b (2 bytes: 0000)'],
  'ipvlan-l3': ['RTM_NEWLINK(16)/IFLA_LINKINFO(18)/IFLA_INFO_DATA(2)/IFLA_IPVLAN_FLAGS(2): only in b (2 bytes: 0000)'],
  'ipvlan-l3s': ['RTM_NEWLINK(16)/IFLA_LINKINFO(18)/IFLA_INFO_DATA(2)/IFLA_IPVLAN_FLAGS(2): only in b (2 bytes: 0000)'],
  // ^ ip states flags=0, the kernel default.
  'set-bridge-slave': [
    'RTM_NEWLINK(16)/IFLA_LINKINFO(18)/IFLA_INFO_KIND(1): only in b (12 bytes: 6272696467655f736c617665 "bridge_slave")',
    'RTM_NEWLINK(16)/IFLA_LINKINFO(18)/IFLA_INFO_SLAVE_KIND(4): only in a (7 bytes: 62726964676500 "bridge")',
  ],
  // ^ the kernel applies IFLA_INFO_SLAVE_DATA with the master's ops whatever the kind says; netloom names the
  //   port kind the way the kernel reports it (IFLA_INFO_SLAVE_KIND "bridge"). Proven on the kernel in link.test.mjs.
  'set-bond-slave': [
    'RTM_NEWLINK(16)/IFLA_LINKINFO(18)/IFLA_INFO_KIND(1): only in b (10 bytes: 626f6e645f736c617665 "bond_slave")',
    'RTM_NEWLINK(16)/IFLA_LINKINFO(18)/IFLA_INFO_SLAVE_KIND(4): only in a (5 bytes: 626f6e6400 "bond")',
  ],
  // ^ the same for a bond port: IFLA_INFO_SLAVE_DATA { IFLA_BOND_SLAVE_QUEUE_ID 1 } is byte for byte ip's.
};

// iproute2 sends IFLA_INFO_KIND and IFLA_IFALIAS without the NUL; netloom
// NUL-terminates every string (safe for NLA_STRING and NLA_NUL_STRING alike).
const NUL_OPTIONAL = /IFLA_INFO_KIND\(1\)|IFLA_IFALIAS\(20\)|IFLA_INFO_SLAVE_KIND\(4\)/;
function normalize(diffs) {
  return diffs.filter((d) => {
    const m = /: payload differs: a=([0-9a-f]*) b=([0-9a-f]*)$/.exec(d);
    return !(m && NUL_OPTIONAL.test(d) && (m[1] === `${m[2]}00` || m[2] === `${m[1]}00`));
  });
}

const REQUEST_ACK = k('NLM_F_REQUEST') | k('NLM_F_ACK');

t.test('every fixture is either compared or listed as not covered', async (t) => {
  for (const f of fixtures) t.ok(CASES[f.name] || NOT_COVERED[f.name], f.name);
});

for (const f of fixtures) {
  const make = CASES[f.name];
  if (!make) continue;
  t.test(`${f.name}: ip ${f.argv.join(' ')}`, async (t) => {
    const r = make();
    // What RtnlSocket.request puts on the wire: the builder's flags plus REQUEST|ACK.
    const ours = native.encode(r.type, r.flags | REQUEST_ACK, r.msg);
    const theirs = fromHex(f.hex);
    const diffs = normalize(compareTrees(parseRequest(ours), parseRequest(theirs), { ignoreAttrFlags: true }));
    t.same(diffs, EXPECTED[f.name] ?? [], f.kernelAccepted ? 'same request as iproute2' : `same request as iproute2 (this kernel refuses it: ${f.kernelError ?? 'no support'})`);
  });
}

t.test('decoding iproute2 requests and encoding them again gives the same bytes', async (t) => {
  for (const f of fixtures) {
    const theirs = fromHex(f.hex);
    const [m] = native.decode(theirs);
    t.equal(m.type, theirs.readUInt16LE(4), `${f.name}: type`);
    const again = native.encode(m.type, m.flags, { header: m.header, attrs: m.attrs });
    const diffs = normalize(compareTrees(parseRequest(again), parseRequest(theirs), { ignoreAttrFlags: true }));
    t.same(diffs, [], `${f.name}: round trip`);
  }
});

t.test('every nest netloom encodes carries NLA_F_NESTED', async (t) => {
  const nests = (nodes) => nodes.flatMap((n) => (n.children ? [n, ...nests(n.children)] : []));
  for (const f of fixtures) {
    const make = CASES[f.name];
    if (!make) continue;
    const r = make();
    const tree = parseRequest(native.encode(r.type, r.flags, r.msg));
    for (const n of nests(tree.attrs)) t.ok((n.flags & 0x8000) !== 0, `${f.name}: nest ${n.type} has NLA_F_NESTED`);
  }
});

t.test('the decoder never throws and never reads past the buffer, on truncated and corrupted input', async (t) => {
  let decoded = 0;
  for (const f of fixtures) {
    const full = fromHex(f.hex);
    for (let cut = 0; cut <= full.length; cut += 3) {
      native.decode(full.subarray(0, cut));
      decoded++;
    }
    const bad = Buffer.from(full);
    for (let i = 16; i < bad.length; i += 7) bad[i] ^= 0xa5;
    native.decode(bad);
    decoded++;
  }
  t.ok(decoded > 1000, `${decoded} damaged messages decoded without a crash`);
});
