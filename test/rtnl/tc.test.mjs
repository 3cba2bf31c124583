// Traffic control on the real kernel: qdiscs, classes and filters added,
// listed, replaced and deleted in throwaway namespaces, witnessed by tc(8)
// (`tc -j qdisc/filter show`, `tc class show`); a mirred redirect moving
// packets from one veth to another (link counters); a tbf rate limit proven
// by timing a TCP transfer through it.
import t from 'tap';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { NetlinkError } from '../../dist/index.js';
import { ipJson, sandbox, tcJson, tcText } from '../helpers/sandbox.mjs';

const FLOW = fileURLToPath(new URL('../fixtures/tc-flow.mjs', import.meta.url));

/** Two namespaces joined by veth a0 (198.18.0.1/24) — b0 (198.18.0.2/24). */
async function pair(t) {
  const A = await sandbox(t, { lo: true });
  const B = await sandbox(t, { lo: true });
  await A.nl.link.add({ kind: 'veth', name: 'a0', up: true, peer: { name: 'b0', netns: B.ns, up: true } });
  await A.nl.addr.add('a0', '198.18.0.1/24');
  await B.nl.addr.add('b0', '198.18.0.2/24');
  return { A, B };
}

const rxPackets = (ns, dev) => ipJson(ns, '-s', 'link', 'show', 'dev', dev)[0].stats64.rx.packets;

t.test('tbf: add, list, replace, delete', async (t) => {
  const { A } = await pair(t);
  const { nl, ns } = A;
  await nl.tc.qdisc.add({ dev: 'a0', kind: 'tbf', handle: '1:', rate: '10mbit', burst: '32kbit', latency: '50ms' });
  let [w] = tcJson(ns, 'qdisc', 'show', 'dev', 'a0');
  t.match(w, { kind: 'tbf', handle: '1:', root: true, options: { rate: 1250000, burst: 4095, lat: 50000 } }, 'tc sees the tbf (rate in bytes/s)');
  let [q] = await nl.tc.qdisc.list({ dev: 'a0' });
  t.match(q, { kind: 'tbf', handle: '1:', parent: 'root', rate: 10_000_000, limit: 66596 }, 'netloom reads it back in bits/s');
  t.ok(Math.abs(q.burst - 4096) <= 1, `burst ${q.burst} bytes (the kernel keeps it in ticks)`);
  t.match(q.stats, { packets: Number }, 'with statistics');
  await t.rejects(nl.tc.qdisc.add({ dev: 'a0', kind: 'tbf', handle: '1:', rate: '1mbit', burst: 8192, limit: 10000 }), { code: 'EEXIST' }, 'add on a taken slot is EEXIST');
  await nl.tc.qdisc.replace({ dev: 'a0', kind: 'tbf', handle: '1:', rate: '2mbit', burst: '8kb', limit: 20000, peakrate: '4mbit', mtu: 1600 });
  [w] = tcJson(ns, 'qdisc', 'show', 'dev', 'a0');
  t.match(w.options, { rate: 250000, burst: 8192, minburst: 1600 }, 'tc sees the replaced qdisc');
  t.match(tcText(ns, 'qdisc', 'show', 'dev', 'a0'), /rate 2Mbit burst 8Kb peakrate 4Mbit minburst 1600b/, 'with its peak rate (tc 6.1 prints it only as text)');
  [q] = await nl.tc.qdisc.list({ dev: 'a0' });
  t.match(q, { rate: 2_000_000, peakrate: 4_000_000, limit: 20000 });
  await nl.tc.qdisc.del({ dev: 'a0', parent: 'root' });
  t.not(tcJson(ns, 'qdisc', 'show', 'dev', 'a0')[0]?.kind, 'tbf', 'gone');
  await t.rejects(nl.tc.qdisc.del({ dev: 'a0', parent: 'root', handle: '1:' }), NetlinkError, 'deleting it again is a kernel error');
});

t.test('htb: qdisc, classes with rate/ceil/burst/prio, replace, delete; a pfifo under a class', async (t) => {
  const { A } = await pair(t);
  const { nl, ns } = A;
  await nl.tc.qdisc.add({ dev: 'a0', kind: 'htb', handle: '1:', default: '20', r2q: 5 });
  t.match(tcJson(ns, 'qdisc', 'show', 'dev', 'a0')[0], { kind: 'htb', handle: '1:', options: { r2q: 5, default: '0x20' } });
  await nl.tc.class.add({ dev: 'a0', kind: 'htb', parent: '1:', classid: '1:1', rate: '100mbit' });
  await nl.tc.class.add({ dev: 'a0', kind: 'htb', parent: '1:1', classid: '1:10', rate: '8mbit', ceil: '10mbit', burst: '15k', cburst: 3000, prio: 2 });
  await nl.tc.class.add({ dev: 'a0', kind: 'htb', parent: '1:1', classid: '1:20', rate: 2_000_000 });
  const text = tcText(ns, 'class', 'show', 'dev', 'a0');
  t.match(text, /class htb 1:10 parent 1:1 prio 2 rate 8Mbit ceil 10Mbit burst 15Kb cburst 3000b/, 'tc sees class 1:10');
  t.match(text, /class htb 1:20 parent 1:1 prio 0 rate 2Mbit ceil 2Mbit/, 'and 1:20 (ceil defaults to the rate)');
  const classes = await nl.tc.class.list({ dev: 'a0' });
  t.equal(classes.length, 3);
  t.match(classes.find((c) => c.classid === '1:10'), { kind: 'htb', parent: '1:1', rate: 8_000_000, ceil: 10_000_000, burst: 15360, cburst: 3000, prio: 2 });
  await nl.tc.class.replace({ dev: 'a0', kind: 'htb', parent: '1:1', classid: '1:10', rate: '4mbit', ceil: '6mbit' });
  t.match(tcText(ns, 'class', 'show', 'dev', 'a0'), /class htb 1:10 parent 1:1 prio 0 rate 4Mbit ceil 6Mbit/, 'replaced');
  await nl.tc.qdisc.add({ dev: 'a0', kind: 'pfifo', parent: '1:10', handle: '10:', limit: 50 });
  const leaf = tcJson(ns, 'qdisc', 'show', 'dev', 'a0').find((x) => x.kind === 'pfifo');
  t.match(leaf, { handle: '10:', parent: '1:10', options: { limit: 50 } }, 'tc sees the pfifo under 1:10');
  t.match((await nl.tc.qdisc.list({ dev: 'a0' })).find((x) => x.kind === 'pfifo'), { handle: '10:', parent: '1:10', limit: 50 });
  await nl.tc.class.del({ dev: 'a0', classid: '1:20' });
  t.notMatch(tcText(ns, 'class', 'show', 'dev', 'a0'), /1:20/, 'class 1:20 deleted');
  await t.rejects(nl.tc.class.add({ dev: 'a0', kind: 'htb', parent: '7:', classid: '7:1', rate: '1mbit' }), NetlinkError, 'a class under a missing qdisc is a kernel error');
  await nl.tc.qdisc.del({ dev: 'a0' });
  t.equal(tcText(ns, 'class', 'show', 'dev', 'a0').trim(), '', 'deleting the qdisc took its classes');
});

t.test('ingress and clsact', async (t) => {
  const { A } = await pair(t);
  const { nl, ns } = A;
  await nl.tc.qdisc.add({ dev: 'a0', kind: 'ingress' });
  t.match(tcJson(ns, 'qdisc', 'show', 'dev', 'a0').find((x) => x.kind === 'ingress'), { handle: 'ffff:', parent: 'ffff:fff1' });
  t.match((await nl.tc.qdisc.list({ dev: 'a0' })).find((x) => x.kind === 'ingress'), { handle: 'ffff:', parent: 'ingress' });
  await nl.tc.qdisc.del({ dev: 'a0', parent: 'ingress' });
  await nl.tc.qdisc.add({ dev: 'a0', kind: 'clsact' });
  t.match(tcJson(ns, 'qdisc', 'show', 'dev', 'a0').find((x) => x.kind === 'clsact'), { handle: 'ffff:' });
  await t.rejects(nl.tc.qdisc.add({ dev: 'a0', kind: 'ingress' }), NetlinkError, 'the ingress slot is taken');
  await nl.tc.qdisc.del({ dev: 'a0', parent: 'clsact' });
  t.notOk(tcJson(ns, 'qdisc', 'show', 'dev', 'a0').some((x) => x.kind === 'clsact'), 'gone');
});

t.test('u32 filters: prefixes and ports to classes, listed and deleted', async (t) => {
  const { A } = await pair(t);
  const { nl, ns } = A;
  await nl.tc.qdisc.add({ dev: 'a0', kind: 'htb', handle: '1:', default: 10 });
  await nl.tc.class.add({ dev: 'a0', kind: 'htb', parent: '1:', classid: '1:10', rate: '8mbit' });
  await nl.tc.class.add({ dev: 'a0', kind: 'htb', parent: '1:', classid: '1:20', rate: '8mbit' });
  await nl.tc.filter.add({ dev: 'a0', kind: 'u32', parent: '1:', protocol: 'ip', prio: 1, match: { dst: '198.18.1.0/24' }, classid: '1:10' });
  await nl.tc.filter.add({ dev: 'a0', kind: 'u32', parent: '1:', protocol: 'ip', prio: 2, match: { src: '198.18.0.1' }, classid: '1:20' });
  await nl.tc.filter.add({ dev: 'a0', kind: 'u32', parent: '1:', protocol: 'ip', prio: 3, match: { dport: 5201 }, classid: '1:10' });
  await nl.tc.filter.add({ dev: 'a0', kind: 'u32', parent: '1:', protocol: 'ip', prio: 4, match: { sport: 80 }, classid: '1:20' });
  const keys = tcJson(ns, 'filter', 'show', 'dev', 'a0', 'parent', '1:').filter((f) => f.options?.match);
  t.same(keys.map((f) => [f.pref, f.options.flowid, f.options.match.value, f.options.match.mask, f.options.match.off]), [
    [1, '1:10', 'c6120100', 'ffffff00', 16],
    [2, '1:20', 'c6120001', 'ffffffff', 12],
    [3, '1:10', '1451', 'ffff', 20],
    [4, '1:20', '500000', 'ffff0000', 20],
  ], 'tc sees the four keys');
  const ours = (await nl.tc.filter.list({ dev: 'a0', parent: '1:' })).filter((f) => f.match !== undefined);
  t.same(ours.map((f) => [f.prio, f.protocol, f.classid, f.match, f.handle]), [
    [1, 'ip', '1:10', { dst: '198.18.1.0/24' }, '800::800'],
    [2, 'ip', '1:20', { src: '198.18.0.1/32' }, '801::800'],
    [3, 'ip', '1:10', { dport: 5201 }, '802::800'],
    [4, 'ip', '1:20', { sport: 80 }, '803::800'],
  ], 'netloom decodes them back');
  await nl.tc.filter.del({ dev: 'a0', parent: '1:', protocol: 'ip', prio: 2 });
  t.same(tcJson(ns, 'filter', 'show', 'dev', 'a0', 'parent', '1:').filter((f) => f.options?.match).map((f) => f.pref), [1, 3, 4], 'prio 2 deleted');
  await nl.tc.filter.del({ dev: 'a0', parent: '1:' });
  t.same(tcJson(ns, 'filter', 'show', 'dev', 'a0', 'parent', '1:'), [], 'all deleted');
});

t.test('mirred: an ingress filter redirects what arrives on b0 out of b1', async (t) => {
  const { A, B } = await pair(t);
  // A second pair, a1 — b1: nothing is addressed to it, so its counters stay still unless redirected.
  // IPv6 off in both namespaces first: a link coming up sends DAD, router
  // solicitations and MLD reports, which a1 would count.
  for (const { ns } of [A, B]) for (const k of ['all', 'default']) await ns.sysctl.set(`net.ipv6.conf.${k}.disable_ipv6`, 1);
  await A.nl.link.add({ kind: 'veth', name: 'a1', up: true, peer: { name: 'b1', netns: B.ns, up: true } });
  const before = rxPackets(A.ns, 'a1');
  t.equal((await A.ns.ping('198.18.0.2', { count: 3, interval: 50 })).received, 3, 'without the filter b0 answers pings');
  t.ok(rxPackets(A.ns, 'a1') - before < 3, 'and a1 hears nothing of them');
  await B.nl.tc.qdisc.add({ dev: 'b0', kind: 'ingress' });
  await B.nl.tc.filter.add({ dev: 'b0', kind: 'u32', parent: 'ingress', protocol: 'ip', prio: 1, match: { dst: '198.18.0.2/32' }, actions: [{ kind: 'mirred', direction: 'egress', action: 'redirect', dev: 'b1' }] });
  const [w] = tcJson(B.ns, 'filter', 'show', 'dev', 'b0', 'ingress').filter((f) => f.options?.actions);
  t.match(w.options.actions[0], { kind: 'mirred', mirred_action: 'redirect', direction: 'egress', to_dev: 'b1' }, 'tc sees the mirred action');
  const mid = rxPackets(A.ns, 'a1');
  const r = await A.ns.ping('198.18.0.2', { count: 5, interval: 50, timeout: 200 });
  t.equal(r.received, 0, 'the pings no longer reach b0’s stack');
  t.ok(rxPackets(A.ns, 'a1') - mid >= 5, `a1 received the ${rxPackets(A.ns, 'a1') - mid} redirected packets instead`);
  const [f] = (await B.nl.tc.filter.list({ dev: 'b0', parent: 'ingress' })).filter((x) => x.actions);
  t.match(f.actions[0], { kind: 'mirred', direction: 'egress', action: 'redirect', ifindex: (await B.nl.link.get('b1')).ifindex });
  t.ok(f.actions[0].stats.packets >= 5, `the action counted ${f.actions[0].stats.packets} packets`);
});

t.test('tbf 8mbit: a TCP transfer through it runs at the shaped rate', async (t) => {
  const { A, B } = await pair(t);
  await A.nl.tc.qdisc.add({ dev: 'a0', kind: 'tbf', rate: '8mbit', burst: '32kb', latency: '50ms' });
  const sink = B.ns.spawn([process.execPath, FLOW, 'sink', '5201'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => sink.kill('SIGKILL'));
  sink.stdout.setEncoding('utf8');
  let out = '';
  sink.stdout.on('data', (d) => (out += d));
  while (!out.includes('listening')) await once(sink.stdout, 'data');
  const sender = A.ns.spawn([process.execPath, FLOW, 'send', '198.18.0.2', '5201', '2000'], { stdio: 'ignore' });
  t.teardown(() => sender.kill('SIGKILL'));
  await once(sink, 'exit');
  const [bytes, ms] = out.split('\n')[1].trim().split(' ').map(Number);
  const mbit = (bytes * 8) / (ms * 1000);
  t.comment(`${bytes} bytes in ${ms} ms: ${mbit.toFixed(2)} Mbit/s of TCP payload through tbf rate 8mbit`);
  t.ok(ms > 1500 && ms < 4000, `the transfer took about 2 s (${ms} ms)`);
  t.ok(mbit > 6 && mbit < 8.8, `throughput ${mbit.toFixed(2)} Mbit/s is within 6..8.8 of the 8 Mbit/s rate`);
  const [q] = await A.nl.tc.qdisc.list({ dev: 'a0' });
  t.ok(q.stats.bytes >= bytes, `the qdisc counted ${q.stats.bytes} bytes`);
});

t.test('bad input fails before any I/O, naming the field', async (t) => {
  const { A } = await pair(t);
  const { nl, ns } = A;
  const bad = [
    [{ dev: 'a0', kind: 'tbf', rate: 0, burst: 4096, latency: 50 }, RangeError, /tc\.qdisc\.add: rate: must be at least 8 bits/],
    [{ dev: 'a0', kind: 'tbf', rate: '0mbit', burst: 4096, latency: 50 }, RangeError, /rate/],
    [{ dev: 'a0', kind: 'tbf', rate: 'fast', burst: 4096, latency: 50 }, TypeError, /rate: not a rate: 'fast'/],
    [{ dev: 'a0', kind: 'tbf', rate: '1mbit', burst: 4096 }, TypeError, /latency: give either latency or limit/],
    [{ dev: 'a0', kind: 'tbf', rate: '1mbit', burst: 4096, latency: 5, peakrate: '2mbit' }, TypeError, /mtu: required with peakrate/],
    [{ dev: 'a0', kind: 'fq_codel' }, TypeError, /kind: unknown qdisc kind 'fq_codel'/],
    [{ dev: 'a0', kind: 'htb', handle: '1:10' }, RangeError, /handle: a qdisc handle has no minor/],
    [{ dev: 'a0', kind: 'htb', handle: 'x:' }, TypeError, /handle: not a handle: 'x:'/],
    [{ dev: 'a0', kind: 'htb', parent: 'top' }, TypeError, /parent: must be 'root', 'ingress'/],
    [{ dev: 'a0', kind: 'htb', colour: 'red' }, TypeError, /colour: unknown option/],
  ];
  for (const [spec, type, message] of bad) await t.rejects(nl.tc.qdisc.add(spec), { constructor: type, message }, message.source);
  await t.rejects(nl.tc.class.add({ dev: 'a0', kind: 'htb', parent: '1:', classid: '1:', rate: '1mbit' }), { constructor: RangeError, message: /classid: a class id has a minor/ });
  await t.rejects(nl.tc.class.add({ dev: 'a0', kind: 'hfsc', parent: '1:', classid: '1:1', rate: '1mbit' }), { constructor: TypeError, message: /kind: unknown class kind 'hfsc'/ });
  await t.rejects(nl.tc.class.add({ dev: 'a0', kind: 'htb', parent: '1:', classid: '1:1', rate: '1mbit', prio: 9 }), { constructor: RangeError, message: /prio: must be an integer 0..7/ });
  await t.rejects(nl.tc.filter.add({ dev: 'a0', kind: 'u32', parent: '1:', match: { dst: '2001:db8::/32' }, classid: '1:1' }), { constructor: TypeError, message: /match.dst: u32 matches IPv4 prefixes/ });
  await t.rejects(nl.tc.filter.add({ dev: 'a0', kind: 'u32', parent: '1:', match: { dst: '198.18.0.0/16', dport: 80 }, classid: '1:1' }), { constructor: TypeError, message: /match: exactly one/ });
  await t.rejects(nl.tc.filter.add({ dev: 'a0', kind: 'u32', parent: '1:', match: 'all' }), { constructor: TypeError, message: /classid: a filter needs a classid/ });
  await t.rejects(nl.tc.filter.add({ dev: 'a0', kind: 'u32', parent: '1:', match: 'all', actions: [{ kind: 'drop' }] }), { constructor: TypeError, message: /actions\[0\]\.kind: unknown action kind 'drop'/ });
  await t.rejects(nl.tc.filter.add({ dev: 'a0', kind: 'flower', parent: '1:', match: 'all', classid: '1:1' }), { constructor: TypeError, message: /kind: unknown filter kind 'flower'/ });
  await t.rejects(nl.tc.qdisc.add({ dev: 'nope0', kind: 'ingress' }), { code: 'ENODEV', message: /tc\.qdisc\.add: dev: no link 'nope0'/ });
  t.notOk(tcJson(ns, 'qdisc', 'show', 'dev', 'a0').some((q) => ['tbf', 'htb'].includes(q.kind)), 'nothing was made');
});
