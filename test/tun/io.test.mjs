// Packet I/O on the real kernel: reading batches, writing, the lifetime of
// batch memory, the high-water mark, aborts, native piping, backpressure
// (a real EAGAIN) and the packet-info header. Each test proves itself with
// traffic in throwaway namespaces.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { Tun, AbortError } from '../../dist/index.js';
import { sandbox } from '../helpers/sandbox.mjs';
import { echoReply, ether, ip4At, parseIp } from '../helpers/packets.mjs';
import { tunPair, udpSocket } from '../helpers/tunnet.mjs';

const tick = (ms) => new Promise((r) => setTimeout(r, ms));

// A tun with 198.18.0.1/24, up, in a fresh namespace; 198.18.0.2 is "behind"
// it. IPv6 is off, so the kernel sends nothing of its own (router
// solicitations, MLD) into the device.
async function tunWithAddress(t, opts = {}) {
  const { ns, nl } = await sandbox(t, { lo: true });
  await ns.sysctl.set('net.ipv6.conf.default.disable_ipv6', 1);
  const tun = await Tun.open({ netns: ns, name: 'tun0', ...opts });
  t.teardown(() => tun.close());
  await nl.addr.add('tun0', '198.18.0.1/24');
  await nl.link.set('tun0', { up: true });
  return { ns, nl, tun };
}

const isEchoRequest = (p, off = 0) => p[off] >> 4 === 4 && p[off + 9] === 1 && p[off + (p[off] & 0xf) * 4] === 8;

t.test('read echo requests, write the replies: ping answered from JavaScript', async (t) => {
  const { ns, tun } = await tunWithAddress(t);
  const answered = (async () => {
    let n = 0;
    for await (const p of tun) {
      if (!isEchoRequest(p)) continue; // IPv6 router solicitations and the like
      t.equal(ip4At(p, 16), '198.18.0.2');
      t.equal(tun.write(echoReply(p)), true, 'written at once');
      if (++n === 3) return n;
    }
  })();
  const r = await ns.ping('198.18.0.2', { count: 3, interval: 50, timeout: 2000 });
  t.equal(r.received, 3, 'three replies came back through the tun device');
  t.equal(await answered, 3);
  const s = tun.stats;
  t.ok(s.rxPackets >= 3 && s.rxBatches >= 1, `read ${s.rxPackets} packets in ${s.rxBatches} batches`);
  t.equal(s.txPackets, 3);
  t.equal(s.txDropped, 0);
});

t.test('one batch per wakeup; views until release(), then empty', async (t) => {
  const { ns, tun } = await tunWithAddress(t);
  const sock = udpSocket(ns, '198.18.0.1');
  t.teardown(() => sock.close());
  const first = tun.readBatch(); // starts reading
  await tick(20);
  // 100 datagrams sent in one tick: the kernel queues them all before the loop polls.
  for (let i = 0; i < 100; i++) sock.send(Buffer.from(`datagram ${i}`.padEnd(40, '.')), 9, '198.18.0.2');
  const seen = [];
  let batches = 0;
  let batch = await first;
  for (;;) {
    batches++;
    for (const p of batch) {
      const ip = parseIp(p);
      if (ip.version === 4 && ip.proto === 17) seen.push(p.subarray(ip.l4 + 8).toString());
    }
    const view = batch.packet(0);
    t.ok(view.length > 0);
    batch.release();
    t.equal(view.length, 0, 'a kept view reads as empty after release');
    t.throws(() => batch.packet(0), TypeError, 'the batch refuses use after release');
    batch.release();
    if (seen.length >= 100) break;
    batch = await tun.readBatch();
  }
  t.equal(seen.length, 100);
  t.equal(seen[42], 'datagram 42'.padEnd(40, '.'), 'in order, intact');
  t.ok(batches < 20, `100 packets in ${batches} batches`);
});

t.test('large batches lend a slab; kept packets stay valid until GC', async (t) => {
  const { ns, tun } = await tunWithAddress(t, { batchSize: 512 });
  const sock = udpSocket(ns, '198.18.0.1');
  t.teardown(() => sock.close());
  const first = tun.readBatch();
  await tick(20);
  for (let i = 0; i < 200; i++) sock.send(Buffer.alloc(1400, i), 9, '198.18.0.2');
  const kept = [];
  let total = 0;
  let biggest = 0;
  let batch = await first;
  while (total < 200) {
    biggest = Math.max(biggest, batch.byteLength);
    for (const p of batch) {
      const ip = parseIp(p);
      if (ip.version === 4 && ip.proto === 17) {
        kept.push(p);
        total++;
      }
    }
    // Not released: the packets stay readable.
    if (total < 200) batch = await tun.readBatch();
  }
  t.ok(biggest > 64 * 1024, `a batch of ${biggest} bytes (lent, not copied)`);
  t.ok(kept.every((p, i) => p.length === 1428 && p[p.length - 1] === (i & 0xff)), 'every kept packet intact');
});

t.test('the high-water mark pauses reading until the consumer catches up', async (t) => {
  const { ns, tun } = await tunWithAddress(t, { highWaterMark: 1 });
  const sock = udpSocket(ns, '198.18.0.1');
  t.teardown(() => sock.close());
  const send = (n) => {
    for (let i = 0; i < n; i++) sock.send(Buffer.alloc(100), 9, '198.18.0.2');
  };
  const first = tun.readBatch();
  await tick(20);
  send(1);
  (await first).release();
  const base = tun.stats.rxPackets;
  t.equal(base, 1, 'the first datagram');
  send(50);
  await tick(100);
  const afterFirst = tun.stats.rxPackets;
  t.ok(afterFirst > base, 'one batch read past the mark');
  send(50);
  await tick(100);
  t.equal(tun.stats.rxPackets, afterFirst, 'then nothing while nobody consumes');
  let got = 0;
  while (got < 100) {
    const b = await tun.readBatch();
    got += [...b].filter((p) => parseIp(p).proto === 17).length;
    b.release();
  }
  t.equal(got, 100, 'consuming resumes reading: everything arrives (the kernel held it)');
});

t.test('readBatch takes an AbortSignal and loses nothing', async (t) => {
  const { ns, tun } = await tunWithAddress(t);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  await t.rejects(tun.readBatch({ signal: ac.signal }), AbortError);
  const sock = udpSocket(ns, '198.18.0.1');
  t.teardown(() => sock.close());
  sock.send('after the abort', 9, '198.18.0.2');
  for (;;) {
    const b = await tun.readBatch();
    const udp = [...b].find((p) => parseIp(p).proto === 17);
    if (udp) t.match(udp.toString(), /after the abort/, 'the next read gets the next packet');
    b.release();
    if (udp) break;
  }
  const pre = new AbortController();
  pre.abort();
  await t.rejects(tun.readBatch({ signal: pre.signal }), AbortError);
});

t.test('write: input checked first, kernel refusals as NetlinkError', async (t) => {
  const { ns, nl } = await sandbox(t);
  const tun = await Tun.open({ netns: ns, name: 'w0' });
  t.teardown(() => tun.close());
  const ping = Buffer.from('450000540001400040010000c6120002c6120001', 'hex');
  t.throws(() => tun.write(ping), { name: 'NetlinkError', code: 'EIO', operation: 'tun.write' }, 'the device is down: EIO');
  t.equal(tun.stats.txDropped, 1);
  t.equal(tun.stats.lastTxError, 'EIO');
  await nl.link.set('w0', { up: true });
  t.throws(() => tun.write(Buffer.alloc(0)), RangeError, 'empty');
  t.throws(() => tun.write(Buffer.alloc(70000)), { name: 'RangeError', message: /70000 bytes is more than a tun device carries/ }, 'oversized');
  t.throws(() => tun.write('not a buffer'), TypeError);
  t.throws(() => tun.write(ping, { gsoType: 'tcpv4' }), { name: 'TypeError', message: /no virtio header/ });
  t.throws(() => tun.writeBatch([ping, Buffer.alloc(0)]), { name: 'RangeError', message: /packets\[1\]/ }, 'the bad one named, nothing written');
  t.equal(tun.write(ping), true);
  t.equal(tun.writeBatch([ping, ping]), true);
  t.equal(tun.stats.txPackets, 3);
  const tap = await Tun.open({ netns: ns, name: 'w1', mode: 'tap' });
  t.teardown(() => tap.close());
  t.throws(() => tap.write(Buffer.alloc(10)), { name: 'RangeError', message: /smallest Ethernet frame/ });
  await t.rejects(tun.pipeTo(tap), { name: 'TypeError', message: /same mode/ }, 'tun and tap do not mix');
  await t.rejects(tun.pipeTo({}), TypeError);
});

t.test('pipeTo forwards natively both ways; ends when a side closes', async (t) => {
  const { A, tunA, tunB } = await tunPair(t);
  const ab = tunA.pipeTo(tunB);
  const ba = tunB.pipeTo(tunA);
  const r = await A.ns.ping('198.18.2.1', { count: 5, interval: 20, timeout: 2000 });
  t.equal(r.received, 5, 'ping A -> B through two tun devices and the native pipe');
  t.ok(tunA.stats.rxPackets >= 5 && tunB.stats.txPackets >= 5);
  await t.rejects(tunA.readBatch(), { code: 'EBUSY' }, 'a piped queue cannot also be read');
  await t.rejects(tunA.pipeTo(tunB), { name: 'NetlinkError', code: 'EBUSY' }, 'and cannot pipe twice');
  await tunB.close();
  await ab;
  await ba;
  t.pass('both pipes ended when tunB closed');
});

t.test('pipeTo stops on abort', async (t) => {
  const { A, tunA, tunB } = await tunPair(t);
  const ac = new AbortController();
  const ab = tunA.pipeTo(tunB, { signal: ac.signal });
  const ba = tunB.pipeTo(tunA);
  t.equal((await A.ns.ping('198.18.2.1', { timeout: 2000 })).received, 1);
  ac.abort();
  await t.rejects(ab, AbortError);
  t.equal((await A.ns.ping('198.18.2.1', { timeout: 300 })).received, 0, 'nothing forwarded after the abort');
  await tunA.close();
  await ba;
});

t.test('packet info header: read with it, write with it', async (t) => {
  const { ns, tun } = await tunWithAddress(t, { packetInfo: true });
  t.ok(tun.packetInfo);
  const answered = (async () => {
    for await (const batch of tun.batches()) {
      for (let i = 0; i < batch.count; i++) {
        const rec = batch.record(i);
        const info = batch.packetInfo(i);
        if (info.proto !== 0x0800 || !isEchoRequest(rec, 4)) continue;
        t.equal(batch.packet(i).length, rec.length - 4, 'packet() leaves the header out');
        const reply = Buffer.concat([rec.subarray(0, 4), echoReply(rec, 4)]);
        tun.write(reply);
        batch.release();
        return info;
      }
      batch.release();
    }
  })();
  const r = await ns.ping('198.18.0.2', { timeout: 2000 });
  t.equal(r.received, 1);
  t.same(await answered, { flags: 0, proto: 0x0800 });
});

t.test('multi-queue: every queue read on its own, all packets arrive', async (t) => {
  const { ns, nl } = await sandbox(t, { lo: true });
  const tun = await Tun.open({ netns: ns, name: 'mq0', queues: 2 });
  t.teardown(() => tun.close());
  await nl.addr.add('mq0', '198.18.0.1/24');
  await nl.link.set('mq0', { up: true });
  const counts = [0, 0];
  const readers = tun.queues.map(async (q, i) => {
    for await (const p of q) if (parseIp(p).proto === 17) counts[i]++;
  });
  const socks = Array.from({ length: 16 }, () => udpSocket(ns, '198.18.0.1'));
  t.teardown(() => socks.forEach((s) => s.close()));
  socks.forEach((s, i) => {
    for (let k = 0; k < 10; k++) s.send(Buffer.alloc(32, i), 9, '198.18.0.2');
  });
  for (let i = 0; i < 100 && counts[0] + counts[1] < 160; i++) await tick(20);
  t.equal(counts[0] + counts[1], 160, `160 datagrams over two queues (${counts.join(' + ')})`);
  await tun.close();
  await Promise.all(readers);
});

// ---------------------------------------------------------------- EAGAIN

// Frames from tapA to tapB's MAC are held in a tbf qdisc on tapB while still
// charged to tapA's socket: with a small sndbuf, tapA's writes answer EAGAIN.
// Closing tapB frees them and tapA polls writable again.
async function stuckTapPair(t) {
  const { ns, nl } = await sandbox(t);
  await nl.link.add({ kind: 'bridge', name: 'br0', up: true });
  const tapA = await Tun.open({ netns: ns, mode: 'tap', name: 'tapA', sndbuf: 65536 });
  t.teardown(() => tapA.close());
  const tapB = await Tun.open({ netns: ns, mode: 'tap', name: 'tapB' });
  t.teardown(() => tapB.close());
  for (const n of ['tapA', 'tapB']) await nl.link.set(n, { master: 'br0', up: true });
  execFileSync('nsenter', [`--net=/proc/${process.pid}/fd/${ns.fd}`, 'tc', 'qdisc', 'add', 'dev', 'tapB', 'root', 'tbf', 'rate', '8kbit', 'burst', '1600', 'limit', '100000000']);
  const macB = '02:00:00:00:00:0b';
  const macA = '02:00:00:00:00:0a';
  // tapB speaks first, so the bridge learns where macB is.
  tapB.write(ether({ dst: 'ff:ff:ff:ff:ff:ff', src: macB, type: 0x88b5, payload: Buffer.alloc(46) }));
  for (let i = 0; i < 50; i++) {
    const fdb = await nl.fdb.list({ br: 'br0' });
    if (fdb.some((e) => e.lladdr === macB)) break;
    await tick(20);
  }
  const frame = ether({ dst: macB, src: macA, type: 0x88b5, payload: Buffer.alloc(1500) });
  return { tapA, tapB, frame, ns, nl };
}

t.test('backpressure: EAGAIN queues (never drops), drain() waits for writable', async (t) => {
  const { tapA, tapB, frame } = await stuckTapPair(t);
  let written = 0;
  let ok = true;
  while (ok && written < 10000) {
    ok = tapA.write(frame);
    written++;
  }
  t.equal(ok, false, `write() returned false after ${written} frames (the kernel said EAGAIN)`);
  t.ok(tapA.stats.txQueuedPackets >= 1, 'the frame waits in netloom');
  t.equal(tapA.writeBatch([frame, frame]), false, 'later writes queue behind it, in order');
  const queued = tapA.stats.txQueuedPackets;
  let drained = false;
  const d = tapA.drain().then(() => (drained = true));
  await tick(200);
  t.equal(drained, false, 'drain() waits while the kernel has no room');
  await tapB.close(); // frees the frames held in its qdisc
  await d;
  t.equal(tapA.stats.txQueuedPackets, 0, 'all written once writable');
  t.equal(tapA.stats.txPackets, written + 2, `every frame went to the kernel (${queued} after waiting)`);
  t.equal(tapA.stats.txDropped, 0, 'nothing dropped');
  t.equal(await tapA.drain(), undefined, 'drain() with nothing queued resolves at once');
});

t.test('close while a write waits: drain() rejects ECANCELED, queued frames counted as dropped', async (t) => {
  const { tapA, frame } = await stuckTapPair(t);
  let ok = true;
  for (let i = 0; ok && i < 10000; i++) ok = tapA.write(frame);
  t.equal(ok, false);
  const queued = tapA.stats.txQueuedPackets;
  const d = t.rejects(tapA.drain(), { name: 'NetlinkError', code: 'ECANCELED', operation: 'tun.drain' });
  await tapA.close();
  await d;
  t.equal(tapA.stats.txDropped, queued);
});

t.test('a device deleted under a reader: the read fails with EBADFD, waiting writes are dropped', async (t) => {
  const { nl, tun } = await tunWithAddress(t);
  const pending = t.rejects(tun.readBatch(), { name: 'NetlinkError', code: 'EBADFD', operation: 'tun.read', message: /deleted/ });
  await tick(20);
  await nl.link.del('tun0'); // ip link del tun0: the kernel lets go of our fd
  await pending;
  t.equal(await tun.readBatch(), null, 'after the error, the end');
  t.throws(() => tun.write(Buffer.from('4500001c00014000401100000a0000010a000002', 'hex')), { code: 'EBADFD' }, 'writes fail too');
  await tun.close();
  t.pass('close still works');
});

t.test('a device deleted while writes wait: drain() rejects with EBADFD', async (t) => {
  const { tapA, frame, nl } = await stuckTapPair(t);
  let ok = true;
  for (let i = 0; ok && i < 10000; i++) ok = tapA.write(frame);
  t.equal(ok, false);
  const queued = tapA.stats.txQueuedPackets;
  const drained = t.rejects(tapA.drain(), { name: 'NetlinkError', code: 'EBADFD', operation: 'tun.drain' });
  await nl.link.del('tapA'); // ip link del tapA
  await drained;
  t.equal(tapA.stats.txQueuedPackets, 0);
  t.equal(tapA.stats.txDropped, queued, 'the waiting frames were dropped, and counted');
});
