// Conntrack over ctnetlink on the real kernel: a router namespace NATs a UDP
// port and masquerades towards the right; flows through it are listed with
// both tuples, filtered (by the kernel and again in JS), deleted one by one
// or by filter, and flushed, each step witnessed by conntrack(8) inside the
// router. Every namespace is anonymous and gone when its test ends.
import t from 'tap';
import { NetlinkError, openConntrack } from '../../dist/index.js';
import { constant } from '../../dist/netlink/native.js';
import { dumpRequest } from '../../dist/conntrack/encode.js';
import { checkFilter } from '../../dist/conntrack/validate.js';
import { conntrackList, natRouter, udpExchange } from '../helpers/conntrack.mjs';

const CT_NEW = (constant('NFNL_SUBSYS_CTNETLINK') << 8) | constant('IPCTNL_MSG_CT_NEW');
const CT_GET = (constant('NFNL_SUBSYS_CTNETLINK') << 8) | constant('IPCTNL_MSG_CT_GET');

// What the kernel itself sends for a filter, before netloom's own check.
async function kernelSends(ct, filter) {
  const replies = await ct.socket.collect('test', CT_GET, dumpRequest(checkFilter('test', filter)));
  return replies.filter((m) => m.type === CT_NEW).length;
}

// A UDP exchange through the DNAT and a ping through the masquerade.
async function twoFlows(t, left, sport = 40001) {
  t.equal(await udpExchange(t, left, sport), `hello ${sport}`, 'udp echo through the DNAT');
  const ping = await left.ping('198.18.40.2', { count: 1, timeout: 3000 });
  t.equal(ping.received, 1, 'ping through the masquerade');
}

t.test('a NATed UDP flow is listed with both tuples, as conntrack -L shows it', async (t) => {
  const { router, left, ct } = await natRouter(t);
  t.same(await ct.list(), [], 'an empty table before any traffic');
  await twoFlows(t, left);
  const all = await ct.list();
  t.equal(all.length, 2, 'two entries: the udp flow and the ping');
  const udp = all.find((e) => e.proto === 'udp');
  t.match(udp, {
    family: 'ip',
    proto: 'udp',
    orig: { src: '198.18.30.2', dst: '198.18.30.1', sport: 40001, dport: 5353 },
    reply: { src: '198.18.40.2', dst: '198.18.40.1', sport: 53, dport: 40001 },
    nat: { src: true, dst: true },
    zone: 0,
    mark: 0,
  });
  t.notSame(udp.reply, { src: udp.orig.dst, dst: udp.orig.src, sport: udp.orig.dport, dport: udp.orig.sport }, 'the reply tuple is not the mirrored original: NAT');
  for (const s of ['seen-reply', 'confirmed', 'src-nat', 'dst-nat']) t.ok(udp.status.includes(s), `status has ${s}`);
  t.ok(udp.timeout > 0 && udp.timeout <= 30, `timeout ${udp.timeout} s`);
  t.ok(udp.id > 0, 'the kernel id');
  const icmp = all.find((e) => e.proto === 'icmp');
  t.match(icmp, { orig: { src: '198.18.30.2', dst: '198.18.40.2', icmp: { type: 8, code: 0 } }, reply: { src: '198.18.40.2', dst: '198.18.40.1', icmp: { type: 0, code: 0 } }, nat: { src: true, dst: false } });
  t.equal(icmp.sport, undefined, 'icmp has no ports');
  const witness = conntrackList(router, '-p', 'udp');
  t.equal(witness.length, 1, 'conntrack -L -p udp shows one flow');
  t.same(witness[0].orig, { src: '198.18.30.2', dst: '198.18.30.1', sport: '40001', dport: '5353' }, 'its original tuple');
  t.same(witness[0].reply, { src: '198.18.40.2', dst: '198.18.40.1', sport: '53', dport: '40001' }, 'its reply tuple');
  t.equal(conntrackList(router).length, all.length, 'conntrack -L shows as many entries as list()');
});

t.test('filters: family, protocol, addresses, ports, zone, mark, status, reply tuple', async (t) => {
  const { left, ct } = await natRouter(t);
  await twoFlows(t, left);
  const protos = async (f) => (await ct.list(f)).map((e) => e.proto).sort();
  t.same(await protos({ proto: 'udp' }), ['udp']);
  t.same(await protos({ proto: 'icmp' }), ['icmp']);
  t.same(await protos({ proto: 6 }), [], 'a protocol by number (tcp: none)');
  t.same(await protos({ family: 'ip' }), ['icmp', 'udp']);
  t.same(await protos({ family: 'ip6' }), [], 'no IPv6 flows');
  t.same(await protos({ src: '198.18.30.2' }), ['icmp', 'udp'], 'orig source');
  t.same(await protos({ dst: '198.18.30.1' }), ['udp'], 'orig destination (the DNAT address)');
  t.same(await protos({ src: '198.18.30.99' }), []);
  t.same(await protos({ src: '2001:db8::1' }), [], 'an IPv6 address implies ip6');
  t.same(await protos({ proto: 'udp', dport: 5353 }), ['udp']);
  t.same(await protos({ dport: 5353 }), ['udp'], 'a port without a protocol (checked in JS)');
  t.same(await protos({ proto: 'udp', sport: 40001, dport: 5354 }), []);
  t.same(await protos({ zone: 0 }), ['icmp', 'udp']);
  t.same(await protos({ zone: 7 }), []);
  t.same(await protos({ mark: 0 }), ['icmp', 'udp']);
  t.same(await protos({ mark: 1 }), []);
  t.same(await protos({ mark: 0x10, markMask: 0x0f }), ['icmp', 'udp'], 'mark bits outside the mask do not count');
  t.same(await protos({ status: ['dst-nat'] }), ['udp'], 'only the udp flow is DNATed');
  t.same(await protos({ status: ['src-nat', 'seen-reply'] }), ['icmp', 'udp']);
  t.same(await protos({ reply: { src: '198.18.40.2', sport: 53 } }), ['udp'], 'reply tuple');
  t.same(await protos({ reply: { dst: '198.18.40.1' } }), ['icmp', 'udp'], 'both are masqueraded');
  // The kernel applies what it can (nfgen_family, CTA_FILTER, CTA_MARK, CTA_STATUS).
  t.equal(await kernelSends(ct, {}), 2, 'unfiltered, the kernel sends both');
  t.equal(await kernelSends(ct, { family: 'ip', proto: 'udp' }), 1, 'CTA_FILTER by protocol');
  t.equal(await kernelSends(ct, { src: '198.18.30.2', dst: '198.18.40.2' }), 1, 'CTA_FILTER by addresses (family implied)');
  t.equal(await kernelSends(ct, { family: 'ip', proto: 'udp', dport: 5354 }), 0, 'CTA_FILTER by port');
  t.equal(await kernelSends(ct, { proto: 'udp', dport: 5354 }), 2, 'without a family CTA_FILTER cannot be used: left to JS');
  t.equal(await kernelSends(ct, { reply: { src: '198.18.40.2', dst: '198.18.40.1' }, family: 'ip' }), 2, 'CTA_FILTER on the reply tuple');
  t.equal(await kernelSends(ct, { family: 'ip6' }), 0, 'nfgen_family');
  t.equal(await kernelSends(ct, { mark: 1 }), 0, 'CTA_MARK');
  t.equal(await kernelSends(ct, { status: ['dst-nat'] }), 1, 'CTA_STATUS');
});

t.test('delete one flow: gone, a second delete counts 0, a new packet makes a new entry', async (t) => {
  const { router, left, ct } = await natRouter(t);
  await twoFlows(t, left);
  const [udp] = await ct.list({ proto: 'udp' });
  t.equal(await ct.delete(udp), 1, 'deleted');
  t.same(conntrackList(router, '-p', 'udp'), [], 'conntrack -L no longer shows it');
  t.same(await ct.list({ proto: 'udp' }), [], 'nor does list()');
  t.equal(conntrackList(router, '-p', 'icmp').length, 1, 'the ping entry stays');
  t.equal(await ct.delete(udp), 0, 'already gone: not an error, nothing deleted');
  t.equal(await ct.delete({ family: 'ip', proto: 'udp', orig: { src: '198.18.30.2', dst: '198.18.30.1', sport: 40001, dport: 5353 } }), 0, 'by tuple alone, also gone');
  await udpExchange(t, left, 40001);
  const again = await ct.list({ proto: 'udp' });
  t.equal(again.length, 1, 'the next packet made a new entry');
  t.same(again[0].orig, udp.orig, 'for the same flow');
  t.equal(conntrackList(router, '-p', 'udp').length, 1, 'conntrack -L sees it');
  // By tuple alone (no id), as a user would write it.
  t.equal(await ct.delete({ family: 'ip', proto: 'udp', orig: { src: '198.18.30.2', dst: '198.18.30.1', sport: 40001, dport: 5353 } }), 1, 'deleted by its tuple');
  t.same(conntrackList(router, '-p', 'udp'), []);
  // An ICMP flow by its entry (type, code, id in the tuple).
  const [icmp] = await ct.list({ proto: 'icmp' });
  t.equal(await ct.delete(icmp), 1, 'the ping entry, by its icmp tuple');
  t.same(conntrackList(router), [], 'the table is empty');
});

t.test('delete by filter, flush of one family, flush of all', async (t) => {
  const { router, left, ct } = await natRouter(t);
  await twoFlows(t, left, 40010);
  await udpExchange(t, left, 40011);
  await udpExchange(t, left, 40012);
  t.equal((await ct.list()).length, 4, 'three udp flows and a ping');
  t.equal(await ct.delete({ proto: 'udp', sport: 40011 }), 1, 'one flow by filter');
  t.equal(await ct.delete({ proto: 'udp', dport: 5353 }), 2, 'the other two udp flows');
  t.equal(await ct.delete({ proto: 'udp' }), 0, 'none left to match');
  t.same(conntrackList(router).map((e) => e.proto), ['icmp'], 'conntrack -L: the ping is left');
  await udpExchange(t, left, 40013);
  await ct.flush('ip6');
  t.equal(conntrackList(router).length, 2, "flushing ip6 leaves the IPv4 entries (nfgenmsg version 1: the kernel honours the family)");
  await ct.flush();
  t.same(await ct.list(), [], 'flush: list() is empty');
  t.same(conntrackList(router), [], 'and conntrack -L agrees');
  await udpExchange(t, left, 40014);
  await ct.flush('ip');
  t.same(conntrackList(router), [], "flush('ip') removes the IPv4 entries");
});

t.test('bad input is a TypeError naming the field, before the kernel; a closed handle is EBADF', async (t) => {
  const { ct, router } = await natRouter(t);
  await t.rejects(ct.list({ dport: 70000 }), { name: 'TypeError', message: /^conntrack\.list: filter\.dport: must be 0\.\.65535/ });
  await t.rejects(ct.list({ sport: -1 }), { name: 'TypeError', message: /filter\.sport/ });
  await t.rejects(ct.list({ proto: 'tcpx' }), { name: 'TypeError', message: /filter\.proto: must be one of/ });
  await t.rejects(ct.list({ proto: 256 }), { name: 'TypeError', message: /filter\.proto: must be 0\.\.255/ });
  await t.rejects(ct.list({ family: 'inet' }), { name: 'TypeError', message: /filter\.family: must be 'ip' or 'ip6'/ });
  await t.rejects(ct.list({ family: 'ip', src: '2001:db8::1' }), { name: 'TypeError', message: /filter\.src: 2001:db8::1 is not an address of family ip/ });
  await t.rejects(ct.list({ src: '198.18.30.2', dst: '2001:db8::1' }), { name: 'TypeError', message: /filter\.dst/ });
  await t.rejects(ct.list({ src: 'router' }), { name: 'TypeError', message: /filter\.src: must be an IPv4 or IPv6 address/ });
  await t.rejects(ct.list({ proto: 'icmp', dport: 1 }), { name: 'TypeError', message: /filter\.proto: icmp has no ports/ });
  await t.rejects(ct.list({ markMask: 1 }), { name: 'TypeError', message: /filter\.markMask: needs filter\.mark/ });
  await t.rejects(ct.list({ status: ['nope'] }), { name: 'TypeError', message: /filter\.status\[0\]/ });
  await t.rejects(ct.list({ zone: 65536 }), { name: 'TypeError', message: /filter\.zone/ });
  await t.rejects(ct.list({ port: 1 }), { name: 'TypeError', message: /filter\.port: unknown field/ });
  await t.rejects(ct.list({ reply: { sport: 'x' } }), { name: 'TypeError', message: /filter\.reply\.sport/ });
  await t.rejects(ct.delete(null), { name: 'TypeError', message: /conntrack\.delete: target/ });
  await t.rejects(ct.delete({ family: 'ip', proto: 'udp', orig: { src: '198.18.30.2', dst: '198.18.30.1', sport: 1 } }), { name: 'TypeError', message: /conntrack\.delete: flow\.orig\.dport: must be 0\.\.65535/ });
  await t.rejects(ct.delete({ family: 'ip', proto: 'icmp', orig: { src: '198.18.30.2', dst: '198.18.30.1' } }), { name: 'TypeError', message: /flow\.orig\.icmp: must be an object/ });
  await t.rejects(ct.flush('inet'), { name: 'TypeError', message: /conntrack\.flush: family/ });
  const other = await openConntrack({ netns: router });
  await other.close();
  await other.close();
  t.ok(other.closed, 'close() is idempotent');
  const closedErr = await other.list().catch((e) => e);
  t.ok(closedErr instanceof NetlinkError, 'a NetlinkError');
  t.match(closedErr, { code: 'EBADF', operation: 'conntrack.list' });
  const disposed = await openConntrack({ netns: router });
  t.same(await disposed.list(), []);
  await disposed[Symbol.asyncDispose]();
  t.ok(disposed.closed, 'Symbol.asyncDispose closes (await using, on Node 22+)');
});
