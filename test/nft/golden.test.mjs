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

const require = createRequire(import.meta.url);
const fixtures = require('../fixtures/nft/rules.json');

const BODIES = {
  'saddr-24': { match: { saddr: '198.18.1.0/24' }, verdict: 'accept' },
  'saddr-23': { match: { saddr: '198.18.0.0/23' }, verdict: 'accept' },
  'daddr-host-not': { match: { daddr: { not: '198.18.1.2' } }, verdict: 'drop' },
  'ip6-saddr-64': { match: { saddr: '2001:db8:1::/64' }, verdict: 'accept' },
  'ip6-daddr-62': { match: { daddr: '2001:db8::/62' }, verdict: 'drop' },
  'inet-saddr-v4': { match: { saddr: '198.18.1.0/24' }, verdict: 'accept' },
  'inet-daddr-v6': { match: { daddr: '2001:db8::1' }, verdict: 'accept' },
  iifname: { match: { iifname: 'br0' }, verdict: 'accept' },
  'iifname-prefix': { match: { iifname: 'veth*' }, verdict: 'accept' },
  'oifname-not': { match: { oifname: { not: 'br0' } }, verdict: 'drop' },
  'iif-index': { match: { iif: 1 }, verdict: 'accept' },
  mark: { match: { mark: 0x10 }, verdict: 'accept' },
  'proto-only': { match: { proto: 'udp' }, verdict: 'accept' },
  'tcp-dport': { match: { proto: 'tcp', dport: 8080 }, verdict: 'accept' },
  'tcp-dport-range': { match: { proto: 'tcp', dport: [1000, 2000] }, verdict: 'accept' },
  'tcp-dport-not': { match: { proto: 'tcp', dport: { not: 22 } }, verdict: 'drop' },
  'udp-sport-not-range': { match: { proto: 'udp', sport: { not: [1000, 2000] } }, verdict: 'drop' },
  'ct-established-related': { match: { ctState: ['established', 'related'] }, verdict: 'accept' },
  'ct-not-established': { match: { ctState: { not: ['established'] } }, verdict: 'drop' },
  'ct-new': { match: { ctState: ['new'] }, verdict: 'accept' },
  limit: { limit: { rate: 10, per: 'second', burst: 5 }, verdict: 'accept' },
  'limit-over': { limit: { rate: 100, per: 'minute', burst: 5, over: true }, verdict: 'drop' },
  counter: { counter: true, verdict: 'accept' },
  'log-prefix-level': { log: { prefix: 'netloom: ', level: 'warn' }, verdict: 'accept' },
  'log-plain': { log: true },
  'reject-default': { verdict: { reject: 'icmp-port-unreachable' } },
  'reject-tcp-reset': { match: { proto: 'tcp', dport: 22 }, verdict: { reject: 'tcp-reset' } },
  'reject-inet': { verdict: { reject: 'icmp-port-unreachable' } },
  jump: { verdict: { jump: 'other' } },
  goto: { verdict: { goto: 'other' } },
  return: { verdict: 'return' },
  comment: { match: { proto: 'tcp', dport: 80 }, verdict: 'accept', comment: 'web' },
  many: { match: { iifname: 'br0', saddr: '198.18.1.0/24', proto: 'tcp', dport: 22, ctState: ['new'] }, counter: true, verdict: 'accept' },
  masquerade: { match: { oifname: { not: 'br0' }, saddr: '198.18.1.0/24' }, nat: { masquerade: true } },
  'masquerade-ports-random': { match: { proto: 'tcp' }, nat: { masquerade: { ports: [1024, 2048], random: true } } },
  'masquerade-flags': { nat: { masquerade: { fullyRandom: true, persistent: true } } },
  'snat-host': { match: { saddr: '198.18.1.2' }, nat: { snat: { addr: '198.18.0.10' } } },
  'snat-port': { match: { proto: 'udp' }, nat: { snat: { addr: '198.18.0.10', port: 5353 } } },
  'snat-range': { nat: { snat: { addr: ['198.18.0.10', '198.18.0.20'] } } },
  'dnat-port': { match: { iifname: { not: 'br0' }, proto: 'tcp', dport: 8080 }, nat: { dnat: { addr: '198.18.1.2', port: 80 } } },
  'dnat-host': { match: { daddr: '198.18.0.10' }, nat: { dnat: { addr: '198.18.1.2' } } },
  'dnat-range': { match: { proto: 'tcp', dport: 80 }, nat: { dnat: { addr: ['198.18.1.2', '198.18.1.3'], port: [8080, 8081] } } },
  redirect: { match: { proto: 'tcp', dport: 22 }, nat: { redirect: { port: 2222 } } },
  'redirect-plain': { match: { proto: 'tcp' }, nat: { redirect: true } },
  'inet-dnat-v4': { match: { proto: 'tcp', dport: 8080 }, nat: { dnat: { addr: '198.18.1.2', port: 80 } } },
};

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
    t.same(rest, want, 'decompiles to the same body');
    t.equal(comment, undefined, 'the comment is userdata, not an expression');
  });
}
