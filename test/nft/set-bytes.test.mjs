// Elements encoded from columns in one native call (lib/nft/set-elem-bytes.ts,
// nft.encodeElements) are the messages the generic path makes of the same
// elements (setElemMessages(kernelElements(...)), which the set golden
// tests compare with nft's), byte for byte, split at the same places: for
// every key type, timeouts, maps with data, interval sets with open and
// closed intervals, adds and deletes, sets made in the same batch or not.
// No privileges needed.
import t from 'tap';
import { native } from '../../dist/netlink/native.js';
import { checkElements } from '../../dist/nft/set-check.js';
import { kernelElements, setElemMessages } from '../../dist/nft/set-codec.js';
import { elementMessages } from '../../dist/nft/set-elem-bytes.js';

const ref = { family: 'inet', table: 't', name: 's' };
const v4 = (n) => `198.${18 + ((n >>> 16) & 1)}.${(n >>> 8) & 255}.${n & 255}`;
const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));

const CASES = [
  ['ipv4 addresses, many messages', { type: 'ipv4_addr', interval: false, timeout: false }, range(20000, (i) => v4(i + 1))],
  ['ipv6 addresses', { type: 'ipv6_addr', interval: false, timeout: false }, range(3000, (i) => `2001:db8::${(i + 1).toString(16)}`)],
  ['ports with timeouts', { type: 'inet_service', interval: false, timeout: true }, range(5000, (i) => (i % 3 === 0 ? { key: i + 1, timeout: 1000 * (i + 1) } : i + 1))],
  ['protocols', { type: 'inet_proto', interval: false, timeout: false }, ['tcp', 'udp', 1, 47]],
  ['marks', { type: 'mark', interval: false, timeout: false }, range(100, (i) => i * 77)],
  ['interface names', { type: 'ifname', interval: false, timeout: false }, range(300, (i) => `veth${i}`)],
  ['a map of ports to addresses', { type: 'inet_service', map: 'ipv4_addr', interval: false, timeout: false }, range(4000, (i) => ({ key: i + 1, value: v4(i) }))],
  ['intervals: prefixes, ranges, one running to the end', { type: 'ipv4_addr', interval: true, timeout: false }, ['198.18.0.0/24', ['198.18.2.1', '198.18.2.9'], '198.18.3.3', '255.255.255.0/24']],
  ['intervals from key 0', { type: 'inet_service', interval: true, timeout: false }, [[0, 10], [20, 30], 40]],
  ['many intervals', { type: 'ipv4_addr', interval: true, timeout: false }, range(6000, (i) => `198.18.${i >> 5}.${(i & 31) * 8}/29`)],
];

for (const [name, shape, elements] of CASES) {
  t.test(name, async (t) => {
    const checked = checkElements('test', shape, elements);
    for (const [op, setId, creating] of [['add', 3, true], ['add', undefined, false], ['del', undefined, false]]) {
      const ours = elementMessages(op, ref, setId, shape, checked, creating);
      const generic = setElemMessages(op, ref, setId, kernelElements(shape, checked, creating));
      t.equal(ours.length, generic.length, `${op}${creating ? ' (creating)' : ''}: as many messages`);
      t.ok(ours.every((m) => Buffer.isBuffer(m.msg)), 'encoded from columns');
      const a = native.nft.encodeBatch(ours);
      const b = native.nft.encodeBatch(generic);
      t.ok(a.equals(b), `${op}${creating ? ' (creating)' : ''}: the same batch, byte for byte`);
    }
  });
}

t.test('what the columns do not carry goes the generic way', async (t) => {
  const shape = { type: 'inet_service', map: 'verdict', interval: false, timeout: false };
  const checked = checkElements('test', shape, [{ key: 22, value: 'accept' }, { key: 80, value: { jump: 'web' } }]);
  const ours = elementMessages('add', ref, 1, shape, checked, true);
  t.ok(ours.every((m) => !Buffer.isBuffer(m.msg)), 'a verdict map is encoded from objects');
  t.ok(native.nft.encodeBatch(ours).equals(native.nft.encodeBatch(setElemMessages('add', ref, 1, kernelElements(shape, checked, true)))));
});

t.test('encodeElements checks what it is given', async (t) => {
  const type = native.constants.NFNL_SUBSYS_NFTABLES * 256 + native.constants.NFT_MSG_NEWSETELEM;
  const head = { header: { nfgenFamily: 1 }, attrs: { table: 't', set: 's' } };
  t.throws(() => native.nft.encodeElements(type, head, { keys: Buffer.alloc(6), keyLen: 4 }, new Uint32Array([1])), /keyLen/);
  t.throws(() => native.nft.encodeElements(type, head, { keys: Buffer.alloc(8), keyLen: 4 }, new Uint32Array([3])), /past the keys/);
  t.throws(() => native.nft.encodeElements(type, head, { keys: Buffer.alloc(8), keyLen: 4, flags: new Uint32Array(1) }, new Uint32Array([2])), /one entry per key/);
  t.throws(() => native.nft.encodeElements(type, head, { keys: Buffer.alloc(4), keyLen: 4, timeout: new Float64Array([1.5]) }, new Uint32Array([1])), /timeout\[0\]/);
  t.throws(() => native.nft.encodeElements(type + 1, head, { keys: Buffer.alloc(4), keyLen: 4 }, new Uint32Array([1])), /NEWSETELEM/);
});
