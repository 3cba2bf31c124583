// Packets built and checked by hand, for the tun tests: independent of
// netloom's native code (its segmentation and checksums are what is tested).

/** One's complement sum of buf[start, end) (16-bit big-endian words), added to `acc`. */
export function sum16(buf, start = 0, end = buf.length, acc = 0) {
  for (let i = start; i + 1 < end; i += 2) acc += (buf[i] << 8) | buf[i + 1];
  if ((end - start) % 2) acc += buf[end - 1] << 8;
  return acc;
}

/** Fold and complement: the Internet checksum of a sum. */
export function fold(acc) {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return ~acc & 0xffff;
}

const ip4 = (s) => Buffer.from(s.split('.').map(Number));
function ip6(s) {
  const [head, tail = ''] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = s.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** An IPv4 packet around `payload` (protocol `proto`), header checksum set. */
export function ipv4({ src, dst, proto, payload, id = 1, ttl = 64, df = true }) {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h.writeUInt16BE(id, 4);
  h.writeUInt16BE(df ? 0x4000 : 0, 6);
  h[8] = ttl;
  h[9] = proto;
  ip4(src).copy(h, 12);
  ip4(dst).copy(h, 16);
  h.writeUInt16BE(fold(sum16(h)), 10);
  return Buffer.concat([h, payload]);
}

/** An IPv6 packet around `payload` (next header `proto`). */
export function ipv6({ src, dst, proto, payload, hop = 64 }) {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(payload.length, 4);
  h[6] = proto;
  h[7] = hop;
  ip6(src).copy(h, 8);
  ip6(dst).copy(h, 24);
  return Buffer.concat([h, payload]);
}

/** Parse the IP header of `pkt` (starting at `off`): what the checks below need. */
export function parseIp(pkt, off = 0) {
  const version = pkt[off] >> 4;
  if (version === 4) {
    const ihl = (pkt[off] & 0xf) * 4;
    return { version, l4: off + ihl, proto: pkt[off + 9], totalLength: pkt.readUInt16BE(off + 2), id: pkt.readUInt16BE(off + 4), end: off + pkt.readUInt16BE(off + 2) };
  }
  if (version === 6) return { version, l4: off + 40, proto: pkt[off + 6], totalLength: 40 + pkt.readUInt16BE(off + 4), end: off + 40 + pkt.readUInt16BE(off + 4) };
  return { version };
}

// The pseudo-header sum for the transport part of `pkt`.
function pseudo(pkt, off, ip, l4len) {
  const addrs = ip.version === 4 ? sum16(pkt, off + 12, off + 20) : sum16(pkt, off + 8, off + 40);
  return addrs + ip.proto + l4len;
}

/** The transport checksum computed over `pkt` as it stands (0 when correct... see l4ChecksumOk). */
export function l4ChecksumOk(pkt, off = 0) {
  const ip = parseIp(pkt, off);
  const l4len = ip.end - ip.l4;
  return fold(sum16(pkt, ip.l4, ip.end, pseudo(pkt, off, ip, l4len))) === 0;
}

/** The IPv4 header checksum is right. */
export function ipv4ChecksumOk(pkt, off = 0) {
  const ihl = (pkt[off] & 0xf) * 4;
  return fold(sum16(pkt, off, off + ihl)) === 0;
}

/** Set the transport checksum at `field` (offset within the L4 header) of a packet built above. */
export function setL4Checksum(pkt, field, off = 0) {
  const ip = parseIp(pkt, off);
  pkt.writeUInt16BE(0, ip.l4 + field);
  const c = fold(sum16(pkt, ip.l4, ip.end, pseudo(pkt, off, ip, ip.end - ip.l4)));
  pkt.writeUInt16BE(c === 0 && ip.proto === 17 ? 0xffff : c, ip.l4 + field);
  return pkt;
}

/** The pseudo-header sum folded but not complemented: what a F_NEEDS_CSUM packet carries in its checksum field. */
export function partialChecksum(pkt, off = 0) {
  const ip = parseIp(pkt, off);
  let acc = pseudo(pkt, off, ip, ip.end - ip.l4);
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return acc;
}

/** A UDP header + payload (checksum 0: set it with setL4Checksum once inside IP). */
export function udp({ sport, dport, payload }) {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

/** A TCP header (20 bytes) + payload, checksum 0. */
export function tcp({ sport, dport, seq, ack = 0, flags = 0x18, window = 65535, payload }) {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(seq >>> 0, 4);
  h.writeUInt32BE(ack >>> 0, 8);
  h[12] = 5 << 4;
  h[13] = flags;
  h.writeUInt16BE(window, 14);
  return Buffer.concat([h, payload]);
}

/** An ICMP echo (type 8) or echo reply (type 0), checksum set. */
export function icmpEcho({ type, id, seq, data = Buffer.alloc(0) }) {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt16BE(id, 4);
  h.writeUInt16BE(seq, 6);
  const m = Buffer.concat([h, data]);
  m.writeUInt16BE(fold(sum16(m)), 2);
  return m;
}

/** Turn an IPv4 ICMP echo request into its reply (addresses swapped, type 0, checksums fixed). */
export function echoReply(req, off = 0) {
  const pkt = Buffer.from(req.subarray(off));
  const src = pkt.subarray(12, 16);
  const dst = Buffer.from(pkt.subarray(16, 20));
  src.copy(pkt, 16);
  dst.copy(pkt, 12);
  pkt.writeUInt16BE(0, 10);
  pkt.writeUInt16BE(fold(sum16(pkt, 0, 20)), 10);
  const l4 = (pkt[0] & 0xf) * 4;
  pkt[l4] = 0;
  pkt.writeUInt16BE(0, l4 + 2);
  pkt.writeUInt16BE(fold(sum16(pkt, l4, pkt.length)), l4 + 2);
  return pkt;
}

/** An Ethernet frame. MACs as 'aa:bb:...' strings. */
export function ether({ dst, src, type, payload }) {
  const h = Buffer.alloc(14);
  Buffer.from(dst.split(':').map((x) => parseInt(x, 16))).copy(h, 0);
  Buffer.from(src.split(':').map((x) => parseInt(x, 16))).copy(h, 6);
  h.writeUInt16BE(type, 12);
  return Buffer.concat([h, payload]);
}

/** The MAC at `off` as text. */
export function macAt(buf, off) {
  return [...buf.subarray(off, off + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** An ARP packet (Ethernet/IPv4): op 1 request, 2 reply. */
export function arp({ op, sha, spa, tha = '00:00:00:00:00:00', tpa }) {
  const p = Buffer.alloc(28);
  p.writeUInt16BE(1, 0);
  p.writeUInt16BE(0x0800, 2);
  p[4] = 6;
  p[5] = 4;
  p.writeUInt16BE(op, 6);
  Buffer.from(sha.split(':').map((x) => parseInt(x, 16))).copy(p, 8);
  ip4(spa).copy(p, 14);
  Buffer.from(tha.split(':').map((x) => parseInt(x, 16))).copy(p, 18);
  ip4(tpa).copy(p, 24);
  return p;
}

/** The dotted IPv4 address at `off`. */
export function ip4At(buf, off) {
  return [...buf.subarray(off, off + 4)].join('.');
}
