// Offloads on the real kernel: TSO super-packets read with their virtio
// header and passed through unchanged, native segmentation checked by hand
// (every checksum recomputed here) and by the kernel (a TCP transfer through
// a segmenting forwarder stays byte-exact only if every segment is right),
// and USO: a UDP super-packet the kernel splits for a socket.
import t from 'tap';
import { Tun, segmentPacket, encodeVnetHeader, parseVnetHeader, NetlinkError } from '../../dist/index.js';
import { ipv4, ipv6, ipv4ChecksumOk, l4ChecksumOk, parseIp, partialChecksum, tcp, udp, ether } from '../helpers/packets.mjs';
import { tcpEcho, tunPair, udpSocket } from '../helpers/tunnet.mjs';

const MiB = 1024 * 1024;

// Forward every batch from `from` to `to` in JavaScript, noting each packet's header.
function jsForward(from, to, seen) {
  return (async () => {
    for await (const b of from.batches()) {
      for (let i = 0; i < b.count; i++) {
        const v = b.vnet(i);
        seen.push({ gsoType: v?.gsoType ?? 'none', len: b.packet(i).length, gsoSize: v?.gsoSize ?? 0, record: v && v.gsoType !== 'none' && seen.length < 400 ? Buffer.from(b.record(i)) : undefined });
      }
      const ok = to.writeBatch(b);
      b.release();
      if (!ok) await to.drain();
    }
  })();
}

t.test('TSO: super-packets come with their header and pass through unchanged (IPv4 and IPv6)', async (t) => {
  const { A, B, tunA, tunB } = await tunPair(t, { a: { offloads: 'all' }, b: { offloads: 'all' } });
  const seen = [];
  const fwd = [jsForward(tunA, tunB, seen), tunB.pipeTo(tunA)];
  const v4 = await tcpEcho(B.ns, A.ns, '198.18.2.1', MiB);
  t.equal(v4.bytes, MiB);
  t.equal(v4.received, v4.sent, '1 MiB echoed byte-exact over IPv4');
  const v6 = await tcpEcho(B.ns, A.ns, '2001:db8:2::1', MiB);
  t.equal(v6.received, v6.sent, '1 MiB echoed byte-exact over IPv6');
  const tso4 = seen.filter((s) => s.gsoType === 'tcpv4');
  const tso6 = seen.filter((s) => s.gsoType === 'tcpv6');
  t.ok(tso4.length > 0 && tso6.length > 0, `super-packets seen: ${tso4.length} tcpv4, ${tso6.length} tcpv6`);
  const biggest = Math.max(...seen.map((s) => s.len));
  t.ok(biggest > 1500, `the largest packet read was ${biggest} bytes (MTU 1500)`);
  t.ok(tso4.every((s) => s.gsoSize > 0 && s.gsoSize <= 1460), 'gsoSize is an MSS');
  await tunA.close();
  await Promise.all(fwd);
});

// Check the segments of one TCP super-packet the way a receiver would.
function checkTcpSegments(t, record, segs) {
  const v = parseVnetHeader(record);
  const frame = record.subarray(10);
  const ip = parseIp(frame);
  const hlen = ip.l4 + (frame[ip.l4 + 12] >> 4) * 4;
  const payload = frame.subarray(hlen, ip.end);
  const seq0 = frame.readUInt32BE(ip.l4 + 4);
  const n = Math.ceil(payload.length / v.gsoSize);
  const problems = [];
  if (segs.count !== n) problems.push(`${segs.count} segments, expected ${n}`);
  const parts = [];
  for (let k = 0; k < segs.count; k++) {
    const s = segs.packet(k);
    const sip = parseIp(s);
    if (s.length > 1500) problems.push(`segment ${k}: ${s.length} bytes > MTU`);
    if (sip.totalLength !== s.length) problems.push(`segment ${k}: IP length ${sip.totalLength} != ${s.length}`);
    if (ip.version === 4 && !ipv4ChecksumOk(s)) problems.push(`segment ${k}: bad IPv4 header checksum`);
    if (ip.version === 4 && sip.id !== ((ip.id + k) & 0xffff)) problems.push(`segment ${k}: IP id ${sip.id}`);
    if (!l4ChecksumOk(s)) problems.push(`segment ${k}: bad TCP checksum`);
    if (s.readUInt32BE(sip.l4 + 4) !== ((seq0 + k * v.gsoSize) >>> 0)) problems.push(`segment ${k}: seq`);
    const flags = s[sip.l4 + 13];
    if (k < segs.count - 1 && flags & 0x09) problems.push(`segment ${k}: FIN/PSH before the last`);
    parts.push(s.subarray(hlen));
  }
  if (!Buffer.concat(parts).equals(payload)) problems.push('payloads do not add up to the original');
  return problems;
}

t.test('native segmentation of real TSO packets, checked by hand', async (t) => {
  const { A, B, tunA, tunB } = await tunPair(t, { a: { offloads: 'all' }, b: { offloads: 'all' } });
  const seen = [];
  const fwd = [jsForward(tunA, tunB, seen), tunB.pipeTo(tunA)];
  await tcpEcho(B.ns, A.ns, '198.18.2.1', MiB);
  await tcpEcho(B.ns, A.ns, '2001:db8:2::1', MiB);
  const supers = seen.filter((s) => s.record && s.len > 1500);
  t.ok(supers.length > 10, `${supers.length} super-packets captured`);
  let checked = 0;
  for (const s of supers) {
    const segs = segmentPacket(s.record.subarray(10), s.record.subarray(0, 10));
    const problems = checkTcpSegments(t, s.record, segs);
    if (problems.length) t.fail(problems.join('; '));
    checked++;
  }
  t.equal(checked, supers.length, `every super-packet split right (${checked}, ${supers[0]?.gsoType} first)`);
  await tunA.close();
  await Promise.all(fwd);
});

t.test('a vnet device forwarding to a plain one: segmented on the way, TCP byte-exact', async (t) => {
  const { A, B, tunA, tunB } = await tunPair(t, { a: { offloads: 'all' } });
  t.notOk(tunB.vnetHdr);
  // A -> B in JavaScript (writeBatch converts), B -> A natively (an empty header added).
  const fwd = [jsForward(tunA, tunB, []), tunB.pipeTo(tunA)];
  const r = await tcpEcho(B.ns, A.ns, '198.18.2.1', MiB);
  t.equal(r.received, r.sent, '1 MiB echoed byte-exact: the kernel accepted every segment');
  t.ok(tunB.stats.txSegmented > 0, `${tunB.stats.txSegmented} super-packets segmented natively by writeBatch`);
  t.ok(tunA.stats.rxBytes / tunA.stats.rxPackets > 1500, 'A handed over super-packets');
  await tunA.close();
  await Promise.all(fwd);
});

t.test('the same through the native pipe, IPv6', async (t) => {
  const { A, B, tunA, tunB } = await tunPair(t, { a: { offloads: 'all' } });
  const fwd = [tunA.pipeTo(tunB), tunB.pipeTo(tunA)];
  const r = await tcpEcho(B.ns, A.ns, '2001:db8:2::1', MiB);
  t.equal(r.received, r.sent, '1 MiB echoed byte-exact over IPv6');
  t.ok(tunB.stats.txSegmented > 0, `${tunB.stats.txSegmented} super-packets segmented in the pipe`);
  await tunB.close();
  await Promise.all(fwd);
});

t.test('a 12-byte virtio header (TUNSETVNETHDRSZ) forwarding to a 10-byte one', async (t) => {
  const { A, B, tunA, tunB } = await tunPair(t, { a: { offloads: 'all', vnetHdrSize: 12 }, b: { offloads: 'all' } });
  t.equal(tunA.vnetHdrSize, 12);
  const seen = [];
  const fwd = [jsForward(tunA, tunB, seen), tunB.pipeTo(tunA)];
  const r = await tcpEcho(B.ns, A.ns, '198.18.2.1', MiB);
  t.equal(r.received, r.sent, '1 MiB echoed byte-exact: headers converted both ways');
  t.ok(seen.some((s) => s.gsoType === 'tcpv4'), 'super-packets parsed from the 12-byte header');
  await tunA.close();
  await Promise.all(fwd);
});

// A UDP super-packet: 3000 payload bytes for 500-byte datagrams, to 198.18.2.1:port.
function usoPacket(port) {
  const payload = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff));
  const pkt = ipv4({ src: '198.18.1.1', dst: '198.18.2.1', proto: 17, payload: udp({ sport: 40000, dport: port, payload }), id: 100 });
  pkt.writeUInt16BE(partialChecksum(pkt), 20 + 6); // what a sender with checksum offload leaves
  const hdr = { needsCsum: true, csumStart: 20, csumOffset: 6, gsoType: 'udpL4', gsoSize: 500, hdrLen: 28 };
  return { pkt, hdr, payload };
}

t.test('USO: a UDP super-packet split by the kernel and by netloom alike', async (t) => {
  const { B, tunB } = await tunPair(t, { b: { offloads: 'all' } });
  t.ok(tunB.offloads.includes('uso'));
  const sock = udpSocket(B.ns, '198.18.2.1');
  t.teardown(() => sock.close());
  const got = [];
  sock.on('message', (m) => got.push(m));
  const { pkt, hdr, payload } = usoPacket(sock.address().port);
  const waitFor = async (n) => {
    for (let i = 0; i < 100 && got.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  };
  tunB.write(pkt, hdr);
  await waitFor(6);
  t.equal(got.length, 6, 'the kernel delivered 6 datagrams from one write');
  t.ok(Buffer.concat(got).equals(payload), 'with the payload in order');
  const segs = segmentPacket(pkt, hdr);
  t.equal(segs.count, 6);
  for (const s of segs) {
    const ip = parseIp(s);
    if (!ipv4ChecksumOk(s) || !l4ChecksumOk(s) || s.readUInt16BE(ip.l4 + 4) !== 508 || s.length !== 528) t.fail('bad UDP segment');
  }
  t.pass('netloom’s 6 segments have right lengths and checksums');
  got.length = 0;
  t.equal(tunB.writeBatch([...segs]), true);
  await waitFor(6);
  t.equal(got.length, 6, 'and the kernel (checking every UDP checksum) accepts them');
  t.ok(Buffer.concat(got).equals(payload));
});

t.test('segmentPacket without a device: checksums, IPv6, tap frames, VLAN tags', async (t) => {
  // A partial checksum on an ordinary packet is completed.
  const { pkt } = usoPacket(9);
  const one = segmentPacket(pkt, { needsCsum: true, csumStart: 20, csumOffset: 6 });
  t.equal(one.count, 1);
  t.ok(l4ChecksumOk(one.packet(0)), 'F_NEEDS_CSUM completed');
  // IPv6 TCP, 4000 bytes at MSS 1000, PSH|FIN on the original.
  const data = Buffer.alloc(4000, 0x5a);
  const six = ipv6({ src: '2001:db8:1::1', dst: '2001:db8:2::1', proto: 6, payload: tcp({ sport: 1, dport: 2, seq: 0xfffffc00, flags: 0x19 | 0x80, payload: data }) });
  six.writeUInt16BE(partialChecksum(six), 40 + 16);
  const hdr6 = { needsCsum: true, csumStart: 40, csumOffset: 16, gsoType: 'tcpv6', gsoSize: 1000, ecn: true };
  const s6 = segmentPacket(six, hdr6);
  t.equal(s6.count, 4);
  const flags = [...s6].map((s) => s[40 + 13]);
  t.same(flags, [0x10 | 0x80, 0x10, 0x10, 0x19], 'CWR only on the first, FIN/PSH only on the last');
  t.ok([...s6].every((s) => l4ChecksumOk(s)), 'IPv6 TCP checksums');
  t.same([...s6].map((s) => s.readUInt32BE(40 + 4)), [0, 1000, 2000, 3000].map((d) => (0xfffffc00 + d) >>> 0), 'sequence numbers wrap');
  // The same IPv4 packet as an Ethernet frame with an 802.1Q tag (tap).
  const four = ipv4({ src: '198.18.1.1', dst: '198.18.2.1', proto: 6, payload: tcp({ sport: 1, dport: 2, seq: 7, payload: data }) });
  const tag = Buffer.from([0x00, 0x05, 0x08, 0x00]);
  const frame = Buffer.concat([ether({ dst: '02:00:00:00:00:02', src: '02:00:00:00:00:01', type: 0x8100, payload: tag }), four]);
  const st = segmentPacket(frame, { needsCsum: true, csumStart: 18 + 20, csumOffset: 16, gsoType: 'tcpv4', gsoSize: 1460 }, { mode: 'tap' });
  t.equal(st.count, 3);
  t.ok([...st].every((s) => s.subarray(0, 18).equals(frame.subarray(0, 18))), 'each segment keeps the Ethernet header and tag');
  t.ok([...st].every((s) => ipv4ChecksumOk(s, 18) && l4ChecksumOk(s, 18)), 'checksums after the tag');
  t.same([...st].map((s) => s.length), [18 + 40 + 1460, 18 + 40 + 1460, 18 + 40 + 1080]);
});

t.test('segmentPacket refuses what it cannot split, saying why', async (t) => {
  const { pkt } = usoPacket(9);
  const cases = [
    [{ gsoType: 'udp', gsoSize: 500 }, /UFO/],
    [{ gsoType: 'udpL4', gsoSize: 0 }, /gso_size too small/],
    [{ gsoType: 'tcpv6', gsoSize: 500 }, /tcpv6 on an IPv4 packet/],
    [{ gsoType: 'udpL4', gsoSize: 500, needsCsum: true, csumStart: 3000 }, /bad csum_start/],
    [{ gsoType: 77, gsoSize: 500 }, /unknown gso_type/],
  ];
  for (const [hdr, why] of cases) {
    t.throws(() => segmentPacket(pkt, hdr), { name: 'NetlinkError', code: 'EINVAL', message: why }, JSON.stringify(hdr));
  }
  t.throws(() => segmentPacket(pkt.subarray(0, 100), { gsoType: 'udpL4', gsoSize: 500 }), { message: /packet 0: truncated/ });
  t.throws(() => segmentPacket(Buffer.from([0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]), { gsoType: 'tcpv4', gsoSize: 100 }), { message: /not an IP packet/ });
  t.throws(() => encodeVnetHeader({ gsoType: 'sctp' }), TypeError);
  t.throws(() => encodeVnetHeader({ gsoSize: 70000 }), RangeError);
  t.same(parseVnetHeader(encodeVnetHeader({ gsoType: 'tcpv4', gsoSize: 1448, needsCsum: true, csumStart: 20, csumOffset: 16, hdrLen: 52 })), {
    flags: 1, needsCsum: true, dataValid: false, gsoType: 'tcpv4', ecn: false, hdrLen: 52, gsoSize: 1448, csumStart: 20, csumOffset: 16,
  }, 'encode and parse agree');
  t.ok(NetlinkError);
});
