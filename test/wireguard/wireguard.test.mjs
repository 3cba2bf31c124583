// WireGuard on this kernel, in a namespace of its own: the kernel has no
// wireguard module, so the family resolver's CTRL_CMD_GETFAMILY is refused
// (ENOENT) and set/get reject with the typed GenlFamilyError naming the
// family, from `nl.wireguard` and from `openWireguard()` alike, without
// leaking a file descriptor; the `wireguard` link kind gets the clear
// "kernel does not support link kind" error. The controller itself answers:
// a family the kernel has (nlctrl) resolves to its id. A closed handle
// refuses with EBADF.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { GenlFamilyError, GenlSocket, NetlinkError, generatePrivateKey, open, openWireguard } from '../../dist/index.js';
import { constant } from '../../dist/netlink/native.js';
import { sandbox, sysLinks } from '../helpers/sandbox.mjs';

const fdCount = () => readdirSync('/proc/self/fd').length;
// A closed socket's fd goes at the event loop's next close callbacks: wait for the count (bounded, 1 s).
async function fdsSettle(want) {
  for (let i = 0; i < 50 && fdCount() !== want; i++) await new Promise((r) => setTimeout(r, 20));
  return fdCount();
}
const CONFIG = { privateKey: generatePrivateKey(), listenPort: 51820, peers: [{ publicKey: generatePrivateKey(), endpoint: '198.18.0.2:51820', allowedIps: ['198.18.1.0/24'] }] };

function isFamilyError(t, e, operation) {
  t.type(e, GenlFamilyError, `${operation}: GenlFamilyError`);
  t.type(e, NetlinkError, 'a NetlinkError');
  t.equal(e.code, 'ENOENT');
  t.equal(e.errno, 2);
  t.equal(e.family, 'wireguard');
  t.equal(e.operation, operation);
  t.equal(e.message, `${operation}: kernel does not support generic netlink family 'wireguard' (ENOENT)`);
}

t.test('nl.wireguard: set and get reject with the typed family error; nothing leaks', async (t) => {
  const { ns } = await sandbox(t);
  const base = fdCount();
  const nl = await open({ netns: ns });
  t.teardown(() => nl.close());
  const before = fdCount();
  let opened;
  for (let i = 0; i < 20; i++) {
    isFamilyError(t, await nl.wireguard.set('wg0', CONFIG).catch((e) => e), 'wireguard.set');
    isFamilyError(t, await nl.wireguard.get('wg0').catch((e) => e), 'wireguard.get');
    opened ??= fdCount();
  }
  t.equal(fdCount(), opened, `the first call opened the generic netlink socket (${opened - before} fds); 39 more opened nothing`);
  await nl.close();
  t.equal(await fdsSettle(base), base, 'closing the handle closed its rtnetlink socket, generic netlink socket and namespace fd');
  t.same(sysLinks(ns), ['lo'], 'nothing was made');
});

t.test('openWireguard({ netns }): the same error; close gives every fd back', async (t) => {
  const { ns } = await sandbox(t);
  const before = fdCount();
  for (let i = 0; i < 5; i++) {
    const wg = await openWireguard({ netns: ns });
    isFamilyError(t, await wg.set({ index: 1 }, { listenPort: 1 }).catch((e) => e), 'wireguard.set');
    isFamilyError(t, await wg.get('wg0').catch((e) => e), 'wireguard.get');
    await wg.close();
    await wg.close();
  }
  t.equal(await fdsSettle(before), before, 'no fd left behind');
});

t.test('bad input is refused before any socket is opened', async (t) => {
  const { nl } = await sandbox(t);
  const before = fdCount();
  await t.rejects(nl.wireguard.set('wg0', { peers: [{ publicKey: 'short' }] }), { name: 'TypeError', message: /^wireguard\.set: peers\[0\]\.publicKey: must be a WireGuard key/ });
  await t.rejects(nl.wireguard.get(''), { name: 'TypeError', message: /^wireguard\.get: device:/ });
  t.equal(fdCount(), before, 'no socket opened for input that cannot be sent');
});

t.test('the resolver: nlctrl resolves, wireguard does not, and a failure is not cached', async (t) => {
  const { ns } = await sandbox(t);
  const s = await GenlSocket.open(ns.fd);
  t.teardown(() => s.close());
  const ctrl = await s.family('nlctrl');
  t.equal(ctrl.id, constant('GENL_ID_CTRL'));
  t.equal(ctrl.name, 'nlctrl');
  t.ok(ctrl.version >= 1);
  t.equal(typeof ctrl.mcastGroups.notify, 'number', 'its multicast group "notify"');
  t.equal(await s.family('nlctrl'), ctrl, 'cached: the same object');
  const a = await s.family('wireguard').catch((e) => e);
  const b = await s.family('wireguard').catch((e) => e);
  t.type(a, GenlFamilyError);
  t.not(a, b, 'asked again, not cached');
});

t.test("the wireguard link kind: the kernel's clear error, nothing left", async (t) => {
  const { ns, nl } = await sandbox(t);
  const e = await nl.link.add({ kind: 'wireguard', name: 'wg0' }).catch((x) => x);
  t.type(e, NetlinkError);
  t.equal(e.code, 'EOPNOTSUPP');
  t.equal(e.message, "link.add: kernel does not support link kind 'wireguard' (Unknown device type) (EOPNOTSUPP)");
  t.same(sysLinks(ns), ['lo']);
});

t.test('after the handle closes, nl.wireguard refuses with EBADF and opens nothing', async (t) => {
  const { ns } = await sandbox(t);
  const nl = await open({ netns: ns });
  await nl.close();
  const before = fdCount();
  const e = await nl.wireguard.get('wg0').catch((x) => x);
  t.type(e, NetlinkError);
  t.equal(e.code, 'EBADF');
  t.equal(e.message, 'wireguard.get: the netlink handle is closed (EBADF)');
  t.equal(fdCount(), before);
});
