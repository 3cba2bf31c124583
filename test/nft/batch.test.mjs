// nf_tables transactions on the real kernel: all or nothing, the failing
// message named by index and object, generation-id compare-and-swap, and a
// batch framed exactly as nft frames one (BATCH_BEGIN 0x10 ... END 0x11,
// res_id NFNL_SUBSYS_NFTABLES in network order).
import t from 'tap';
import { NftBatchError } from '../../dist/index.js';
import { native, constant } from '../../dist/netlink/native.js';
import { nftSandbox, nftRun, nftRuleset, nftText } from '../helpers/nft.mjs';


t.test('framing: one BEGIN, members with REQUEST (the last with ACK), one END, genid big-endian', async (t) => {
  const T = (n) => (constant('NFNL_SUBSYS_NFTABLES') << 8) | constant(n);
  const bytes = native.nft.encodeBatch(
    [
      { type: T('NFT_MSG_NEWTABLE'), flags: constant('NLM_F_CREATE'), msg: { header: { nfgenFamily: 2 }, attrs: { name: 't', flags: 0 } } },
      { type: T('NFT_MSG_DELTABLE'), flags: 0, msg: { header: { nfgenFamily: 2 }, attrs: { name: 't' } } },
    ],
    { genid: 0x01020304 },
  );
  const msgs = native.nft.decode(bytes);
  t.same(msgs.map((m) => m.type), [0x10, 0x0a00, 0x0a02, 0x11]);
  t.same(msgs.map((m) => m.flags), [1, 0x401, 0x5, 1], 'only the last member asks for an ACK (failures are answered anyway), delimiters do not');
  t.same(msgs[0].header, { nfgenFamily: 0, version: 0, resId: 10 });
  t.same(msgs[0].attrs, { genid: 0x01020304 });
  t.same(msgs[3].header, { nfgenFamily: 0, version: 0, resId: 10 });
  // The same bytes nft sends (libnftnl nftnl_batch_begin): res_id 00 0a, NFNL_BATCH_GENID be32.
  t.equal(bytes.subarray(16, 20).toString('hex'), '0000000a');
  t.equal(bytes.subarray(20, 28).toString('hex'), '0800010001020304');
  t.same([...bytes.subarray(8, 12)], [1, 0, 0, 0], 'sequence numbers count from the opening message');
  t.throws(() => native.nft.encodeBatch([{ type: 0x10, flags: 0, msg: {} }]), /messages\[0\]\.type: not an nf_tables message type/);
  t.throws(() => native.nft.encodeBatch([{ type: T('NFT_MSG_NEWTABLE'), flags: 0, msg: { attrs: { nmae: 'x' } } }]), /messages\[0\]\.attrs\.nmae: unknown attribute of table-attrs/);
});

t.test('all or nothing: the 5th message fails, the ruleset is exactly as before', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  await nft.table.add({ family: 'ip', name: 'keep', owner: 'pre' });
  await nft.chain.add({ family: 'ip', table: 'keep', name: 'post', type: 'nat', hook: 'postrouting', priority: 'srcnat' });
  const before = nftRuleset(ns);
  const beforeText = nftText(ns);
  const gen = await nft.genId();
  const tx = nft
    .transaction()
    .table.add({ family: 'ip', name: 'a' })
    .chain.add({ family: 'ip', table: 'a', name: 'x' })
    .chain.add({ family: 'ip', table: 'a', name: 'y', hook: 'input', priority: 0 })
    .table.del({ family: 'ip', name: 'keep' })
    .chain.add({ family: 'ip', table: 'missing', name: 'z' })
    .table.add({ family: 'inet', name: 'b' });
  t.equal(tx.size, 6);
  const e = await tx.commit().catch((x) => x);
  t.ok(e instanceof NftBatchError, 'NftBatchError');
  t.equal(e.code, 'ENOENT');
  t.equal(e.index, 4, 'the 5th message');
  t.equal(e.object, 'chain ip missing z');
  t.equal(e.applied, false);
  t.equal(e.operation, 'nft.commit');
  t.match(e.message, /^nft\.commit: message 4 of 6 \(chain\.add chain ip missing z\): .*nothing was applied \(ENOENT\)$/);
  t.same(e.failures.map((f) => [f.index, f.code, f.object]), [[4, 'ENOENT', 'chain ip missing z']]);
  t.same(e.request, { family: 'ip', table: 'missing', name: 'z' }, 'the request of the failing message');
  t.same(nftRuleset(ns), before, 'nft -j shows the same ruleset');
  t.equal(nftText(ns), beforeText, 'and the same text, comments included');
  t.equal(await nft.genId(), gen, 'no new generation');
  await t.rejects(tx.commit(), /already committed/);
});

t.test('every refused message is listed', async (t) => {
  const { nft } = await nftSandbox(t);
  await nft.table.add({ family: 'ip', name: 'dup' });
  const e = await nft
    .transaction()
    .table.add({ family: 'ip', name: 'dup' })
    .table.add({ family: 'ip', name: 'fine' })
    .chain.del({ family: 'ip', table: 'dup', name: 'nothing' })
    .commit()
    .catch((x) => x);
  t.equal(e.index, 0);
  t.equal(e.code, 'EEXIST');
  t.same(e.failures.map((f) => [f.index, f.code, f.operation]), [[0, 'EEXIST', 'table.add'], [2, 'ENOENT', 'chain.del']]);
  t.match(e.message, /\(and 1 more: #2 ENOENT\)/);
  t.same((await nft.table.list()).map((x) => x.name), ['dup'], 'fine was not applied either');
});

t.test('generation id: a change between read and commit is refused with ERESTART', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  const gen = await nft.genId();
  t.type(gen, 'number');
  nftRun(ns, 'add', 'table', 'ip', 'someone-else');
  t.ok((await nft.genId()) > gen, 'their commit made a new generation');
  const e = await nft.transaction().table.add({ family: 'ip', name: 'mine' }).chain.add({ family: 'ip', table: 'mine', name: 'c' }).commit({ genid: gen }).catch((x) => x);
  t.ok(e instanceof NftBatchError);
  t.equal(e.code, 'ERESTART');
  t.equal(e.index, undefined, 'the batch as a whole');
  t.equal(e.object, undefined);
  t.same(e.failures, []);
  t.match(e.message, `nft.commit: the ruleset changed since generation ${gen}; nothing was applied (ERESTART)`);
  t.same((await nft.table.list()).map((x) => x.name), ['someone-else'], 'nothing of it applied');
  // With the current generation it goes through, and makes the next one.
  const now = await nft.genId();
  await nft.transaction().table.add({ family: 'ip', name: 'mine' }).commit({ genid: now });
  t.equal(await nft.genId(), now + 1);
  t.match(nftText(ns), /table ip mine \{\n\tcomment "netloom:api"/);
});

t.test('a batch keeps a datagram of its own while other requests are in flight', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  const ops = [];
  for (let i = 0; i < 20; i++) {
    ops.push(nft.genId());
    ops.push(nft.transaction().table.add({ family: 'inet', name: `t${i}` }).chain.add({ family: 'inet', table: `t${i}`, name: 'c', hook: 'forward', priority: 'filter' }).commit());
    ops.push(nft.table.list());
  }
  const results = await Promise.allSettled(ops);
  t.same(results.filter((r) => r.status === 'rejected').map((r) => r.reason.message), [], 'all settled fine');
  t.equal(nftRuleset(ns).filter((o) => o.chain).length, 20, 'nft sees every chain');
  await t.rejects(nft.transaction().commit().then(() => nft.table.list()).then((l) => (l.length === 20 ? Promise.reject(new Error('ok')) : null)), /ok/, 'an empty transaction sends nothing');
});

t.test('a closed handle refuses; single operations are transactions of one', async (t) => {
  const { nft } = await nftSandbox(t);
  await nft.table.add({ family: 'ip', name: 'x' });
  const e = await nft.chain.add({ family: 'ip', table: 'y', name: 'c' }).catch((x) => x);
  t.equal(e.index, 0);
  t.equal(e.operation, 'nft.chain.add');
  await nft.close();
  await t.rejects(nft.table.list(), { code: 'EBADF' });
  await t.rejects(nft.table.add({ family: 'ip', name: 'z' }), { code: 'EBADF' });
});
