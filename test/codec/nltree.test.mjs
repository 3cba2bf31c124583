// Tests for test/helpers/nltree.mjs against the iproute2 golden fixtures in
// test/fixtures/iproute2/links.json (regenerate: sh tools/capture-iproute2.sh).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseRequest, compareTrees, describe, fromHex } from '../helpers/nltree.mjs';

const fixturesPath = fileURLToPath(new URL('../fixtures/iproute2/links.json', import.meta.url));
const fixtures = JSON.parse(readFileSync(fixturesPath, 'utf8'));

const align4 = (n) => (n + 3) & ~3;

// Re-encode a tree to bytes (nla_len recomputed from the payloads), so a
// full round trip proves that the tree accounts for every byte.
function encodeAttrs(nodes) {
  const parts = [];
  for (const n of nodes) {
    const payload = n.nested
      ? Buffer.concat([n.header ?? Buffer.alloc(0), encodeAttrs(n.children)])
      : Buffer.from(n.data);
    const hdr = Buffer.alloc(4);
    hdr.writeUInt16LE(4 + payload.length, 0);
    hdr.writeUInt16LE(n.type | n.flags, 2);
    parts.push(hdr, payload, Buffer.alloc(align4(payload.length) - payload.length));
  }
  return Buffer.concat(parts);
}

function encode(tree) {
  const body = Buffer.concat([
    tree.header,
    Buffer.alloc(align4(tree.header.length) - tree.header.length),
    encodeAttrs(tree.attrs),
  ]);
  const hdr = Buffer.alloc(16);
  hdr.writeUInt32LE(16 + body.length, 0);
  hdr.writeUInt16LE(tree.type, 4);
  hdr.writeUInt16LE(tree.flags, 6);
  hdr.writeUInt32LE(tree.seq, 8);
  hdr.writeUInt32LE(tree.pid, 12);
  return Buffer.concat([hdr, body]);
}

// Same tree, attributes reordered at every level (sorted by descending type;
// stable, so repeated types keep their relative order).
function reorder(nodes) {
  return [...nodes]
    .sort((a, b) => b.type - a.type)
    .map((n) => (n.nested ? { ...n, children: reorder(n.children) } : n));
}

function* walk(nodes, path = []) {
  for (const n of nodes) {
    yield { node: n, path: [...path, n.type] };
    if (n.nested) yield* walk(n.children, [...path, n.type]);
  }
}

const findAttr = (nodes, type) => nodes.find((n) => n.type === type);

// Remove the first attribute whose path matches, returning a new tree.
function withoutAttr(nodes, victim) {
  return nodes
    .filter((n) => n !== victim)
    .map((n) => (n.nested ? { ...n, children: withoutAttr(n.children, victim) } : n));
}

const REQUIRED = [
  // argv strings every fixture set must contain
  'link add br0x type bridge',
  'link add br1 type bridge stp_state 1 forward_delay 400 ageing_time 30000 vlan_filtering 1 mcast_snooping 0',
  'link add v0 type veth peer name v1',
  'link add v2 mtu 1400 address 02:00:00:00:00:02 type veth peer name v3 mtu 1400 address 02:00:00:00:00:03',
  'link add v4 type veth peer name v5 netns 1',
  'link add link p0 name mv0 type macvlan mode bridge',
  'link add link p0 name mv0 type macvlan mode private',
  'link add link p0 name mv0 type macvlan mode vepa',
  'link add link p0 name mv0 type macvlan mode passthru',
  'link add link p0 name mv0 type macvlan mode source',
  'link add link p0 name mvt0 type macvtap mode bridge',
  'link add vx0 type vxlan id 42 dstport 4789 local 198.18.0.1 dev p0',
  'link add vx1 type vxlan id 43 dstport 4789 remote 198.18.0.2 ttl 64 nolearning',
  'link add vx2 type vxlan id 44 group 239.1.1.1 dev p0 dstport 8472',
  'link add vx3 type vxlan id 45 dstport 4789 local 2001:db8::1 remote 2001:db8::2',
  'link add link p0 name p0.10 type vlan id 10',
  'link add link p0 name p0.20 type vlan protocol 802.1ad id 20',
  'link add link p0 name ipv0 type ipvlan mode l2',
  'link add link p0 name ipv0 type ipvlan mode l3',
  'link add link p0 name ipv0 type ipvlan mode l3s',
  'link add ifbx type ifb',
  'link add d0 type dummy',
  'link set p0 up',
  'link set p0 down',
  'link set p0 mtu 1400',
  'link set p0 address 02:00:00:00:00:10',
  'link set p0 master br0',
  'link set p0 nomaster',
  'link set p0 alias hello',
  'link set p0 txqueuelen 500',
  'link set p0 promisc on',
  'link set p0 name p0new',
  'link set p0new name p0',
  'link set p0 group 7',
  'link set p0b netns 1',
  'link del v0',
  'link del group 7',
];

t.test('fixture file', async (t) => {
  t.ok(Array.isArray(fixtures) && fixtures.length >= REQUIRED.length, `${fixtures.length} fixtures`);
  const argvs = new Set(fixtures.map((f) => f.argv.join(' ')));
  for (const cmd of REQUIRED) t.ok(argvs.has(cmd), `has "ip ${cmd}"`);
  const names = fixtures.map((f) => f.name);
  t.equal(new Set(names).size, names.length, 'fixture names are unique');
  for (const f of fixtures) {
    t.match(f, {
      name: String, argv: Array, kernelAccepted: Boolean, kernelError: String, ifindex: Object,
      hex: /^([0-9a-f]{2})+$/,
    }, `${f.name} has the documented shape`);
    if (!f.kernelAccepted) t.not(f.kernelError, '', `${f.name}: rejected with a message`);
  }
  // The kinds this kernel lacks are still captured, as rejected requests.
  for (const n of ['vlan-basic', 'vlan-8021ad', 'ipvlan-l2', 'ipvlan-l3', 'ipvlan-l3s']) {
    const f = fixtures.find((x) => x.name === n);
    t.ok(f && f.hex.length > 0, `${n} captured`);
  }
});

for (const f of fixtures) {
  t.test(`fixture ${f.name}: ip ${f.argv.join(' ')}`, async (t) => {
    const buf = fromHex(f.hex);
    let tree;
    t.doesNotThrow(() => { tree = parseRequest(buf); }, 'parses without error');
    if (!tree) return;

    t.equal(tree.len, buf.length, 'nlmsg_len equals the captured length');
    t.ok([16, 17, 19, 108, 109].includes(tree.type), `link request type (${tree.type})`);
    t.equal(tree.header.length, 16, 'ifinfomsg header is 16 bytes');
    t.ok(tree.flags & 0x1, 'NLM_F_REQUEST set');

    // Every byte accounted for: re-encoding the tree yields the same bytes.
    t.same(encode(tree).toString('hex'), f.hex, 'round trip through the tree is exact');
    // Every nest's length equals the aligned sum of its parts.
    for (const { node, path } of walk(tree.attrs)) {
      if (!node.nested) continue;
      const inner = (node.header ? node.header.length : 0) +
        node.children.reduce((s, c) => s + align4(4 + c.data.length), 0);
      if (align4(node.data.length) !== inner) {
        t.fail(`nest ${path.join('/')} payload ${node.data.length} != parts ${inner}`);
      }
    }

    t.same(compareTrees(tree, tree), [], 'tree equals itself');
    t.same(compareTrees(tree, parseRequest(f.hex)), [], 'tree equals a fresh parse of the hex');

    // nlmsg_seq / nlmsg_pid are ignored.
    const reseq = Buffer.from(buf);
    reseq.writeUInt32LE(0xdeadbeef, 8);
    reseq.writeUInt32LE(1234, 12);
    t.same(compareTrees(tree, parseRequest(reseq)), [], 'seq and pid are ignored');

    // Attribute order is irrelevant at every level.
    const shuffled = parseRequest(encode({ ...tree, attrs: reorder(tree.attrs) }));
    t.same(compareTrees(tree, shuffled), [], 'reordered attributes compare equal');

    t.type(describe(tree), 'string');

    // One header byte changed.
    const hdrMod = Buffer.from(buf);
    hdrMod[16 + 4] ^= 0xff; // ifi_index low byte
    const hdrDiffs = compareTrees(tree, parseRequest(hdrMod));
    t.equal(hdrDiffs.length, 1, 'a changed header byte gives one difference');
    t.match(hdrDiffs[0], /header differs/);

    const leaves = [...walk(tree.attrs)].filter((x) => !x.node.nested && x.node.data.length > 0);
    if (leaves.length) {
      // One attribute payload byte changed: the last of the deepest leaves
      // (the last one, so that for repeated types nothing else shifts).
      const depth = Math.max(...leaves.map((x) => x.path.length));
      const deepest = leaves.filter((x) => x.path.length === depth);
      const target = deepest.at(-1);
      const targetIndex = deepest.length - 1;
      const modBuf = Buffer.from(buf);
      const modTree = parseRequest(modBuf);
      const modLeaf = [...walk(modTree.attrs)]
        .filter((x) => !x.node.nested && x.node.data.length > 0 && x.path.length === depth)[targetIndex];
      modLeaf.node.data[modLeaf.node.data.length - 1] ^= 0x5a; // mutates modBuf through the view
      const diffs = compareTrees(tree, parseRequest(modBuf));
      t.equal(diffs.length, 1, `a changed byte in ${target.path.join('/')} gives one difference`);
      t.match(diffs[0], /payload differs/);

      // One attribute removed (re-encoded so all lengths stay consistent).
      const removed = parseRequest(encode({ ...tree, attrs: withoutAttr(tree.attrs, target.node) }));
      const rdiffs = compareTrees(tree, removed);
      t.equal(rdiffs.length, 1, `removing ${target.path.join('/')} gives one difference`);
      t.match(rdiffs[0], /only in a/);
      t.match(compareTrees(removed, tree)[0], /only in b/, 'and the reverse says only in b');
    }

    // Cross-check the recorded ifindex against what ip put in the message.
    if (f.argv[0] === 'link' && f.argv[1] === 'add') {
      const li = f.argv.indexOf('link', 1);
      if (li > 0 && f.argv[li + 1] in f.ifindex) {
        const attr = findAttr(tree.attrs, 5); // IFLA_LINK
        t.equal(attr?.data.readUInt32LE(0), f.ifindex[f.argv[li + 1]], 'IFLA_LINK is the parent ifindex');
      }
      const ti = f.argv.indexOf('type');
      const info = findAttr(tree.attrs, 18);
      const kind = info && findAttr(info.children, 1);
      t.equal(kind?.data.toString('latin1').replace(/\0+$/, ''), f.argv[ti + 1], 'IFLA_INFO_KIND is the type');
    } else if (f.argv[0] === 'link' && (f.argv[1] === 'set' || f.argv[1] === 'del')) {
      const dev = f.argv[2] === 'dev' ? f.argv[3] : f.argv[2];
      if (dev in f.ifindex) t.equal(tree.header.readInt32LE(4), f.ifindex[dev], 'ifi_index is the device');
    }
  });
}

t.test('veth peer is a nest with an ifinfomsg header', async (t) => {
  const f = fixtures.find((x) => x.name === 'veth-mtu-address');
  const tree = parseRequest(f.hex);
  const data = findAttr(findAttr(tree.attrs, 18).children, 2);
  const peer = findAttr(data.children, 1);
  t.ok(peer.nested, 'VETH_INFO_PEER nested');
  t.equal(peer.header.length, 16, '16-byte peer header');
  t.equal(findAttr(peer.children, 3).data.toString('latin1'), 'v3\0', 'peer IFLA_IFNAME');
  t.equal(findAttr(peer.children, 4).data.readUInt32LE(0), 1400, 'peer IFLA_MTU');

  // A changed byte inside the peer header is reported at that path.
  const buf = fromHex(f.hex);
  const mod = parseRequest(Buffer.from(buf));
  const modPeer = findAttr(findAttr(findAttr(mod.attrs, 18).children, 2).children, 1);
  modPeer.header[8] = 1; // ifi_flags
  const diffs = compareTrees(tree, mod);
  t.equal(diffs.length, 1);
  t.match(diffs[0], /VETH_INFO_PEER.*header differs/);
});

t.test('other nests', async (t) => {
  const spec = parseRequest(fixtures.find((x) => x.name === 'set-addrgenmode').hex);
  const af = findAttr(spec.attrs, 26);
  t.ok(af.nested && af.children[0].nested, 'IFLA_AF_SPEC and its family child are nests');
  t.equal(af.children[0].type, 10, 'AF_INET6');

  const slave = parseRequest(fixtures.find((x) => x.name === 'set-bridge-slave').hex);
  const sd = findAttr(findAttr(slave.attrs, 18).children, 5);
  t.ok(sd.nested, 'IFLA_INFO_SLAVE_DATA is a nest');
  t.equal(sd.children.length, 2);

  const prop = parseRequest(fixtures.find((x) => x.name === 'property-add-altname').hex);
  const pl = findAttr(prop.attrs, 52);
  t.ok(pl.nested, 'IFLA_PROP_LIST is a nest');
  t.equal(pl.flags, 0x8000, 'and carries NLA_F_NESTED');
});

t.test('flag bits and nesting differences are reported', async (t) => {
  const f = fixtures.find((x) => x.name === 'vxlan-basic');
  const tree = parseRequest(f.hex);
  const withFlag = encode({
    ...tree,
    attrs: tree.attrs.map((n) => (n.type === 18 ? { ...n, flags: 0x8000 } : n)),
  });
  const diffs = compareTrees(tree, parseRequest(withFlag));
  t.equal(diffs.length, 1);
  t.match(diffs[0], /IFLA_LINKINFO.*flag bits differ/);
  t.same(compareTrees(tree, parseRequest(withFlag), { ignoreAttrFlags: true }), []);

  // Different message type / flags.
  const b = fromHex(f.hex);
  b.writeUInt16LE(19, 4);
  b.writeUInt16LE(0x5, 6);
  const d2 = compareTrees(tree, parseRequest(b));
  t.match(d2, [/nlmsg_type differs/, /nlmsg_flags differ/]);

  // Repeated attributes are matched by order.
  const mac = parseRequest(fixtures.find((x) => x.name === 'set-macvlan-macaddr').hex);
  const swap = (nodes) => nodes.map((n) => {
    if (!n.nested) return n;
    const kids = n.type === 5 && n.children.every((c) => c.type === 4) ? [...n.children].reverse() : n.children;
    return { ...n, children: swap(kids) };
  });
  const swapped = parseRequest(encode({ ...mac, attrs: swap(mac.attrs) }));
  const d3 = compareTrees(mac, swapped);
  t.equal(d3.length, 2, 'two repeated MACADDR attrs swapped give two differences');
  t.match(d3[0], /IFLA_MACVLAN_MACADDR\(4\)\[0\]: payload differs/);
});

t.test('malformed input is rejected', async (t) => {
  const f = fixtures.find((x) => x.name === 'veth-basic');
  const buf = fromHex(f.hex);
  t.throws(() => parseRequest(buf.subarray(0, 10)), /shorter than nlmsghdr/);
  t.throws(() => parseRequest(buf.subarray(0, buf.length - 4)), /nlmsg_len/);
  const extra = Buffer.concat([buf, Buffer.alloc(4)]);
  t.throws(() => parseRequest(extra), /nlmsg_len/, 'trailing bytes after the message');
  const fixed = Buffer.from(extra);
  fixed.writeUInt32LE(extra.length, 0);
  fixed.writeUInt16LE(2, extra.length - 4); // nla_len 2 < 4
  t.throws(() => parseRequest(fixed), /nla_len 2 < 4/);
  const overrun = Buffer.from(buf);
  overrun.writeUInt16LE(0x400, 32); // first attribute claims 1024 bytes
  t.throws(() => parseRequest(overrun), /past the end/);
  const trailing = Buffer.from(extra);
  trailing.writeUInt32LE(trailing.length - 2, 0);
  t.throws(() => parseRequest(trailing.subarray(0, trailing.length - 2)), /trailing byte/);
  t.throws(() => fromHex('abc'), /hex/);
});
