// Rule golden bytes (no privileges needed): the NFT_MSG_NEWRULE netloom
// sends for a typed rule body, compared byte for byte with what nft 1.0.6
// sent for the same rule (test/fixtures/nft/rules.json, captured with strace
// by tools/capture-nft.mjs). Everything after the netlink header must be
// identical: nfgenmsg, table, chain, every expression in nft's order, and the
// comment's userdata. In the header only nlmsg_seq/pid differ, and the flags
// by NLM_F_ACK (netloom asks every member for one) and NLM_F_ECHO (netloom
// asks for the new rule's handle). Then each rule is decompiled back into the
// same body.
import t from 'tap';
import { createRequire } from 'node:module';
import { native, constant } from '../../dist/netlink/native.js';
import { compileRule } from '../../dist/nft/compile.js';
import { decompileRule } from '../../dist/nft/decompile.js';
import { decodeExpr } from '../../dist/nft/expr-codec.js';
import { newRule } from '../../dist/nft/encode.js';
import { checkRuleBody } from '../../dist/nft/rule-check.js';
import { BODIES } from '../helpers/nft-bodies.mjs';

const require = createRequire(import.meta.url);
const fixtures = require('../fixtures/nft/rules.json');

/** netloom's NEWRULE for a body, as the bytes it would send in a batch. */
function netloomBytes(family, body) {
  checkRuleBody('golden', body, family);
  const m = newRule(family, 't', 'c', compileRule(body, family), body.comment, { insert: false });
  const batch = native.nft.encodeBatch([m]);
  const first = batch.readUInt32LE(0);
  return batch.subarray(first, first + batch.readUInt32LE(first));
}

t.test('every fixture has a netloom body', async (t) => {
  t.same(fixtures.map((f) => f.name).filter((n) => !(n in BODIES)), []);
  t.same(Object.keys(BODIES).filter((n) => !fixtures.some((f) => f.name === n)), []);
});

for (const f of fixtures) {
  t.test(`${f.name}: ${f.rule}`, async (t) => {
    const theirs = Buffer.from(f.hex, 'hex');
    const ours = netloomBytes(f.family, BODIES[f.name]);
    t.equal(ours.readUInt16LE(4), theirs.readUInt16LE(4), 'NFT_MSG_NEWRULE');
    const ignored = constant('NLM_F_ACK') | constant('NLM_F_ECHO');
    t.equal(ours.readUInt16LE(6) & ~ignored, theirs.readUInt16LE(6) & ~ignored, 'flags: REQUEST|CREATE|APPEND');
    t.equal(ours.subarray(16).toString('hex'), theirs.subarray(16).toString('hex'), 'every byte after the netlink header');
    // And back: the kernel's view of nft's rule reads as the same body.
    const [msg] = native.nft.decode(theirs);
    const exprs = msg.attrs.expressions.elem.map(decodeExpr);
    const { comment, ...rest } = decompileRule(exprs, f.family) ?? { unrecognised: true };
    const want = { ...BODIES[f.name] };
    delete want.comment;
    if (want.counter === true) want.counter = { packets: 0, bytes: 0 };
    if (want.limit && want.limit.burst === undefined) want.limit.burst = 5;
    // warn is the level the kernel logs at when none is given: read as the default.
    if (want.log?.level === 'warn') delete (want.log = { ...want.log }).level;
    t.same(rest, want, 'decompiles to the same body');
    t.equal(comment, undefined, 'the comment is userdata, not an expression');
  });
}
