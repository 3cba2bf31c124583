// TUN/TAP devices: every open option on the real kernel, witnessed by
// `ip -j -d link show` and a fresh sysfs (tools that are not netloom), plus
// deleting persistent devices and the errors for bad input.
import t from 'tap';
import { Tun, NetlinkError, netns } from '../../dist/index.js';
import { ipJson, ipLink, sandbox, sysClassNet } from '../helpers/sandbox.mjs';

const tunInfo = (ns, name) => ipLink(ns, name)?.linkinfo;
// The links ip lists (asking for a missing one by name makes ip complain on stderr).
const ipNames = (ns) => ipJson(ns, 'link', 'show').map((l) => l.ifname);

t.test('a tun device from the template, in the namespace it was asked for', async (t) => {
  const { ns, nl } = await sandbox(t);
  const tun = await Tun.open({ netns: ns });
  t.teardown(() => tun.close());
  t.match(tun.name, /^tun\d+$/, 'the kernel filled tun%d');
  t.equal(tun.mode, 'tun');
  const link = ipLink(ns, tun.name);
  t.ok(link, 'ip sees it in the sandbox namespace');
  t.equal(link.ifindex, tun.ifindex, 'ifindex as ip reports it');
  t.same(tunInfo(ns, tun.name).info_data, { type: 'tun', pi: false, vnet_hdr: false, multi_queue: false, persist: false }, 'IFF_NO_PI, no vnet header, not persistent');
  t.equal(sysClassNet(ns, `${tun.name}/tun_flags`), '0x1001', 'sysfs tun_flags: IFF_TUN | IFF_NO_PI');
  t.equal((await nl.link.get(tun.name)).ifindex, tun.ifindex, 'the rtnetlink API sees the same device');
});

t.test('a tap device by name, with packet info, owner, group and a vnet header of 12 bytes', async (t) => {
  const { ns } = await sandbox(t);
  const tap = await Tun.open({ netns: ns, mode: 'tap', name: 'vm-tap0', packetInfo: true, owner: 4321, group: 765, vnetHdrSize: 12 });
  t.teardown(() => tap.close());
  t.equal(tap.name, 'vm-tap0');
  t.equal(tap.vnetHdrSize, 12);
  t.ok(tap.packetInfo && tap.vnetHdr);
  const info = tunInfo(ns, 'vm-tap0').info_data;
  t.match(info, { type: 'tap', pi: true, vnet_hdr: true, multi_queue: false });
  t.equal(ipLink(ns, 'vm-tap0').link_type, 'ether');
  t.equal(sysClassNet(ns, 'vm-tap0/owner'), '4321');
  t.equal(sysClassNet(ns, 'vm-tap0/group'), '765');
  t.equal(sysClassNet(ns, 'vm-tap0/tun_flags'), '0x4002', 'IFF_TAP | IFF_VNET_HDR, and no IFF_NO_PI');
});

t.test('carrier on and off (TUNSETCARRIER)', async (t) => {
  const { ns, nl } = await sandbox(t);
  const tun = await Tun.open({ netns: ns, name: 'tc0', carrier: false });
  t.teardown(() => tun.close());
  await nl.link.set('tc0', { up: true });
  t.ok(ipLink(ns, 'tc0').flags.includes('NO-CARRIER'), 'opened with carrier off');
  t.equal(sysClassNet(ns, 'tc0/carrier'), '0');
  await tun.setCarrier(true);
  t.notOk(ipLink(ns, 'tc0').flags.includes('NO-CARRIER'), 'carrier on');
  t.equal(sysClassNet(ns, 'tc0/carrier'), '1');
  await tun.setCarrier(false);
  t.equal(sysClassNet(ns, 'tc0/carrier'), '0', 'and off again');
  await t.rejects(tun.setCarrier('yes'), TypeError);
});

t.test('multi-queue: N queues, detach and attach', async (t) => {
  const { ns } = await sandbox(t);
  const tun = await Tun.open({ netns: ns, name: 'mq0', queues: 4 });
  t.teardown(() => tun.close());
  t.equal(tun.queues.length, 4);
  t.equal(tun.queues[0], tun, 'the device is its first queue');
  t.ok(tun.multiQueue);
  t.match(tunInfo(ns, 'mq0').info_data, { multi_queue: true, numqueues: 4, numdisabled: 0 });
  await tun.queues[3].detach();
  await tun.queues[2].detach();
  t.match(tunInfo(ns, 'mq0').info_data, { numqueues: 2, numdisabled: 2 }, 'two queues detached');
  await tun.queues[2].attach();
  t.match(tunInfo(ns, 'mq0').info_data, { numqueues: 3, numdisabled: 1 }, 'one back');
  await tun.queues[3].close();
  t.match(tunInfo(ns, 'mq0').info_data, { numqueues: 3, numdisabled: 0 }, 'a closed queue is gone');
  const single = await Tun.open({ netns: ns, name: 'sq0' });
  t.teardown(() => single.close());
  await t.rejects(single.detach(), { name: 'NetlinkError', code: 'EINVAL', operation: 'tun.detach' }, 'a single-queue device cannot detach');
  await t.rejects(Tun.open({ netns: ns, name: 'mq0' }), { code: 'EINVAL' }, 'attaching without multiQueue to a multi-queue device');
});

t.test('persistent devices outlive their fds; Tun.delete removes them', async (t) => {
  const { ns } = await sandbox(t);
  const tun = await Tun.open({ netns: ns, name: 'keep0', persist: true });
  t.ok(tun.persistent);
  await tun.close();
  t.match(tunInfo(ns, 'keep0').info_data, { persist: true }, 'still there after close');
  // Attach again (a persistent device is reopened by name), then let it go.
  const again = await Tun.open({ netns: ns, name: 'keep0' });
  t.ok(again.persistent, 'reopened, still persistent');
  await t.rejects(Tun.delete('keep0', { netns: ns }), { code: 'EBUSY' }, 'a single-queue device in use cannot be deleted');
  await again.close();
  t.equal(await Tun.delete('keep0', { netns: ns }), true, 'deleted');
  t.notOk(ipNames(ns).includes('keep0'), 'gone');
  await t.rejects(Tun.delete('keep0', { netns: ns }), { name: 'NetlinkError', code: 'ENODEV' });
  // setPersist on a live device, then its close leaves it; delete a tap by name.
  const tap = await Tun.open({ netns: ns, mode: 'tap', name: 'ptap0' });
  await tap.setPersist(true);
  await tap.close();
  t.ok(ipLink(ns, 'ptap0'), 'made persistent while open');
  t.equal(await Tun.delete('ptap0', { netns: ns }), true);
  t.notOk(ipNames(ns).includes('ptap0'));
  // Not a tun device.
  await t.rejects(Tun.delete('lo', { netns: ns }), { code: 'EINVAL' });
});

t.test('a non-persistent device goes away with its last fd, at close()', async (t) => {
  const { ns } = await sandbox(t);
  const tun = await Tun.open({ netns: ns, name: 'gone0' });
  t.ok(ipLink(ns, 'gone0'));
  await tun.close();
  t.notOk(ipNames(ns).includes('gone0'), 'deleted by the time close() resolves');
  await tun.close();
  t.ok(tun.closed, 'close is idempotent');
  t.throws(() => tun.write(Buffer.alloc(20)), { name: 'NetlinkError', code: 'EBADF' }, 'use after close');
  await t.rejects(tun.readBatch(), { code: 'EBADF' });
  t.equal(tun.stats.rxPackets, 0, 'counters stay readable');
});

t.test('exclusive, and names the kernel refuses', async (t) => {
  const { ns, nl } = await sandbox(t);
  const tun = await Tun.open({ netns: ns, name: 'ex0' });
  t.teardown(() => tun.close());
  await t.rejects(Tun.open({ netns: ns, name: 'ex0', exclusive: true }), { name: 'NetlinkError', code: 'EBUSY', operation: 'tun.open' });
  await t.rejects(Tun.open({ netns: ns, name: 'ex0' }), { code: 'EBUSY' }, 'a single-queue device has one fd');
  await t.rejects(Tun.open({ netns: ns, name: 'lo' }), { code: 'EINVAL' }, 'lo is not a tun device');
  await nl.link.add({ kind: 'bridge', name: 'br-x' });
  await t.rejects(Tun.open({ netns: ns, name: 'br-x', mode: 'tap' }), { code: 'EINVAL' });
});

t.test('bad input fails before the kernel, naming the field', async (t) => {
  const { ns, nl } = await sandbox(t);
  const bad = [
    [{ name: 'a-name-much-too-long' }, RangeError, /name: must be 1..15 bytes/],
    [{ name: '' }, RangeError, /name/],
    [{ name: 'a/b' }, TypeError, /name: not a valid interface name/],
    [{ name: 'tun%s' }, TypeError, /'%' is only allowed as one '%d'/],
    [{ mode: 'tunnel' }, TypeError, /mode: must be 'tun' or 'tap'/],
    [{ queues: 0 }, RangeError, /queues/],
    [{ queues: 2, multiQueue: false }, TypeError, /multiQueue/],
    [{ owner: -1 }, RangeError, /owner/],
    [{ group: 1.5 }, RangeError, /group/],
    [{ persist: 'yes' }, TypeError, /persist: must be a boolean/],
    [{ offloads: ['tso4'], vnetHdr: false }, TypeError, /offloads: need vnetHdr/],
    [{ offloads: ['tso9'] }, TypeError, /offloads: unknown 'tso9'/],
    [{ vnetHdrSize: 11 }, RangeError, /vnetHdrSize/],
    [{ vnetHdrSize: 12, vnetHdr: false }, TypeError, /vnetHdrSize: needs vnetHdr/],
    [{ slabSize: 1024 }, RangeError, /slabSize/],
    [{ batchSize: 0 }, RangeError, /batchSize/],
  ];
  for (const [opts, cls, msg] of bad) {
    await t.rejects(Tun.open({ netns: ns, ...opts }), cls, `${JSON.stringify(opts)}: ${cls.name}`);
    await t.rejects(Tun.open({ netns: ns, ...opts }), { message: msg });
  }
  t.same((await nl.link.list()).map((l) => l.name), ['lo'], 'nothing was created');
  await t.rejects(Tun.delete('tun%d', { netns: ns }), TypeError, 'delete takes a name, not a template');
});

t.test('features (TUNGETFEATURES) and offload negotiation', async (t) => {
  const { ns } = await sandbox(t);
  const f = await Tun.features();
  t.ok(f.tun && f.tap && f.noPi && f.vnetHdr && f.multiQueue, 'this kernel has the basics');
  const plain = await Tun.open({ netns: ns });
  t.teardown(() => plain.close());
  t.same(plain.offloads, [], 'no offloads without a vnet header');
  t.same(plain.features, f, 'each device reports the same features');
  const all = await Tun.open({ netns: ns, offloads: 'all' });
  t.teardown(() => all.close());
  t.ok(all.vnetHdr, 'offloads imply vnetHdr');
  t.ok(['csum', 'tso4', 'tso6'].every((o) => all.offloads.includes(o)), `granted: ${all.offloads.join(', ')}`);
  t.ok(all.offloads.includes('uso'), 'Linux 6.18 has USO');
  const some = await Tun.open({ netns: ns, offloads: ['tso4'] });
  t.teardown(() => some.close());
  t.same([...some.offloads], ['csum', 'tso4'], 'TSO brings checksum offload with it');
  t.same([...(await some.setOffloads(['csum']))], ['csum'], 'renegotiated at run time');
  t.same([...some.offloads], ['csum']);
});

t.test('a device in a named namespace, reached by reference', async (t) => {
  const name = `nlt-tun-${process.pid}`;
  const ns = await netns.add(name);
  t.teardown(async () => {
    ns.close();
    await netns.del(name);
  });
  const tun = await Tun.open({ netns: name, name: 'byref0' });
  t.teardown(() => tun.close());
  t.ok(ipLink(ns, 'byref0'), 'created inside the named namespace');
  t.ok(ns.fd >= 0, 'the caller’s handle is untouched');
  t.ok(NetlinkError, 'errors are NetlinkErrors');
});
