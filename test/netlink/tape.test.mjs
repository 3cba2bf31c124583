// The tape materializer (lib/netlink/tape.ts) on hand-made tapes: objects
// built at their end from per-shape factories must come out exactly as
// building them key by key would (order, repeated keys, $unknown, long
// objects, arrays), and a corrupt tape fails clearly. No addon is loaded.
import t from 'tap';
import { materialize } from '../../dist/netlink/tape.js';

const OBJECT = 0;
const ARRAY = 1;
const END = 2;
const NUMBER = 3;
const STRING = 4;
const BYTES = 5;
const TRUE = 6;
const UNKNOWN = 7;
const NKEYS = 300;
// Key id i is named `k<i>` (id 0: no key).
const names = Array.from({ length: NKEYS }, (_, i) => (i === 0 ? null : `k${i}`));
const keyNames = (from) => names.slice(from);

// A tape from a list of ops: [kind, key, value?]; strings and bytes go to the blob.
function tape(list) {
  const ops = [];
  const nums = [];
  const parts = [];
  let off = 0;
  for (const [kind, key, value] of list) {
    ops.push(((kind << 28) | key) >>> 0);
    if (kind === NUMBER) nums.push(value);
    if (kind === STRING || kind === BYTES || kind === UNKNOWN) {
      const b = Buffer.from(value);
      ops.push(off, b.length);
      parts.push(b);
      off += b.length;
    }
  }
  return { ops: Uint32Array.from(ops), nums: Float64Array.from(nums), blob: Buffer.concat(parts), keys: NKEYS };
}

t.test('objects, arrays and values come out as built key by key', async (t) => {
  const msg = (n) => [
    [OBJECT, 0],
    [NUMBER, 1, n],
    [STRING, 2, `name${n}`],
    [OBJECT, 3],
    [NUMBER, 4, 7],
    [TRUE, 5],
    [END, 0],
    [ARRAY, 6],
    [NUMBER, 0, 1],
    [OBJECT, 0],
    [BYTES, 7, 'ab'],
    [END, 0],
    [END, 0],
    [END, 0],
  ];
  const out = materialize(tape([...msg(1), ...msg(2)]), keyNames);
  t.same(out, [1, 2].map((n) => ({ k1: n, k2: `name${n}`, k3: { k4: 7, k5: true }, k6: [1, { k7: Buffer.from('ab') }] })));
  t.same(Object.keys(out[1]), ['k1', 'k2', 'k3', 'k6'], 'key order');
  t.ok(Buffer.isBuffer(out[0].k6[1].k7), 'bytes are Buffers');
});

t.test('a repeated key keeps its first place and takes the last value', async (t) => {
  const out = materialize(tape([[OBJECT, 0], [NUMBER, 1, 1], [NUMBER, 2, 2], [NUMBER, 1, 3], [END, 0]]), keyNames);
  t.same(Object.keys(out[0]), ['k1', 'k2']);
  t.equal(out[0].k1, 3);
  // the same shape again, without the repeat
  const again = materialize(tape([[OBJECT, 0], [NUMBER, 1, 4], [NUMBER, 2, 5], [END, 0]]), keyNames);
  t.same(again, [{ k1: 4, k2: 5 }]);
});

t.test('unknown attributes gather in $unknown, where the first one came', async (t) => {
  const out = materialize(tape([[OBJECT, 0], [NUMBER, 1, 1], [UNKNOWN, 99, 'x'], [NUMBER, 2, 2], [UNKNOWN, 100, 'yz'], [END, 0]]), keyNames);
  t.same(Object.keys(out[0]), ['k1', '$unknown', 'k2']);
  t.same(out[0].$unknown, [{ type: 99, data: Buffer.from('x') }, { type: 100, data: Buffer.from('yz') }]);
});

t.test('long objects (past the factories\' limit) are built too', async (t) => {
  const list = [[OBJECT, 0]];
  for (let i = 1; i < 200; i++) list.push([NUMBER, i, i]);
  list.push([END, 0]);
  const [o] = materialize(tape(list), keyNames);
  t.equal(Object.keys(o).length, 199);
  t.equal(o.k150, 150);
});

t.test('a corrupt tape fails with a clear error', async (t) => {
  t.throws(() => materialize(tape([[END, 0]]), keyNames), /corrupt decode tape/);
  t.same(materialize(null, keyNames), [], 'null: the empty tape');
});
