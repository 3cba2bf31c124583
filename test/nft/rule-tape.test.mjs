// The rule dump reader (lib/nft/rule-tape.ts) reads every rule exactly as
// decodeRule reads the materialized message (no privileges needed): nft's
// own rules (test/fixtures/nft/rules.json), netloom's compiled bodies with
// comments, many constants, and expressions the reader leaves to decodeExpr
// (payload and meta writes, unknown operators, verdict codes and kinds,
// lookups, NAT), with other messages between them.
import t from 'tap';
import { createRequire } from 'node:module';
import { native, constant } from '../../dist/netlink/native.js';
import { decodeRule } from '../../dist/nft/decode.js';
import { rulesFromTape } from '../../dist/nft/rule-tape.js';
import { checkRuleset, createMessages } from '../../dist/nft/ruleset.js';
import { BODIES } from '../helpers/nft-bodies.mjs';

const require = createRequire(import.meta.url);
const fixtures = require('../fixtures/nft/rules.json');
const NEWRULE = (constant('NFNL_SUBSYS_NFTABLES') << 8) | constant('NFT_MSG_NEWRULE');

function compare(t, buf, what) {
  const generic = native.nft.decode(buf).filter((m) => m.type === NEWRULE).map(decodeRule);
  const { items, interrupted } = rulesFromTape(native.nft.decodeTape(buf));
  t.equal(interrupted, false, `${what}: not interrupted`);
  t.equal(items.length, generic.length, `${what}: every rule`);
  t.strictSame(items, generic, `${what}: read as decodeRule reads them`);
  return items;
}

t.test("nft's rules", async (t) => {
  const items = compare(t, Buffer.concat(fixtures.map((f) => Buffer.from(f.hex, 'hex'))), 'fixtures');
  t.ok(items.filter((r) => r.recognised).length >= fixtures.length - 2, 'and they are recognised');
});

t.test("netloom's compiled rules, with other messages between them", async (t) => {
  for (const family of ['ip', 'ip6', 'inet']) {
    const rules = fixtures.filter((f) => f.family === family).map((f) => BODIES[f.name]);
    for (let p = 1; p <= 500; p += 7) rules.push({ match: { proto: 'udp', sport: p, dport: [p, p + 10] }, counter: { packets: p, bytes: 2 * p }, verdict: p % 2 ? 'drop' : { jump: 'other' }, comment: `rule ${p}` });
    const [d] = checkRuleset('test', { owner: 'tape', tables: [{ family, name: 't', chains: [{ name: 'c', rules }, { name: 'other' }] }] });
    compare(t, native.nft.encodeBatch(createMessages(d)), family);
  }
});

t.test('expressions the reader leaves to decodeExpr', async (t) => {
  const value = (b) => ({ value: Buffer.from(b) });
  const exprs = [
    [{ kind: 'unknown', name: 'payload', data: { sreg: 1, base: 1, offset: 12, len: 4, csumType: 1, csumOffset: 10 } }],
    [{ kind: 'unknown', name: 'meta', data: { key: 3, sreg: 1 } }],
    [{ kind: 'unknown', name: 'cmp', data: { sreg: 1, op: 77, data: value([1]) } }],
    [{ kind: 'unknown', name: 'cmp', data: { sreg: 1, op: 0 } }],
    [{ kind: 'unknown', name: 'immediate', data: { dreg: 0, data: { verdict: { code: 12345 } } } }],
    [{ kind: 'unknown', name: 'immediate', data: { dreg: 1 } }],
    [{ kind: 'verdict', verdict: { goto: 'other' } }, { kind: 'verdict', verdict: 'return' }],
    [{ kind: 'meta', key: 'l4proto', dreg: 1 }, { kind: 'lookup', sreg: 1, set: 's', invert: true }],
    [{ kind: 'ct', key: 'state', dreg: 1, direction: 'reply' }, { kind: 'limit', rate: 5, unit: 60, burst: 2, type: 'bytes', over: true }],
    [{ kind: 'immediate', dreg: 1, data: Buffer.from([198, 18, 0, 1]) }, { kind: 'nat', type: 'snat', family: 'ip', addrMin: 1, flags: 0 }],
    [{ kind: 'unknown', name: 'fib', data: { dreg: 1, result: 1, flags: 2 } }, { kind: 'log', prefix: 'x', group: 2 }],
  ];
  const [d] = checkRuleset('test', { owner: 'tape', tables: [{ family: 'ip', name: 't', chains: [{ name: 'c', rules: exprs.map((e) => ({ exprs: e })) }, { name: 'other' }] }] });
  const items = compare(t, native.nft.encodeBatch(createMessages(d)), 'exotic');
  t.ok(items.some((r) => r.exprs.some((e) => e.kind === 'unknown')), 'unknown expressions stay unknown');
});

t.test('an interrupted dump says so', async (t) => {
  const [d] = checkRuleset('test', { owner: 'tape', tables: [{ family: 'ip', name: 't', chains: [{ name: 'c', rules: [{ verdict: 'accept' }] }] }] });
  const buf = Buffer.from(native.nft.encodeBatch(createMessages(d)));
  // The first message's flags gain NLM_F_DUMP_INTR.
  buf.writeUInt16LE(buf.readUInt16LE(6) | constant('NLM_F_DUMP_INTR'), 6);
  t.equal(rulesFromTape(native.nft.decodeTape(buf)).interrupted, true);
  t.same(rulesFromTape(null), { items: [], interrupted: false });
});
