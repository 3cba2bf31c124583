// Policy rules on the real kernel, witnessed by `ip -j rule show` and by
// `ip -j route get` (a rule really steers lookups to another table).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { NetlinkError } from '../../dist/index.js';
import { ipJson, ipText, sandbox } from '../helpers/sandbox.mjs';

const ipRules = (ns, family = '-4') => ipJson(ns, family, 'rule', 'show');
const byPrio = (rules, p) => rules.filter((r) => r.priority === p);

t.test('rule.add v4: each selector, witnessed by ip rule show; list decodes it', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.rule.add({ from: '198.18.1.0/24', table: 100, priority: 100 });
  await nl.rule.add({ to: '198.18.2.0/24', iif: 'lo', priority: 110, table: 'main' });
  await nl.rule.add({ oif: 'nl-out0', fwmark: 0x5, fwmask: 0xff, priority: 120, action: 'blackhole' });
  await nl.rule.add({ tos: 0x10, priority: 130, action: 'unreachable' });
  await nl.rule.add({ ipProto: 17, sport: { start: 1000, end: 2000 }, dport: 53, priority: 140, action: 'prohibit' });
  await nl.rule.add({ priority: 150, table: 'main', suppressPrefixlen: 0 });
  await nl.rule.add({ priority: 160, goto: 32766 });
  await nl.rule.add({ priority: 170, action: 'nop' });
  await nl.rule.add({ priority: 180, table: 70000, uidRange: { start: 1000, end: 2000 } });

  const w = ipRules(ns);
  t.match(byPrio(w, 100), [{ src: '198.18.1.0', srclen: 24, table: '100' }], 'from → table 100');
  t.match(byPrio(w, 110), [{ dst: '198.18.2.0', dstlen: 24, iif: 'lo', table: 'main' }], 'to + iif');
  t.match(byPrio(w, 120), [{ oif: 'nl-out0', fwmark: '0x5', fwmask: '0xff', action: 'blackhole' }], 'oif + fwmark/mask, blackhole');
  t.match(byPrio(w, 130), [{ tos: '0x10', action: 'unreachable' }], 'tos, unreachable');
  t.match(byPrio(w, 140), [{ ipproto: 'udp', sport_start: 1000, sport_end: 2000, dport: 53, action: 'prohibit' }], 'ipproto + port ranges');
  t.match(byPrio(w, 150), [{ table: 'main', suppress_prefixlen: 0 }], 'suppress_prefixlength');
  t.match(byPrio(w, 160), [{ goto: 32766 }], 'goto');
  t.match(byPrio(w, 170), [{ nop: null }], 'nop');
  t.match(byPrio(w, 180), [{ table: '70000', uid_start: 1000, uid_end: 2000 }], 'table >= 256 (FRA_TABLE), uidrange');

  const list = await nl.rule.list({ family: 'inet' });
  t.ok(list.every((r) => r.family === 'inet'), 'family filter');
  t.same(list.map((r) => r.priority), w.map((r) => r.priority), 'same rules, same order as ip');
  const get = (p) => list.find((r) => r.priority === p);
  t.match(get(100), { from: '198.18.1.0/24', to: undefined, table: 100, action: 'lookup', suppressPrefixlen: undefined });
  t.match(get(110), { to: '198.18.2.0/24', iif: 'lo', table: 254 });
  t.match(get(120), { oif: 'nl-out0', fwmark: 5, fwmask: 255, action: 'blackhole', table: 0 });
  t.match(get(130), { tos: 0x10, action: 'unreachable' });
  t.match(get(140), { ipProto: 17, sport: { start: 1000, end: 2000 }, dport: { start: 53, end: 53 }, action: 'prohibit' });
  t.match(get(150), { suppressPrefixlen: 0, table: 254 });
  t.match(get(160), { action: 'goto', goto: 32766 });
  t.match(get(170), { action: 'nop' });
  t.match(get(180), { table: 70000, uidRange: { start: 1000, end: 2000 } });
  t.ok(get(100).raw && get(100).raw.header.srcLen === 24, 'raw kept');
  t.match(get(0), { table: 255, action: 'lookup' }, 'the default local rule');
});

t.test('rule.add v6 and an unspecified-family list', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.rule.add({ from: '2001:db8:1::/48', to: '2001:db8:2::/64', table: 200, priority: 200 });
  await nl.rule.add({ family: 'inet6', fwmark: 7, priority: 210, action: 'blackhole' });
  const w = ipRules(ns, '-6');
  t.match(byPrio(w, 200), [{ src: '2001:db8:1::', srclen: 48, dst: '2001:db8:2::', dstlen: 64, table: '200' }]);
  t.match(byPrio(w, 210), [{ fwmark: '0x7', action: 'blackhole' }]);
  t.equal(byPrio(ipRules(ns, '-4'), 200).length, 0, 'not in the IPv4 rules');
  const v6 = await nl.rule.list({ family: 'inet6' });
  t.match(v6.find((r) => r.priority === 200), { family: 'inet6', from: '2001:db8:1::/48', to: '2001:db8:2::/64', table: 200 });
  const all = await nl.rule.list();
  t.ok(all.some((r) => r.family === 'inet') && all.some((r) => r.family === 'inet6'), 'both families without a filter');
});

t.test('a source rule steers route lookups to another table (ip route get)', async (t) => {
  const { ns, nl } = await sandbox(t, { lo: true });
  // (no dummy module on this kernel: veth pairs, both ends up for carrier)
  for (const d of ['d0', 'd1']) {
    await nl.link.add({ kind: 'veth', name: d, up: true, peer: { name: `${d}p` } });
    await nl.link.set(`${d}p`, { up: true });
  }
  await nl.addr.add('d0', '198.18.1.1/24');
  await nl.addr.add('d0', '198.18.3.1/24');
  // main: 198.18.5.0/24 via d0; table 100: via d1 (routes made by ip: the
  // route API is not ours).
  ipText(ns, 'route', 'add', '198.18.5.0/24', 'dev', 'd0');
  ipText(ns, 'route', 'add', '198.18.5.0/24', 'dev', 'd1', 'table', '100');
  t.match(ipJson(ns, 'route', 'get', '198.18.5.9', 'from', '198.18.1.1'), [{ dev: 'd0' }], 'before the rule: main');
  await nl.rule.add({ from: '198.18.1.0/24', table: 100, priority: 1000 });
  t.match(ipJson(ns, 'route', 'get', '198.18.5.9', 'from', '198.18.1.1'), [{ dev: 'd1' }], 'from 198.18.1.1: table 100');
  t.match(ipJson(ns, 'route', 'get', '198.18.5.9', 'from', '198.18.3.1'), [{ dev: 'd0' }], 'from another source: still main');
  await nl.rule.del({ from: '198.18.1.0/24', table: 100, priority: 1000 });
  t.match(ipJson(ns, 'route', 'get', '198.18.5.9', 'from', '198.18.1.1'), [{ dev: 'd0' }], 'rule deleted: main again');
  // blackhole by destination
  await nl.rule.add({ to: '198.18.5.0/24', action: 'blackhole', priority: 900 });
  const r = spawnSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'ip', 'route', 'get', '198.18.5.9'], { encoding: 'utf8' });
  t.not(r.status, 0, 'blackholed lookup fails');
  t.match(r.stderr, /Invalid argument/, 'the kernel answers EINVAL for a blackhole rule');
});

t.test('rule.del, EEXIST, ENOENT', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.rule.add({ from: '198.18.1.0/24', table: 100, priority: 100 });
  await t.rejects(nl.rule.add({ from: '198.18.1.0/24', table: 100, priority: 100 }), { name: 'NetlinkError', code: 'EEXIST' }, 'duplicate is EEXIST');
  await nl.rule.add({ from: '198.18.1.0/24', table: 101, priority: 100 });
  t.equal(byPrio(ipRules(ns), 100).length, 2, 'a different table is another rule');
  await nl.rule.del({ priority: 100, table: 101 });
  t.match(byPrio(ipRules(ns), 100), [{ table: '100' }], 'deleted the matching one only');
  await nl.rule.del({ from: '198.18.1.0/24' });
  t.equal(byPrio(ipRules(ns), 100).length, 0, 'deleted by selector');
  const e = await nl.rule.del({ priority: 4242 }).catch((x) => x);
  t.ok(e instanceof NetlinkError, 'NetlinkError');
  t.equal(e.code, 'ENOENT', 'missing rule is ENOENT');
  await nl.rule.add({ family: 'inet6', priority: 300, table: 300 });
  await t.rejects(nl.rule.del({ priority: 300 }), { code: 'ENOENT' }, 'del is per family (inet by default)');
  await nl.rule.del({ family: 'inet6', priority: 300 });
  t.equal(byPrio(ipRules(ns, '-6'), 300).length, 0);
});

t.test('bad input fails before any I/O', async (t) => {
  const { nl } = await sandbox(t);
  const bad = [
    [{ priority: -1 }, RangeError, /^rule\.add: priority: must be 0\.\.4294967295, got -1$/],
    [{ priority: 2 ** 32 }, RangeError, /rule\.add: priority/],
    [{ from: '10.0.0.300/8' }, TypeError, /^rule\.add: from: not an IP address/],
    [{ to: '198.18.0.0/33' }, RangeError, /^rule\.add: to: prefix length/],
    [{ from: '198.18.0.0/24', to: '2001:db8::/64' }, TypeError, /^rule\.add: to: .* is not inet/],
    [{ family: 'inet6', from: '198.18.0.0/24' }, TypeError, /^rule\.add: from: .* is not inet6/],
    [{ family: 'ipx' }, TypeError, /^rule\.add: family:/],
    [{ iif: 'a-name-longer-than-15' }, TypeError, /^rule\.add: iif: must be an interface name/],
    [{ oif: '' }, TypeError, /^rule\.add: oif:/],
    [{ fwmark: 1.5 }, RangeError, /^rule\.add: fwmark:/],
    [{ tos: 256 }, RangeError, /^rule\.add: tos:/],
    [{ ipProto: 'tcp' }, RangeError, /^rule\.add: ipProto:/],
    [{ sport: 70000 }, RangeError, /^rule\.add: sport:/],
    [{ dport: { start: 10, end: 5 } }, RangeError, /^rule\.add: dport: end 5 is below start 10/],
    [{ table: 0 }, RangeError, /^rule\.add: table:/],
    [{ table: 'mine' }, TypeError, /^rule\.add: table:/],
    [{ table: 'constructor' }, TypeError, /^rule\.add: table: must be a number or one of main, local, default, got 'constructor'$/],
    [{ action: 'toString' }, TypeError, /^rule\.add: action: must be one of /],
    [{ action: 'drop' }, TypeError, /^rule\.add: action:/],
    [{ action: 'goto' }, TypeError, /^rule\.add: goto: action 'goto' needs/],
    [{ action: 'blackhole', table: 100 }, TypeError, /^rule\.add: table: only with action 'lookup'/],
    [{ action: 'nop', goto: 5 }, TypeError, /^rule\.add: goto: only with action 'goto'/],
    [{ suppressPrefixlen: 33 }, RangeError, /^rule\.add: suppressPrefixlen: must be 0\.\.32/],
    [{ l3mdev: 1 }, TypeError, /^rule\.add: l3mdev:/],
    [{ prio: 5 }, TypeError, /^rule\.add: prio: unknown option/],
    [{ not: 1, from: '198.18.0.0/24' }, TypeError, /^rule\.add: not: must be a boolean/],
  ];
  for (const [spec, cls, re] of bad) {
    await t.rejects(nl.rule.add(spec), cls, `${JSON.stringify(spec)}: ${cls.name}`);
    await t.rejects(nl.rule.add(spec), { message: re }, `${JSON.stringify(spec)}: message`);
  }
  await t.rejects(nl.rule.del({ priority: -1 }), { message: /^rule\.del: priority:/ });
  await t.rejects(nl.rule.list({ family: 'inet4' }), TypeError);
  await t.rejects(nl.rule.replace({ from: '198.18.0.0/24', table: 100 }), { name: 'TypeError', message: /^rule\.replace: priority: required/ });
  await t.rejects(nl.rule.replace({ priority: 5, tos: 300 }), { name: 'RangeError', message: /^rule\.replace: tos:/ });
});

t.test('not: an inverted rule, witnessed by ip, decoded, and steering every other source', async (t) => {
  const { ns, nl } = await sandbox(t, { lo: true });
  await nl.link.add({ kind: 'veth', name: 'd0', up: true, peer: { name: 'd0p', up: true } });
  await nl.addr.add('d0', '198.18.1.1/24');
  await nl.addr.add('d0', '198.18.3.1/24');
  ipText(ns, 'route', 'add', '198.18.5.0/24', 'dev', 'd0', 'src', '198.18.1.1');
  ipText(ns, 'route', 'add', 'blackhole', '198.18.5.0/24', 'table', '100');
  await nl.rule.add({ not: true, from: '198.18.1.0/24', table: 100, priority: 1000 });
  await nl.rule.add({ not: true, to: '198.18.7.0/24', priority: 1001, action: 'nop' });
  await nl.rule.add({ family: 'inet6', not: true, from: '2001:db8::/64', priority: 1002, table: 100 });
  t.match(byPrio(ipRules(ns), 1000), [{ not: null, src: '198.18.1.0', srclen: 24, table: '100' }], 'ip: not from 198.18.1.0/24 lookup 100');
  t.match(byPrio(ipRules(ns), 1001), [{ not: null, dst: '198.18.7.0', dstlen: 24 }]);
  t.match(byPrio(ipRules(ns, '-6'), 1002), [{ not: null, src: '2001:db8::' }]);
  const list = await nl.rule.list();
  t.match(list.find((r) => r.priority === 1000), { not: true, from: '198.18.1.0/24', table: 100, flags: 2 });
  t.match(list.find((r) => r.priority === 1002), { family: 'inet6', not: true });
  t.ok(list.filter((r) => ![1000, 1001, 1002].includes(r.priority)).every((r) => r.not === false), 'the default rules are not inverted');
  // The inverted rule sends every source but 198.18.1.0/24 to table 100 (a blackhole there).
  t.match(ipJson(ns, 'route', 'get', '198.18.5.9', 'from', '198.18.1.1'), [{ dev: 'd0' }], 'from 198.18.1.1: not matched, main');
  const r = spawnSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'ip', 'route', 'get', '198.18.5.9', 'from', '198.18.3.1'], { encoding: 'utf8' });
  t.not(r.status, 0, 'from 198.18.3.1: matched, table 100, blackholed');
  await nl.rule.del({ not: true, from: '198.18.1.0/24', table: 100 });
  t.same(byPrio(ipRules(ns), 1000), [], 'deleted');
});

t.test('replace: the one rule at its priority, without a gap, idempotent', async (t) => {
  const { ns, nl } = await sandbox(t);
  await nl.rule.add({ from: '198.18.1.0/24', priority: 1000, table: 100 });
  await nl.rule.add({ from: '198.18.2.0/24', priority: 1000, table: 102 });
  await nl.rule.add({ from: '198.18.9.0/24', priority: 2000, table: 109 });
  await nl.rule.replace({ not: true, from: '198.18.1.0/24', priority: 1000, table: 101 });
  t.match(byPrio(ipRules(ns), 1000), [{ not: null, src: '198.18.1.0', table: '101' }], 'both rules at 1000 replaced by one');
  await nl.rule.replace({ not: true, from: '198.18.1.0/24', priority: 1000, table: 101 });
  t.equal(byPrio(ipRules(ns), 1000).length, 1, 'replacing with the same rule leaves one');
  await nl.rule.replace({ from: '198.18.4.0/24', priority: 1500, action: 'unreachable' });
  t.match(byPrio(ipRules(ns), 1500), [{ src: '198.18.4.0', action: 'unreachable' }], 'replace adds when the priority is free');
  t.match(byPrio(ipRules(ns), 2000), [{ table: '109' }], 'other priorities untouched');
  await nl.rule.add({ family: 'inet6', priority: 1000, table: 600 });
  await nl.rule.replace({ family: 'inet6', priority: 1000, table: 601 });
  t.match(byPrio(ipRules(ns, '-6'), 1000), [{ table: '601' }], 'per family');
  t.match(byPrio(ipRules(ns), 1000), [{ table: '101' }], 'the IPv4 rule at 1000 stays');
});

t.test('l3mdev: the VRF rule (ip rule add l3mdev pref 1000), accepted by this kernel without the vrf module', async (t) => {
  const { ns, nl } = await sandbox(t);
  // The kernel (CONFIG_NET_L3_MASTER_DEV) takes FRA_L3MDEV whether or not a VRF exists; a VRF device adds this rule itself.
  await nl.rule.add({ l3mdev: true, priority: 1000 });
  await nl.rule.add({ family: 'inet6', l3mdev: true, priority: 1000 });
  t.match(byPrio(ipRules(ns), 1000), [{ l3mdev: null, table: undefined }], 'ip -j rule show: 1000: from all lookup [l3mdev-table]');
  t.match(ipText(ns, 'rule', 'show', 'pref', '1000'), /1000:\s+from all lookup \[l3mdev-table\]/, 'as text');
  t.equal(byPrio(ipRules(ns, '-6'), 1000).length, 1, 'and the IPv6 one');
  const mine = (await nl.rule.list({ family: 'inet' })).filter((r) => r.priority === 1000);
  t.match(mine, [{ l3mdev: true, action: 'lookup', table: 0 }], 'decoded as l3mdev: true (no table of its own)');
  await t.rejects(nl.rule.add({ l3mdev: true, priority: 1000 }), { code: 'EEXIST' }, 'the same rule twice is EEXIST');
  await t.rejects(nl.rule.add({ l3mdev: true, table: 10 }), { constructor: TypeError, message: /rule\.add: table: not with l3mdev/ });
  await t.rejects(nl.rule.add({ l3mdev: true, action: 'blackhole' }), { constructor: TypeError, message: /rule\.add: l3mdev: only with action 'lookup'/ });
  // Sent raw with a table, the kernel says the same, in its own words.
  const raw = nl.socket.request('raw', 32, 0x600, { header: { family: 2, table: 10, action: 1 }, attrs: { l3mdev: 1, priority: 1001 } });
  await t.rejects(raw, { code: 'EINVAL', extack: /l3mdev and table are mutually exclusive/ });
  await nl.rule.del({ l3mdev: true, priority: 1000 });
  t.same(byPrio(ipRules(ns), 1000), [], 'deleted');
});
