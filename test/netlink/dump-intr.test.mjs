// NLM_F_DUMP_INTR: the kernel flags a dump whose table changed while it was
// read. The kernel cannot be made to do that on demand, so this drives
// RtnlSocket with a scripted native socket: `collect` dumps again (bounded),
// and a streaming dump ends with a NetlinkError EINTR.
import t from 'tap';

const NLM_F_MULTI = 2;
const NLM_F_DUMP_INTR = 16;

// A native socket whose dumps answer from a script: each entry is the flags
// of the messages one dump returns.
function scriptedNative(script) {
  let dumps = 0;
  const sock = {
    pending: 0,
    dump(_type, _flags, _msg, onBatch) {
      const flags = script[Math.min(dumps, script.length - 1)];
      dumps++;
      setImmediate(() => onBatch(null, flags.map((f, i) => ({ type: 16, flags: f, header: { ifiIndex: i + 1 }, attrs: {} })), true));
      return dumps;
    },
    abandon() {},
    close() {},
    ref() {},
    unref() {},
    request: async () => [],
  };
  return {
    dumps: () => dumps,
    native: {
      openSocket: async () => sock,
      // the scripted batches are already objects: materialize is the identity
      materialize: (x) => x,
      constants: { NLM_F_DUMP_INTR, NLM_F_MULTI },
    },
  };
}

async function load(t, fake) {
  return t.mockImport('../../dist/netlink/socket.js', {
    '../../dist/netlink/native.js': { native: fake.native, constant: (n) => fake.native.constants[n] },
  });
}

t.test('collect dumps again when interrupted, then succeeds', async (t) => {
  const fake = scriptedNative([[NLM_F_MULTI, NLM_F_MULTI | NLM_F_DUMP_INTR], [NLM_F_MULTI, NLM_F_MULTI, NLM_F_MULTI]]);
  const { RtnlSocket } = await load(t, fake);
  const s = await RtnlSocket.open(-1);
  const out = await s.collect('link.list', 18, {});
  t.equal(out.length, 3, 'the result of the clean second dump');
  t.equal(fake.dumps(), 2, 'dumped twice');
});

t.test('collect gives up after its retries with EINTR', async (t) => {
  const fake = scriptedNative([[NLM_F_MULTI | NLM_F_DUMP_INTR]]);
  const { RtnlSocket } = await load(t, fake);
  const s = await RtnlSocket.open(-1);
  await t.rejects(s.collect('link.list', 18, {}, { retries: 2 }), { name: 'NetlinkError', code: 'EINTR', operation: 'link.list' });
  t.equal(fake.dumps(), 3, 'one dump and two retries');
});

t.test('a streaming dump delivers what came, then throws EINTR', async (t) => {
  const fake = scriptedNative([[NLM_F_MULTI, NLM_F_MULTI | NLM_F_DUMP_INTR]]);
  const { RtnlSocket } = await load(t, fake);
  const s = await RtnlSocket.open(-1);
  const seen = [];
  await t.rejects(
    (async () => {
      for await (const m of s.dump('link.dump', 18, {})) seen.push(m);
    })(),
    { code: 'EINTR' },
  );
  t.equal(seen.length, 2, 'the messages were delivered before the error');
  t.equal(fake.dumps(), 1, 'streaming never retries by itself');
});
