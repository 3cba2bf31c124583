// WireGuard golden bytes (no privileges needed): the generic netlink
// requests netloom sends for `wireguard.set` / `get`, compared byte for byte
// with what wireguard-tools' `wg` sent for the same command
// (test/fixtures/wireguard/requests.json, captured by tools/capture-wg.mjs
// through an LD_PRELOAD shim that answered for the kernel with the family id
// recorded in the fixture). Only nlmsg_seq and nlmsg_pid are ignored; the
// family id is the fixture's. The one flag difference: wg asks its GET dump
// for an ACK too, which the kernel never sends for a dump that started.
import t from 'tap';
import { createRequire } from 'node:module';
import { native, constant } from '../../dist/netlink/native.js';
import { getFamilyRequest } from '../../dist/netlink/genl-family.js';
import { getRequest, setMessages } from '../../dist/wireguard/encode.js';
import { checkConfig, checkDevice } from '../../dist/wireguard/validate.js';

const require = createRequire(import.meta.url);
const fixtures = require('../fixtures/wireguard/requests.json');
const K = fixtures[0].keys;
// The keys tools/capture-wg.mjs made its many peers with.
const pattern = (start) => Buffer.from(Array.from({ length: 32 }, (_, i) => (start + i) & 0xff)).toString('base64');

const CASES = {
  'set-device': { privateKey: K.PRIV, listenPort: 51820, fwmark: 0x42 },
  'set-full': {
    privateKey: K.PRIV,
    listenPort: 51820,
    fwmark: 0x42,
    peers: [{ publicKey: K.PEER1, presharedKey: K.PSK, endpoint: '198.18.0.2:51820', allowedIps: ['198.18.1.0/24', '2001:db8:1::/64'], replaceAllowedIps: true, persistentKeepalive: 25 }],
  },
  'set-peer-v6-endpoint': { peers: [{ publicKey: K.PEER2, endpoint: { address: '2001:db8::2', port: 51821 }, allowedIps: ['198.18.2.0/24'], replaceAllowedIps: true }] },
  'set-peer-remove': { peers: [{ publicKey: K.PEER1, remove: true }] },
  'set-clear-allowed-ips': { peers: [{ publicKey: K.PEER1, replaceAllowedIps: true }] },
  'set-fwmark-off-keepalive-off': { listenPort: 0, fwmark: 0, peers: [{ publicKey: K.PEER1, persistentKeepalive: 0 }] },
  'set-many-peers': {
    peers: Array.from({ length: 120 }, (_, i) => ({ publicKey: pattern(0x80 + i), allowedIps: [`198.18.${i >> 4}.${(i & 15) * 16}/28`], replaceAllowedIps: true })),
  },
  'set-many-allowed-ips': {
    peers: [
      {
        publicKey: K.PEER1,
        presharedKey: K.PSK,
        endpoint: '198.18.0.2:51820',
        allowedIps: Array.from({ length: 200 }, (_, i) => `198.19.${i >> 6}.${(i & 63) * 4}/30`),
        replaceAllowedIps: true,
        persistentKeepalive: 25,
      },
      { publicKey: K.PEER2, allowedIps: ['198.18.3.0/24'], replaceAllowedIps: true },
    ],
  },
  'setconf-replace': { privateKey: K.PRIV, listenPort: 51820, fwmark: 0, replacePeers: true, peers: [{ publicKey: K.PEER1, allowedIps: ['198.18.1.0/24'], replaceAllowedIps: true }] },
};

const REQUEST_ACK = constant('NLM_F_REQUEST') | constant('NLM_F_ACK');
const DUMP = constant('NLM_F_REQUEST') | constant('NLM_F_DUMP');

// Everything but nlmsg_seq and nlmsg_pid (bytes 8..15).
const comparable = (buf) => Buffer.concat([buf.subarray(0, 8), buf.subarray(16)]).toString('hex');

function same(t, ours, theirs, what) {
  t.equal(ours.length, theirs.length, `${what}: length`);
  t.equal(comparable(ours), comparable(theirs), `${what}: every byte but seq and pid`);
}

t.test('every fixture has a netloom configuration', async (t) => {
  t.same(fixtures.map((f) => f.name).filter((n) => !(n in CASES) && n !== 'show-dump'), []);
  for (const f of fixtures) t.equal(f.exitCode, 0, `${f.name}: wg succeeded against the shim`);
});

for (const f of fixtures) {
  t.test(`${f.name}: ${f.command.slice(0, 120)}`, async (t) => {
    const [getFamily, ...requests] = f.hex.map((h) => Buffer.from(h, 'hex'));
    same(t, native.genl.encode(constant('GENL_ID_CTRL'), REQUEST_ACK, getFamilyRequest('wireguard')), getFamily, 'CTRL_CMD_GETFAMILY');
    const device = checkDevice('golden', 'wg0');
    if (f.name === 'show-dump') {
      const ours = native.genl.encode(f.familyId, DUMP, getRequest(device));
      const theirs = Buffer.from(requests[0]);
      t.equal(theirs.readUInt16LE(6), DUMP | constant('NLM_F_ACK'), "wg's dump flags: REQUEST|ACK|DUMP");
      theirs.writeUInt16LE(DUMP, 6);
      same(t, ours, theirs, 'WG_CMD_GET_DEVICE');
      return;
    }
    const ours = setMessages(device, checkConfig('golden', CASES[f.name])).map((m) => native.genl.encode(f.familyId, REQUEST_ACK, m));
    t.equal(ours.length, requests.length, `${requests.length} message(s), split where wg split them`);
    for (let i = 0; i < Math.min(ours.length, requests.length); i++) same(t, ours[i], requests[i], `WG_CMD_SET_DEVICE ${i + 1}`);
    t.ok(ours.every((m) => m.length <= 4096), 'no message over 4096 bytes');
  });
}
