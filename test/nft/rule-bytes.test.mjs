// The fast paths of rule encoding (no privileges needed) make the bytes the
// plain ones make: expressions filled into per-shape templates
// (lib/nft/expr-bytes.ts) equal the codec's encoding of each expression, for
// many constants; and apply()'s rule payloads (createMessages, one native
// encodeRules call per chain) equal what nft 1.0.6 sent for the same rules
// (test/fixtures/nft/rules.json), every byte after the netlink header.
import t from 'tap';
import { createRequire } from 'node:module';
import { native, constant } from '../../dist/netlink/native.js';
import { compileRule } from '../../dist/nft/compile.js';
import { exprListBytes } from '../../dist/nft/expr-bytes.js';
import { encodeExpr } from '../../dist/nft/expr-codec.js';
import { checkRuleset, createMessages } from '../../dist/nft/ruleset.js';
import { BODIES } from '../helpers/nft-bodies.mjs';

const require = createRequire(import.meta.url);
const fixtures = require('../fixtures/nft/rules.json');

const exact = (exprs) => (exprs.length === 0 ? Buffer.alloc(0) : native.nft.encodeExprs(exprs.map(encodeExpr)));

t.test('templates with holes give each expression the bytes the codec gives it', async (t) => {
  // A small deterministic generator: every byte field takes many values.
  let seed = 7;
  const next = (n) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const bodies = [];
  for (let i = 0; i < 300; i++) {
    const v4 = `198.${18 + next(2)}.${next(256)}.${next(256)}`;
    // A prefix with its host bits clear (as the check wants).
    const len = 15 + next(18);
    const n = (((198 << 24) | ((18 + next(2)) << 16) | (next(65536) & ~((2 ** (32 - len) - 1) >>> 0))) >>> 0) & ~(2 ** (32 - len) - 1);
    const net = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${len}`;
    const bits = 33 + next(15);
    bodies.push(
      ['ip', { match: { saddr: net, proto: 'tcp', dport: 1 + next(65535) }, verdict: 'accept' }],
      ['ip', { match: { daddr: { not: v4 }, sport: [1 + next(1000), 1001 + next(60000)] }, verdict: 'drop' }],
      ['ip', { match: { proto: 'udp', sport: { not: [1 + next(1000), 1001 + next(60000)] } }, counter: true, verdict: 'drop' }],
      ['ip6', { match: { saddr: `2001:db8:${(next(65536) & ~((1 << (48 - bits)) - 1)).toString(16)}::/${bits}`, mark: next(2 ** 32) }, verdict: 'accept' }],
      ['inet', { match: { iifname: `veth${next(1000)}`, ctState: ['established', 'related'].slice(next(2)) }, verdict: 'accept' }],
      ['inet', { match: { oif: 1 + next(1000), proto: 'tcp', dport: 1 + next(65535) }, nat: { dnat: { addr: v4, port: [1 + next(1000), 1001 + next(1000)] } } }],
      ['ip', { nat: { snat: { addr: [v4, `198.19.${next(256)}.${next(256)}`], port: 1 + next(65535) } } }],
      ['ip', { match: { proto: 'tcp' }, nat: { redirect: { port: 1 + next(65535) } } }],
    );
  }
  const lists = bodies.map(([family, body]) => compileRule(body, family));
  // Plus raw IR: cmp and immediate data of every length the kernel takes, a bitwise, a range.
  for (let len = 1; len <= 16; len++) {
    const data = Buffer.from(Array.from({ length: len }, () => next(256)));
    lists.push([{ kind: 'cmp', sreg: 1, op: 'ge', data }, { kind: 'immediate', dreg: 2, data }, { kind: 'bitwise', sreg: 1, dreg: 1, len, mask: data, xor: Buffer.alloc(len, 0xaa) }]);
  }
  lists.push([{ kind: 'range', sreg: 1, op: 'eq', from: Buffer.from([0, 1]), to: Buffer.from([0xff, 0xfe]) }]);
  const { bytes, ends } = exprListBytes(lists);
  t.equal(ends.length, lists.length);
  let from = 0;
  const wrong = [];
  lists.forEach((exprs, i) => {
    if (!bytes.subarray(from, ends[i]).equals(exact(exprs))) wrong.push(i);
    from = ends[i];
  });
  t.same(wrong, [], 'every list byte for byte');
});

for (const family of ['ip', 'ip6', 'inet']) {
  t.test(`apply's rule payloads in a ${family} table are nft's`, async (t) => {
    const mine = fixtures.filter((f) => f.family === family);
    const decls = checkRuleset('test', {
      owner: 'golden',
      tables: [{ family, name: 't', chains: [{ name: 'c', rules: mine.map((f) => BODIES[f.name]) }, { name: 'other' }] }],
    });
    const rules = createMessages(decls[0]).filter((m) => m.type === ((constant('NFNL_SUBSYS_NFTABLES') << 8) | constant('NFT_MSG_NEWRULE')));
    t.equal(rules.length, mine.length, 'one NEWRULE per rule');
    mine.forEach((f, i) => {
      const theirs = Buffer.from(f.hex, 'hex');
      const batch = native.nft.encodeBatch([rules[i]]);
      const first = batch.readUInt32LE(0);
      const ours = batch.subarray(first, first + batch.readUInt32LE(first));
      const ignored = constant('NLM_F_ACK') | constant('NLM_F_ECHO');
      t.equal(ours.readUInt16LE(6) & ~ignored, theirs.readUInt16LE(6) & ~ignored, `${f.name}: flags`);
      t.equal(ours.subarray(16).toString('hex'), theirs.subarray(16).toString('hex'), `${f.name}: ${f.rule}`);
    });
  });
}

t.test('encodeRules checks what it is given', async (t) => {
  const type = (constant('NFNL_SUBSYS_NFTABLES') << 8) | constant('NFT_MSG_NEWRULE');
  const head = { header: { nfgenFamily: constant('NFPROTO_IPV4') }, attrs: { table: 't', chain: 'c' } };
  t.throws(() => native.nft.encodeRules(type, head, Buffer.alloc(4), new Uint32Array([8])), /out of order or past exprs/);
  t.throws(() => native.nft.encodeRules(type + 1, head, Buffer.alloc(0), new Uint32Array(0)), /NFT_MSG_NEWRULE/);
  t.throws(() => native.nft.encodeRules(type, head, Buffer.alloc(0), new Uint32Array([0]), ['x']), /userdata\[0\]/);
  const { bytes, ends } = native.nft.encodeRules(type, head, Buffer.alloc(0), new Uint32Array([0, 0]));
  t.equal(ends.length, 2);
  t.same(bytes.subarray(0, ends[0]), bytes.subarray(ends[0], ends[1]), 'two empty rules alike');
});
