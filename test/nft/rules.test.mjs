// nf_tables rules on the real kernel, each test in throwaway namespaces,
// witnessed by nft(8): the same rules loaded by `nft -f` in one namespace
// and by netloom in another leave the same ruleset (`nft -j list ruleset`,
// expression by expression); netloom reads nft's rules back as the bodies it
// takes; handles, insert/position, delete and flush do what nft's do;
// mistakes are refused before the kernel with the field named, and a
// transaction the kernel refuses leaves nothing behind.
import t from 'tap';
import { createRequire } from 'node:module';
import { writeFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { netns, openNft, NftBatchError } from '../../dist/index.js';
import { nftRun, nftRuleset, nftSandbox, nftText } from '../helpers/nft.mjs';
import { BODIES } from '../helpers/nft-bodies.mjs';

const require = createRequire(import.meta.url);
const fixtures = require('../fixtures/nft/rules.json');

const CHAINS = {
  filter: 'type filter hook input priority filter;',
  post: 'type nat hook postrouting priority srcnat;',
  pre: 'type nat hook prerouting priority dstnat;',
};

/** Tables (family, chain kind) with chains c and other, as an nft script. */
function skeleton() {
  const lines = [];
  for (const key of new Set(fixtures.map((f) => `${f.family} ${f.chain}`))) {
    const [family, kind] = key.split(' ');
    lines.push(`add table ${family} ${kind}`, `add chain ${family} ${kind} other`, `add chain ${family} ${kind} c { ${CHAINS[kind]} }`);
  }
  return lines;
}

function nftFile(t, ns, lines) {
  const dir = mkdtempSync(join(tmpdir(), 'netloom-nft-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'rules.nft');
  writeFileSync(file, `${lines.join('\n')}\n`);
  nftRun(ns, '-f', file);
}

const expected = (name) => {
  const want = { ...BODIES[name] };
  if (want.counter === true) want.counter = { packets: 0, bytes: 0 };
  // The kernel logs at warn unless told otherwise, and says so: the same rule.
  if (want.log?.level === 'warn') delete (want.log = { ...want.log }).level;
  return want;
};

const body = ({ match, limit, counter, log, nat, verdict, comment }) =>
  Object.fromEntries(Object.entries({ match, limit, counter, log, nat, verdict, comment }).filter(([, v]) => v !== undefined));

t.test(`${fixtures.length} rules: netloom and nft -f leave the same ruleset, and each reads back as its body`, async (t) => {
  const byNft = await netns.create();
  t.teardown(() => byNft.close());
  const { ns, nft } = await nftSandbox(t);
  nftFile(t, byNft, [...skeleton(), ...fixtures.map((f) => `add rule ${f.family} ${f.chain} c ${f.rule}`)]);
  nftFile(t, ns, skeleton());
  const tx = nft.transaction();
  for (const f of fixtures) tx.rule.add({ family: f.family, table: f.chain, chain: 'c', ...BODIES[f.name] });
  const { rules } = await tx.commit();
  t.equal(rules.length, fixtures.length, 'one handle per rule');

  const theirs = nftRuleset(byNft);
  const ours = nftRuleset(ns);
  t.equal(ours.filter((o) => o.rule).length, fixtures.length);
  t.same(ours, theirs, 'nft -j list ruleset: the same tables, chains, rules, expressions and handles');
  t.equal(nftText(ns), nftText(byNft), 'and the same text');

  const witnessHandles = ours.filter((o) => o.rule).map((o) => `${o.rule.family} ${o.rule.table} ${o.rule.handle}`);
  t.same(rules.map((r) => `${r.family} ${r.table} ${r.handle}`).sort(), witnessHandles.sort(), 'the echoed handles are the kernel’s');

  for (const [who, sock] of [['netloom', nft], ['nft', await openNft({ netns: byNft })]]) {
    if (who === 'nft') t.teardown(() => sock.close());
    const listed = await sock.rule.list();
    t.equal(listed.length, fixtures.length, `${who}'s rules listed`);
    fixtures.forEach((f, i) => {
      const r = listed.find((x) => x.family === f.family && x.table === f.chain && x.handle === rules[i].handle);
      t.ok(r?.recognised, `${who}: ${f.name} recognised`);
      t.same(body(r ?? {}), expected(f.name), `${who}: ${f.name} reads back as its body`);
    });
  }
});

t.test('handles: add returns it, insert and position place, del and flush remove', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  await nft.table.add({ family: 'inet', name: 'f' });
  await nft.chain.add({ family: 'inet', table: 'f', name: 'in', type: 'filter', hook: 'input', priority: 0 });
  const at = { family: 'inet', table: 'f', chain: 'in' };
  const a = await nft.rule.add({ ...at, match: { proto: 'tcp', dport: 1 }, verdict: 'accept' });
  const b = await nft.rule.add({ ...at, match: { proto: 'tcp', dport: 2 }, verdict: 'accept' });
  const c = await nft.rule.add({ ...at, insert: true, match: { proto: 'tcp', dport: 3 }, verdict: 'accept' });
  const d = await nft.rule.add({ ...at, position: a.handle, match: { proto: 'tcp', dport: 4 }, verdict: 'accept' });
  const e = await nft.rule.add({ ...at, insert: true, position: b.handle, match: { proto: 'tcp', dport: 5 }, verdict: 'accept' });
  t.same(a, { ...at, handle: a.handle });
  const order = () => nftRuleset(ns).filter((o) => o.rule).map((o) => [o.rule.handle, o.rule.expr.at(-2).match.right]);
  t.same(order(), [[c.handle, 3], [a.handle, 1], [d.handle, 4], [e.handle, 5], [b.handle, 2]], 'nft -a sees the order: insert first, after a, before b');
  t.same((await nft.rule.list(at)).map((r) => [r.handle, r.match.dport]), order(), 'rule.list in chain order');
  await nft.rule.del({ ...at, handle: d.handle });
  t.same(order().map(([, p]) => p), [3, 1, 5, 2], 'deleted by handle');
  await t.rejects(nft.rule.del({ ...at, handle: d.handle }), { code: 'ENOENT', operation: 'nft.rule.del' }, 'twice: ENOENT');
  await nft.rule.flush(at);
  t.same(order(), [], 'flushed');
  t.same(await nft.rule.list({ family: 'inet', table: 'f' }), [], 'nothing left');
});

t.test('comments and counters read back; nft -j sees the counter count', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  await nft.table.add({ family: 'ip', name: 'f' });
  await nft.chain.add({ family: 'ip', table: 'f', name: 'in', type: 'filter', hook: 'input', priority: 0 });
  const ref = await nft.rule.add({ family: 'ip', table: 'f', chain: 'in', match: { daddr: '198.18.0.99' }, counter: true, verdict: 'drop', comment: 'count and drop' });
  const lo = await (await import('../../dist/index.js')).open({ netns: ns });
  t.teardown(() => lo.close());
  await lo.link.set('lo', { up: true });
  await lo.addr.add('lo', '198.18.0.99/32');
  // Dropped on input (a drop on output would fail the send with EPERM instead).
  const p = await ns.ping('198.18.0.99', { count: 3, interval: 20, timeout: 300 });
  t.equal(p.received, 0, 'dropped');
  const [r] = await nft.rule.list({ family: 'ip', table: 'f', chain: 'in' });
  t.equal(r.handle, ref.handle);
  t.equal(r.comment, 'count and drop');
  t.equal(r.counter.packets, 3, 'the counter counted 3 echo requests');
  const witness = nftRuleset(ns).find((o) => o.rule).rule;
  t.equal(witness.comment, 'count and drop', 'nft shows the comment');
  t.same(witness.expr.find((x) => x.counter).counter, { packets: r.counter.packets, bytes: r.counter.bytes }, 'nft shows the same count');
});

t.test('bad input fails before the kernel, naming the field', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  const at = { family: 'ip', table: 't', chain: 'c' };
  const cases = [
    [{ ...at, match: { proto: 'tcp', dport: 70000 }, verdict: 'accept' }, /nft\.rule\.add: match\.dport: must be an integer 0\.\.65535, got 70000/],
    [{ ...at, match: { dport: 80 }, verdict: 'accept' }, /match\.dport: ports need match\.proto/],
    [{ ...at, match: { saddr: '198.18.1.1/24' }, verdict: 'accept' }, /match\.saddr: .*host bits/],
    [{ ...at, match: { saddr: '2001:db8::/64' }, verdict: 'accept' }, /match\.saddr: 2001:db8::\/64 is IPv6, the table is ip/],
    [{ ...at, match: { iifname: 'a-very-long-name' }, verdict: 'accept' }, /match\.iifname: interface names are at most 15 bytes/],
    [{ ...at, verdict: 'allow' }, /verdict: must be 'accept', 'drop'/],
    [{ ...at, verdict: { jump: '' } }, /verdict\.jump: must be a name/],
    [{ ...at, nat: { dnat: { addr: '198.18.1.2', port: 80 } } }, /nat\.dnat\.port: port mapping needs match\.proto/],
    [{ ...at, nat: { dnat: { addr: '198.18.1.0/24' } } }, /nat\.dnat\.addr: must be an address \(no prefix\)/],
    [{ ...at, match: { ctState: ['sleepy'] }, verdict: 'drop' }, /match\.ctState\[0\]: must be one of/],
    [{ ...at, limit: { rate: 10, per: 'fortnight' } }, /limit\.per: must be one of second/],
    [{ ...at, match: { sport: 1, proto: 'tcp' }, frobnicate: 1 }, /frobnicate/],
    [{ ...at }, /rule: is empty/],
    [{ ...at, table: '', verdict: 'accept' }, /table: must be a name/],
    [{ ...at, position: 0, verdict: 'accept' }, /position: must be a rule handle/],
  ];
  for (const [spec, re] of cases) {
    t.throws(() => nft.transaction().rule.add(spec), re, re.source);
    await t.rejects(nft.rule.add(spec), re);
  }
  await t.rejects(nft.rule.del({ ...at, handle: -1 }), /nft\.rule\.del: handle: must be a rule handle/);
  await t.rejects(nft.rule.list({ chain: 'c' }), /nft\.rule\.list: table: needed with chain/);
  t.equal(nftRuleset(ns).length, 0, 'nothing reached the kernel');
});

t.test('a jump to a chain that does not exist: the kernel refuses it, naming the rule; nothing applied', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  await nft.table.add({ family: 'ip', name: 't' });
  await nft.chain.add({ family: 'ip', table: 't', name: 'c', type: 'filter', hook: 'forward', priority: 0 });
  const before = nftRuleset(ns);
  const tx = nft.transaction();
  for (let i = 1; i <= 4; i++) tx.rule.add({ family: 'ip', table: 't', chain: 'c', match: { proto: 'udp', dport: i }, verdict: 'accept' });
  tx.rule.add({ family: 'ip', table: 't', chain: 'c', verdict: { jump: 'nowhere' } });
  tx.rule.add({ family: 'ip', table: 't', chain: 'c', verdict: 'drop' });
  const e = await tx.commit().catch((x) => x);
  t.ok(e instanceof NftBatchError, 'NftBatchError');
  t.equal(e.code, 'ENOENT');
  t.equal(e.index, 4, 'the 5th message');
  t.equal(e.object, 'rule ip t c');
  t.match(e.message, /message 4 of 6 \(rule\.add rule ip t c\)/);
  t.same(nftRuleset(ns), before, 'the ruleset is exactly as before');
});

t.test('rules nft wrote that netloom has no reading for come back as expressions', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  nftRun(ns, 'add', 'table', 'ip', 'x');
  nftRun(ns, 'add', 'chain', 'ip', 'x', 'c');
  nftRun(ns, 'add', 'rule', 'ip', 'x', 'c', 'ip', 'ttl', '1', 'drop');
  const [r] = await nft.rule.list({ family: 'ip', table: 'x' });
  t.equal(r.recognised, false);
  t.equal(r.match, undefined, 'no half reading');
  t.same(r.exprs.map((e) => e.kind), ['payload', 'cmp', 'verdict']);
  t.same(r.exprs[0], { kind: 'payload', base: 'network', offset: 8, len: 1, dreg: 1 }, 'ip ttl: one byte at offset 8');
  // And the expressions can be written back as they are.
  await nft.rule.add({ family: 'ip', table: 'x', chain: 'c', exprs: r.exprs });
  const texts = nftText(ns).split('\n').filter((l) => l.includes('ttl'));
  t.same(texts.map((l) => l.trim()), ['ip ttl 1 drop', 'ip ttl 1 drop'], 'nft reads the copy as the same rule');
});
