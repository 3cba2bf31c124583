// WireGuard without a kernel: GET_DEVICE replies built here (as the kernel
// lays them out, split over two messages the way it splits a large device)
// decoded into the typed device; keys made with node:crypto checked against
// `wg pubkey` (wireguard-tools); bad input refused before any I/O, naming
// the field.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { native, constant } from '../../dist/netlink/native.js';
import { decodeDevice } from '../../dist/wireguard/decode.js';
import { setMessages } from '../../dist/wireguard/encode.js';
import { checkConfig, checkDevice } from '../../dist/wireguard/validate.js';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../../dist/index.js';

const FAMILY_ID = 37;
const key = (b) => Buffer.alloc(32, b);
const b64 = (b) => key(b).toString('base64');

// struct sockaddr_in6 for [2001:db8::2]:51821, laid out by hand (family, port, flowinfo, address, scope id).
function sockaddrIn6() {
  const s = Buffer.alloc(28);
  s.writeUInt16LE(constant('AF_INET6'), 0);
  s.writeUInt16BE(51821, 2);
  Buffer.from('20010db8000000000000000000000002', 'hex').copy(s, 8);
  return s;
}

// One NLM_F_MULTI part of a WG_CMD_GET_DEVICE dump reply, as the socket hands it over (payload bytes).
function part(attrs) {
  const buf = native.genl.encode(FAMILY_ID, constant('NLM_F_MULTI'), { family: 'wireguard', header: { cmd: constant('WG_CMD_GET_DEVICE'), version: 1 }, attrs });
  const [reply] = native.genl.decode(buf); // no family named: what the socket's decoder yields
  t.equal(reply.type, FAMILY_ID);
  return native.genl.decodePayload('wireguard', reply.payload).attrs;
}

t.test('a GET_DEVICE reply in two parts decodes to one typed device', async (t) => {
  const common = { ifindex: 7, ifname: 'wg0', privateKey: key(1), publicKey: key(2), listenPort: 51820, fwmark: 0x42 };
  const first = part({
    ...common,
    peers: [
      {
        publicKey: key(3),
        presharedKey: key(4),
        endpoint: { address: '198.18.0.2', port: 51820 },
        persistentKeepaliveInterval: 25,
        lastHandshakeTime: { sec: 1700000000, nsec: 5e8 },
        rxBytes: 1234,
        txBytes: 2n ** 40n,
        protocolVersion: 1,
        allowedips: [{ family: constant('AF_INET'), ipaddr: '198.18.1.0', cidrMask: 24 }],
      },
    ],
  });
  // The kernel goes on with the same peer in the next part: its key again, then the rest of its allowed IPs.
  const second = part({
    ...common,
    peers: [
      { publicKey: key(3), allowedips: [{ family: constant('AF_INET6'), ipaddr: '2001:db8:1::', cidrMask: 64 }] },
      { publicKey: key(5), presharedKey: Buffer.alloc(32), endpoint: sockaddrIn6(), lastHandshakeTime: { sec: 0, nsec: 0 }, allowedips: [] },
    ],
  });
  t.same(decodeDevice([first, second]), {
    index: 7,
    name: 'wg0',
    privateKey: b64(1),
    publicKey: b64(2),
    listenPort: 51820,
    fwmark: 0x42,
    peers: [
      {
        publicKey: b64(3),
        presharedKey: b64(4),
        endpoint: { address: '198.18.0.2', port: 51820 },
        allowedIps: ['198.18.1.0/24', '2001:db8:1::/64'],
        persistentKeepalive: 25,
        lastHandshake: new Date(1700000000500),
        rxBytes: 1234,
        txBytes: 2 ** 40,
        protocolVersion: 1,
      },
      { publicKey: b64(5), endpoint: { address: '2001:db8::2', port: 51821 }, allowedIps: [], persistentKeepalive: 0, lastHandshake: null, rxBytes: 0, txBytes: 0 },
    ],
  });
});

t.test('keys: X25519 from node:crypto, the public key as `wg pubkey` computes it', async (t) => {
  for (let i = 0; i < 3; i++) {
    const priv = generatePrivateKey();
    t.match(priv, /^[A-Za-z0-9+/]{43}=$/);
    const theirs = execFileSync('wg', ['pubkey'], { input: `${priv}\n`, encoding: 'utf8' }).trim();
    t.equal(publicKeyOf(priv), theirs, 'wg pubkey agrees');
  }
  const fromWg = execFileSync('wg', ['genkey'], { encoding: 'utf8' }).trim();
  t.equal(publicKeyOf(fromWg), execFileSync('wg', ['pubkey'], { input: fromWg, encoding: 'utf8' }).trim(), "a key wg generated, too");
  t.not(generatePresharedKey(), generatePresharedKey());
  t.throws(() => publicKeyOf('nope'), { name: 'TypeError', message: /^privateKey: must be a WireGuard key/ });
});

t.test('bad input fails before the kernel, naming the field', async (t) => {
  const op = 'wireguard.set';
  const cases = [
    [{ privateKey: 'abc' }, /^wireguard\.set: privateKey: must be a WireGuard key/],
    [{ privateKey: Buffer.alloc(31).toString('base64') + 'AAAA' }, /privateKey: must be a WireGuard key/],
    [{ listenPort: 65536 }, /^wireguard\.set: listenPort: must be an integer 0\.\.65535/],
    [{ fwmark: -1 }, /fwmark: must be an integer/],
    [{ peers: [{ publicKey: b64(1), endpoint: '2001:db8::2:51820' }] }, /peers\[0\]\.endpoint: an IPv6 endpoint is written/],
    [{ peers: [{ publicKey: b64(1), endpoint: '198.18.0.2:0' }] }, /peers\[0\]\.endpoint\.port: must be an integer 1\.\.65535/],
    [{ peers: [{ publicKey: b64(1) }, { publicKey: b64(2), allowedIps: ['198.18.0.0/33'] }] }, /peers\[1\]\.allowedIps\[0\]: prefix length must be 0\.\.32/],
    [{ peers: [{ publicKey: b64(1), persistentKeepalive: 70000 }] }, /peers\[0\]\.persistentKeepalive/],
    [{ peers: [{ publicKey: b64(1), bogus: 1 }] }, /peers\[0\]\.bogus: unknown peer option/],
    [{ listen: 1 }, /wireguard\.set: listen: unknown option/],
  ];
  for (const [config, message] of cases) t.throws(() => checkConfig(op, config), { message }, JSON.stringify(config).slice(0, 80));
  t.throws(() => checkDevice(op, 'a'.repeat(16)), { message: /device: not an interface name/ });
  t.throws(() => checkDevice(op, { index: 0 }), { message: /device\.index: must be an integer 1\.\./ });
  t.same(checkDevice(op, { index: 9 }), { ifindex: 9 });
});

t.test('a device too large for one message is split, nothing lost, nothing repeated that would undo', async (t) => {
  const peers = Array.from({ length: 50 }, (_, i) => ({
    publicKey: b64(i + 1),
    presharedKey: b64(200),
    replaceAllowedIps: true,
    allowedIps: Array.from({ length: 20 + i }, (_, j) => `198.18.${i}.${j}/32`),
  }));
  const config = checkConfig('split', { privateKey: b64(100), replacePeers: true, peers });
  const messages = setMessages(checkDevice('split', 'wg0'), config).map((m) => native.genl.encode(FAMILY_ID, 5, m));
  t.ok(messages.length > 5, `${messages.length} messages`);
  t.ok(messages.every((m) => m.length <= 4096), 'each at most 4096 bytes');
  const parts = messages.map((m) => native.genl.decode(m, 'wireguard')[0].attrs);
  t.equal(parts.filter((p) => p.privateKey !== undefined || p.flags !== undefined).length, 1, 'device settings and REPLACE_PEERS once, in the first');
  const seen = new Map();
  for (const p of parts.flatMap((x) => x.peers ?? [])) {
    const k = p.publicKey.toString('base64');
    const entry = seen.get(k) ?? { replace: 0, psk: 0, ips: [] };
    if (p.flags & constant('WGPEER_F_REPLACE_ALLOWEDIPS')) entry.replace++;
    if (p.presharedKey) entry.psk++;
    entry.ips.push(...(p.allowedips ?? []).map((a) => `${a.ipaddr}/${a.cidrMask}`));
    seen.set(k, entry);
  }
  t.equal(seen.size, 50);
  for (const p of peers) {
    const e = seen.get(p.publicKey);
    t.same(e.ips, p.allowedIps, `${p.publicKey.slice(0, 6)}: every allowed IP, in order`);
    t.equal(e.replace, 1, 'REPLACE_ALLOWEDIPS only where the peer starts');
    t.equal(e.psk, 1, 'its preshared key once');
  }
});
