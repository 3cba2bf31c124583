// Lean dumps (link.list/dump, route.list/dump): the native side decodes only
// what the typed decoders read, plus each message's bytes, and `raw` is
// decoded from them when read. Checked against the eager path (the whole
// dump decoded, then the same decoder) on the real kernel: every typed field,
// key order and `raw` included, must be the same.
import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import { RtnlSocket } from '../../dist/index.js';
import { constant } from '../../dist/netlink/native.js';
import { decodeLink } from '../../dist/rtnl/link/decode.js';
import { decodeRoute } from '../../dist/rtnl/route/decode.js';
import { sandbox } from '../helpers/sandbox.mjs';

// Between two dumps bridge timers tick, and on links that are up IPv6
// sends a few packets (counters, learned fdb entries, multicast groups joined); everything else must
// match. Links that stay down (ifb0, mv0, vx0, lo) compare their counters too.
const TICKING = new Set(['helloTimer', 'tcnTimer', 'topologyChangeTimer', 'gcTimer', 'messageAgeTimer', 'forwardDelayTimer', 'holdTimer']);
const COUNTERS = new Set(['stats', 'stats64', 'icmp6stats', 'fdbNLearned', 'fdbLearned', 'mcastNGroups', 'mcastGroups']);
function steady(v, up = false) {
  if (Buffer.isBuffer(v) || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => steady(x, up));
  const live = up || v.up === true;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, TICKING.has(k) || (live && COUNTERS.has(k)) ? 0 : steady(x, live)]));
}

function sameAll(t, lean, eager, what) {
  t.equal(lean.length, eager.length, `${what}: as many`);
  for (let i = 0; i < eager.length; i++) {
    const a = eager[i];
    const b = lean[i];
    t.same(Object.keys(b), Object.keys(a), `${what} ${i}: same keys, same order`);
    t.ok(isDeepStrictEqual(steady(b), steady(a)), `${what} ${i}: same values, raw included`);
  }
}

async function eagerLinks(ns) {
  const sock = await RtnlSocket.open(ns.fd);
  try {
    const replies = await sock.collect('t', constant('RTM_GETLINK'), { header: { ifiFamily: 0 }, attrs: {} });
    return replies.filter((m) => m.type === constant('RTM_NEWLINK')).map((m) => decodeLink(m, constant));
  } finally {
    sock.close();
  }
}

t.test('link.list and link.dump give what the eager decode gives, raw on demand', async (t) => {
  const { ns, nl } = await sandbox(t, { lo: true });
  await nl.link.add({ kind: 'bridge', name: 'br0', up: true });
  await nl.link.add({ kind: 'veth', name: 'v0', master: 'br0', up: true, peer: { name: 'v1', up: true } });
  await nl.link.add({ kind: 'macvlan', name: 'mv0', parent: 'v1', mode: 'bridge' });
  await nl.link.add({ kind: 'vxlan', name: 'vx0', id: 42, port: 4789, dev: 'br0' });
  await nl.link.add({ kind: 'ifb', name: 'ifb0', alias: 'an alias' });
  await nl.addr.add('br0', '198.18.0.1/24');

  const eager = await eagerLinks(ns);
  const lean = await nl.link.list();
  sameAll(t, lean, eager, 'list');
  const streamed = [];
  for await (const l of nl.link.dump()) streamed.push(l);
  sameAll(t, streamed, eager, 'dump');

  const v0 = lean.find((l) => l.name === 'v0');
  t.ok(v0.raw.attrs.afSpec !== undefined, 'raw has what the lean decode skipped (afSpec in full)');
  t.equal(v0.raw, v0.raw, 'raw is decoded once, then kept');
  const mine = { type: 0, flags: 0, header: {}, attrs: {} };
  v0.raw = mine;
  t.equal(v0.raw, mine, 'raw can be replaced, as a plain property');
  t.same({ ...lean[1] }, lean[1], 'spread copies raw too');
  t.equal(JSON.parse(JSON.stringify(lean[1])).raw.attrs.ifname, lean[1].name, 'JSON has raw');
});

t.test('link.list with a filter keeps what the filter asks for', async (t) => {
  const { nl } = await sandbox(t, { lo: true });
  await nl.link.add({ kind: 'bridge', name: 'br0', up: true });
  for (const i of [0, 1, 2]) await nl.link.add({ kind: 'veth', name: `h${i}`, master: i < 2 ? 'br0' : undefined, peer: { name: `p${i}` } });
  const ports = await nl.link.list({ master: 'br0' });
  t.same(ports.map((l) => l.name).sort(), ['h0', 'h1']);
  t.ok(ports.every((l) => l.bridgePort !== undefined && l.raw.attrs.linkinfo.slaveKind === 'bridge'), 'bridge port fields, and raw');
});

t.test('route.list: IPv4 messages are kept whole, IPv6 ones carry their bytes for raw; flush still works', async (t) => {
  const { ns, nl } = await sandbox(t, { lo: true });
  await nl.link.add({ kind: 'veth', name: 'a0', up: true, peer: { name: 'b0', up: true } });
  await nl.addr.add('a0', '198.18.0.1/24');
  await nl.addr.add('a0', '2001:db8::1/64', { nodad: true });
  for (let i = 0; i < 20; i++) await nl.route.add({ dst: `198.18.1.${i}/32`, via: '198.18.0.2' });
  for (let i = 0; i < 5; i++) await nl.route.add({ dst: `2001:db8:1:${i}::/64`, via: '2001:db8::2' });
  await nl.route.add({ dst: '198.18.2.0/24', via: '198.18.0.2', mtu: 1400 });

  const sock = await RtnlSocket.open(ns.fd);
  let eager;
  try {
    eager = (await sock.collect('t', constant('RTM_GETROUTE'), { header: { rtmFamily: 0 } }))
      .filter((m) => m.type === constant('RTM_NEWROUTE') && (m.header.rtmFlags & constant('RTM_F_CLONED')) === 0)
      .filter((m) => m.attrs.table === 254)
      .map((m) => decodeRoute(m));
  } finally {
    sock.close();
  }
  const lean = await nl.route.list();
  const key = (r) => `${r.family} ${r.dst} dev ${r.dev}`;
  const byKey = new Map(eager.map((r) => [key(r), r]));
  t.equal(lean.length, eager.length, 'as many routes');
  for (const r of lean) {
    const e = byKey.get(key(r));
    t.ok(e !== undefined, `${key(r)} is in the eager dump`);
    // IPv6 cacheinfo holds a live expiry; compare the rest.
    const norm = (x) => ({ ...x, raw: { ...x.raw, attrs: { ...x.raw.attrs, cacheinfo: undefined } } });
    t.same(Object.keys(r), Object.keys(e), `${key(r)}: same keys`);
    t.ok(isDeepStrictEqual(norm(r), norm(e)), `${key(r)}: same values, raw included`);
  }
  const v6 = lean.find((r) => r.family === 'inet6' && r.dst === '2001:db8:1:1::/64');
  t.ok(v6.raw.attrs.cacheinfo !== undefined, 'an IPv6 route has its cacheinfo in raw');
  t.equal(lean.find((r) => r.dst === '198.18.2.0/24').mtu, 1400, 'metrics decoded');

  t.equal(await nl.route.flush({ family: 'inet6', protocol: 'boot' }), 5, 'flush deletes what it listed (from the lean messages)');
  t.equal(await nl.route.flush({ family: 'inet', protocol: 'boot' }), 21);
  t.same((await nl.route.list({ protocol: 'boot' })).length, 0, 'nothing left');
});
