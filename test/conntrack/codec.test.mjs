// The ctnetlink codec without a kernel: request bytes laid out as the kernel
// reads them (big-endian ports, addresses, zone and id; the CTA_FILTER flags
// in host order; nfgenmsg version 1 for a per-family flush), and a message
// decoded back into a typed entry. Needs nothing.
import t from 'tap';
import { constant, native } from '../../dist/netlink/native.js';
import { decodeEntry } from '../../dist/conntrack/decode.js';
import { deleteRequest, dumpRequest, flushRequest } from '../../dist/conntrack/encode.js';
import { checkFilter, checkFlow } from '../../dist/conntrack/validate.js';

const type = (m) => (constant('NFNL_SUBSYS_CTNETLINK') << 8) | constant(m);
const hex = (s) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

t.test('a flow delete: tuple, zone and id in network order', (t) => {
  const flow = checkFlow('t', { family: 'ip', proto: 'udp', orig: { src: '198.18.30.2', dst: '198.18.30.1', sport: 40001, dport: 5353 }, zone: 7, id: 0x01020304 });
  const bytes = native.ct.encode(type('IPCTNL_MSG_CT_DELETE'), constant('NLM_F_REQUEST') | constant('NLM_F_ACK'), deleteRequest(flow));
  t.same(
    bytes,
    hex(`
      58000000 0201 0500 00000000 00000000   nlmsghdr: len 88, type 0x0102, REQUEST|ACK
      02 00 0000                             nfgenmsg: AF_INET, version 0, res_id 0
      3400 0180                              CTA_TUPLE_ORIG | NLA_F_NESTED
        1400 0180                              CTA_TUPLE_IP
          0800 0100 c6121e02                     CTA_IP_V4_SRC 198.18.30.2
          0800 0200 c6121e01                     CTA_IP_V4_DST 198.18.30.1
        1c00 0280                              CTA_TUPLE_PROTO
          0500 0100 11 000000                    CTA_PROTO_NUM 17
          0600 0200 9c41 0000                    CTA_PROTO_SRC_PORT 40001, be16
          0600 0300 14e9 0000                    CTA_PROTO_DST_PORT 5353, be16
      0600 1200 0007 0000                    CTA_ZONE 7, be16
      0800 0c00 01020304                     CTA_ID, be32
    `.replace(/[^0-9a-f\s].*$/gm, '')),
  );
  const back = native.ct.decode(bytes)[0];
  t.same(back.attrs.tupleOrig, { ip: { v4Src: '198.18.30.2', v4Dst: '198.18.30.1' }, proto: { num: 17, srcPort: 40001, dstPort: 5353 } }, 'decodes back');
  t.end();
});

t.test('an ICMPv6 flow carries type, code and id', (t) => {
  const flow = checkFlow('t', { family: 'ip6', proto: 'icmpv6', orig: { src: '2001:db8::1', dst: '2001:db8::2', icmp: { type: 128, code: 0, id: 0x1234 } } });
  const m = native.ct.decode(native.ct.encode(type('IPCTNL_MSG_CT_DELETE'), 0, deleteRequest(flow)))[0];
  t.equal(m.header.nfgenFamily, constant('AF_INET6'));
  t.same(m.attrs.tupleOrig, { ip: { v6Src: '2001:db8::1', v6Dst: '2001:db8::2' }, proto: { num: 58, icmpv6Type: 128, icmpv6Code: 0, icmpv6Id: 0x1234 } });
  t.end();
});

t.test('a filtered dump: CTA_FILTER flags in host order, the mark masked, status and mask', (t) => {
  const f = checkFilter('t', { proto: 'tcp', dport: 443, src: '198.18.30.2', reply: { src: '198.18.40.2' }, mark: 0x11, markMask: 0x0f, status: ['assured'] });
  const req = dumpRequest(f);
  t.equal(req.header.nfgenFamily, constant('AF_INET'), 'the family implied by the addresses');
  const m = native.ct.decode(native.ct.encode(type('IPCTNL_MSG_CT_GET'), constant('NLM_F_REQUEST') | constant('NLM_F_DUMP'), req))[0];
  const F = (n) => constant(`CTA_FILTER_F_CTA_${n}`);
  t.same(m.attrs.filter, { origFlags: F('IP_SRC') | F('PROTO_NUM') | F('PROTO_DST_PORT'), replyFlags: F('IP_SRC') });
  t.same(m.attrs.tupleOrig, { ip: { v4Src: '198.18.30.2' }, proto: { num: 6, dstPort: 443 } });
  t.same(m.attrs.tupleReply, { ip: { v4Src: '198.18.40.2' } });
  t.equal(m.attrs.mark, 0x01, 'mark & mask, as the kernel compares it');
  t.equal(m.attrs.markMask, 0x0f);
  t.equal(m.attrs.status, constant('IPS_ASSURED'));
  t.equal(m.attrs.statusMask, constant('IPS_ASSURED'));
  const raw = native.ct.encode(type('IPCTNL_MSG_CT_GET'), 0, { header: { nfgenFamily: 2 }, attrs: { filter: { origFlags: 0x28 } } });
  t.same(raw.subarray(raw.length - 8), hex('0800 0100 28000000'), 'CTA_FILTER_ORIG_FLAGS is host order (little-endian here), unlike every other integer');
  t.same(dumpRequest(checkFilter('t', { proto: 'udp', dport: 53 })), { header: { nfgenFamily: 0, version: 0 }, attrs: {} }, 'no family: nothing the kernel could compare');
  t.end();
});

t.test('flush: version 1 with a family, 0 without', (t) => {
  t.same(flushRequest('ip6').header, { nfgenFamily: constant('AF_INET6'), version: 1 });
  t.same(flushRequest(undefined).header, { nfgenFamily: 0, version: 0 });
  const bytes = native.ct.encode(type('IPCTNL_MSG_CT_DELETE'), 0, flushRequest('ip'));
  t.same(bytes.subarray(16), hex('02 01 0000'), 'nfgenmsg only');
  t.end();
});

t.test('a CT_NEW message decodes into an entry', (t) => {
  const status = constant('IPS_SEEN_REPLY') | constant('IPS_ASSURED') | constant('IPS_CONFIRMED') | constant('IPS_DST_NAT');
  const tuple = (src, dst, sport, dport) => ({ ip: { v4Src: src, v4Dst: dst }, proto: { num: 6, srcPort: sport, dstPort: dport } });
  const bytes = native.ct.encode(type('IPCTNL_MSG_CT_NEW'), 0, {
    header: { nfgenFamily: 2 },
    attrs: {
      tupleOrig: tuple('198.18.30.2', '198.18.30.1', 40000, 8080),
      tupleReply: tuple('198.18.40.2', '198.18.30.2', 80, 40000),
      status,
      protoinfo: { tcp: { state: constant('TCP_CONNTRACK_ESTABLISHED'), flagsOriginal: { flags: 0x23, mask: 0x23 } } },
      timeout: 431999,
      mark: 5,
      id: 42,
      use: 1,
      countersOrig: { packets: 3, bytes: 180 },
      countersReply: { packets: 2, bytes: 120 },
    },
  });
  const e = decodeEntry(native.ct.decode(bytes)[0]);
  t.same(e, {
    family: 'ip',
    proto: 'tcp',
    orig: { src: '198.18.30.2', dst: '198.18.30.1', sport: 40000, dport: 8080 },
    reply: { src: '198.18.40.2', dst: '198.18.30.2', sport: 80, dport: 40000 },
    status: ['seen-reply', 'assured', 'confirmed', 'dst-nat'],
    nat: { src: false, dst: true },
    timeout: 431999,
    id: 42,
    zone: 0,
    mark: 5,
    use: 1,
    tcpState: 'established',
    counters: { orig: { packets: 3, bytes: 180 }, reply: { packets: 2, bytes: 120 } },
  });
  t.end();
});

t.test('every ctnetlink attribute name is known to the codec', (t) => {
  t.throws(() => native.ct.encode(type('IPCTNL_MSG_CT_GET'), 0, { attrs: { tupleOrgi: {} } }), /tupleOrgi: unknown attribute of conntrack-attrs/);
  t.throws(() => native.ct.encode(type('IPCTNL_MSG_CT_GET'), 0, { attrs: { tupleOrig: { ip: { v4Src: '2001:db8::1' } } } }), /v4Src/);
  t.end();
});
