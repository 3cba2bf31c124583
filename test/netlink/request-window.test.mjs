// The JavaScript request window (lib/netlink/window.ts): RtnlSocket hands at
// most 1024 requests (four native windows) to the native socket at once; the
// rest wait in order, as arguments only. Driven with a native socket that
// answers when told, so what is in flight can be counted exactly.
import t from 'tap';

function heldNative() {
  const held = [];
  let maxHeld = 0;
  const sock = {
    get pending() {
      return held.length;
    },
    request(type, flags, msg) {
      if (msg?.fail) throw new TypeError('attrs.mtu: must be a number');
      return new Promise((resolve, reject) => {
        held.push({ msg, resolve, reject });
        maxHeld = Math.max(maxHeld, held.length);
      });
    },
    dump() {
      return 1;
    },
    abandon() {},
    close() {
      for (const h of held.splice(0)) h.reject(Object.assign(new Error('closed'), { code: 'ECANCELED', errno: 125, syscall: 'close' }));
    },
    ref() {},
    unref() {},
  };
  return {
    held,
    maxHeld: () => maxHeld,
    // answer the oldest `n` requests
    answer(n) {
      for (const h of held.splice(0, n)) h.resolve(null);
    },
    native: { openSocket: async () => sock, materialize: () => [], constants: { NLM_F_DUMP_INTR: 16 } },
  };
}

async function load(t, fake) {
  return t.mockImport('../../dist/netlink/socket.js', {
    '../../dist/netlink/native.js': { native: fake.native, constant: (n) => fake.native.constants[n] },
  });
}

const settle = () => new Promise((r) => setImmediate(r));

t.test('at most 1024 in flight; the rest wait, and go in the order they were asked', async (t) => {
  const fake = heldNative();
  const { RtnlSocket } = await load(t, fake);
  const s = await RtnlSocket.open(-1);
  const order = [];
  const all = Array.from({ length: 4000 }, (_, i) => s.request('link.set', 16, 0, { i }).then(() => order.push(i)));
  t.equal(fake.held.length, 1024, 'the window is full');
  t.equal(s.pending, 4000, 'pending counts the waiting ones');
  const sent = [];
  while (fake.held.length > 0) {
    sent.push(...fake.held.slice(0, 400).map((h) => h.msg.i));
    fake.answer(400);
    await settle();
  }
  await Promise.all(all);
  t.equal(fake.maxHeld(), 1024, 'never more than the window');
  t.same(sent, Array.from({ length: 4000 }, (_, i) => i), 'sent in order');
  t.same(order, Array.from({ length: 4000 }, (_, i) => i), 'settled in order');
  t.equal(s.pending, 0);
});

t.test('a waiting request that is aborted is never sent; bad input still fails with the field', async (t) => {
  const fake = heldNative();
  const { RtnlSocket } = await load(t, fake);
  const s = await RtnlSocket.open(-1);
  const first = Array.from({ length: 1024 }, (_, i) => s.request('link.set', 16, 0, { i }));
  const ac = new AbortController();
  const aborted = s.request('link.set', 16, 0, { i: 'aborted' }, { signal: ac.signal });
  const bad = s.request('link.set', 16, 0, { fail: true });
  const after = s.request('link.set', 16, 0, { i: 'after' });
  ac.abort();
  await t.rejects(aborted, { name: 'AbortError' });
  fake.answer(1024);
  await Promise.all(first);
  await t.rejects(bad, { name: 'TypeError', message: 'link.set: attrs.mtu: must be a number' });
  await settle();
  t.same(fake.held.map((h) => h.msg.i), ['after'], 'the aborted one was skipped, the next one sent');
  fake.answer(1);
  await after;
});

t.test('close rejects the waiting requests with ECANCELED, like the sent ones', async (t) => {
  const fake = heldNative();
  const { RtnlSocket } = await load(t, fake);
  const s = await RtnlSocket.open(-1);
  const all = Array.from({ length: 300 }, (_, i) => s.request('link.set', 16, 0, { i }).then(
    () => 'ok',
    (e) => e.code,
  ));
  s.close();
  const codes = await Promise.all(all);
  t.same(new Set(codes), new Set(['ECANCELED']), 'every request, sent or waiting');
  t.equal(s.pending, 0);
});
