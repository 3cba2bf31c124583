// nf_tables sets and maps on the real kernel, each test in throwaway
// namespaces, witnessed by nft(8): every case of the set fixtures done by
// `nft -f` in one namespace and by a netloom transaction in another leaves
// the same ruleset (`nft -j list ruleset`); elements read back typed as they
// were given (prefixes, ranges, map values, verdicts, timeouts); rules look
// addresses, ports, names and marks up in sets and verdict maps; a set of
// addresses in a drop rule stops a ping until its element is deleted;
// mistakes are refused before the kernel with the field named.
import t from 'tap';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { netns } from '../../dist/index.js';
import { nftRun, nftRuleset, nftSandbox, nftText } from '../helpers/nft.mjs';
import { natNet } from '../helpers/natnet.mjs';
import { SET_CASES } from '../helpers/nft-set-bodies.mjs';

const require = createRequire(import.meta.url);
const fixtures = require('../fixtures/nft/sets.json');

function nftFile(t, ns, lines) {
  const dir = mkdtempSync(join(tmpdir(), 'netloom-nft-sets-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'sets.nft');
  writeFileSync(file, `${lines.join('\n')}\n`);
  nftRun(ns, '-f', file);
}

const skeleton = (f) => [`add table ${f} t`, `add chain ${f} t other`, `add chain ${f} t c { type filter hook input priority filter; }`];
// Expiry counts down; everything else must be the same.
const steady = (o) => JSON.parse(JSON.stringify(o, (k, v) => (k === 'expires' ? undefined : v)));

/** The elements a case gave set.add or elements.add. */
function givenElements(name) {
  let elements;
  const spy = { set: { add: (spec) => ((elements = spec.elements), spy), elements: { add: (_r, l) => ((elements = l), spy), del: () => spy }, del: () => spy }, rule: { add: () => spy } };
  SET_CASES[name].run(spy);
  return SET_CASES[name].elements ?? elements;
}

t.test(`${fixtures.length} set cases: netloom and nft -f leave the same ruleset, and elements read back as given`, async (t) => {
  for (const f of fixtures) {
    const byNft = await netns.create();
    t.teardown(() => byNft.close());
    const { ns, nft } = await nftSandbox(t);
    for (const n of [byNft, ns]) nftFile(t, n, [...skeleton(f.family), ...f.setup]);
    nftFile(t, byNft, f.commands);
    const tx = nft.transaction();
    SET_CASES[f.name].run(tx);
    await tx.commit();
    const strip = (rs) => steady(rs).map((o) => (o.set?.elem ? { set: { ...o.set, elem: o.set.elem.map((e) => e.elem?.expires === undefined ? e : { elem: { ...e.elem, expires: 0 } }) } } : o));
    t.same(strip(nftRuleset(ns)), strip(nftRuleset(byNft)), `${f.name}: nft -j list ruleset is the same`);
    const [set] = await nft.set.list({ family: f.family, table: 't' });
    const given = givenElements(f.name);
    if (set !== undefined && given !== undefined) {
      const bare = (e) => (typeof e === 'object' && !Array.isArray(e) && Object.keys(e).length === 1 ? e.key : e);
      const listed = steady(await nft.set.elements.list({ family: f.family, table: 't', name: set.name })).map(bare);
      const want = steady(given).map((e) => (typeof e === 'object' && !Array.isArray(e) && e.timeout === undefined && set.timeout !== undefined ? e.key : e));
      const order = (l) => [...l].map((e) => JSON.stringify(e)).sort();
      t.same(order(listed), order(want), `${f.name}: elements.list reads them back`);
    }
  }
});

t.test('set.list: each key type, map and flags as the kernel holds them', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  await nft.table.add({ family: 'inet', name: 'f' });
  const types = ['ipv4_addr', 'ipv6_addr', 'inet_service', 'inet_proto', 'ifname', 'ether_addr', 'mark'];
  const tx = nft.transaction();
  for (const type of types) tx.set.add({ family: 'inet', table: 'f', name: type, type });
  tx.set.add({ family: 'inet', table: 'f', name: 'vm', type: 'inet_service', map: 'verdict' });
  tx.set.add({ family: 'inet', table: 'f', name: 'dn', type: 'ipv4_addr', map: 'ipv4_addr', flags: { interval: true } });
  tx.set.add({ family: 'inet', table: 'f', name: 'tm', type: 'ipv6_addr', timeout: 30000, comment: 'expiring' });
  await tx.commit();
  const sets = await nft.set.list({ family: 'inet' });
  t.same(sets.map((s) => [s.name, s.type]), [...types.map((ty) => [ty, ty]), ['vm', 'inet_service'], ['dn', 'ipv4_addr'], ['tm', 'ipv6_addr']]);
  t.equal(sets.find((s) => s.name === 'vm').map, 'verdict');
  t.same(sets.find((s) => s.name === 'dn').flags, { interval: true, constant: false, timeout: false, anonymous: false });
  t.match(sets.find((s) => s.name === 'tm'), { timeout: 30000, comment: 'expiring', flags: { timeout: true } });
  const listed = (what) => JSON.parse(nftRun(ns, '-j', 'list', what)).nftables.flatMap((o) => (o.set ?? o.map ? [o.set ?? o.map] : [])).map((s) => [s.name, s.type, s.map]);
  t.same([...listed('sets'), ...listed('maps')], [...sets.filter((s) => !s.map), ...sets.filter((s) => s.map)].map((s) => [s.name, s.type, s.map]), 'nft -j list sets, list maps: the same names, types and maps');
  t.same(await nft.set.list({ family: 'ip' }), [], 'none in another family');
});

t.test('elements add, del and list: prefixes, ranges, single addresses, an interval to the end', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  await nft.table.add({ family: 'ip', name: 't' });
  const ref = { family: 'ip', table: 't', name: 'nets' };
  await nft.set.add({ ...ref, type: 'ipv4_addr', flags: { interval: true }, elements: ['198.18.1.0/24'] });
  await nft.set.elements.add(ref, [['198.18.2.1', '198.18.2.9'], '198.18.4.4', '255.255.255.0/24', '198.19.0.0/16']);
  t.same(await nft.set.elements.list(ref), ['198.18.1.0/24', ['198.18.2.1', '198.18.2.9'], '198.18.4.4', '198.19.0.0/16', '255.255.255.0/24']);
  const elem = JSON.parse(nftRun(ns, '-j', 'list', 'set', 'ip', 't', 'nets')).nftables.find((o) => o.set).set.elem;
  t.same(elem, [{ prefix: { addr: '198.18.1.0', len: 24 } }, { range: ['198.18.2.1', '198.18.2.9'] }, '198.18.4.4', { prefix: { addr: '198.19.0.0', len: 16 } }, { prefix: { addr: '255.255.255.0', len: 24 } }], 'nft reads the same intervals');
  await nft.set.elements.del(ref, ['198.18.4.4', ['198.18.2.1', '198.18.2.9']]);
  t.same(await nft.set.elements.list(ref), ['198.18.1.0/24', '198.19.0.0/16', '255.255.255.0/24']);
  await t.rejects(nft.set.elements.del(ref, ['198.18.4.4']), { code: 'ENOENT' }, 'deleting a missing element is ENOENT');
  const ports = { family: 'ip', table: 't', name: 'ports' };
  await nft.set.add({ ...ports, type: 'inet_service', flags: { interval: true }, elements: [[0, 1023], 8080, [60000, 65535]] });
  t.same(await nft.set.elements.list(ports), [[0, 1023], 8080, [60000, 65535]]);
  t.match(nftText(ns), /elements = \{ 0-1023, 8080, 60000-65535 \}/, 'nft lists the same ports');
  const m = { family: 'ip', table: 't', name: 'm' };
  await nft.set.add({ ...m, type: 'inet_service', map: 'inet_service' });
  await nft.set.elements.add(m, [{ key: 80, value: 8080 }, { key: 443, value: 8443 }]);
  await nft.set.elements.del(m, [{ key: 80, value: 8080 }]);
  t.same(await nft.set.elements.list(m), [{ key: 443, value: 8443 }]);
  await nft.set.del(m);
  t.same((await nft.set.list()).map((s) => s.name), ['nets', 'ports'], 'set.del deletes it');
});

t.test('rules look sets up, and read back as written; a set in use cannot be deleted', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  const tx = nft.transaction();
  tx.table.add({ family: 'inet', name: 'f' });
  tx.chain.add({ family: 'inet', table: 'f', name: 'in', hook: 'input', priority: 'filter' });
  tx.set.add({ family: 'inet', table: 'f', name: 'v4', type: 'ipv4_addr', elements: ['198.18.0.1'] });
  tx.set.add({ family: 'inet', table: 'f', name: 'v6', type: 'ipv6_addr', flags: { interval: true }, elements: ['2001:db8::/32'] });
  tx.set.add({ family: 'inet', table: 'f', name: 'ports', type: 'inet_service', elements: [22, 80] });
  tx.set.add({ family: 'inet', table: 'f', name: 'ifs', type: 'ifname', elements: ['lo'] });
  tx.set.add({ family: 'inet', table: 'f', name: 'marks', type: 'mark', elements: [1] });
  tx.set.add({ family: 'inet', table: 'f', name: 'vm', type: 'inet_service', map: 'verdict', elements: [{ key: 22, value: 'accept' }] });
  const bodies = [
    { match: { saddr: { set: 'v4', family: 'ip' } }, verdict: 'accept' },
    { match: { daddr: { not: { set: 'v6', family: 'ip6' } } }, verdict: 'drop' },
    { match: { proto: 'tcp', sport: { set: 'ports' } }, verdict: 'accept' },
    { match: { iifname: { set: 'ifs' }, oifname: { not: { set: 'ifs' } } }, verdict: 'accept' },
    { match: { mark: { set: 'marks' } }, counter: true, verdict: 'drop' },
    { match: { proto: 'tcp' }, verdict: { vmap: { set: 'vm', key: 'dport' } } },
  ];
  for (const b of bodies) tx.rule.add({ family: 'inet', table: 'f', chain: 'in', ...b });
  await tx.commit();
  const text = nftText(ns);
  for (const line of ['ip saddr @v4 accept', 'ip6 daddr != @v6 drop', 'tcp sport @ports accept', 'iifname @ifs oifname != @ifs accept', 'meta mark @marks counter packets 0 bytes 0 drop', 'tcp dport vmap @vm'])
    t.ok(text.includes(line), `nft list ruleset: ${line}`);
  const rules = await nft.rule.list({ family: 'inet', table: 'f' });
  t.same(rules.map((r) => r.recognised), bodies.map(() => true));
  t.same(rules.map(({ match, verdict }) => ({ match, verdict })), bodies.map(({ match, verdict }) => ({ match, verdict })), 'each reads back as its body');
  await t.rejects(nft.set.del({ family: 'inet', table: 'f', name: 'v4' }), { code: 'EBUSY' }, 'a set a rule uses is EBUSY');
});

t.test('a drop rule on a set of addresses stops a ping until the address leaves the set', async (t) => {
  const { inside, nft } = await natNet(t, { outsideRoute: true });
  t.equal((await inside.ping('198.18.2.2', { count: 1, timeout: 1000 })).received, 1, 'routed before any rule');
  const blocked = { family: 'inet', table: 'filter', name: 'blocked' };
  const tx = nft.transaction();
  tx.table.add({ family: 'inet', name: 'filter', owner: 'sets-test' });
  tx.chain.add({ family: 'inet', table: 'filter', name: 'forward', hook: 'forward', priority: 'filter' });
  tx.set.add({ ...blocked, type: 'ipv4_addr', flags: { interval: true }, elements: ['198.18.2.0/30'] });
  tx.rule.add({ family: 'inet', table: 'filter', chain: 'forward', match: { daddr: { set: 'blocked', family: 'ip' } }, counter: true, verdict: 'drop' });
  await tx.commit();
  t.equal((await inside.ping('198.18.2.2', { count: 2, interval: 20, timeout: 400 })).received, 0, 'no reply while 198.18.2.0/30 is in the set');
  t.equal((await nft.rule.list({ family: 'inet', table: 'filter' }))[0].counter.packets, 2, 'both echo requests dropped');
  await nft.set.elements.del(blocked, ['198.18.2.0/30']);
  await nft.set.elements.add(blocked, ['198.18.3.0/24']);
  t.equal((await inside.ping('198.18.2.2', { count: 1, timeout: 1000 })).received, 1, 'replies again once it is not');
});

t.test('mistakes are refused before the kernel, naming the field; nothing is left behind', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  await nft.table.add({ family: 'ip', name: 't' });
  const before = nftText(ns);
  const s = (extra) => ({ family: 'ip', table: 't', name: 's', type: 'ipv4_addr', ...extra });
  await t.rejects(nft.set.add(s({ elements: ['2001:db8::1'] })), { name: 'TypeError', message: /elements\[0\]: must be an IPv4 address \(the set is ipv4_addr\)/ });
  await t.rejects(nft.set.add(s({ type: 'inet_service', elements: [22, 70000] })), { name: 'TypeError', message: /elements\[1\]: must be a port 0\.\.65535, got 70000/ });
  await t.rejects(nft.set.add(s({ flags: { interval: true }, elements: ['198.18.1.1/24'] })), { name: 'TypeError', message: /elements\[0\]: 198\.18\.1\.1\/24 has host bits set/ });
  await t.rejects(nft.set.add(s({ elements: ['198.18.1.0/24'] })), { name: 'TypeError', message: /elements\[0\]: "198\.18\.1\.0\/24" is an interval: the set needs flags\.interval/ });
  await t.rejects(nft.set.add(s({ elements: [['198.18.1.1', '198.18.1.9']] })), { name: 'TypeError', message: /needs flags\.interval/ });
  await t.rejects(nft.set.add(s({ flags: { interval: true }, elements: ['198.18.1.0/24', '198.18.1.7'] })), { name: 'TypeError', message: /elements\[1\]: overlaps elements\[0\]/ });
  await t.rejects(nft.set.add(s({ type: 'ipv5_addr' })), { name: 'TypeError', message: /type: must be one of ipv4_addr/ });
  await t.rejects(nft.set.add(s({ map: 'verdict', elements: [{ key: '198.18.0.1', value: 'maybe' }] })), { name: 'TypeError', message: /elements\[0\]\.value: must be a verdict/ });
  await t.rejects(nft.set.add(s({ elements: [{ key: '198.18.0.1', timeout: 1000 }] })), { name: 'TypeError', message: /elements\[0\]\.timeout: the set needs flags\.timeout/ });
  await t.rejects(nft.set.add(s({ type: 'ifname', flags: { interval: true } })), { name: 'TypeError', message: /flags\.interval: interval sets of ifname/ });
  await t.rejects(nft.rule.add({ family: 'inet', table: 't', chain: 'c', match: { saddr: { set: 's' } }, verdict: 'drop' }), { name: 'TypeError', message: /match\.saddr\.family: a set lookup on an address in a inet table needs/ });
  await t.rejects(nft.rule.add({ family: 'ip', table: 't', chain: 'c', match: { dport: { set: 's' } }, verdict: 'drop' }), { name: 'TypeError', message: /match\.dport: ports need match\.proto/ });
  t.equal(nftText(ns), before, 'nothing reached the kernel');
  await nft.set.add(s({}));
  await t.rejects(nft.set.elements.add({ family: 'ip', table: 't', name: 's' }, ['2001:db8::1']), { name: 'TypeError', message: /nft\.set\.elements\.add: elements\[0\]: must be an IPv4 address/ }, 'the type read from the kernel checks added elements');
  await t.rejects(nft.set.add(s({})), { code: 'EEXIST' });
  await t.rejects(nft.set.elements.list({ family: 'ip', table: 't', name: 'nope' }), { code: 'ENOENT' });
  t.throws(() => nft.transaction().set.elements.add({ family: 'ip', table: 't', name: 's' }, ['198.18.0.1']), { name: 'TypeError', message: /was not created in this transaction: give its type/ });
  await nft.set.del({ family: 'ip', table: 't', name: 's' });
  t.equal(nftText(ns), before, 'set.del leaves the table as it was');
});

t.test('apply: declared sets are made before the chains, compared with what the kernel holds, replaced when they differ', async (t) => {
  const { ns, nft } = await nftSandbox(t);
  const ruleset = (extra) => ({
    owner: 'sets-test',
    tables: [
      {
        family: 'inet',
        name: 'f',
        sets: [
          { name: 'allowed', type: 'ipv4_addr', flags: { interval: true }, elements: ['198.18.0.0/24', ...extra] },
          { name: 'tm', type: 'ipv4_addr', timeout: 60000, elements: ['198.18.0.1', { key: '198.18.0.2', timeout: 5000 }] },
          { name: 'vm', type: 'inet_service', map: 'verdict', elements: [{ key: 22, value: 'accept' }] },
        ],
        chains: [
          {
            name: 'in',
            hook: 'input',
            priority: 'filter',
            rules: [{ match: { saddr: { set: 'allowed', family: 'ip' } }, verdict: 'accept' }, { match: { proto: 'tcp' }, verdict: { vmap: { set: 'vm', key: 'dport' } } }],
          },
        ],
      },
    ],
  });
  t.same((await nft.apply(ruleset([]))).created, ['inet f']);
  t.same((await nft.apply(ruleset([]))).unchanged, ['inet f'], 'the same sets and elements: unchanged');
  t.same((await nft.apply(ruleset(['198.18.5.5']))).replaced, ['inet f'], 'one more element: replaced');
  t.match(nftText(ns), /elements = \{ 198\.18\.0\.0\/24, 198\.18\.5\.5 \}/);
  await t.rejects(nft.apply({ owner: 'x', tables: [{ family: 'ip', name: 't', sets: [{ name: 's', type: 'ipv4_addr', elements: ['2001:db8::1'] }] }] }), { name: 'TypeError', message: /tables\[0\]\.sets\[0\]: elements\[0\]: must be an IPv4 address/ });
  t.same((await nft.apply({ owner: 'sets-test', tables: [] })).removed, ['inet f']);
  t.same(nftRuleset(ns), [], 'nothing left behind');
});
