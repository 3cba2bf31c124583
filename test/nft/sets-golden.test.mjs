// Set golden bytes (no privileges needed): the NEWSET, NEWSETELEM,
// DELSETELEM, DELSET and NEWRULE messages a netloom transaction sends for
// sets, maps, elements and rules that look sets up, compared byte for byte
// with what nft 1.0.6 sent for the same commands
// (test/fixtures/nft/sets.json, captured with strace by
// tools/capture-nft-sets.mjs). Everything after the netlink header must be
// identical: attributes in libnftnl's order, the set's userdata, element
// lists numbered from 1, interval ends, set ids. In the header only
// nlmsg_seq/pid differ, and the flags by NLM_F_ACK (netloom asks the last
// member for one), NLM_F_EXCL (netloom's set.add refuses an existing set, as
// `nft create set`) and NLM_F_ECHO (rule handles). nft's element lists also
// decode back into the elements netloom was given.
import t from 'tap';
import { createRequire } from 'node:module';
import { native, constant } from '../../dist/netlink/native.js';
import { NftTransaction } from '../../dist/nft/transaction.js';
import { decodeElements } from '../../dist/nft/set-codec.js';
import { SET_CASES } from '../helpers/nft-set-bodies.mjs';

const require = createRequire(import.meta.url);
const fixtures = require('../fixtures/nft/sets.json');

/** The messages a transaction would send, as bytes, through a socket that only records them. */
async function netloomMessages(run) {
  let sent;
  const sock = { batch: async (_op, messages) => ((sent = messages), { begin: null, failures: [], echoes: [] }) };
  const tx = new NftTransaction(sock);
  run(tx);
  await tx.commit();
  const batch = native.nft.encodeBatch(sent);
  const out = [];
  for (let off = batch.readUInt32LE(0); off < batch.length; off += (batch.readUInt32LE(off) + 3) & ~3) out.push(batch.subarray(off, off + batch.readUInt32LE(off)));
  return out.slice(0, -1); // BATCH_END
}

t.test('every fixture has a netloom transaction', async (t) => {
  t.same(fixtures.map((f) => f.name).filter((n) => !(n in SET_CASES)), []);
  t.same(Object.keys(SET_CASES).filter((n) => !fixtures.some((f) => f.name === n)), []);
});

const ignored = constant('NLM_F_ACK') | constant('NLM_F_ECHO') | constant('NLM_F_EXCL');

for (const f of fixtures) {
  t.test(`${f.name}: ${f.commands.join(' ; ')}`, async (t) => {
    const theirs = f.hex.map((h) => Buffer.from(h, 'hex'));
    const ours = await netloomMessages(SET_CASES[f.name].run);
    t.equal(ours.length, theirs.length, 'as many messages');
    theirs.forEach((m, i) => {
      const o = ours[i] ?? Buffer.alloc(16);
      t.equal(o.readUInt16LE(4).toString(16), m.readUInt16LE(4).toString(16), `message ${i}: type`);
      t.equal(o.readUInt16LE(6) & ~ignored, m.readUInt16LE(6) & ~ignored, `message ${i}: flags`);
      t.equal(o.subarray(16).toString('hex'), m.subarray(16).toString('hex'), `message ${i}: every byte after the netlink header`);
    });
    // And back: nft's elements read as the ones netloom was given.
    const set = /add (set|map) \S+ t \S+ \{ type (\S+?)( : (\S+?))?;( flags (\S+);)?/.exec(f.commands[0] ?? '');
    const elems = theirs.filter((m) => m.readUInt16LE(4) === ((10 << 8) | 12)).map((m) => native.nft.decode(m)[0]);
    if (set && elems.length > 0 && !f.commands[0].includes('timeout')) {
      const shape = { type: set[2], interval: (set[6] ?? '').includes('interval'), timeout: false, ...(set[4] ? { map: set[4] } : {}) };
      t.same(decodeElements(shape, elems), givenElements(f.name), 'nft’s elements decode to netloom’s');
    }
  });
}

/** The elements a case's set.add or elements.add was given (recorded by running it against a stub). */
function givenElements(name) {
  let elements;
  const spy = { set: { add: (spec) => ((elements = spec.elements), spy), elements: { add: (_ref, list) => ((elements = list), spy) } }, rule: { add: () => spy } };
  SET_CASES[name].run(spy);
  return elements;
}
