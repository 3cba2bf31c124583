// nft.apply(ruleset) on the real kernel: a declared ruleset made, left alone
// when unchanged (counters keep counting), replaced whole when it differs,
// its undeclared tables removed; other owners' tables never touched; a
// foreign table in the way and a jump to an undeclared chain refused before
// any change. nft(8) is the witness.
import t from 'tap';
import { masquerade, publishPort, allow, deny, NftBatchError } from '../../dist/index.js';
import { nftRun, nftRuleset, nftSandbox, nftText } from '../helpers/nft.mjs';

const ruleset = (extra = []) => ({
  owner: 'lab',
  tables: [
    {
      family: 'inet',
      name: 'lab',
      comment: 'the lab router',
      chains: [
        { name: 'pre', type: 'nat', hook: 'prerouting', priority: 'dstnat', rules: [publishPort({ proto: 'tcp', port: 8080, to: '198.18.1.2:80', notInIface: 'br0' })] },
        { name: 'post', type: 'nat', hook: 'postrouting', priority: 'srcnat', rules: [masquerade({ from: '198.18.1.0/24', notOutIface: 'br0' })] },
        {
          name: 'forward',
          hook: 'forward',
          priority: 'filter',
          policy: 'drop',
          rules: [{ match: { ctState: ['established', 'related'] }, verdict: 'accept' }, { verdict: { jump: 'from-lab' } }, ...extra],
        },
        { name: 'from-lab', rules: [allow({ iifname: 'br0', counter: true }), deny({ proto: 'tcp', dport: 25, reject: 'tcp-reset' })] },
      ],
    },
  ],
});

t.test('create, then unchanged, then replaced, then removed', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  const first = await nft.apply(ruleset());
  t.same([first.created, first.replaced, first.removed, first.unchanged], [['inet lab'], [], [], []]);
  const text = nftText(ns);
  t.match(text, /table inet lab \{\n\tcomment "netloom:lab the lab router"/);
  t.match(text, /iifname != "br0" tcp dport 8080 dnat ip to 198\.18\.1\.2:80/, 'nft reads the published port');
  t.match(text, /oifname != "br0" ip saddr 198\.18\.1\.0\/24 masquerade/);
  t.match(text, /chain forward \{\n\t\ttype filter hook forward priority filter; policy drop;\n\t\tct state established,related accept\n\t\tjump from-lab/);
  t.match(text, /tcp dport 25 reject with tcp reset/);
  const handle = nftRuleset(ns).find((o) => o.table).table.handle;

  const again = await nft.apply(ruleset());
  t.same([again.created, again.replaced, again.unchanged], [[], [], ['inet lab']], 'the same declaration changes nothing');
  t.equal(nftRuleset(ns).find((o) => o.table).table.handle, handle, 'the table was not made again');
  t.ok(again.generation >= first.generation);

  const changed = await nft.apply(ruleset([{ match: { proto: 'udp', dport: 53 }, verdict: 'accept' }]));
  t.same(changed.replaced, ['inet lab'], 'one more rule: replaced');
  t.match(nftText(ns), /udp dport 53 accept/);
  t.equal(nftRuleset(ns).filter((o) => o.table).length, 1, 'still one table');

  const gone = await nft.apply({ owner: 'lab', tables: [] });
  t.same(gone.removed, ['inet lab']);
  t.same(nftRuleset(ns), [], 'nothing left');
});

t.test('other owners are never touched; a foreign table in the way is refused', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  await nft.apply({ owner: 'other', tables: [{ family: 'ip', name: 'theirs', chains: [{ name: 'c' }] }] });
  nftRun(ns, 'add', 'table', 'inet', 'lab');
  const before = nftRuleset(ns);
  const e = await nft.apply(ruleset()).catch((x) => x);
  t.match(e.message, /table inet lab exists and is not made by netloom; nothing was changed/);
  t.equal(e.code, 'EEXIST');
  t.same(nftRuleset(ns), before, 'unchanged');
  nftRun(ns, 'delete', 'table', 'inet', 'lab');
  await nft.apply(ruleset());
  await nft.apply({ owner: 'lab', tables: [] });
  t.same(nftRuleset(ns).filter((o) => o.table).map((o) => o.table.name), ['theirs'], "removing lab's tables left other's");
});

t.test('checked whole before any change, fields named by path', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  const bad = ruleset();
  bad.tables[0].chains[2].rules.push({ verdict: { goto: 'nowhere' } });
  await t.rejects(nft.apply(bad), /nft\.apply: tables\[0\]\.chains\[2\]\.rules\[2\]: verdict\.goto: chain 'nowhere' is not declared in table inet lab/);
  const port = ruleset();
  port.tables[0].chains[0].rules[0].match.dport = 70000;
  await t.rejects(nft.apply(port), /tables\[0\]\.chains\[0\]\.rules\[0\]: match\.dport: must be an integer 0\.\.65535/);
  const prio = ruleset();
  prio.tables[0].chains[1].priority = 'soon';
  await t.rejects(nft.apply(prio), /tables\[0\]\.chains\[1\]: priority: /);
  await t.rejects(nft.apply({ owner: 'has space', tables: [] }), /owner: must match/);
  t.same(nftRuleset(ns), [], 'nothing reached the kernel');
  const dry = await nft.apply(ruleset(), { dryRun: true });
  t.same(dry.created, ['inet lab']);
  t.same(nftRuleset(ns), [], 'dryRun changes nothing');
});

t.test('a refused apply changes nothing', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  await nft.apply(ruleset());
  const before = nftRuleset(ns);
  // dnat in a filter chain: the kernel refuses it (nft checks the chain type only at commit).
  const bad = ruleset([{ match: { proto: 'tcp', dport: 1 }, nat: { dnat: { addr: '198.18.1.9' } } }]);
  const e = await nft.apply(bad).catch((x) => x);
  t.ok(e instanceof NftBatchError, `NftBatchError (${e.message})`);
  t.same(nftRuleset(ns), before, 'the old ruleset is still whole');
});
